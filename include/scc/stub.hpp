// scc/stub.hpp - scc::stub, Fabric's ChaincodeStubInterface for C++ plugins.
//
// Method names are Go's in snake_case. Bytes are std::string / std::string_view and may hold
// any byte, 0x00 included. Every failure throws scc::chaincode_error with Fabric's own message
// where Fabric has one. Definitions are in scc/stub-inl.hpp.
//
// A stub is a thin view over the host's C callback table for one init/invoke call: cheap to
// copy, valid only during that call and only on the thread that made it.
#ifndef SCC_STUB_HPP
#define SCC_STUB_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/abi.h"
#include "scc/chaincode_error.hpp"
#include "scc/query.hpp"
#include "scc/response.hpp"
#include "scc/types.hpp"

namespace scc {

namespace detail {
// Refuses the writes of a read-only transaction; the contract layer sets one on the stub.
struct write_guard;
struct stub_access;
}  // namespace detail

class stub {
 public:
  stub(const scc_host_api_v1* host, scc_tx* tx) noexcept : host_(host), tx_(tx) {}

  // ---- The proposal ----
  std::vector<std::string> get_args() const;
  std::vector<std::string> get_string_args() const;
  // args[0] and args[1:]; "" and no parameters when there are no arguments.
  std::pair<std::string, std::vector<std::string>> get_function_and_parameters() const;
  // All arguments concatenated.
  std::string get_args_slice() const;
  std::string get_tx_id() const;
  std::string get_channel_id() const;
  // A serialized msp.SerializedIdentity.
  std::string get_creator() const;
  std::map<std::string, std::string> get_transient() const;
  std::map<std::string, std::string> get_decorations() const;
  std::string get_signed_proposal() const;
  std::string get_binding() const;
  timestamp get_tx_timestamp() const;

  // ---- World state. Reads see committed state only: never this transaction's writes. ----
  // nullopt exactly when the key is absent.
  std::optional<std::string> get_state(std::string_view key);
  std::vector<std::optional<std::string>> get_multiple_states(const std::vector<std::string>& keys);
  // An empty value deletes the key at commit; an empty key fails.
  void put_state(std::string_view key, std::string_view value);
  void del_state(std::string_view key);

  // [start, end) in byte order. An empty end is unbounded; an empty start never returns
  // composite keys; a bound starting with 0x00 fails.
  state_query get_state_by_range(std::string_view start_key, std::string_view end_key);
  // Only in a transaction that has not written and will not write.
  page get_state_by_range_with_pagination(std::string_view start_key, std::string_view end_key,
                                          int32_t page_size, std::string_view bookmark);
  state_query get_state_by_partial_composite_key(std::string_view object_type,
                                                 const std::vector<std::string>& attributes);
  page get_state_by_partial_composite_key_with_pagination(
      std::string_view object_type, const std::vector<std::string>& attributes, int32_t page_size,
      std::string_view bookmark);
  // Newest first.
  history_query get_history_for_key(std::string_view key);
  // Rich (CouchDB) queries: scc's hosts have no rich-query engine and report that clearly.
  state_query get_query_result(std::string_view query);
  page get_query_result_with_pagination(std::string_view query, int32_t page_size,
                                        std::string_view bookmark);

  std::string create_composite_key(std::string_view object_type,
                                   const std::vector<std::string>& attributes) const;
  std::pair<std::string, std::vector<std::string>> split_composite_key(std::string_view key) const;

  // ---- Private data. collection must not be empty. ----
  std::optional<std::string> get_private_data(std::string_view collection, std::string_view key);
  std::vector<std::optional<std::string>> get_multiple_private_data(
      std::string_view collection, const std::vector<std::string>& keys);
  void put_private_data(std::string_view collection, std::string_view key, std::string_view value);
  void del_private_data(std::string_view collection, std::string_view key);
  void purge_private_data(std::string_view collection, std::string_view key);
  // SHA-256 of the committed value; nullopt when absent.
  std::optional<std::string> get_private_data_hash(std::string_view collection,
                                                   std::string_view key);
  state_query get_private_data_by_range(std::string_view collection, std::string_view start_key,
                                        std::string_view end_key);
  state_query get_private_data_by_partial_composite_key(std::string_view collection,
                                                        std::string_view object_type,
                                                        const std::vector<std::string>& attributes);
  state_query get_private_data_query_result(std::string_view collection, std::string_view query);

  // ---- Key-level endorsement (a marshalled common.SignaturePolicyEnvelope) ----
  void set_state_validation_parameter(std::string_view key, std::string_view policy);
  std::optional<std::string> get_state_validation_parameter(std::string_view key);
  void set_private_data_validation_parameter(std::string_view collection, std::string_view key,
                                             std::string_view policy);
  std::optional<std::string> get_private_data_validation_parameter(std::string_view collection,
                                                                   std::string_view key);

  // ---- Effects ----
  // One event per transaction: the last call wins. name must not be empty.
  void set_event(std::string_view name, std::string_view payload);
  // channel empty = this channel, sharing this transaction's read/write set. Never throws for
  // a refused or failed call: like Go's InvokeChaincode it returns a 500 with the reason.
  response invoke_chaincode(std::string_view chaincode_name, const std::vector<std::string>& args,
                            std::string_view channel = {});
  // Writes to the host's log, attributed to this plugin.
  void log(log_level level, std::string_view message) const;

  // The raw C handles, for code that talks to the ABI directly.
  const scc_host_api_v1* host() const noexcept { return host_; }
  scc_tx* tx() const noexcept { return tx_; }

 private:
  // The host's (collection, key) -> value lookups: get_state, get_private_data_hash and
  // get_state_validation_parameter. NOT_FOUND becomes nullopt.
  using lookup_fn = scc_type_status (*)(scc_tx*, scc_type_bytes, scc_type_bytes, scc_type_bytes*);
  std::optional<std::string> lookup(lookup_fn getter, std::string_view collection,
                                    std::string_view key);
  std::optional<std::string> read(std::string_view collection, std::string_view key);
  std::vector<std::optional<std::string>> read_many(std::string_view collection,
                                                    const std::vector<std::string>& keys);
  void write(std::string_view collection, std::string_view key, std::string_view value);
  state_query open_range(std::string_view collection, std::string_view start_key,
                         std::string_view end_key, int32_t page_size, std::string_view bookmark);
  state_query open_partial(std::string_view collection, std::string_view object_type,
                           const std::vector<std::string>& attributes, int32_t page_size,
                           std::string_view bookmark);
  state_query open_rich(std::string_view collection, std::string_view query, int32_t page_size,
                        std::string_view bookmark);
  page drain_page(state_query query);
  std::map<std::string, std::string> read_map(
      scc_type_status (*getter)(scc_tx*, scc_type_entry_list*)) const;
  std::string read_bytes(scc_type_status (*getter)(scc_tx*, scc_type_bytes*)) const;

  // Throws, and remembers, a write the guard refuses; nothing when there is no guard.
  void check_writable(std::string_view operation, std::string_view collection,
                      std::string_view key) const;

  friend struct detail::stub_access;

  const scc_host_api_v1* host_;
  scc_tx* tx_;
  detail::write_guard* write_guard_ = nullptr;
};

}  // namespace scc

#include "scc/stub-inl.hpp"

#endif  // SCC_STUB_HPP
