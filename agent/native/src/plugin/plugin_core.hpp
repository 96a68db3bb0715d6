// The UEVR plugin's logic, free of Windows: what uevr_plugin_initialize checks and sets up, the callbacks
// it gives UEVR, the Lua hand-over on the agent's hello, and a second initialisation after UEVR's
// "Reload Plugins". plugin.cpp is the Windows DLL shell around it (exports, pinning, DllMain); the Linux
// test host (test/native/host.cpp) drives the same code through a parameter block laid out like UEVR's.
#pragma once
#include <string>

#include "uevr_api_subset.h"

namespace uevrprof {
class Profiler;
class Session;
class Sink;

namespace plugin {

// The plugin API version this plugin needs (get_lua_state) and the newest one it was checked against.
constexpr int kNeedMajor = 2, kNeedMinor = 39, kCheckedMinor = 39;

struct Platform {
  std::string exeName = "unknown";
  std::string hostVersion = "uevr-profiler-native 1";
  // Keeps the plugin's code mapped until the process exits (Windows: GetModuleHandleEx PIN). The plugin
  // refuses to start when this fails: the Lua state will hold pointers into its code.
  bool (*pinSelf)() = nullptr;
  // Tests: frames and samples to this sink instead of a network session.
  Sink* sink = nullptr;
  std::string sessionsDir;  // empty: the default (docs/protocol.md §8)
  int port = -1;            // -1: 47800–47819, then any
};

// uevr_plugin_initialize. Returns false (after a log line in UEVR's log) when this UEVR cannot be used.
bool initialize(const UEVRP_PluginInitializeParam* param, const Platform& platform);

// The running instance (null before initialize succeeded). The instance outlives "Attempt Unload
// Plugins": the module stays mapped, and a later initialize continues the same session.
Profiler* profiler();
Session* session();

// Stops the sampler and the session (process teardown in the Linux host; never from DllMain).
void shutdownForTests();

}  // namespace plugin
}  // namespace uevrprof
