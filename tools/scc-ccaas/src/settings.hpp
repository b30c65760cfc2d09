// settings.hpp - what scc-ccaas is asked to do, from its arguments and the environment Fabric's
// users already know (fabric-samples' CHAINCODE_*, fabric-chaincode-node's CORE_CHAINCODE_*,
// the peer's CORE_PEER_TLS_* for the classic mode). Every refusal is one line: settings_error.
//
//   scc-ccaas serve PLUGIN.so --address HOST:PORT --id CHAINCODE_ID
//                             [--tls-key F --tls-cert F [--tls-client-ca F]]
//   scc-ccaas serve PLUGIN.so --peer.address HOST:PORT --id CHAINCODE_ID
//   scc-ccaas package --label L --address HOST:PORT [--tls-required] [--client-auth-required]
//                     [--root-cert F] [--client-key F --client-cert F] [--dial-timeout 10s]
//                     -o L.tar.gz
#ifndef SCC_CCAAS_SETTINGS_HPP
#define SCC_CCAAS_SETTINGS_HPP

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace scc::ccaas {

class settings_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The peer dials this server (chaincode as a service).
struct server_tls {
  std::string key_file;
  std::string cert_file;
  std::string client_ca_file;  // set: clients must present a certificate this CA issued
};

// This process dials the peer (classic mode, ChaincodeSupport/Register).
struct peer_tls {
  std::string root_cert_file;       // the peer's TLS CA
  std::string client_key_file;      // the client key and certificate the peer requires
  std::string client_cert_file;
  bool client_files_base64 = false; // CORE_TLS_CLIENT_*_PATH hold base64 of the PEM
  std::string server_name_override;
};

struct serve_settings {
  std::string plugin_path;
  std::string chaincode_id;
  std::string listen_address;  // chaincode as a service
  std::string peer_address;    // classic mode
  std::optional<server_tls> tls;
  std::optional<peer_tls> peer_tls_settings;
  std::string log_level = "info";
  // "fibers" (default) or "threads"; see chaincode_session.hpp.
  std::string executor = "fibers";
};

struct package_settings {
  std::string label;
  std::string address;
  std::string dial_timeout = "10s";
  bool tls_required = false;
  bool client_auth_required = false;
  std::string root_cert_file;
  std::string client_key_file;
  std::string client_cert_file;
  std::string output;
};

struct help_request {
  std::string text;
};

using command = std::variant<serve_settings, package_settings, help_request>;

using environment = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
std::optional<std::string> process_environment(const std::string& name);

// Throws settings_error. args excludes the program name.
command parse_command(const std::vector<std::string>& args, const environment& env);

// HOST:PORT with a port in 0..65535 (0: any free port); throws settings_error naming what.
void check_address(const std::string& what, const std::string& address);

std::string usage();

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_SETTINGS_HPP
