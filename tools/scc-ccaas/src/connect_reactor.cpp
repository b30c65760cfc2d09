#include "connect_reactor.hpp"

#include "session_log.hpp"

namespace scc::ccaas {

connect_reactor::connect_reactor(grpc::CallbackServerContext* context,
                                 scc::host::plugin_instance& plugin,
                                 const std::string& chaincode_id)
    : peer_(context->peer()), session_(plugin, chaincode_id) {
  log::info("peer " + peer_ + " connected");
  session_.attach(*this);
  session_.start();
  StartRead(&incoming_);
}

void connect_reactor::OnReadDone(bool ok) {
  if (ok) {
    session_.handle(incoming_);
    StartRead(&incoming_);
    return;
  }
  // The peer has gone (or the server is shutting down). Ending the session waits for its
  // transactions, which must not happen on a gRPC thread.
  ender_ = std::thread([this] {
    session_.end();
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      reading_done_ = true;
    }
    finish_when_written();
  });
}

bool connect_reactor::read(protos::ChaincodeMessage&) { return false; }

bool connect_reactor::write(protos::ChaincodeMessage&& message, bool) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (write_failed_ || finished_) return false;
  if (write_in_flight_) {
    outgoing_.push_back(std::move(message));
    return true;
  }
  write_in_flight_ = true;
  outgoing_.push_back(std::move(message));
  StartWrite(&outgoing_.front());
  return true;
}

void connect_reactor::OnWriteDone(bool ok) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    outgoing_.pop_front();
    if (!ok) {
      write_failed_ = true;
      outgoing_.clear();
    }
    if (!outgoing_.empty()) {
      StartWrite(&outgoing_.front());
      return;
    }
    write_in_flight_ = false;
  }
  finish_when_written();
}

void connect_reactor::finish_when_written() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!reading_done_ || write_in_flight_ || finished_) return;
    finished_ = true;
  }
  // Last use of this object here: OnDone, which deletes it, may follow at once.
  Finish(grpc::Status::OK);
}

void connect_reactor::OnDone() {
  log::info("peer " + peer_ + " disconnected");
  // OnDone may run on the ender thread itself (inside Finish); it cannot join itself.
  if (ender_.joinable()) {
    if (ender_.get_id() == std::this_thread::get_id()) {
      ender_.detach();
    } else {
      ender_.join();
    }
  }
  delete this;
}

}  // namespace scc::ccaas
