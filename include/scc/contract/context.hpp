// scc/contract/context.hpp - what a transaction function gets first: the stub, the name of the
// transaction being run, the identity of the client that submitted it, and state and events
// typed by scc::codec<T>.
#ifndef SCC_CONTRACT_CONTEXT_HPP
#define SCC_CONTRACT_CONTEXT_HPP

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "scc/chaincode_error.hpp"
#include "scc/contract/client_identity.hpp"
#include "scc/contract/codec.hpp"
#include "scc/contract/errors.hpp"
#include "scc/contract/schema_registry.hpp"
#include "scc/stub.hpp"

namespace scc {

namespace detail {

// Text types are stored and sent as they are, like std::string: codec<const char*> does not
// exist, and a string literal would otherwise not compile.
template <class T>
inline constexpr bool is_text_v =
    std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
    std::is_same_v<T, const char*> || std::is_same_v<T, char*>;

// A type as the metadata describes it, for messages: "uint64", "boolean", "asset",
// "array of int32".
inline std::string schema_type_name(const nlohmann::json& schema) {
  if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    const std::string path = ref->get<std::string>();
    return path.substr(path.rfind('/') + 1);
  }
  if (const auto format = schema.find("format"); format != schema.end() && format->is_string()) {
    return format->get<std::string>();
  }
  const auto type = schema.find("type");
  if (type == schema.end() || !type->is_string()) return "JSON value";
  if (*type == "array" && schema.contains("items")) {
    return "array of " + schema_type_name(schema["items"]);
  }
  return type->get<std::string>();
}

template <class T>
std::string codec_type_name() {
  schema_registry registry;
  return schema_type_name(codec<T>::schema(registry));
}

}  // namespace detail

inline namespace contract {

class context {
 public:
  context(scc::stub& stub, std::string_view transaction_name) noexcept
      : stub_(stub), transaction_name_(transaction_name) {}
  context(const context&) = delete;
  context& operator=(const context&) = delete;

  // The full chaincode stub: state, queries, private data, events, invoke_chaincode.
  scc::stub& stub() noexcept { return stub_; }

  // The transaction being run, as the client named it without a "contract:" prefix, so that
  // before_transaction / after_transaction hooks can tell transactions apart. "init" during init.
  std::string_view transaction_name() const noexcept { return transaction_name_; }

  // The submitting client: its MSP id and certificate, parsed from stub().get_creator() on first
  // use. System chaincodes skip the channel's ACLs: check this yourself before any write.
  const scc::client_identity& client_identity() {
    if (!identity_) identity_.emplace(stub_.get_creator());
    return *identity_;
  }

  // ---- State and events as typed values, converted by scc::codec<T> ----
  // Strings are stored as they are; every other type as its JSON text, read back as strictly
  // as an argument ("-1" is not a uint64, "1.5" is not an integer).

  // The committed value of key as a T; nullopt when the key is absent. A value that is not a T
  // throws scc::chaincode_error naming the key and the type.
  template <class T>
  std::optional<T> get_state(std::string_view key) {
    const std::optional<std::string> stored = stub_.get_state(key);
    if (!stored) return std::nullopt;
    if constexpr (detail::is_text_v<T>) {
      static_assert(std::is_same_v<T, std::string>,
                    "get_state<T>: read text as std::string (a view would outlive its bytes)");
      return *stored;
    } else {
      try {
        return codec<T>::from_argument(*stored);
      } catch (const argument_error& failure) {
        throw chaincode_error("state " + detail::quoted(key) + " does not hold a " +
                              detail::codec_type_name<T>() + ": " + failure.what());
      }
    }
  }

  // Writes value under key (visible to other transactions once committed).
  template <class T>
  void put_state(std::string_view key, const T& value) {
    stub_.put_state(key, encode(value));
  }

  // Sets the transaction's event (the last call wins) with value as its payload.
  template <class T>
  void set_event(std::string_view name, const T& value) {
    stub_.set_event(name, encode(value));
  }

 private:
  template <class T>
  static std::string encode(const T& value) {
    using type = std::decay_t<T>;
    if constexpr (detail::is_text_v<type>) {
      return std::string(value);
    } else {
      return codec<type>::to_payload(value);
    }
  }

  scc::stub& stub_;
  std::string_view transaction_name_;
  std::optional<scc::client_identity> identity_;
};

}  // namespace contract
}  // namespace scc

#endif  // SCC_CONTRACT_CONTEXT_HPP
