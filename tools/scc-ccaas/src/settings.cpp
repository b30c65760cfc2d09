#include "settings.hpp"

#include <cstdlib>
#include <map>
#include <set>

namespace scc::ccaas {

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string usage() {
  return "usage:\n"
         "  scc-ccaas serve PLUGIN.so --address HOST:PORT --id CHAINCODE_ID\n"
         "                            [--tls-key FILE --tls-cert FILE [--tls-client-ca FILE]]\n"
         "      serves the plugin as chaincode; the peer dials HOST:PORT (chaincode as a service).\n"
         "      Environment: CHAINCODE_SERVER_ADDRESS or CORE_CHAINCODE_ADDRESS, CHAINCODE_ID or\n"
         "      CORE_CHAINCODE_ID, CHAINCODE_TLS_KEY/CHAINCODE_TLS_CERT/CHAINCODE_CLIENT_CA_CERT or\n"
         "      CORE_CHAINCODE_TLS_KEY_FILE/..._CERT_FILE/..._CLIENT_CACERT_FILE.\n"
         "  scc-ccaas serve PLUGIN.so --peer.address HOST:PORT --id CHAINCODE_ID\n"
         "      dials the peer (classic mode). Environment: CORE_CHAINCODE_ID_NAME,\n"
         "      CORE_PEER_TLS_ENABLED, CORE_PEER_TLS_ROOTCERT_FILE, CORE_TLS_CLIENT_KEY_FILE and\n"
         "      CORE_TLS_CLIENT_CERT_FILE (PEM) or CORE_TLS_CLIENT_KEY_PATH and\n"
         "      CORE_TLS_CLIENT_CERT_PATH (base64 of PEM), CORE_PEER_TLS_SERVERHOSTOVERRIDE.\n"
         "  scc-ccaas package --label L --address HOST:PORT [--tls-required]\n"
         "                    [--client-auth-required] [--root-cert FILE]\n"
         "                    [--client-key FILE --client-cert FILE] [--dial-timeout 10s]\n"
         "                    -o L.tar.gz\n"
         "      writes the chaincode package Fabric's ccaas builder installs.\n"
         "  common: --log-level debug|info|warning|error (or CORE_CHAINCODE_LOGGING_LEVEL)\n"
         "          --executor fibers|threads (or SCC_CCAAS_EXECUTOR): fibers (default) run every\n"
         "          transaction on one event-loop thread, switching at each request to the peer;\n"
         "          threads give each transaction a thread, for thread-safe plugins that compute\n"
         "          or block for long.\n";
}

namespace {

struct parsed_flags {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> switches;
};

// Reads --name value, --name=value and switches; refuses what it does not know.
parsed_flags parse_flags(const std::vector<std::string>& args, const std::string& subcommand,
                         const std::set<std::string>& valued,
                         const std::set<std::string>& switches) {
  parsed_flags out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      out.positional.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    const std::size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    if (switches.count(name) != 0) {
      if (value) throw settings_error(name + " takes no value");
      out.switches.insert(name);
      continue;
    }
    if (valued.count(name) == 0) {
      throw settings_error("unknown option " + name + " for 'scc-ccaas " + subcommand +
                           "' (see scc-ccaas --help)");
    }
    if (!value) {
      if (i + 1 >= args.size()) throw settings_error(name + " needs a value");
      value = args[++i];
    }
    if (out.values.count(name) != 0 && out.values[name] != *value) {
      throw settings_error(name + " is given twice with different values");
    }
    out.values[name] = *value;
  }
  return out;
}

// The first of: the flag, then each environment variable in order. Two environment variables
// that mean the same thing must agree.
std::optional<std::string> setting(const parsed_flags& flags, const std::string& flag,
                                   const std::vector<std::string>& variables,
                                   const environment& env) {
  const auto given = flags.values.find(flag);
  if (given != flags.values.end()) return given->second;
  std::optional<std::string> found;
  std::string found_in;
  for (const std::string& variable : variables) {
    const std::optional<std::string> value = env(variable);
    if (!value || value->empty()) continue;
    if (found && *found != *value) {
      throw settings_error(found_in + " and " + variable + " disagree ('" + *found + "' and '" +
                           *value + "'); set one of them, or pass " + flag);
    }
    if (!found) {
      found = value;
      found_in = variable;
    }
  }
  return found;
}

bool truthy(const std::optional<std::string>& value) {
  return value && (*value == "true" || *value == "TRUE" || *value == "True" || *value == "1");
}

// AddressSanitizer does not follow stacks switched by swapcontext without annotations, which
// the fibers lack: sanitizer builds run transactions on threads unless told otherwise.
#if defined(__SANITIZE_ADDRESS__)
constexpr const char* default_executor = "threads";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr const char* default_executor = "threads";
#else
constexpr const char* default_executor = "fibers";
#endif
#else
constexpr const char* default_executor = "fibers";
#endif

serve_settings parse_serve(const std::vector<std::string>& args, const environment& env) {
  const parsed_flags flags = parse_flags(
      args, "serve",
      {"--address", "--id", "--tls-key", "--tls-cert", "--tls-client-ca", "--peer.address",
       "--chaincode-id-name", "--log-level", "--executor"},
      {});
  serve_settings out;
  out.executor = default_executor;
  if (flags.positional.empty()) {
    throw settings_error("no plugin: scc-ccaas serve PLUGIN.so --address HOST:PORT --id ID");
  }
  if (flags.positional.size() > 1) {
    throw settings_error("one plugin per server: unexpected argument '" + flags.positional[1] +
                         "'");
  }
  out.plugin_path = flags.positional[0];
  if (const auto level = setting(flags, "--log-level", {"CORE_CHAINCODE_LOGGING_LEVEL"}, env)) {
    out.log_level = *level;
    const std::set<std::string> known{"debug", "info", "warning", "warn", "error",
                                      "DEBUG", "INFO", "WARNING", "WARN", "ERROR"};
    if (known.count(out.log_level) == 0) {
      throw settings_error("unknown log level '" + out.log_level +
                           "'; use debug, info, warning or error");
    }
  }

  if (const auto how = setting(flags, "--executor", {"SCC_CCAAS_EXECUTOR"}, env)) {
    if (*how != "fibers" && *how != "threads") {
      throw settings_error("unknown --executor '" + *how + "'; use fibers or threads");
    }
    out.executor = *how;
  }

  const auto peer_address = setting(flags, "--peer.address", {}, env);
  if (peer_address) {
    if (flags.values.count("--address") != 0) {
      throw settings_error("--address (serve, the peer dials in) and --peer.address (dial the "
                           "peer) exclude each other; give one");
    }
    for (const char* flag : {"--tls-key", "--tls-cert", "--tls-client-ca"}) {
      if (flags.values.count(flag) != 0) {
        throw settings_error(std::string(flag) +
                             " is for serving; with --peer.address TLS comes from "
                             "CORE_PEER_TLS_ENABLED and CORE_PEER_TLS_ROOTCERT_FILE");
      }
    }
    check_address("--peer.address", *peer_address);
    out.peer_address = *peer_address;
    const auto id = flags.values.count("--id") != 0
                        ? flags.values.at("--id")
                        : setting(flags, "--chaincode-id-name", {"CORE_CHAINCODE_ID_NAME"}, env)
                              .value_or("");
    if (id.empty()) {
      throw settings_error(
          "no chaincode id: pass --id (or set CORE_CHAINCODE_ID_NAME), the name the peer "
          "expects, e.g. mycc:1.0");
    }
    out.chaincode_id = id;
    if (truthy(env("CORE_PEER_TLS_ENABLED"))) {
      peer_tls tls;
      tls.root_cert_file = env("CORE_PEER_TLS_ROOTCERT_FILE").value_or("");
      if (tls.root_cert_file.empty()) {
        throw settings_error("CORE_PEER_TLS_ENABLED is true but CORE_PEER_TLS_ROOTCERT_FILE (the "
                             "peer's TLS CA certificate, PEM) is not set");
      }
      const auto key_file = env("CORE_TLS_CLIENT_KEY_FILE");
      const auto cert_file = env("CORE_TLS_CLIENT_CERT_FILE");
      const auto key_path = env("CORE_TLS_CLIENT_KEY_PATH");
      const auto cert_path = env("CORE_TLS_CLIENT_CERT_PATH");
      if (key_file || cert_file) {
        tls.client_key_file = key_file.value_or("");
        tls.client_cert_file = cert_file.value_or("");
      } else if (key_path || cert_path) {
        tls.client_key_file = key_path.value_or("");
        tls.client_cert_file = cert_path.value_or("");
        tls.client_files_base64 = true;
      }
      if (tls.client_key_file.empty() != tls.client_cert_file.empty()) {
        throw settings_error("the peer's client TLS needs both a key and a certificate: set "
                             "CORE_TLS_CLIENT_KEY_FILE and CORE_TLS_CLIENT_CERT_FILE");
      }
      tls.server_name_override = env("CORE_PEER_TLS_SERVERHOSTOVERRIDE").value_or("");
      out.peer_tls_settings = tls;
    }
    return out;
  }

  const auto address =
      setting(flags, "--address", {"CHAINCODE_SERVER_ADDRESS", "CORE_CHAINCODE_ADDRESS"}, env);
  if (!address) {
    throw settings_error(
        "no address: pass --address HOST:PORT (or set CHAINCODE_SERVER_ADDRESS) to serve, or "
        "--peer.address HOST:PORT to dial a peer");
  }
  check_address("--address", *address);
  out.listen_address = *address;
  const auto id = setting(flags, "--id", {"CHAINCODE_ID", "CORE_CHAINCODE_ID"}, env);
  if (!id || id->empty()) {
    throw settings_error("no chaincode id: pass --id (or set CHAINCODE_ID), the package id the "
                         "peer knows, e.g. mycc_1.0:3f2a...");
  }
  out.chaincode_id = *id;

  const bool tls_disabled = truthy(env("CHAINCODE_TLS_DISABLED"));
  const environment tls_env = [&](const std::string& name) -> std::optional<std::string> {
    return tls_disabled ? std::nullopt : env(name);
  };
  const auto key =
      setting(flags, "--tls-key", {"CHAINCODE_TLS_KEY", "CORE_CHAINCODE_TLS_KEY_FILE"}, tls_env);
  const auto cert = setting(flags, "--tls-cert",
                            {"CHAINCODE_TLS_CERT", "CORE_CHAINCODE_TLS_CERT_FILE"}, tls_env);
  const auto client_ca =
      setting(flags, "--tls-client-ca",
              {"CHAINCODE_CLIENT_CA_CERT", "CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE"}, tls_env);
  if (key.has_value() != cert.has_value()) {
    throw settings_error(key ? "--tls-key needs --tls-cert (the server certificate, PEM)"
                             : "--tls-cert needs --tls-key (the server's private key, PEM)");
  }
  if (client_ca && !key) {
    throw settings_error("--tls-client-ca (mutual TLS) needs --tls-key and --tls-cert as well");
  }
  if (key) out.tls = server_tls{*key, *cert, client_ca.value_or("")};
  return out;
}

package_settings parse_package(const std::vector<std::string>& args, const environment& env) {
  const parsed_flags flags = parse_flags(
      args, "package",
      {"--label", "--address", "--root-cert", "--client-key", "--client-cert", "--dial-timeout",
       "-o", "--output"},
      {"--tls-required", "--client-auth-required"});
  (void)env;
  if (!flags.positional.empty()) {
    throw settings_error("unexpected argument '" + flags.positional[0] + "' for scc-ccaas package");
  }
  package_settings out;
  const auto value = [&](const char* name) {
    const auto found = flags.values.find(name);
    return found == flags.values.end() ? std::string() : found->second;
  };
  out.label = value("--label");
  out.address = value("--address");
  out.root_cert_file = value("--root-cert");
  out.client_key_file = value("--client-key");
  out.client_cert_file = value("--client-cert");
  out.output = value("-o").empty() ? value("--output") : value("-o");
  if (flags.values.count("--dial-timeout") != 0) out.dial_timeout = value("--dial-timeout");
  out.tls_required = flags.switches.count("--tls-required") != 0;
  out.client_auth_required = flags.switches.count("--client-auth-required") != 0;

  if (out.label.empty()) throw settings_error("--label is required (the chaincode label)");
  // Fabric's lifecycle accepts labels matching ^[[:alnum:]][[:alnum:]_.+-]*$.
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '+' || c == '-';
  };
  bool label_ok = allowed(out.label[0]) && out.label[0] != '_' && out.label[0] != '.' &&
                  out.label[0] != '+' && out.label[0] != '-';
  for (char c : out.label) label_ok = label_ok && allowed(c);
  if (!label_ok) {
    throw settings_error("invalid label '" + out.label +
                         "': Fabric accepts letters, digits and _.+- , starting with a letter or "
                         "digit");
  }
  if (out.address.empty()) throw settings_error("--address HOST:PORT is required");
  check_address("--address", out.address);
  if (out.output.empty()) throw settings_error("-o FILE is required (e.g. -o " + out.label + ".tar.gz)");
  // Go's time.ParseDuration grammar, simplified: digits with a unit, repeated.
  {
    const std::string& d = out.dial_timeout;
    std::size_t i = 0;
    bool ok = !d.empty();
    while (ok && i < d.size()) {
      const std::size_t digits = i;
      while (i < d.size() && ((d[i] >= '0' && d[i] <= '9') || d[i] == '.')) ++i;
      if (i == digits) ok = false;
      const std::size_t unit = i;
      while (i < d.size() && ((d[i] >= 'a' && d[i] <= 'z') || d[i] == '\xc2' || d[i] == '\xb5')) ++i;
      const std::string u = d.substr(unit, i - unit);
      if (u != "ns" && u != "us" && u != "ms" && u != "s" && u != "m" && u != "h" &&
          u != "\xc2\xb5s") {
        ok = false;
      }
    }
    if (!ok) {
      throw settings_error("invalid --dial-timeout '" + d + "': use a Go duration such as 10s");
    }
  }
  if (out.client_key_file.empty() != out.client_cert_file.empty()) {
    throw settings_error("--client-key and --client-cert go together");
  }
  if (out.client_auth_required && out.client_key_file.empty()) {
    throw settings_error("--client-auth-required needs --client-key and --client-cert (the "
                         "peer's client identity for this chaincode)");
  }
  if ((out.client_auth_required || !out.client_key_file.empty()) && !out.tls_required) {
    throw settings_error("client certificates need --tls-required");
  }
  if (out.tls_required && out.root_cert_file.empty()) {
    throw settings_error("--tls-required needs --root-cert (the CA that issued the chaincode "
                         "server's TLS certificate)");
  }
  return out;
}

}  // namespace

void check_address(const std::string& what, const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    throw settings_error(what + " '" + address + "' is not HOST:PORT");
  }
  const std::string port = address.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535) {
    throw settings_error(what + " '" + address + "' has an invalid port '" + port +
                         "' (0 to 65535)");
  }
  const std::string host = address.substr(0, colon);
  if (host.find_first_of(" /\t") != std::string::npos ||
      (host.find(':') != std::string::npos && host.front() != '[')) {
    throw settings_error(what + " '" + address + "' is not HOST:PORT (write IPv6 as [::1]:PORT)");
  }
}

command parse_command(const std::vector<std::string>& args, const environment& env) {
  if (args.empty()) throw settings_error("no command: scc-ccaas serve|package ... (see --help)");
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") return help_request{usage()};
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const std::string& arg : rest) {
    if (arg == "--help" || arg == "-h") return help_request{usage()};
  }
  if (first == "serve") return parse_serve(rest, env);
  if (first == "package") return parse_package(rest, env);
  throw settings_error("unknown command '" + first + "': use serve or package (see --help)");
}

}  // namespace scc::ccaas
