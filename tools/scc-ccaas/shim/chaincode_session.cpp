#include "chaincode_session.hpp"

#include "fiber.hpp"
#include "fiber_gate.hpp"
#include "peer/chaincode.pb.h"
#include "peer/proposal_response.pb.h"
#include "proposal_decoder.hpp"
#include "remote_transaction.hpp"
#include "session_log.hpp"
#include "task_pool.hpp"

namespace scc::ccaas {

using protos::ChaincodeMessage;

struct chaincode_session::pool_holder {
  task_pool pool;
};

std::string transaction_key(const std::string& channel_id, const std::string& tx_id) {
  std::string key;
  key.reserve(channel_id.size() + 1 + tx_id.size());
  // A NUL cannot occur in a channel name, so the pair maps to exactly one key.
  key.append(channel_id).push_back('\0');
  key.append(tx_id);
  return key;
}

const char* message_type_name(int type) {
  if (ChaincodeMessage::Type_IsValid(type)) {
    return ChaincodeMessage::Type_Name(static_cast<ChaincodeMessage::Type>(type)).c_str();
  }
  return "UNKNOWN";
}

namespace {

const char* state_name(int value) {
  static constexpr const char* names[] = {"created", "established", "ready"};
  return names[value];
}

std::string short_id(const std::string& tx_id) { return tx_id.substr(0, 8); }

}  // namespace

chaincode_session::chaincode_session(scc::host::plugin_instance& plugin, std::string chaincode_id,
                                     executor how, std::shared_ptr<fiber_gate> gate)
    : plugin_(plugin),
      chaincode_id_(std::move(chaincode_id)),
      pool_(new pool_holder),
      executor_(how),
      gate_(gate ? std::move(gate) : std::make_shared<fiber_gate>()) {}

chaincode_session::~chaincode_session() = default;

namespace {

void trace(const char* direction, const ChaincodeMessage& message) {
  if (!log::enabled(scc::log_level::debug)) return;
  log::debug(std::string(direction) + " " + message_type_name(message.type()) + " txid '" +
             message.txid() + "' channel '" + message.channel_id() + "' (" +
             std::to_string(message.payload().size()) + " payload bytes)");
}

}  // namespace

bool chaincode_session::send(ChaincodeMessage message) {
  trace("sent", message);
  std::unique_lock<std::mutex> lock(write_mutex_);
  if (write_failed_) return false;
  outgoing_.push_back(std::move(message));
  // Fibers: the reading thread writes everything out once it has handled a message.
  if (executor_ == executor::fibers) return true;
  if (writing_) return true;  // the thread writing now sends it too
  writing_ = true;
  std::vector<ChaincodeMessage> batch;
  while (!outgoing_.empty() && !write_failed_) {
    batch.swap(outgoing_);
    lock.unlock();
    bool ok = true;
    for (std::size_t i = 0; i < batch.size() && ok; ++i) {
      ok = stream_->write(std::move(batch[i]), i + 1 < batch.size());
    }
    batch.clear();
    lock.lock();
    if (!ok) write_failed_ = true;
  }
  writing_ = false;
  return !write_failed_;
}

void chaincode_session::answer_error(const ChaincodeMessage& to, const std::string& text) {
  ChaincodeMessage error;
  error.set_type(ChaincodeMessage::ERROR);
  error.set_payload(text);
  error.set_txid(to.txid());
  error.set_channel_id(to.channel_id());
  send(std::move(error));
}

void chaincode_session::run(message_stream& stream) {
  attach(stream);
  start();
  flush();
  ChaincodeMessage message;
  while (!write_failed() && stream.read(message)) {
    handle(message);
    flush();
  }
  end();
}

void chaincode_session::flush() {
  if (executor_ != executor::fibers) return;
  std::vector<ChaincodeMessage> batch;
  {
    const std::lock_guard<std::mutex> lock(write_mutex_);
    batch.swap(outgoing_);
  }
  bool ok = true;
  for (std::size_t i = 0; i < batch.size() && ok; ++i) {
    ok = stream_->write(std::move(batch[i]), i + 1 < batch.size());
  }
  if (!ok) {
    const std::lock_guard<std::mutex> lock(write_mutex_);
    write_failed_ = true;
  }
}

bool chaincode_session::write_failed() {
  const std::lock_guard<std::mutex> lock(write_mutex_);
  return write_failed_;
}

void chaincode_session::start() {
  ChaincodeMessage registration;
  registration.set_type(ChaincodeMessage::REGISTER);
  protos::ChaincodeID id;
  id.set_name(chaincode_id_);
  registration.set_payload(id.SerializeAsString());
  if (!send(std::move(registration)))
    log::warning("the peer closed the stream before REGISTER could be sent");
}

void chaincode_session::end() {
  if (executor_ == executor::fibers) {
    // Every waiting transaction learns that the stream has gone; those not started never run.
    std::vector<std::shared_ptr<running_transaction>> waiting;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stream_ended_ = true;
      for (auto& [key, tx] : transactions_) {
        tx->stream_ended = true;
        if (tx->runner != nullptr) waiting.push_back(tx);
      }
    }
    gate_->drop(this);
    for (const auto& tx : waiting) {
      if (tx->runner != nullptr) resume(*tx->runner);
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    transactions_.clear();
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  stream_ended_ = true;
  for (auto& [key, tx] : transactions_) {
    {
      const std::lock_guard<std::mutex> tx_lock(tx->mutex);
      tx->stream_ended = true;
    }
    tx->replied.notify_all();
  }
  all_finished_.wait(lock, [this] { return transactions_.empty(); });
  lock.unlock();
  pool_.reset();  // joins the transaction threads
  pool_.reset(new pool_holder);
}

void chaincode_session::handle(ChaincodeMessage& message) {
  trace("received", message);
  const int type = message.type();
  if (type == ChaincodeMessage::KEEPALIVE) {
    // Fabric's Go shim echoes keepalives; the peer ignores what comes back.
    send(std::move(message));
    return;
  }
  if (!ChaincodeMessage::Type_IsValid(type)) {
    log::warning("ignoring a message of unknown type " + std::to_string(type) + " (txid '" +
                 message.txid() + "')");
    return;
  }
  if (state_ == state::created && type == ChaincodeMessage::REGISTERED) {
    state_ = state::established;
    return;
  }
  if (state_ == state::established && type == ChaincodeMessage::READY) {
    state_ = state::ready;
    log::info("registered with the peer as chaincode '" + chaincode_id_ + "'");
    return;
  }
  if (state_ == state::ready) {
    switch (type) {
      case ChaincodeMessage::INIT:
      case ChaincodeMessage::TRANSACTION:
        start_transaction(message);
        return;
      case ChaincodeMessage::RESPONSE:
      case ChaincodeMessage::ERROR:
        deliver_reply(message);
        return;
      case ChaincodeMessage::REGISTERED:
      case ChaincodeMessage::READY:
        return;  // repeated handshake messages change nothing
      default:
        break;
    }
  }
  const std::string text = "[" + short_id(message.txid()) +
                           "] Chaincode handler cannot handle message (" + message_type_name(type) +
                           ") while in state: " + state_name(static_cast<int>(state_));
  log::warning(text);
  answer_error(message, text);
}

void chaincode_session::start_transaction(ChaincodeMessage& message) {
  const std::string key = transaction_key(message.channel_id(), message.txid());
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!transactions_.emplace(key, std::make_shared<running_transaction>()).second) {
      answer_error(message, "[" + short_id(message.txid()) + "] channel exists: transaction " +
                                message.txid() + " is already running on channel '" +
                                message.channel_id() + "'");
      return;
    }
  }
  auto owned = std::make_shared<ChaincodeMessage>(std::move(message));
  if (executor_ == executor::fibers) {
    if (!plugin_.info().thread_safe() && gate_->busy()) {
      gate_->queue(this, [this, owned] { launch_fiber(owned); });
      return;
    }
    launch_fiber(std::move(owned));
    return;
  }
  pool_->pool.submit([this, owned] { execute(*owned); });
}

void chaincode_session::launch_fiber(std::shared_ptr<ChaincodeMessage> message) {
  if (!plugin_.info().thread_safe()) gate_->enter();
  auto runner = std::make_unique<fiber>([this, message] { execute(*message); });
  fiber& started = *runner;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = transactions_.find(transaction_key(message->channel_id(), message->txid()));
    if (found != transactions_.end()) found->second->runner = &started;
  }
  fibers_.emplace(&started, std::move(runner));
  resume(started);
}

// Runs a fiber until it yields or ends; an ended one is released, and with a plugin that is not
// thread-safe the next waiting transaction starts.
void chaincode_session::resume(fiber& runner) {
  runner.resume();
  if (!runner.finished()) return;
  fibers_.erase(&runner);
  if (!plugin_.info().thread_safe()) gate_->release();
}

void chaincode_session::execute(const ChaincodeMessage& message) {
  const std::string key = transaction_key(message.channel_id(), message.txid());
  ChaincodeMessage answer;
  answer.set_txid(message.txid());
  answer.set_channel_id(message.channel_id());
  try {
    decoded_invocation invocation = decode_invocation(message);
    remote_transaction tx(*this, std::move(invocation.context));
    const scc::response response = invocation.is_init ? plugin_.init(tx) : plugin_.invoke(tx);
    if (tx.event()) {
      answer.mutable_chaincode_event()->set_event_name(tx.event()->name);
      answer.mutable_chaincode_event()->set_payload(tx.event()->payload);
    }
    if (invocation.is_init && response.status >= 500) {
      // Fabric's Go shim answers a failed Init with ERROR, and a failed Invoke with COMPLETED:
      // the peer reports the former as "transaction returned with failure".
      answer.set_type(ChaincodeMessage::ERROR);
      answer.set_payload(response.message);
    } else {
      protos::Response wire;
      wire.set_status(response.status);
      wire.set_message(response.message);
      wire.set_payload(response.payload);
      answer.set_type(ChaincodeMessage::COMPLETED);
      answer.set_payload(wire.SerializeAsString());
    }
  } catch (const std::exception& e) {
    answer.clear_chaincode_event();
    answer.set_type(ChaincodeMessage::ERROR);
    answer.set_payload(e.what());
    log::warning("transaction " + message.txid() + " failed: " + e.what());
  }
  finish_transaction(key);
  send(std::move(answer));
}

void chaincode_session::finish_transaction(const std::string& key) {
  const std::lock_guard<std::mutex> lock(mutex_);
  transactions_.erase(key);
  if (transactions_.empty()) all_finished_.notify_all();
}

ChaincodeMessage chaincode_session::exchange(ChaincodeMessage request) {
  const std::string key = transaction_key(request.channel_id(), request.txid());
  std::shared_ptr<running_transaction> tx;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = transactions_.find(key);
    if (found == transactions_.end()) {
      throw scc::host::error(SCC_STATUS_INTERNAL, "no running transaction " + request.txid());
    }
    tx = found->second;
  }
  {
    const std::lock_guard<std::mutex> lock(tx->mutex);
    if (tx->stream_ended) {
      throw scc::host::error(SCC_STATUS_LEDGER_ERROR,
                             "the peer closed the chaincode stream during the transaction");
    }
    tx->waiting = true;
    tx->reply.reset();
  }
  if (executor_ == executor::fibers) {
    send(std::move(request));
    fiber::yield();  // the reply, or the end of the stream, resumes this fiber
    tx->waiting = false;
    if (!tx->reply) {
      throw scc::host::error(SCC_STATUS_LEDGER_ERROR,
                             "the peer closed the chaincode stream during the transaction");
    }
    ChaincodeMessage reply = std::move(*tx->reply);
    tx->reply.reset();
    return reply;
  }
  const int type = request.type();
  const bool sent = send(std::move(request));
  std::unique_lock<std::mutex> lock(tx->mutex);
  if (!sent) {
    tx->waiting = false;
    const std::string tx_id = key.substr(key.find('\0') + 1);
    throw scc::host::error(
        SCC_STATUS_LEDGER_ERROR,
        std::string("[") + short_id(tx_id) + "] error sending " + message_type_name(type));
  }
  tx->replied.wait(lock, [&] { return tx->reply.has_value() || tx->stream_ended; });
  tx->waiting = false;
  if (!tx->reply) {
    throw scc::host::error(SCC_STATUS_LEDGER_ERROR,
                           "the peer closed the chaincode stream during the transaction");
  }
  ChaincodeMessage reply = std::move(*tx->reply);
  tx->reply.reset();
  return reply;
}

void chaincode_session::deliver_reply(ChaincodeMessage& message) {
  const std::string key = transaction_key(message.channel_id(), message.txid());
  std::shared_ptr<running_transaction> tx;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = transactions_.find(key);
    if (found != transactions_.end()) tx = found->second;
  }
  if (tx) {
    std::unique_lock<std::mutex> lock(tx->mutex);
    if (tx->waiting && !tx->reply) {
      tx->reply = std::move(message);
      lock.unlock();
      if (executor_ == executor::fibers) {
        resume(*tx->runner);
      } else {
        tx->replied.notify_one();
      }
      return;
    }
  }
  const std::string text = "[" + short_id(message.txid()) + "] no request of transaction '" +
                           message.txid() + "' on channel '" + message.channel_id() +
                           "' is waiting for this " + message_type_name(message.type());
  log::warning(text);
  answer_error(message, text);
}

}  // namespace scc::ccaas
