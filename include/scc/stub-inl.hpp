// scc/stub-inl.hpp - definitions of scc::stub. Include scc/stub.hpp instead.
//
// The argument checks here are the ones Fabric's Go shim makes on the chaincode side, before
// anything reaches the peer, with the same messages. Everything else is the host's business.
#ifndef SCC_STUB_INL_HPP
#define SCC_STUB_INL_HPP

#include "scc/composite_key.hpp"
#include "scc/stub.hpp"

namespace scc {

namespace detail {

// The shim replaces an empty start key with this, so simple-key ranges never reach composite
// keys, which start with 0x00 (fabric-chaincode-go shim/stub.go emptyKeySubstitute).
inline constexpr std::string_view empty_key_substitute = "\x01";

// fabric-chaincode-go shim/stub.go validateSimpleKeys. The key is shown with its control bytes
// escaped (the offending first byte is always 0x00, which would end the message).
inline void validate_simple_keys(std::string_view start_key, std::string_view end_key) {
  for (std::string_view key : {start_key, end_key}) {
    if (!key.empty() && key.front() == composite_key_namespace) {
      throw chaincode_error("first character of the key [" + printable(key) +
                            "] contains a null character which is not allowed");
    }
  }
}

inline void validate_collection(std::string_view collection) {
  if (collection.empty()) throw chaincode_error("collection must not be an empty string");
}

inline void validate_key(std::string_view key) {
  if (key.empty()) throw chaincode_error("key must not be an empty string");
}

// A read-only transaction's stub refuses every write, and keeps the first refusal: the
// transaction fails with it even when the code that tried the write caught the exception.
struct write_guard {
  std::string refusal;  // empty while nothing was refused
};

// What the contract layer may change on a stub it was handed.
struct stub_access {
  static void guard_writes(stub& s, write_guard* guard) noexcept { s.write_guard_ = guard; }
};

}  // namespace detail

inline void stub::check_writable(std::string_view operation, std::string_view collection,
                                 std::string_view key) const {
  if (write_guard_ == nullptr) return;
  std::string refusal = "a read-only (evaluate) transaction cannot " + std::string(operation);
  if (!collection.empty()) refusal += " in collection \"" + detail::printable(collection) + "\"";
  refusal += " (" + std::string(operation == "set_event" ? "event" : "key") + " \"" +
             detail::printable(key) + "\")";
  if (write_guard_->refusal.empty()) write_guard_->refusal = refusal;
  throw chaincode_error(refusal);
}

// ---- The proposal ----

inline std::vector<std::string> stub::get_args() const {
  scc_type_bytes_list list{nullptr, 0};
  detail::check(host_, tx_, host_->get_args(tx_, &list));
  std::vector<std::string> args;
  args.reserve(list.count);
  for (std::size_t i = 0; i < list.count; ++i) args.push_back(detail::copy(list.items[i]));
  return args;
}

inline std::vector<std::string> stub::get_string_args() const { return get_args(); }

inline std::pair<std::string, std::vector<std::string>> stub::get_function_and_parameters() const {
  // Straight from the host's views: no vector of every argument to shift afterwards.
  scc_type_bytes_list list{nullptr, 0};
  detail::check(host_, tx_, host_->get_args(tx_, &list));
  std::pair<std::string, std::vector<std::string>> call;
  if (list.count == 0) return call;
  call.first = detail::copy(list.items[0]);
  call.second.reserve(list.count - 1);
  for (std::size_t i = 1; i < list.count; ++i) call.second.push_back(detail::copy(list.items[i]));
  return call;
}

inline std::string stub::get_args_slice() const {
  std::string slice;
  for (const std::string& arg : get_args()) slice += arg;
  return slice;
}

inline std::string stub::read_bytes(scc_type_status (*getter)(scc_tx*, scc_type_bytes*)) const {
  scc_type_bytes bytes{nullptr, 0};
  detail::check(host_, tx_, getter(tx_, &bytes));
  return detail::copy(bytes);
}

inline std::map<std::string, std::string> stub::read_map(
    scc_type_status (*getter)(scc_tx*, scc_type_entry_list*)) const {
  scc_type_entry_list list{nullptr, 0};
  detail::check(host_, tx_, getter(tx_, &list));
  std::map<std::string, std::string> map;
  for (std::size_t i = 0; i < list.count; ++i) {
    map.emplace(detail::copy(list.items[i].key), detail::copy(list.items[i].value));
  }
  return map;
}

inline std::string stub::get_tx_id() const { return read_bytes(host_->get_tx_id); }
inline std::string stub::get_channel_id() const { return read_bytes(host_->get_channel_id); }
inline std::string stub::get_creator() const { return read_bytes(host_->get_creator); }
inline std::string stub::get_signed_proposal() const {
  return read_bytes(host_->get_signed_proposal);
}
inline std::string stub::get_binding() const { return read_bytes(host_->get_binding); }
inline std::map<std::string, std::string> stub::get_transient() const {
  return read_map(host_->get_transient);
}
inline std::map<std::string, std::string> stub::get_decorations() const {
  return read_map(host_->get_decorations);
}

inline timestamp stub::get_tx_timestamp() const {
  scc_type_timestamp ts{};
  detail::check(host_, tx_, host_->get_tx_timestamp(tx_, &ts));
  return {ts.seconds, ts.nanos};
}

// ---- World state ----

inline std::optional<std::string> stub::lookup(lookup_fn getter, std::string_view collection,
                                               std::string_view key) {
  scc_type_bytes value{nullptr, 0};
  const scc_type_status status = getter(tx_, detail::bytes(collection), detail::bytes(key), &value);
  if (status == SCC_STATUS_NOT_FOUND) return std::nullopt;
  detail::check(host_, tx_, status);
  return detail::copy(value);
}

inline std::optional<std::string> stub::read(std::string_view collection, std::string_view key) {
  return lookup(host_->get_state, collection, key);
}

inline std::vector<std::optional<std::string>> stub::read_many(
    std::string_view collection, const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (const std::string& key : keys) values.push_back(read(collection, key));
  return values;
}

inline void stub::write(std::string_view collection, std::string_view key, std::string_view value) {
  detail::validate_key(key);
  detail::check(
      host_, tx_,
      host_->put_state(tx_, detail::bytes(collection), detail::bytes(key), detail::bytes(value)));
}

inline std::optional<std::string> stub::get_state(std::string_view key) { return read({}, key); }

inline std::vector<std::optional<std::string>> stub::get_multiple_states(
    const std::vector<std::string>& keys) {
  return read_many({}, keys);
}

inline void stub::put_state(std::string_view key, std::string_view value) {
  check_writable("put_state", {}, key);
  write({}, key, value);
}

inline void stub::del_state(std::string_view key) {
  check_writable("del_state", {}, key);
  detail::check(host_, tx_, host_->del_state(tx_, detail::bytes({}), detail::bytes(key)));
}

// ---- Queries ----

inline state_query stub::open_range(std::string_view collection, std::string_view start_key,
                                    std::string_view end_key, int32_t page_size,
                                    std::string_view bookmark) {
  if (start_key.empty()) start_key = detail::empty_key_substitute;
  detail::validate_simple_keys(start_key, end_key);
  scc_iterator* handle = nullptr;
  detail::check(
      host_, tx_,
      host_->range_query_open(tx_, detail::bytes(collection), detail::bytes(start_key),
                              detail::bytes(end_key), page_size, detail::bytes(bookmark), &handle));
  return state_query(host_, tx_, handle);
}

inline state_query stub::open_rich(std::string_view collection, std::string_view query,
                                   int32_t page_size, std::string_view bookmark) {
  scc_iterator* handle = nullptr;
  detail::check(host_, tx_,
                host_->rich_query_open(tx_, detail::bytes(collection), detail::bytes(query),
                                       page_size, detail::bytes(bookmark), &handle));
  return state_query(host_, tx_, handle);
}

inline page stub::drain_page(state_query query) {
  page result;
  while (query.has_next()) result.items.push_back(query.next());
  scc_type_bytes bookmark{nullptr, 0};
  detail::check(
      host_, tx_,
      host_->iterator_page_info(tx_, query.handle(), &result.fetched_records_count, &bookmark));
  result.bookmark = detail::copy(bookmark);
  return result;
}

inline state_query stub::get_state_by_range(std::string_view start_key, std::string_view end_key) {
  return open_range({}, start_key, end_key, 0, {});
}

inline page stub::get_state_by_range_with_pagination(std::string_view start_key,
                                                     std::string_view end_key, int32_t page_size,
                                                     std::string_view bookmark) {
  return drain_page(open_range({}, start_key, end_key, page_size, bookmark));
}

// A partial composite key query is the literal range [prefix, prefix + U+10FFFF): the
// simple-key guards do not apply, since composite keys start with 0x00.
inline state_query stub::open_partial(std::string_view collection, std::string_view object_type,
                                      const std::vector<std::string>& attributes, int32_t page_size,
                                      std::string_view bookmark) {
  const std::string prefix = scc::create_composite_key(object_type, attributes);
  const std::string end = prefix + std::string(max_unicode_rune_utf8);
  scc_iterator* handle = nullptr;
  detail::check(
      host_, tx_,
      host_->range_query_open(tx_, detail::bytes(collection), detail::bytes(prefix),
                              detail::bytes(end), page_size, detail::bytes(bookmark), &handle));
  return state_query(host_, tx_, handle);
}

inline state_query stub::get_state_by_partial_composite_key(
    std::string_view object_type, const std::vector<std::string>& attributes) {
  return open_partial({}, object_type, attributes, 0, {});
}

inline page stub::get_state_by_partial_composite_key_with_pagination(
    std::string_view object_type, const std::vector<std::string>& attributes, int32_t page_size,
    std::string_view bookmark) {
  return drain_page(open_partial({}, object_type, attributes, page_size, bookmark));
}

inline history_query stub::get_history_for_key(std::string_view key) {
  scc_iterator* handle = nullptr;
  detail::check(host_, tx_, host_->history_query_open(tx_, detail::bytes(key), &handle));
  return history_query(host_, tx_, handle);
}

inline state_query stub::get_query_result(std::string_view query) {
  return open_rich({}, query, 0, {});
}

inline page stub::get_query_result_with_pagination(std::string_view query, int32_t page_size,
                                                   std::string_view bookmark) {
  return drain_page(open_rich({}, query, page_size, bookmark));
}

inline std::string stub::create_composite_key(std::string_view object_type,
                                              const std::vector<std::string>& attributes) const {
  return scc::create_composite_key(object_type, attributes);
}

inline std::pair<std::string, std::vector<std::string>> stub::split_composite_key(
    std::string_view key) const {
  return scc::split_composite_key(key);
}

// ---- Private data ----

inline std::optional<std::string> stub::get_private_data(std::string_view collection,
                                                         std::string_view key) {
  detail::validate_collection(collection);
  return read(collection, key);
}

inline std::vector<std::optional<std::string>> stub::get_multiple_private_data(
    std::string_view collection, const std::vector<std::string>& keys) {
  detail::validate_collection(collection);
  return read_many(collection, keys);
}

inline void stub::put_private_data(std::string_view collection, std::string_view key,
                                   std::string_view value) {
  detail::validate_collection(collection);
  check_writable("put_private_data", collection, key);
  write(collection, key, value);
}

inline void stub::del_private_data(std::string_view collection, std::string_view key) {
  detail::validate_collection(collection);
  check_writable("del_private_data", collection, key);
  detail::check(host_, tx_, host_->del_state(tx_, detail::bytes(collection), detail::bytes(key)));
}

inline void stub::purge_private_data(std::string_view collection, std::string_view key) {
  detail::validate_collection(collection);
  check_writable("purge_private_data", collection, key);
  detail::check(host_, tx_,
                host_->purge_private_data(tx_, detail::bytes(collection), detail::bytes(key)));
}

inline std::optional<std::string> stub::get_private_data_hash(std::string_view collection,
                                                              std::string_view key) {
  detail::validate_collection(collection);
  return lookup(host_->get_private_data_hash, collection, key);
}

inline state_query stub::get_private_data_by_range(std::string_view collection,
                                                   std::string_view start_key,
                                                   std::string_view end_key) {
  detail::validate_collection(collection);
  return open_range(collection, start_key, end_key, 0, {});
}

inline state_query stub::get_private_data_by_partial_composite_key(
    std::string_view collection, std::string_view object_type,
    const std::vector<std::string>& attributes) {
  detail::validate_collection(collection);
  return open_partial(collection, object_type, attributes, 0, {});
}

inline state_query stub::get_private_data_query_result(std::string_view collection,
                                                       std::string_view query) {
  detail::validate_collection(collection);
  return open_rich(collection, query, 0, {});
}

// ---- Key-level endorsement ----

inline void stub::set_state_validation_parameter(std::string_view key, std::string_view policy) {
  check_writable("set_state_validation_parameter", {}, key);
  detail::check(host_, tx_,
                host_->set_state_validation_parameter(tx_, detail::bytes({}), detail::bytes(key),
                                                      detail::bytes(policy)));
}

inline std::optional<std::string> stub::get_state_validation_parameter(std::string_view key) {
  return lookup(host_->get_state_validation_parameter, {}, key);
}

inline void stub::set_private_data_validation_parameter(std::string_view collection,
                                                        std::string_view key,
                                                        std::string_view policy) {
  detail::validate_collection(collection);
  check_writable("set_private_data_validation_parameter", collection, key);
  detail::check(host_, tx_,
                host_->set_state_validation_parameter(tx_, detail::bytes(collection),
                                                      detail::bytes(key), detail::bytes(policy)));
}

inline std::optional<std::string> stub::get_private_data_validation_parameter(
    std::string_view collection, std::string_view key) {
  detail::validate_collection(collection);
  return lookup(host_->get_state_validation_parameter, collection, key);
}

// ---- Effects ----

inline void stub::set_event(std::string_view name, std::string_view payload) {
  if (name.empty()) throw chaincode_error("event name can not be empty string");
  check_writable("set_event", {}, name);
  detail::check(host_, tx_, host_->set_event(tx_, detail::bytes(name), detail::bytes(payload)));
}

inline response stub::invoke_chaincode(std::string_view chaincode_name,
                                       const std::vector<std::string>& args,
                                       std::string_view channel) {
  std::vector<scc_type_bytes> views;
  views.reserve(args.size());
  for (const std::string& arg : args) views.push_back(detail::bytes(arg));
  scc_type_response answer{};
  const scc_type_status status =
      host_->invoke_chaincode(tx_, detail::bytes(chaincode_name), detail::bytes(channel),
                              scc_type_bytes_list{views.data(), views.size()}, &answer);
  if (status != SCC_STATUS_OK) {
    // Like Go's InvokeChaincode: a refused or failed call is an error response, not a throw.
    scc_type_bytes message{nullptr, 0};
    host_->last_error(tx_, &message);
    return error(detail::copy(message));
  }
  return response{answer.status, detail::copy(answer.message), detail::copy(answer.payload)};
}

inline void stub::log(log_level level, std::string_view message) const {
  host_->log(tx_, static_cast<scc_type_log_level>(level), detail::bytes(message));
}

}  // namespace scc

#endif  // SCC_STUB_INL_HPP
