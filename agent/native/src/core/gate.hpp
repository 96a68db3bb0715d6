// The gate: how the plugin can be unloaded (FreeLibrary / dlclose) while UEVR's Lua state and threads we
// do not control still hold addresses of our code.
//
// Every address of ours that leaves the module — the `uevr_profiler` table's C functions, the Lua count
// hook, the POSIX stop-signal handler, the entry points of our own threads — is a small stub in two pages
// allocated outside the module image and never freed. A stub counts itself in (an atomic counter in the
// data page), loads the real function from its slot and calls it, counts itself out, returns. `close()`
// empties every slot and waits (bounded) until no call is in flight: from then on every stub returns 0
// without touching the module, so the module can be unmapped while the Lua state still holds the stubs.
// No UEVR call, no lock, no allocation: close() is safe in DllMain / a dlclose destructor.
//
// Ordering: a caller does `lock inc in-flight` then loads its slot; close() swaps every slot to null
// (seq_cst) then loads in-flight. Either close() sees the caller counted in and waits for it, or the
// caller's slot load comes after the swap and sees null. The stubs are x86-64 machine code (Windows x64
// and System V calling conventions: argument registers and the return value pass through untouched).
//
// Rules for routed functions: they must return normally (a Lua error or C++ exception unwinding through a
// stub would leave it counted in, and close() would time out), so the plugin's Lua C functions never raise.
#pragma once
#include <cstdint>

namespace uevrprof {
namespace gate {

// The stub for `fn` (same signature, called the same way); the same stub for the same fn. Null when the
// stub pages cannot be allocated or when the gate is closed.
void* route(void* fn);

template <class F>
F routed(F fn) {
  return reinterpret_cast<F>(route(reinterpret_cast<void*>(fn)));
}

// Whether stubs can be made (the pages are allocated on first call) and the gate is open.
bool ready();

// Closes the gate for this module instance: every stub becomes a no-op returning 0, then waits up to
// `timeoutMs` for calls in flight to return. True when none is left.
bool close(int timeoutMs);
bool isOpen();
// Calls in flight right now (tests).
long inFlight();

// An OS thread whose entry point is a stub: when its function returns, the remaining instructions (the
// stub's epilogue, then the OS's thread exit) are outside the module.
class Thread {
 public:
  bool start(void (*fn)(void*), void* arg);
  bool running() const { return handle_ != 0; }
  // Waits up to timeoutMs for the thread to end (never from DllMain: a thread's exit waits for the
  // loader lock). True when it ended (or none was running).
  bool join(int timeoutMs);
  // Forgets the thread without waiting (after close(): its function has returned through the stub).
  void release();

 private:
  uintptr_t handle_ = 0;
};

}  // namespace gate
}  // namespace uevrprof
