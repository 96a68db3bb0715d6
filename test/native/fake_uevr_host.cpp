// A stand-in for UEVR on Windows (runs under Wine here): loads uevr_profiler.dll exactly as UEVR's
// PluginLoader does (uevr_plugin_required_version, then uevr_plugin_initialize with a parameter block
// laid out like plugin API 2.39), owns the Lua state — compiled from the same Lua 5.4.4 sources as the
// plugin but a separate copy, like UEVR's — binds UEVR's Lua surface with sol2-shaped objects
// (test/native/uevr_standin.cpp), runs the Lua agent (which says hello to the plugin through
// dispatch_custom_event) and mods, and drives frames through the plugin's registered callbacks.
//
//   uevrprof-fake-uevr.exe PLUGIN.dll AGENT.lua SECONDS [MOD.lua...] [--api-minor N] [--reload-at S]
//
// --reload-at S: at S seconds, UEVR's "Reload Plugins" (src/mods/PluginLoader.cpp): on a second thread
// (UEVR's menu thread), every callback list cleared and FreeLibrary under the plugin lock, while this
// (game) thread keeps running the scripts' on_frame callbacks, which take no plugin lock in UEVR
// (LuaLoader::on_frame); then the scripts reset, LoadLibrary and uevr_plugin_initialize again. The
// module must be unmapped after FreeLibrary, and the agent, loaded before the plugin is back, must
// find it on its own.
#include <windows.h>

#include <lua.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "../../agent/native/src/plugin/uevr_api_subset.h"
#include "uevr_standin.hpp"

namespace {
lua_State* g_L = nullptr;
// UEVR's m_api_cb_mtx: plugin callback dispatch shared, attempt_unload_plugins exclusive.
SRWLOCK g_apiLock = SRWLOCK_INIT;
std::vector<UEVRP_EngineTickCb> g_pre, g_post;
std::vector<UEVRP_VoidCb> g_present;
std::vector<UEVRP_CustomEventCb> g_custom;

void logf(const char* level, const char* fmt, va_list ap) {
  std::printf("[%s] ", level);
  std::vprintf(fmt, ap);
  std::printf("\n");
  std::fflush(stdout);
}
void logError(const char* fmt, ...) { va_list ap; va_start(ap, fmt); logf("error", fmt, ap); va_end(ap); }
void logWarn(const char* fmt, ...) { va_list ap; va_start(ap, fmt); logf("warn", fmt, ap); va_end(ap); }
void logInfo(const char* fmt, ...) { va_list ap; va_start(ap, fmt); logf("info", fmt, ap); va_end(ap); }
bool removeCallback(void*) { return true; }
const char* commitHash() { return "0000000000000000000000000000000000000000"; }
const char* tagLong() { return "fake-uevr"; }
unsigned totalCommits() { return 1418; }
bool onPre(UEVRP_EngineTickCb cb) { g_pre.push_back(cb); return true; }
bool onPost(UEVRP_EngineTickCb cb) { g_post.push_back(cb); return true; }
bool onPresent(UEVRP_VoidCb cb) { g_present.push_back(cb); return true; }
bool onCustom(UEVRP_CustomEventCb cb) { g_custom.push_back(cb); return true; }
struct Shared {
  Shared() { AcquireSRWLockShared(&g_apiLock); }
  ~Shared() { ReleaseSRWLockShared(&g_apiLock); }
};
lua_State* getLuaState() { return g_L; }

double nowMs() {
  static const auto o = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - o).count();
}
void burnMs(double ms) {
  double end = nowMs() + ms;
  while (nowMs() < end) {
  }
}
int lRegistered(lua_State* L) {
  standin::pushRegistered(L, luaL_checkstring(L, 1));
  return 1;
}
int lBurn(lua_State* L) {
  burnMs(luaL_checknumber(L, 1));
  return 0;
}
void runFile(const char* f) {
  if (luaL_loadfilex(g_L, f, "t") != LUA_OK || lua_pcall(g_L, 0, 0, 0) != LUA_OK) {
    std::printf("[load error] %s\n", lua_tostring(g_L, -1));
    lua_pop(g_L, 1);
  }
}
void run(const char* name, int eye) { standin::run(g_L, name, eye); }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: uevrprof-fake-uevr PLUGIN.dll AGENT.lua SECONDS [MOD.lua...] [--api-minor N]\n");
    return 2;
  }
  int minor = 39;
  double reloadAt = -1;
  std::vector<std::string> mods;
  for (int i = 4; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--api-minor" && i + 1 < argc) minor = std::atoi(argv[++i]);
    else if (a == "--reload-at" && i + 1 < argc) reloadAt = std::atof(argv[++i]);
    else mods.push_back(a);
  }
  HMODULE dll = LoadLibraryA(argv[1]);
  if (!dll) { std::printf("[host] cannot load %s (error %lu)\n", argv[1], GetLastError()); return 1; }
  auto req = reinterpret_cast<void (*)(UEVRP_PluginVersion*)>(GetProcAddress(dll, "uevr_plugin_required_version"));
  auto init = reinterpret_cast<bool (*)(const UEVRP_PluginInitializeParam*)>(GetProcAddress(dll, "uevr_plugin_initialize"));
  if (!req || !init) { std::printf("[host] missing exports\n"); return 1; }
  UEVRP_PluginVersion want{};
  req(&want);
  std::printf("[host] plugin requires %d.%d.%d\n", want.major, want.minor, want.patch);

  static UEVRP_PluginVersion version{2, minor, 0};
  static UEVRP_PluginFunctions functions{logError, logWarn, logInfo, nullptr, removeCallback, nullptr, nullptr, nullptr, nullptr,
                                         commitHash, nullptr, tagLong, nullptr, nullptr, nullptr, nullptr, totalCommits};
  static UEVRP_PluginCallbacks callbacks{onPresent, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, onCustom};
  static UEVRP_SDKCallbacks sdkCallbacks{onPre, onPost};
  static UEVRP_SDKData sdk{nullptr, &sdkCallbacks};
  static UEVRP_LuaData lua{getLuaState, nullptr};
  static UEVRP_PluginInitializeParam param{nullptr, &version, &functions, &callbacks, nullptr, nullptr, nullptr, nullptr, &sdk, &lua};
  bool ok = init(&param);
  std::printf("[host] uevr_plugin_initialize returned %s\n", ok ? "true" : "false");
  if (!ok) return 3;

  auto newState = [&] {
  g_L = luaL_newstate();
  luaL_openlibs(g_L);
  lua_pushnil(g_L);
  lua_setglobal(g_L, "debug");  // UEVR opens no debug library
  standin::Options so;
  so.burn = burnMs;
  // synchronous, like UEVR's dispatch_custom_event
  // (No lock here: the agent dispatches from on_pre_engine_tick, which already holds it shared, and a
  // nested shared SRW acquire behind a waiting writer would deadlock.)
  so.customEvent = [](const char* n, const char* d) { for (auto cb : g_custom) cb(n, d); };
  so.log = [](const std::string& t) { std::printf("[uevr log] %s\n", t.c_str()); };
  so.scriptError = [](const std::string& t) { std::printf("[script error] %s\n", t.c_str()); };
  standin::open(g_L, so);
  lua_register(g_L, "__host_burn", lBurn);
  lua_register(g_L, "__host_registered", lRegistered);
  luaL_dostring(g_L, "uevr_sim = { burn = __host_burn }");
  runFile(argv[2]);
  lua_getglobal(g_L, "uevr_profiler");
  std::printf("[host] uevr_profiler table %s\n", lua_istable(g_L, -1) ? "installed" : "absent");
  lua_pop(g_L, 1);
  for (auto& m : mods) runFile(m.c_str());
  };
  newState();
  std::printf("[host] running\n");
  std::fflush(stdout);

  double start = nowMs();
  double end = start + std::atof(argv[3]) * 1000;
  long frames = 0;
  bool reloaded = false;
  while (nowMs() < end) {
    if (reloadAt >= 0 && !reloaded && nowMs() - start > reloadAt * 1000) {
      reloaded = true;
      struct Unload {
        HMODULE dll;
        volatile LONG done;
        bool freed;
      } u{dll, 0, false};
      HANDLE menu = CreateThread(nullptr, 0, [](LPVOID p) -> DWORD {
        auto* u = static_cast<Unload*>(p);
        AcquireSRWLockExclusive(&g_apiLock);
        g_pre.clear();
        g_post.clear();
        g_present.clear();
        g_custom.clear();
        u->freed = FreeLibrary(u->dll) != FALSE;
        ReleaseSRWLockExclusive(&g_apiLock);
        InterlockedExchange(&u->done, 1);
        return 0;
      }, &u, 0, nullptr);
      long onFrames = 0, after = 0;
      while (InterlockedCompareExchange(&u.done, 0, 0) == 0 || after < 5) {
        run("on_frame", -1);
        onFrames++;
        if (InterlockedCompareExchange(&u.done, 0, 0)) after++;
      }
      WaitForSingleObject(menu, INFINITE);
      CloseHandle(menu);
      std::printf("[host] FreeLibrary %s; plugin module %s; %ld on_frame runs meanwhile and after\n", u.freed ? "ok" : "failed",
                  GetModuleHandleA("uevr_profiler.dll") ? "still mapped" : "unmapped", onFrames);
      run("on_script_reset", -1);
      lua_close(g_L);
      newState();
      dll = LoadLibraryA(argv[1]);
      init = dll ? reinterpret_cast<bool (*)(const UEVRP_PluginInitializeParam*)>(GetProcAddress(dll, "uevr_plugin_initialize")) : nullptr;
      bool again = init && init(&param);
      std::printf("[host] reloaded: uevr_plugin_initialize returned %s\n", again ? "true" : "false");
      std::fflush(stdout);
    }
    double fs = nowMs();
    {
      Shared api;
      for (auto cb : g_pre) cb(nullptr, 0.011f);
      run("on_pre_engine_tick", -1);
      run("on_pre_calculate_stereo_view_offset", 0);
      run("on_pre_calculate_stereo_view_offset", 1);
      standin::runHooks(g_L);
      for (auto cb : g_post) cb(nullptr, 0.011f);
      run("on_post_engine_tick", -1);
    }
    run("on_frame", -1);
    {
      Shared api;
      for (auto cb : g_present) cb();
    }
    lua_gc(g_L, LUA_GCSTEP, 0);
    frames++;
    double left = 11.1 - (nowMs() - fs);
    if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(left));
  }
  lua_getglobal(g_L, "uevr_profiler");
  std::printf("[host] at the end the uevr_profiler table is %s\n", lua_istable(g_L, -1) ? "installed" : "absent");
  lua_pop(g_L, 1);
  std::printf("[host] %ld frames\n", frames);
  run("on_script_reset", -1);
  lua_close(g_L);
  g_L = nullptr;
  FreeLibrary(dll);
  std::printf("[host] done\n");
  return 0;
}
