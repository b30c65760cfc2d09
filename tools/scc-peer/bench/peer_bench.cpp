// scc-peer-bench: queries/s and durable invokes/s of scc-peer over its wire protocol with 1, 8
// and 32 connections, p50/p99 latency, measured in the same run as a bare Asio echo server that
// speaks the same framing with the same message sizes (the practical limit of this machine).
//
//   scc-peer-bench [--seconds S] [--client-threads N] [--server-threads N]
//                  [--invoke-window W] [--block-size N] [--block-timeout D] [--kvscc PATH]
//                  [--json]   (one JSON line per result instead of the table)
//
// The peer runs in this process (the same peer_node and server as the scc-peer binary) with a
// ledger in a temporary folder; the clients are asynchronous, each connection keeping a window
// of requests in flight. Query and echo runs use a window of 1 (one request, one reply);
// invokes use --invoke-window (default 64) per connection, since a durable invoke waits for its
// block and only pipelining fills blocks (group commit). The echo server is measured at both
// windows. Request frames are built before each run, so the clients spend their time on the
// wire, not on building proposals.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config.hpp"
#include "framing.hpp"
#include "log.hpp"
#include "peer_node.hpp"
#include "server.hpp"
#include <boost/asio.hpp>
#include <fmt/core.h>

#include <scc/ledger/identity.hpp>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace scc::peer;

namespace {

// ---- The echo server: same framing, a reply of the peer's reply size per request ----

// The request_id of a serialized Request or Reply: field 1, written first when non-zero.
uint64_t leading_request_id(std::string_view body) {
  if (body.empty() || body[0] != 0x08) return 0;
  uint64_t value = 0;
  for (std::size_t index = 1, shift = 0; index < body.size() && shift < 64; ++index, shift += 7) {
    const auto byte = static_cast<unsigned char>(body[index]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  return value;
}

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

class echo_session : public std::enable_shared_from_this<echo_session> {
 public:
  echo_session(tcp::socket socket, const std::string& reply_tail)
      : socket_(std::move(socket)), reply_tail_(reply_tail) {}
  void start() {
    socket_.set_option(tcp::no_delay(true));
    read();
  }

 private:
  void read() {
    auto [space, size] = reader_.prepare();
    socket_.async_read_some(
        asio::buffer(space, size),
        [self = shared_from_this()](boost::system::error_code error, std::size_t bytes) {
          if (error) return;
          self->reader_.commit(bytes);
          std::string_view body;
          while (self->reader_.next(body) == frame_reader::result::frame) {
            std::string reply = "\x08";
            append_varint(reply, leading_request_id(body));
            reply += self->reply_tail_;
            append_frame_header(self->queued_, static_cast<uint32_t>(reply.size()));
            self->queued_ += reply;
          }
          self->write();
          self->read();
        });
  }
  void write() {
    if (writing_ || queued_.empty()) return;
    sending_.swap(queued_);
    queued_.clear();
    writing_ = true;
    asio::async_write(socket_, asio::buffer(sending_),
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        self->writing_ = false;
                        if (!error) self->write();
                      });
  }

  tcp::socket socket_;
  const std::string& reply_tail_;
  frame_reader reader_;
  std::string queued_;
  std::string sending_;
  bool writing_ = false;
};

class echo_server {
 public:
  echo_server(asio::io_context& io, std::string reply_tail)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        reply_tail_(std::move(reply_tail)) {
    accept();
  }
  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void accept() {
    // Every session on one implicit strand per socket: handlers of one session never overlap
    // because each has at most one read and one write outstanding and they share no state
    // but queued_, touched only by the read handler and write() which it calls.
    acceptor_.async_accept(
        asio::make_strand(acceptor_.get_executor()),
        [this](boost::system::error_code error, tcp::socket socket) {
          if (!error) std::make_shared<echo_session>(std::move(socket), reply_tail_)->start();
          accept();
        });
  }
  tcp::acceptor acceptor_;
  std::string reply_tail_;
};

// ---- The load generator ----

struct run_result {
  uint64_t completed = 0;
  uint64_t failed = 0;
  double seconds = 0;
  std::vector<uint32_t> latencies_us;
};

// One connection: frames[i] carries request_id i. cyclic: the window's frames are resent as
// their replies arrive (queries, echo); otherwise each frame is sent once (invokes).
class load_connection : public std::enable_shared_from_this<load_connection> {
 public:
  load_connection(asio::io_context& io, std::vector<std::string> frames, std::size_t window,
                  bool cyclic, bool expect_commit, std::atomic<bool>& stop)
      : socket_(asio::make_strand(io)),
        frames_(std::move(frames)),
        window_(window),
        cyclic_(cyclic),
        expect_commit_(expect_commit),
        stop_(stop),
        sent_at_(frames_.size()) {}

  void start(const tcp::endpoint& target) {
    socket_.connect(target);
    socket_.set_option(tcp::no_delay(true));
    for (std::size_t index = 0; index < window_ && index < frames_.size(); ++index) queue(index);
    next_ = std::min(window_, frames_.size());
    write();
    read();
  }

  run_result& result() { return result_; }
  tcp::socket::executor_type executor() { return socket_.get_executor(); }
  void set_measuring(steady::time_point from) { measure_from_ = from; }

 private:
  void queue(std::size_t index) {
    sent_at_[index] = steady::now();
    pending_.push_back(index);
  }

  void write() {
    if (writing_ || pending_.empty()) return;
    writing_ = true;
    buffers_.clear();
    in_write_.swap(pending_);
    pending_.clear();
    for (std::size_t index : in_write_) buffers_.emplace_back(asio::buffer(frames_[index]));
    asio::async_write(socket_, buffers_,
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        self->writing_ = false;
                        if (!error) self->write();
                      });
  }

  void read() {
    auto [space, size] = reader_.prepare();
    socket_.async_read_some(
        asio::buffer(space, size),
        [self = shared_from_this()](boost::system::error_code error, std::size_t bytes) {
          if (error) return;
          self->on_data(bytes);
        });
  }

  void on_data(std::size_t bytes) {
    reader_.commit(bytes);
    const steady::time_point now = steady::now();
    std::string_view body;
    while (reader_.next(body) == frame_reader::result::frame) {
      Reply reply;
      const bool parsed = reply.ParseFromArray(body.data(), static_cast<int>(body.size()));
      const uint64_t id = reply.request_id();
      if (id >= frames_.size()) continue;
      const bool ok = parsed && !reply.has_error() &&
                      (!expect_commit_ || reply.invocation().validation_code() == 0);
      if (now >= measure_from_) {
        if (ok) {
          ++result_.completed;
          result_.latencies_us.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(now - sent_at_[id]).count()));
        } else {
          ++result_.failed;
        }
      }
      if (stop_) continue;
      if (cyclic_) {
        queue(static_cast<std::size_t>(id));
      } else if (next_ < frames_.size()) {
        queue(next_++);
      }
    }
    write();
    if (!stop_) read();
  }

  tcp::socket socket_;
  std::vector<std::string> frames_;
  std::size_t window_;
  bool cyclic_;
  bool expect_commit_;
  std::atomic<bool>& stop_;
  std::vector<steady::time_point> sent_at_;
  steady::time_point measure_from_ = steady::time_point::max();
  frame_reader reader_{1024u * 1024u * 1024u};
  std::vector<std::size_t> pending_;
  std::vector<std::size_t> in_write_;
  std::vector<asio::const_buffer> buffers_;
  std::size_t next_ = 0;
  bool writing_ = false;
  run_result result_;
};

struct proposal_factory {
  std::string creator = scc::ledger::serialize_identity({"SampleOrg", ""});
  uint64_t counter = 0;

  std::string frame(uint64_t request_id, bool invoke, const std::vector<std::string>& args) {
    Request request;
    request.set_request_id(request_id);
    Proposal& proposal = invoke ? *request.mutable_invoke() : *request.mutable_query();
    proposal.set_channel_id("bench");
    proposal.set_chaincode("kvscc");
    for (const std::string& arg : args) proposal.mutable_input()->add_args(arg);
    proposal.set_creator(creator);
    std::string nonce = fmt::format("bench-nonce-{:012d}", counter++);
    nonce.resize(24, '-');
    proposal.set_nonce(nonce);
    proposal.set_tx_id(scc::ledger::compute_tx_id(nonce, creator));
    std::string out;
    append_frame_header(out, static_cast<uint32_t>(request.ByteSizeLong()));
    request.AppendToString(&out);
    return out;
  }
};

run_result run_load(const tcp::endpoint& target, std::size_t connections, std::size_t window,
                    bool cyclic, bool expect_commit,
                    const std::vector<std::vector<std::string>>& frames, double seconds,
                    unsigned client_threads) {
  asio::io_context io;
  std::atomic<bool> stop{false};
  std::vector<std::shared_ptr<load_connection>> open;
  for (std::size_t index = 0; index < connections; ++index) {
    open.push_back(
        std::make_shared<load_connection>(io, frames[index], window, cyclic, expect_commit, stop));
  }
  for (auto& connection : open) connection->start(target);
  std::vector<std::thread> threads;
  for (unsigned index = 0; index < client_threads; ++index)
    threads.emplace_back([&io] { io.run(); });
  // A short warm-up, then the measured interval.
  const steady::time_point begin = steady::now() + std::chrono::milliseconds(300);
  for (auto& connection : open)
    asio::post(connection->executor(), [connection, begin] { connection->set_measuring(begin); });
  std::this_thread::sleep_until(
      begin + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds)));
  stop = true;
  const double measured = std::chrono::duration<double>(steady::now() - begin).count();
  // Let in-flight replies drain (invokes wait for their block), then tear down.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  io.stop();
  for (std::thread& thread : threads) thread.join();
  run_result total;
  total.seconds = measured;
  for (auto& connection : open) {
    run_result& part = connection->result();
    total.completed += part.completed;
    total.failed += part.failed;
    total.latencies_us.insert(total.latencies_us.end(), part.latencies_us.begin(),
                              part.latencies_us.end());
  }
  return total;
}

struct row {
  std::string mode;
  std::size_t connections;
  std::size_t window;
  run_result result;
  double rate() const {
    return result.seconds > 0 ? static_cast<double>(result.completed) / result.seconds : 0;
  }
};

uint32_t percentile(std::vector<uint32_t> values, double p) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

bool flag(int argc, char** argv, const std::string& name) {
  for (int index = 1; index < argc; ++index) {
    if (argv[index] == name) return true;
  }
  return false;
}

std::string argument(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int index = 1; index + 1 < argc; ++index) {
    if (argv[index] == name) return argv[index + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = std::stod(argument(argc, argv, "--seconds", "2"));
  const auto client_threads =
      static_cast<unsigned>(std::stoul(argument(argc, argv, "--client-threads", "1")));
  const auto server_threads = static_cast<unsigned>(
      std::stoul(argument(argc, argv, "--server-threads",
                          std::to_string(std::max(2u, std::thread::hardware_concurrency())))));
  const std::size_t invoke_window = std::stoul(argument(argc, argv, "--invoke-window", "64"));
  const std::string kvscc = argument(argc, argv, "--kvscc", SCC_PEER_BENCH_KVSCC);

  log::set_level(log::level::warning);
  std::string folder_pattern =
      (std::filesystem::temp_directory_path() / "scc-peer-bench-XXXXXX").string();
  if (mkdtemp(folder_pattern.data()) == nullptr) return 1;
  const std::filesystem::path folder = folder_pattern;

  peer_config config;
  config.file_system_path = folder;
  config.system_chaincodes["kvscc"] = "enable";
  plugin_entry entry;
  entry.enabled = entry.whitelisted = entry.invokable_external = entry.invokable_cc2cc = true;
  entry.name = "kvscc";
  entry.path = kvscc;
  entry.resolved_path = kvscc;
  config.plugins.push_back(entry);
  config.max_message_count =
      static_cast<uint32_t>(std::stoul(argument(argc, argv, "--block-size", "500")));
  config.batch_timeout = *parse_duration(argument(argc, argv, "--block-timeout", "10ms"));
  config.worker_threads = server_threads;

  int exit_code = 0;
  {
    peer_node node(config);
    node.start();
    asio::io_context peer_io;
    server front(peer_io, node, "127.0.0.1:0", config.max_frame_bytes);
    front.start();
    front.run(server_threads);
    const tcp::endpoint peer_endpoint = front.local_endpoint();

    // Seed the key the queries read, and learn the size of a query reply.
    proposal_factory factory;
    std::string query_reply;
    {
      asio::io_context io;
      tcp::socket socket(io);
      socket.connect(peer_endpoint);
      const auto exchange = [&](const std::string& frame) {
        asio::write(socket, asio::buffer(frame));
        char header[4];
        asio::read(socket, asio::buffer(header, 4));
        std::string body(read_frame_header(header), '\0');
        asio::read(socket, asio::buffer(body));
        return body;
      };
      exchange(factory.frame(1, true, {"put", "bench-key", std::string(32, 'v')}));
      query_reply = exchange(factory.frame(1, false, {"get", "bench-key"}));
    }
    // The echo reply: the query reply's bytes after its request_id field.
    const std::string reply_tail = query_reply.substr(2);

    asio::io_context echo_io;
    echo_server echo(echo_io, reply_tail);
    std::vector<std::thread> echo_threads;
    for (unsigned index = 0; index < server_threads; ++index)
      echo_threads.emplace_back([&] { echo_io.run(); });

    std::vector<row> rows;
    for (std::size_t connections : {std::size_t{1}, std::size_t{8}, std::size_t{32}}) {
      std::vector<std::vector<std::string>> query_frames(connections);
      for (auto& frames : query_frames)
        frames.push_back(factory.frame(0, false, {"get", "bench-key"}));
      rows.push_back({"echo", connections, 1,
                      run_load(echo.endpoint(), connections, 1, true, false, query_frames, seconds,
                               client_threads)});
      rows.push_back({"query", connections, 1,
                      run_load(peer_endpoint, connections, 1, true, false, query_frames, seconds,
                               client_threads)});

      // Invokes: unique transactions, enough for the run at well over the goal rate.
      const std::size_t per_connection = std::max<std::size_t>(
          invoke_window * 4, static_cast<std::size_t>(40000.0 * (seconds + 1) / connections));
      std::vector<std::vector<std::string>> invoke_frames(connections);
      for (std::size_t index = 0; index < connections; ++index) {
        for (std::size_t seq = 0; seq < per_connection; ++seq) {
          invoke_frames[index].push_back(factory.frame(
              seq, true,
              {"put", fmt::format("k{}-{}", index, factory.counter), std::string(32, 'v')}));
        }
      }
      std::vector<std::vector<std::string>> echo_window_frames(connections);
      for (std::size_t index = 0; index < connections; ++index) {
        for (std::size_t seq = 0; seq < invoke_window; ++seq)
          echo_window_frames[index].push_back(invoke_frames[index][seq]);
      }
      rows.push_back({"echo", connections, invoke_window,
                      run_load(echo.endpoint(), connections, invoke_window, true, false,
                               echo_window_frames, seconds, client_threads)});
      rows.push_back({"invoke", connections, invoke_window,
                      run_load(peer_endpoint, connections, invoke_window, false, true,
                               invoke_frames, seconds, client_threads)});
    }

    const auto find = [&rows](const std::string& mode, std::size_t connections,
                              std::size_t window) {
      for (const row& line : rows) {
        if (line.mode == mode && line.connections == connections && line.window == window)
          return line.rate();
      }
      return 0.0;
    };
    const double query_ratio = find("query", 8, 1) / std::max(1.0, find("echo", 8, 1));
    // Queries run on the network thread that read them, so they can come this close to echo.
    constexpr double query_goal = 0.6;
    const double invokes = find("invoke", 8, invoke_window);
    if (flag(argc, argv, "--json")) {
      for (const row& line : rows) {
        std::printf(
            "{\"bench\":\"scc-peer\",\"mode\":\"%s\",\"connections\":%zu,\"window\":%zu,"
            "\"per_second\":%.0f,\"p50_us\":%u,\"p99_us\":%u,\"failed\":%llu}\n",
            line.mode.c_str(), line.connections, line.window, line.rate(),
            percentile(line.result.latencies_us, 0.50), percentile(line.result.latencies_us, 0.99),
            static_cast<unsigned long long>(line.result.failed));
      }
      std::printf(
          "{\"bench\":\"scc-peer\",\"goal\":\"query_vs_echo_8\",\"value\":%.2f,"
          "\"target\":%.2f,\"met\":%s}\n",
          query_ratio, query_goal, query_ratio >= query_goal ? "true" : "false");
      std::printf(
          "{\"bench\":\"scc-peer\",\"goal\":\"invokes_per_second_8\",\"value\":%.0f,"
          "\"target\":10000,\"met\":%s}\n",
          invokes, invokes >= 10000 ? "true" : "false");
    } else {
      std::printf(
          "scc-peer-bench: %u server threads, %u client thread(s), blocks of up to %u tx or %lld "
          "us, "
          "%.1f s per run\n",
          server_threads, client_threads, config.max_message_count,
          static_cast<long long>(config.batch_timeout.count()), seconds);
      std::printf("query request %zu bytes, reply %zu bytes; invoke request %zu bytes\n",
                  factory.frame(0, false, {"get", "bench-key"}).size(), query_reply.size() + 4,
                  factory.frame(0, true, {"put", "k0-0000000", std::string(32, 'v')}).size());
      std::printf("%-8s %5s %6s %12s %10s %10s %10s %7s\n", "mode", "conns", "window", "completed",
                  "per s", "p50 us", "p99 us", "failed");
      for (const row& line : rows) {
        std::printf(
            "%-8s %5zu %6zu %12llu %10.0f %10u %10u %7llu\n", line.mode.c_str(), line.connections,
            line.window, static_cast<unsigned long long>(line.result.completed), line.rate(),
            percentile(line.result.latencies_us, 0.50), percentile(line.result.latencies_us, 0.99),
            static_cast<unsigned long long>(line.result.failed));
      }
      std::printf("goal: queries at 8 connections >= %.0f%% of echo: %.0f%% %s\n", query_goal * 100,
                  query_ratio * 100, query_ratio >= query_goal ? "met" : "NOT MET");
      std::printf("goal: durable invokes at 8 connections >= 10000/s: %.0f/s %s\n", invokes,
                  invokes >= 10000 ? "met" : "NOT MET");
    }
    for (const row& line : rows) {
      if (line.result.failed > 0) exit_code = 1;
    }

    front.stop_accepting();
    node.stop();
    front.close_connections(std::chrono::seconds(2));
    peer_io.stop();
    echo_io.stop();
    front.join();
    for (std::thread& thread : echo_threads) thread.join();
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder, ignored);
  return exit_code;
}
