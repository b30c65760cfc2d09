#include "log.hpp"

#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "text.hpp"

namespace scc::peer::log {

namespace {

using text::lowercase;
using text::trim;

}  // namespace

std::optional<level> parse_level(std::string_view text) {
  const std::string name = lowercase(trim(text));
  if (name == "debug" || name == "debu") return level::debug;
  if (name == "info") return level::info;
  if (name == "warning" || name == "warn") return level::warning;
  // Fabric's panic and fatal levels only let errors through as well.
  if (name == "error" || name == "erro" || name == "panic" || name == "fatal") return level::error;
  return std::nullopt;
}

std::optional<level> level_from_spec(std::string_view spec) {
  std::optional<level> fallback;
  std::optional<level> ours;
  while (!spec.empty()) {
    const std::size_t colon = spec.find(':');
    const std::string_view term = spec.substr(0, colon);
    spec = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
    const std::size_t equals = term.find('=');
    if (equals == std::string_view::npos) {
      if (auto parsed = parse_level(term)) fallback = parsed;
      continue;
    }
    const std::optional<level> parsed = parse_level(term.substr(equals + 1));
    if (!parsed) continue;
    std::string_view loggers = term.substr(0, equals);
    while (!loggers.empty()) {
      const std::size_t comma = loggers.find(',');
      const std::string name = lowercase(trim(loggers.substr(0, comma)));
      loggers = comma == std::string_view::npos ? std::string_view() : loggers.substr(comma + 1);
      if (name == "scc-peer" || name == "peer") ours = parsed;
    }
  }
  return ours ? ours : fallback;
}

void write(level at, std::string_view message) {
  static constexpr const char* names[] = {"DEBU", "INFO", "WARN", "ERRO"};
  timeval now{};
  gettimeofday(&now, nullptr);
  std::tm utc{};
  const time_t seconds = now.tv_sec;
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &utc);
  const std::string line =
      fmt::format("{}.{:03d} UTC [scc-peer] {} {}\n", stamp, static_cast<int>(now.tv_usec / 1000),
                  names[static_cast<int>(at)], message);
  // One write per line keeps lines whole when several threads log at once.
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace scc::peer::log
