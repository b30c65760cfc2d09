// scc/contract/codec.hpp - how each parameter and return type crosses the wire.
//
// codec<T> converts a T from a transaction argument (from_argument), to a response payload
// (to_payload), to and from a JSON value nested inside another value (to_json / from_json), and
// describes it in the contract metadata (schema). Strings travel raw; every other type travels
// as JSON text. Integers are range-checked: "abc", "1.5" and a value the type cannot hold are
// argument errors, never a silent wrap or truncation.
//
// Supported: std::string, bool, the integer types (not the character types), float and double,
// std::vector<T>, std::optional<T>, nlohmann::json, and any type with nlohmann to_json/from_json
// (SCC_OBJECT in scc/contract/object.hpp writes those and also gives the metadata a schema).
#ifndef SCC_CONTRACT_CODEC_HPP
#define SCC_CONTRACT_CODEC_HPP

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scc/composite_key.hpp"
#include "scc/contract/errors.hpp"
#include "scc/contract/schema_registry.hpp"

namespace scc {
inline namespace contract {

// The primary template serves user types with to_json/from_json; the specialisations below
// serve everything else.
template <class T, class Enable = void>
struct codec;

}  // namespace contract

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
inline constexpr bool is_character_v = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
                                       std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;

template <class T>
inline constexpr bool is_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !is_character_v<T>;

template <class T, class = void>
struct has_json_conversions : std::false_type {};
template <class T>
struct has_json_conversions<
    T, std::void_t<decltype(nlohmann::json(std::declval<const T&>())),
                   decltype(std::declval<const nlohmann::json&>().template get<T>())>>
    : std::true_type {};

// Types described with SCC_OBJECT, found through argument-dependent lookup.
template <class T, class = void>
struct is_scc_object : std::false_type {};
template <class T>
struct is_scc_object<T, std::void_t<decltype(scc_object_name(static_cast<const T*>(nullptr)))>>
    : std::true_type {};

// Defined in scc/contract/object.hpp, which declares SCC_OBJECT: any type for which
// is_scc_object holds was described in a translation unit that includes it. Not included from
// here, so that object.hpp and this header do not include each other.
template <class T>
nlohmann::json object_schema(schema_registry& registry);

template <class T>
inline constexpr bool dependent_false_v = false;

// Argument text as it may appear in a message: quoted, control bytes escaped, long text cut.
inline std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 64;
  std::string out = "\"" + printable(text.substr(0, shown)) + "\"";
  if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

// A JSON value as it may appear in a message.
inline std::string describe(const nlohmann::json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 64) text = text.substr(0, 64) + "...";
  return text;
}

// nlohmann's what() without its "[json.exception.type_error.302] " prefix.
inline std::string json_reason(const nlohmann::json::exception& failure) {
  std::string_view text = failure.what();
  if (!text.empty() && text.front() == '[') {
    const std::size_t end = text.find("] ");
    if (end != std::string_view::npos) text.remove_prefix(end + 2);
  }
  return std::string(text);
}

[[noreturn]] inline void expected(std::string_view what, const nlohmann::json& got) {
  throw argument_error("expected " + std::string(what) + ", got " + describe(got));
}

// Runs parse(); an argument_error it throws is prefixed with where in the value it happened, so
// that nested failures read "element [2]: field \"value\": expected an integer, got \"x\"".
template <class Parse>
auto located(const std::string& where, Parse parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const argument_error& failure) {
    throw argument_error(where + ": " + failure.what());
  }
}

// How deep JSON arguments may nest. nlohmann parses iteratively, but copying and dumping a value
// recurse once per level, so an argument of a few hundred kilobytes of '[' would overflow the
// stack of the thread running the transaction (and take the peer down with it).
inline constexpr int max_json_argument_depth = 512;

inline nlohmann::json parse_json_argument(std::string_view text) {
  try {
    return nlohmann::json::parse(
        text, [text](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
          if ((event == nlohmann::json::parse_event_t::object_start ||
               event == nlohmann::json::parse_event_t::array_start) &&
              depth >= max_json_argument_depth) {
            throw argument_error(quoted(text) + " nests arrays and objects more than " +
                                 std::to_string(max_json_argument_depth) + " levels deep");
          }
          return true;
        });
  } catch (const nlohmann::json::exception& failure) {
    // parse_error, and out_of_range for a number beyond double's range (1e400).
    throw argument_error(quoted(text) + " is not valid JSON: " + json_reason(failure));
  }
}

// JSON text of a result. JSON strings are UTF-8: a std::string holding other bytes cannot be
// sent inside a JSON result (a std::string result itself travels raw).
inline std::string json_payload(const nlohmann::json& value) {
  try {
    return value.dump();
  } catch (const nlohmann::json::type_error& failure) {
    throw std::domain_error("the result cannot be written as JSON: " + json_reason(failure) +
                            "; strings inside JSON must be UTF-8 (return std::string or "
                            "scc::response for raw bytes)");
  }
}

template <class T>
std::string integer_type_name() {
  return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(sizeof(T) * 8);
}

}  // namespace detail

inline namespace contract {

// ---- std::string: raw bytes as an argument and as a payload ----
template <>
struct codec<std::string> {
  static std::string from_argument(std::string_view text) { return std::string(text); }
  static std::string from_json(const nlohmann::json& value) {
    if (!value.is_string()) detail::expected("a string", value);
    return value.get<std::string>();
  }
  static nlohmann::json to_json(const std::string& value) { return value; }
  static std::string to_payload(const std::string& value) { return value; }
  static nlohmann::json schema(schema_registry&) { return {{"type", "string"}}; }
};

// ---- bool: exactly "true" or "false" ----
template <>
struct codec<bool> {
  static bool from_argument(std::string_view text) {
    if (text == "true") return true;
    if (text == "false") return false;
    throw argument_error("expected true or false, got " + detail::quoted(text));
  }
  static bool from_json(const nlohmann::json& value) {
    if (!value.is_boolean()) detail::expected("true or false", value);
    return value.get<bool>();
  }
  static nlohmann::json to_json(bool value) { return value; }
  static std::string to_payload(bool value) { return value ? "true" : "false"; }
  static nlohmann::json schema(schema_registry&) { return {{"type", "boolean"}}; }
};

// ---- Integers: decimal text, range-checked ----
template <class T>
struct codec<T, std::enable_if_t<detail::is_integer_v<T>>> {
  static T from_argument(std::string_view text) {
    const char* const first = text.data();
    const char* const last = first + text.size();
    T value{};
    auto [end, failure] = std::from_chars(first, last, value);
    if constexpr (std::is_unsigned_v<T>) {
      // from_chars refuses a minus sign for unsigned types; "-5" is a number out of range.
      if (failure == std::errc::invalid_argument && text.size() > 1 && text.front() == '-') {
        unsigned long long magnitude = 0;
        const auto negated = std::from_chars(first + 1, last, magnitude);
        if (negated.ec != std::errc::invalid_argument && negated.ptr == last) {
          if (negated.ec == std::errc() && magnitude == 0) return T{0};
          out_of_range(text);
        }
      }
    }
    if (failure == std::errc::result_out_of_range && end == last) out_of_range(text);
    if (failure != std::errc() || end != last) {
      throw argument_error(detail::quoted(text) + " is not an integer");
    }
    return value;
  }

  static T from_json(const nlohmann::json& value) {
    if (!value.is_number_integer()) detail::expected("an integer", value);
    if (value.is_number_unsigned() || value.get<int64_t>() >= 0) {
      const uint64_t magnitude = value.is_number_unsigned()
                                     ? value.get<uint64_t>()
                                     : static_cast<uint64_t>(value.get<int64_t>());
      if (magnitude > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        out_of_range(std::to_string(magnitude));
      }
      return static_cast<T>(magnitude);
    }
    const int64_t negative = value.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      out_of_range(std::to_string(negative));
    } else {
      if (negative < static_cast<int64_t>(std::numeric_limits<T>::min())) {
        out_of_range(std::to_string(negative));
      }
      return static_cast<T>(negative);
    }
  }

  static nlohmann::json to_json(T value) { return value; }
  static std::string to_payload(T value) { return std::to_string(value); }
  static nlohmann::json schema(schema_registry&) {
    return {{"type", "integer"},
            {"format", detail::integer_type_name<T>()},
            {"minimum", std::numeric_limits<T>::min()},
            {"maximum", std::numeric_limits<T>::max()}};
  }

 private:
  [[noreturn]] static void out_of_range(std::string_view number) {
    throw argument_error(std::string(number) + " is out of range for " +
                         detail::integer_type_name<T>() + " (" +
                         std::to_string(std::numeric_limits<T>::min()) + " to " +
                         std::to_string(std::numeric_limits<T>::max()) + ")");
  }
};

// ---- float and double: decimal text, finite only (JSON has no NaN or infinity) ----
template <class T>
struct codec<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static T from_argument(std::string_view text) {
    const char* const first = text.data();
    const char* const last = first + text.size();
    T value{};
    auto [end, failure] = std::from_chars(first, last, value, std::chars_format::general);
    if (failure == std::errc::result_out_of_range && end == last) {
      throw argument_error(detail::quoted(text) + " is out of range for " + type_name());
    }
    if (failure != std::errc() || end != last) {
      throw argument_error(detail::quoted(text) + " is not a number");
    }
    if (!std::isfinite(value)) {
      throw argument_error(detail::quoted(text) + " is not a finite number");
    }
    return value;
  }

  static T from_json(const nlohmann::json& value) {
    if (!value.is_number()) detail::expected("a number", value);
    const double number = value.get<double>();
    if (std::fabs(number) > static_cast<double>(std::numeric_limits<T>::max())) {
      throw argument_error(describe_number(number) + " is out of range for " + type_name());
    }
    return static_cast<T>(number);
  }

  static nlohmann::json to_json(T value) {
    if (!std::isfinite(value)) {
      throw std::domain_error("cannot return " + describe_number(value) +
                              ": JSON has no NaN or infinity");
    }
    return value;
  }
  static std::string to_payload(T value) { return detail::json_payload(to_json(value)); }
  static nlohmann::json schema(schema_registry&) {
    return {{"type", "number"}, {"format", type_name()}};
  }

 private:
  static std::string type_name() { return std::is_same_v<T, float> ? "float" : "double"; }
  static std::string describe_number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "infinity" : "-infinity";
    return nlohmann::json(value).dump();
  }
};

// ---- nlohmann::json: any JSON value ----
template <>
struct codec<nlohmann::json> {
  static nlohmann::json from_argument(std::string_view text) {
    return detail::parse_json_argument(text);
  }
  static nlohmann::json from_json(const nlohmann::json& value) { return value; }
  static nlohmann::json to_json(const nlohmann::json& value) { return value; }
  static std::string to_payload(const nlohmann::json& value) { return detail::json_payload(value); }
  // The empty schema: any value.
  static nlohmann::json schema(schema_registry&) { return nlohmann::json::object(); }
};

// ---- std::vector<T>: a JSON array ----
template <class T, class Allocator>
struct codec<std::vector<T, Allocator>> {
  using value_type = std::vector<T, Allocator>;

  static value_type from_argument(std::string_view text) {
    return from_json(detail::parse_json_argument(text));
  }
  static value_type from_json(const nlohmann::json& value) {
    if (!value.is_array()) detail::expected("an array", value);
    value_type items;
    items.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      items.push_back(detail::located("element [" + std::to_string(i) + "]",
                                      [&] { return codec<T>::from_json(value[i]); }));
    }
    return items;
  }
  static nlohmann::json to_json(const value_type& items) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& item : items) array.push_back(codec<T>::to_json(item));
    return array;
  }
  static std::string to_payload(const value_type& items) {
    return detail::json_payload(to_json(items));
  }
  static nlohmann::json schema(schema_registry& registry) {
    return {{"type", "array"}, {"items", codec<T>::schema(registry)}};
  }
};

// ---- std::optional<T>: a parameter that may be left out, a value that may be null ----
template <class T>
struct codec<std::optional<T>> {
  // A given argument is always a T; leaving a trailing optional parameter out gives nullopt.
  static std::optional<T> from_argument(std::string_view text) {
    return codec<T>::from_argument(text);
  }
  static std::optional<T> from_json(const nlohmann::json& value) {
    if (value.is_null()) return std::nullopt;
    return codec<T>::from_json(value);
  }
  static nlohmann::json to_json(const std::optional<T>& value) {
    return value ? codec<T>::to_json(*value) : nlohmann::json();
  }
  // nullopt returns an empty payload.
  static std::string to_payload(const std::optional<T>& value) {
    return value ? codec<T>::to_payload(*value) : std::string();
  }
  static nlohmann::json schema(schema_registry& registry) { return codec<T>::schema(registry); }
};

// ---- User types with to_json/from_json: JSON ----
template <class T, class Enable>
struct codec {
  static_assert(detail::has_json_conversions<T>::value,
                "scc contracts: unsupported parameter or return type. Use std::string, bool, an "
                "integer type, float, double, std::vector<T>, std::optional<T>, nlohmann::json, "
                "or a type with nlohmann to_json/from_json (SCC_OBJECT writes both). Character "
                "types and std::string_view are not supported.");

  static T from_argument(std::string_view text) {
    return from_json(detail::parse_json_argument(text));
  }
  static T from_json(const nlohmann::json& value) {
    try {
      return value.template get<T>();
    } catch (const nlohmann::json::exception& failure) {
      throw argument_error(detail::json_reason(failure));
    }
  }
  static nlohmann::json to_json(const T& value) { return nlohmann::json(value); }
  static std::string to_payload(const T& value) { return detail::json_payload(to_json(value)); }
  static nlohmann::json schema(schema_registry& registry) {
    if constexpr (detail::is_scc_object<T>::value) {
      return detail::object_schema<T>(registry);
    } else {
      return {{"type", "object"}};
    }
  }
};

}  // namespace contract
}  // namespace scc

#endif  // SCC_CONTRACT_CODEC_HPP
