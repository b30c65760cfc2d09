// session_log.hpp - the chaincode server's log: one line per event on stderr, with a threshold.
#ifndef SCC_CCAAS_SESSION_LOG_HPP
#define SCC_CCAAS_SESSION_LOG_HPP

#include <atomic>
#include <cstdio>
#include <string_view>

#include <scc/types.hpp>

namespace scc::ccaas::log {

inline std::atomic<int>& threshold() {
  static std::atomic<int> value{static_cast<int>(scc::log_level::info)};
  return value;
}

inline bool enabled(scc::log_level level) {
  return static_cast<int>(level) >= threshold().load(std::memory_order_relaxed);
}

inline void write(scc::log_level level, std::string_view message) {
  if (!enabled(level)) return;
  static constexpr const char* names[] = {"DEBU", "INFO", "WARN", "ERRO"};
  const auto index = static_cast<std::size_t>(level);
  // One fprintf per line: stdio locks the stream, so lines from threads do not mix.
  std::fprintf(stderr, "scc-ccaas %s %.*s\n", index < 4 ? names[index] : "????",
               static_cast<int>(message.size()), message.data());
}

inline void debug(std::string_view message) { write(scc::log_level::debug, message); }
inline void info(std::string_view message) { write(scc::log_level::info, message); }
inline void warning(std::string_view message) { write(scc::log_level::warning, message); }
inline void error(std::string_view message) { write(scc::log_level::error, message); }

}  // namespace scc::ccaas::log

#endif  // SCC_CCAAS_SESSION_LOG_HPP
