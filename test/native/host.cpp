// Linux test host for the native plugin's core: plays UEVR's part. It creates a Lua 5.4 state like
// UEVR's (no debug library), binds UEVR's Lua surface with sol2-shaped objects (test/native/
// uevr_standin.cpp: userdata usertypes, shared metatables, named tables, as UEVR binds them), runs the
// Lua agent (which asks for the profiler's `uevr_profiler` table through dispatch_custom_event, as in
// a game) and real mod scripts, then drives frames: pre engine tick (plugin first, then Lua callbacks),
// stereo callbacks per eye, hooked UFunctions, the game's own work (a busy wait), post engine tick,
// on_frame, on_draw_ui and script panels, present.
//
//   uevrprof-host --agent F [--mods DIR|FILE]... [--serve] [--seconds S] [--frames N]
//                 [--game-ms X] [--fps F] [--hz N] [--bench] [--no-agent] [--reset-every N]
//                 [--sessions-dir D] [--port P] [--game NAME] [--ue4] [--late-plugin]
//                 [--plugin uevr_profiler.so] [--reload-every N] [--unload-async] [--no-lines]
//
// --plugin loads the plugin as a shared object (dlopen), as UEVR loads the DLL, instead of the copy
// linked into this host; "Reload Plugins" (--reload-every) then really unloads it (dlclose) and checks
// that it is unmapped, and the scripts keep running against the stubs it left (core/gate.hpp).
// --unload-async: the unload runs on a second thread (UEVR's menu thread) under an exclusive plugin
// lock while the game thread keeps running Lua on_frame callbacks, as in UEVR; the callbacks UEVR
// dispatches through the plugin API take that lock shared.
//
// --serve starts the protocol server and prints one JSON line {"port","token","discovery"}; it runs
// until stdin closes, SIGINT/SIGTERM, or --seconds. --bench samples in-process (no network) and prints
// one JSON line of frame statistics and sampled shares.
#include <lua.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <map>
#include <shared_mutex>
#include <set>
#include <poll.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "json.hpp"
#include "../../agent/native/src/plugin/plugin_core.hpp"
#include "uevr_standin.hpp"
#include "profiler.hpp"
#include "session.hpp"

using namespace uevrprof;

namespace {

std::atomic<bool> g_quit{false};
bool g_pluginUp = false;
long g_errors = 0;

void onSignal(int) { g_quit = true; }

double nowMs() {
  static const auto o = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - o).count();
}

// Process CPU time (all threads: the game thread and the sampler thread).
double cpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (double(u.ru_utime.tv_sec) + double(u.ru_stime.tv_sec)) * 1000.0 + (double(u.ru_utime.tv_usec) + double(u.ru_stime.tv_usec)) / 1000.0;
}

void burnMs(double ms) {
  double end = nowMs() + ms;
  while (nowMs() < end) {
  }
}

// Actual wall time of every burn, by requested duration: the truth the known-cost-burn mod's shares are
// compared with (on a loaded machine a burn lasts longer than requested when the thread is preempted).
std::map<double, double> g_burnActual;
// ... and the script thread's CPU time in them: what a sampler that stops a running thread can see when
// the machine is so loaded that the thread waits for a CPU in the middle of a burn (the signal that
// stops it is handled only once it runs again).
std::map<double, double> g_burnCpu;
bool g_countBurns = false;

double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6;
}

void countedBurn(double ms) {
  double t = nowMs(), c = threadCpuMs();
  burnMs(ms);
  if (g_countBurns) {
    g_burnActual[ms] += nowMs() - t;
    g_burnCpu[ms] += threadCpuMs() - c;
  }
}

int lBurn(lua_State* L) {
  countedBurn(luaL_checknumber(L, 1));
  return 0;
}

uevrprof::Sink* g_sink = nullptr;
bool g_echo = false;  // --echo: print() and UEVR log lines also go to stderr (tests read them)
long g_hookSkips = 0;
long g_resets = 0, g_reloads = 0;
double g_maxResetMs = 0, g_maxReloadMs = 0;
int lRegistered(lua_State* L) {
  standin::pushRegistered(L, luaL_checkstring(L, 1));
  return 1;
}
int lLog(lua_State* L) {
  if (g_echo) std::fprintf(stderr, "print: %s\n", luaL_checkstring(L, 1));
  if (g_sink) g_sink->log("console", luaL_checkstring(L, 1));
  return 0;
}

lua_State* g_L = nullptr;

// UEVR's plugin side, stood in (src/mods/PluginLoader.cpp): the parameter block laid out like plugin API
// 2.39 and the callback lists the plugin registers into. The plugin is the real plugin_core.cpp.
std::vector<UEVRP_EngineTickCb> g_pre, g_post;
std::vector<UEVRP_VoidCb> g_present;
std::vector<UEVRP_CustomEventCb> g_custom;
long g_pluginLogErrors = 0;
void pluginLog(const char* level, const char* fmt, va_list ap) {
  char b[2048];
  std::vsnprintf(b, sizeof b, fmt, ap);
  if (g_echo) std::fprintf(stderr, "uevr log: [%s] %s\n", level, b);
}
void logError(const char* f, ...) { va_list ap; va_start(ap, f); g_pluginLogErrors++; pluginLog("error", f, ap); va_end(ap); }
void logWarn(const char* f, ...) { va_list ap; va_start(ap, f); pluginLog("warn", f, ap); va_end(ap); }
void logInfo(const char* f, ...) { va_list ap; va_start(ap, f); pluginLog("info", f, ap); va_end(ap); }
bool removeCallback(void*) { return true; }
bool addPre(UEVRP_EngineTickCb cb) { g_pre.push_back(cb); return true; }
bool addPost(UEVRP_EngineTickCb cb) { g_post.push_back(cb); return true; }
bool addPresent(UEVRP_VoidCb cb) { g_present.push_back(cb); return true; }
bool addCustom(UEVRP_CustomEventCb cb) { g_custom.push_back(cb); return true; }
// --foreign-state: get_lua_state hands over a state that is not laid out like the plugin's Lua expects
// (here: a coroutine, whose registry main-thread slot is not itself), to exercise the plugin's refusal.
bool g_foreignState = false;
lua_State* g_foreign = nullptr;
lua_State* getLuaState() { return g_foreignState && g_foreign ? g_foreign : g_L; }
const char* tagLong() { return "v1.05-nightly-test-host"; }
const char* commitHash() { return "0000000000000000000000000000000000000000"; }
unsigned totalCommits() { return 1418; }
UEVRP_PluginVersion g_version{2, 39, 0};
UEVRP_PluginFunctions g_functions{logError, logWarn, logInfo, nullptr, removeCallback, nullptr, nullptr, nullptr, nullptr,
                                  commitHash, nullptr, tagLong, nullptr, nullptr, nullptr, nullptr, totalCommits};
UEVRP_PluginCallbacks g_callbacks{addPresent, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, addCustom};
UEVRP_SDKCallbacks g_sdkCallbacks{addPre, addPost};
UEVRP_SDKData g_sdk{nullptr, &g_sdkCallbacks};
UEVRP_LuaData g_lua{getLuaState, nullptr};
UEVRP_PluginInitializeParam g_param{nullptr, &g_version, &g_functions, &g_callbacks, nullptr, nullptr, nullptr, nullptr, &g_sdk, &g_lua};

// UEVR's m_api_cb_mtx: plugin callback dispatch (and the Lua callbacks UEVR dispatches through the plugin
// API) shared, attempt_unload_plugins exclusive.
std::shared_mutex g_apiMu;

// The plugin as a shared object (--plugin): its handle and its test controls.
std::string g_pluginPath;
void* g_dl = nullptr;
long g_unmapped = 0, g_stillMapped = 0;
double g_maxUnloadMs = 0;

// attempt_unload_plugins: every callback list cleared, then FreeLibrary (dlclose), under the lock.
void unloadPlugins() {
  std::unique_lock<std::shared_mutex> lk(g_apiMu);
  g_pre.clear();
  g_post.clear();
  g_present.clear();
  g_custom.clear();
  if (g_dl) {
    double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
    dlclose(g_dl);
    g_dl = nullptr;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count() - t;
    g_maxUnloadMs = std::max(g_maxUnloadMs, ms);
    // Really gone? RTLD_NOLOAD returns a handle only for an object still loaded.
    if (void* again = dlopen(g_pluginPath.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
      g_stillMapped++;
      dlclose(again);
    } else {
      g_unmapped++;
    }
  }
}

// UEVR's dispatch_custom_event reaches the plugins' on_custom_event synchronously.
void customEvent(const char* name, const char* data) {
  std::shared_lock<std::shared_mutex> lk(g_apiMu);
  auto list = g_custom;
  for (auto cb : list) cb(name, data);
}

std::vector<std::string> listLua(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  if (!S_ISDIR(st.st_mode)) return {path};
  std::vector<std::string> out;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".lua") out.push_back(path + "/" + n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());  // UEVR loads a folder's scripts in name order
  return out;
}

bool runFile(lua_State* L, const std::string& f) {
  if (luaL_loadfilex(L, f.c_str(), "t") != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
    std::fprintf(stderr, "host: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
    g_errors++;
    return false;
  }
  return true;
}

struct Options {
  std::string agent, sessionsDir, game = "uevrprof-test-host";
  std::vector<std::string> mods;
  bool serve = false, bench = false, noAgent = false, ue4 = false, latePlugin = false, protect = false, pace = false,
       armUnstopped = false, unloadAsync = false, noLines = false;
  double seconds = 0, gameMs = 2, fps = 90, hz = 1000;
  long frames = 600, resetEvery = 0, gameIters = 0, reloadEvery = 0;
  int port = -1;
};

lua_State* newState(const Options& o) {
  lua_State* L = luaL_newstate();
  // UEVR opens these and not `debug` (docs: uevr-host.md).
  const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base}, {LUA_LOADLIBNAME, luaopen_package}, {LUA_COLIBNAME, luaopen_coroutine},
                           {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                           {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os}};
  for (const auto& l : libs) {
    luaL_requiref(L, l.name, l.func, 1);
    lua_pop(L, 1);
  }
  g_L = L;
  g_foreign = lua_newthread(L);
  luaL_ref(L, LUA_REGISTRYINDEX);  // kept alive with the state
  standin::Options so;
  so.ue5 = !o.ue4;
  so.protectMetatables = o.protect;
  so.burn = countedBurn;
  so.customEvent = customEvent;
  so.log = [](const std::string& s) {
    if (g_echo) std::fprintf(stderr, "uevr log: %s\n", s.c_str());
    if (g_sink) g_sink->log("uevr", s);
  };
  so.scriptError = [](const std::string& s) {
    g_errors++;
    if (g_errors <= 5) std::fprintf(stderr, "host: script error: %s\n", s.c_str());
  };
  standin::open(L, so);
  lua_register(L, "__host_burn", lBurn);
  lua_register(L, "__host_log", lLog);
  lua_register(L, "__host_registered", lRegistered);  // tests: what UEVR would call for a callback
  // uevr_sim.burn: the known-cost mods' "expensive API call"; print goes where UEVR sends it.
  luaL_dostring(L, "uevr_sim = { burn = __host_burn }\n"
                   "print = function(...) local t = {} for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) end __host_log(table.concat(t, '\\t')) end");
  if (!o.noAgent) runFile(L, o.agent);
  for (const auto& m : o.mods)
    for (const auto& f : listLua(m)) runFile(L, f);
  return L;
}

void run(lua_State* L, const char* name, int eye = -1) { standin::run(L, name, eye); }

// Bench sink: resolves frames and samples on arrival (no network). Ids (callbacks, frames, stacks) are
// per plugin instance: after a real unload/reload (--plugin) a new instance numbers from the start again,
// so newInstance() starts new tables and everything is resolved to names at once.
struct BenchSink : Sink {
  struct Frame {
    double frameMs, scriptsMs, overheadMs;
  };
  bool counting = false;  // from the warm-up on
  std::vector<Frame> frames;
  std::map<int, CallbackInfo> cbs;  // this instance
  std::vector<CallbackInfo> registrations;  // every instance
  std::vector<SampledFrame> ftab;
  std::vector<StackDef> stab;
  long samples = 0;
  double total = 0;
  std::map<std::string, double> incl, roots, exact;
  double exactTotal = 0;
  std::map<std::string, std::set<int>> eyes;
  // Per-line accuracy: every counted sample's leaf line ("<file name>:<line>") under its callback root,
  // with the index (in `frames`) of the frame it was taken in, and each counted frame's callback times
  // ("<name>#<eye>" → ms), to keep the frames the shared machine did not disturb (see main()).
  struct LineSample {
    std::string root, leaf;
    double weight;
    size_t frame;
  };
  std::vector<LineSample> lineSamples;
  std::vector<std::vector<std::pair<std::string, double>>> frameCallbacks;
  void newInstance() {
    cbs.clear();
    ftab.clear();
    stab.clear();
  }
  void callbackRegistered(const CallbackInfo& cb) override {
    cbs[cb.id] = cb;
    registrations.push_back(cb);
  }
  void frameDone(FrameRecord&& f, SampleBatch&& b, double) override {
    for (auto& x : b.newFrames) { if (size_t(x.id) >= ftab.size()) ftab.resize(size_t(x.id) + 1); ftab[size_t(x.id)] = x; }
    for (auto& s : b.newStacks) { if (s.id < 0) continue; if (size_t(s.id) >= stab.size()) stab.resize(size_t(s.id) + 1); stab[size_t(s.id)] = s; }
    for (auto& c : f.callbacks) eyes[cbs[c.id].name].insert(c.eye);
    if (!counting) return;
    frames.push_back({f.frameMs, f.scriptsMs, f.overheadMs});
    frameCallbacks.emplace_back();
    for (auto& c : f.callbacks) {
      exact[cbs[c.id].name] += c.ms;
      exactTotal += c.ms;
      frameCallbacks.back().push_back({cbs[c.id].name + "#" + std::to_string(c.eye), c.ms});
    }
    // Inclusive share per frame name (each name counted once per sample), and per callback root; the
    // leaf frame's current line under its root, for the per-line accuracy tests.
    for (auto& s : b.samples) {
      samples++;
      total += s.weight;
      std::vector<std::string> seen;
      std::string leafKey, rootName;
      for (int id = s.stack; id >= 0 && size_t(id) < stab.size();) {
        auto& st = stab[size_t(id)];
        if (st.frame < 0 || size_t(st.frame) >= ftab.size()) break;
        const SampledFrame& fr = ftab[size_t(st.frame)];
        if (leafKey.empty()) {
          size_t slash = fr.file.find_last_of("/\\");
          leafKey = (slash == std::string::npos ? fr.file : fr.file.substr(slash + 1)) + ":" + std::to_string(st.line);
        }
        if (fr.kind == 2) {
          roots[fr.name] += s.weight;
          rootName = fr.name;
        }
        if (std::find(seen.begin(), seen.end(), fr.name) == seen.end()) { seen.push_back(fr.name); incl[fr.name] += s.weight; }
        id = st.parent;
      }
      if (!rootName.empty()) lineSamples.push_back({rootName, leafKey, s.weight, frames.size() - 1});
    }
  }
  void scriptReset(double, int) override {}
  void log(const std::string&, const std::string&) override {}
};

// One JSON object {"key": number, ...} per map of the bench report; keys are names, or numbers
// written as JSON numbers inside the key string.
static void jsonKey(std::string& out, const std::string& k) { jsonString(out, k); }
static void jsonKey(std::string& out, double k) {
  std::string text;
  jsonNumber(text, k);
  jsonString(out, text);
}
template <class Map, class Value>
static void jsonNumberObject(std::string& out, const Map& m, Value value) {
  out += '{';
  bool first = true;
  for (auto& kv : m) {
    if (!first) out += ',';
    first = false;
    jsonKey(out, kv.first);
    out += ':';
    jsonNumber(out, value(kv));
  }
  out += '}';
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--agent") o.agent = next();
    else if (a == "--mods") o.mods.push_back(next());
    else if (a == "--serve") o.serve = true;
    else if (a == "--bench") o.bench = true;
    else if (a == "--no-agent") o.noAgent = true;
    else if (a == "--seconds") o.seconds = std::atof(next().c_str());
    else if (a == "--frames") o.frames = std::atol(next().c_str());
    else if (a == "--game-ms") o.gameMs = std::atof(next().c_str());
    else if (a == "--fps") o.fps = std::atof(next().c_str());
    else if (a == "--hz") o.hz = std::atof(next().c_str());
    else if (a == "--game-iters") o.gameIters = std::atol(next().c_str());
    else if (a == "--reset-every") o.resetEvery = std::atol(next().c_str());
    else if (a == "--reload-every") o.reloadEvery = std::atol(next().c_str());
    else if (a == "--sessions-dir") o.sessionsDir = next();
    else if (a == "--port") o.port = std::atoi(next().c_str());
    else if (a == "--game") o.game = next();
    else if (a == "--ue4") o.ue4 = true;
    else if (a == "--echo") g_echo = true;
    else if (a == "--foreign-state") g_foreignState = true;
    else if (a == "--pace") o.pace = true;  // bench at the real frame rate (sleep to --fps)
    else if (a == "--arm-unstopped") o.armUnstopped = true;  // bench reference: the old racy arming
    else if (a == "--no-lines") o.noLines = true;  // bench reference: samples without lines (bench/lines.bench.ts)
    else if (a == "--protect-metatables") o.protect = true;
    else if (a == "--late-plugin") o.latePlugin = true;
    else if (a == "--plugin") g_pluginPath = next();
    else if (a == "--unload-async") o.unloadAsync = true;
    else { std::fprintf(stderr, "host: unknown option %s\n", a.c_str()); return 2; }
  }
  if (o.agent.empty() && !o.noAgent) {
    std::fprintf(stderr, "usage: uevrprof-host --agent agent.lua [--mods DIR]... [--serve|--bench]\n");
    return 2;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGPIPE, SIG_IGN);

  BenchSink bench;
  plugin::Platform platform;
  platform.exeName = o.game;
  platform.hostVersion = "uevr-profiler-native 1 (test host, " LUA_RELEASE ")";
  platform.sink = o.bench ? &bench : nullptr;
  platform.sessionsDir = o.sessionsDir;
  platform.port = o.port;
  // The plugin's controls: the copy linked into this host, or the shared object's exports (--plugin).
  struct Controls {
    bool (*init)(const UEVRP_PluginInitializeParam*) = nullptr;
    void (*setHz)(double) = nullptr;
    void (*armUnstopped)(bool) = nullptr;
    void (*lines)(bool) = nullptr;
    void (*sampleCosts)(double*, double*, long*) = nullptr;
    bool (*session)(int*, const char**, const char**) = nullptr;
    void (*shutdown)() = nullptr;
  } ctl;
  static plugin::Platform* s_platform = &platform;
  double hzNow = 0;
  auto initPlugin = [&] {
    if (g_pluginPath.empty()) {
      ctl.init = [](const UEVRP_PluginInitializeParam* p) { return plugin::initialize(p, *s_platform); };
      ctl.setHz = [](double hz) { plugin::profiler()->setSamplingHz(hz); };
      ctl.armUnstopped = [](bool on) { plugin::profiler()->setArmWithoutStopForBench(on); };
      ctl.lines = [](bool on) { plugin::profiler()->setLinesForBench(on); };
      ctl.sampleCosts = [](double* sum, double* median, long* n) {
        Profiler* p = plugin::profiler();
        *sum = p->sampleCostMs();
        *median = p->medianSampleCostMs();
        *n = p->samplesTaken();
      };
      ctl.session = [](int* port, const char** token, const char** disc) {
        Session* s = plugin::session();
        if (!s) return false;
        *port = s->port();
        *token = s->token().c_str();
        *disc = s->discoveryFile().c_str();
        return true;
      };
      ctl.shutdown = plugin::shutdownForTests;
    } else if (!g_dl) {
      // UEVR's PluginLoader: LoadLibrary, then the exports.
      g_dl = dlopen(g_pluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!g_dl) {
        std::fprintf(stderr, "host: cannot load %s: %s\n", g_pluginPath.c_str(), dlerror());
        std::exit(1);
      }
      auto sym = [](const char* n) {
        void* f = dlsym(g_dl, n);
        if (!f) { std::fprintf(stderr, "host: the plugin does not export %s\n", n); std::exit(1); }
        return f;
      };
      reinterpret_cast<void (*)(Sink*, const char*, const char*, const char*, int)>(sym("uevrprof_test_configure"))(
          platform.sink, platform.exeName.c_str(), platform.hostVersion.c_str(), platform.sessionsDir.c_str(), platform.port);
      ctl.init = reinterpret_cast<bool (*)(const UEVRP_PluginInitializeParam*)>(sym("uevr_plugin_initialize"));
      ctl.setHz = reinterpret_cast<void (*)(double)>(sym("uevrprof_test_set_hz"));
      ctl.armUnstopped = reinterpret_cast<void (*)(bool)>(sym("uevrprof_test_arm_unstopped"));
      ctl.lines = reinterpret_cast<void (*)(bool)>(sym("uevrprof_test_lines"));
      ctl.sampleCosts = reinterpret_cast<void (*)(double*, double*, long*)>(sym("uevrprof_test_sample_costs"));
      ctl.session = reinterpret_cast<bool (*)(int*, const char**, const char**)>(sym("uevrprof_test_session"));
      ctl.shutdown = reinterpret_cast<void (*)()>(sym("uevrprof_test_shutdown"));
      bench.newInstance();
    }
    if (!ctl.init(&g_param)) {
      std::fprintf(stderr, "host: the plugin refused to initialise\n");
      std::exit(1);
    }
    g_pluginUp = true;
    ctl.armUnstopped(o.armUnstopped);
    ctl.lines(!o.noLines);
    if (hzNow > 0) ctl.setHz(hzNow);
    g_sink = o.bench ? static_cast<Sink*>(&bench) : g_pluginPath.empty() ? static_cast<Sink*>(plugin::session()) : nullptr;
  };
  // Plugins are initialised before UEVR first loads the scripts (on_initialize_d3d_thread, then the first
  // reset in on_frame). --late-plugin: only after the scripts ran, as after "Reload Plugins" (UEVR resets
  // the scripts before it initialises the plugins again); the agent must find it without a script reset.
  if (!o.latePlugin) initPlugin();
  if (o.serve) {
    int port = 0;
    const char* token = "";
    const char* disc = "";
    ctl.session(&port, &token, &disc);
    std::string line = "{\"port\":" + std::to_string(port) + ",\"token\":";
    jsonString(line, token);
    line += ",\"discovery\":";
    jsonString(line, disc);
    std::printf("%s}\n", line.c_str());
    std::fflush(stdout);
  }

  lua_State* L = newState(o);
  auto resetScripts = [&] {
    run(L, "on_script_reset");  // the agent's own handler calls uevr_profiler.reset()
    lua_close(L);
    g_L = nullptr;
    L = newState(o);
  };
  const double budget = 1000.0 / o.fps;
  const long warm = o.bench ? std::min<long>(60, o.frames / 5) : 0;
  std::vector<double> frameMs, scriptsMs, overheadMs;
  double t0 = nowMs();
  double cpuStart = 0;
  for (long f = 0; !g_quit; f++) {
    if (!o.serve && f >= o.frames + warm) break;
    if (o.seconds > 0 && nowMs() - t0 > o.seconds * 1000) break;
    if (o.serve) {
      pollfd p{0, POLLIN, 0};
      if (poll(&p, 1, 0) > 0) {
        char c;
        if (read(0, &c, 1) <= 0) break;  // stdin closed: the test runner is gone
      }
    }
    if (o.latePlugin && f == 20) initPlugin();
    if (o.bench && f == warm && g_pluginUp) {
      hzNow = o.hz;
      ctl.setHz(hzNow);
      cpuStart = cpuMs();
      g_countBurns = true;
      bench.counting = true;
    }
    double fs = nowMs();
    // Frame order (uevr-host.md): native plugins' pre-tick first, then Lua's.
    {
      // UEVR dispatches these through the plugin API, under its plugin lock taken shared.
      std::shared_lock<std::shared_mutex> api(g_apiMu);
      for (auto cb : std::vector<UEVRP_EngineTickCb>(g_pre)) cb(nullptr, 0.011f);
      run(L, "on_pre_engine_tick");
      run(L, "on_early_calculate_stereo_view_offset", 0);
      run(L, "on_pre_calculate_stereo_view_offset", 0);
      run(L, "on_post_calculate_stereo_view_offset", 0);
      run(L, "on_early_calculate_stereo_view_offset", 1);
      run(L, "on_pre_calculate_stereo_view_offset", 1);
      run(L, "on_post_calculate_stereo_view_offset", 1);
      run(L, "on_xinput_get_state");
      g_hookSkips += standin::runHooks(L);
    }
    if (o.gameIters > 0) {
      // Fixed CPU work instead of a wall-clock wait: on a loaded machine, process CPU time per frame is
      // then a stable measure of the profiler's overhead (preemption does not count as CPU time).
      volatile double acc = 0;
      for (long k = 0; k < o.gameIters; k++) acc = acc + double(k % 7) * 0.5;
    } else {
      burnMs(o.gameMs);  // the game's own tick
    }
    {
      std::shared_lock<std::shared_mutex> api(g_apiMu);
      for (auto cb : std::vector<UEVRP_EngineTickCb>(g_post)) cb(nullptr, 0.011f);
      run(L, "on_post_engine_tick");
    }
    run(L, "on_frame");  // LuaLoader::on_frame: Lua locks only, not the plugin lock
    run(L, "on_draw_ui");
    standin::runPanels(L);
    {
      std::shared_lock<std::shared_mutex> api(g_apiMu);
      for (auto cb : std::vector<UEVRP_VoidCb>(g_present)) cb();
    }
    lua_gc(L, LUA_GCSTEP, 0);  // UEVR steps the collector once per frame
    if (o.reloadEvery > 0 && f > 0 && f % o.reloadEvery == 0) {
      // "Reload Plugins": attempt_unload_plugins (lists cleared, FreeLibrary), reset_scripts, then the
      // plugins are initialised again.
      double t = nowMs();
      if (o.unloadAsync) {
        // UEVR's menu thread unloads while the game thread keeps running on_frame callbacks (which now
        // reach the gate's stubs, before, during and after the module is unmapped).
        std::atomic<bool> done{false};
        std::thread menu([&] {
          unloadPlugins();
          done = true;
        });
        long extra = 0;
        while (!done.load() || extra < 3) {
          run(L, "on_frame");
          if (done.load()) extra++;
        }
        menu.join();
      } else {
        unloadPlugins();
        // The game thread runs on_frame between FreeLibrary and the reset: the scripts keep calling the
        // unloaded plugin's table (stubs now).
        run(L, "on_frame");
      }
      g_pluginUp = false;
      resetScripts();
      initPlugin();
      g_reloads++;
      g_maxReloadMs = std::max(g_maxReloadMs, nowMs() - t);
    } else if (o.resetEvery > 0 && f > 0 && f % o.resetEvery == 0) {
      double t = nowMs();
      resetScripts();
      g_resets++;
      g_maxResetMs = std::max(g_maxResetMs, nowMs() - t);
    }
    if (o.serve || o.pace) {
      double left = budget - (nowMs() - fs);
      if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(left));
    }
  }
  double cpuUsed = cpuMs() - cpuStart;
  double sampleCostMs = 0, medianSampleCostMs = 0;
  long samplesTaken = 0;
  if (g_pluginUp) {
    for (auto cb : std::vector<UEVRP_EngineTickCb>(g_pre)) cb(nullptr, 0.011f);  // close the last frame
    ctl.setHz(0);
    ctl.sampleCosts(&sampleCostMs, &medianSampleCostMs, &samplesTaken);
    ctl.shutdown();
  }
  lua_close(L);
  if (g_dl) {
    unloadPlugins();
  }

  if (o.bench) {
    // Frames after warm-up; the sampling switch happens at `warm`.
    for (auto& fr : bench.frames) {
      frameMs.push_back(fr.frameMs);
      scriptsMs.push_back(fr.scriptsMs);
      overheadMs.push_back(fr.overheadMs);
    }
    auto& incl = bench.incl;
    auto& roots = bench.roots;
    auto& exact = bench.exact;
    double total = bench.total, exactTotal = bench.exactTotal;
    // Undisturbed frames (as the simulator's tests keep them): every callback within 10 % (+20 µs) of its
    // median time. This machine is shared; a frame whose callbacks were preempted puts the preemption's
    // time on whatever line the script thread stopped at.
    std::vector<bool> calm(bench.frameCallbacks.size(), false);
    size_t calmCount = 0;
    {
      std::map<std::string, std::vector<double>> per;
      for (auto& fc : bench.frameCallbacks)
        for (auto& c : fc) per[c.first].push_back(c.second);
      std::map<std::string, double> limit;
      for (auto& kv : per) limit[kv.first] = median(kv.second) * 1.1 + 0.02;
      for (size_t i = 0; i < bench.frameCallbacks.size(); i++) {
        bool ok = true;
        for (auto& c : bench.frameCallbacks[i]) ok = ok && c.second <= limit[c.first];
        calm[i] = ok;
        if (ok) calmCount++;
      }
    }
    // Line self share: the leaf frame's current line, as a share of its callback root's sampled time
    // ("<root>|<file name>:<line>"), over all frames and over the undisturbed ones.
    std::map<std::string, double> lineSelf, calmRoots, calmLineSelf;
    for (auto& ls : bench.lineSamples) {
      std::string key = ls.root + "|" + ls.leaf;
      lineSelf[key] += ls.weight;
      if (ls.frame < calm.size() && calm[ls.frame]) {
        calmLineSelf[key] += ls.weight;
        calmRoots[ls.root] += ls.weight;
      }
    }
    double sumScripts = 0;
    for (double v : scriptsMs) sumScripts += v;
    std::string out = "{\"frames\":" + std::to_string(frameMs.size()) + ",\"medianFrameMs\":";
    jsonNumber(out, median(frameMs));
    double mean = 0;
    for (double v : frameMs) mean += v;
    out += ",\"meanFrameMs\":";
    jsonNumber(out, frameMs.empty() ? 0 : mean / double(frameMs.size()));
    out += ",\"cpuMsPerFrame\":";
    jsonNumber(out, frameMs.empty() ? 0 : cpuUsed / double(frameMs.size()));
    out += ",\"medianScriptsMs\":";
    jsonNumber(out, median(scriptsMs));
    out += ",\"medianOverheadMs\":";
    jsonNumber(out, median(overheadMs));
    out += ",\"samples\":" + std::to_string(bench.samples) + ",\"sampledMs\":";
    jsonNumber(out, total);
    out += ",\"scriptsMsTotal\":";
    jsonNumber(out, sumScripts);
    const auto shareOf = [](double all) { return [all](const auto& kv) { return all > 0 ? kv.second / all * 100 : 0.0; }; };
    // A line's share of its callback root ("<root>|<file>:<line>"), over the root totals given.
    const auto lineShareOf = [](std::map<std::string, double>& rootTotals) {
      return [&rootTotals](const auto& kv) {
        double rootTotal = rootTotals[kv.first.substr(0, kv.first.find('|'))];
        return rootTotal > 0 ? kv.second / rootTotal * 100 : 0.0;
      };
    };
    out += ",\"errors\":" + std::to_string(g_errors) + ",\"inclusiveShare\":";
    jsonNumberObject(out, incl, shareOf(total));
    out += ",\"rootShare\":";
    jsonNumberObject(out, roots, shareOf(total));
    out += ",\"exactCallbackShare\":";
    jsonNumberObject(out, exact, shareOf(exactTotal));
    out += ",\"lineSelfShare\":";
    jsonNumberObject(out, lineSelf, lineShareOf(roots));
    out += ",\"undisturbedFrames\":" + std::to_string(calmCount) + ",\"lineSelfShareUndisturbed\":";
    jsonNumberObject(out, calmLineSelf, lineShareOf(calmRoots));
    out += ",\"registrations\":[";
    bool first = true;
    for (auto& r : bench.registrations) {
      if (!first) out += ',';
      first = false;
      out += "{\"name\":";
      jsonString(out, r.name);
      out += ",\"file\":";
      jsonString(out, r.file);
      out += ",\"line\":" + std::to_string(r.line) + ",\"generation\":" + std::to_string(r.generation) + "}";
    }
    out += "],\"callbackEyes\":{";
    auto& eyes = bench.eyes;
    first = true;
    for (auto& kv : eyes) {
      if (!first) out += ',';
      first = false;
      jsonString(out, kv.first);
      out += ":[";
      bool f2 = true;
      for (int e : kv.second) { if (!f2) out += ','; f2 = false; out += std::to_string(e); }
      out += "]";
    }
    out += "},\"hookSkips\":" + std::to_string(g_hookSkips);
    out += ",\"resets\":" + std::to_string(g_resets) + ",\"reloads\":" + std::to_string(g_reloads) + ",\"maxResetMs\":";
    jsonNumber(out, g_maxResetMs);
    out += ",\"maxReloadMs\":";
    jsonNumber(out, g_maxReloadMs);
    out += ",\"pluginLogErrors\":" + std::to_string(g_pluginLogErrors);
    out += ",\"unmapped\":" + std::to_string(g_unmapped) + ",\"stillMapped\":" + std::to_string(g_stillMapped) + ",\"maxUnloadMs\":";
    jsonNumber(out, g_maxUnloadMs);
    out += ",\"sampleCostUs\":";
    jsonNumber(out, samplesTaken > 0 ? sampleCostMs * 1000.0 / double(samplesTaken) : 0);
    out += ",\"medianSampleCostUs\":";
    jsonNumber(out, medianSampleCostMs * 1000.0);
    const auto value = [](const auto& kv) { return kv.second; };
    out += ",\"burnActualMs\":";
    jsonNumberObject(out, g_burnActual, value);
    out += ",\"burnCpuMs\":";
    jsonNumberObject(out, g_burnCpu, value);
    out += "}";
    std::printf("%s\n", out.c_str());
  }
  return 0;
}
