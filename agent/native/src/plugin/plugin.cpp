// UEVR plugin entry points (Windows DLL shell): exports, the executable's name, DllMain. The plugin's
// logic is in plugin_core.cpp.
//
// Version policy: uevr_plugin_required_version asks for 2.0 so that every UEVR 2.x loads the DLL and
// this plugin can say in UEVR's log, in words, that it needs plugin API 2.39 (the version that added
// param->lua->get_lua_state). Asking for 2.39 there would make an older UEVR refuse the DLL with only
// "requires a newer minor version". Members newer than the running UEVR are never read.
//
// Unloading. UEVR's "Attempt Unload Plugins" / "Reload Plugins" (src/mods/PluginLoader.cpp,
// attempt_unload_plugins) clear every callback list and call FreeLibrary while holding the plugin
// callback lock (m_api_cb_mtx) exclusively, on the thread that draws UEVR's menu, and reset the scripts
// only afterwards (LuaLoader::reset_scripts, which runs the scripts' on_script_reset callbacks). Meanwhile
// the game thread may run Lua on_frame callbacks (LuaLoader::on_frame takes only the Lua locks). So the
// Lua state keeps running with the agent's `uevr_profiler` table, and possibly our count hook, while and
// after the module goes away. Every such address is a stub of the gate (core/gate.hpp), outside the
// module; DLL_PROCESS_DETACH (FreeLibrary) closes the gate and stops our threads (plugin_core.cpp
// unload): no UEVR call (it would deadlock on that lock), no UEVR lock, no thread join (a thread's exit
// needs the loader lock this thread holds), bounded waits only. At process exit it does nothing: the
// other threads are already gone.
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

}  // namespace

extern "C" __declspec(dllexport) void uevr_plugin_required_version(UEVRP_PluginVersion* v) {
  v->major = 2;
  v->minor = 0;
  v->patch = 0;
}

extern "C" __declspec(dllexport) bool uevr_plugin_initialize(const UEVRP_PluginInitializeParam* param) {
  uevrprof::plugin::Platform p;
  p.exeName = exeName();
  return uevrprof::plugin::initialize(param, p);
}

BOOL APIENTRY DllMain(HMODULE, DWORD reason, LPVOID reserved) {
  // reserved == null: FreeLibrary ("Attempt Unload Plugins", "Reload Plugins", or UEVR refusing the
  // plugin); non-null: the process is ending (other threads already terminated: touch nothing).
  // (No DisableThreadLibraryCalls: the static C runtime needs thread notifications.)
  if (reason == DLL_PROCESS_DETACH && reserved == nullptr) uevrprof::plugin::unload(false);
  return TRUE;
}
