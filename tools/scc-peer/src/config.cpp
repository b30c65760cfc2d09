#include "config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <system_error>

#include "text.hpp"
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

namespace scc::peer {

namespace {

using text::lowercase;
using text::trim;
using text::uppercase;

// CORE_PEER_LISTENADDRESS for peer.listenAddress, as Fabric's viper setup names it.
std::string env_name(std::string_view key) {
  std::string name = "CORE_" + uppercase(key);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

// Map lookups ignore case, as Fabric's config library does.
YAML::Node child(const YAML::Node& map, std::string_view key) {
  if (!map || !map.IsMap()) return YAML::Node();
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && lowercase(entry.first.Scalar()) == lowercase(key)) {
      return entry.second;
    }
  }
  return YAML::Node();
}

YAML::Node at_path(const YAML::Node& root, std::string_view path) {
  // Node::operator= would overwrite the node it refers to; reset() rebinds.
  YAML::Node node;
  node.reset(root);
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const YAML::Node next = child(node, path.substr(0, dot));
    if (!next) return next;
    node.reset(next);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

class reader {
 public:
  reader(const YAML::Node& root, const environment& env, std::string origin)
      : root_(root), env_(env), origin_(std::move(origin)) {}

  // The key's scalar text, the environment override winning; nullopt when neither is set
  // or the key is null.
  std::optional<std::string> scalar(std::string_view key) const {
    if (std::optional<std::string> value = env_(env_name(key))) return value;
    const YAML::Node node = at_path(root_, key);
    if (!node || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
      throw config_error(fmt::format("{}: {} must be a single value, found a {}", origin_, key,
                                     node.IsMap() ? "map" : "list"));
    }
    return node.Scalar();
  }

  [[noreturn]] void fail(std::string_view key, std::string_view value,
                         std::string_view expected) const {
    const std::string source = env_(env_name(key)) ? " (from " + env_name(key) + ")" : "";
    throw config_error(
        fmt::format("{}: {} is '{}'{}; expected {}", origin_, key, value, source, expected));
  }

  const YAML::Node& root() const noexcept { return root_; }
  const std::string& origin() const noexcept { return origin_; }
  const environment& env() const noexcept { return env_; }

 private:
  YAML::Node root_;
  const environment& env_;
  std::string origin_;
};

bool whitelist_value_enables(std::string_view value) {
  // isWhitelisted (core/scc/sysccapi.go): "enable", "true" or "yes". A YAML boolean reaches
  // Fabric as "true", so every spelling YAML reads as true counts too.
  if (value == "enable") return true;
  const std::optional<bool> as_bool = parse_bool(value);
  return as_bool.has_value() && *as_bool && value != "1" && lowercase(value) != "t";
}

// Levenshtein distance, for suggesting the whitelist key a plugin name was probably meant to
// match.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Why an entry is not loaded, in words that name both spellings and the fix. Fabric registers a
// plugin only when systemPlugins enables it and chaincode.system whitelists its name; the two
// are easy to get out of step, and the peer would otherwise only say "not installed" later.
std::string not_loaded_because(const plugin_entry& entry,
                               const std::map<std::string, std::string>& whitelist,
                               const std::set<std::string>& entry_keys) {
  if (!entry.enabled) return fmt::format("{} has enabled: false", entry.describe());
  if (entry.whitelisted) return {};
  const std::string key = lowercase(entry.name);
  const auto listed = whitelist.find(key);
  if (listed != whitelist.end()) {
    return fmt::format(
        "chaincode.system has \"{}: {}\", which does not enable it (only enable, true or yes "
        "do); set \"{}: enable\" under chaincode.system",
        listed->first, listed->second, entry.name);
  }
  // The closest key, if it is close enough to be a misspelling of this name.
  const std::string* nearest = nullptr;
  std::size_t nearest_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const auto& [candidate, value] : whitelist) {
    // Another entry's key is that entry's, not a misspelling of this one.
    if (entry_keys.count(candidate) != 0) continue;
    const std::size_t distance = edit_distance(key, candidate);
    if (distance < nearest_distance) {
      nearest = &candidate;
      nearest_distance = distance;
    }
  }
  std::string has;
  if (nearest != nullptr) {
    has = fmt::format(" (it has \"{}\")", *nearest);
  } else if (whitelist.empty()) {
    has = " (it has no keys)";
  }
  return fmt::format(
      "chaincode.system has no key \"{}\"{}; add \"{}: enable\" under chaincode.system", key, has,
      entry.name);
}

std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& path) {
  const std::filesystem::path as_written(path);
  if (as_written.is_absolute() || base_dir.empty()) return as_written;
  return (base_dir / as_written).lexically_normal();
}

std::vector<plugin_entry> read_plugins(const reader& config, const std::filesystem::path& base_dir,
                                       const std::map<std::string, std::string>& whitelist) {
  std::vector<plugin_entry> out;
  const YAML::Node list = at_path(config.root(), "chaincode.systemPlugins");
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    throw config_error(
        fmt::format("{}: chaincode.systemPlugins must be a list of entries (enabled, name, path, "
                    "invokableExternal, invokableCC2CC)",
                    config.origin()));
  }
  std::set<std::string> loaded_names;
  for (std::size_t index = 0; index < list.size(); ++index) {
    const YAML::Node item = list[index];
    plugin_entry entry;
    entry.index = index;
    const auto field = [&](std::string_view key) -> std::optional<std::string> {
      const YAML::Node node = child(item, key);
      if (!node || node.IsNull()) return std::nullopt;
      if (!node.IsScalar()) {
        throw config_error(fmt::format("{}: {}: {} must be a single value", config.origin(),
                                       entry.describe(), key));
      }
      return node.Scalar();
    };
    if (!item.IsMap()) {
      throw config_error(
          fmt::format("{}: chaincode.systemPlugins[{}] must be a map with enabled, name, path, "
                      "invokableExternal and invokableCC2CC",
                      config.origin(), index));
    }
    entry.name = field("name").value_or("");
    entry.path = field("path").value_or("");
    const auto flag = [&](std::string_view key) {
      const std::optional<std::string> text = field(key);
      if (!text) return false;
      const std::optional<bool> value = parse_bool(*text);
      if (!value) {
        throw config_error(fmt::format("{}: {}: {} is '{}'; expected true or false",
                                       config.origin(), entry.describe(), key, *text));
      }
      return *value;
    };
    entry.enabled = flag("enabled");
    entry.invokable_external = flag("invokableExternal");
    entry.invokable_cc2cc = flag("invokableCC2CC");
    const auto listed = whitelist.find(lowercase(entry.name));
    entry.whitelisted = listed != whitelist.end() && whitelist_value_enables(listed->second);
    if (entry.loads()) {
      if (entry.name.empty()) {
        throw config_error(fmt::format("{}: {}: an enabled plugin needs a name", config.origin(),
                                       entry.describe()));
      }
      if (entry.path.empty()) {
        throw config_error(fmt::format("{}: {}: an enabled plugin needs a path", config.origin(),
                                       entry.describe()));
      }
      if (!loaded_names.insert(entry.name).second) {
        throw config_error(fmt::format("{}: {}: another enabled entry already has the name '{}'",
                                       config.origin(), entry.describe(), entry.name));
      }
    }
    if (!entry.path.empty()) entry.resolved_path = resolve(base_dir, entry.path);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string plugin_entry::describe() const {
  return fmt::format("chaincode.systemPlugins[{}] (name '{}', path '{}')", index, name, path);
}

std::optional<bool> parse_bool(std::string_view text) {
  static const std::set<std::string, std::less<>> truths = {
      "true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1", "t", "T"};
  static const std::set<std::string, std::less<>> falsehoods = {
      "false", "False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF", "0", "f", "F"};
  const std::string_view value = trim(text);
  if (truths.count(value) != 0) return true;
  if (falsehoods.count(value) != 0) return false;
  return std::nullopt;
}

std::optional<std::chrono::microseconds> parse_duration(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest == "0") return std::chrono::microseconds(0);
  if (rest.empty()) return std::nullopt;
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  double total_us = 0;
  while (!rest.empty()) {
    // Go's grammar: digits, optionally '.' and more digits, at least one digit in all. ("1.2.3s"
    // and ".s" are refused, as Go refuses them; stod alone would read "1.2" of "1.2.3".)
    std::size_t digits = 0;
    while (digits < rest.size() && is_digit(rest[digits])) ++digits;
    std::size_t length = digits;
    if (length < rest.size() && rest[length] == '.') {
      ++length;
      while (length < rest.size() && is_digit(rest[length])) ++length;
    }
    const std::size_t fraction_digits = length > digits ? length - digits - 1 : 0;
    if (digits == 0 && fraction_digits == 0) return std::nullopt;
    double number = 0;
    try {
      number = std::stod(std::string(rest.substr(0, length)));
    } catch (const std::exception&) {
      return std::nullopt;
    }
    rest.remove_prefix(length);
    std::size_t unit_size = 0;
    while (unit_size < rest.size() && !std::isdigit(static_cast<unsigned char>(rest[unit_size])) &&
           rest[unit_size] != '.') {
      ++unit_size;
    }
    const std::string_view unit = rest.substr(0, unit_size);
    rest.remove_prefix(unit_size);
    double scale = 0;
    if (unit == "ns") {
      scale = 1e-3;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {  // u, micro, mu
      scale = 1;
    } else if (unit == "ms") {
      scale = 1e3;
    } else if (unit == "s") {
      scale = 1e6;
    } else if (unit == "m") {
      scale = 60e6;
    } else if (unit == "h") {
      scale = 3600e6;
    } else {
      return std::nullopt;
    }
    total_us += number * scale;
  }
  if (total_us > 1e15) return std::nullopt;
  return std::chrono::microseconds(static_cast<int64_t>(std::llround(total_us)));
}

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  std::string_view rest = trim(text);
  std::size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  // Every uint64 (20 digits), so that any size this returns can also be written in bytes.
  uint64_t number = 0;
  if (std::from_chars(rest.data(), rest.data() + digits, number).ec != std::errc()) {
    return std::nullopt;
  }
  const std::string unit = uppercase(trim(rest.substr(digits)));
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "KB" || unit == "K" || unit == "KIB") {
    scale = 1024;
  } else if (unit == "MB" || unit == "M" || unit == "MIB") {
    scale = 1024 * 1024;
  } else if (unit == "GB" || unit == "G" || unit == "GIB") {
    scale = 1024ull * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (number > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
  return number * scale;
}

std::optional<host_port> split_host_port(std::string_view address) {
  address = trim(address);
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return std::nullopt;
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // IPv6 needs brackets
  }
  if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  const unsigned long number = std::stoul(std::string(port));
  if (number > 65535) return std::nullopt;
  return host_port{std::string(host), static_cast<uint16_t>(number)};
}

std::filesystem::path locate_config(const std::optional<std::string>& explicit_path,
                                    const environment& env) {
  namespace fs = std::filesystem;
  if (explicit_path) {
    if (!fs::is_regular_file(*explicit_path)) {
      throw config_error(fmt::format("config file '{}' (--config) does not exist", *explicit_path));
    }
    return *explicit_path;
  }
  std::vector<fs::path> tried;
  if (const std::optional<std::string> folder = env("FABRIC_CFG_PATH")) {
    const fs::path candidate = fs::path(*folder) / "core.yaml";
    if (fs::is_regular_file(candidate)) return candidate;
    tried.push_back(candidate);
  }
  const fs::path local = fs::path("core.yaml");
  if (fs::is_regular_file(local)) return local;
  tried.push_back(fs::absolute(local));
  std::string places;
  for (const fs::path& place : tried) places += (places.empty() ? "" : ", ") + place.string();
  throw config_error("no core.yaml found (looked at " + places +
                     "); pass --config FILE or set FABRIC_CFG_PATH to its folder");
}

peer_config parse_config(const std::string& yaml_text, const std::filesystem::path& base_dir,
                         const environment& env, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& failure) {
    throw config_error(fmt::format("{}: not valid YAML: line {}, column {}: {}", origin,
                                   failure.mark.line + 1, failure.mark.column + 1, failure.msg));
  }
  if (root && !root.IsNull() && !root.IsMap()) {
    throw config_error(fmt::format("{}: expected a map of settings at the top level", origin));
  }
  const reader config(root, env, origin);
  peer_config out;
  try {
    if (auto value = config.scalar("peer.listenAddress")) {
      if (!split_host_port(*value)) config.fail("peer.listenAddress", *value, "HOST:PORT");
      out.listen_address = *value;
    }
    if (auto value = config.scalar("peer.fileSystemPath")) {
      if (trim(*value).empty()) config.fail("peer.fileSystemPath", *value, "a folder");
      out.file_system_path = resolve(base_dir, std::string(trim(*value)));
    }
    const YAML::Node system = at_path(root, "chaincode.system");
    if (system && !system.IsNull()) {
      if (!system.IsMap()) {
        throw config_error(
            fmt::format("{}: chaincode.system must be a map of name: enable", origin));
      }
      for (const auto& entry : system) {
        const std::string name = lowercase(entry.first.Scalar());
        const std::string key = "chaincode.system." + name;
        std::string value = entry.second.IsScalar() ? entry.second.Scalar() : std::string();
        if (std::optional<std::string> override = env(env_name(key))) value = *override;
        out.system_chaincodes[name] = value;
      }
    }
    out.plugins = read_plugins(config, base_dir, out.system_chaincodes);
    // A whitelist entry can also come from the environment alone.
    for (plugin_entry& entry : out.plugins) {
      if (std::optional<std::string> value =
              env(env_name("chaincode.system." + lowercase(entry.name)))) {
        out.system_chaincodes[lowercase(entry.name)] = *value;
        entry.whitelisted = whitelist_value_enables(*value);
      }
    }
    std::set<std::string> entry_keys;
    for (const plugin_entry& entry : out.plugins) entry_keys.insert(lowercase(entry.name));
    for (plugin_entry& entry : out.plugins) {
      entry.not_loaded_because = not_loaded_because(entry, out.system_chaincodes, entry_keys);
    }
    if (auto value = config.scalar("chaincode.executetimeout")) {
      const std::optional<std::chrono::microseconds> timeout = parse_duration(*value);
      if (!timeout || *timeout < std::chrono::milliseconds(1) ||
          *timeout > std::chrono::hours(24)) {
        config.fail("chaincode.executetimeout", *value,
                    "a duration from 1ms to 24h, such as 30s or 500ms");
      }
      out.execute_timeout = *timeout;
    }
    if (auto value = config.scalar("sccPeer.blockCutter.maxMessageCount")) {
      const std::optional<uint64_t> count = parse_byte_size(*value);
      if (!count || *count == 0 || *count > 1000000 || *value != std::to_string(*count)) {
        config.fail("sccPeer.blockCutter.maxMessageCount", *value,
                    "a whole number from 1 to 1000000");
      }
      out.max_message_count = static_cast<uint32_t>(*count);
    }
    if (auto value = config.scalar("sccPeer.blockCutter.batchTimeout")) {
      const std::optional<std::chrono::microseconds> timeout = parse_duration(*value);
      if (!timeout || *timeout > std::chrono::minutes(10)) {
        config.fail("sccPeer.blockCutter.batchTimeout", *value,
                    "a duration such as 10ms, 250us or 1s (at most 10m)");
      }
      out.batch_timeout = *timeout;
    }
    if (auto value = config.scalar("sccPeer.maxFrameBytes")) {
      const std::optional<uint64_t> bytes = parse_byte_size(*value);
      if (!bytes || *bytes < 1024 || *bytes > 1024ull * 1024 * 1024) {
        config.fail("sccPeer.maxFrameBytes", *value,
                    "a size from 1 KB to 1 GB, such as 16 MB or 16777216");
      }
      out.max_frame_bytes = static_cast<uint32_t>(*bytes);
    }
    if (auto value = config.scalar("sccPeer.workerThreads")) {
      const std::optional<uint64_t> threads = parse_byte_size(*value);
      if (!threads || *threads > 256 || *value != std::to_string(*threads)) {
        config.fail("sccPeer.workerThreads", *value, "a whole number from 0 (one per core) to 256");
      }
      out.worker_threads = static_cast<unsigned>(*threads);
    }
  } catch (const YAML::Exception& failure) {
    throw config_error(fmt::format("{}: line {}, column {}: {}", origin, failure.mark.line + 1,
                                   failure.mark.column + 1, failure.msg));
  }
  return out;
}

peer_config load_config(const std::filesystem::path& file, const environment& env) {
  std::ifstream in(file, std::ios::in | std::ios::binary);
  if (!in) throw config_error(fmt::format("cannot read config file '{}'", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::path base_dir = std::filesystem::absolute(file).parent_path();
  peer_config out = parse_config(text.str(), base_dir, env, file.string());
  out.config_file = file;
  return out;
}

}  // namespace scc::peer
