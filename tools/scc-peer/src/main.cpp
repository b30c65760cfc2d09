// scc-peer: a stub Hyperledger Fabric peer that hosts scc system-chaincode plugins, and the
// client commands that talk to it. See docs/stub-peer.md.
#include <iostream>
#include <optional>
#include <string>

#include "cli.hpp"
#include <CLI/CLI.hpp>

namespace {

using namespace scc::peer;

void add_client_flags(CLI::App& command, client_options& options, std::string& output,
                      std::string& connect_timeout) {
  command.add_option("--peerAddresses", options.peer_address,
                     "HOST:PORT of the peer (default: $CORE_PEER_ADDRESS, else 127.0.0.1:7051)");
  command.add_option("-o,--output", output, "output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  command.add_option("--connTimeout", connect_timeout, "connection timeout (default 3s)");
}

}  // namespace

int main(int argc, char** argv) {
  const environment env = process_environment();
  CLI::App app{"scc-peer: a stub Fabric peer for scc system-chaincode plugins"};
  app.require_subcommand(1);

  client_options options;
  std::string output = "text";
  std::string connect_timeout = "3s";
  std::string wait_timeout = "30s";

  // node start | status
  CLI::App& node = *app.add_subcommand("node", "run the peer or ask about it");
  node.require_subcommand(1);
  CLI::App& start = *node.add_subcommand("start", "start the peer (until SIGINT/SIGTERM)");
  std::optional<std::string> config_file;
  std::optional<std::string> log_level;
  start.add_option("--config", config_file,
                   "core.yaml to use (default: $FABRIC_CFG_PATH/core.yaml, else ./core.yaml)");
  start.add_option("--log-level", log_level,
                   "debug, info, warning or error (default: from $FABRIC_LOGGING_SPEC, else info)");
  CLI::App& status = *node.add_subcommand("status", "the peer's address and channel heights");
  add_client_flags(status, options, output, connect_timeout);

  // chaincode invoke | query | list
  CLI::App& chaincode = *app.add_subcommand("chaincode", "invoke, query or list chaincodes");
  chaincode.require_subcommand(1);
  proposal_options proposal;
  CLI::App& invoke = *chaincode.add_subcommand("invoke", "invoke and wait for the commit");
  CLI::App& query = *chaincode.add_subcommand("query", "query (never committed)");
  for (CLI::App* command : {&invoke, &query}) {
    command->add_option("-C,--channelID", proposal.channel, "channel")->required();
    command->add_option("-n,--name", proposal.chaincode, "chaincode name")->required();
    command
        ->add_option("-c,--ctor", proposal.ctor,
                     R"(arguments: '{"Args":["fn","a"]}' or '{"function":"fn","Args":["a"]}')")
        ->required();
    command->add_option("--transient", proposal.transient,
                        R"(transient map as JSON: '{"key":"<base64>"}')");
    command->add_option("--certfile", proposal.certificate_file,
                        "PEM certificate of the creator (default: the first file in "
                        "$CORE_PEER_MSPCONFIGPATH/signcerts, else none)");
    command->add_option("--waitForEventTimeout", wait_timeout,
                        "how long to wait for the reply (default 30s)");
    add_client_flags(*command, options, output, connect_timeout);
  }
  CLI::App& list = *chaincode.add_subcommand("list", "the loaded system chaincodes");
  add_client_flags(list, options, output, connect_timeout);

  // channel list
  CLI::App& channel = *app.add_subcommand("channel", "list channels");
  channel.require_subcommand(1);
  CLI::App& channel_list = *channel.add_subcommand("list", "the channels with their heights");
  add_client_flags(channel_list, options, output, connect_timeout);

  CLI11_PARSE(app, argc, argv);

  if (start.parsed()) return run_node(config_file, log_level, env);

  if (options.peer_address.empty()) {
    options.peer_address = env("CORE_PEER_ADDRESS").value_or("127.0.0.1:7051");
  }
  options.json = output == "json";
  const auto connect = parse_duration(connect_timeout);
  const auto wait = parse_duration(wait_timeout);
  if (!connect || !wait) {
    std::cerr << "Error: --connTimeout and --waitForEventTimeout take durations such as 3s\n";
    return 1;
  }
  options.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*connect);
  options.reply_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*wait);

  if (invoke.parsed() || query.parsed()) {
    return run_invoke_or_query(invoke.parsed(), proposal, options, env, std::cout, std::cerr);
  }
  if (list.parsed()) return run_chaincode_list(options, std::cout, std::cerr);
  if (channel_list.parsed()) return run_channel_list(options, std::cout, std::cerr);
  if (status.parsed()) return run_node_status(options, std::cout, std::cerr);
  return 1;
}
