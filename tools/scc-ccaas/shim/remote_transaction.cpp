#include "remote_transaction.hpp"

#include "ledger/queryresult/kv_query_result.pb.h"
#include "peer/chaincode.pb.h"
#include "peer/proposal_response.pb.h"
#include "session_log.hpp"

namespace scc::ccaas {

namespace {

using protos::ChaincodeMessage;
using scc::host::error;

// The key under which Fabric keeps a key-level endorsement policy in a key's metadata.
constexpr const char* validation_parameter_key = "VALIDATION_PARAMETER";

std::string text(std::string_view view) { return std::string(view); }

// A query's rows as the peer sends them: one batch at a time, the next one asked for with
// QUERY_STATE_NEXT while has_more, and QUERY_STATE_CLOSE at the end, as Fabric's shims always
// send (the peer answers it even for an iterator it has already released).
class peer_batches {
 public:
  peer_batches(remote_transaction& tx, protos::QueryResponse first) : tx_(tx) {
    take(std::move(first));
  }
  ~peer_batches() {
    try {
      protos::QueryStateClose request;
      request.set_id(id_);
      tx_.query(ChaincodeMessage::QUERY_STATE_CLOSE, request.SerializeAsString());
    } catch (const std::exception& e) {
      log::debug(std::string("closing query ") + id_ + ": " + e.what());
    }
  }
  peer_batches(const peer_batches&) = delete;
  peer_batches& operator=(const peer_batches&) = delete;

  // The next row's bytes, or nullptr when the query is exhausted.
  const std::string* next() {
    while (index_ >= batch_.results_size()) {
      if (!batch_.has_more()) return nullptr;
      protos::QueryStateNext request;
      request.set_id(id_);
      take(tx_.query(ChaincodeMessage::QUERY_STATE_NEXT, request.SerializeAsString()));
    }
    return &batch_.results(index_++).resultbytes();
  }

  // The latest batch: its metadata is the page's.
  const protos::QueryResponse& batch() const noexcept { return batch_; }

 private:
  void take(protos::QueryResponse batch) {
    batch_ = std::move(batch);
    index_ = 0;
    if (!batch_.id().empty()) id_ = batch_.id();
  }

  remote_transaction& tx_;
  protos::QueryResponse batch_;
  int index_ = 0;
  std::string id_;
};

// Rows of a range or rich query.
class remote_kv_cursor final : public scc::host::kv_cursor {
 public:
  remote_kv_cursor(remote_transaction& tx, protos::QueryResponse first)
      : rows_(tx, std::move(first)) {
    read_metadata();
  }

  std::optional<scc::host::kv_view> next() override {
    const std::string* bytes = rows_.next();
    read_metadata();
    if (bytes == nullptr) return std::nullopt;
    if (!row_.ParseFromString(*bytes)) {
      throw error(SCC_STATUS_LEDGER_ERROR,
                  "the peer sent a query result that is not a queryresult.KV");
    }
    return scc::host::kv_view{row_.key(), row_.value()};
  }
  int32_t fetched_records_count() const override { return fetched_; }
  std::string_view bookmark() const override { return bookmark_; }

 private:
  // Pagination metadata travels with a batch; the last one seen is the page's.
  void read_metadata() {
    const std::string& metadata_bytes = rows_.batch().metadata();
    if (metadata_bytes.empty() || metadata_bytes == last_metadata_) return;
    protos::QueryResponseMetadata metadata;
    if (!metadata.ParseFromString(metadata_bytes)) {
      throw error(SCC_STATUS_LEDGER_ERROR,
                  "the peer sent query metadata that is not a protos.QueryResponseMetadata");
    }
    fetched_ = metadata.fetched_records_count();
    bookmark_ = metadata.bookmark();
    last_metadata_ = metadata_bytes;
  }

  peer_batches rows_;
  queryresult::KV row_;
  int32_t fetched_ = 0;
  std::string bookmark_;
  std::string last_metadata_;
};

// Rows of a history query.
class remote_history_cursor final : public scc::host::history_cursor {
 public:
  remote_history_cursor(remote_transaction& tx, protos::QueryResponse first)
      : rows_(tx, std::move(first)) {}

  std::optional<scc::host::modification_view> next() override {
    const std::string* bytes = rows_.next();
    if (bytes == nullptr) return std::nullopt;
    if (!row_.ParseFromString(*bytes)) {
      throw error(SCC_STATUS_LEDGER_ERROR,
                  "the peer sent a history row that is not a queryresult.KeyModification");
    }
    return scc::host::modification_view{
        row_.tx_id(), row_.value(),
        scc::timestamp{row_.timestamp().seconds(), row_.timestamp().nanos()}, row_.is_delete()};
  }

 private:
  peer_batches rows_;
  queryresult::KeyModification row_;
};

std::string query_metadata(int32_t page_size, std::string_view bookmark) {
  if (page_size == 0 && bookmark.empty()) return {};
  protos::QueryMetadata metadata;
  metadata.set_pagesize(page_size);
  metadata.set_bookmark(text(bookmark));
  return metadata.SerializeAsString();
}

}  // namespace

remote_transaction::remote_transaction(chaincode_session& session, scc::host::proposal context)
    : transaction(std::move(context)), session_(session) {}

// Queries still open send their QUERY_STATE_CLOSE while this object is whole.
remote_transaction::~remote_transaction() { close_queries(); }

ChaincodeMessage remote_transaction::exchange(ChaincodeMessage::Type type,
                                              const std::string& payload) {
  ChaincodeMessage request;
  request.set_type(type);
  request.set_payload(payload);
  request.set_txid(context().tx_id);
  request.set_channel_id(context().channel_id);
  return session_.exchange(std::move(request));
}

std::string remote_transaction::call(ChaincodeMessage::Type type, const std::string& payload) {
  ChaincodeMessage reply = exchange(type, payload);
  if (reply.type() == ChaincodeMessage::RESPONSE) return std::move(*reply.mutable_payload());
  if (reply.type() == ChaincodeMessage::ERROR) {
    throw error(SCC_STATUS_LEDGER_ERROR, reply.payload());
  }
  throw error(SCC_STATUS_INTERNAL, std::string("incorrect chaincode message ") +
                                       message_type_name(reply.type()) +
                                       " received. Expecting RESPONSE or ERROR");
}

protos::QueryResponse remote_transaction::query(ChaincodeMessage::Type type,
                                                const std::string& payload) {
  protos::QueryResponse response;
  if (!response.ParseFromString(call(type, payload))) {
    throw error(SCC_STATUS_LEDGER_ERROR, std::string("the peer's answer to ") +
                                             message_type_name(type) +
                                             " is not a protos.QueryResponse");
  }
  return response;
}

std::optional<std::string_view> remote_transaction::get_state(std::string_view collection,
                                                              std::string_view key) {
  protos::GetState request;
  request.set_key(text(key));
  request.set_collection(text(collection));
  last_value_ = call(ChaincodeMessage::GET_STATE, request.SerializeAsString());
  // Fabric answers an absent key with an empty value; an empty value cannot be stored.
  if (last_value_.empty()) return std::nullopt;
  return std::string_view(last_value_);
}

void remote_transaction::put_state(std::string_view collection, std::string_view key,
                                   std::string_view value) {
  protos::PutState request;
  request.set_key(text(key));
  request.set_value(text(value));
  request.set_collection(text(collection));
  call(ChaincodeMessage::PUT_STATE, request.SerializeAsString());
}

void remote_transaction::del_state(std::string_view collection, std::string_view key) {
  protos::DelState request;
  request.set_key(text(key));
  request.set_collection(text(collection));
  call(ChaincodeMessage::DEL_STATE, request.SerializeAsString());
}

void remote_transaction::purge_private_data(std::string_view collection, std::string_view key) {
  // Fabric's shims send a DelState here; PurgePrivateState has the same fields and numbers.
  protos::DelState request;
  request.set_key(text(key));
  request.set_collection(text(collection));
  call(ChaincodeMessage::PURGE_PRIVATE_DATA, request.SerializeAsString());
}

std::optional<std::string_view> remote_transaction::get_private_data_hash(
    std::string_view collection, std::string_view key) {
  protos::GetState request;
  request.set_key(text(key));
  request.set_collection(text(collection));
  last_value_ = call(ChaincodeMessage::GET_PRIVATE_DATA_HASH, request.SerializeAsString());
  if (last_value_.empty()) return std::nullopt;
  return std::string_view(last_value_);
}

std::optional<std::string_view> remote_transaction::get_validation_parameter(
    std::string_view collection, std::string_view key) {
  protos::GetStateMetadata request;
  request.set_key(text(key));
  request.set_collection(text(collection));
  protos::StateMetadataResult result;
  if (!result.ParseFromString(
          call(ChaincodeMessage::GET_STATE_METADATA, request.SerializeAsString()))) {
    throw error(SCC_STATUS_LEDGER_ERROR,
                "the peer's answer to GET_STATE_METADATA is not a protos.StateMetadataResult");
  }
  for (protos::StateMetadata& entry : *result.mutable_entries()) {
    if (entry.metakey() == validation_parameter_key && !entry.value().empty()) {
      last_value_ = std::move(*entry.mutable_value());
      return std::string_view(last_value_);
    }
  }
  return std::nullopt;
}

void remote_transaction::set_validation_parameter(std::string_view collection, std::string_view key,
                                                  std::string_view policy) {
  protos::PutStateMetadata request;
  request.set_key(text(key));
  request.set_collection(text(collection));
  request.mutable_metadata()->set_metakey(validation_parameter_key);
  request.mutable_metadata()->set_value(text(policy));
  call(ChaincodeMessage::PUT_STATE_METADATA, request.SerializeAsString());
}

std::unique_ptr<scc::host::kv_cursor> remote_transaction::range_query(std::string_view collection,
                                                                      std::string_view start_key,
                                                                      std::string_view end_key,
                                                                      int32_t page_size,
                                                                      std::string_view bookmark) {
  protos::GetStateByRange request;
  request.set_startkey(text(start_key));
  request.set_endkey(text(end_key));
  request.set_collection(text(collection));
  request.set_metadata(query_metadata(page_size, bookmark));
  return std::make_unique<remote_kv_cursor>(
      *this, query(ChaincodeMessage::GET_STATE_BY_RANGE, request.SerializeAsString()));
}

std::unique_ptr<scc::host::kv_cursor> remote_transaction::rich_query(std::string_view collection,
                                                                     std::string_view query_text,
                                                                     int32_t page_size,
                                                                     std::string_view bookmark) {
  protos::GetQueryResult request;
  request.set_query(text(query_text));
  request.set_collection(text(collection));
  request.set_metadata(query_metadata(page_size, bookmark));
  return std::make_unique<remote_kv_cursor>(
      *this, query(ChaincodeMessage::GET_QUERY_RESULT, request.SerializeAsString()));
}

std::unique_ptr<scc::host::history_cursor> remote_transaction::history_query(std::string_view key) {
  protos::GetHistoryForKey request;
  request.set_key(text(key));
  return std::make_unique<remote_history_cursor>(
      *this, query(ChaincodeMessage::GET_HISTORY_FOR_KEY, request.SerializeAsString()));
}

void remote_transaction::set_event(std::string_view name, std::string_view payload) {
  if (name.empty()) throw error(SCC_STATUS_INVALID_ARGUMENT, "event name can not be empty string");
  event_ = chaincode_event{text(name), text(payload)};
}

scc::response remote_transaction::invoke_chaincode(std::string_view chaincode_name,
                                                   std::string_view channel,
                                                   const std::vector<std::string>& args) {
  protos::ChaincodeSpec spec;
  // A call to another channel names it after a slash, as Fabric's shims do.
  std::string target = text(chaincode_name);
  if (!channel.empty()) target += "/" + text(channel);
  spec.mutable_chaincode_id()->set_name(target);
  for (const std::string& arg : args) spec.mutable_input()->add_args(arg);
  const ChaincodeMessage reply =
      exchange(ChaincodeMessage::INVOKE_CHAINCODE, spec.SerializeAsString());
  if (reply.type() == ChaincodeMessage::ERROR) return scc::error(reply.payload());
  if (reply.type() != ChaincodeMessage::RESPONSE) {
    return scc::error(std::string("incorrect chaincode message ") +
                      message_type_name(reply.type()) + " received. Expecting RESPONSE or ERROR");
  }
  ChaincodeMessage callee;
  if (!callee.ParseFromString(reply.payload())) {
    return scc::error("the peer's answer to INVOKE_CHAINCODE is not a protos.ChaincodeMessage");
  }
  if (callee.type() != ChaincodeMessage::COMPLETED) return scc::error(callee.payload());
  protos::Response response;
  if (!response.ParseFromString(callee.payload())) {
    return scc::error("the called chaincode's answer is not a protos.Response");
  }
  return scc::response{response.status(), response.message(), response.payload()};
}

}  // namespace scc::ccaas
