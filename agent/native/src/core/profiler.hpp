// The game-thread half of the plugin: the Lua-visible agent contract (docs/simulator.md, "agent
// contract": the `uevr_profiler` table), per-frame accounting from engine-tick boundaries, and the
// stack sampler (a thread that arms a one-instruction Lua count hook only while a callback runs, and
// only while the thread running that callback is stopped: threadstop.hpp).
#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "clock.hpp"
#include "gate.hpp"
#include "types.hpp"

struct lua_State;
struct lua_Debug;

namespace uevrprof {

class Profiler {
 public:
  Profiler(Sink& sink, std::string hostName);
  ~Profiler();
  Profiler(const Profiler&) = delete;
  Profiler& operator=(const Profiler&) = delete;

  // Creates the `uevr_profiler` table in L (before the Lua agent runs) and makes L the sampled state.
  void installLua(lua_State* L);
  // Whether L already carries this profiler's table.
  bool installedIn(lua_State* L) const { return L != nullptr && L == L_; }
  // The scripts are being reset or the state is going away: remove the hook, forget L. `stateAlive`
  // false when the state is already destroyed (then it must not be touched, not even to unhook).
  void scriptReset(bool stateAlive = true);
  // Whether L's globals hold this contract table (a new state can reuse a freed state's address).
  static bool hasContractTable(lua_State* L);

  // Frame boundaries, game thread. preEngineTick closes the previous frame and opens the next.
  void preEngineTick();
  void postEngineTick();
  void present();  // any thread

  // A registration announced without the contract (the agent's fallback through on_custom_event).
  void registerExternal(const std::string& name, const std::string& file, int line);
  // The agent's "cannot wrap ..." sentence, into the session's output.
  void warn(const std::string& text);

  // Any thread. 0 stops sampling. Clamped to [kMinHz, kMaxHz].
  double setSamplingHz(double hz);
  double samplingHz() const { return hz_.load(); }
  double now() const { return clock_.nowMs(); }
  const std::string& hostName() const { return host_; }

  // Stops the sampler thread (joined with a bound when canJoin; else let go: the unload path, where its
  // function has already returned through the gate) and removes the hook (asynchronous-safe).
  void shutdown(bool canJoin = true);
  // Tells the sampler to stop, without waiting (the unload path, before the gate closes).
  void requestStop();

  static constexpr double kMinHz = 10, kMaxHz = 10000;

  // Lua C functions of the contract (static trampolines find the instance in an upvalue).
  int luaClock(lua_State* L);
  int luaRegister(lua_State* L);
  int luaSite(lua_State* L);
  int luaEnter(lua_State* L);
  int luaLeave(lua_State* L);
  int luaReset(lua_State* L);
  void hook(lua_State* L, lua_Debug* ar);
  // The sampler's action while the Lua thread is stopped: atomics and lua_sethook only.
  void armStopped();
  // Benchmark reference only (bench/native.bench.ts): arm from the sampler thread without stopping the
  // Lua thread, the old racy way, to measure what stopping costs. Never used by the plugin.
  void setArmWithoutStopForBench(bool on) { armWithoutStop_ = on; }
  // Benchmark reference only (bench/lines.bench.ts): sample without lines (no currentline, no spread,
  // every stack line 0), as before capture format 3, to measure what recording lines costs per sample.
  void setLinesForBench(bool on) { lines_ = on; }
  // The sampler's own time per sample (the hook's stack walk and interning, and the spread's first
  // call), and how many samples it took: for the per-sample cost in benchmarks.
  double sampleCostMs() const { return sampleCostMs_; }
  long samplesTaken() const { return samplesTaken_; }
  // The median of the per-sample costs (ms) of the last 100,000 samples: robust to the preemptions of
  // a shared machine, which land in a few samples' wall-clock costs.
  double medianSampleCostMs() const;

 private:
  struct Open {
    int id, eye;
    double start, own;  // own: profiler time spent inside this callback (hook), excluded from it
  };
  void samplerLoop();
  int internFrame(const SampledFrame& f);
  int internStack(int parent, int frame, int line);
  int rootStack(int callbackId);  // the callback root frame's stack (line 0)
  void siteOf(lua_State* L, int level, std::string& file, int& line);

  Sink& sink_;
  std::string host_;
  Clock clock_;
  lua_State* L_ = nullptr;
  int generation_ = 0;
  int nextId_ = 1;

  // Frame accounting (game thread only).
  int64_t frameIndex_ = 0;
  double frameStart_ = -1, postTick_ = -1, preTick_ = -1;
  double scripts_ = 0, overhead_ = 0;
  std::map<std::pair<int, int>, CallbackCost> costs_;
  std::vector<Open> open_;
  std::atomic<double> lastPresent_{-1}, presentInterval_{-1};

  // Sampling, lock-free: the sampler reads and writes these while the Lua thread is stopped (it may be
  // stopped holding any lock). Protocol: leave() clears inCallback_ before it takes the arm back, and the
  // sampler arms only when it sees inCallback_ set with the thread stopped, so no arm survives into the
  // game's own work; the hook removes itself before it clears armed_.
  std::atomic<bool> inCallback_{false};
  std::atomic<bool> armed_{false};
  std::atomic<lua_State*> armL_{nullptr};     // the Lua thread (state) running the outermost callback
  std::atomic<uintptr_t> luaThread_{0};       // the OS thread running it (threadstop.hpp)
  std::atomic<int64_t> armWeightUs_{0};       // pending sample weight, µs
  std::atomic<int64_t> periodUs_{0};
  std::atomic<bool> armWithoutStop_{false};
  // The sample being spread (hook): taken 1..kSpread instructions after the VM noticed the arm, so the
  // sampled line is not always the one after a jump. Written by the hook and leave on the Lua thread,
  // cleared by scriptReset (atomics: a reset may come when the state is gone, from elsewhere).
  static constexpr uint64_t kSpread = 64;
  // An arm the VM noticed within this long was made while it ran Lua (it reloads its hook flag at every
  // jump, call and return); later, the thread was in a C call (or preempted) and the sample is not spread.
  static constexpr double kPromptMs = 0.02;
  std::atomic<double> armAtMs_{0};  // when armStopped armed (the profiler's clock)
  std::atomic<bool> spreading_{false};
  std::atomic<int64_t> pendingUs_{0};
  std::atomic<bool> lines_{true};
  double sampleCostMs_ = 0;
  double spreadCostMs_ = 0;  // the spread's first call, counted into the sample it belongs to
  long samplesTaken_ = 0;
  std::vector<float> sampleCosts_;  // ring of the last 100,000 per-sample costs (ms)
  uint64_t spreadState_ = 0x9e3779b97f4a7c15ull;
  // Guards the frame accounting, the open-callback stack and the interning tables: render-thread Lua
  // callbacks call enter/leave while the game thread closes frames. Never held across a Lua call that
  // can raise.
  std::mutex stateMu_;
  std::atomic<double> hz_{0};
  std::atomic<bool> stop_{false};
  std::mutex wakeMu_;
  std::condition_variable wake_;
  gate::Thread sampler_;
  void (*hookStub_)(lua_State*, lua_Debug*) = nullptr;  // the count hook, as the gate's stub

  // Interned sample frames/stacks (game thread), and what is new since the last flush.
  std::unordered_map<std::string, int> frameIds_;
  std::map<std::tuple<int, int, int>, int> stackIds_;  // (parent, frame, line) → id
  SampleBatch batch_;
  std::unordered_map<int, CallbackInfo> callbacks_;  // id → registration, for sample root frames
};

}  // namespace uevrprof
