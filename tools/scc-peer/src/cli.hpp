// cli.hpp - the client verbs of scc-peer, mirroring `peer chaincode` / `peer channel` /
// `peer node`: they talk to a running scc-peer and print what it answered.
#ifndef SCC_PEER_CLI_HPP
#define SCC_PEER_CLI_HPP

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config.hpp"

namespace scc::peer {

// A command line that cannot be carried out as given (bad -c JSON, bad --transient, ...).
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct client_options {
  std::string peer_address;  // --peerAddresses, else CORE_PEER_ADDRESS, else 127.0.0.1:7051
  bool json = false;         // --output json
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds reply_timeout{30000};
};

struct proposal_options {
  std::string channel;                          // -C
  std::string chaincode;                        // -n
  std::string ctor;                             // -c
  std::optional<std::string> transient;         // --transient
  std::optional<std::string> certificate_file;  // --certfile
};

// Fabric's -c: {"Args":["fn","a"]} or {"function":"fn","Args":["a"]} (keys in any case, as Go's
// JSON decoder matches them). Throws usage_error.
std::vector<std::string> parse_ctor(const std::string& json);
// --transient: {"key":"<base64>"}. Throws usage_error.
std::map<std::string, std::string> parse_transient(const std::string& json);

// Each returns the process exit code: 0 when all went well, 1 otherwise (message on stderr).
int run_invoke_or_query(bool invoke, const proposal_options& proposal,
                        const client_options& options, const environment& env, std::ostream& out,
                        std::ostream& err);
int run_chaincode_list(const client_options& options, std::ostream& out, std::ostream& err);
int run_channel_list(const client_options& options, std::ostream& out, std::ostream& err);
int run_node_status(const client_options& options, std::ostream& out, std::ostream& err);

// `node start`: runs the peer until SIGINT or SIGTERM. Returns the exit code.
int run_node(const std::optional<std::string>& config_file,
             const std::optional<std::string>& log_level, const environment& env);

}  // namespace scc::peer

#endif  // SCC_PEER_CLI_HPP
