// fuzz/fuzz_core_yaml.cpp - scc-peer's core.yaml loader (tools/scc-peer/src/config.hpp) and its
// value parsers, on hostile YAML and hostile CORE_... environment overrides.
//
// Input: a count byte and that many environment overrides (a byte choosing the variable - one
// of the CORE_ names config.cpp reads, or a name spelled out - then its value, up to 40 bytes);
// the rest is the YAML text. parse_config runs on it with the overrides as its environment, and
// every override value and the whole text also go through parse_duration, parse_byte_size,
// parse_bool and split_host_port.
//
// Invariants (a violation aborts):
//   - parse_config returns a config or throws scc::peer::config_error; any other exception
//     (yaml-cpp's included) or a crash is a finding. The message starts with the origin;
//   - a returned config respects the documented ranges: listen address is HOST:PORT, a
//     non-empty ledger folder, executetimeout 1ms..24h, batchTimeout 0..10m, maxMessageCount
//     1..1000000, maxFrameBytes 1 KB..1 GB, workerThreads 0..256; every plugin entry that loads
//     has a name and a path, no two share a name, relative paths are resolved from the base
//     folder; a value given in the environment wins over the file;
//   - parse_duration agrees with Go's time.ParseDuration (an independent implementation here)
//     on every text Go accepts and scc does not refuse by design (a sign, more than 10^15 us),
//     refuses what Go refuses, and a parsed duration printed in microseconds parses back
//     to itself;
//   - parse_byte_size of a size printed in bytes gives it back; split_host_port's host and port
//     joined again split into the same host and port.
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "config.hpp"
#include "fuzz_input.hpp"

namespace {

using scc::peer::config_error;
using scc::peer::peer_config;
using scc_fuzz::escaped;

const std::string origin = "fuzz/core.yaml";
const std::filesystem::path base_dir = "/fuzz/base";

// The overrides config.cpp consults, and a few it must not confuse with them.
const std::vector<std::string> variables = {
    "CORE_PEER_LISTENADDRESS",
    "CORE_PEER_FILESYSTEMPATH",
    "CORE_CHAINCODE_EXECUTETIMEOUT",
    "CORE_SCCPEER_BLOCKCUTTER_MAXMESSAGECOUNT",
    "CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT",
    "CORE_SCCPEER_MAXFRAMEBYTES",
    "CORE_SCCPEER_WORKERTHREADS",
    "CORE_CHAINCODE_SYSTEM_KVSCC",
    "CORE_CHAINCODE_SYSTEM_A",
    "CORE_CHAINCODE_SYSTEM_",
    "CORE_CHAINCODE_SYSTEMPLUGINS",
    "CORE_PEER",
};

// ---- Go's time.ParseDuration, as an independent reference (microseconds) ----
struct go_duration {
  bool valid = false;
  bool negative = false;
  long double microseconds = 0;
};

go_duration go_parse_duration(std::string_view s) {
  static const std::map<std::string_view, long double> units = {
      {"ns", 1e-3L}, {"us", 1},   {"\xC2\xB5s", 1}, {"\xCE\xBCs", 1},
      {"ms", 1e3L},  {"s", 1e6L}, {"m", 60e6L},     {"h", 3600e6L}};
  go_duration out;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    out.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    out.valid = true;
    return out;
  }
  if (s.empty()) return out;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (!s.empty()) {
    if (!(s[0] == '.' || digit(s[0]))) return out;
    long double value = 0;
    std::size_t i = 0;
    for (; i < s.size() && digit(s[i]); ++i) value = value * 10 + (s[i] - '0');
    const bool pre = i > 0;
    bool post = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 1;
      const std::size_t start = i;
      for (; i < s.size() && digit(s[i]); ++i) {
        scale /= 10;
        value += (s[i] - '0') * scale;
      }
      post = i > start;
    }
    if (!pre && !post) return out;
    s.remove_prefix(i);
    std::size_t unit_end = 0;
    while (unit_end < s.size() && s[unit_end] != '.' && !digit(s[unit_end])) ++unit_end;
    if (unit_end == 0) return out;
    const auto unit = units.find(s.substr(0, unit_end));
    if (unit == units.end()) return out;
    s.remove_prefix(unit_end);
    out.microseconds += value * unit->second;
  }
  out.valid = true;
  return out;
}

std::string_view trimmed(std::string_view text) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

void check_duration(std::string_view text) {
  const std::optional<std::chrono::microseconds> ours = scc::peer::parse_duration(text);
  const go_duration go = go_parse_duration(trimmed(text));
  if (!go.valid) {
    FUZZ_CHECK(!ours, "parse_duration accepted '" + escaped(text) + "', which Go refuses");
    return;
  }
  if (ours) {
    // Printed in microseconds, the value parses back to itself.
    const std::string printed = std::to_string(ours->count()) + "us";
    FUZZ_CHECK(scc::peer::parse_duration(printed) == ours,
               "parse_duration(\"" + printed + "\") does not give the value back");
  }
  // scc refuses signs (durations here are never negative) and more than 10^15 us by design.
  const bool signed_text = trimmed(text).front() == '-' || trimmed(text).front() == '+';
  if (signed_text || go.microseconds > 1e15L) return;
  FUZZ_CHECK(ours.has_value(), "parse_duration refused '" + escaped(text) + "', Go reads " +
                                   std::to_string(static_cast<double>(go.microseconds)) + "us");
  const long double difference =
      std::fabs(static_cast<long double>(ours->count()) - go.microseconds);
  FUZZ_CHECK(difference <= 1 + go.microseconds * 1e-12L,
             "parse_duration('" + escaped(text) + "') = " + std::to_string(ours->count()) +
                 "us, Go reads " + std::to_string(static_cast<double>(go.microseconds)) + "us");
}

void check_byte_size(std::string_view text) {
  const std::optional<uint64_t> size = scc::peer::parse_byte_size(text);
  if (!size) return;
  FUZZ_CHECK(scc::peer::parse_byte_size(std::to_string(*size)) == size,
             "parse_byte_size does not read back " + std::to_string(*size));
}

void check_host_port(std::string_view text) {
  const std::optional<scc::peer::host_port> split = scc::peer::split_host_port(text);
  if (!split) return;
  FUZZ_CHECK(!split->host.empty(), "split_host_port gave an empty host for " + escaped(text));
  const std::string& host = split->host;
  // Brackets for what the plain form cannot carry: a colon, a leading '[' or space.
  const bool bracket = host.find(':') != std::string::npos || host.front() == '[' ||
                       trimmed(host.substr(0, 1)).empty();
  const std::string joined =
      (bracket ? "[" + host + "]" : host) + ":" + std::to_string(split->port);
  const std::optional<scc::peer::host_port> again = scc::peer::split_host_port(joined);
  FUZZ_CHECK(again && again->host == host && again->port == split->port,
             "split_host_port does not read back " + escaped(joined));
}

void check_scalar_parsers(std::string_view text) {
  check_duration(text);
  check_byte_size(text);
  check_host_port(text);
  (void)scc::peer::parse_bool(text);
}

void check_config(const peer_config& config, const std::map<std::string, std::string>& env) {
  FUZZ_CHECK(scc::peer::split_host_port(config.listen_address).has_value(),
             "listen address " + escaped(config.listen_address) + " is not HOST:PORT");
  FUZZ_CHECK(!config.file_system_path.empty(), "empty fileSystemPath");
  FUZZ_CHECK(config.execute_timeout >= std::chrono::milliseconds(1) &&
                 config.execute_timeout <= std::chrono::hours(24),
             "executetimeout out of range: " + std::to_string(config.execute_timeout.count()));
  FUZZ_CHECK(config.batch_timeout >= std::chrono::microseconds(0) &&
                 config.batch_timeout <= std::chrono::minutes(10),
             "batchTimeout out of range: " + std::to_string(config.batch_timeout.count()));
  FUZZ_CHECK(config.max_message_count >= 1 && config.max_message_count <= 1000000,
             "maxMessageCount out of range: " + std::to_string(config.max_message_count));
  FUZZ_CHECK(config.max_frame_bytes >= 1024 && config.max_frame_bytes <= 1024u * 1024 * 1024,
             "maxFrameBytes out of range: " + std::to_string(config.max_frame_bytes));
  FUZZ_CHECK(config.worker_threads <= 256,
             "workerThreads out of range: " + std::to_string(config.worker_threads));

  std::map<std::string, std::size_t> loading;
  for (std::size_t i = 0; i < config.plugins.size(); ++i) {
    const scc::peer::plugin_entry& entry = config.plugins[i];
    FUZZ_CHECK(entry.index == i, "plugin entries out of order");
    if (!entry.path.empty()) {
      FUZZ_CHECK(entry.resolved_path.is_absolute(),
                 "plugin path " + escaped(entry.path) + " resolved to a relative path");
    }
    if (!entry.loads()) continue;
    FUZZ_CHECK(!entry.name.empty() && !entry.path.empty(), "a loading plugin without name/path");
    FUZZ_CHECK(loading.emplace(entry.name, i).second,
               "two loading plugins named " + escaped(entry.name));
  }

  // The environment wins over the file.
  const auto from_env = [&env](const std::string& name) -> const std::string* {
    const auto found = env.find(name);
    return found == env.end() ? nullptr : &found->second;
  };
  if (const std::string* value = from_env("CORE_PEER_LISTENADDRESS")) {
    FUZZ_CHECK(config.listen_address == *value, "CORE_PEER_LISTENADDRESS was not applied");
  }
  if (const std::string* value = from_env("CORE_SCCPEER_MAXFRAMEBYTES")) {
    FUZZ_CHECK(scc::peer::parse_byte_size(*value) == config.max_frame_bytes,
               "CORE_SCCPEER_MAXFRAMEBYTES was not applied");
  }
  if (const std::string* value = from_env("CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT")) {
    FUZZ_CHECK(scc::peer::parse_duration(*value) == config.batch_timeout,
               "CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT was not applied");
  }
  if (const std::string* value = from_env("CORE_CHAINCODE_EXECUTETIMEOUT")) {
    FUZZ_CHECK(scc::peer::parse_duration(*value) == config.execute_timeout,
               "CORE_CHAINCODE_EXECUTETIMEOUT was not applied");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  scc_fuzz::input in(data, size);
  std::map<std::string, std::string> env;
  const std::size_t overrides = in.below(4);
  for (std::size_t i = 0; i < overrides; ++i) {
    const uint8_t choice = in.byte();
    std::string name =
        choice < 0xF0 ? variables[choice % variables.size()] : "CORE_" + in.bytes(16);
    env[name] = in.bytes(40);
  }
  const std::string yaml = in.rest();

  for (const auto& [name, value] : env) check_scalar_parsers(value);
  if (yaml.size() <= 64) check_scalar_parsers(yaml);

  const scc::peer::environment environment =
      [&env](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
  try {
    const peer_config config = scc::peer::parse_config(yaml, base_dir, environment, origin);
    check_config(config, env);
  } catch (const config_error& failure) {
    const std::string_view message = failure.what();
    FUZZ_CHECK(message.rfind(origin + ": ", 0) == 0,
               "a config_error that does not name the origin: " + escaped(message));
  } catch (const std::exception& failure) {
    FUZZ_CHECK(false, std::string("parse_config threw ") + typeid(failure).name() + ": " +
                          escaped(failure.what()));
  } catch (...) {
    FUZZ_CHECK(false, "parse_config threw something that is not a std::exception");
  }
  return 0;
}
