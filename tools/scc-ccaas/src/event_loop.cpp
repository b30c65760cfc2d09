#include "event_loop.hpp"

#include <deque>

#include "chaincode_session.hpp"
#include "fiber_gate.hpp"
#include "message_stream.hpp"
#include "session_log.hpp"

namespace scc::ccaas {

namespace {

// What a completion-queue tag stands for.
enum class operation { accepted, read, write, finished };

}  // namespace

class event_loop_server::call final : private message_stream {
 public:
  // Tags: one per kind of operation, each pointing back at its call.
  struct tag {
    call* owner;
    operation what;
  };

  explicit call(event_loop_server& server)
      : server_(server),
        stream_(&context_),
        session_(server.plugin_, server.chaincode_id_, executor::fibers, server.gate_) {
    server.service_.RequestConnect(&context_, &stream_, server.queue_.get(), server.queue_.get(),
                                   &accepted_);
  }

  // waited: the loop slept for this completion (nothing else was ready).
  void on(operation what, bool ok, bool waited) {
    switch (what) {
      case operation::accepted:
        if (!ok) {  // the server is shutting down
          delete this;
          return;
        }
        server_.accept_next();
        {
          const std::lock_guard<std::mutex> lock(server_.calls_mutex_);
          server_.calls_.insert(this);
        }
        peer_ = context_.peer();
        log::info("peer " + peer_ + " connected");
        session_.attach(*this);
        session_.start();
        read_next();
        return;
      case operation::read:
        if (ok) {
          session_.handle(incoming_);
          // Asking for the next message makes gRPC send the peer a WINDOW_UPDATE at once. When
          // messages come one at a time, the answer goes first, so that the two reach the peer
          // together instead of waking it twice; when they come in bursts, the next one is read
          // before anything is written, so that the answers leave together.
          if (waited) {
            read_after_flush_ = true;
          } else {
            read_next();
          }
          return;
        }
        reading_done_ = true;
        session_.end();
        finish_when_written();
        return;
      case operation::write:
        outgoing_.pop_front();
        writing_ = false;
        if (!ok) {
          write_failed_ = true;
          outgoing_.clear();
        }
        if (outgoing_.empty()) {
          finish_when_written();
        } else if (outgoing_.size() > 1 || outgoing_.front().more_follows) {
          start_write();  // held back by the transport: completes at once
        }
        // else the last one waits for flush(): what the loop still handles may join it.
        return;
      case operation::finished:
        log::info("peer " + peer_ + " disconnected");
        {
          const std::lock_guard<std::mutex> lock(server_.calls_mutex_);
          server_.calls_.erase(this);
          if (server_.calls_.empty()) server_.calls_ended_.notify_all();
        }
        delete this;
        return;
    }
  }

  // The loop has handled everything that was ready: write out what the session produced.
  void flush() {
    session_.flush();
    if (!writing_ && !outgoing_.empty()) start_write();
    if (read_after_flush_) {
      read_after_flush_ = false;
      read_next();
    }
  }

 private:
  bool read(protos::ChaincodeMessage&) override { return false; }

  bool write(protos::ChaincodeMessage&& message, bool more_follows) override {
    if (write_failed_ || finishing_) return false;
    outgoing_.push_back({std::move(message), more_follows});
    return true;
  }

  void start_write() {
    writing_ = true;
    grpc::WriteOptions options;
    // Held back while others wait behind it: the last of a run goes out with all of them.
    if (outgoing_.front().more_follows || outgoing_.size() > 1) options.set_buffer_hint();
    stream_.Write(outgoing_.front().message, options, &wrote_);
  }

  void read_next() { stream_.Read(&incoming_, &read_); }

  void finish_when_written() {
    if (!reading_done_ || writing_ || !outgoing_.empty() || finishing_) return;
    finishing_ = true;
    stream_.Finish(grpc::Status::OK, &finished_);
  }

  struct pending_write {
    protos::ChaincodeMessage message;
    bool more_follows;
  };

  event_loop_server& server_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage> stream_;
  chaincode_session session_;
  std::string peer_;
  protos::ChaincodeMessage incoming_;
  std::deque<pending_write> outgoing_;
  bool writing_ = false;
  bool write_failed_ = false;
  bool reading_done_ = false;
  bool finishing_ = false;
  bool read_after_flush_ = false;
  tag accepted_{this, operation::accepted};
  tag read_{this, operation::read};
  tag wrote_{this, operation::write};
  tag finished_{this, operation::finished};
};

event_loop_server::event_loop_server(scc::host::plugin_instance& plugin, std::string chaincode_id)
    : plugin_(plugin),
      chaincode_id_(std::move(chaincode_id)),
      gate_(std::make_shared<fiber_gate>()) {}

event_loop_server::~event_loop_server() { stop(); }

void event_loop_server::add_to(grpc::ServerBuilder& builder) {
  builder.RegisterService(&service_);
  queue_ = builder.AddCompletionQueue();
}

void event_loop_server::accept_next() { new call(*this); }

void event_loop_server::start() {
  accept_next();
  thread_ = std::thread([this] { loop(); });
}

void event_loop_server::loop() {
  void* raw = nullptr;
  bool ok = false;
  while (queue_->Next(&raw, &ok)) {
    auto* done = static_cast<call::tag*>(raw);
    done->owner->on(done->what, ok, true);
    // Everything already received is handled before anything is written: with many
    // transactions in flight, a read brings in many messages, and their answers then leave in
    // one write (one system call, one wake-up of the peer) instead of one each.
    bool shutting_down = false;
    for (;;) {
      const auto next = queue_->AsyncNext(&raw, &ok, gpr_time_0(GPR_CLOCK_MONOTONIC));
      if (next != grpc::CompletionQueue::GOT_EVENT) {
        shutting_down = next == grpc::CompletionQueue::SHUTDOWN;
        break;
      }
      done = static_cast<call::tag*>(raw);
      done->owner->on(done->what, ok, false);
    }
    // A transaction one session finished may have let another session's start (fiber_gate):
    // write out what every session has produced.
    // Only this thread changes calls_, so reading it here needs no lock.
    for (call* live : calls_) live->flush();
    if (shutting_down) return;
  }
}

void event_loop_server::stop() {
  if (!queue_ || stopped_) return;
  stopped_ = true;
  {
    std::unique_lock<std::mutex> lock(calls_mutex_);
    calls_ended_.wait_for(lock, std::chrono::seconds(5), [this] { return calls_.empty(); });
  }
  queue_->Shutdown();
  if (thread_.joinable()) {
    thread_.join();
    return;
  }
  // Never started (the server did not come up): a queue must be drained before it goes.
  void* ignored_tag = nullptr;
  bool ignored_ok = false;
  while (queue_->Next(&ignored_tag, &ignored_ok)) {
  }
}

}  // namespace scc::ccaas
