// fuzz/fuzz_peer_stream.cpp - scc-peer's TCP front end, frame decoder and request handling,
// fed whole client byte streams.
//
// One scc-peer runs in this process for the whole fuzzing run (peer_node and server from
// tools/scc-peer/src, on 127.0.0.1 port 0, two network threads of the server's own that also
// run the chaincode, a temporary ledger folder, a core.yaml text through parse_config with
// sccPeer.maxFrameBytes 64 KB and a 1 ms batch timeout) and hosts the plugin
// fuzz/plugins/fuzz_peer_plugin.cpp as "fzkv". Each input is decoded into a byte stream of up
// to 24 segments: well-formed Request frames whose contents
// come from the input (invoke and query to fzkv, to a chaincode that is not installed, to no
// chaincode; good and bad channel names; no, right and wrong tx ids; list_chaincodes,
// list_channels, node_status, no kind; duplicate request ids; transient maps, timestamps),
// raw bytes, frames of random bytes, a header over the limit, a header promising more than
// follows. The stream is written on a fresh connection, which is then half-closed, and every
// reply is read until the peer closes.
//
// Invariants (a violation aborts), checked against a model that splits the stream itself:
//   - every reply is a whole frame of at most maxFrameBytes holding a Reply with a kind;
//   - a well-formed stream gets exactly one reply per request, matched by request_id as a
//     multiset, in any order, each of the right kind: invocation results carry the tx id
//     derived from nonce and creator, queries are never in a block, invokes with status < 400
//     answer after their block is committed; a bad channel name, no chaincode or a wrong tx id
//     answer an Error naming the problem; a chaincode that is not installed answers 500;
//   - a stream that goes bad (a header over the limit, a body that is not a Request, a
//     stream that ends inside a frame) gets exactly one Error with request_id 0 and the
//     documented message, as the last reply, then EOF; every request before the bad frame has
//     its reply before the Error, including proposals still running when the stream went bad;
//   - afterwards, node_status on a new connection answers, channel heights never go down and
//     every block an invoke reply named is below its channel's height.
// The peer is restarted on a fresh ledger every 2000 inputs (its in-memory ledger keeps every
// block) and stopped cleanly at exit, so LeakSanitizer sees no thread or allocation left.
//
// Inputs that would open a channel other than ch1 and ch2 are not sent: each channel costs
// the peer a committer thread and LevelDB keys for good.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config.hpp"
#include "framing.hpp"
#include "fuzz_input.hpp"
#include "log.hpp"
#include "peer_node.hpp"
#include "scc_peer.pb.h"
#include "server.hpp"
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <google/protobuf/stubs/logging.h>

#include <scc/ledger/identity.hpp>

#ifndef SCC_FUZZ_PEER_PLUGIN
#error "SCC_FUZZ_PEER_PLUGIN must name the fzkv plugin library (fuzz/CMakeLists.txt sets it)"
#endif

namespace {

namespace peer = scc::peer;
namespace fs = std::filesystem;
using scc_fuzz::escaped;

constexpr uint32_t frame_limit = 64 * 1024;
constexpr std::size_t inputs_per_peer = 2000;
const std::set<std::string> open_channels = {"ch1", "ch2"};

// ---- The peer under test ----

class running_peer {
 public:
  running_peer() {
    char folder_template[] = "/tmp/scc-fuzz-peer-XXXXXX";
    const char* made = mkdtemp(folder_template);
    FUZZ_CHECK(made != nullptr, "cannot create a temporary folder");
    folder_ = made;
    const std::string yaml = std::string(R"(
peer:
  listenAddress: 127.0.0.1:0
  fileSystemPath: ledger
chaincode:
  system:
    fzkv: enable
  systemPlugins:
    - enabled: true
      name: fzkv
      path: )") + SCC_FUZZ_PEER_PLUGIN +
                             R"(
      invokableExternal: true
      invokableCC2CC: true
sccPeer:
  blockCutter:
    maxMessageCount: 10
    batchTimeout: 1ms
  maxFrameBytes: 64 KB
  workerThreads: 2
)";
    const peer::peer_config config = peer::parse_config(
        yaml, folder_, [](const std::string&) { return std::nullopt; },
        "fuzz_peer_stream core.yaml");
    FUZZ_CHECK(config.max_frame_bytes == frame_limit, "the fuzz core.yaml did not apply");
    node_ = std::make_unique<peer::peer_node>(config);
    node_->start();
    server_ =
        std::make_unique<peer::server>(io_, *node_, config.listen_address, config.max_frame_bytes);
    port_ = server_->local_endpoint().port();
    node_->set_listen_address("127.0.0.1:" + std::to_string(port_));
    server_->start();
    server_->run(config.worker_threads);
  }

  ~running_peer() {
    server_->stop_accepting();
    node_->stop();
    server_->close_connections(std::chrono::seconds(5));
    work_.reset();
    io_.stop();
    server_->join();
    server_.reset();
    node_.reset();
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }

  uint16_t port() const noexcept { return port_; }

 private:
  fs::path folder_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::unique_ptr<peer::peer_node> node_;
  std::unique_ptr<peer::server> server_;
  uint16_t port_ = 0;
};

struct run_state {
  std::unique_ptr<running_peer> current;
  std::size_t inputs = 0;
  std::map<std::string, uint64_t> heights;  // the highest height seen per channel
};

run_state& state() {
  static run_state* const instance = [] {
    std::signal(SIGPIPE, SIG_IGN);
    peer::log::set_level(peer::log::level::error);
    // protobuf logs every string field with invalid UTF-8 it meets; the model expects them.
    google::protobuf::SetLogHandler(nullptr);
    auto* made = new run_state();
    // libFuzzer and the replay binary both leave through exit(): stop the peer's threads and
    // close its ledger first.
    std::atexit([] { state().current.reset(); });
    return made;
  }();
  return *instance;
}

running_peer& peer_for_this_input() {
  run_state& run = state();
  if (!run.current || run.inputs % inputs_per_peer == 0) {
    run.current.reset();
    run.heights.clear();
    run.current = std::make_unique<running_peer>();
  }
  ++run.inputs;
  return *run.current;
}

// ---- A client connection (blocking sockets, with a timeout so a hang is a finding) ----

class connection {
 public:
  explicit connection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    FUZZ_CHECK(fd_ >= 0, "socket() failed");
    timeval timeout{20, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    FUZZ_CHECK(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
               "cannot connect to the peer");
  }
  ~connection() { ::close(fd_); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Sends what the peer takes; it may close early on a bad frame.
  void send_all_and_half_close(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd_, SHUT_WR);
  }

  // Everything the peer sends until it closes. A reset after a refused stream counts as the
  // close; a timeout is a hang.
  std::string read_to_end() {
    std::string out;
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || errno == ECONNRESET) return out;
      FUZZ_CHECK(errno != EAGAIN && errno != EWOULDBLOCK,
                 "the peer neither answered nor closed within 20 s (" + std::to_string(out.size()) +
                     " bytes read)");
      FUZZ_CHECK(errno == EINTR, "recv failed: errno " + std::to_string(errno));
    }
  }

 private:
  int fd_;
};

// Splits reply bytes into Reply messages; every frame must be whole and well-formed.
std::vector<scc::peer::Reply> replies_of(const std::string& bytes) {
  std::vector<scc::peer::Reply> out;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    FUZZ_CHECK(bytes.size() - pos >= 4, "the peer's reply stream ends inside a frame header");
    const uint32_t length = peer::read_frame_header(bytes.data() + pos);
    FUZZ_CHECK(length <= frame_limit,
               "a reply frame of " + std::to_string(length) + " bytes, over the limit");
    FUZZ_CHECK(bytes.size() - pos - 4 >= length, "the peer's reply stream ends inside a frame");
    scc::peer::Reply reply;
    FUZZ_CHECK(reply.ParseFromArray(bytes.data() + pos + 4, static_cast<int>(length)),
               "a reply frame that is not a Reply");
    // Whether it has a kind, check_reply decides.
    out.push_back(std::move(reply));
    pos += 4 + length;
  }
  return out;
}

// ---- Building the stream ----

std::string frame(const std::string& body) {
  std::string out;
  peer::append_frame_header(out, static_cast<uint32_t>(body.size()));
  return out + body;
}

std::string pick_channel(scc_fuzz::input& in) {
  static const std::vector<std::string> channels = {"ch1",    "ch2",
                                                    "ch1",    "",
                                                    "Ch1",    "1ch",
                                                    "ch 1",   std::string(250, 'c'),
                                                    "ch\xff", std::string("ch1\0", 4),
                                                    "ch_1",   "ch2"};
  return channels[in.below(channels.size())];
}

std::string pick_key(scc_fuzz::input& in) {
  static const std::vector<std::string> keys = {"a", "b", "c", "", std::string("\0k", 2)};
  return keys[in.below(keys.size())];
}

void fill_proposal(scc_fuzz::input& in, scc::peer::Proposal& proposal) {
  proposal.set_channel_id(pick_channel(in));
  static const std::vector<std::string> chaincodes = {"fzkv", "fzkv", "fzkv", "nope", "", "FZKV"};
  proposal.set_chaincode(chaincodes[in.below(chaincodes.size())]);
  scc::peer::ChaincodeInput& input = *proposal.mutable_input();
  switch (in.below(8)) {
    case 0:
    case 1:
      input.add_args("put");
      input.add_args(pick_key(in));
      input.add_args(in.bytes(16));
      break;
    case 2:
      input.add_args("get");
      input.add_args(pick_key(in));
      break;
    case 3:
      input.add_args("del");
      input.add_args(pick_key(in));
      break;
    case 4:
      input.add_args("big");
      input.add_args(std::to_string(in.byte() % 100));
      break;
    case 5:
      input.add_args("fail");
      break;
    case 6:
      input.add_args("range");
      input.add_args(pick_key(in));
      input.add_args(pick_key(in));
      break;
    default:
      for (std::size_t n = in.below(4); n > 0; --n) input.add_args(in.bytes(8));
      break;
  }
  if (in.byte() >= 0xF0) (*input.mutable_decorations())[in.bytes(4)] = in.bytes(4);
  input.set_is_init(in.byte() >= 0xF8);
  static const std::vector<std::string> creators = {
      "", scc::ledger::serialize_identity({"Org1MSP", ""}),
      scc::ledger::serialize_identity({"Org2MSP", "-----BEGIN CERTIFICATE-----"})};
  const uint8_t creator = in.byte();
  proposal.set_creator(creator < 0xF0 ? creators[creator % creators.size()] : in.bytes(12));
  proposal.set_nonce(in.bytes(8));
  switch (in.below(4)) {
    case 0:
      break;  // no tx id: the peer derives it
    case 1:
    case 2:
      proposal.set_tx_id(scc::ledger::compute_tx_id(proposal.nonce(), proposal.creator()));
      break;
    default:
      proposal.set_tx_id(in.bytes(8));
      break;
  }
  for (std::size_t n = in.below(3); n > 0; --n) {
    (*proposal.mutable_transient())[in.bytes(4)] = in.bytes(8);
  }
  if (in.byte() >= 0xC0) {
    proposal.mutable_timestamp()->set_seconds(static_cast<int64_t>(in.byte()) * 100000000 -
                                              1000000000);
    // Nanos from -5 to 2,039,999,995: outside protobuf's 0..999,999,999 too.
    proposal.mutable_timestamp()->set_nanos(
        static_cast<int32_t>(static_cast<int64_t>(in.byte()) * 8000000 - 5));
  }
}

std::string build_stream(scc_fuzz::input& in) {
  std::string stream;
  const std::size_t segments = 1 + in.below(24);
  for (std::size_t s = 0; s < segments && !in.empty(); ++s) {
    const uint8_t kind = in.byte();
    if (kind < 0xC0) {
      scc::peer::Request request;
      const uint8_t id = in.byte();
      request.set_request_id(id < 0xF0 ? id : (uint64_t{id} << 56) | s);
      switch (kind % 8) {
        case 0:
        case 1:
        case 2:
          fill_proposal(in, *request.mutable_invoke());
          break;
        case 3:
        case 4:
          fill_proposal(in, *request.mutable_query());
          break;
        case 5:
          request.mutable_list_chaincodes();
          break;
        case 6:
          if (in.flag())
            request.mutable_list_channels();
          else
            request.mutable_node_status();
          break;
        default:
          break;  // no kind
      }
      stream += frame(request.SerializeAsString());
    } else if (kind < 0xE0) {
      stream += in.bytes(48);  // raw bytes
    } else if (kind < 0xF0) {
      stream += frame(in.bytes(32));  // a frame of random bytes
    } else if (kind < 0xF8) {
      // A header over the limit, then whatever follows.
      peer::append_frame_header(
          stream,
          frame_limit + 1 + static_cast<uint32_t>(in.byte()) * (kind & 1 ? 0x01000000u : 1u));
    } else {
      // A header promising more than follows.
      const std::string body = in.bytes(16);
      peer::append_frame_header(stream, static_cast<uint32_t>(body.size() + 1 + in.byte()));
      stream += body;
    }
  }
  return stream;
}

// ---- The model: what the peer must make of the stream ----

struct expectation {
  std::vector<scc::peer::Request> requests;  // the well-formed frames before any bad one
  std::optional<std::string> stream_error;   // the message of the one Error with id 0
};

expectation model(const std::string& stream) {
  expectation out;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::size_t left = stream.size() - pos;
    if (left < 4) {
      out.stream_error = "truncated frame: the connection ended after " + std::to_string(left) +
                         " of the 4 header bytes";
      return out;
    }
    const uint32_t length = peer::read_frame_header(stream.data() + pos);
    if (length > frame_limit) {
      out.stream_error = "frame of " + std::to_string(length) +
                         " bytes exceeds the frame limit of " + std::to_string(frame_limit) +
                         " bytes (sccPeer.maxFrameBytes)";
      return out;
    }
    if (left - 4 < length) {
      out.stream_error = "truncated frame: the header announces " + std::to_string(length) +
                         " bytes, the connection ended after " + std::to_string(left - 4);
      return out;
    }
    scc::peer::Request request;
    if (!request.ParseFromArray(stream.data() + pos + 4, static_cast<int>(length))) {
      out.stream_error =
          "undecodable frame: its " + std::to_string(length) + " bytes are not an scc.peer.Request";
      return out;
    }
    out.requests.push_back(std::move(request));
    pos += 4 + length;
  }
  return out;
}

// Fabric's channel name rule, written out independently of check_channel_name.
bool valid_channel(const std::string& name) {
  if (name.empty() || name.size() >= 250 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return true;
}

const scc::peer::Proposal* proposal_of(const scc::peer::Request& request) {
  if (request.has_invoke()) return &request.invoke();
  if (request.has_query()) return &request.query();
  return nullptr;
}

bool would_open_other_channel(const expectation& expected) {
  for (const auto& request : expected.requests) {
    const scc::peer::Proposal* proposal = proposal_of(request);
    if (proposal && valid_channel(proposal->channel_id()) &&
        open_channels.count(proposal->channel_id()) == 0) {
      return true;
    }
  }
  return false;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// A reply is right for the request it answers. Collects blocks named by invoke replies.
void check_reply(const scc::peer::Request& request, const scc::peer::Reply& reply,
                 std::vector<std::pair<std::string, uint64_t>>& blocks) {
  using scc::peer::Reply;
  const std::string where = "reply to request " + std::to_string(request.request_id()) + ": ";
  FUZZ_CHECK(reply.kind_case() != scc::peer::Reply::KIND_NOT_SET, where + "a reply without a kind");
  const std::string error = reply.has_error() ? reply.error().message() : "";
  switch (request.kind_case()) {
    case scc::peer::Request::KIND_NOT_SET:
      FUZZ_CHECK(reply.has_error() && starts_with(error, "request has no kind this peer knows"),
                 where + "a request without a kind was answered otherwise");
      return;
    case scc::peer::Request::kListChaincodes: {
      FUZZ_CHECK(reply.has_chaincodes(), where + "list_chaincodes answered otherwise");
      bool listed = false;
      for (const auto& info : reply.chaincodes().chaincodes()) listed |= info.name() == "fzkv";
      FUZZ_CHECK(listed, where + "fzkv is not listed");
      return;
    }
    case scc::peer::Request::kListChannels:
      // Also on a peer without channels yet: an empty list, not a reply without a kind.
      FUZZ_CHECK(reply.has_channels(), where + "list_channels answered otherwise");
      return;
    case scc::peer::Request::kNodeStatus:
      FUZZ_CHECK(reply.has_status(), where + "node_status answered otherwise");
      return;
    case scc::peer::Request::kInvoke:
    case scc::peer::Request::kQuery:
      break;
  }
  const bool invoke = request.has_invoke();
  const scc::peer::Proposal& proposal = *proposal_of(request);
  // A reply too large for a frame becomes an Error saying so.
  if (reply.has_error() && starts_with(error, "the reply is ")) {
    FUZZ_CHECK(error.find("more than the frame limit of 65536 bytes") != std::string::npos,
               where + "oversize reply message: " + escaped(error));
    return;
  }
  if (!valid_channel(proposal.channel_id())) {
    FUZZ_CHECK(
        reply.has_error() && starts_with(error, "channel name '"),
        where + "bad channel " + escaped(proposal.channel_id()) + " answered " + escaped(error));
    return;
  }
  if (proposal.chaincode().empty()) {
    FUZZ_CHECK(reply.has_error() && error == "the proposal names no chaincode",
               where + "no chaincode answered " + escaped(error));
    return;
  }
  const std::string tx_id = scc::ledger::compute_tx_id(proposal.nonce(), proposal.creator());
  if (!proposal.tx_id().empty() && proposal.tx_id() != tx_id) {
    FUZZ_CHECK(reply.has_error() && starts_with(error, "incorrectly formed txid: '"),
               where + "a wrong tx id answered " + escaped(error));
    return;
  }
  FUZZ_CHECK(reply.has_invocation(),
             where + "a proposal answered something other than an invocation: " + escaped(error));
  const scc::peer::InvocationResult& result = reply.invocation();
  FUZZ_CHECK(result.tx_id() == tx_id, where + "tx id is not hex(SHA-256(nonce || creator))");
  const int32_t status = result.response().status();
  if (proposal.chaincode() != "fzkv") {
    FUZZ_CHECK(status == 500 && result.response().message() == "chaincode " + proposal.chaincode() +
                                                                   " is not installed on this peer",
               where + "an unknown chaincode answered " + std::to_string(status) + " " +
                   escaped(result.response().message()));
  }
  if (!invoke || status >= 400) {
    FUZZ_CHECK(!result.in_block() && result.validation_code_name() == "NOT_VALIDATED",
               where + "a query or a failed invoke is in a block");
    return;
  }
  FUZZ_CHECK(result.in_block(), where + "an endorsed invoke was answered before its block");
  blocks.emplace_back(proposal.channel_id(), result.block_number());
}

void check_heights(uint16_t port, const std::vector<std::pair<std::string, uint64_t>>& blocks) {
  connection status(port);
  scc::peer::Request request;
  request.set_request_id(7);
  request.mutable_node_status();
  status.send_all_and_half_close(frame(request.SerializeAsString()));
  const std::vector<scc::peer::Reply> replies = replies_of(status.read_to_end());
  FUZZ_CHECK(replies.size() == 1 && replies[0].request_id() == 7 && replies[0].has_status(),
             "node_status on a new connection did not answer");
  std::map<std::string, uint64_t>& seen = state().heights;
  for (const auto& channel : replies[0].status().channels()) {
    FUZZ_CHECK(open_channels.count(channel.name()) == 1,
               "the peer has a channel the stream never opened: " + escaped(channel.name()));
    uint64_t& highest = seen[channel.name()];
    FUZZ_CHECK(channel.height() >= highest, "channel " + channel.name() + " went down from " +
                                                std::to_string(highest) + " to " +
                                                std::to_string(channel.height()));
    highest = channel.height();
  }
  for (const auto& [channel, block] : blocks) {
    FUZZ_CHECK(seen.count(channel) == 1 && block < seen[channel],
               "an invoke was answered in block " + std::to_string(block) + " of " + channel +
                   ", which the ledger does not have");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  scc_fuzz::input in(data, size);
  const std::string stream = build_stream(in);
  const expectation expected = model(stream);
  if (would_open_other_channel(expected)) return 0;

  // SCC_FUZZ_VERBOSE=1 shows what the model expects and what came back.
  static const bool verbose = std::getenv("SCC_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    for (const auto& request : expected.requests) {
      std::fprintf(stderr, "request: %s\n", request.ShortDebugString().c_str());
    }
    if (expected.stream_error)
      std::fprintf(stderr, "stream error: %s\n", expected.stream_error->c_str());
  }

  running_peer& peer = peer_for_this_input();
  std::vector<scc::peer::Reply> replies;
  {
    connection client(peer.port());
    client.send_all_and_half_close(stream);
    replies = replies_of(client.read_to_end());
  }

  if (verbose) {
    for (const auto& reply : replies) {
      std::fprintf(stderr, "reply: %s\n", reply.ShortDebugString().c_str());
    }
  }

  // A bad stream gets its Error (request_id 0, the documented message) exactly once, last,
  // after a reply to every earlier request.
  if (expected.stream_error) {
    const auto is_stream_error = [&expected](const scc::peer::Reply& reply) {
      return reply.request_id() == 0 && reply.has_error() &&
             reply.error().message() == *expected.stream_error;
    };
    const auto found = std::find_if(replies.begin(), replies.end(), is_stream_error);
    FUZZ_CHECK(found != replies.end(),
               "a bad stream did not get the Error '" + *expected.stream_error + "'");
    FUZZ_CHECK(std::count_if(replies.begin(), replies.end(), is_stream_error) == 1,
               "a bad stream got its Error more than once");
    FUZZ_CHECK(found + 1 == replies.end(), "a reply came after the stream's Error '" +
                                               *expected.stream_error + "' (request_id " +
                                               std::to_string((found + 1)->request_id()) + ")");
    replies.erase(found);
  }

  // Replies match requests by id as multisets; each is right for its request.
  std::multimap<uint64_t, const scc::peer::Request*> unanswered;
  for (const auto& request : expected.requests) unanswered.emplace(request.request_id(), &request);
  std::vector<std::pair<std::string, uint64_t>> blocks;
  for (const scc::peer::Reply& reply : replies) {
    const auto range = unanswered.equal_range(reply.request_id());
    FUZZ_CHECK(range.first != range.second, "a reply with request_id " +
                                                std::to_string(reply.request_id()) +
                                                " that no request (or no unanswered one) has");
    // Requests that share an id cannot be told apart by their replies (not even by tx id: an
    // empty nonce and creator give every proposal the same one); for them only the count is
    // checked.
    const bool shared_id = expected.requests.size() > 1 &&
                           std::count_if(expected.requests.begin(), expected.requests.end(),
                                         [&reply](const scc::peer::Request& request) {
                                           return request.request_id() == reply.request_id();
                                         }) > 1;
    if (!shared_id) check_reply(*range.first->second, reply, blocks);
    unanswered.erase(range.first);
  }
  FUZZ_CHECK(unanswered.empty(), std::to_string(unanswered.size()) +
                                     " request(s) got no reply, the first with request_id " +
                                     std::to_string(unanswered.begin()->first) +
                                     (expected.stream_error ? " (before a bad frame)" : ""));
  check_heights(peer.port(), blocks);
  return 0;
}
