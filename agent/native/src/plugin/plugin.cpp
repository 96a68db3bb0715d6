// UEVR plugin entry points (Windows DLL shell): exports, the executable's name, pinning, DllMain. The
// plugin's logic is in plugin_core.cpp.
//
// Version policy: uevr_plugin_required_version asks for 2.0 so that every UEVR 2.x loads the DLL and
// this plugin can say in UEVR's log, in words, that it needs plugin API 2.39 (the version that added
// param->lua->get_lua_state). Asking for 2.39 there would make an older UEVR refuse the DLL with only
// "requires a newer minor version". Members newer than the running UEVR are never read.
//
// Unloading. UEVR's "Attempt Unload Plugins" / "Reload Plugins" (src/mods/PluginLoader.cpp,
// attempt_unload_plugins) clear every callback list and call FreeLibrary while holding the plugin
// callback lock exclusively, and reset the scripts only afterwards. The Lua state then still holds C
// functions of this plugin (the agent's `uevr_profiler` table, its reset handler that runs during that
// very reset, possibly an armed hook), and removing them from another thread while Lua may run (on_frame
// callbacks continue on the game thread) is not possible safely. So the plugin pins itself when it
// initialises (GetModuleHandleEx ..._PIN): FreeLibrary never unmaps it, DllMain's DLL_PROCESS_DETACH
// runs only at process exit, and there it does nothing (calls nothing of UEVR's, joins no thread: other
// threads are already gone). After the unload UEVR no longer calls the plugin; the agent's reset
// handler tells it the state is going away (the hook is dropped on the Lua thread itself); "Reload
// Plugins" calls uevr_plugin_initialize again, which registers the callbacks again and continues the
// same session (plugin_core.cpp).
#include <windows.h>

#include <string>

#include "plugin_core.hpp"
#include "uevr_api_subset.h"

namespace {

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

bool pinSelf() {
  HMODULE self = nullptr;
  return GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                            reinterpret_cast<LPCWSTR>(&pinSelf), &self) != FALSE;
}

}  // namespace

extern "C" __declspec(dllexport) void uevr_plugin_required_version(UEVRP_PluginVersion* v) {
  v->major = 2;
  v->minor = 0;
  v->patch = 0;
}

extern "C" __declspec(dllexport) bool uevr_plugin_initialize(const UEVRP_PluginInitializeParam* param) {
  uevrprof::plugin::Platform p;
  p.exeName = exeName();
  p.pinSelf = pinSelf;
  return uevrprof::plugin::initialize(param, p);
}

BOOL APIENTRY DllMain(HMODULE, DWORD, LPVOID) {
  // Nothing at all: nothing of UEVR's (UEVR holds its plugin lock around LoadLibrary/FreeLibrary), no
  // thread waits (the loader lock is held). Once initialised the module is pinned, so DLL_PROCESS_DETACH
  // means process exit. (No DisableThreadLibraryCalls: the static C runtime needs thread notifications.)
  return TRUE;
}
