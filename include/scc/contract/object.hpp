// scc/contract/object.hpp - SCC_OBJECT: a struct as a JSON object with a schema in the metadata.
//
//   namespace registry {
//   struct asset {
//     std::string id;
//     uint64_t value = 0;
//     std::optional<std::string> note;
//   };
//   SCC_OBJECT(asset, id, value, note);   // in the struct's namespace, after the struct
//   }
//
// gives asset nlohmann to_json/from_json (so it works as a parameter, a return value and inside
// std::vector / std::optional) and a components.schemas entry "asset" in the metadata. The
// conversions are strict, unlike a hand-written from_json: members convert through scc::codec
// (range-checked integers), a missing member that is not std::optional and an unknown member are
// errors naming the member, and an optional member that is nullopt is left out of the JSON.
#ifndef SCC_CONTRACT_OBJECT_HPP
#define SCC_CONTRACT_OBJECT_HPP

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "scc/contract/codec.hpp"
#include "scc/contract/errors.hpp"
#include "scc/contract/preprocessor.hpp"
#include "scc/contract/schema_registry.hpp"

namespace scc::detail {

template <class T, class Member>
using member_type_t = std::decay_t<decltype(std::declval<const T&>().*std::declval<Member>())>;

template <class T>
void object_to_json(nlohmann::json& out, const T& object) {
  out = nlohmann::json::object();
  auto visit = [&](const char* name, auto member) {
    using field = member_type_t<T, decltype(member)>;
    if constexpr (is_optional<field>::value) {
      if (!(object.*member)) return;
    }
    out[name] = codec<field>::to_json(object.*member);
  };
  scc_object_fields(visit, static_cast<const T*>(nullptr));
}

template <class T>
void object_from_json(const nlohmann::json& in, T& object) {
  const char* const type_name = scc_object_name(static_cast<const T*>(nullptr));
  if (!in.is_object()) expected(std::string("a JSON object for ") + type_name, in);
  std::size_t members_found = 0;
  std::string member_list;
  auto visit = [&](const char* name, auto member) {
    using field = member_type_t<T, decltype(member)>;
    member_list += (member_list.empty() ? "" : ", ") + std::string(name);
    const auto found = in.find(name);
    if (found == in.end()) {
      if constexpr (is_optional<field>::value) {
        object.*member = std::nullopt;
        return;
      } else {
        throw argument_error(std::string("missing field \"") + name + "\" of " + type_name);
      }
    }
    ++members_found;
    object.*member = located(std::string("field \"") + name + "\"",
                             [&] { return codec<field>::from_json(*found); });
  };
  scc_object_fields(visit, static_cast<const T*>(nullptr));
  if (members_found == in.size()) return;
  for (const auto& item : in.items()) {
    bool known = false;
    auto match = [&](const char* name, auto) { known = known || item.key() == name; };
    scc_object_fields(match, static_cast<const T*>(nullptr));
    if (!known) {
      throw argument_error("unknown field \"" + item.key() + "\"; " + type_name + " has " +
                           member_list);
    }
  }
}

template <class T>
nlohmann::json object_schema(schema_registry& registry) {
  const std::string name = scc_object_name(static_cast<const T*>(nullptr));
  return registry.reference(name, [&name](schema_registry& nested) {
    nlohmann::json properties = nlohmann::json::object();
    nlohmann::json required = nlohmann::json::array();
    auto visit = [&](const char* member_name, auto member) {
      using field = member_type_t<T, decltype(member)>;
      properties[member_name] = codec<field>::schema(nested);
      if constexpr (!is_optional<field>::value) required.push_back(member_name);
    };
    scc_object_fields(visit, static_cast<const T*>(nullptr));
    return nlohmann::json{{"$id", name},
                          {"type", "object"},
                          {"properties", std::move(properties)},
                          {"required", std::move(required)},
                          {"additionalProperties", false}};
  });
}

}  // namespace scc::detail

// Use at namespace scope in the namespace of Type (argument-dependent lookup finds the
// functions it defines there), with Type's unqualified name and up to 32 data members.
#define SCC_OBJECT(Type, ...)                                                \
  template <class SccVisitor>                                                \
  inline void scc_object_fields(SccVisitor& scc_visit, const Type*) {        \
    using scc_object_type = Type;                                            \
    SCC_DETAIL_FOR_EACH(SCC_DETAIL_OBJECT_FIELD, __VA_ARGS__)                \
  }                                                                          \
  inline const char* scc_object_name(const Type*) { return #Type; }          \
  inline void to_json(::nlohmann::json& scc_json, const Type& scc_value) {   \
    ::scc::detail::object_to_json(scc_json, scc_value);                      \
  }                                                                          \
  inline void from_json(const ::nlohmann::json& scc_json, Type& scc_value) { \
    ::scc::detail::object_from_json(scc_json, scc_value);                    \
  }                                                                          \
  static_assert(true, "SCC_OBJECT needs a semicolon")

#define SCC_DETAIL_OBJECT_FIELD(member) scc_visit(#member, &scc_object_type::member);

#endif  // SCC_CONTRACT_OBJECT_HPP
