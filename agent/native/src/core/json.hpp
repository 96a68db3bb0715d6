// Minimal JSON for the session protocol: a writer that escapes correctly and a bounded reader for
// client requests. Written for this protocol only (objects of a few fields), not a general library.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace uevrprof {

// A parsed JSON value. Objects keep insertion order irrelevant: a std::map is enough for requests.
struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<JsonValue> a;
  std::map<std::string, JsonValue> o;

  const JsonValue* get(const std::string& key) const {
    if (kind != Object) return nullptr;
    auto it = o.find(key);
    return it == o.end() ? nullptr : &it->second;
  }
};

// Parses UTF-8 JSON text. Returns false and a one-line reason on invalid JSON, invalid UTF-8, nesting
// deeper than 64, more than 100,000 values (bounded memory) or trailing garbage. Never throws.
bool parseJson(const char* data, size_t len, JsonValue& out, std::string& error);

// Whether bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool isValidUtf8(const char* data, size_t len);

// Appends `s` as a JSON string literal (quotes included). Invalid UTF-8 bytes become U+FFFD so the
// output is always valid JSON, whatever a mod put in a chunk name.
void jsonString(std::string& out, const std::string& s);
// Appends a number: integers exactly, others with enough digits; NaN/Inf become 0 (JSON has none).
void jsonNumber(std::string& out, double v);

}  // namespace uevrprof
