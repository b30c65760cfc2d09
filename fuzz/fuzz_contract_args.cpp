// fuzz/fuzz_contract_args.cpp - the contract layer's argument conversion (scc/contract.hpp,
// scc/contract/codec.hpp and object.hpp): how transaction arguments (strings) become C++
// parameters and how results become payloads.
//
// An in-process contract (SCC_DEFINE_CONTRACT, run through scc::testing::harness as a real
// plugin is) has one echoing transaction per parameter kind: every integer type, bool, float,
// double, std::string, std::vector of integers, strings and SCC_OBJECTs, std::optional (as a
// trailing parameter and inside an object), nlohmann::json, an SCC_OBJECT, and a transaction
// with two required and two optional parameters. Input: per call, a byte picking the
// transaction, a byte for the argument count, then each argument: a byte picking a table entry
// (edge cases of every kind: integer limits and one past them, -0, 007, +1, spaces, hex, 1.5,
// NaN, inf, 1e400, JSON arrays and objects with wrong members, deep nesting) or bytes from the
// input. Up to 8 calls per input.
//
// Invariants (a violation aborts), against an independent reference for each kind:
//   - never a crash, and every response is 200 or 500 (docs/contracts.md section 4);
//   - a wrong argument count answers the documented "<fn> takes N to M arguments (...) but
//     was given K";
//   - an argument that does not convert answers 500 "<fn>: argument <i> (<name>): <reason>",
//     never a message from an exception that escaped the codec;
//   - an integer converts exactly when it is decimal digits with an optional '-' within the
//     type's range (checked with arbitrary-length arithmetic), and its payload is the canonical
//     decimal form; bool exactly "true"/"false"; a string comes back byte for byte;
//   - a double or float that converts is finite and its payload reads back as the same value;
//     NaN, infinities, '+', spaces and hex are refused;
//   - a JSON argument that converts comes back as the same JSON (objects without their null
//     optional members); a vector of integers converts exactly when every element is an integer
//     in range.
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "fuzz_input.hpp"

#include <scc/contract.hpp>
#include <scc/testing.hpp>

namespace fuzz_contract {

struct point {
  int32_t x = 0;
  int32_t y = 0;
  std::optional<std::string> label;
  std::vector<uint8_t> tags;
};
SCC_OBJECT(point, x, y, label, tags);

class kinds {
 public:
  int8_t i8(scc::context&, int8_t v) { return v; }
  int16_t i16(scc::context&, int16_t v) { return v; }
  int32_t i32(scc::context&, int32_t v) { return v; }
  int64_t i64(scc::context&, int64_t v) { return v; }
  uint8_t u8(scc::context&, uint8_t v) { return v; }
  uint16_t u16(scc::context&, uint16_t v) { return v; }
  uint32_t u32(scc::context&, uint32_t v) { return v; }
  uint64_t u64(scc::context&, uint64_t v) { return v; }
  bool flag(scc::context&, bool v) { return v; }
  double real(scc::context&, double v) { return v; }
  float real32(scc::context&, float v) { return v; }
  std::string text(scc::context&, const std::string& v) { return v; }
  std::vector<int64_t> ints(scc::context&, std::vector<int64_t> v) { return v; }
  std::vector<std::string> texts(scc::context&, const std::vector<std::string>& v) { return v; }
  std::optional<uint16_t> maybe(scc::context&, std::optional<uint16_t> v) { return v; }
  point object(scc::context&, point v) { return v; }
  std::vector<point> objects(scc::context&, std::vector<point> v) { return v; }
  nlohmann::json any(scc::context&, nlohmann::json v) { return v; }
  // A string argument inside a JSON result: raw bytes that need not be UTF-8.
  std::vector<std::string> wrap(scc::context&, std::string v) { return {v}; }
  std::string mixed(scc::context&, int32_t a, bool b, std::optional<std::string> c,
                    std::optional<int64_t> d) {
    return std::to_string(a) + (b ? "T" : "F") + (c ? "c" + *c : "-") +
           (d ? "d" + std::to_string(*d) : "-");
  }
};

}  // namespace fuzz_contract

SCC_DEFINE_CONTRACT(fuzz_contract::kinds, "kinds", "1.0.0",
                    (i8, v)(i16, v)(i32, v)(i64, v)(u8, v)(u16, v)(u32, v)(u64, v)(flag, v)(
                        real, v)(real32, v)(text, v)(ints, v)(texts, v)(maybe, v)(object, v)(
                        objects, v)(any, v)(wrap, v)(mixed, a, b, c, d));

namespace {

using nlohmann::json;
using scc_fuzz::escaped;

// ---- Independent references ----

// Decimal text as the docs define an integer argument: an optional '-', then digits only.
// Returns the value's canonical text and whether it lies in [min, max], or nullopt.
struct decimal {
  bool negative = false;
  std::string digits;  // no leading zeros; "0" for zero
};

std::optional<decimal> read_decimal(std::string_view text) {
  decimal out;
  if (!text.empty() && text.front() == '-') {
    out.negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  out.digits = std::string(text);
  if (out.digits == "0") out.negative = false;
  return out;
}

// |a| <= |b| for digit strings without leading zeros.
bool magnitude_at_most(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a <= b;
}

template <class T>
bool in_range(const decimal& value) {
  if (value.negative) {
    if constexpr (std::is_unsigned_v<T>) {
      return false;
    } else {
      // |min| as digits: min = -(max + 1).
      std::string limit = std::to_string(std::numeric_limits<T>::min()).substr(1);
      return magnitude_at_most(value.digits, limit);
    }
  }
  return magnitude_at_most(value.digits, std::to_string(std::numeric_limits<T>::max()));
}

template <class T>
std::string type_name() {
  return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(sizeof(T) * 8);
}

// ---- The calls ----

const std::vector<std::string> transaction_names = {
    "i8",     "i16",  "i32",  "i64",   "u8",    "u16",    "u32",     "u64", "flag", "real",
    "real32", "text", "ints", "texts", "maybe", "object", "objects", "any", "wrap", "mixed"};

std::string pick_argument(scc_fuzz::input& in) {
  static const std::vector<std::string> table = {
      "0",
      "-0",
      "1",
      "-1",
      "007",
      "-007",
      "127",
      "128",
      "-128",
      "-129",
      "255",
      "256",
      "32767",
      "32768",
      "-32768",
      "-32769",
      "65535",
      "65536",
      "2147483647",
      "2147483648",
      "-2147483648",
      "-2147483649",
      "4294967295",
      "4294967296",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "18446744073709551615",
      "18446744073709551616",
      "99999999999999999999999999",
      "-",
      "",
      "+1",
      " 1",
      "1 ",
      "0x10",
      "1.5",
      "1e3",
      "1e308",
      "1e309",
      "-1e309",
      "1e400",
      "4e-320",
      "3.4028235e38",
      "3.5e38",
      "nan",
      "NaN",
      "inf",
      "-inf",
      "infinity",
      ".5",
      "5.",
      "-.5",
      "true",
      "false",
      "True",
      "null",
      "[]",
      "[1,2,3]",
      "[1,\"2\"]",
      "[1.0]",
      "[9223372036854775808]",
      "[-9223372036854775809]",
      "[1e400]",
      "[\"a\",\"\\u00e9\"]",
      "[\"a\",1]",
      "[null]",
      R"({"x":1,"y":2,"tags":[]})",
      R"({"x":1,"y":2,"tags":[1,255],"label":"l"})",
      R"({"x":1,"y":2,"tags":[],"label":null})",
      R"({"x":1,"y":2})",
      R"({"x":1,"y":2,"tags":[256]})",
      R"({"x":1,"y":2,"tags":[],"z":0})",
      R"({"x":2147483648,"y":0,"tags":[]})",
      R"({"x":"1","y":2,"tags":[]})",
      R"([{"x":1,"y":2,"tags":[]},{"x":-1,"y":-2,"tags":[0],"label":""}])",
      R"([{"x":1,"y":2,"tags":[]},7])",
      "{",
      "[",
      "\"s\"",
      "\xff",
      std::string("a\0b", 3)};
  const uint8_t choice = in.byte();
  if (choice < 0xC0) return table[choice % table.size()];
  if (choice < 0xF0) return in.bytes(255);
  // Deep nesting: mostly up to 2041 levels (the codec's limit is 512), now and then 100,000 to
  // 240,000, where copying or printing a nested value recursively overflows the stack.
  const uint8_t depth = in.byte();
  const std::size_t levels =
      depth >= 0xF8 ? 100000 + (depth - 0xF8) * 20000u : 1 + static_cast<std::size_t>(depth) * 8;
  switch (choice % 3) {
    case 0:
      return std::string(levels, '[') + std::string(levels, ']');
    case 1: {
      std::string text;
      text.reserve(levels * 6 + 1);
      for (std::size_t i = 0; i < levels; ++i) text += "{\"a\":";
      return text + "1" + std::string(levels, '}');
    }
    default:
      return R"({"x":1,"y":2,"tags":[],"label":)" + std::string(levels, '[') +
             std::string(levels, ']') + "}";
  }
}

// The harness, and the contract installed in it, live for the whole run.
scc::testing::harness& harness() {
  static scc::testing::harness* const instance = [] {
    auto* made = new scc::testing::harness();
    made->install(scc::describe_contract<fuzz_contract::kinds>());
    return made;
  }();
  return *instance;
}

// For failure reports, yet built for every call: so each argument shows its first 160 bytes
// and its size, not all of it. A deeply nested argument is up to 480 KB, and escaping it byte
// by byte, with coverage instrumentation on every comparison, took three quarters of the run
// (18 executions per second). libFuzzer keeps the whole input of a failure anyway.
std::string describe_call(const std::string& name, const std::vector<std::string>& args) {
  constexpr std::size_t shown = 160;
  std::string out = name + "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    out += i ? ", \"" : "\"";
    out += escaped(std::string_view(args[i]).substr(0, shown));
    out += args[i].size() <= shown ? "\"" : "\"... (" + std::to_string(args[i].size()) + " bytes)";
  }
  return out + ")";
}

// A conversion failure: "<fn>: argument <i> (<name>): <reason>".
void check_argument_error(const std::string& call, const scc::response& answer,
                          const std::string& name, std::size_t index, const std::string& parameter,
                          const std::string& argument) {
  FUZZ_CHECK(answer.status == 500, call + ": status " + std::to_string(answer.status) +
                                       " for a bad argument, the docs promise 500");
  const std::string prefix =
      name + ": argument " + std::to_string(index) + " (" + parameter + "): ";
  FUZZ_CHECK(answer.message.rfind(prefix, 0) == 0 && answer.message.size() > prefix.size(),
             call + ": a bad argument answered " + escaped(answer.message) +
                 ", which does not start with " + escaped(prefix));
  // The message quotes the argument (and nlohmann's reason may echo its bytes), so an argument
  // that itself holds the marker proves nothing either way.
  FUZZ_CHECK(argument.find("[json.exception") != std::string::npos ||
                 answer.message.find("[json.exception") == std::string::npos,
             call + ": nlohmann's exception text leaked: " + escaped(answer.message));
}

template <class T>
void check_integer(const std::string& call, const std::string& name, const std::string& arg,
                   const scc::response& answer) {
  const std::optional<decimal> value = read_decimal(arg);
  if (!value || !in_range<T>(*value)) {
    check_argument_error(call, answer, name, 1, "v", arg);
    const std::string& message = answer.message;
    if (value) {
      const std::string range = " is out of range for " + type_name<T>() + " (" +
                                std::to_string(std::numeric_limits<T>::min()) + " to " +
                                std::to_string(std::numeric_limits<T>::max()) + ")";
      FUZZ_CHECK(message.size() >= range.size() &&
                     message.compare(message.size() - range.size(), range.size(), range) == 0,
                 call + ": out of range answered " + escaped(message));
    } else {
      FUZZ_CHECK(message.find(" is not an integer") != std::string::npos,
                 call + ": not an integer answered " + escaped(message));
    }
    return;
  }
  FUZZ_CHECK(answer.status == 200, call + ": refused a valid integer: " + escaped(answer.message));
  const std::string canonical = (value->negative ? "-" : "") + value->digits;
  FUZZ_CHECK(answer.payload == canonical,
             call + ": payload " + escaped(answer.payload) + ", expected " + canonical);
}

template <class T>
void check_floating(const std::string& call, const std::string& name, const std::string& arg,
                    const scc::response& answer) {
  const bool refused_form = arg.empty() || arg.front() == '+' || arg.front() == ' ' ||
                            arg.find_first_of("xXnN") != std::string::npos;
  if (answer.status != 200) {
    check_argument_error(call, answer, name, 1, "v", arg);
    return;
  }
  FUZZ_CHECK(!refused_form, call + ": accepted " + escaped(arg));
  // The argument and the payload are the same number.
  errno = 0;
  char* end = nullptr;
  const std::string text = arg;
  const T from_argument = std::is_same_v<T, float>
                              ? std::strtof(text.c_str(), &end)
                              : static_cast<T>(std::strtod(text.c_str(), &end));
  FUZZ_CHECK(end == text.c_str() + text.size(), call + ": accepted text strtod does not take");
  FUZZ_CHECK(std::isfinite(from_argument), call + ": accepted a value that is not finite");
  const T from_payload = std::is_same_v<T, float>
                             ? std::strtof(answer.payload.c_str(), nullptr)
                             : static_cast<T>(std::strtod(answer.payload.c_str(), nullptr));
  FUZZ_CHECK(from_payload == from_argument || (from_payload == 0 && from_argument == 0),
             call + ": payload " + escaped(answer.payload) + " is not the argument's value");
}

// Parses text as JSON for the reference, or nullopt.
std::optional<json> reference_json(const std::string& text) {
  // Deep nesting is the codec's to refuse; the reference does not go there.
  std::size_t depth = 0, deepest = 0;
  for (char c : text) {
    if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  if (deepest > 100) return std::nullopt;
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

bool is_int64(const json& value) {
  return value.is_number_integer() &&
         !(value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX));
}

void check_call(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> full = {name};
  full.insert(full.end(), args.begin(), args.end());
  const scc::response answer = harness().query("kinds", full).response;
  const std::string call = describe_call(name, args);
  FUZZ_CHECK(answer.status == 200 || answer.status == 500,
             call + ": status " + std::to_string(answer.status));

  const std::size_t required = name == "mixed" ? 2 : name == "maybe" ? 0 : 1;
  const std::size_t arity = name == "mixed" ? 4 : 1;
  if (args.size() < required || args.size() > arity) {
    const std::string expected =
        name == "mixed" ? "mixed takes 2 to 4 arguments (a, b, [c], [d]) but was given " +
                              std::to_string(args.size())
        : name == "maybe"
            ? "maybe takes 0 to 1 arguments ([v]) but was given " + std::to_string(args.size())
            : name + " takes 1 argument (v) but was given " + std::to_string(args.size());
    FUZZ_CHECK(answer.status == 500 && answer.message == expected,
               call + ": argument count answered " + escaped(answer.message));
    return;
  }
  const std::string arg = args.empty() ? std::string() : args[0];

  if (name == "i8") return check_integer<int8_t>(call, name, arg, answer);
  if (name == "i16") return check_integer<int16_t>(call, name, arg, answer);
  if (name == "i32") return check_integer<int32_t>(call, name, arg, answer);
  if (name == "i64") return check_integer<int64_t>(call, name, arg, answer);
  if (name == "u8") return check_integer<uint8_t>(call, name, arg, answer);
  if (name == "u16") return check_integer<uint16_t>(call, name, arg, answer);
  if (name == "u32") return check_integer<uint32_t>(call, name, arg, answer);
  if (name == "u64") return check_integer<uint64_t>(call, name, arg, answer);
  if (name == "maybe") {
    if (args.empty()) {
      FUZZ_CHECK(answer.status == 200 && answer.payload.empty(),
                 call + ": a left-out optional did not answer an empty payload");
      return;
    }
    return check_integer<uint16_t>(call, name, arg, answer);
  }
  if (name == "real") return check_floating<double>(call, name, arg, answer);
  if (name == "real32") return check_floating<float>(call, name, arg, answer);
  if (name == "flag") {
    if (arg == "true" || arg == "false") {
      FUZZ_CHECK(answer.status == 200 && answer.payload == arg, call + ": bool not echoed");
    } else {
      check_argument_error(call, answer, name, 1, "v", arg);
    }
    return;
  }
  if (name == "text") {
    FUZZ_CHECK(answer.status == 200 && answer.payload == arg, call + ": string not echoed");
    return;
  }
  if (name == "wrap") {
    // The string is any bytes; JSON text can only hold UTF-8, so the result either is the
    // JSON array of the string or a 500 that says why, never nlohmann's raw message.
    if (answer.status == 200) {
      FUZZ_CHECK(answer.payload == json::array({arg}).dump(), call + ": payload differs");
    } else {
      FUZZ_CHECK(answer.message.rfind("wrap: ", 0) == 0 &&
                     answer.message.find("[json.exception") == std::string::npos,
                 call + ": a result that is not JSON answered " + escaped(answer.message));
    }
    return;
  }
  if (name == "mixed") {
    const std::optional<decimal> a = read_decimal(args[0]);
    const bool a_ok = a && in_range<int32_t>(*a);
    const bool b_ok = args[1] == "true" || args[1] == "false";
    std::optional<decimal> d;
    if (args.size() == 4) d = read_decimal(args[3]);
    const bool d_ok = args.size() < 4 || (d && in_range<int64_t>(*d));
    if (!a_ok) return check_argument_error(call, answer, name, 1, "a", args[0]);
    if (!b_ok) return check_argument_error(call, answer, name, 2, "b", args[1]);
    if (!d_ok) return check_argument_error(call, answer, name, 4, "d", args[3]);
    const std::string expected =
        (a->negative ? "-" : "") + a->digits + (args[1] == "true" ? "T" : "F") +
        (args.size() >= 3 ? "c" + args[2] : "-") +
        (args.size() == 4 ? "d" + std::string(d->negative ? "-" : "") + d->digits : "-");
    FUZZ_CHECK(answer.status == 200 && answer.payload == expected,
               call + ": answered " + escaped(answer.payload) + escaped(answer.message) +
                   ", expected " + escaped(expected));
    return;
  }

  // JSON kinds: ints, texts, object, objects, any.
  const std::optional<json> parsed = reference_json(arg);
  if (answer.status != 200) {
    check_argument_error(call, answer, name, 1, "v", arg);
    if (!parsed) return;
    // The reference decides for the kinds simple enough to decide independently.
    if (name == "any") FUZZ_CHECK(false, call + ": refused valid JSON");
    if (name == "ints" && parsed->is_array()) {
      bool all = true;
      for (const json& item : *parsed) all = all && is_int64(item);
      FUZZ_CHECK(!all, call + ": refused an array of int64 values");
    }
    if (name == "texts" && parsed->is_array()) {
      bool all = true;
      for (const json& item : *parsed) all = all && item.is_string();
      FUZZ_CHECK(!all, call + ": refused an array of strings");
    }
    return;
  }
  FUZZ_CHECK(parsed.has_value() || name == "any" || name == "object" || name == "objects",
             call + ": accepted text that is not JSON");
  if (!parsed) return;  // deeper than the reference goes
  json expected = *parsed;
  const auto drop_null_label = [](json& object) {
    if (object.is_object() && object.contains("label") && object["label"].is_null()) {
      object.erase("label");
    }
  };
  if (name == "object") drop_null_label(expected);
  if (name == "objects" && expected.is_array()) {
    for (json& item : expected) drop_null_label(item);
  }
  if (name == "ints") {
    FUZZ_CHECK(expected.is_array(), call + ": accepted a non-array");
    for (const json& item : expected)
      FUZZ_CHECK(is_int64(item), call + ": accepted " + item.dump());
  }
  std::optional<json> payload;
  try {
    payload = json::parse(answer.payload);
  } catch (const json::exception&) {
    FUZZ_CHECK(false, call + ": payload is not JSON: " + escaped(answer.payload));
  }
  FUZZ_CHECK(*payload == expected, call + ": payload " + escaped(answer.payload) +
                                       " is not the argument " + escaped(expected.dump()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  scc_fuzz::input in(data, size);
  for (int call = 0; call < 8 && !in.empty(); ++call) {
    const std::string& name = transaction_names[in.below(transaction_names.size())];
    const uint8_t count_byte = in.byte();
    // Mostly the right count; now and then one too many or too few.
    const std::size_t expected = name == "mixed" ? 2 + count_byte % 3 : name == "maybe" ? 1 : 1;
    std::size_t count = expected;
    if (count_byte >= 0xF0) count = count_byte % 6;
    std::vector<std::string> args;
    for (std::size_t i = 0; i < count; ++i) args.push_back(pick_argument(in));
    check_call(name, args);
  }
  return 0;
}
