#include "cli.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base64.hpp"
#include "client.hpp"
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <scc/ledger/identity.hpp>
#include <scc/ledger/validation_code.hpp>

namespace scc::peer {

namespace {

using json = nlohmann::json;

// Go's %q, near enough: printable ASCII as is, the rest escaped.
std::string quoted(const std::string& bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

std::string dump(const json& value) {
  // Payloads are bytes: invalid UTF-8 is replaced rather than refused.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string random_nonce() {
  // Fabric's CLI uses 24 random bytes.
  std::random_device source;
  std::string nonce(24, '\0');
  for (char& byte : nonce) byte = static_cast<char>(source() & 0xFF);
  return nonce;
}

std::optional<std::string> read_certificate(const proposal_options& proposal,
                                            const environment& env) {
  namespace fs = std::filesystem;
  std::optional<fs::path> file;
  if (proposal.certificate_file) {
    file = *proposal.certificate_file;
  } else if (const std::optional<std::string> msp = env("CORE_PEER_MSPCONFIGPATH")) {
    // Fabric's local MSP folder: the signing certificate is in signcerts/.
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(*msp) / "signcerts", ec)) {
      if (entry.is_regular_file()) {
        file = entry.path();
        break;
      }
    }
  }
  if (!file) return std::nullopt;
  std::ifstream in(*file, std::ios::in | std::ios::binary);
  if (!in) throw usage_error("cannot read the certificate file '" + file->string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json event_json(const InvocationResult& result) {
  if (!result.has_event()) return nullptr;
  return json{{"name", result.event().event_name()},
              {"payload", result.event().payload()},
              {"payload_base64", base64_encode(result.event().payload())}};
}

json invocation_json(const InvocationResult& result) {
  return json{{"txid", result.tx_id()},
              {"status", result.response().status()},
              {"message", result.response().message()},
              {"payload", result.response().payload()},
              {"payload_base64", base64_encode(result.response().payload())},
              {"validation_code", result.validation_code_name()},
              {"block_number", result.in_block() ? json(result.block_number()) : json(nullptr)},
              {"event", event_json(result)}};
}

// Connects and sends one request; prints the failure and returns nullopt when there is no
// usable reply.
std::optional<Reply> exchange(const client_options& options, Request request, std::ostream& err) {
  try {
    client peer(options.peer_address, options.connect_timeout);
    Reply reply = peer.call(std::move(request), options.reply_timeout);
    if (reply.has_error()) {
      err << "Error: " << reply.error().message() << "\n";
      return std::nullopt;
    }
    return reply;
  } catch (const client_error& failure) {
    err << "Error: " << failure.what() << "\n";
    return std::nullopt;
  }
}

}  // namespace

int run_invoke_or_query(bool invoke, const proposal_options& proposal,
                        const client_options& options, const environment& env, std::ostream& out,
                        std::ostream& err) {
  Request request;
  Proposal& sent = invoke ? *request.mutable_invoke() : *request.mutable_query();
  try {
    if (proposal.channel.empty()) throw usage_error("the channel is required (-C)");
    if (proposal.chaincode.empty()) throw usage_error("the chaincode name is required (-n)");
    sent.set_channel_id(proposal.channel);
    sent.set_chaincode(proposal.chaincode);
    for (std::string& arg : parse_ctor(proposal.ctor))
      sent.mutable_input()->add_args(std::move(arg));
    if (proposal.transient) {
      for (auto& [key, value] : parse_transient(*proposal.transient)) {
        (*sent.mutable_transient())[key] = value;
      }
    }
    ledger::identity creator;
    if (std::optional<std::string> msp = env("CORE_PEER_LOCALMSPID")) creator.msp_id = *msp;
    if (std::optional<std::string> certificate = read_certificate(proposal, env)) {
      creator.certificate = *certificate;
    }
    sent.set_creator(ledger::serialize_identity(creator));
  } catch (const usage_error& failure) {
    err << "Error: " << failure.what() << "\n";
    return 1;
  }
  sent.set_nonce(random_nonce());
  sent.set_tx_id(ledger::compute_tx_id(sent.nonce(), sent.creator()));
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
  sent.mutable_timestamp()->set_seconds(seconds.count());
  sent.mutable_timestamp()->set_nanos(static_cast<int32_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - seconds).count()));

  const std::optional<Reply> reply = exchange(options, std::move(request), err);
  if (!reply) return 1;
  if (!reply->has_invocation()) {
    err << "Error: the peer answered with something other than an invocation result\n";
    return 1;
  }
  const InvocationResult& result = reply->invocation();
  const Response& response = result.response();
  if (options.json) out << dump(invocation_json(result)) << "\n";
  if (response.status() >= 400) {
    err << "Error: endorsement failure during " << (invoke ? "invoke" : "query")
        << ". response: status:" << response.status() << " message:" << quoted(response.message())
        << "\n";
    return 1;
  }
  if (!invoke) {
    if (!options.json) out << response.payload() << "\n";
    return 0;
  }
  if (result.validation_code() != static_cast<int32_t>(ledger::validation_code::valid)) {
    err << "Error: transaction " << result.tx_id() << " was committed in block "
        << result.block_number() << " as invalid: " << result.validation_code_name() << "\n";
    return 1;
  }
  if (!options.json) {
    out << "Chaincode invoke successful. result: status:" << response.status()
        << " payload:" << quoted(response.payload()) << " txid:" << result.tx_id()
        << " block:" << result.block_number()
        << " validation_code:" << result.validation_code_name();
    if (result.has_event()) {
      out << " event:" << quoted(result.event().event_name())
          << " event_payload:" << quoted(result.event().payload());
    }
    out << "\n";
  }
  return 0;
}

int run_chaincode_list(const client_options& options, std::ostream& out, std::ostream& err) {
  Request request;
  request.mutable_list_chaincodes();
  const std::optional<Reply> reply = exchange(options, std::move(request), err);
  if (!reply) return 1;
  const ChaincodeList& list = reply->chaincodes();
  if (options.json) {
    json rows = json::array();
    for (const ChaincodeInfo& info : list.chaincodes()) {
      rows.push_back(json{{"name", info.name()},
                          {"version", info.version()},
                          {"abi", fmt::format("{}.{}", info.abi_major(), info.abi_minor())},
                          {"sdk_version", info.sdk_version()},
                          {"invokable_external", info.invokable_external()},
                          {"invokable_cc2cc", info.invokable_cc2cc()},
                          {"thread_safe", info.thread_safe()},
                          {"path", info.path()}});
    }
    out << dump(rows) << "\n";
    return 0;
  }
  out << "Installed system chaincodes:\n";
  for (const ChaincodeInfo& info : list.chaincodes()) {
    out << fmt::format(
        "Name: {}, Version: {}, ABI: {}.{}, invokableExternal: {}, invokableCC2CC: {}, {}, "
        "Path: {}\n",
        info.name(), info.version().empty() ? "-" : info.version(), info.abi_major(),
        info.abi_minor(), info.invokable_external(), info.invokable_cc2cc(),
        info.thread_safe() ? "thread-safe" : "serialised", info.path());
  }
  return 0;
}

int run_channel_list(const client_options& options, std::ostream& out, std::ostream& err) {
  Request request;
  request.mutable_list_channels();
  const std::optional<Reply> reply = exchange(options, std::move(request), err);
  if (!reply) return 1;
  if (options.json) {
    json rows = json::array();
    for (const ChannelInfo& info : reply->channels().channels()) {
      rows.push_back(json{{"name", info.name()}, {"height", info.height()}});
    }
    out << dump(rows) << "\n";
    return 0;
  }
  out << "Channels peers has joined: \n";
  for (const ChannelInfo& info : reply->channels().channels()) out << info.name() << "\n";
  return 0;
}

int run_node_status(const client_options& options, std::ostream& out, std::ostream& err) {
  Request request;
  request.mutable_node_status();
  const std::optional<Reply> reply = exchange(options, std::move(request), err);
  if (!reply) return 1;
  const NodeStatus& status = reply->status();
  if (options.json) {
    json channels = json::array();
    for (const ChannelInfo& info : status.channels()) {
      channels.push_back(json{{"name", info.name()}, {"height", info.height()}});
    }
    out << dump(json{{"status", "STARTED"},
                     {"version", status.version()},
                     {"listen_address", status.listen_address()},
                     {"file_system_path", status.file_system_path()},
                     {"uptime_seconds", status.uptime_seconds()},
                     {"channels", channels}})
        << "\n";
    return 0;
  }
  out << fmt::format("status: STARTED\nversion: {}\nlisten address: {}\nledger: {}\nuptime: {}s\n",
                     status.version(), status.listen_address(), status.file_system_path(),
                     status.uptime_seconds());
  for (const ChannelInfo& info : status.channels()) {
    out << fmt::format("channel {}: height {}\n", info.name(), info.height());
  }
  return 0;
}

}  // namespace scc::peer
