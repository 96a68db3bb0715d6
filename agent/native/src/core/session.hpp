// The network half of the plugin: the loopback protocol server (docs/protocol.md) on its own thread,
// the discovery file, and the hand-off from the game thread (a bounded outbox filled by the Profiler
// through the Sink interface, drained by the network thread). The game thread only ever takes a lock
// to append to the outbox; it never waits for a client.
#pragma once
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gate.hpp"
#include "platform.hpp"
#include "types.hpp"

namespace uevrprof {

class Profiler;

struct SessionConfig {
  std::string game = "unknown";
  std::string kind = "native";
  std::string hostVersion = "uevr-profiler-native 1";
  double refreshRateHz = 90;
  std::string sessionsDir;      // empty: defaultSessionsDir()
  int port = -1;                // -1: try 47800–47819 then any; 0: any; N: exactly N
  int maxConnections = 8;        // attached clients; unattached ones have a pool of their own (8)
  double handshakeTimeoutMs = 2000;  // docs/protocol.md §2: the pre-auth deadline
  double batchIntervalMs = 100;
};

class Session : public Sink {
 public:
  explicit Session(SessionConfig cfg);
  ~Session() override;

  void setProfiler(Profiler* p) { profiler_ = p; }
  // Binds, writes the discovery file, starts the network thread. False + a one-line reason on failure.
  bool start(std::string& error);
  // Ends the session: output + terminated + exited to every client, removes the discovery file. Joins
  // the network thread with a bound when canJoin (else lets it go: the unload path, after the gate
  // closed, where its function has already returned).
  void stop(const std::string& reason, bool canJoin = true);
  // Tells the network thread to end the session, without waiting.
  void requestStop(const std::string& reason);

  int port() const { return port_; }
  const std::string& token() const { return token_; }
  const std::string& discoveryFile() const { return discoveryFile_; }

  // Work the network thread wants done on the game thread; run from on_pre_engine_tick. Bounded.
  void runGameThreadWork();

  // Sink (game thread).
  void callbackRegistered(const CallbackInfo& cb) override;
  void frameDone(FrameRecord&& frame, SampleBatch&& batch, double flushTime) override;
  void scriptReset(double time, int generation) override;
  void log(const std::string& category, const std::string& text) override;

  struct Conn;

 private:
  void loop();
  void drainOutbox();
  void handleBody(Conn& c, const std::string& body);
  void handleRequest(Conn& c, int seq, const std::string& command, const struct JsonValue* args);
  void respond(Conn& c, int requestSeq, const std::string& command, bool ok, const std::string& message,
               const std::string& bodyJson = "");
  void event(Conn& c, const std::string& name, const std::string& bodyJson);
  void fatal(Conn& c, const std::string& reason);
  void sendFrames(Conn& c);
  void finishStop(Conn& c);
  std::string sessionInfoJson() const;
  std::string callbackJson(const CallbackInfo& cb) const;
  bool writeDiscovery(std::string& error);
  double now() const;

  SessionConfig cfg_;
  Profiler* profiler_ = nullptr;
  std::string token_;
  int port_ = 0;
  int pid_ = 0;
  std::string discoveryFile_;
  sock_t listener_ = kBadSock;
  gate::Thread thread_;
  std::atomic<bool> stopping_{false};
  std::string stopReason_;

  // Outbox: game thread → network thread.
  std::mutex outMu_;
  std::deque<FrameRecord> outFrames_;
  std::vector<SampleBatch> outBatches_;
  size_t outSamples_ = 0;
  uint64_t outDroppedSamples_ = 0;
  std::vector<CallbackInfo> outCallbacks_;
  std::vector<std::pair<double, int>> outResets_;
  std::vector<std::pair<std::string, std::string>> outLogs_;
  double lastFlush_ = -1;

  // Inbox: network thread → game thread.
  std::mutex inMu_;
  std::deque<std::function<void()>> inWork_;

  // Network thread only.
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<CallbackInfo> callbacks_;
  std::vector<SampledFrame> frameTable_;
  std::vector<StackDef> stackTable_;  // by stack id
  int nextCaptureId_ = 1;
  double requestedHz_ = 1000;
};

}  // namespace uevrprof
