// config.hpp - scc-peer's settings from core.yaml, with Fabric's environment overrides.
//
// Fabric's keys where they apply (peer.listenAddress, peer.fileSystemPath, chaincode.system,
// chaincode.systemPlugins) and scc-peer's own under sccPeer (see docs/stub-peer.md). Unknown
// keys are ignored, as Fabric ignores them. Every scalar key can be overridden by an
// environment variable named as Fabric names them: CORE_ + the key path in capitals with dots
// as underscores (CORE_PEER_LISTENADDRESS, CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT, ...).
#ifndef SCC_PEER_CONFIG_HPP
#define SCC_PEER_CONFIG_HPP

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace scc::peer {

// A config that cannot be used. what() names the file, the key or entry, and the cause.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads an environment variable; replaceable in tests.
using environment = std::function<std::optional<std::string>(const std::string& name)>;
environment process_environment();

// One entry of chaincode.systemPlugins (Fabric's PluginConfig). Missing flags are false, as
// Go's zero value makes them in Fabric.
struct plugin_entry {
  std::size_t index = 0;
  bool enabled = false;
  std::string name;
  std::string path;                     // as written
  std::filesystem::path resolved_path;  // relative paths taken from the config file's folder
  bool invokable_external = false;
  bool invokable_cc2cc = false;
  // chaincode.system[name] is enable, true or yes.
  bool whitelisted = false;
  // Why the peer does not load the entry, and how to make it load; empty when it loads.
  std::string not_loaded_because;

  // "chaincode.systemPlugins[1] (name 'kvscc', path '/x/kvscc.so')", for messages.
  std::string describe() const;
  // Fabric registers a plugin only when both hold.
  bool loads() const noexcept { return enabled && whitelisted; }
  // Enabled, but the whitelist does not enable it: most likely a misspelt or forgotten
  // chaincode.system key rather than a plugin switched off on purpose.
  bool whitelist_mismatch() const noexcept { return enabled && !whitelisted; }
};

struct peer_config {
  std::filesystem::path config_file;
  // Fabric's peer.listenAddress; the default is loopback, never a wildcard address.
  std::string listen_address = "127.0.0.1:7051";
  // Fabric's peer.fileSystemPath (and its default); the ledger lives in ledgersData/ below it.
  std::filesystem::path file_system_path = "/var/hyperledger/production";
  // chaincode.system: name (lower case, as Fabric's config library keeps keys) -> value.
  std::map<std::string, std::string> system_chaincodes;
  std::vector<plugin_entry> plugins;
  // Fabric's chaincode.executetimeout: how long a proposal may run in a chaincode before the
  // peer gives up on it, answers the client and refuses the chaincode while it stays stuck.
  std::chrono::microseconds execute_timeout{std::chrono::seconds(30)};

  // ---- scc-peer's own keys ----
  // sccPeer.blockCutter.maxMessageCount / batchTimeout: a block is cut when it holds this many
  // transactions, or this long after its first transaction arrived (an orderer's BatchSize and
  // BatchTimeout).
  uint32_t max_message_count = 500;
  std::chrono::microseconds batch_timeout{std::chrono::milliseconds(10)};
  // sccPeer.maxFrameBytes: the largest frame body accepted or sent.
  uint32_t max_frame_bytes = 16u * 1024u * 1024u;
  // sccPeer.workerThreads: threads serving connections and simulating; 0 = one per core.
  unsigned worker_threads = 0;
};

// The file to load: explicit if given, else $FABRIC_CFG_PATH/core.yaml, else ./core.yaml.
// Throws config_error listing where it looked.
std::filesystem::path locate_config(const std::optional<std::string>& explicit_path,
                                    const environment& env);

// Loads a core.yaml file and applies the environment overrides. Throws config_error.
peer_config load_config(const std::filesystem::path& file, const environment& env);

// The same for YAML text; relative paths are taken from base_dir.
peer_config parse_config(const std::string& yaml_text, const std::filesystem::path& base_dir,
                         const environment& env, const std::string& origin = "core.yaml");

// Go duration syntax: "10ms", "1.5s", "1m30s", "0".
std::optional<std::chrono::microseconds> parse_duration(std::string_view text);
// Bytes: "16777216", "16 MB", "512KB" (units are powers of 1024, as in Fabric's byte sizes).
std::optional<uint64_t> parse_byte_size(std::string_view text);
// YAML 1.1 booleans as Fabric's config library reads them (true/yes/on/1/t and their cases).
std::optional<bool> parse_bool(std::string_view text);

// Host and port of an address such as "127.0.0.1:7051", "localhost:0" or "[::1]:7051".
struct host_port {
  std::string host;
  uint16_t port = 0;
};
std::optional<host_port> split_host_port(std::string_view address);

}  // namespace scc::peer

#endif  // SCC_PEER_CONFIG_HPP
