// Records the game side (Profiler) hands to the network side (Session). Plain values, copied across
// the thread boundary under a lock held for the copy only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace uevrprof {

struct CallbackInfo {
  int id = 0;
  std::string name;  // on_pre_engine_tick, hook_ptr:pre:<UFunction>, ...
  std::string file;  // registration site: chunk source without '@'
  int line = 0;
  int generation = 0;
};

struct CallbackCost {
  int id = 0;
  int eye = -1;
  double ms = 0;
  int calls = 0;
};

// One game frame (docs/protocol.md FrameMetrics) plus the native extras clients may ignore.
struct FrameRecord {
  int64_t frame = 0;
  double start = 0, frameMs = 0, scriptsMs = 0, gcMs = 0, luaMemoryKb = 0, overheadMs = 0;
  double engineTickMs = -1;      // pre → post engine tick; -1 = not seen this frame
  double presentIntervalMs = -1;  // between the last two on_present calls; -1 = none
  std::vector<CallbackCost> callbacks;
};

struct SampledFrame {  // SampledFrameInfo
  int id = 0;
  std::string name, file;
  int line = 0;
  int kind = 0;  // 0 Lua, 1 native, 2 callback root, 3 other
};

struct Sample {
  int stack = 0;
  double time = 0, weight = 0;
  int64_t frame = 0;
};

// Stack `id` = stack `parent` (-1: a root) + frame `frame` executing line `line` (its current line;
// 0 = unknown, as for callback roots). Interned by (parent, frame, line): docs/protocol.md newStacks.
struct StackDef {
  int id = -1, parent = -1, frame = -1, line = 0;
};

// Everything sampled since the previous flush: new interned frames/stacks (parents first) and samples.
struct SampleBatch {
  std::vector<SampledFrame> newFrames;
  std::vector<StackDef> newStacks;
  std::vector<Sample> samples;
};

// Where the Profiler sends what it measured. Called on the game thread: implementations only copy.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void callbackRegistered(const CallbackInfo& cb) = 0;
  virtual void frameDone(FrameRecord&& frame, SampleBatch&& batch, double flushTime) = 0;
  virtual void scriptReset(double time, int generation) = 0;
  virtual void log(const std::string& category, const std::string& text) = 0;
};

}  // namespace uevrprof
