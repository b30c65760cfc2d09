// fuzz/fuzz_cli_args.cpp - the scc-peer CLI's -c and --transient arguments (parse_ctor and
// parse_transient in tools/scc-peer/src/cli.hpp, base64 in base64.hpp), checked against what
// Fabric's CLI (Go's encoding/json) makes of the same text.
//
// Input: the first byte picks what the rest is:
//   - raw text for parse_ctor and parse_transient;
//   - a generated -c document: an object whose members have keys such as Args, args, ARGS,
//     "Arg\u017f" (Go folds U+017F to s), function, Function, or others, in any order and
//     repeated, with values of every JSON type (strings from the input, escaped as a JSON encoder
//     may escape them, or holding invalid UTF-8), or a top level that is null or not an object;
//   - a generated --transient document: keys with base64 values (valid, Go-valid with line
//     breaks, invalid), null, other types;
//   - arbitrary byte strings written as Fabric's CLI accepts them ({"Args":[...]} or
//     {"function":...,"Args":[...]}), and a transient map of arbitrary bytes, base64-encoded.
//
// Invariants (a violation aborts):
//   - both functions return or throw scc::peer::usage_error, nothing else, never crash;
//   - on a generated document they do what Go's decoder does (a reference model here of
//     Fabric's chaincodeInput.UnmarshalJSON and map[string][]byte): case-insensitive keys with
//     Unicode simple folding, the last occurrence of a key in document order wins, a type error
//     in any occurrence fails the whole argument, null leaves a string as it was and empties a
//     list, a function name goes first unless empty; base64 with padding, line breaks ignored.
//     Where scc refuses by design what Go would silently change (invalid UTF-8 or a lone
//     surrogate, which Go replaces with U+FFFD), scc must refuse;
//   - round trips: arbitrary byte strings (valid UTF-8) written as JSON come back exactly from
//     parse_ctor; arbitrary bytes base64-encoded in --transient come back exactly; base64_decode
//     of base64_encode gives the bytes back.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "base64.hpp"
#include "cli.hpp"
#include "fuzz_input.hpp"

namespace {

using scc::peer::usage_error;
using scc_fuzz::escaped;
using scc_fuzz::utf8_sequence;

// ---- UTF-8 ----

bool valid_utf8(std::string_view text) {
  uint32_t ignored = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = utf8_sequence(text, pos, ignored);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

// ---- Writing JSON text ----

enum class escaping { minimal, go_marshal, all_non_ascii, everything };

std::string hex4(uint32_t unit) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(digits[(unit >> shift) & 0xF]);
  return out;
}

// A JSON string literal for bytes. Valid UTF-8 is escaped as the mode says; invalid bytes are
// written raw (what Go would replace with U+FFFD).
std::string json_string(std::string_view bytes, escaping mode) {
  std::string out = "\"";
  for (std::size_t pos = 0; pos < bytes.size();) {
    uint32_t cp = 0;
    std::size_t length = utf8_sequence(bytes, pos, cp);
    if (length == 0) {
      out.push_back(bytes[pos++]);
      continue;
    }
    const std::string_view raw = bytes.substr(pos, length);
    pos += length;
    if (cp == '"' || cp == '\\') {
      out += mode == escaping::everything ? hex4(cp) : "\\" + std::string(raw);
    } else if (cp < 0x20) {
      static const std::map<uint32_t, std::string> short_forms = {
          {'\n', "\\n"}, {'\t', "\\t"}, {'\r', "\\r"}, {'\b', "\\b"}, {'\f', "\\f"}};
      const auto found = short_forms.find(cp);
      out += found != short_forms.end() && mode != escaping::everything ? found->second : hex4(cp);
    } else if (mode == escaping::everything && cp < 0x80) {
      out += hex4(cp);
    } else if (mode == escaping::go_marshal &&
               (cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029)) {
      out += hex4(cp);
    } else if ((mode == escaping::all_non_ascii || mode == escaping::everything) && cp >= 0x80) {
      if (cp >= 0x10000) {
        const uint32_t v = cp - 0x10000;
        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF));
      } else {
        out += hex4(cp);
      }
    } else {
      out.append(raw);
    }
  }
  return out + "\"";
}

// ---- What Go's decoder makes of a document (the reference model) ----

struct go_outcome {
  bool error = false;              // Go's Unmarshal returns an error
  bool refused_by_design = false;  // Go replaces bytes with U+FFFD; scc refuses instead
  bool unmodeled = false;          // Go's answer depends on slice-reuse details; not compared
};

// Go's case-insensitive key match (Unicode simple folding): U+017F folds to s, U+212A to k.
std::string go_fold(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key.substr(i, 2) == "\xC5\xBF") {
      out.push_back('s');
      ++i;
    } else if (key.substr(i, 3) == "\xE2\x84\xAA") {
      out.push_back('k');
      i += 2;
    } else {
      const char c = key[i];
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  return out;
}

// A generated string: its bytes, and how it is spelled in the document.
struct text_value {
  std::string bytes;
  std::string spelled;
  bool refused = false;  // invalid UTF-8 or a lone surrogate: Go would alter it
};

escaping pick_escaping(scc_fuzz::input& in) { return static_cast<escaping>(in.below(4)); }

text_value pick_text(scc_fuzz::input& in) {
  static const std::vector<std::string> common = {
      "", "put", "a", "b", "fn", "\xC3\xA9", "\xF0\x9F\x98\x80", "<&>", "\"\\", "\n\t"};
  text_value out;
  const uint8_t choice = in.byte();
  if (choice < 0xA0) {
    out.bytes = common[choice % common.size()];
  } else if (choice < 0xF8) {
    out.bytes = in.bytes(24);
  } else {
    // A lone surrogate escape: Go reads U+FFFD; nlohmann, and so scc, refuse it.
    out.bytes = "x";
    out.spelled = "\"x\\ud800\"";
    out.refused = true;
    return out;
  }
  out.refused = !valid_utf8(out.bytes);
  out.spelled = json_string(out.bytes, pick_escaping(in));
  return out;
}

text_value pick_key(scc_fuzz::input& in) {
  static const std::vector<std::string> keys = {
      "Args",     "args",     "ARGS",     "aRgS",       "Arg\xC5\xBF", "function",
      "Function", "FUNCTION", "fUnCtIoN", "Argsx",      "arg",         "functions",
      "",         "other",    "Ar gs",    "\xC3\xA1rgs"};
  text_value out;
  const uint8_t choice = in.byte();
  out.bytes = choice < 0xF0 ? keys[choice % keys.size()] : in.bytes(8);
  out.refused = !valid_utf8(out.bytes);
  out.spelled = json_string(out.bytes, pick_escaping(in));
  return out;
}

// A value that is not a string or a list of strings, with the refusal of any text inside.
std::string pick_other_value(scc_fuzz::input& in, go_outcome& go, int depth = 0) {
  switch (in.below(depth < 2 ? 7 : 4)) {
    case 0:
      return "1";
    case 1:
      return "-2.5e3";
    case 2:
      return in.flag() ? "true" : "false";
    case 3: {
      const text_value text = pick_text(in);
      go.refused_by_design = go.refused_by_design || text.refused;
      return text.spelled;
    }
    case 4:
      return "[" + pick_other_value(in, go, depth + 1) + "]";
    case 5: {
      const text_value key = pick_key(in);
      go.refused_by_design = go.refused_by_design || key.refused;
      return "{" + key.spelled + ":" + pick_other_value(in, go, depth + 1) + "}";
    }
    default: {
      // Deep nesting, within Go's limit of 10000 levels.
      const std::size_t levels = 100 + in.byte() * 38u;
      return std::string(levels, '[') + std::string(levels, ']');
    }
  }
}

// ---- -c ----

struct ctor_document {
  std::string text;
  go_outcome go;
  std::vector<std::string> args;  // Go's result when it succeeds
};

ctor_document generate_ctor(scc_fuzz::input& in) {
  ctor_document doc;
  const uint8_t top = in.below(12);
  if (top == 10) {
    doc.text = " null ";
    return doc;
  }
  if (top == 11) {
    doc.text = pick_other_value(in, doc.go);
    if (doc.text.front() != '{')
      doc.go.error = true;
    else
      doc.go.unmodeled = true;  // an object whose only key is generated elsewhere
    return doc;
  }
  std::optional<std::string> function;
  std::vector<std::string> args;
  std::size_t args_occurrences = 0;
  const std::size_t members = in.below(7);
  doc.text = "{";
  for (std::size_t m = 0; m < members; ++m) {
    const text_value key = pick_key(in);
    doc.go.refused_by_design = doc.go.refused_by_design || key.refused;
    const std::string field = go_fold(key.bytes);
    std::string value;
    const uint8_t kind = in.below(8);
    if (kind <= 3) {
      // A list: strings, and now and then a null or another type.
      std::vector<std::string> items;
      bool has_null = false;
      bool has_other = false;
      value = "[";
      const std::size_t count = in.below(5);
      for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) value += in.flag() ? "," : " ,\n";
        const uint8_t item = in.below(10);
        if (item < 7) {
          const text_value text = pick_text(in);
          doc.go.refused_by_design = doc.go.refused_by_design || text.refused;
          items.push_back(text.bytes);
          value += text.spelled;
        } else if (item < 9) {
          has_null = true;
          items.emplace_back();
          value += "null";
        } else {
          const std::string other = pick_other_value(in, doc.go);
          // A string from there is a string element whose bytes the model did not keep.
          if (other.front() == '"')
            doc.go.unmodeled = true;
          else
            has_other = true;
          value += other;
        }
      }
      value += "]";
      if (field == "args") {
        ++args_occurrences;
        if (has_other) doc.go.error = true;
        // Go decodes a later list into the earlier slice's elements; a null element keeps the
        // old element there. Not worth modelling.
        if (has_null && args_occurrences > 1) doc.go.unmodeled = true;
        args = items;
      } else if (field == "function") {
        doc.go.error = true;
      }
    } else if (kind <= 5) {
      const text_value text = pick_text(in);
      doc.go.refused_by_design = doc.go.refused_by_design || text.refused;
      value = text.spelled;
      if (field == "function") {
        function = text.bytes;
      } else if (field == "args") {
        doc.go.error = true;
      }
    } else if (kind == 6) {
      value = "null";
      if (field == "args") {
        ++args_occurrences;
        args.clear();
      }
    } else {
      value = pick_other_value(in, doc.go);
      // A string is right for function and a list may be right for Args, with contents the
      // model did not keep; anything else there is a type error.
      const bool may_fit = (field == "function" && value.front() == '"') ||
                           (field == "args" && value.front() == '[');
      if (may_fit)
        doc.go.unmodeled = true;
      else if (field == "args" || field == "function")
        doc.go.error = true;
    }
    if (m > 0) doc.text += in.flag() ? "," : ",\n ";
    doc.text += key.spelled + ":" + value;
  }
  doc.text += "}";
  if (function && !function->empty()) args.insert(args.begin(), *function);
  doc.args = std::move(args);
  return doc;
}

void check_ctor(const ctor_document& doc) {
  std::optional<std::vector<std::string>> ours;
  std::string error;
  try {
    ours = scc::peer::parse_ctor(doc.text);
  } catch (const usage_error& failure) {
    error = failure.what();
  }
  if (doc.go.unmodeled) return;
  const std::string where = "-c " + escaped(doc.text);
  if (doc.go.refused_by_design) {
    FUZZ_CHECK(!ours, where + ": accepted text Go would alter (invalid UTF-8, lone surrogate)");
    return;
  }
  if (doc.go.error) {
    FUZZ_CHECK(!ours, where + ": accepted, Fabric's CLI refuses it");
    return;
  }
  FUZZ_CHECK(ours.has_value(), where + ": refused (" + escaped(error) + "), Fabric's CLI takes it");
  FUZZ_CHECK(*ours == doc.args, where + ": arguments differ from Fabric's CLI's");
}

// ---- --transient ----

struct transient_document {
  std::string text;
  go_outcome go;
  std::map<std::string, std::string> values;
};

// Go's base64.StdEncoding.Decode: padding required, \r and \n ignored anywhere.
std::optional<std::string> go_base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') clean.push_back(c);
  }
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (clean.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t q = 0; q < clean.size(); q += 4) {
    const bool last = q + 4 == clean.size();
    int d[4];
    for (int i = 0; i < 4; ++i) d[i] = value(clean[q + i]);
    const bool pad2 = last && clean[q + 2] == '=' && clean[q + 3] == '=';
    const bool pad1 = last && !pad2 && clean[q + 3] == '=';
    if (d[0] < 0 || d[1] < 0) return std::nullopt;
    if (!pad2 && d[2] < 0) return std::nullopt;
    if (!pad2 && !pad1 && d[3] < 0) return std::nullopt;
    const uint32_t group = (static_cast<uint32_t>(d[0]) << 18) |
                           (static_cast<uint32_t>(d[1]) << 12) |
                           (pad2 ? 0 : static_cast<uint32_t>(d[2]) << 6) |
                           (pad2 || pad1 ? 0 : static_cast<uint32_t>(d[3]));
    out.push_back(static_cast<char>(group >> 16));
    if (!pad2) out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (!pad2 && !pad1) out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

transient_document generate_transient(scc_fuzz::input& in) {
  transient_document doc;
  const uint8_t top = in.below(12);
  if (top == 10) {
    doc.text = "null";
    return doc;
  }
  if (top == 11) {
    doc.text = pick_other_value(in, doc.go);
    if (doc.text.front() != '{')
      doc.go.error = true;
    else
      doc.go.unmodeled = true;
    return doc;
  }
  doc.text = "{";
  const std::size_t members = in.below(6);
  for (std::size_t m = 0; m < members; ++m) {
    static const std::vector<std::string> keys = {"k", "K", "key", "", "k"};
    text_value key;
    const uint8_t choice = in.byte();
    key.bytes = choice < 0xE0 ? keys[choice % keys.size()] : in.bytes(8);
    key.refused = !valid_utf8(key.bytes);
    key.spelled = json_string(key.bytes, pick_escaping(in));
    doc.go.refused_by_design = doc.go.refused_by_design || key.refused;
    std::string value;
    const uint8_t kind = in.below(8);
    if (kind <= 3) {
      // base64 of some bytes, perhaps broken by line breaks (Go skips them) or damage.
      std::string encoded = scc::peer::base64_encode(in.bytes(20));
      const uint8_t damage = in.byte();
      if (damage >= 0xC0 && !encoded.empty()) {
        encoded.insert(damage % (encoded.size() + 1), (damage & 1) ? "\n" : "\r\n");
      } else if (damage >= 0x90 && damage < 0xC0 && !encoded.empty()) {
        encoded[damage % encoded.size()] = "=*A-_ \x80"[damage % 7];
      } else if (damage >= 0x80 && damage < 0x90 && !encoded.empty()) {
        encoded.pop_back();
      }
      value = json_string(encoded, pick_escaping(in));
      doc.go.refused_by_design = doc.go.refused_by_design || !valid_utf8(encoded);
      const std::optional<std::string> bytes = go_base64_decode(encoded);
      if (!bytes)
        doc.go.error = true;
      else
        doc.values.insert_or_assign(key.bytes, *bytes);
    } else if (kind <= 5) {
      const text_value text = pick_text(in);
      value = text.spelled;
      doc.go.refused_by_design = doc.go.refused_by_design || text.refused;
      const std::optional<std::string> bytes = go_base64_decode(text.bytes);
      if (!bytes)
        doc.go.error = true;
      else
        doc.values.insert_or_assign(key.bytes, *bytes);
    } else if (kind == 6) {
      value = "null";
      doc.values.insert_or_assign(key.bytes, std::string());
    } else {
      value = pick_other_value(in, doc.go);
      if (value.front() == '"')
        doc.go.unmodeled = true;
      else
        doc.go.error = true;
    }
    if (m > 0) doc.text += ",";
    doc.text += key.spelled + ":" + value;
  }
  doc.text += "}";
  return doc;
}

void check_transient(const transient_document& doc) {
  std::optional<std::map<std::string, std::string>> ours;
  std::string error;
  try {
    ours = scc::peer::parse_transient(doc.text);
  } catch (const usage_error& failure) {
    error = failure.what();
  }
  if (doc.go.unmodeled) return;
  const std::string where = "--transient " + escaped(doc.text);
  if (doc.go.refused_by_design) {
    FUZZ_CHECK(!ours, where + ": accepted text Go would alter (invalid UTF-8, lone surrogate)");
    return;
  }
  if (doc.go.error) {
    FUZZ_CHECK(!ours, where + ": accepted, Fabric's CLI refuses it");
    return;
  }
  FUZZ_CHECK(ours.has_value(), where + ": refused (" + escaped(error) + "), Fabric's CLI takes it");
  FUZZ_CHECK(*ours == doc.values, where + ": values differ from Fabric's CLI's");
}

// ---- Round trips of arbitrary bytes ----

void check_round_trips(scc_fuzz::input& in) {
  std::vector<std::string> args(in.below(6));
  for (auto& arg : args) arg = in.bytes(32);
  bool all_valid = true;
  for (const auto& arg : args) all_valid = all_valid && valid_utf8(arg);
  for (const auto& arg : args) {
    const std::optional<std::string> back = scc::peer::base64_decode(scc::peer::base64_encode(arg));
    FUZZ_CHECK(back == arg, "base64 does not round-trip " + escaped(arg));
  }
  if (all_valid) {
    const escaping mode = pick_escaping(in);
    const bool with_function = !args.empty() && !args[0].empty() && in.flag();
    std::string text = with_function ? "{\"function\":" + json_string(args[0], mode) + ",\"Args\":["
                                     : "{\"Args\":[";
    for (std::size_t i = with_function ? 1 : 0; i < args.size(); ++i) {
      text += json_string(args[i], mode) + (i + 1 < args.size() ? "," : "");
    }
    text += "]}";
    std::vector<std::string> back;
    try {
      back = scc::peer::parse_ctor(text);
    } catch (const usage_error& failure) {
      FUZZ_CHECK(false, "-c " + escaped(text) + " refused: " + failure.what());
    }
    FUZZ_CHECK(back == args, "-c " + escaped(text) + " does not give its arguments back");
  }
  std::map<std::string, std::string> transient;
  std::string text = "{";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string key = "k" + std::to_string(i);
    transient[key] = args[i];
    text += (i > 0 ? "," : "") + json_string(key, escaping::minimal) + ":\"" +
            scc::peer::base64_encode(args[i]) + "\"";
  }
  text += "}";
  try {
    FUZZ_CHECK(scc::peer::parse_transient(text) == transient,
               "--transient " + escaped(text) + " does not give its values back");
  } catch (const usage_error& failure) {
    FUZZ_CHECK(false, "--transient " + escaped(text) + " refused: " + failure.what());
  }
}

// ---- Raw text ----

template <class Parse>
void check_raw(const char* what, const std::string& text, Parse parse) {
  try {
    (void)parse(text);
  } catch (const usage_error&) {
  } catch (const std::exception& failure) {
    FUZZ_CHECK(false, std::string(what) + " threw " + typeid(failure).name() + ": " +
                          escaped(failure.what()) + " for " + escaped(text));
  } catch (...) {
    FUZZ_CHECK(false, std::string(what) + " threw a non-std exception for " + escaped(text));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  scc_fuzz::input in(data, size);
  switch (in.below(4)) {
    case 0: {
      const std::string text = in.rest();
      check_raw("parse_ctor", text, scc::peer::parse_ctor);
      check_raw("parse_transient", text, scc::peer::parse_transient);
      (void)scc::peer::base64_decode(text);
      break;
    }
    case 1:
      check_ctor(generate_ctor(in));
      break;
    case 2:
      check_transient(generate_transient(in));
      break;
    default:
      check_round_trips(in);
      break;
  }
  return 0;
}
