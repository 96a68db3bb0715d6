// See threadstop.hpp.
#include "threadstop.hpp"

#include <atomic>

#include "gate.hpp"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#endif

namespace uevrprof {

namespace {
std::atomic<StopAction> g_action{nullptr};
std::atomic<void*> g_arg{nullptr};
}  // namespace

#ifdef _WIN32

uintptr_t currentThreadRef() {
  // One handle per thread for its whole life (a handful of threads ever run Lua).
  thread_local HANDLE h = OpenThread(THREAD_SUSPEND_RESUME | THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION, FALSE, GetCurrentThreadId());
  return reinterpret_cast<uintptr_t>(h);
}

void setStopAction(StopAction action, void* arg) {
  g_arg = arg;
  g_action = action;
}

bool stopAndRun(uintptr_t thread) {
  HANDLE h = reinterpret_cast<HANDLE>(thread);
  if (!h || h == GetCurrentThread()) return false;
  if (SuspendThread(h) == static_cast<DWORD>(-1)) return false;
  // SuspendThread is asynchronous: GetThreadContext returns only once the thread is really stopped.
  CONTEXT ctx;
  ctx.ContextFlags = CONTEXT_CONTROL;
  bool stopped = GetThreadContext(h, &ctx) != FALSE;
  if (stopped) {
    if (StopAction a = g_action.load()) a(g_arg.load());
  }
  ResumeThread(h);
  return stopped;
}

#else

namespace {
std::atomic<bool> g_installed{false};
int stopSignal() { return SIGRTMIN + 6; }

void onStopSignal(int, siginfo_t*, void*) {
  // Async-signal-safe: atomics, and the action (lua_sethook + atomics).
  int saved = errno;
  if (StopAction a = g_action.load()) a(g_arg.load());
  errno = saved;
}
}  // namespace

uintptr_t currentThreadRef() { return static_cast<uintptr_t>(pthread_self()); }

void setStopAction(StopAction action, void* arg) {
  g_arg = arg;
  g_action = action;
  // The handler is the gate's stub (gate.hpp): a signal still pending when the module is unloaded lands
  // in the stub, which then returns without calling into the unmapped module. The stub stays the
  // handler after an unload (the default action of a real-time signal would end the process).
  auto handler = gate::routed(&onStopSignal);
  if (handler && !g_installed.exchange(true)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(stopSignal(), &sa, nullptr);
  }
}

bool stopAndRun(uintptr_t thread) {
  if (thread == 0 || !g_installed.load()) return false;
  return pthread_kill(static_cast<pthread_t>(thread), stopSignal()) == 0;
}

#endif

}  // namespace uevrprof
