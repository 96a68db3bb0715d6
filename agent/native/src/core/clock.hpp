// The session clock: milliseconds since the session started, from a monotonic high-resolution source
// (QueryPerformanceCounter on Windows, steady_clock elsewhere). Lua's os.clock in UEVR is 1 ms wall time.
#pragma once
#include <cstdint>
#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <chrono>
#endif

namespace uevrprof {

class Clock {
 public:
  Clock() { origin_ = raw(); }
  double nowMs() const { return double(raw() - origin_) * msPerTick(); }

 private:
#ifdef _WIN32
  static int64_t raw() { LARGE_INTEGER v; QueryPerformanceCounter(&v); return v.QuadPart; }
  static double msPerTick() {
    static const double f = [] { LARGE_INTEGER v; QueryPerformanceFrequency(&v); return 1000.0 / double(v.QuadPart); }();
    return f;
  }
#else
  static int64_t raw() { return std::chrono::steady_clock::now().time_since_epoch().count(); }
  static double msPerTick() { return 1000.0 * double(std::chrono::steady_clock::period::num) / double(std::chrono::steady_clock::period::den); }
#endif
  int64_t origin_;
};

}  // namespace uevrprof
