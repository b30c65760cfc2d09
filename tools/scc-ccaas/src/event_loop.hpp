// event_loop.hpp - every protos.Chaincode/Connect stream of a server on one thread, with gRPC's
// asynchronous API: the thread waits on the completion queue, reads and writes the streams and
// runs the sessions' fibers. A transaction then costs no thread wake-up at all while messages
// keep coming; only an idle server sleeps.
#ifndef SCC_CCAAS_EVENT_LOOP_HPP
#define SCC_CCAAS_EVENT_LOOP_HPP

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include <scc/host/plugin_instance.hpp>

#include "peer/chaincode_shim.grpc.pb.h"

namespace scc::ccaas {

class fiber_gate;

class event_loop_server {
 public:
  event_loop_server(scc::host::plugin_instance& plugin, std::string chaincode_id);
  ~event_loop_server();
  event_loop_server(const event_loop_server&) = delete;
  event_loop_server& operator=(const event_loop_server&) = delete;

  // Before BuildAndStart.
  void add_to(grpc::ServerBuilder& builder);
  // After BuildAndStart: starts the loop's thread.
  void start();
  // After server->Shutdown(): waits for the streams to finish (no operation may start on a
  // queue that is shutting down), then drains the queue and joins the thread.
  void stop();

 private:
  class call;
  friend class call;
  void accept_next();
  void loop();

  scc::host::plugin_instance& plugin_;
  const std::string chaincode_id_;
  protos::Chaincode::AsyncService service_;
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  std::shared_ptr<fiber_gate> gate_;
  std::mutex calls_mutex_;  // guards calls_: stop() waits for it to empty
  std::condition_variable calls_ended_;
  std::set<call*> calls_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_EVENT_LOOP_HPP
