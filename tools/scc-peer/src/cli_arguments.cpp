// The peer CLI's -c and --transient arguments, decoded as Fabric's CLI decodes them with Go's
// encoding/json: members in document order with repeated keys, case-folded field names, null,
// and base64 as Go's decoder accepts it. Kept apart from the commands in cli.cpp.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base64.hpp"
#include "cli.hpp"
#include <nlohmann/json.hpp>

namespace scc::peer {

namespace {

using json = nlohmann::json;

// A JSON value as an error message may show it: scalars as JSON, containers by kind (a deeply
// nested value must not recurse through dump()).
std::string describe(const json& value) {
  if (value.is_array()) return "a list";
  if (value.is_object()) return "an object";
  // Arguments are text: invalid UTF-8 is replaced rather than refused.
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 64) text = text.substr(0, 64) + "...";
  return text;
}

// A key as Go's encoding/json matches it to a field name: case-insensitively, with Unicode
// simple folding, under which U+017F (long s) is s and U+212A (Kelvin sign) is k.
std::string go_fold(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key.compare(i, 2, "\xC5\xBF") == 0) {
      out.push_back('s');
      i += 1;
    } else if (key.compare(i, 3, "\xE2\x84\xAA") == 0) {
      out.push_back('k');
      i += 2;
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(key[i]))));
    }
  }
  return out;
}

// Parses text and calls member(key, value) for every member of a top-level object in document
// order, repeated keys included, as Go's decoder visits them (nlohmann's object keeps one value
// per key and sorts the keys). Returns the type of the top-level value. Throws usage_error,
// with context before nlohmann's message for text that is not JSON.
template <class Member>
json::value_t for_each_member(const std::string& text, const std::string& context, Member member) {
  bool top_is_object = false;
  std::string key;
  json parsed;
  try {
    parsed = json::parse(text, [&](int depth, json::parse_event_t event, json& value) {
      if (depth == 0 && event == json::parse_event_t::object_start) top_is_object = true;
      if (depth != 1 || !top_is_object) return true;
      if (event == json::parse_event_t::key) {
        key = value.get<std::string>();
      } else if (event == json::parse_event_t::value || event == json::parse_event_t::object_end ||
                 event == json::parse_event_t::array_end) {
        member(key, value);
      }
      return true;
    });
  } catch (const json::exception& failure) {
    throw usage_error(context + failure.what());
  }
  return parsed.type();
}

}  // namespace

std::vector<std::string> parse_ctor(const std::string& text) {
  // Fabric's chaincodeInput.UnmarshalJSON decodes into struct { Function string; Args []string }
  // with Go's rules, which this follows member by member in document order: a key matches
  // case-insensitively, a later occurrence overwrites an earlier one, a type error in any
  // occurrence fails the whole argument, null leaves Function as it was and empties Args.
  std::optional<std::string> function;
  std::vector<std::string> args;
  const json::value_t top = for_each_member(
      text,
      "chaincode argument error: -c is not JSON: ", [&](const std::string& key, const json& value) {
        const std::string field = go_fold(key);
        if (field == "function") {
          if (value.is_null()) return;
          if (!value.is_string()) {
            throw usage_error("chaincode argument error: function must be a string, found " +
                              describe(value));
          }
          function = value.get<std::string>();
        } else if (field == "args") {
          args.clear();
          if (value.is_null()) return;
          if (!value.is_array()) {
            throw usage_error("chaincode argument error: Args must be a list of strings, found " +
                              describe(value));
          }
          for (const json& arg : value) {
            if (arg.is_null()) {
              args.emplace_back();
            } else if (!arg.is_string()) {
              throw usage_error(
                  "chaincode argument error: every Args element must be a string, found " +
                  describe(arg));
            } else {
              args.push_back(arg.get<std::string>());
            }
          }
        }
      });
  if (top != json::value_t::object && top != json::value_t::null) {
    throw usage_error(
        R"(chaincode argument error: -c must be an object such as {"Args":["fn","a"]})");
  }
  if (function && !function->empty()) args.insert(args.begin(), *function);
  return args;
}

std::map<std::string, std::string> parse_transient(const std::string& text) {
  // Fabric decodes --transient into map[string][]byte: each value a base64 string (Go's
  // decoder skips line breaks in it) or null (empty), the last of equal keys wins, and a bad
  // value anywhere fails the whole argument.
  std::map<std::string, std::string> out;
  const json::value_t top = for_each_member(
      text, "error parsing transient string: ", [&](const std::string& key, const json& value) {
        if (value.is_null()) {
          out.insert_or_assign(key, std::string());
          return;
        }
        if (!value.is_string()) {
          throw usage_error("error parsing transient string: the value of '" + key +
                            "' must be a base64 string, found " + describe(value));
        }
        std::optional<std::string> bytes = base64_decode(value.get<std::string>());
        if (!bytes) {
          throw usage_error("error parsing transient string: the value of '" + key +
                            "' is not valid base64");
        }
        out.insert_or_assign(key, std::move(*bytes));
      });
  if (top != json::value_t::object && top != json::value_t::null) {
    throw usage_error(R"(error parsing transient string: expected {"key":"<base64>"})");
  }
  return out;
}

}  // namespace scc::peer
