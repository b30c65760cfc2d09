// connect_reactor.hpp - one peer's protos.Chaincode/Connect stream on gRPC's callback API.
//
// gRPC's own threads read and write; messages go straight to the session, which hands
// transactions to its threads. Compared with the synchronous API this saves the thread
// hand-offs of blocking reads and writes, which dominate the cost of a transaction.
#ifndef SCC_CCAAS_CONNECT_REACTOR_HPP
#define SCC_CCAAS_CONNECT_REACTOR_HPP

#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "chaincode_session.hpp"
#include "message_stream.hpp"
#include "peer/chaincode_shim.grpc.pb.h"
#include <grpcpp/grpcpp.h>

namespace scc::ccaas {

class connect_reactor final
    : public grpc::ServerBidiReactor<protos::ChaincodeMessage, protos::ChaincodeMessage>,
      private message_stream {
 public:
  connect_reactor(grpc::CallbackServerContext* context, scc::host::plugin_instance& plugin,
                  const std::string& chaincode_id);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // message_stream: writes are queued and sent one at a time, as the callback API requires.
  bool read(protos::ChaincodeMessage& message) override;
  bool write(protos::ChaincodeMessage&& message, bool more_follows) override;
  void finish_when_written();

  std::string peer_;
  chaincode_session session_;
  protos::ChaincodeMessage incoming_;
  std::mutex mutex_;  // guards the write state below
  std::deque<protos::ChaincodeMessage> outgoing_;
  bool write_in_flight_ = false;
  bool write_failed_ = false;
  bool reading_done_ = false;
  bool finished_ = false;
  std::thread ender_;  // waits for the session's transactions once the peer has gone
};

class connect_service final : public protos::Chaincode::CallbackService {
 public:
  connect_service(scc::host::plugin_instance& plugin, std::string chaincode_id)
      : plugin_(plugin), chaincode_id_(std::move(chaincode_id)) {}

  grpc::ServerBidiReactor<protos::ChaincodeMessage, protos::ChaincodeMessage>* Connect(
      grpc::CallbackServerContext* context) override {
    return new connect_reactor(context, plugin_, chaincode_id_);
  }

 private:
  scc::host::plugin_instance& plugin_;
  const std::string chaincode_id_;
};

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_CONNECT_REACTOR_HPP
