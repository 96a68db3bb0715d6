// Running a short action while another thread is stopped: how the sampler arms its Lua hook without
// racing the VM. lua_sethook is safe only where the Lua thread is not running (the Lua manual: it "can be
// called asynchronously, e.g. during a signal"); from a concurrently running thread its settraps writes
// CallInfo fields the VM is reusing.
//   Windows: SuspendThread, then GetThreadContext (it returns only once the suspension has taken effect),
//            the action on the sampler thread, ResumeThread.
//   POSIX:   a signal to that thread; the action runs in the handler, on the stopped thread itself.
// The action must allocate nothing and take no lock (the stopped thread may hold the heap's or ours):
// atomics and lua_sethook only.
#pragma once
#include <cstdint>

namespace uevrprof {

using StopAction = void (*)(void* arg);

// An opaque reference to the calling thread, usable by another thread with stopAndRun. On Windows a
// thread handle opened once per thread (kept for the thread's life); on POSIX its pthread_t.
uintptr_t currentThreadRef();

// Installs the action the POSIX signal handler runs (one per process; no-op on Windows). Call before
// the first stopAndRun.
void setStopAction(StopAction action, void* arg);

// Stops `thread`, runs the action with the thread stopped, lets it continue. Returns false when the
// thread could not be stopped (it has exited). On POSIX the action runs asynchronously in the target's
// signal handler: this returns once the signal is sent.
bool stopAndRun(uintptr_t thread);

}  // namespace uevrprof
