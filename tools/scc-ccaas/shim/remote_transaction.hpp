// remote_transaction.hpp - one INIT/TRANSACTION as the plugin sees it: every host call the ABI
// offers becomes a request to the peer on the session's stream (GET_STATE, PUT_STATE, ranges
// with QUERY_STATE_NEXT/CLOSE, ...), and the event waits for COMPLETED.
#ifndef SCC_CCAAS_REMOTE_TRANSACTION_HPP
#define SCC_CCAAS_REMOTE_TRANSACTION_HPP

#include <optional>
#include <string>
#include <utility>

#include <scc/host/transaction.hpp>

#include "chaincode_session.hpp"
#include "peer/chaincode_shim.pb.h"

namespace scc::ccaas {

struct chaincode_event {
  std::string name;
  std::string payload;
};

class remote_transaction final : public scc::host::transaction {
 public:
  remote_transaction(chaincode_session& session, scc::host::proposal context);
  ~remote_transaction() override;

  // The last event the plugin set, sent with COMPLETED.
  const std::optional<chaincode_event>& event() const noexcept { return event_; }

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override;
  void put_state(std::string_view collection, std::string_view key, std::string_view value) override;
  void del_state(std::string_view collection, std::string_view key) override;
  void purge_private_data(std::string_view collection, std::string_view key) override;
  std::optional<std::string_view> get_private_data_hash(std::string_view collection,
                                                        std::string_view key) override;
  std::optional<std::string_view> get_validation_parameter(std::string_view collection,
                                                           std::string_view key) override;
  void set_validation_parameter(std::string_view collection, std::string_view key,
                                std::string_view policy) override;
  std::unique_ptr<scc::host::kv_cursor> range_query(std::string_view collection,
                                                    std::string_view start_key,
                                                    std::string_view end_key, int32_t page_size,
                                                    std::string_view bookmark) override;
  std::unique_ptr<scc::host::kv_cursor> rich_query(std::string_view collection,
                                                   std::string_view query, int32_t page_size,
                                                   std::string_view bookmark) override;
  std::unique_ptr<scc::host::history_cursor> history_query(std::string_view key) override;
  void set_event(std::string_view name, std::string_view payload) override;
  scc::response invoke_chaincode(std::string_view chaincode_name, std::string_view channel,
                                 const std::vector<std::string>& args) override;

  // One request and its reply. Returns the RESPONSE payload; an ERROR reply throws
  // scc::host::error with the peer's text.
  std::string call(protos::ChaincodeMessage::Type type, const std::string& payload);
  // A request answered with a protos.QueryResponse (ranges, rich and history queries, next, close).
  protos::QueryResponse query(protos::ChaincodeMessage::Type type, const std::string& payload);

 private:
  protos::ChaincodeMessage exchange(protos::ChaincodeMessage::Type type, const std::string& payload);

  chaincode_session& session_;
  std::string last_value_;  // what a returned view points into
  std::optional<chaincode_event> event_;
};

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_REMOTE_TRANSACTION_HPP
