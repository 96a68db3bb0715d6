// See plugin_core.hpp. Facts about UEVR used here are from praydog/UEVR (master of 2026-05-22, plugin API
// 2.39): include/uevr/API.h, src/mods/PluginLoader.cpp (initialisation, attempt_unload_plugins,
// reload_plugins, dispatch_custom_event), src/mods/LuaLoader.cpp (reset_scripts).
#include "plugin_core.hpp"

#include <lua.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "../core/gate.hpp"
#include "../core/profiler.hpp"
#include "../core/session.hpp"

namespace uevrprof {
namespace plugin {

namespace {

const UEVRP_PluginInitializeParam* g_param = nullptr;
// Destroyed only by unload(): at process exit (DLL_PROCESS_DETACH with the process ending) the sampler
// and network threads are already gone, and a destructor joining them could hang the exit.
Session* g_session = nullptr;
Profiler* g_profiler = nullptr;
Sink* g_sink = nullptr;
lua_State* g_seenState = nullptr;
bool g_refusedState = false;
int g_inits = 0;

lua_State* currentState() {
  return g_param && g_param->lua && g_param->lua->get_lua_state ? g_param->lua->get_lua_state() : nullptr;
}

const char* str(const char* (*f)(void)) {
  const char* s = f ? f() : nullptr;
  return s ? s : "?";
}

// Whether the state UEVR hands over is laid out like the Lua this plugin embeds (5.4.4, default luaconf):
// the registry's main-thread slot must be this very state, and _VERSION must say 5.4. A different Lua
// release or configuration reads these through different offsets and fails the check (it cannot be
// made fully safe: a layout that happened to agree here could still differ elsewhere; UEVR's own Lua is
// 5.4.4 with two source fixes that change no header, checked for the builds named in docs/agent.md).
bool stateLooksShared(lua_State* L) {
  bool ok = lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD) == LUA_TTHREAD && lua_tothread(L, -1) == L;
  lua_pop(L, 1);
  if (ok) {
    ok = lua_getglobal(L, "_VERSION") == LUA_TSTRING && std::string(lua_tostring(L, -1)) == LUA_VERSION;
    lua_pop(L, 1);
  }
  return ok;
}

void onPreEngineTick(void*, float) {
  if (!g_profiler) return;
  // get_lua_state changes on every "Reset scripts": a pointer we did not install into is a new state.
  lua_State* L = currentState();
  if (L != g_seenState) {
    // The old state is already destroyed: forget it without touching it.
    if (g_seenState && g_profiler->installedIn(g_seenState)) g_profiler->scriptReset(false);
    g_seenState = L;
  }
  if (g_session) g_session->runGameThreadWork();
  g_profiler->preEngineTick();
}

void onPostEngineTick(void*, float) {
  if (g_profiler) g_profiler->postEngineTick();
}

void onPresent() {
  if (g_profiler) g_profiler->present();
}

// Lua → plugin, synchronously on the thread running the script (UEVR's dispatch_custom_event), which
// holds UEVR's Lua lock: the one place the plugin may touch the state's contents.
void onCustomEvent(const char* name, const char* data) {
  (void)data;
  if (!g_profiler || !name || std::string(name) != "uevr_profiler.hello") return;
  lua_State* L = currentState();
  // Checked by the table, not the pointer: a new state can reuse the address of the one just destroyed.
  if (!L || Profiler::hasContractTable(L)) return;
  if (!stateLooksShared(L)) {
    if (!g_refusedState && g_param->functions->log_error)
      g_param->functions->log_error(
          "[UEVR Profiler] UEVR's Lua state is not laid out like %s (the registry's main thread or _VERSION "
          "differ): this UEVR's Lua cannot be shared safely, so the profiler leaves it alone. Mods are not affected.",
          LUA_RELEASE);
    g_refusedState = true;
    return;
  }
  g_profiler->installLua(L);
  g_seenState = L;
}

}  // namespace

bool initialize(const UEVRP_PluginInitializeParam* param, const Platform& platform) {
  const UEVRP_PluginVersion* v = param ? param->version : nullptr;
  const UEVRP_PluginFunctions* fns = param ? param->functions : nullptr;
  if (!v || !fns || v->major != kNeedMajor || v->minor < kNeedMinor) {
    if (fns && fns->log_error)
      fns->log_error(
          "[UEVR Profiler] This UEVR build has plugin API %d.%d; the profiler plugin needs %d.%d or newer "
          "(a UEVR nightly with Lua state access for plugins). The profiler is disabled; update UEVR to use it.",
          v ? v->major : 0, v ? v->minor : 0, kNeedMajor, kNeedMinor);
    return false;
  }
  if (!param->lua || !param->lua->get_lua_state || !param->sdk || !param->sdk->callbacks || !param->callbacks) {
    fns->log_error("[UEVR Profiler] This UEVR build reports plugin API %d.%d but gives no Lua state access; the profiler is disabled.",
                   v->major, v->minor);
    return false;
  }
  fns->log_info("[UEVR Profiler] UEVR %s (commit %s, %u commits), plugin API %d.%d", str(fns->get_tag_long), str(fns->get_commit_hash),
                fns->get_total_commits ? fns->get_total_commits() : 0u, v->major, v->minor);
  if (v->minor > kCheckedMinor)
    fns->log_warn(
        "[UEVR Profiler] plugin API %d.%d is newer than the newest this plugin was checked against (%d.%d); it shares "
        "UEVR's Lua state only if that state still passes its Lua %s layout check.",
        v->major, v->minor, kNeedMajor, kCheckedMinor, LUA_RELEASE);
  // From the first hello on, the Lua state holds addresses of this plugin's functions, and UEVR resets
  // the scripts only after it has unloaded the plugins: they are the gate's stubs (core/gate.hpp), which
  // stay valid after the module is unmapped. Without stub pages the plugin does not start.
  if (!gate::ready()) {
    fns->log_error("[UEVR Profiler] cannot allocate the pages that make the plugin safe to unload; the profiler is disabled.");
    return false;
  }
  g_param = param;
  g_refusedState = false;
  if (!g_profiler) {
    g_sink = platform.sink;
    if (!g_sink) {
      SessionConfig cfg;
      cfg.game = platform.exeName;
      cfg.hostVersion = platform.hostVersion + " (UEVR plugin API " + std::to_string(v->major) + "." + std::to_string(v->minor) + ")";
      // UEVR's plugin API does not tell the headset's refresh rate: 0 = unknown (the extension then uses
      // its own setting).
      cfg.refreshRateHz = 0;
      cfg.sessionsDir = platform.sessionsDir;
      cfg.port = platform.port;
      g_session = new Session(cfg);
      g_sink = g_session;
    }
    g_profiler = new Profiler(*g_sink, platform.hostVersion);
    if (g_session) {
      g_session->setProfiler(g_profiler);
      std::string err;
      if (!g_session->start(err)) {
        fns->log_error("[UEVR Profiler] cannot start the session: %s", err.c_str());
        g_profiler->shutdown();
        delete g_profiler;
        delete g_session;
        g_profiler = nullptr;
        g_session = nullptr;
        g_sink = nullptr;
        return false;
      }
    }
  }
  // A second initialisation of the same module instance (a host that links the plugin in, or a UEVR
  // that reinitialises without FreeLibrary): every callback list was cleared (ours too) and the scripts
  // reset before. Register again and let the agent's hello (it asks every ~second while it has no
  // plugin) find us in the running state. After a real "Reload Plugins" this is a fresh module instance.
  g_seenState = nullptr;
  param->sdk->callbacks->on_pre_engine_tick(onPreEngineTick);
  param->sdk->callbacks->on_post_engine_tick(onPostEngineTick);
  param->callbacks->on_present(onPresent);
  param->callbacks->on_custom_event(onCustomEvent);
  if (g_session)
    fns->log_info(g_inits == 0 ? "[UEVR Profiler] session on 127.0.0.1:%d (discovery file %s)"
                               : "[UEVR Profiler] initialised again (same module instance); session continues on 127.0.0.1:%d (discovery file %s)",
                  g_session->port(), g_session->discoveryFile().c_str());
  g_inits++;
  return true;
}

Profiler* profiler() { return g_profiler; }
Session* session() { return g_session; }

void shutdownForTests() {
  if (g_profiler) g_profiler->shutdown();
  if (g_session) g_session->stop("host stopped");
}

bool unload(bool canJoin) {
  // 1. Ask both threads to stop (flags only).
  if (g_profiler) g_profiler->requestStop();
  if (g_session) g_session->requestStop("the plugin was unloaded");
  // 2. Close the gate: from now on every stub the Lua state holds (C functions, hook, signal handler)
  //    returns at once; wait until nothing is inside the module any more: Lua calls in flight, the
  //    sampler's and the network thread's functions (they return within their poll intervals).
  bool drained = gate::close(2000);
  // 3. Tear down. The threads' functions have returned (joined with a bound where joining is allowed);
  //    the armed hook, if any, is cleared asynchronously (its stub would return anyway).
  if (g_profiler) g_profiler->shutdown(canJoin);
  if (g_session) g_session->stop("the plugin was unloaded", canJoin);
  if (drained) {
    delete g_profiler;
    delete g_session;
  }
  g_profiler = nullptr;
  g_session = nullptr;
  g_sink = nullptr;
  g_param = nullptr;
  g_seenState = nullptr;
  return drained;
}

}  // namespace plugin
}  // namespace uevrprof
