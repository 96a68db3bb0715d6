// UEVR plugin entry points: wires UEVR's callbacks to the core (Profiler + Session).
//
// Version policy: uevr_plugin_required_version asks for 2.0 so that every UEVR 2.x loads the DLL and
// this plugin can say in UEVR's log, in words, that it needs plugin API 2.39 (the version that added
// param->lua->get_lua_state). Asking for 2.39 there would make an older UEVR refuse the DLL with only
// "requires a newer minor version". Members newer than the running UEVR are never read.
#include <windows.h>

#include <lua.hpp>

#include <memory>
#include <string>

#include "../core/profiler.hpp"
#include "../core/session.hpp"
#include "uevr_api_subset.h"

using namespace uevrprof;

namespace {

constexpr int kNeedMajor = 2, kNeedMinor = 39;

const UEVRP_PluginInitializeParam* g_param = nullptr;
std::unique_ptr<Session> g_session;
std::unique_ptr<Profiler> g_profiler;
lua_State* g_seenState = nullptr;

lua_State* currentState() {
  return g_param && g_param->lua && g_param->lua->get_lua_state ? g_param->lua->get_lua_state() : nullptr;
}

std::string exeName() {
  wchar_t path[MAX_PATH];
  DWORD n = GetModuleFileNameW(nullptr, path, MAX_PATH);
  std::wstring p(path, n);
  size_t slash = p.find_last_of(L"\\/");
  if (slash != std::wstring::npos) p = p.substr(slash + 1);
  if (p.size() > 4 && _wcsicmp(p.c_str() + p.size() - 4, L".exe") == 0) p.resize(p.size() - 4);
  int len = WideCharToMultiByte(CP_UTF8, 0, p.c_str(), int(p.size()), nullptr, 0, nullptr, nullptr);
  std::string s(size_t(len), '\0');
  WideCharToMultiByte(CP_UTF8, 0, p.c_str(), int(p.size()), &s[0], len, nullptr, nullptr);
  return s;
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
  g_session->runGameThreadWork();
  g_profiler->preEngineTick();
}

void onPostEngineTick(void*, float) {
  if (g_profiler) g_profiler->postEngineTick();
}

void onPresent() {
  if (g_profiler) g_profiler->present();
}

// Lua → plugin, synchronously on the thread running the script (UEVR's dispatch_custom_event).
void onCustomEvent(const char* name, const char* data) {
  if (!g_profiler || !name) return;
  std::string n = name;
  if (n.compare(0, 14, "uevr_profiler.") != 0) return;
  lua_State* L = currentState();
  if (n == "uevr_profiler.hello") {
    // The Lua agent asks for the contract table before it looks for it: install into the state that is
    // loading scripts right now (get_lua_state takes a recursive lock the loading thread already holds).
    // Checked by the table, not the pointer: a new state can reuse the address of the one just destroyed.
    if (L && !Profiler::hasContractTable(L)) {
      // From now on the state holds C functions of this DLL: pin it, so an unload (FreeLibrary, which
      // UEVR does before it resets scripts) can never unmap code the scripts still call.
      HMODULE self = nullptr;
      GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                         reinterpret_cast<LPCWSTR>(&onCustomEvent), &self);
      g_profiler->installLua(L);
      g_seenState = L;
    }
    return;
  }
  if (n == "uevr_profiler.register" && data) {
    // Fallback announcement from an agent that found no contract table: registration only, no timing.
    std::string d = data;
    size_t a = d.find('\t'), b = d.rfind('\t');
    if (a != std::string::npos && b != a)
      g_profiler->registerExternal(d.substr(0, a), d.substr(a + 1, b - a - 1), std::atoi(d.c_str() + b + 1));
  }
}

}  // namespace

extern "C" __declspec(dllexport) void uevr_plugin_required_version(UEVRP_PluginVersion* v) {
  v->major = 2;
  v->minor = 0;
  v->patch = 0;
}

extern "C" __declspec(dllexport) bool uevr_plugin_initialize(const UEVRP_PluginInitializeParam* param) {
  const UEVRP_PluginVersion* v = param ? param->version : nullptr;
  if (!v || v->major != kNeedMajor || v->minor < kNeedMinor) {
    if (param && param->functions && param->functions->log_error)
      param->functions->log_error(
          "[UEVR Profiler] This UEVR build has plugin API %d.%d; the profiler plugin needs %d.%d or newer "
          "(a UEVR nightly with Lua state access for plugins). The profiler is disabled; update UEVR to use it.",
          v ? v->major : 0, v ? v->minor : 0, kNeedMajor, kNeedMinor);
    return false;
  }
  g_param = param;
  SessionConfig cfg;
  cfg.game = exeName();
  cfg.hostVersion = "uevr-profiler-native 1 (UEVR plugin API " + std::to_string(v->major) + "." + std::to_string(v->minor) + ")";
  g_session = std::make_unique<Session>(cfg);
  g_profiler = std::make_unique<Profiler>(*g_session, "uevr-profiler-native 1");
  g_session->setProfiler(g_profiler.get());
  std::string err;
  if (!g_session->start(err)) {
    param->functions->log_error("[UEVR Profiler] cannot start the session: %s", err.c_str());
    g_profiler.reset();
    g_session.reset();
    return false;
  }
  param->sdk->callbacks->on_pre_engine_tick(onPreEngineTick);
  param->sdk->callbacks->on_post_engine_tick(onPostEngineTick);
  param->callbacks->on_present(onPresent);
  param->callbacks->on_custom_event(onCustomEvent);
  param->functions->log_info("[UEVR Profiler] session on 127.0.0.1:%d (discovery file %s)", g_session->port(),
                             g_session->discoveryFile().c_str());
  return true;
}

BOOL APIENTRY DllMain(HMODULE, DWORD reason, LPVOID reserved) {
  if (reason == DLL_PROCESS_DETACH && reserved == nullptr && g_profiler) {
    // FreeLibrary (UEVR unloads plugins before it resets scripts): remove our hook from the live state
    // and stop our threads first. Joining threads under the loader lock is only safe because neither
    // thread loads libraries or waits on the loader; at process exit (reserved != NULL) we do nothing.
    for (void* cb : {(void*)onPreEngineTick, (void*)onPostEngineTick, (void*)onPresent, (void*)onCustomEvent})
      if (g_param && g_param->functions->remove_callback) g_param->functions->remove_callback(cb);
    g_profiler->shutdown();
    g_session->stop("plugin unloaded");
    g_profiler.reset();
    g_session.reset();
  }
  return TRUE;
}
