#include "server.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <thread>
#include <utility>
#include <vector>

#include "fatal_signals.hpp"
#include "framing.hpp"
#include "log.hpp"
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <fmt/core.h>

namespace scc::peer {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Requests of one connection that may await their replies before it stops reading more.
constexpr std::size_t max_awaiting_replies = 8192;
// How long a closing connection waits for the client to end its side after the last reply.
constexpr std::chrono::seconds drain_limit{2};

std::string frame_of(const Reply& reply) {
  std::string frame;
  const std::size_t size = reply.ByteSizeLong();
  frame.reserve(frame_header_size + size);
  append_frame_header(frame, static_cast<uint32_t>(size));
  reply.AppendToString(&frame);
  return frame;
}

std::string error_frame(uint64_t request_id, std::string message) {
  return frame_of(error_reply(request_id, std::move(message)));
}

}  // namespace

// The server's own network threads (server::run). Shared with them: they are detached.
class server::network_threads final : public thread_replacement,
                                      public std::enable_shared_from_this<network_threads> {
 public:
  // Thrown out of run() on a thread that came back from a plugin the watchdog gave up on: a
  // thread was started in its place, so it leaves.
  struct leave_thread {};

  explicit network_threads(asio::io_context& io) : io_(io) {}

  void start() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      ++running_;
    }
    std::thread([self = shared_from_this()] { self->loop(); }).detach();
  }

  // The watchdog gave up on a run on one of these threads.
  void lost() override {
    start();
    const std::lock_guard<std::mutex> lock(mutex_);
    --running_;  // join() does not wait for it
    changed_.notify_all();
  }

  // On that thread, back from its plugin: it leaves once its handler is done.
  void returned() override { leave_after_handler = true; }

  // Called by a handler of these threads when it is done.
  static void handler_done() {
    if (leave_after_handler) throw leave_thread{};
  }

  void join() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return running_ == 0; });
  }

  // For handle()'s `here`: this object on its own threads, nullptr on any other thread.
  thread_replacement* on_this_thread() noexcept { return current_owner == this ? this : nullptr; }

 private:
  void loop() {
    prepare_thread_for_fatal_signals();
    current_owner = this;
    try {
      io_.run();  // run(), not run_one(): asio keeps its per-thread handler memory for the run
    } catch (const leave_thread&) {
      return;  // no longer counted since lost()
    }
    current_owner = nullptr;
    const std::lock_guard<std::mutex> lock(mutex_);
    --running_;
    changed_.notify_all();
  }

  static thread_local network_threads* current_owner;
  static thread_local bool leave_after_handler;

  asio::io_context& io_;
  std::mutex mutex_;
  std::condition_variable changed_;
  unsigned running_ = 0;  // in run(), not inside a run the watchdog gave up on
};

thread_local server::network_threads* server::network_threads::current_owner = nullptr;
thread_local bool server::network_threads::leave_after_handler = false;

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(peer_node& node, std::shared_ptr<server::registry> registry,
             std::shared_ptr<server::network_threads> threads,
             asio::io_context::executor_type network, tcp::socket socket, uint64_t id,
             uint32_t frame_limit)
      : node_(node),
        registry_(std::move(registry)),
        threads_(std::move(threads)),
        network_(network),
        socket_(std::move(socket)),
        strand_(socket_.get_executor()),
        drain_timer_(strand_),
        id_(id),
        frame_limit_(frame_limit),
        reader_(frame_limit) {}

  ~connection() {
    const std::lock_guard<std::mutex> lock(registry_->mutex);
    registry_->connections.erase(id_);
  }

  void start() {
    asio::dispatch(strand_, [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      self->read();
    });
  }

  // Any thread: serialises here, writes on the strand.
  void send(const Reply& reply) {
    std::string frame = frame_of(reply);
    if (frame.size() - frame_header_size > frame_limit_) {
      frame = error_frame(reply.request_id(),
                          fmt::format("the reply is {} bytes, more than the frame limit of {} "
                                      "bytes (sccPeer.maxFrameBytes)",
                                      frame.size() - frame_header_size, frame_limit_));
    }
    // Deferred: on a network thread (a query that ran there) the write follows on this thread
    // once the current handler returns, instead of waking another.
    asio::defer(strand_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
      --self->awaiting_;
      self->enqueue(std::move(frame));
      if (self->paused_ && self->awaiting_ < max_awaiting_replies / 2) {
        self->paused_ = false;
        self->read();
      }
    });
  }

  void stop_reading() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->stop_reading_ = true; });
  }

  void close_when_idle() {
    asio::dispatch(strand_, [self = shared_from_this()] {
      self->closing_ = true;
      self->maybe_close();
    });
  }

  void close_now() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->close(); });
  }

 private:
  void read() {
    if (closed_ || failed_ || stop_reading_ || read_active_ || closing_) return;
    if (awaiting_ >= max_awaiting_replies) {
      paused_ = true;
      return;
    }
    auto [space, size] = reader_.prepare();
    read_active_ = true;
    socket_.async_read_some(
        asio::buffer(space, size),
        asio::bind_executor(strand_, [self = shared_from_this()](
                                         const boost::system::error_code& error,
                                         std::size_t bytes) { self->on_read(error, bytes); }));
  }

  void on_read(const boost::system::error_code& error, std::size_t bytes) {
    read_active_ = false;
    if (closed_) return;
    if (draining_) return error ? close() : discard_input();
    if (error) {
      input_ended_ = true;
      if (error == asio::error::eof && reader_.buffered() > 0) {
        const uint32_t announced = reader_.announced_length();
        return fail(announced == 0
                        ? fmt::format("truncated frame: the connection ended after {} of the 4 "
                                      "header bytes",
                                      reader_.buffered())
                        : fmt::format("truncated frame: the header announces {} bytes, the "
                                      "connection ended after {}",
                                      announced, reader_.buffered() - frame_header_size));
      }
      // The client is done sending; answer what it asked, then close.
      closing_ = true;
      return maybe_close();
    }
    reader_.commit(bytes);
    for (;;) {
      std::string_view body;
      const frame_reader::result next = reader_.next(body);
      if (next == frame_reader::result::incomplete) break;
      if (next == frame_reader::result::oversize) {
        return fail(
            fmt::format("frame of {} bytes exceeds the frame limit of {} bytes "
                        "(sccPeer.maxFrameBytes)",
                        reader_.announced_length(), reader_.limit()));
      }
      Request request;
      if (!request.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        return fail(fmt::format("undecodable frame: its {} bytes are not an scc.peer.Request",
                                body.size()));
      }
      if (stop_reading_) {
        enqueue(error_frame(request.request_id(), "the peer is shutting down"));
        continue;
      }
      ++awaiting_;
      if (threads_ && (request.has_invoke() || request.has_query())) {
        // Its chaincode runs on this network thread, after this handler and outside the
        // strand: the connection goes on reading, writing and answering a timeout meanwhile.
        asio::defer(network_, [self = shared_from_this(), request = std::move(request)]() mutable {
          self->node_.handle(
              std::move(request), [self](Reply reply) { self->send(reply); },
              self->threads_->on_this_thread());
          server::network_threads::handler_done();
        });
        continue;
      }
      node_.handle(std::move(request),
                   [self = shared_from_this()](Reply reply) { self->send(reply); });
      if (failed_ || closed_) return;
    }
    read();
  }

  // Refuses the stream: the requests read before the bad frame are answered first, then one
  // error reply (request_id 0) ends the stream, so a client that reads up to that Error has
  // every answer it will get. Input is discarded meanwhile, so a client that goes on writing
  // cannot block on a full socket while the peer waits for the replies.
  void fail(std::string message) {
    log::warning("connection {} ({}): {}; closing it", id_, peer_name(), message);
    failed_ = true;
    stream_error_ = std::move(message);
    discard_input();
    maybe_close();
  }

  void enqueue(std::string frame) {
    if (closed_) return;
    queued_.push_back(std::move(frame));
    write();
  }

  void write() {
    if (write_active_ || closed_) return;
    if (queued_.empty()) return maybe_close();
    writing_.swap(queued_);
    buffers_.clear();
    for (const std::string& frame : writing_) buffers_.emplace_back(frame.data(), frame.size());
    write_active_ = true;
    asio::async_write(
        socket_, buffers_,
        asio::bind_executor(strand_, [self = shared_from_this()](
                                         const boost::system::error_code& error, std::size_t) {
          self->write_active_ = false;
          self->writing_.clear();
          if (error) return self->close();
          self->write();
        }));
  }

  void maybe_close() {
    if (closed_ || draining_ || (!failed_ && !closing_) || awaiting_ > 0) return;
    if (failed_ && !stream_error_sent_) {
      // Queued behind the last reply, in the same write if that one is still waiting.
      stream_error_sent_ = true;
      return enqueue(error_frame(0, std::move(stream_error_)));
    }
    if (write_active_ || !queued_.empty()) return;
    end_gracefully();
  }

  // Every reply is written. Closing now, with requests the peer did not read still in the
  // socket, would make the kernel reset the connection and drop replies the client has not
  // read yet. So: end the sending side (the client reads every reply, then the end), discard
  // what still arrives until the client ends its side, then close.
  void end_gracefully() {
    if (input_ended_) return close();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    draining_ = true;
    drain_timer_.expires_after(drain_limit);
    drain_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->close();
    });
    discard_input();
  }

  // Reads and drops what the client sends until it ends its side. Once draining, that end (or a
  // failed read) closes the connection; before, it is only noted.
  void discard_input() {
    if (closed_ || read_active_ || input_ended_) return;
    read_active_ = true;
    socket_.async_read_some(
        asio::buffer(discard_),
        asio::bind_executor(strand_, [self = shared_from_this()](
                                         const boost::system::error_code& error, std::size_t) {
          self->read_active_ = false;
          if (self->closed_) return;
          if (error) {
            if (self->draining_ || error != asio::error::eof) return self->close();
            self->input_ended_ = true;
            return self->maybe_close();
          }
          self->discard_input();
        }));
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    drain_timer_.cancel();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  std::string peer_name() const {
    boost::system::error_code error;
    const tcp::endpoint remote = socket_.remote_endpoint(error);
    if (error) return "?";
    return remote.address().to_string() + ":" + std::to_string(remote.port());
  }

  peer_node& node_;
  std::shared_ptr<server::registry> registry_;
  std::shared_ptr<server::network_threads> threads_;  // null: the server runs no threads
  asio::io_context::executor_type network_;           // the io_context, without the strand
  tcp::socket socket_;
  asio::any_io_executor strand_;  // the socket's executor: a strand, see server::accept
  asio::steady_timer drain_timer_;
  uint64_t id_;
  uint32_t frame_limit_;
  frame_reader reader_;
  std::vector<std::string> queued_;
  std::vector<std::string> writing_;
  std::vector<asio::const_buffer> buffers_;
  std::size_t awaiting_ = 0;
  bool read_active_ = false;
  bool write_active_ = false;
  bool paused_ = false;
  bool stop_reading_ = false;
  bool closing_ = false;
  bool failed_ = false;  // the stream went bad: stream_error_ ends it
  bool stream_error_sent_ = false;
  std::string stream_error_;
  bool input_ended_ = false;  // the client ended its side
  bool draining_ = false;     // replies all written, discarding input until the client ends
  bool closed_ = false;
  std::array<char, 16 * 1024> discard_;
};

server::server(asio::io_context& io, peer_node& node, const std::string& listen_address,
               uint32_t frame_limit)
    : io_(io),
      node_(node),
      frame_limit_(frame_limit),
      acceptor_(io),
      keep_running_(boost::asio::make_work_guard(io)) {
  const std::optional<host_port> where = split_host_port(listen_address);
  if (!where) {
    throw startup_error("peer.listenAddress '" + listen_address + "' is not HOST:PORT");
  }
  try {
    tcp::resolver resolver(io);
    const auto endpoints =
        resolver.resolve(where->host, std::to_string(where->port),
                         tcp::resolver::passive | tcp::resolver::numeric_service);
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& failure) {
    throw startup_error(fmt::format("cannot listen on {} (peer.listenAddress): {}", listen_address,
                                    failure.code().message()));
  }
}

server::~server() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

std::vector<std::shared_ptr<connection>> server::live_connections() {
  std::vector<std::shared_ptr<connection>> out;
  const std::lock_guard<std::mutex> lock(registry_->mutex);
  for (auto& [id, weak] : registry_->connections) {
    if (auto live = weak.lock()) out.push_back(std::move(live));
  }
  return out;
}

tcp::endpoint server::local_endpoint() const { return acceptor_.local_endpoint(); }

void server::start() { accept(); }

void server::run(unsigned threads) {
  if (!threads_) threads_ = std::make_shared<network_threads>(io_);
  for (unsigned index = 0; index < std::max(1u, threads); ++index) threads_->start();
}

void server::join() {
  if (threads_) threads_->join();
}

void server::accept() {
  acceptor_.async_accept(
      asio::make_strand(io_), [this](const boost::system::error_code& error, tcp::socket socket) {
        if (error) {
          if (error == asio::error::operation_aborted || stopping_) return;
          log::warning("accept failed: {}", error.message());
        } else {
          std::shared_ptr<connection> accepted;
          {
            const std::lock_guard<std::mutex> lock(registry_->mutex);
            const uint64_t id = registry_->next_id++;
            accepted = std::make_shared<connection>(node_, registry_, threads_, io_.get_executor(),
                                                    std::move(socket), id, frame_limit_);
            registry_->connections.emplace(id, accepted);
          }
          log::debug("connection accepted");
          accepted->start();
        }
        if (!stopping_) accept();
      });
}

void server::stop_accepting() {
  stopping_ = true;
  asio::dispatch(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  for (const auto& live : live_connections()) live->stop_reading();
}

bool server::close_connections(std::chrono::milliseconds grace) {
  for (const auto& live : live_connections()) live->close_when_idle();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      const std::lock_guard<std::mutex> lock(registry_->mutex);
      if (registry_->connections.empty()) {
        keep_running_.reset();
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const auto& live : live_connections()) live->close_now();
  keep_running_.reset();
  return false;
}

}  // namespace scc::peer
