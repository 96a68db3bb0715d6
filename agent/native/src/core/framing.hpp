// Incremental decoder of the DAP base protocol (docs/protocol.md §2): "Content-Length: N\r\n\r\n" +
// N bytes. Bytes may arrive split anywhere; buffers are bounded (1 KiB header, 16 MiB body).
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

 private:
  bool parseHeader();
  std::string header_;
  std::string body_;
  size_t need_ = 0;
  bool inBody_ = false;
  std::string error_;
};

}  // namespace uevrprof
