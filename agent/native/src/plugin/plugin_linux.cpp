// The plugin as a Linux shared object, for the stand-in host (test/native/host.cpp --plugin): the same
// exports as the Windows DLL (plugin.cpp), with the unload on dlclose (a destructor, where the Windows
// shell has DLL_PROCESS_DETACH), so the stand-in can unload and reload it as UEVR does and check that
// the module is really gone. Built with its own copy of Lua 5.4.4 (hidden symbols), like the DLL.
// A few extra exports, uevrprof_test_*, let the host configure and drive it; UEVR never calls them.
#include <string>

#include "../core/profiler.hpp"
#include "../core/session.hpp"
#include "plugin_core.hpp"
#include "uevr_api_subset.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {
uevrprof::plugin::Platform g_platform;
}

EXPORT void uevr_plugin_required_version(UEVRP_PluginVersion* v) {
  v->major = 2;
  v->minor = 0;
  v->patch = 0;
}

EXPORT bool uevr_plugin_initialize(const UEVRP_PluginInitializeParam* param) {
  return uevrprof::plugin::initialize(param, g_platform);
}

// Test host: how the next initialize is set up (the bench sink lives in the host).
EXPORT void uevrprof_test_configure(uevrprof::Sink* sink, const char* exeName, const char* hostVersion, const char* sessionsDir, int port) {
  g_platform.sink = sink;
  g_platform.exeName = exeName;
  g_platform.hostVersion = hostVersion;
  g_platform.sessionsDir = sessionsDir;
  g_platform.port = port;
}

EXPORT void uevrprof_test_set_hz(double hz) {
  if (auto* p = uevrprof::plugin::profiler()) p->setSamplingHz(hz);
}

EXPORT void uevrprof_test_arm_unstopped(bool on) {
  if (auto* p = uevrprof::plugin::profiler()) p->setArmWithoutStopForBench(on);
}

// Bench reference (bench/lines.bench.ts): sample without lines, as before capture format 3.
EXPORT void uevrprof_test_lines(bool on) {
  if (auto* p = uevrprof::plugin::profiler()) p->setLinesForBench(on);
}

// The sampler's own cost: summed (ms), the median per sample (ms) and how many samples it took.
EXPORT void uevrprof_test_sample_costs(double* sumMs, double* medianMs, long* samples) {
  auto* p = uevrprof::plugin::profiler();
  *sumMs = p ? p->sampleCostMs() : 0;
  *medianMs = p ? p->medianSampleCostMs() : 0;
  *samples = p ? p->samplesTaken() : 0;
}

// The session's port, token and discovery file (null when there is no network session).
EXPORT bool uevrprof_test_session(int* port, const char** token, const char** discovery) {
  auto* s = uevrprof::plugin::session();
  if (!s) return false;
  *port = s->port();
  *token = s->token().c_str();
  *discovery = s->discoveryFile().c_str();
  return true;
}

EXPORT void uevrprof_test_shutdown() { uevrprof::plugin::shutdownForTests(); }

// dlclose (UEVR's FreeLibrary) or process exit.
__attribute__((destructor)) static void onUnload() { uevrprof::plugin::unload(true); }
