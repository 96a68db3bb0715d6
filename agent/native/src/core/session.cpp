#include "session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "framing.hpp"
#include "json.hpp"
#include "profiler.hpp"

namespace fs = std::filesystem;

namespace uevrprof {

namespace {
constexpr size_t kSoftQueue = 8u * 1024u * 1024u;   // frames coalesce / samples abort above this
constexpr size_t kHardQueue = 32u * 1024u * 1024u;  // any connection closes above this
constexpr size_t kHeldFrames = 4096;
constexpr size_t kOutboxFrames = 4096;
constexpr size_t kOutboxSamples = 1000000;
constexpr int kMaxMalformed = 20;
constexpr size_t kPreAttachBody = 64u * 1024u;    // docs/protocol.md §2: bodies before attach
constexpr int kMaxPending = 8;                    // unattached connections held apart from attached slots
constexpr double kRequestsPerSecond = 2000;       // token bucket per connection (§2: request flood)
constexpr double kClosingGraceMs = 2000;          // a closing peer that does not read is cut after this
constexpr size_t kMaxGameWork = 256;

std::string fmtFrame(const FrameRecord& f) {
  std::string s = "{\"frame\":";
  jsonNumber(s, double(f.frame));
  s += ",\"start\":"; jsonNumber(s, f.start);
  s += ",\"frameMs\":"; jsonNumber(s, f.frameMs);
  s += ",\"scriptsMs\":"; jsonNumber(s, f.scriptsMs);
  s += ",\"gcMs\":"; jsonNumber(s, f.gcMs);
  s += ",\"luaMemoryKb\":"; jsonNumber(s, f.luaMemoryKb);
  s += ",\"overheadMs\":"; jsonNumber(s, f.overheadMs);
  if (f.engineTickMs >= 0) { s += ",\"engineTickMs\":"; jsonNumber(s, f.engineTickMs); }
  if (f.presentIntervalMs >= 0) { s += ",\"presentIntervalMs\":"; jsonNumber(s, f.presentIntervalMs); }
  s += ",\"callbacks\":[";
  for (size_t i = 0; i < f.callbacks.size(); i++) {
    const CallbackCost& c = f.callbacks[i];
    if (i) s += ',';
    s += "{\"id\":" + std::to_string(c.id) + ",\"eye\":" + std::to_string(c.eye) + ",\"ms\":";
    jsonNumber(s, c.ms);
    s += ",\"calls\":" + std::to_string(c.calls) + "}";
  }
  s += "]}";
  return s;
}

std::string hex(const unsigned char* b, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) { s += d[b[i] >> 4]; s += d[b[i] & 15]; }
  return s;
}

// Generic DAP clients (nvim-dap, Helix, vimspector) send these while they attach; without answers they
// report "unknown command" and give up. Same answers as the TypeScript session
// (src/core/session/dapHandshake.ts, docs/protocol.md "Generic DAP clients"): UEVR's Lua has no debug
// library, so one thread named "Lua" and every breakpoint unverified with the reason.
constexpr size_t kMaxBreakpoints = 1000;
const char* const kBreakpointMessage = "UEVR's Lua cannot stop at breakpoints (no debug library); capture a profile instead";

bool isGenericDapRequest(const std::string& cmd) {
  return cmd == "setBreakpoints" || cmd == "setExceptionBreakpoints" || cmd == "configurationDone" || cmd == "threads";
}

// The response body of one of the requests above, or false with `error` (too many breakpoints).
bool genericDapAnswer(const std::string& cmd, const JsonValue* args, std::string& body, std::string& error) {
  body.clear();
  if (cmd == "configurationDone") return true;
  if (cmd == "threads") {
    body = "{\"threads\":[{\"id\":1,\"name\":\"Lua\"}]}";
    return true;
  }
  if (cmd == "setExceptionBreakpoints") {
    body = "{\"breakpoints\":[]}";
    return true;
  }
  // setBreakpoints: `breakpoints[].line`, else the deprecated `lines`; one answer per entry, in order
  // (clients match them by position), a line only where the entry has a usable one.
  const JsonValue* list = args ? args->get("breakpoints") : nullptr;
  if (!list || list->kind != JsonValue::Array) list = args ? args->get("lines") : nullptr;
  static const JsonValue empty;
  if (!list || list->kind != JsonValue::Array) list = &empty;
  if (list->a.size() > kMaxBreakpoints) {
    error = "setBreakpoints: more than " + std::to_string(kMaxBreakpoints) + " breakpoints in one request";
    return false;
  }
  body = "{\"breakpoints\":[";
  for (size_t i = 0; i < list->a.size(); i++) {
    const JsonValue& b = list->a[i];
    const JsonValue* line = b.kind == JsonValue::Number ? &b : b.get("line");
    if (i) body += ',';
    body += "{\"verified\":false";
    if (line && line->kind == JsonValue::Number && line->n >= 0 && line->n <= 9007199254740991.0 && line->n == std::floor(line->n)) {
      body += ",\"line\":";
      jsonNumber(body, line->n);
    }
    body += ",\"message\":";
    jsonString(body, kBreakpointMessage);
    body += '}';
  }
  body += "]}";
  return true;
}

bool constantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}
}  // namespace

struct Session::Conn {
  sock_t fd = kBadSock;
  FrameDecoder dec;
  std::string out;
  size_t outOff = 0;
  int seq = 1;
  bool initialized = false, attached = false, closeAfterFlush = false, dead = false;
  int malformed = 0;
  double openedAt = 0;
  double closingSince = -1;     // when closeAfterFlush was set (the grace period starts)
  bool finSent = false;         // our write side is shut down (all replies were sent)
  bool peerClosed = false;      // the peer's FIN arrived
  double budget = kRequestsPerSecond;
  double budgetAt = 0;
  // Absolute offsets (bytes ever queued) where each queued message starts, so a forced close can
  // drop whole unsent messages and still send its reason as a complete message.
  std::deque<size_t> starts;
  size_t erased = 0;            // bytes removed from the front of `out` so far
  // Frames held back while the client reads slowly (§7).
  std::deque<FrameRecord> held;
  uint64_t dropped = 0;
  // Capture.
  int captureId = 0;
  bool capturing = false;
  double capStart = 0;
  long capSamples = 0;
  std::set<int> sentFrames, sentStacks;
  bool stopPending = false;
  int stopSeq = 0;
  double stopTime = 0;
  size_t queued() const { return out.size() - outOff; }
};

Session::Session(SessionConfig cfg) : cfg_(std::move(cfg)) {}

Session::~Session() { stop("session destroyed"); }

double Session::now() const {
  if (profiler_) return profiler_->now();
  static const auto origin = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - origin).count();
}

bool Session::start(std::string& error) {
  if (!netInit()) { error = "cannot initialise sockets"; return false; }
  unsigned char rnd[32];
  if (!randomBytes(rnd, sizeof rnd)) { error = "no secure random source for the session token"; return false; }
  token_ = hex(rnd, sizeof rnd);
  pid_ = processId();
  int bound = 0;
  if (cfg_.port >= 0) {
    listener_ = listenLoopback(cfg_.port, bound);
  } else {
    for (int p = 47800; p <= 47819 && listener_ == kBadSock; p++) listener_ = listenLoopback(p, bound);
    if (listener_ == kBadSock) listener_ = listenLoopback(0, bound);
  }
  if (listener_ == kBadSock) { error = "cannot listen on 127.0.0.1"; return false; }
  port_ = bound;
  if (!writeDiscovery(error)) {
    sockClose(listener_);
    listener_ = kBadSock;
    return false;
  }
  // The thread's entry is the gate's stub (gate.hpp): an unload can let it go without joining it.
  if (!thread_.start([](void* p) { static_cast<Session*>(p)->loop(); }, this)) {
    sockClose(listener_);
    listener_ = kBadSock;
    std::error_code ec;
    fs::remove(fs::u8path(discoveryFile_), ec);
    error = "cannot start the session thread";
    return false;
  }
  return true;
}

bool Session::writeDiscovery(std::string& error) {
  try {
    std::string dir = cfg_.sessionsDir.empty() ? defaultSessionsDir() : cfg_.sessionsDir;
    fs::path d = fs::u8path(dir);
    // The folder owner-only, the file 0600 from its creation under a random temp name (platform.cpp).
    if (!ensurePrivateDir(dir, error)) return false;
    std::string name = "session-" + std::to_string(pid_) + "-" + std::to_string(port_) + ".json";
    fs::path file = d / fs::u8path(name);
    std::string body = "{\"protocol\":1,\"host\":\"127.0.0.1\",\"port\":" + std::to_string(port_) + ",\"token\":";
    jsonString(body, token_);
    body += ",\"pid\":" + std::to_string(pid_) + ",\"game\":";
    jsonString(body, cfg_.game);
    body += ",\"startedAt\":";
    jsonString(body, isoNow());
    body += "}\n";
    // 0600 from the start: the token is the only thing between another local user and the session.
    if (!writePrivateFileAtomic(dir, name, body, error)) return false;
    discoveryFile_ = file.u8string();
    return true;
  } catch (const std::exception& e) {
    error = std::string("cannot write the discovery file: ") + e.what();
    return false;
  }
}

void Session::requestStop(const std::string& reason) {
  if (stopping_.load()) return;
  stopReason_ = reason;
  stopping_ = true;
}

void Session::stop(const std::string& reason, bool canJoin) {
  if (!thread_.running()) return;
  requestStop(reason);
  // The thread closes its sockets and removes the discovery file itself (end of loop()); bounded:
  // it polls every 10 ms and flushes for at most 500 ms.
  if (!canJoin || !thread_.join(3000)) thread_.release();
}

void Session::runGameThreadWork() {
  std::deque<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> g(inMu_);
    work.swap(inWork_);
  }
  for (auto& w : work) w();
}

// --- Sink: game thread, copy under the outbox lock only --------------------------------------------

void Session::callbackRegistered(const CallbackInfo& cb) {
  std::lock_guard<std::mutex> g(outMu_);
  if (outCallbacks_.size() < 100000) outCallbacks_.push_back(cb);
}

void Session::frameDone(FrameRecord&& frame, SampleBatch&& batch, double flushTime) {
  std::lock_guard<std::mutex> g(outMu_);
  if (outFrames_.size() >= kOutboxFrames) outFrames_.pop_front();
  outFrames_.push_back(std::move(frame));
  if (!batch.newFrames.empty() || !batch.newStacks.empty() || !batch.samples.empty()) {
    // Definitions are never dropped (later samples refer to them); samples only past a huge bound.
    if (outSamples_ + batch.samples.size() > kOutboxSamples) {
      outDroppedSamples_ += batch.samples.size();
      batch.samples.clear();
    }
    outSamples_ += batch.samples.size();
    outBatches_.push_back(std::move(batch));
  }
  lastFlush_ = flushTime;
}

void Session::scriptReset(double time, int generation) {
  std::lock_guard<std::mutex> g(outMu_);
  outResets_.push_back({time, generation});
}

void Session::log(const std::string& category, const std::string& text) {
  std::lock_guard<std::mutex> g(outMu_);
  if (outLogs_.size() < 1000) outLogs_.push_back({category, text});
}

// --- network thread -------------------------------------------------------------------------------

void Session::event(Conn& c, const std::string& name, const std::string& bodyJson) {
  if (c.dead || c.closeAfterFlush) return;
  c.starts.push_back(c.erased + c.out.size());
  std::string body = "{\"seq\":" + std::to_string(c.seq++) + ",\"type\":\"event\",\"event\":";
  jsonString(body, name);
  if (!bodyJson.empty()) body += ",\"body\":" + bodyJson;
  body += "}";
  c.out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void Session::respond(Conn& c, int requestSeq, const std::string& command, bool ok, const std::string& message,
                      const std::string& bodyJson) {
  if (c.dead || c.closeAfterFlush) return;
  c.starts.push_back(c.erased + c.out.size());
  std::string body = "{\"seq\":" + std::to_string(c.seq++) + ",\"type\":\"response\",\"request_seq\":" +
                     std::to_string(requestSeq) + ",\"command\":";
  jsonString(body, command);
  body += ok ? ",\"success\":true" : ",\"success\":false";
  if (!ok) {
    body += ",\"message\":";
    jsonString(body, message);
    body += ",\"body\":{\"error\":{\"id\":1,\"format\":";
    jsonString(body, message);
    body += "}}";
  } else if (!bodyJson.empty()) {
    body += ",\"body\":" + bodyJson;
  }
  body += "}";
  c.out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void Session::fatal(Conn& c, const std::string& reason) {
  if (c.dead || c.closeAfterFlush) return;
  if (c.queued() > kHardQueue) {
    // Forced close of a client that does not read: drop the whole messages not yet started so the
    // reason below is not stuck behind 32 MiB; the message being sent is finished first.
    size_t sent = c.erased + c.outOff;
    while (!c.starts.empty() && c.starts.back() > sent) {
      size_t cut = c.starts.back() - c.erased;
      c.starts.pop_back();
      c.out.resize(cut);
    }
  }
  std::string o = "{\"category\":\"stderr\",\"output\":";
  jsonString(o, "uevr-profiler session: " + reason + "\n");
  event(c, "output", o + "}");
  std::string t = "{\"reason\":";
  jsonString(t, reason);
  event(c, "terminated", t + "}");
  c.closeAfterFlush = true;
}

std::string Session::sessionInfoJson() const {
  std::string s = "{\"game\":";
  jsonString(s, cfg_.game);
  s += ",\"pid\":" + std::to_string(pid_) + ",\"kind\":";
  jsonString(s, cfg_.kind);
  s += ",\"refreshRateHz\":";
  jsonNumber(s, cfg_.refreshRateHz);
  s += ",\"hostVersion\":";
  jsonString(s, cfg_.hostVersion);
  return s + "}";
}

std::string Session::callbackJson(const CallbackInfo& cb) const {
  std::string s = "{\"id\":" + std::to_string(cb.id) + ",\"name\":";
  jsonString(s, cb.name);
  s += ",\"file\":";
  jsonString(s, cb.file);
  s += ",\"line\":" + std::to_string(cb.line) + ",\"generation\":" + std::to_string(cb.generation) + "}";
  return s;
}

void Session::handleBody(Conn& c, const std::string& body) {
  auto malformed = [&](int seq, const std::string& cmd, const std::string& msg) {
    respond(c, seq, cmd, false, msg);
    if (++c.malformed > kMaxMalformed) fatal(c, "too many malformed messages (max 20)");
  };
  if (body.empty()) return malformed(0, "", "protocol error: empty body (Content-Length: 0)");
  if (!isValidUtf8(body.data(), body.size())) return malformed(0, "", "protocol error: body is not valid UTF-8");
  JsonValue v;
  std::string err;
  if (!parseJson(body.data(), body.size(), v, err)) return malformed(0, "", "protocol error: invalid JSON: " + err);
  if (v.kind != JsonValue::Object) return malformed(0, "", "protocol error: body is not a JSON object");
  const JsonValue* seqV = v.get("seq");
  int seq = 0;
  bool seqOk = seqV && seqV->kind == JsonValue::Number && seqV->n >= 0 && seqV->n == std::floor(seqV->n) && seqV->n < 9e15;
  if (seqOk) seq = int(std::min(seqV->n, 2147483647.0));
  const JsonValue* typeV = v.get("type");
  const JsonValue* cmdV = v.get("command");
  std::string cmd = cmdV && cmdV->kind == JsonValue::String ? cmdV->s : "";
  if (!seqOk) return malformed(0, cmd, "invalid message: \"seq\" must be a non-negative integer");
  if (!typeV || typeV->kind != JsonValue::String) return malformed(seq, cmd, "invalid message: \"type\" must be a string");
  if (typeV->s == "response" || typeV->s == "event") return;  // clients' responses/events are ignored
  if (typeV->s != "request") return malformed(seq, cmd, "invalid message: unknown type \"" + typeV->s.substr(0, 32) + "\"");
  if (!cmdV || cmdV->kind != JsonValue::String || cmd.empty() || cmd.size() > 64)
    return malformed(seq, cmd.substr(0, 64), "invalid message: \"command\" must be a string of 1-64 characters");
  const JsonValue* args = v.get("arguments");
  if (args && args->kind != JsonValue::Object) return malformed(seq, cmd, "invalid message: \"arguments\" must be an object");
  // Token bucket (docs/protocol.md §2): a flood of valid requests must not starve the network thread.
  double t = now();
  c.budget = std::min(kRequestsPerSecond, c.budget + (t - c.budgetAt) / 1000.0 * kRequestsPerSecond);
  c.budgetAt = t;
  if (c.budget < 1) return fatal(c, "request flood: more than 2000 requests per second");
  c.budget -= 1;
  handleRequest(c, seq, cmd, args);
}

void Session::handleRequest(Conn& c, int seq, const std::string& cmd, const JsonValue* args) {
  static const std::set<std::string> known = {"initialize", "attach", "disconnect", "sessionInfo", "startCapture",
                                              "stopCapture", "configureSampling", "resetScripts"};
  if (cmd == "disconnect") {
    respond(c, seq, cmd, true, "");
    c.closeAfterFlush = true;
    return;
  }
  if (c.initialized && isGenericDapRequest(cmd)) {
    std::string body, error;
    if (!genericDapAnswer(cmd, args, body, error)) return respond(c, seq, cmd, false, error);
    return respond(c, seq, cmd, true, "", body);
  }
  if (!known.count(cmd)) return respond(c, seq, cmd, false, "unknown command \"" + cmd + "\"");
  if (cmd == "initialize") {
    if (c.attached) return respond(c, seq, cmd, false, "already attached");
    if (args) {
      for (const char* k : {"clientID", "clientName", "adapterID"}) {
        const JsonValue* a = args->get(k);
        if (a && (a->kind != JsonValue::String || a->s.size() > 256))
          return respond(c, seq, cmd, false, std::string("initialize: argument \"") + k + "\" must be a string of at most 256 characters");
      }
    }
    c.initialized = true;
    std::string hz;
    jsonNumber(hz, Profiler::kMaxHz);
    std::string lo;
    jsonNumber(lo, Profiler::kMinHz);
    std::string b = "{\"supportsTerminateRequest\":false,\"supportsConfigurationDoneRequest\":true,\"exceptionBreakpointFilters\":[],"
                    "\"uevrProtocolVersion\":1,"
                    "\"uevrSession\":" + sessionInfoJson() + ",\"uevrSampling\":true,\"uevrMinSamplingHz\":" + lo +
                    ",\"uevrMaxSamplingHz\":" + hz +
                    ",\"uevrPerEyeCallbacks\":true,\"uevrScriptReset\":false,"
                    "\"uevrRequests\":[\"sessionInfo\",\"startCapture\",\"stopCapture\",\"configureSampling\"],"
                    "\"uevrEvents\":[\"frames\",\"samples\",\"callbackRegistered\",\"scriptError\",\"scriptReset\"]}";
    respond(c, seq, cmd, true, "", b);
    event(c, "initialized", "");
    return;
  }
  if (!c.initialized) return respond(c, seq, cmd, false, "not initialized: send \"initialize\" first");
  if (cmd == "attach") {
    if (c.attached) return respond(c, seq, cmd, false, "already attached");
    const JsonValue* t = args ? args->get("token") : nullptr;
    if (!t || t->kind != JsonValue::String || t->s.size() > 1024)
      return respond(c, seq, cmd, false, "attach: argument \"token\" must be a string of at most 1024 characters");
    if (!constantTimeEquals(t->s, token_)) {
      respond(c, seq, cmd, false, "invalid token");
      c.closeAfterFlush = true;
      return;
    }
    int attached = 0;
    for (auto& o : conns_) attached += (o->attached && !o->dead && !o->closeAfterFlush) ? 1 : 0;
    if (attached >= cfg_.maxConnections) {
      std::string why = "too many connections (max " + std::to_string(cfg_.maxConnections) + " attached)";
      respond(c, seq, cmd, false, why);
      return fatal(c, "refused: " + why);
    }
    c.attached = true;
    c.dec.setMaxBody(FrameDecoder::kMaxBody);  // the full limit of §2 once attached
    respond(c, seq, cmd, true, "");
    for (const auto& cb : callbacks_) event(c, "callbackRegistered", "{\"callback\":" + callbackJson(cb) + "}");
    return;
  }
  if (!c.attached) return respond(c, seq, cmd, false, "not attached: send \"attach\" with the session token first");
  auto hzArg = [&](bool required, double& hz, std::string& err) {
    const JsonValue* a = args ? args->get("samplingHz") : nullptr;
    if (!a) {
      if (required) { err = cmd + ": argument \"samplingHz\" is required"; return false; }
      return true;
    }
    if (a->kind != JsonValue::Number || !(a->n >= 0 && a->n <= 1e6)) { err = cmd + ": argument \"samplingHz\" must be a number from 0 to 1000000"; return false; }
    hz = a->n;
    return true;
  };
  bool anyCapture = false;
  for (auto& o : conns_) anyCapture = anyCapture || (o->capturing && !o->dead);
  if (cmd == "sessionInfo") {
    std::string b = "{\"protocol\":1,\"session\":" + sessionInfoJson() + ",\"callbacks\":[";
    for (size_t i = 0; i < callbacks_.size(); i++) b += (i ? "," : "") + callbackJson(callbacks_[i]);
    b += "],\"now\":";
    jsonNumber(b, now());
    b += std::string(",\"capturing\":") + (c.capturing ? "true" : "false") + ",\"samplingHz\":";
    jsonNumber(b, profiler_ ? profiler_->samplingHz() : 0);
    return respond(c, seq, cmd, true, "", b + "}");
  }
  if (cmd == "startCapture") {
    double hz = 1000;
    std::string err;
    if (!hzArg(false, hz, err)) return respond(c, seq, cmd, false, err);
    if (c.capturing) return respond(c, seq, cmd, false, "a capture is already running (id " + std::to_string(c.captureId) + ")");
    drainOutbox();  // frames queued before the capture go out before its response
    double eff = profiler_ ? profiler_->setSamplingHz(hz) : 0;
    requestedHz_ = eff;
    c.capturing = true;
    c.captureId = nextCaptureId_++;
    c.capStart = now();
    c.capSamples = 0;
    c.sentFrames.clear();
    c.sentStacks.clear();
    std::string b = "{\"captureId\":" + std::to_string(c.captureId) + ",\"samplingHz\":";
    jsonNumber(b, eff);
    b += ",\"startTime\":";
    jsonNumber(b, c.capStart);
    return respond(c, seq, cmd, true, "", b + "}");
  }
  if (cmd == "stopCapture") {
    if (!c.capturing || c.stopPending) return respond(c, seq, cmd, false, "no capture is running");
    // The response waits until the game thread has flushed every sample taken before now (§5).
    c.stopPending = true;
    c.stopSeq = seq;
    c.stopTime = now();
    return;
  }
  if (cmd == "configureSampling") {
    double hz = 0;
    std::string err;
    if (!hzArg(true, hz, err)) return respond(c, seq, cmd, false, err);
    requestedHz_ = hz;
    double eff = profiler_ ? (anyCapture ? profiler_->setSamplingHz(hz) : std::min(Profiler::kMaxHz, hz > 0 ? std::max(Profiler::kMinHz, hz) : 0.0)) : 0;
    std::string b = "{\"samplingHz\":";
    jsonNumber(b, eff);
    return respond(c, seq, cmd, true, "", b + "}");
  }
  if (cmd == "resetScripts") return respond(c, seq, cmd, false, "this session cannot reset scripts");
}

void Session::sendFrames(Conn& c) {
  if (c.held.empty() || c.queued() > kSoftQueue) return;
  std::string b = "{\"frames\":[";
  for (size_t i = 0; i < c.held.size(); i++) b += (i ? "," : "") + fmtFrame(c.held[i]);
  b += "],\"dropped\":" + std::to_string(c.dropped) + "}";
  c.held.clear();
  c.dropped = 0;
  event(c, "frames", b);
}

void Session::finishStop(Conn& c) {
  std::string b = "{\"captureId\":" + std::to_string(c.captureId) + ",\"stopTime\":";
  jsonNumber(b, c.stopTime);
  b += ",\"samples\":" + std::to_string(c.capSamples) + "}";
  c.capturing = false;
  c.stopPending = false;
  respond(c, c.stopSeq, "stopCapture", true, "", b);
}

void Session::drainOutbox() {
  std::deque<FrameRecord> frames;
  std::vector<SampleBatch> batches;
  std::vector<CallbackInfo> cbs;
  std::vector<std::pair<double, int>> resets;
  std::vector<std::pair<std::string, std::string>> logs;
  uint64_t droppedSamples;
  {
    std::lock_guard<std::mutex> g(outMu_);
    frames.swap(outFrames_);
    batches.swap(outBatches_);
    cbs.swap(outCallbacks_);
    resets.swap(outResets_);
    logs.swap(outLogs_);
    droppedSamples = outDroppedSamples_;
    outDroppedSamples_ = 0;
    outSamples_ = 0;
  }
  for (auto& cb : cbs) {
    callbacks_.push_back(cb);
    for (auto& c : conns_) if (c->attached) event(*c, "callbackRegistered", "{\"callback\":" + callbackJson(cb) + "}");
  }
  for (auto& r : resets) {
    std::string b = "{\"time\":";
    jsonNumber(b, r.first);
    b += ",\"generation\":" + std::to_string(r.second) + "}";
    for (auto& c : conns_) if (c->attached) event(*c, "scriptReset", b);
  }
  for (auto& l : logs) {
    std::string b = "{\"category\":";
    jsonString(b, l.first);
    b += ",\"output\":";
    jsonString(b, l.second + "\n");
    for (auto& c : conns_) if (c->attached) event(*c, "output", b + "}");
  }
  // Frames: every attached client; slow clients hold (bounded) and count drops.
  if (!frames.empty()) {
    for (auto& c : conns_) {
      if (!c->attached || c->dead) continue;
      for (const auto& f : frames) {
        if (c->held.size() >= kHeldFrames) { c->held.pop_front(); c->dropped++; }
        c->held.push_back(f);
      }
      sendFrames(*c);
    }
  }
  // Samples: definitions go to the global tables; each capture gets what falls inside it.
  for (auto& b : batches) {
    for (auto& f : b.newFrames) {
      if (size_t(f.id) >= frameTable_.size()) frameTable_.resize(size_t(f.id) + 1);
      frameTable_[size_t(f.id)] = f;
    }
    for (auto& s : b.newStacks) {
      if (s.id < 0) continue;
      if (size_t(s.id) >= stackTable_.size()) stackTable_.resize(size_t(s.id) + 1);
      stackTable_[size_t(s.id)] = s;
    }
  }
  for (auto& c : conns_) {
    if (!c->capturing || c->dead) continue;
    double until = c->stopPending ? c->stopTime : 1e300;
    std::string frs, sts, sms;
    size_t count = 0;
    for (auto& b : batches) {
      for (auto& s : b.samples) {
        if (s.time < c->capStart || s.time > until) continue;
        // Define the stack chain (parents first) and its frames, once per capture.
        std::vector<int> chain;
        for (int id = s.stack; id >= 0 && size_t(id) < stackTable_.size() && !c->sentStacks.count(id); id = stackTable_[size_t(id)].parent)
          chain.push_back(id);
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
          int id = *it;
          const StackDef& def = stackTable_[size_t(id)];
          int fid = def.frame;
          if (fid >= 0 && size_t(fid) < frameTable_.size() && !c->sentFrames.count(fid)) {
            const SampledFrame& f = frameTable_[size_t(fid)];
            if (!frs.empty()) frs += ',';
            frs += "{\"id\":" + std::to_string(f.id) + ",\"name\":";
            jsonString(frs, f.name);
            frs += ",\"file\":";
            jsonString(frs, f.file);
            frs += ",\"line\":" + std::to_string(f.line) + ",\"kind\":" + std::to_string(f.kind) + "}";
            c->sentFrames.insert(fid);
          }
          if (!sts.empty()) sts += ',';
          sts += "[" + std::to_string(id) + "," + std::to_string(def.parent) + "," + std::to_string(fid) + "," + std::to_string(def.line) + "]";
          c->sentStacks.insert(id);
        }
        if (!sms.empty()) sms += ',';
        sms += "[" + std::to_string(s.stack) + ",";
        jsonNumber(sms, s.time);
        sms += ",";
        jsonNumber(sms, s.weight);
        sms += "," + std::to_string(s.frame) + "]";
        count++;
      }
    }
    if (droppedSamples > 0) {
      fatal(*c, "samples were lost before they reached the network thread (" + std::to_string(droppedSamples) + "); capture aborted");
      continue;
    }
    if (count == 0 && frs.empty()) continue;
    if (c->queued() > kSoftQueue) {
      fatal(*c, "client too slow: more than 8 MiB unread while a capture runs; capture aborted");
      continue;
    }
    c->capSamples += long(count);
    event(*c, "samples", "{\"captureId\":" + std::to_string(c->captureId) + ",\"newFrames\":[" + frs + "],\"newStacks\":[" + sts +
                             "],\"samples\":[" + sms + "]}");
  }
}

void Session::loop() {
  double lastBatch = now();
  char buf[65536];
  while (!stopping_) {
    std::vector<sock_t> fds{listener_};
    std::vector<char> ww{0};
    for (auto& c : conns_) { fds.push_back(c->fd); ww.push_back(c->queued() > 0); }
    std::vector<char> rd(fds.size()), wr(fds.size());
    // bool vectors are bit-packed; copy into plain arrays for the poll shim.
    std::unique_ptr<bool[]> w(new bool[fds.size()]), r(new bool[fds.size()]), x(new bool[fds.size()]);
    for (size_t i = 0; i < fds.size(); i++) w[i] = ww[i] != 0;
    pollSockets(fds.data(), w.get(), r.get(), x.get(), int(fds.size()), 10);
    double t = now();
    if (r[0]) {
      for (int k = 0; k < 16; k++) {
        sock_t s = acceptConn(listener_);
        if (s == kBadSock) break;
        auto c = std::make_unique<Conn>();
        c->fd = s;
        c->openedAt = t;
        c->budgetAt = t;
        c->dec.setMaxBody(kPreAttachBody);
        // Unattached connections have their own pool: when it is full the oldest one that has not
        // even sent initialize (else the oldest unattached) is closed with a reason, so idle sockets or
        // TLS handshakes never lock the owner out (docs/protocol.md §1).
        Conn* victim = nullptr;
        int pending = 0;
        for (auto& o : conns_) {
          if (o->attached || o->dead || o->closeAfterFlush) continue;
          pending++;
          if (!victim || (victim->initialized && !o->initialized) ||
              (victim->initialized == o->initialized && o->openedAt < victim->openedAt))
            victim = o.get();
        }
        if (pending >= kMaxPending && victim)
          fatal(*victim, "evicted: more than " + std::to_string(kMaxPending) + " connections waiting to attach");
        // A hard cap on sockets. Closing ones linger up to the grace period; a peer that never closes
        // them must not fill the cap and lock the owner out, so the oldest closing one goes first.
        size_t cap = size_t(cfg_.maxConnections + kMaxPending) * 2;
        if (conns_.size() >= cap) {
          Conn* oldest = nullptr;
          auto since = [](const Conn* x) { return x->closingSince < 0 ? 1e300 : x->closingSince; };
          for (auto& o : conns_)
            if (o->closeAfterFlush && !o->dead && (!oldest || since(o.get()) < since(oldest))) oldest = o.get();
          if (oldest) oldest->dead = true;
        }
        size_t live = 0;
        for (auto& o : conns_) live += o->dead ? 0 : 1;
        if (live >= cap) {
          std::string o = "{\"category\":\"stderr\",\"output\":";
          jsonString(o, "uevr-profiler session: refused: too many connections (max " + std::to_string(cfg_.maxConnections) + ")\n");
          event(*c, "output", o + "}");
          c->closeAfterFlush = true;
        }
        conns_.push_back(std::move(c));
      }
    }
    for (size_t i = 1; i < fds.size() && i - 1 < conns_.size(); i++) {
      Conn& c = *conns_[i - 1];
      if (c.dead || !r[i]) continue;
      if (c.closeAfterFlush) {
        // Closing: read and discard what the peer still sends, so the final close is not an RST that
        // would make it lose the replies and the reason queued for it.
        for (int rounds = 0; rounds < 64; rounds++) {
          long n = sockRecv(c.fd, buf, sizeof buf);
          if (n == -2) break;
          if (n <= 0) { c.peerClosed = true; break; }
        }
        continue;
      }
      for (int rounds = 0; rounds < 64; rounds++) {
        long n = sockRecv(c.fd, buf, sizeof buf);
        if (n == -2) break;
        if (n < 0) { c.dead = true; break; }
        if (n == 0) {
          // Half-close (FIN): the client sends no more but still reads. Every request it sent has been
          // handled above; flush the replies, then close (docs/protocol.md: replies are not dropped).
          c.closeAfterFlush = true;
          c.peerClosed = true;
          break;
        }
        std::vector<std::string> bodies;
        bool ok = c.dec.feed(buf, size_t(n), bodies);
        for (auto& b : bodies) {
          if (c.closeAfterFlush) break;
          handleBody(c, b);
        }
        if (!ok) { fatal(c, c.dec.error()); break; }
        if (c.closeAfterFlush) break;
      }
    }
    for (auto& c : conns_) {
      if (!c->attached && !c->dead && !c->closeAfterFlush && t - c->openedAt > cfg_.handshakeTimeoutMs)
        fatal(*c, "handshake not completed within " + std::to_string(int(cfg_.handshakeTimeoutMs)) + " ms");
    }
    bool stopWaiting = false;
    for (auto& c : conns_) stopWaiting = stopWaiting || c->stopPending;
    if (t - lastBatch >= cfg_.batchIntervalMs || stopWaiting) {
      drainOutbox();
      lastBatch = t;
      double flushed;
      {
        std::lock_guard<std::mutex> g(outMu_);
        flushed = lastFlush_;
      }
      for (auto& c : conns_) {
        // Every sample up to stopTime has been flushed once a frame ended after it; a game that stopped
        // ticking has no hook pending that could still produce one, so 300 ms is enough to give up waiting.
        if (c->stopPending && !c->dead && (flushed >= c->stopTime || t - c->stopTime > 300)) finishStop(*c);
      }
      bool anyCapture = false;
      for (auto& c : conns_) anyCapture = anyCapture || (c->capturing && !c->dead && !c->closeAfterFlush);
      if (!anyCapture && profiler_ && profiler_->samplingHz() > 0) profiler_->setSamplingHz(0);
    }
    for (auto& c : conns_) {
      if (c->dead) continue;
      if (c->queued() > kHardQueue) fatal(*c, "client too slow: more than 32 MiB unread; connection closed");
      if (c->closeAfterFlush && c->closingSince < 0) c->closingSince = t;
      if (c->closeAfterFlush && t - c->closingSince > kClosingGraceMs) { c->dead = true; continue; }
      while (c->queued() > 0) {
        long n = sockSend(c->fd, c->out.data() + c->outOff, std::min<size_t>(c->queued(), 1 << 20));
        if (n == -2) break;
        if (n < 0) { c->dead = true; break; }
        c->outOff += size_t(n);
      }
      if (c->outOff > (1u << 20) || c->outOff == c->out.size()) {
        c->out.erase(0, c->outOff);
        c->erased += c->outOff;
        c->outOff = 0;
        // Keep the start of the message being sent; forget those fully sent.
        while (c->starts.size() > 1 && c->starts[1] <= c->erased) c->starts.pop_front();
      }
      if (c->closeAfterFlush && c->queued() == 0) {
        // Everything is sent: FIN, then close once the peer has closed too (or the grace ends).
        if (!c->finSent) { sockShutdownWrite(c->fd); c->finSent = true; }
        if (c->peerClosed) c->dead = true;
      }
    }
    for (auto it = conns_.begin(); it != conns_.end();) {
      if ((*it)->dead) { sockClose((*it)->fd); it = conns_.erase(it); }
      else ++it;
    }
  }
  // Session end: last frames/samples, then output + terminated + exited, best-effort flush.
  drainOutbox();
  for (auto& c : conns_) {
    if (c->dead || !c->attached) continue;
    std::string o = "{\"category\":\"important\",\"output\":";
    jsonString(o, "session ended: " + stopReason_ + "\n");
    event(*c, "output", o + "}");
    std::string tr = "{\"reason\":";
    jsonString(tr, stopReason_);
    event(*c, "terminated", tr + "}");
    event(*c, "exited", "{\"exitCode\":0}");
  }
  double until = now() + 500;
  for (auto& c : conns_) {
    while (!c->dead && c->queued() > 0 && now() < until) {
      long n = sockSend(c->fd, c->out.data() + c->outOff, c->queued());
      if (n == -1) break;
      if (n > 0) c->outOff += size_t(n);
      else std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    sockClose(c->fd);
  }
  conns_.clear();
  // Here rather than in stop(): on an unload the thread that stops the session holds the loader lock
  // (no socket or file calls there).
  if (listener_ != kBadSock) sockClose(listener_);
  listener_ = kBadSock;
  std::error_code ec;
  if (!discoveryFile_.empty()) fs::remove(fs::u8path(discoveryFile_), ec);
}

}  // namespace uevrprof
