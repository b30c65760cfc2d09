// log.hpp - scc-peer's log: one line per event on stderr, through fmt, with a level filter.
//
//   2026-01-01 10:00:00.123 UTC [scc-peer] INFO  committed block 5 on mychannel: 3 transactions
#ifndef SCC_PEER_LOG_HPP
#define SCC_PEER_LOG_HPP

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/core.h>

namespace scc::peer::log {

enum class level { debug = 0, info = 1, warning = 2, error = 3 };

inline std::atomic<int>& threshold() {
  static std::atomic<int> value{static_cast<int>(level::info)};
  return value;
}

inline void set_level(level minimum) { threshold().store(static_cast<int>(minimum)); }
inline bool enabled(level at) { return static_cast<int>(at) >= threshold().load(); }

// "debug", "info", "warning"/"warn", "error" (any case); Fabric's spec letters as well.
std::optional<level> parse_level(std::string_view text);

// A FABRIC_LOGGING_SPEC such as "info" or "gossip=warn:scc-peer=debug:info": the level for
// scc-peer (or peer), else the default (the term without '=').
std::optional<level> level_from_spec(std::string_view spec);

void write(level at, std::string_view message);

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level::debug)) write(level::debug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level::info)) write(level::info, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level::warning)) {
    write(level::warning, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level::error)) write(level::error, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace scc::peer::log

#endif  // SCC_PEER_LOG_HPP
