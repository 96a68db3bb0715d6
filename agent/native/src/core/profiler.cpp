#include "profiler.hpp"

#include "gate.hpp"
#include "threadstop.hpp"

#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace uevrprof {

namespace {

// The one profiler whose hook is armed. A Lua hook is a plain C function with no user data; UEVR has
// one script state, so one active instance is all there is.
std::atomic<Profiler*> g_hooked{nullptr};

// Every entry from outside (the Lua C functions, the hook, the stop action) ends with a release on this
// counter, and the unload path acquires it after the gate has drained (Profiler::shutdown): the gate's
// own in-flight count is machine code the memory model (and ThreadSanitizer) cannot see, so this is
// what orders the last access of a script thread before the destruction on the unloading thread.
std::atomic<unsigned long> g_exits{0};
struct Exit {
  ~Exit() { g_exits.fetch_add(1, std::memory_order_release); }
};

void hookTrampoline(lua_State* L, lua_Debug* ar) {
  Exit e;
  if (Profiler* p = g_hooked.load()) p->hook(L, ar);
  else lua_sethook(L, nullptr, 0, 0);
}

void armTrampoline(void* p) {
  Exit e;
  static_cast<Profiler*>(p)->armStopped();
}

// Integer argument i, or `def` when absent or not an integer. The contract's functions never raise: they
// are called through the gate's stubs (gate.hpp), and a Lua error unwinding through a stub would leave
// it counted in.
lua_Integer intArg(lua_State* L, int i, lua_Integer def) {
  int isnum = 0;
  lua_Integer v = lua_tointegerx(L, i, &isnum);
  return isnum ? v : def;
}

Profiler* self(lua_State* L) { return static_cast<Profiler*>(lua_touserdata(L, lua_upvalueindex(1))); }
int cClock(lua_State* L) {
  Exit e;
  return self(L)->luaClock(L);
}
int cRegister(lua_State* L) {
  Exit e;
  return self(L)->luaRegister(L);
}
int cSite(lua_State* L) {
  Exit e;
  return self(L)->luaSite(L);
}
int cEnter(lua_State* L) {
  Exit e;
  return self(L)->luaEnter(L);
}
int cLeave(lua_State* L) {
  Exit e;
  return self(L)->luaLeave(L);
}
int cReset(lua_State* L) {
  Exit e;
  return self(L)->luaReset(L);
}
// warn(text): the agent could not wrap something; said once in the session's output.
int cWarn(lua_State* L) {
  Exit e;
  size_t n = 0;
  const char* s = lua_tolstring(L, 1, &n);
  if (s) self(L)->warn(std::string(s, std::min<size_t>(n, 2048)));
  return 0;
}

bool isAgentChunk(const char* source) {
  return source && std::strstr(source, "uevr-profiler-agent") != nullptr;
}

std::string chunkFile(const char* source) {
  if (!source) return "?";
  return source[0] == '@' || source[0] == '=' ? std::string(source + 1) : std::string("[string]");
}

}  // namespace

Profiler::Profiler(Sink& sink, std::string hostName) : sink_(sink), host_(std::move(hostName)) {
  hookStub_ = gate::routed(&hookTrampoline);
  setStopAction(armTrampoline, this);
  sampler_.start([](void* p) { static_cast<Profiler*>(p)->samplerLoop(); }, this);
}

Profiler::~Profiler() { shutdown(); }

void Profiler::requestStop() {
  stop_ = true;
  { std::lock_guard<std::mutex> g(wakeMu_); }
  wake_.notify_all();
}

void Profiler::shutdown(bool canJoin) {
  requestStop();
  // Bounded: the sampler wakes at least every 200 ms (1 s on Windows' timer wait) and sees stop_.
  if (canJoin) {
    if (!sampler_.join(3000)) sampler_.release();
  } else {
    sampler_.release();
  }
  inCallback_ = false;
  // Asynchronous-safe (the Lua manual: lua_sethook "can be called asynchronously"): clearing the hook
  // from a thread that is not running L, when the owner of L may be running it (the unload path).
  lua_State* L = armL_.load();
  if (armed_.exchange(false) && L) lua_sethook(L, nullptr, 0, 0);
  Profiler* me = this;
  g_hooked.compare_exchange_strong(me, nullptr);
  setStopAction(nullptr, nullptr);
  // Orders every earlier entry's accesses (they end with a release on g_exits) before the caller
  // destroys this object.
  (void)g_exits.load(std::memory_order_acquire);
}

bool Profiler::hasContractTable(lua_State* L) {
  bool has = lua_getglobal(L, "uevr_profiler") == LUA_TTABLE;
  lua_pop(L, 1);
  return has;
}

void Profiler::installLua(lua_State* L) {
  // A new state (possibly at the address of the destroyed one): the old state is gone, never touch it.
  if (L_ != nullptr) scriptReset(false);
  // The C functions go into the state as the gate's stubs, never as addresses in this module: the
  // state outlives an unload ("Attempt Unload Plugins" resets the scripts after FreeLibrary).
  const luaL_Reg fns[] = {{"clock", gate::routed(&cClock)}, {"register", gate::routed(&cRegister)}, {"site", gate::routed(&cSite)},
                          {"enter", gate::routed(&cEnter)}, {"leave", gate::routed(&cLeave)}, {"reset", gate::routed(&cReset)},
                          {"warn", gate::routed(&cWarn)}, {nullptr, nullptr}};
  for (const luaL_Reg* f = fns; f->name; f++)
    if (!f->func) return;  // no stub pages (or the gate is closed): the agent runs its callbacks untimed
  if (!hookStub_) return;
  L_ = L;
  g_hooked = this;
  lua_newtable(L);
  lua_pushinteger(L, 1);
  lua_setfield(L, -2, "version");
  lua_pushstring(L, host_.c_str());
  lua_setfield(L, -2, "host");
  lua_pushlightuserdata(L, this);
  luaL_setfuncs(L, fns, 1);
  lua_setglobal(L, "uevr_profiler");
}

void Profiler::scriptReset(bool stateAlive) {
  // Called on the Lua thread (the agent's on_script_reset) while the state lives, or anywhere once it
  // is destroyed (then it is not touched).
  inCallback_ = false;
  lua_State* armed = armL_.exchange(nullptr);
  if (armed_.exchange(false) && stateAlive && armed) lua_sethook(armed, nullptr, 0, 0);
  spreading_ = false;
  pendingUs_ = 0;
  L_ = nullptr;
  std::lock_guard<std::mutex> g(stateMu_);
  open_.clear();
  generation_++;
  sink_.scriptReset(now(), generation_);
}

// --- the contract -------------------------------------------------------------------------------

int Profiler::luaClock(lua_State* L) {
  lua_pushnumber(L, now());
  return 1;
}

void Profiler::siteOf(lua_State* L, int level, std::string& file, int& line) {
  lua_Debug ar;
  file = "?";
  line = 0;
  if (level >= 0 && lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar)) {
    file = chunkFile(ar.source);
    line = ar.currentline > 0 ? ar.currentline : 0;
  }
}

int Profiler::luaRegister(lua_State* L) {
  double t0 = now();
  size_t n = 0;
  const char* name = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &n) : nullptr;
  if (!name) return 0;
  int level = int(intArg(L, 2, 2));
  CallbackInfo cb;
  cb.name.assign(name, std::min<size_t>(n, 512));
  if (lua_type(L, 3) == LUA_TSTRING) {
    // A registration the agent recorded before this plugin was there (a plugin reloaded after the
    // scripts): the site it captured then (Lua's short_src, the tail of a long path).
    size_t fl = 0;
    const char* f = lua_tolstring(L, 3, &fl);
    cb.file.assign(f, std::min<size_t>(fl, 4096));
    cb.line = int(lua_tointeger(L, 4));
  } else {
    siteOf(L, level, cb.file, cb.line);
  }
  {
    // No Lua call may raise while this lock is held (a longjmp would skip the unlock).
    std::lock_guard<std::mutex> g(stateMu_);
    cb.id = nextId_++;
    cb.generation = generation_;
    sink_.callbackRegistered(cb);
    if (callbacks_.size() < 100000) callbacks_[cb.id] = cb;
    overhead_ += now() - t0;
  }
  lua_pushinteger(L, cb.id);
  lua_pushstring(L, cb.file.c_str());
  lua_pushinteger(L, cb.line);
  return 3;
}

void Profiler::warn(const std::string& text) { sink_.log("console", "[UEVR Profiler] " + text); }

void Profiler::registerExternal(const std::string& name, const std::string& file, int line) {
  std::lock_guard<std::mutex> g(stateMu_);
  CallbackInfo cb;
  cb.id = nextId_++;
  cb.name = name.substr(0, 512);
  cb.file = file.substr(0, 4096);
  cb.line = line;
  cb.generation = generation_;
  sink_.callbackRegistered(cb);
  if (callbacks_.size() < 100000) callbacks_[cb.id] = cb;
}

int Profiler::luaSite(lua_State* L) {
  std::string file;
  int line;
  siteOf(L, int(intArg(L, 1, 1)), file, line);
  lua_pushstring(L, file.c_str());
  lua_pushinteger(L, line);
  return 2;
}

int Profiler::luaEnter(lua_State* L) {
  double t = now();
  int id = int(intArg(L, 1, 0));
  int eye = int(intArg(L, 2, -1));
  if (eye != 0 && eye != 1) eye = -1;
  std::lock_guard<std::mutex> sg(stateMu_);
  if (open_.size() >= 64) return 0;  // runaway recursion through proxies: stop tracking, never grow
  open_.push_back({id, eye, t, 0});
  if (open_.size() == 1 && L_ != nullptr) {
    // L: the Lua thread running the proxy (the main state, or a coroutine of it).
    armL_ = L;
    luaThread_ = currentThreadRef();
    inCallback_ = true;  // last: the sampler may stop this thread from now on
  }
  overhead_ += now() - t;
  return 0;
}

int Profiler::luaLeave(lua_State* L) {
  double t = now();
  int id = int(intArg(L, 1, 0));
  std::lock_guard<std::mutex> sg(stateMu_);
  // Pop up to the matching id, so a missing leave cannot wedge the stack.
  auto it = std::find_if(open_.rbegin(), open_.rend(), [id](const Open& o) { return o.id == id; });
  if (it == open_.rend()) return 0;
  size_t index = size_t(open_.rend() - it) - 1;
  Open o = open_[index];
  open_.resize(index);
  double ms = std::max(0.0, t - o.start - o.own);
  if (!open_.empty()) open_.back().own += o.own;  // nested profiler time is excluded from the outer too
  auto& c = costs_[{o.id, o.eye}];
  c.id = o.id;
  c.eye = o.eye;
  c.ms += ms;
  c.calls++;
  if (open_.empty()) {
    scripts_ += ms;
    inCallback_ = false;  // first: from now on the sampler does not arm
    // leave cancels a pending arm (on this thread: the Lua thread itself).
    if (armed_.exchange(false)) {
      lua_sethook(armL_.load() ? armL_.load() : L, nullptr, 0, 0);
      // A sample being spread (hook above) whose callback ended first: its time was in this callback, at
      // a line no longer on the stack, so it is kept on the callback root (line unknown), never dropped.
      if (spreading_ && pendingUs_ > 0 && batch_.samples.size() < 100000) {
        int stack = rootStack(o.id);
        if (stack >= 0) batch_.samples.push_back({stack, t, double(pendingUs_.load() + armWeightUs_.load()) / 1000.0, frameIndex_});
      }
    }
    spreading_ = false;
    pendingUs_ = 0;
    armWeightUs_ = 0;
  }
  overhead_ += now() - t;
  return 0;
}

int Profiler::luaReset(lua_State* L) {
  (void)L;
  scriptReset();
  return 0;
}

// --- frames -------------------------------------------------------------------------------------

void Profiler::preEngineTick() {
  double t = now();
  // Render-thread callbacks (slate draw) run Lua, and so enter/leave, concurrently with the game thread.
  std::lock_guard<std::mutex> sg(stateMu_);
  if (frameStart_ >= 0) {
    FrameRecord f;
    f.frame = frameIndex_;
    f.start = frameStart_;
    f.frameMs = t - frameStart_;
    f.scriptsMs = scripts_;
    f.overheadMs = overhead_;
    f.engineTickMs = postTick_ >= preTick_ && preTick_ >= 0 ? postTick_ - preTick_ : -1;
    f.presentIntervalMs = presentInterval_.load();
    if (L_) {
      // Lua memory is a field read (no allocation); safe on the game thread that runs the scripts.
      f.luaMemoryKb = double(lua_gc(L_, LUA_GCCOUNT, 0)) + double(lua_gc(L_, LUA_GCCOUNTB, 0)) / 1024.0;
    }
    f.callbacks.reserve(costs_.size());
    for (auto& kv : costs_) f.callbacks.push_back(kv.second);
    SampleBatch b;
    std::swap(b, batch_);
    sink_.frameDone(std::move(f), std::move(b), t);
    frameIndex_++;
  }
  costs_.clear();
  scripts_ = overhead_ = 0;
  frameStart_ = preTick_ = t;
  postTick_ = -1;
}

void Profiler::postEngineTick() { postTick_ = now(); }

void Profiler::present() {
  double t = now();
  double last = lastPresent_.exchange(t);
  if (last >= 0) presentInterval_ = t - last;
}

// --- sampling -----------------------------------------------------------------------------------

double Profiler::setSamplingHz(double hz) {
  if (!(hz > 0)) hz = 0;
  else hz = std::min(kMaxHz, std::max(kMinHz, hz));
  hz_ = hz;
  { std::lock_guard<std::mutex> g(wakeMu_); }
  wake_.notify_all();
  return hz;
}

void Profiler::armStopped() {
  // The Lua thread is stopped (suspended, or this runs in its signal handler): no allocation, no lock.
  if (!inCallback_.load() || armed_.load()) return;
  lua_State* L = armL_.load();
  if (!L) return;
  armWeightUs_ = periodUs_.load();
  armAtMs_ = now();  // steady clock (clock_gettime / QueryPerformanceCounter): safe in a signal handler
  armed_ = true;
  lua_sethook(L, hookStub_, LUA_MASKCOUNT, 1);
}

void Profiler::samplerLoop() {
  std::mt19937_64 rng(std::random_device{}());
  // Gaps between wake-ups are exponential (a Poisson process): its rate is the same at every moment,
  // whatever happened before, so the samples' density does not depend on where the game thread is in
  // its frame even when a wake-up gets aligned with the frame (timers that expire together, the game
  // thread waking from its frame-pacing sleep). A uniform ±30 % jitter, used before, is not memoryless:
  // after such an alignment it sampled the next milliseconds of the frame unevenly, which biased the
  // shares of short calls by up to 3.5 pp in a paced run (docs/bench/native.md, "accuracy under load").
  std::exponential_distribution<double> gap(1.0);
#ifdef __linux__
  // The default 50 µs timer slack would coalesce wake-ups with other timers (the same alignment).
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
#ifdef _WIN32
  HANDLE timer = nullptr;
  struct Closer {
    HANDLE& h;
    ~Closer() { if (h) CloseHandle(h); }
  } closer{timer};
#endif
  while (!stop_) {
    double hz = hz_.load();
    if (hz <= 0) {
      std::unique_lock<std::mutex> lk(wakeMu_);
      wake_.wait_for(lk, std::chrono::milliseconds(200), [this] { return stop_.load() || hz_.load() > 0; });
      continue;
    }
    double period = 1000.0 / hz * std::min(gap(rng), 20.0);
#ifdef _WIN32
    // Condition-variable and Sleep timeouts round up to the system timer tick (15.6 ms unless someone
    // raised it): a high-resolution waitable timer (Windows 10 1803+) wakes on time without changing the
    // system-wide timer rate. Falls back to a normal waitable timer on older systems.
    if (!timer) {
      timer = CreateWaitableTimerExW(nullptr, nullptr, 0x00000002 /* CREATE_WAITABLE_TIMER_HIGH_RESOLUTION */, TIMER_ALL_ACCESS);
      if (!timer) timer = CreateWaitableTimerExW(nullptr, nullptr, 0, TIMER_ALL_ACCESS);
    }
    LARGE_INTEGER due;
    due.QuadPart = -static_cast<LONGLONG>(period * 10000.0);  // relative, 100 ns units
    if (timer && SetWaitableTimer(timer, &due, 0, nullptr, nullptr, FALSE)) {
      WaitForSingleObject(timer, 1000);
    } else
#endif
    {
      std::unique_lock<std::mutex> lk(wakeMu_);
      wake_.wait_for(lk, std::chrono::duration<double, std::milli>(period), [this] { return stop_.load(); });
    }
    if (stop_) break;
    // A sample stands for the period that follows its wake-up ("weight ahead", as the simulator does):
    // that weight does not depend on where the wake-up fell. Weighting by the measured gap since the
    // previous wake-up was tried first and biased shares by up to 8 pp on a loaded machine: a sampler
    // starved of CPU wakes late, and its long gaps are not independent of what the game thread runs.
    int64_t periodUs = int64_t(1000000.0 / hz);
    if (armed_.load()) {
      // Still armed: the callback is inside a long C call (a UEVR API call) and the hook has not had an
      // instruction to fire on yet. This period belongs to the same pending sample.
      if (inCallback_.load()) armWeightUs_ += periodUs;
      continue;
    }
    uintptr_t thread = luaThread_.load();
    if (thread == 0) continue;  // no callback has run yet
    // Stop the thread that runs the callbacks at every wake-up, and let armStopped decide, with the
    // thread stopped, whether a callback is running: the sample's position and the decision to take it
    // are then the same instant. Deciding here first (inCallback_ before stopping) biased the shares: a
    // callback that starts between this check and the stop (signal delivery, or this thread preempted
    // in between) is never sampled in its first moments, so the first function of every callback lost
    // up to 2 pp (docs/bench/native.md, "accuracy under load").
    periodUs_ = periodUs;
    if (armWithoutStop_.load()) {
      if (inCallback_.load()) armStopped();
    } else {
      stopAndRun(thread);
    }
  }
}

int Profiler::internFrame(const SampledFrame& f) {
  std::string key = std::to_string(f.kind) + '\x1f' + f.name + '\x1f' + f.file + '\x1f' + std::to_string(f.line);
  auto it = frameIds_.find(key);
  if (it != frameIds_.end()) return it->second;
  if (frameIds_.size() >= 200000) return -1;  // a mod generating endless chunk names: stop interning
  int id = int(frameIds_.size());
  frameIds_.emplace(key, id);
  SampledFrame copy = f;
  copy.id = id;
  batch_.newFrames.push_back(std::move(copy));
  return id;
}

int Profiler::internStack(int parent, int frame, int line) {
  // Lines multiply the stacks (one per line a function was seen on): past a million, new stacks are
  // kept at function granularity (line 0) so a mod with endless distinct paths stays bounded.
  if (line != 0 && stackIds_.size() >= 1000000) line = 0;
  auto key = std::make_tuple(parent, frame, line);
  auto it = stackIds_.find(key);
  if (it != stackIds_.end()) return it->second;
  int id = int(stackIds_.size());
  stackIds_.emplace(key, id);
  batch_.newStacks.push_back({id, parent, frame, line});
  return id;
}

double Profiler::medianSampleCostMs() const {
  if (sampleCosts_.empty()) return 0;
  std::vector<float> v(sampleCosts_);
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
  return double(v[v.size() / 2]);
}

int Profiler::rootStack(int callbackId) {
  SampledFrame root;
  root.kind = 2;
  auto cbi = callbacks_.find(callbackId);
  if (cbi != callbacks_.end()) {
    root.name = cbi->second.name;
    root.file = cbi->second.file;
    root.line = cbi->second.line;
  } else {
    root.name = "callback#" + std::to_string(callbackId);
  }
  return internStack(-1, internFrame(root), 0);
}

void Profiler::hook(lua_State* L, lua_Debug* /*ar*/) {
  double t0 = now();
  // Remove the hook before clearing armed_: a stop that lands in between sees armed_ still set and
  // does nothing, so an arm is never lost while armed_ says false.
  lua_sethook(L, nullptr, 0, 0);
  if (!armed_.load()) return;
  if (L != armL_.load()) {
    armed_ = false;
    spreading_ = false;
    armWeightUs_ = 0;
    return;
  }
  if (lines_.load() && !spreading_ && armWeightUs_.load() <= periodUs_.load() && t0 - armAtMs_.load() < kPromptMs) {
    // First call: an arm made from another thread is noticed by the VM only where it reloads its hook
    // flag (jumps, loop ends, calls, returns), so this is always the instruction after one of those: in
    // a loop of straight-line code, always the first line of the body (a two-line loop put 99.5 % of its
    // samples on one line). The sample is taken 1..kSpread instructions later instead, at random; armed_
    // stays set so the sampler does not arm over it.
    // Only when the arm was noticed at once (kPromptMs): the script thread was running Lua. An arm
    // noticed later was made during a C call (a UEVR API call): its time is that call's, and the sample
    // is taken at once, on the instruction after the call, in its caller. And the spread stops at the
    // next call (LUA_MASKCALL), at the calling line: spread across a C call, the sample would put the
    // time before the call after it (the stress's C-call shares were off by 17.7 pp before both).
    spreadState_ ^= spreadState_ << 13;
    spreadState_ ^= spreadState_ >> 7;
    spreadState_ ^= spreadState_ << 17;
    pendingUs_ = armWeightUs_.exchange(0);
    spreading_ = true;
    lua_sethook(L, hookStub_, LUA_MASKCOUNT | LUA_MASKCALL, 1 + int(spreadState_ % kSpread));
    double cost = now() - t0;
    std::lock_guard<std::mutex> sg(stateMu_);
    overhead_ += cost;
    sampleCostMs_ += cost;
    spreadCostMs_ = cost;
    if (!open_.empty()) open_.back().own += cost;
    return;
  }
  armed_ = false;
  spreading_ = false;
  double weight = double(pendingUs_.exchange(0) + armWeightUs_.exchange(0)) / 1000.0;
  std::lock_guard<std::mutex> sg(stateMu_);
  if (open_.empty()) return;
  // Walk innermost → outermost, keep mod frames (skip C functions and the agent's own proxies).
  // current: the line the frame is executing (lua_getinfo "l"), the sampled line for the innermost frame
  // and the calling line for the others; per-line self/total time is built from it.
  struct Level { SampledFrame f; int current; };
  Level levels[48];
  int n = 0;
  lua_Debug d;
  for (int lv = 0; n < 48 && lua_getstack(L, lv, &d); lv++) {
    const bool lines = lines_.load();
    if (!lua_getinfo(L, lines ? "Sln" : "Sn", &d)) break;
    if (d.what && std::strcmp(d.what, "C") == 0) continue;
    if (isAgentChunk(d.source)) break;  // the proxy: everything above it is UEVR's dispatch
    levels[n].current = lines && d.currentline > 0 ? d.currentline : 0;
    SampledFrame& f = levels[n++].f;
    f.kind = 0;
    f.file = chunkFile(d.source);
    f.line = d.linedefined > 0 ? d.linedefined : 0;
    if (d.what && std::strcmp(d.what, "main") == 0) f.name = "main chunk";
    else if (d.name) f.name = d.name;
    else f.name = "function <" + f.file + ":" + std::to_string(f.line) + ">";
  }
  // Root: the innermost open callback (its registration is known to the session by id).
  int stack = rootStack(open_.back().id);
  for (int i = n - 1; i >= 0 && stack >= 0; i--) {
    int fid = internFrame(levels[i].f);
    if (fid < 0) break;
    stack = internStack(stack, fid, levels[i].current);
  }
  if (batch_.samples.size() < 100000) batch_.samples.push_back({stack, t0, weight, frameIndex_});
  double cost = now() - t0;
  overhead_ += cost;
  sampleCostMs_ += cost;
  if (sampleCosts_.size() < 100000) sampleCosts_.push_back(float(cost + spreadCostMs_));
  else sampleCosts_[size_t(samplesTaken_ % 100000)] = float(cost + spreadCostMs_);
  spreadCostMs_ = 0;
  samplesTaken_++;
  open_.back().own += cost;
}

}  // namespace uevrprof
