// chaincode_session.hpp - the chaincode side of one peer stream: handshake, then transactions.
//
//   chaincode -> peer  REGISTER {ChaincodeID.name}
//   peer -> chaincode  REGISTERED, READY
//   peer -> chaincode  INIT / TRANSACTION {txid, channel_id, ChaincodeInput, SignedProposal}
//   chaincode -> peer  GET_STATE, PUT_STATE, ... with the same txid and channel_id; the peer
//                      answers each with RESPONSE or ERROR
//   chaincode -> peer  COMPLETED {Response, ChaincodeEvent} (or ERROR for a failed init)
//
// Transactions run on their own threads and interleave on the stream; each has at most one
// request outstanding, so a reply is matched to its transaction by channel and txid alone.
// A reply nobody waits for, or a message that cannot be decoded, is answered with ERROR; a
// message type this side does not know is logged and ignored. Nothing the peer sends ends the
// session except the end of the stream.
#ifndef SCC_CCAAS_CHAINCODE_SESSION_HPP
#define SCC_CCAAS_CHAINCODE_SESSION_HPP

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "message_stream.hpp"
#include "peer/chaincode_shim.pb.h"

#include <scc/host/plugin_instance.hpp>

namespace scc::ccaas {

class fiber;
class fiber_gate;

// How transactions run.
//   fibers   each on its own stack, on the one thread that reads the stream (run(), or an
//            event loop calling handle and flush): a transaction waiting for the peer yields,
//            the reply resumes it. No thread hand-offs, but plugin code that computes or blocks
//            for long holds up every stream of that thread.
//   threads  each on a thread of its own: a blocking or busy thread-safe plugin does not hold
//            up the others, at the price of waking a thread for every message.
enum class executor { fibers, threads };

class chaincode_session {
 public:
  // gate: shared by sessions whose fibers run on one thread (fibers only); none: its own.
  chaincode_session(scc::host::plugin_instance& plugin, std::string chaincode_id,
                    executor how = executor::threads, std::shared_ptr<fiber_gate> gate = nullptr);
  ~chaincode_session();
  chaincode_session(const chaincode_session&) = delete;
  chaincode_session& operator=(const chaincode_session&) = delete;

  // Registers and serves until the stream ends; returns once every transaction it started has
  // finished. Call once per session. The same as attach, start, handle for each message read,
  // and end.
  void run(message_stream& stream);

  // For transports that deliver messages as they come (gRPC's callback API with threads, an
  // event loop with fibers): attach the stream (only its write is used), start (sends
  // REGISTER), then handle each message (never blocks), and end once no more will come (with
  // threads it blocks until the session's transactions have finished). With fibers, flush after
  // each message.
  void attach(message_stream& stream) { stream_ = &stream; }
  void start();
  void handle(protos::ChaincodeMessage& message);
  void end();
  // Fibers: writes what the handled messages produced (run() does it after each message).
  void flush();

  // For the transactions: sends request (its txid and channel_id name the transaction) and
  // waits for the peer's RESPONSE or ERROR. Throws scc::host::error when the stream ends first.
  protos::ChaincodeMessage exchange(protos::ChaincodeMessage request);

  // Sends one message; false once the stream is broken.
  bool send(protos::ChaincodeMessage message);

 private:
  enum class state { created, established, ready };
  // Each transaction waits on its own lock, so that a reply wakes exactly its thread without
  // contending with the reader for the session's lock.
  struct running_transaction {
    std::mutex mutex;
    bool waiting = false;
    bool stream_ended = false;
    std::optional<protos::ChaincodeMessage> reply;
    std::condition_variable replied;
    fiber* runner = nullptr;  // fibers: the fiber running this transaction
  };

  bool write_failed();
  void launch_fiber(std::shared_ptr<protos::ChaincodeMessage> message);
  void resume(fiber& runner);
  void start_transaction(protos::ChaincodeMessage& message);
  void execute(const protos::ChaincodeMessage& message);
  void deliver_reply(protos::ChaincodeMessage& message);
  void answer_error(const protos::ChaincodeMessage& to, const std::string& text);
  void finish_transaction(const std::string& key);

  scc::host::plugin_instance& plugin_;
  const std::string chaincode_id_;
  message_stream* stream_ = nullptr;
  state state_ = state::created;

  // Outgoing messages. Whoever finds no write in progress writes the queue out, including what
  // other threads add meanwhile, so that concurrent transactions share flushes.
  std::mutex write_mutex_;
  std::vector<protos::ChaincodeMessage> outgoing_;
  bool writing_ = false;
  bool write_failed_ = false;
  std::mutex mutex_;  // guards everything below
  std::unordered_map<std::string, std::shared_ptr<running_transaction>> transactions_;
  bool stream_ended_ = false;
  std::condition_variable all_finished_;
  struct pool_holder;
  std::unique_ptr<pool_holder> pool_;

  // fibers only; touched by the session's one thread alone.
  const executor executor_;
  std::unordered_map<fiber*, std::unique_ptr<fiber>> fibers_;
  // A plugin that is not thread-safe runs one transaction at a time: the others wait here.
  std::shared_ptr<fiber_gate> gate_;
};

// The key a reply is matched by: Fabric's shims use channel id and txid together.
std::string transaction_key(const std::string& channel_id, const std::string& tx_id);

const char* message_type_name(int type);

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_CHAINCODE_SESSION_HPP
