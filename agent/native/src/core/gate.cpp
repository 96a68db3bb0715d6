// See gate.hpp. Two pages per module instance, allocated on first use and never freed (they must outlive
// the module): page 0 holds the stubs (read + execute once written), page 1 the in-flight counter and the
// slots (read/write), and on Windows the unwind data that lets exceptions and stack walks pass a stub.
#include "gate.hpp"

#include <atomic>
#include <cstring>
#include <mutex>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>
#include <errno.h>
#endif

#if !defined(__x86_64__) && !defined(_M_X64)
#error "the gate's stubs are x86-64 machine code (the plugin targets Windows x64; the test host x86-64 Linux)"
#endif

namespace uevrprof {
namespace gate {

namespace {

constexpr size_t kPage = 4096;
constexpr int kStride = 64;       // bytes per stub
constexpr int kSlots = 32;
constexpr int kSlotBase = 64;     // data page: [0] in-flight counter, slots from byte 64
constexpr int kUnwindBase = 1024; // data page (Windows): UNWIND_INFO, then RUNTIME_FUNCTIONs

struct Pages {
  unsigned char* code = nullptr;
  unsigned char* data = nullptr;
  int used = 0;
  void* fns[kSlots] = {};
};

std::mutex g_mu;          // route() only (plugin initialisation, never on a hot path)
Pages g_pages;
std::atomic<bool> g_closed{false};

std::atomic<long long>* inflightCell() { return reinterpret_cast<std::atomic<long long>*>(g_pages.data); }
std::atomic<void*>* slot(int i) { return reinterpret_cast<std::atomic<void*>*>(g_pages.data + kSlotBase + 8 * i); }

void put32(unsigned char* p, int32_t v) { std::memcpy(p, &v, 4); }

// One stub (50 bytes):
//    0  F0 48 FF 05 r32   lock inc qword [rip+inflight]
//    8  48 8B 05 r32      mov rax, [rip+slot]
//   15  48 85 C0          test rax, rax
//   18  74 13             jz none (39)
//   20  48 83 EC 28       sub rsp, 40        ; Win64 shadow space + keeps rsp 16-byte aligned at the call
//   24  FF D0             call rax
//   26  F0 48 FF 0D r32   lock dec qword [rip+inflight]
//   34  48 83 C4 28       add rsp, 40        ; "add rsp; ret": an epilogue the Win64 unwinder recognises
//   38  C3                ret
//   39  31 C0             none: xor eax, eax
//   41  F0 48 FF 0D r32   lock dec qword [rip+inflight]
//   49  C3                ret
void writeStub(int i) {
  unsigned char* s = g_pages.code + kStride * i;
  auto rel = [&](int instrEnd, const void* target) {
    return int32_t(reinterpret_cast<const unsigned char*>(target) - (s + instrEnd));
  };
  const unsigned char* infl = g_pages.data;
  const unsigned char* sl = g_pages.data + kSlotBase + 8 * i;
  unsigned char c[50] = {0xF0, 0x48, 0xFF, 0x05, 0, 0, 0, 0,  //
                         0x48, 0x8B, 0x05, 0, 0, 0, 0,        //
                         0x48, 0x85, 0xC0,                    //
                         0x74, 0x13,                          //
                         0x48, 0x83, 0xEC, 0x28,              //
                         0xFF, 0xD0,                          //
                         0xF0, 0x48, 0xFF, 0x0D, 0, 0, 0, 0,  //
                         0x48, 0x83, 0xC4, 0x28,              //
                         0xC3,                                //
                         0x31, 0xC0,                          //
                         0xF0, 0x48, 0xFF, 0x0D, 0, 0, 0, 0,  //
                         0xC3};
  put32(c + 4, rel(8, infl));
  put32(c + 11, rel(15, sl));
  put32(c + 30, rel(34, infl));
  put32(c + 45, rel(49, infl));
  std::memcpy(s, c, sizeof c);
}

bool allocate() {
  if (g_pages.code) return true;
#ifdef _WIN32
  void* p = VirtualAlloc(nullptr, 2 * kPage, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (!p) return false;
#else
  void* p = mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
#endif
  g_pages.code = static_cast<unsigned char*>(p);
  g_pages.data = g_pages.code + kPage;
  std::memset(g_pages.code, 0xCC, kPage);  // int3 between stubs
  for (int i = 0; i < kSlots; i++) writeStub(i);
  bool ok;
#ifdef _WIN32
  // Unwind data shared by every stub: a 40-byte frame allocated at offset 24 (UWOP_ALLOC_SMALL, 4).
  unsigned char* ui = g_pages.data + kUnwindBase;
  const unsigned char unwind[8] = {0x01, 24, 1, 0, 24, 0x42, 0, 0};
  std::memcpy(ui, unwind, sizeof unwind);
  auto* rf = reinterpret_cast<RUNTIME_FUNCTION*>(g_pages.data + kUnwindBase + 16);
  for (int i = 0; i < kSlots; i++) {
    rf[i].BeginAddress = DWORD(kStride * i);
    rf[i].EndAddress = DWORD(kStride * i + 50);
    rf[i].UnwindData = DWORD(kPage + kUnwindBase);
  }
  DWORD old = 0;
  ok = VirtualProtect(g_pages.code, kPage, PAGE_EXECUTE_READ, &old) != FALSE;
  if (ok) {
    FlushInstructionCache(GetCurrentProcess(), g_pages.code, kPage);
    RtlAddFunctionTable(rf, DWORD(kSlots), reinterpret_cast<DWORD64>(g_pages.code));
  }
#else
  ok = mprotect(g_pages.code, kPage, PROT_READ | PROT_EXEC) == 0;
#endif
  if (!ok) {
    // Leave the pages as they are (not executable): nothing is routed.
    g_pages.code = g_pages.data = nullptr;
    return false;
  }
  return true;
}

#ifdef _WIN32
struct Start {
  void (*fn)(void*);
  void* arg;
};
DWORD WINAPI threadEntry(LPVOID p) {
  Start s = *static_cast<Start*>(p);
  delete static_cast<Start*>(p);
  s.fn(s.arg);
  return 0;
}
#else
struct Start {
  void (*fn)(void*);
  void* arg;
};
void* threadEntry(void* p) {
  Start s = *static_cast<Start*>(p);
  delete static_cast<Start*>(p);
  s.fn(s.arg);
  return nullptr;
}
#endif

}  // namespace

void* route(void* fn) {
  if (!fn || g_closed.load()) return nullptr;
  std::lock_guard<std::mutex> g(g_mu);
  if (!allocate()) return nullptr;
  for (int i = 0; i < g_pages.used; i++)
    if (g_pages.fns[i] == fn) return g_pages.code + kStride * i;
  if (g_pages.used >= kSlots) return nullptr;
  int i = g_pages.used++;
  g_pages.fns[i] = fn;
  slot(i)->store(fn);
  return g_pages.code + kStride * i;
}

bool close(int timeoutMs) {
  g_closed = true;
  if (!g_pages.data) return true;
  for (int i = 0; i < kSlots; i++) slot(i)->exchange(nullptr);
  for (int waited = 0;; waited++) {
    if (inflightCell()->load() == 0) return true;
    if (waited >= timeoutMs) return false;
#ifdef _WIN32
    Sleep(1);
#else
    timespec ts{0, 1000000};
    nanosleep(&ts, nullptr);
#endif
  }
}

bool isOpen() { return !g_closed.load(); }

bool ready() {
  if (g_closed.load()) return false;
  std::lock_guard<std::mutex> g(g_mu);
  return allocate();
}

long inFlight() { return g_pages.data ? long(inflightCell()->load()) : 0; }

bool Thread::start(void (*fn)(void*), void* arg) {
  auto* s = new Start{fn, arg};
#ifdef _WIN32
  auto entry = routed(&threadEntry);
  HANDLE h = entry ? CreateThread(nullptr, 0, entry, s, 0, nullptr) : nullptr;
  if (!h) { delete s; return false; }
  handle_ = reinterpret_cast<uintptr_t>(h);
#else
  auto entry = routed(&threadEntry);
  pthread_t t;
  if (!entry || pthread_create(&t, nullptr, entry, s) != 0) { delete s; return false; }
  handle_ = static_cast<uintptr_t>(t);
#endif
  return true;
}

bool Thread::join(int timeoutMs) {
  if (!handle_) return true;
#ifdef _WIN32
  HANDLE h = reinterpret_cast<HANDLE>(handle_);
  if (WaitForSingleObject(h, DWORD(timeoutMs)) != WAIT_OBJECT_0) return false;
  CloseHandle(h);
#else
  timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeoutMs / 1000;
  until.tv_nsec += long(timeoutMs % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
  if (pthread_timedjoin_np(static_cast<pthread_t>(handle_), nullptr, &until) != 0) return false;
#endif
  handle_ = 0;
  return true;
}

void Thread::release() {
  if (!handle_) return;
#ifdef _WIN32
  CloseHandle(reinterpret_cast<HANDLE>(handle_));
#else
  pthread_detach(static_cast<pthread_t>(handle_));
#endif
  handle_ = 0;
}

}  // namespace gate
}  // namespace uevrprof
