// Incremental decoder of the DAP base protocol (docs/protocol.md §2): "Content-Length: N\r\n\r\n" +
// N bytes. Bytes may arrive split anywhere; buffers are bounded (1 KiB header, 16 MiB body, or less:
// the session lowers the body limit to 64 KiB until a client has attached). A byte that can never be
// part of a header (the first byte not a field-name byte, e.g. a TLS ClientHello's 0x16; any binary
// byte) fails at once instead of waiting for a blank line.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace uevrprof {

class FrameDecoder {
 public:
  static constexpr size_t kMaxHeader = 1024;
  static constexpr size_t kMaxBody = 16u * 1024u * 1024u;

  // Feeds bytes; complete bodies are appended to `bodies`. Returns false on a fatal framing error
  // (the reason is in error()); the decoder must not be fed again after that.
  bool feed(const char* data, size_t len, std::vector<std::string>& bodies);
  const std::string& error() const { return error_; }
  // The body limit for headers not read yet (at most kMaxBody).
  void setMaxBody(size_t n) { maxBody_ = n < kMaxBody ? n : kMaxBody; }

 private:
  bool parseHeader();
  std::string header_;
  std::string body_;
  size_t need_ = 0;
  size_t maxBody_ = kMaxBody;
  bool inBody_ = false;
  std::string error_;
};

}  // namespace uevrprof
