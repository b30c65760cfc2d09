// peer_driver.hpp - the peer's side of Fabric's chaincode protocol, for tests and benchmarks.
//
// Dials a chaincode server (protos.Chaincode/Connect), answers REGISTER with REGISTERED and
// READY, sends INIT/TRANSACTION messages with a SignedProposal built like a client's, and serves
// the chaincode's requests from a memory_ledger the way Fabric's handler does: batches of
// batch_size rows with has_more and QUERY_STATE_NEXT, one page plus QueryResponseMetadata for
// paginated queries, replies that echo txid and channel_id. Transactions may be in flight
// concurrently; a completed transaction with status < 400 commits its writes.
#ifndef SCC_CCAAS_PEER_DRIVER_HPP
#define SCC_CCAAS_PEER_DRIVER_HPP

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "memory_ledger.hpp"
#include "peer/chaincode.pb.h"
#include "peer/chaincode_shim.pb.h"

namespace grpc {
class Channel;
class Server;
}  // namespace grpc

namespace scc::ccaas::driver {

struct driver_options {
  std::string address;                 // HOST:PORT of the chaincode server
  std::string root_cert_pem;           // set: TLS, trusting this CA
  std::string client_key_pem;          // set with client_cert_pem: mutual TLS
  std::string client_cert_pem;
  std::string server_name_override;    // TLS host name to check instead of the address's
  // listen() only: TLS for the Register server; with listen_client_ca_pem, mutual TLS.
  std::string listen_key_pem;
  std::string listen_cert_pem;
  std::string listen_client_ca_pem;
  int batch_size = 100;                // Fabric's MaxResultLimit
  std::string chaincode_name = "cc";   // the namespace rows report
};

struct transaction_request {
  std::vector<std::string> args;
  std::string channel = "mychannel";
  std::string tx_id;                   // empty: hex(SHA-256(nonce || creator)), as Fabric
  bool is_init = false;
  bool with_proposal = true;
  std::string creator;                 // serialized msp.SerializedIdentity; empty: a default
  std::map<std::string, std::string> transient;
  std::map<std::string, std::string> decorations;
  std::string nonce;                   // empty: random
  std::string signed_proposal;         // set (with tx_id): sent as it is, not built
  uint64_t epoch = 0;
  int64_t seconds = 1700000000;
  int32_t nanos = 123000000;
};

struct transaction_result {
  protos::ChaincodeMessage::Type type = protos::ChaincodeMessage::UNDEFINED;  // COMPLETED/ERROR
  int32_t status = 0;
  std::string message;
  std::string payload;
  bool has_event = false;
  std::string event_name;
  std::string event_payload;
  std::string tx_id;
  std::string signed_proposal;         // the bytes sent with the transaction
  std::vector<protos::ChaincodeMessage::Type> requests;  // what the chaincode asked, in order
};

class peer_driver {
 public:
  explicit peer_driver(driver_options options);
  ~peer_driver();
  peer_driver(const peer_driver&) = delete;
  peer_driver& operator=(const peer_driver&) = delete;

  // Connects and completes the handshake; throws std::runtime_error on failure.
  void connect(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Classic mode: serves protos.ChaincodeSupport/Register on options.address (TLS with the
  // listen_* options, else plain text) and
  // returns HOST:PORT; accept() then waits for a chaincode to dial in and completes the handshake.
  std::string listen();
  void accept(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The ChaincodeID.name the chaincode registered with.
  const std::string& registered_id() const noexcept { return registered_id_; }

  std::future<transaction_result> submit(const transaction_request& request);
  // The same, calling done on the driver's reading thread when the answer arrives (done may
  // submit more): a closed loop with no thread hand-off on the driver's side.
  void submit(const transaction_request& request, std::function<void(transaction_result)> done);
  transaction_result execute(const transaction_request& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Sends any message as the peer would, bypassing the transaction bookkeeping.
  void send_raw(const protos::ChaincodeMessage& message);
  // The next message the chaincode sent that belongs to no transaction in flight (an ERROR
  // answering an unmatched message, an echoed KEEPALIVE).
  std::optional<protos::ChaincodeMessage> next_unsolicited(std::chrono::milliseconds timeout);

  // Replaces the normal answer to a request when it returns a message; a message of type
  // UNDEFINED means no answer now (the caller answers later with send_raw).
  using reply_override =
      std::function<std::optional<protos::ChaincodeMessage>(const protos::ChaincodeMessage&)>;
  void set_reply_override(reply_override override_reply);
  // Answers INVOKE_CHAINCODE: given the ChaincodeSpec and the request, returns the callee's
  // COMPLETED or ERROR message (sent back wrapped in a RESPONSE). Default: an ERROR reply.
  using invoke_handler = std::function<protos::ChaincodeMessage(
      const protos::ChaincodeSpec&, const protos::ChaincodeMessage& request)>;
  void set_invoke_handler(invoke_handler handler);

  memory_ledger& ledger() noexcept { return ledger_; }

  // Ends the stream and waits for the chaincode to close its side.
  void close();

  // A msp.SerializedIdentity.
  static std::string serialized_identity(const std::string& msp_id, const std::string& id_bytes);
  // The SignedProposal bytes a client would send for request (tx_id filled in).
  static std::string build_signed_proposal(transaction_request& request);

 private:
  struct in_flight;
  class stream_end;
  class client_end;
  class server_end;
  class register_service;
  struct open_query {
    std::vector<std::string> rows;  // serialized queryresult.KV or KeyModification
    std::size_t next = 0;
    std::string tx_key;
  };

  std::future<transaction_result> submit_with(const transaction_request& request,
                                              std::function<void(transaction_result)> on_done);
  void read_loop();
  void handle(protos::ChaincodeMessage& message);
  void answer_request(const protos::ChaincodeMessage& request);
  protos::ChaincodeMessage serve_request(const protos::ChaincodeMessage& request, in_flight& tx);
  protos::QueryResponse next_batch(const std::string& id, open_query& query);
  void complete(protos::ChaincodeMessage& message);
  void write(const protos::ChaincodeMessage& message);
  void handshake();

  driver_options options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<register_service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<stream_end> stream_;
  std::string registered_id_;
  protos::ChaincodeMessage first_message_;
  std::thread reader_;
  std::mutex write_mutex_;  // guards the three below
  std::vector<protos::ChaincodeMessage> outgoing_;
  bool writing_ = false;
  bool write_failed_ = false;

  std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<in_flight>> transactions_;  // channel \0 txid
  std::map<std::string, open_query> queries_;
  uint64_t next_query_id_ = 1;
  std::deque<protos::ChaincodeMessage> unsolicited_;
  reply_override override_reply_;
  invoke_handler invoke_handler_;
  std::vector<std::thread> helpers_;
  bool stream_ended_ = false;
  bool closed_ = false;
  memory_ledger ledger_;
};

}  // namespace scc::ccaas::driver

#endif  // SCC_CCAAS_PEER_DRIVER_HPP
