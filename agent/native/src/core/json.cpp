#include "json.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace uevrprof {

namespace {

constexpr int kMaxDepth = 64;
// A body expands to about 120 bytes per value in memory: 100,000 values (~12 MB) is far above any
// request of the protocol and keeps a hostile 16 MiB body of "[0,0,0,…]" from costing a gigabyte.
constexpr size_t kMaxValues = 100000;

// Decodes one UTF-8 sequence at p; returns its length (1-4) or 0 when invalid.
size_t utf8Seq(const unsigned char* p, size_t left, uint32_t& cp) {
  unsigned char c = p[0];
  if (c < 0x80) { cp = c; return 1; }
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
  else return 0;
  if (left < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) out += char(cp);
  else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
  else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
  else { out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
}

struct Parser {
  const char* p;
  const char* end;
  std::string err;
  size_t values = 0;

  bool fail(const char* m) { if (err.empty()) err = m; return false; }
  void ws() { while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++; }
  bool lit(const char* s) {
    const char* q = p;
    for (; *s; s++, q++) if (q >= end || *q != *s) return false;
    p = q;
    return true;
  }
  bool hex4(uint32_t& v) {
    if (end - p < 4) return fail("truncated \\u escape");
    v = 0;
    for (int i = 0; i < 4; i++) {
      char c = *p++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else return fail("bad \\u escape");
    }
    return true;
  }
  bool str(std::string& out) {
    p++;  // opening quote
    while (p < end) {
      unsigned char c = (unsigned char)*p;
      if (c == '"') { p++; return true; }
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        if (++p >= end) break;
        char e = *p++;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            uint32_t v;
            if (!hex4(v)) return false;
            if (v >= 0xD800 && v <= 0xDBFF) {
              uint32_t lo;
              if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return fail("lone surrogate");
              p += 2;
              if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail("lone surrogate");
              v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            } else if (v >= 0xDC00 && v <= 0xDFFF) return fail("lone surrogate");
            appendUtf8(out, v);
            break;
          }
          default: return fail("bad escape");
        }
        continue;
      }
      uint32_t cp;
      size_t n = utf8Seq((const unsigned char*)p, size_t(end - p), cp);
      if (!n) return fail("invalid UTF-8");
      out.append(p, n);
      p += n;
    }
    return fail("unterminated string");
  }
  bool num(double& v) {
    const char* s = p;
    if (p < end && *p == '-') p++;
    if (p >= end || !(*p >= '0' && *p <= '9')) return fail("bad number");
    if (*p == '0') p++; else while (p < end && *p >= '0' && *p <= '9') p++;
    if (p < end && *p == '.') { p++; if (p >= end || !(*p >= '0' && *p <= '9')) return fail("bad number"); while (p < end && *p >= '0' && *p <= '9') p++; }
    if (p < end && (*p == 'e' || *p == 'E')) {
      p++;
      if (p < end && (*p == '+' || *p == '-')) p++;
      if (p >= end || !(*p >= '0' && *p <= '9')) return fail("bad number");
      while (p < end && *p >= '0' && *p <= '9') p++;
    }
    std::string t(s, p);
    v = std::strtod(t.c_str(), nullptr);
    return true;
  }
  bool value(JsonValue& v, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    if (++values > kMaxValues) return fail("too many values (more than 100000)");
    ws();
    if (p >= end) return fail("unexpected end of JSON");
    char c = *p;
    if (c == '{') {
      v.kind = JsonValue::Object;
      p++;
      ws();
      if (p < end && *p == '}') { p++; return true; }
      for (;;) {
        ws();
        if (p >= end || *p != '"') return fail("expected a string key");
        std::string k;
        if (!str(k)) return false;
        ws();
        if (p >= end || *p != ':') return fail("expected ':'");
        p++;
        JsonValue child;
        if (!value(child, depth + 1)) return false;
        v.o[k] = std::move(child);
        ws();
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '}') { p++; return true; }
        return fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = JsonValue::Array;
      p++;
      ws();
      if (p < end && *p == ']') { p++; return true; }
      for (;;) {
        JsonValue child;
        if (!value(child, depth + 1)) return false;
        v.a.push_back(std::move(child));
        ws();
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == ']') { p++; return true; }
        return fail("expected ',' or ']'");
      }
    }
    if (c == '"') { v.kind = JsonValue::String; return str(v.s); }
    if (lit("true")) { v.kind = JsonValue::Bool; v.b = true; return true; }
    if (lit("false")) { v.kind = JsonValue::Bool; v.b = false; return true; }
    if (lit("null")) { v.kind = JsonValue::Null; return true; }
    v.kind = JsonValue::Number;
    return num(v.n);
  }
};

}  // namespace

bool isValidUtf8(const char* data, size_t len) {
  const unsigned char* p = (const unsigned char*)data;
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = utf8Seq(p + i, len - i, cp);
    if (!n) return false;
    i += n;
  }
  return true;
}

bool parseJson(const char* data, size_t len, JsonValue& out, std::string& error) {
  Parser ps{data, data + len, {}, 0};
  if (!ps.value(out, 0)) { error = ps.err; return false; }
  ps.ws();
  if (ps.p != ps.end) { error = "trailing characters after JSON"; return false; }
  return true;
}

void jsonString(std::string& out, const std::string& s) {
  out += '"';
  const unsigned char* p = (const unsigned char*)s.data();
  size_t i = 0, len = s.size();
  while (i < len) {
    unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7F) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); out += b; }
          else out += char(c);
      }
      i++;
      continue;
    }
    uint32_t cp;
    size_t n = utf8Seq(p + i, len - i, cp);
    if (!n) { out += "\xEF\xBF\xBD"; i++; continue; }
    out.append((const char*)p + i, n);
    i += n;
  }
  out += '"';
}

void jsonNumber(std::string& out, double v) {
  if (!std::isfinite(v)) { out += '0'; return; }
  char b[40];
  if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) std::snprintf(b, sizeof b, "%.0f", v);
  else std::snprintf(b, sizeof b, "%.6g", v);
  // %.6g keeps messages small; session clock values (ms) need more than 6 digits after minutes.
  if (std::fabs(v) >= 1000 && v != std::floor(v)) std::snprintf(b, sizeof b, "%.3f", v);
  out += b;
}

}  // namespace uevrprof
