// The UEVR plugin's logic, free of Windows: what uevr_plugin_initialize checks and sets up, the callbacks
// it gives UEVR, the Lua hand-over on the agent's hello, and a second initialisation after UEVR's
// "Reload Plugins", and the unload. plugin.cpp is the Windows DLL shell around it (exports, DllMain),
// plugin_linux.cpp the same shell as a Linux shared object for the stand-in host (dlopen/dlclose); the
// Linux test host can also link it in directly.
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
  // Tests: frames and samples to this sink instead of a network session.
  Sink* sink = nullptr;
  std::string sessionsDir;  // empty: the default (docs/protocol.md §8)
  int port = -1;            // -1: 47800–47819, then any
};

// uevr_plugin_initialize. Returns false (after a log line in UEVR's log) when this UEVR cannot be used.
bool initialize(const UEVRP_PluginInitializeParam* param, const Platform& platform);

// The running instance (null before initialize succeeded). A second initialize without an unload in
// between (a host that links the plugin in) continues the same session.
Profiler* profiler();
Session* session();

// The module is being unloaded (DLL_PROCESS_DETACH from FreeLibrary; a dlclose destructor): UEVR has
// cleared every callback list under its plugin lock and will reset the scripts afterwards, while its
// game thread may still run Lua (on_frame). Calls nothing of UEVR's and takes none of its locks: stops
// the threads, closes the gate (every address the Lua state holds becomes a no-op stub; waits, bounded,
// for calls in flight), clears the count hook (asynchronous-safe), frees everything. `canJoin` false on
// Windows: under the loader lock a thread's exit cannot complete, so threads are let go once their
// functions have returned through the gate. Returns false when something was still in flight at the
// bound (see docs/agent.md "Unload").
bool unload(bool canJoin);

// Stops the sampler and the session (process teardown in the Linux host; never from DllMain).
void shutdownForTests();

}  // namespace plugin
}  // namespace uevrprof
