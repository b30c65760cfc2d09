// scc/contract/detail/fabric_ca_attributes.hpp - the JSON Fabric CA writes into a certificate's
// extension 1.2.3.4.5.6.7.8.1, {"attrs":{"name":"value",...}}, read as Fabric's attrmgr reads it.
//
// Not OpenSSL's job (it has no JSON), and not nlohmann/json's either: the rules below are Go's
// json.Unmarshal into Fabric's struct (a case-insensitive key, null as an empty value, a
// repeated key replacing the earlier one), which a general JSON library does not follow.
#ifndef SCC_CONTRACT_DETAIL_FABRIC_CA_ATTRIBUTES_HPP
#define SCC_CONTRACT_DETAIL_FABRIC_CA_ATTRIBUTES_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "scc/contract/detail/go_pkix_name.hpp"

namespace scc::detail::x509 {

// Reads the extension's JSON as Fabric's attrmgr does (Go's json.Unmarshal into
// struct{Attrs map[string]string `json:"attrs"`}): other members are skipped, the "attrs" key
// matches case-insensitively, null leaves a value empty, and a value that is not a string, or
// JSON that is not valid, is an error.
class attributes_json {
 public:
  explicit attributes_json(std::string_view text) : text_(text) {}

  std::map<std::string, std::string> read() {
    std::map<std::string, std::string> out;
    space();
    if (literal("null")) {
      finish();
      return out;
    }
    if (peek() != '{') fail("the attributes are not a JSON object");
    ++position_;
    space();
    if (peek() == '}') {
      ++position_;
      finish();
      return out;
    }
    for (;;) {
      space();
      const std::string key = string();
      space();
      expect(':');
      space();
      if (lower(key) == "attrs") {
        read_attrs(out);
      } else {
        skip_value(0);
      }
      space();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect('}');
      break;
    }
    finish();
    return out;
  }

 private:
  void read_attrs(std::map<std::string, std::string>& out) {
    if (literal("null")) {
      out.clear();  // Go sets the map to nil
      return;
    }
    if (peek() != '{') fail("\"attrs\" is not a JSON object of strings");
    ++position_;
    space();
    if (peek() == '}') {
      ++position_;
      return;
    }
    for (;;) {
      space();
      std::string key = string();
      space();
      expect(':');
      space();
      if (literal("null")) {
        out[key] = std::string();
      } else if (peek() == '"') {
        out[key] = string();
      } else {
        fail("the value of attribute '" + key + "' is not a string");
      }
      space();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect('}');
      return;
    }
  }

  void skip_value(int depth) {
    if (depth > 512) fail("the JSON nests too deeply");
    const char c = peek();
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++position_;
      space();
      if (peek() == close) {
        ++position_;
        return;
      }
      for (;;) {
        space();
        if (c == '{') {
          string();
          space();
          expect(':');
          space();
        }
        skip_value(depth + 1);
        space();
        if (peek() == ',') {
          ++position_;
          continue;
        }
        expect(close);
        return;
      }
    } else if (literal("true") || literal("false") || literal("null")) {
      return;
    } else {
      number();
    }
  }

  void number() {
    const std::size_t start = position_;
    if (peek() == '-') ++position_;
    if (peek() == '0') {
      ++position_;
    } else if (digits() == 0) {
      fail("invalid JSON value");
    }
    if (peek() == '.') {
      ++position_;
      if (digits() == 0) fail("invalid JSON number");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++position_;
      if (peek() == '+' || peek() == '-') ++position_;
      if (digits() == 0) fail("invalid JSON number");
    }
    if (position_ == start) fail("invalid JSON value");
  }

  std::size_t digits() {
    std::size_t count = 0;
    while (peek() >= '0' && peek() <= '9') {
      ++position_;
      ++count;
    }
    return count;
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (position_ >= text_.size()) fail("a JSON string is not closed");
      const char c = text_[position_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("a JSON string holds a control character");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (position_ >= text_.size()) fail("a JSON string is not closed");
      const char e = text_[position_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t rune = hex4();
          if (rune >= 0xD800 && rune < 0xDC00 && text_.substr(position_, 2) == "\\u") {
            const std::size_t back = position_;
            position_ += 2;
            const uint32_t low = hex4();
            if (low >= 0xDC00 && low < 0xE000) {
              rune = 0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00);
            } else {
              position_ = back;
            }
          }
          if (rune >= 0xD800 && rune < 0xE000) rune = 0xFFFD;  // a lone surrogate, as Go
          append_utf8(out, rune);
          break;
        }
        default:
          fail("a JSON string has an invalid escape");
      }
    }
  }

  uint32_t hex4() {
    if (text_.size() - position_ < 4) fail("a JSON \\u escape is cut short");
    uint32_t value = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[position_++];
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        fail("a JSON \\u escape is not hex");
      }
      value = (value << 4) | digit;
    }
    return value;
  }

  static std::string lower(std::string text) {
    for (char& c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
  }

  bool literal(std::string_view word) {
    if (text_.substr(position_, word.size()) != word) return false;
    position_ += word.size();
    return true;
  }

  char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "' in the JSON");
    ++position_;
  }

  void space() {
    while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r') ++position_;
  }

  void finish() {
    space();
    if (position_ != text_.size()) fail("the JSON has bytes after its value");
  }

  [[noreturn]] void fail(const std::string& reason) const {
    throw x509_error(reason + " (at byte " + std::to_string(position_) + ")");
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace scc::detail::x509

#endif  // SCC_CONTRACT_DETAIL_FABRIC_CA_ATTRIBUTES_HPP
