#include "framing.hpp"

#include <cstdio>
#include <cstring>

namespace uevrprof {

namespace {
bool nameChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool iequals(const std::string& a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace

bool FrameDecoder::parseHeader() {
  // header_ holds the block without the final "\r\n\r\n".
  bool have = false;
  size_t len = 0;
  size_t pos = 0;
  while (pos <= header_.size()) {
    size_t eol = header_.find("\r\n", pos);
    if (eol == std::string::npos) eol = header_.size();
    std::string line = header_.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) { error_ = "malformed header line"; return false; }
    for (size_t i = 0; i < colon; i++) if (!nameChar(line[i])) { error_ = "malformed header field name"; return false; }
    for (size_t i = colon + 1; i < line.size(); i++) {
      unsigned char c = (unsigned char)line[i];
      if (c < 0x20 || c > 0x7E) { error_ = "binary bytes in a header"; return false; }
    }
    std::string name = line.substr(0, colon);
    size_t v = colon + 1;
    while (v < line.size() && line[v] == ' ') v++;
    size_t ve = line.size();
    while (ve > v && line[ve - 1] == ' ') ve--;
    std::string value = line.substr(v, ve - v);
    if (iequals(name, "Content-Length")) {
      if (have) { error_ = "duplicate Content-Length"; return false; }
      if (value.empty() || value.size() > 12) { error_ = "invalid Content-Length"; return false; }
      size_t n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') { error_ = "invalid Content-Length"; return false; }
        n = n * 10 + size_t(c - '0');
      }
      if (n > maxBody_) { error_ = "Content-Length " + value + " exceeds the limit of " + std::to_string(maxBody_) + " bytes"; return false; }
      have = true;
      len = n;
    }
    if (eol >= header_.size()) break;
  }
  if (!have) { error_ = "missing Content-Length"; return false; }
  need_ = len;
  return true;
}

bool FrameDecoder::feed(const char* data, size_t len, std::vector<std::string>& bodies) {
  size_t i = 0;
  while (i < len) {
    if (!inBody_) {
      // Byte-wise: headers are tiny, and this keeps the 1 KiB bound exact.
      unsigned char b = (unsigned char)data[i];
      if (header_.empty() && !nameChar(char(b))) {
        char m[64];
        std::snprintf(m, sizeof m, "a header cannot start with byte 0x%02x", b);
        error_ = m;
        return false;
      }
      if ((b < 0x20 && b != '\r' && b != '\n' && b != '\t') || b > 0x7E) {
        char m[64];
        std::snprintf(m, sizeof m, "binary byte 0x%02x in a header", b);
        error_ = m;
        return false;
      }
      header_.push_back(data[i++]);
      size_t h = header_.size();
      if (h >= 4 && std::memcmp(header_.data() + h - 4, "\r\n\r\n", 4) == 0) {
        header_.resize(h - 4);
        if (!parseHeader()) return false;
        header_.clear();
        body_.clear();
        inBody_ = true;
        if (need_ == 0) { bodies.emplace_back(); inBody_ = false; }
      } else if (h > kMaxHeader) {
        error_ = "header block longer than 1024 bytes";
        return false;
      }
      continue;
    }
    size_t take = std::min(need_ - body_.size(), len - i);
    body_.append(data + i, take);
    i += take;
    if (body_.size() == need_) {
      bodies.push_back(std::move(body_));
      body_.clear();
      inBody_ = false;
    }
  }
  return true;
}

}  // namespace uevrprof
