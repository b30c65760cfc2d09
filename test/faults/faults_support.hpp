// What the fault tests share: capturing the host log, and a snapshot of a chaincode's
// committed state to check that a fault left the ledger as it was.
#ifndef SCC_TEST_FAULTS_FAULTS_SUPPORT_HPP
#define SCC_TEST_FAULTS_FAULTS_SUPPORT_HPP

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <scc/host/transaction.hpp>
#include <scc/ledger/endorser.hpp>  // the engine itself, not only the harness
#include <scc/testing.hpp>

namespace faults {

// Routes scc::host::global_log_sink() into lines() for its lifetime.
class log_capture {
 public:
  struct line {
    scc::log_level level;
    std::string plugin;  // whom the host attributed it to
    std::string message;
  };

  log_capture() : previous_(scc::host::global_log_sink()) {
    const std::lock_guard<std::mutex> lock(mutex());
    captured().clear();
    scc::host::global_log_sink() = &sink;
  }
  ~log_capture() { scc::host::global_log_sink() = previous_; }
  log_capture(const log_capture&) = delete;
  log_capture& operator=(const log_capture&) = delete;

  std::vector<line> lines() const {
    const std::lock_guard<std::mutex> lock(mutex());
    return captured();
  }

 private:
  static void sink(scc::log_level level, std::string_view plugin, std::string_view message) {
    const std::lock_guard<std::mutex> lock(mutex());
    captured().push_back(line{level, std::string(plugin), std::string(message)});
  }
  static std::vector<line>& captured() {
    static std::vector<line> lines;
    return lines;
  }
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }

  scc::host::log_sink previous_;
};

// The committed state a fault must not change: height, key count, and the keys the fixtures
// write ("k", "init", "big").
struct ledger_snapshot {
  uint64_t height = 0;
  std::size_t keys = 0;
  std::optional<std::string> k;
  std::optional<std::string> init;
  std::optional<std::size_t> big_size;

  static ledger_snapshot of(scc::testing::harness& h, std::string_view chaincode) {
    ledger_snapshot s;
    s.height = h.height();
    s.keys = h.channel().size(chaincode);
    s.k = h.state(chaincode, "k");
    s.init = h.state(chaincode, "init");
    if (const auto big = h.state(chaincode, "big")) s.big_size = big->size();
    return s;
  }
};

inline void check_unchanged(scc::testing::harness& h, std::string_view chaincode,
                            const ledger_snapshot& before) {
  const ledger_snapshot now = ledger_snapshot::of(h, chaincode);
  CHECK(now.height == before.height);
  CHECK(now.keys == before.keys);
  CHECK(now.k == before.k);
  CHECK(now.init == before.init);
  CHECK(now.big_size == before.big_size);
}

// Installs a fault plugin from its shared library or, in-process, from its class.
template <class Plugin>
void install(scc::testing::harness& h, bool shared, const char* library, const char* name) {
  if (shared) {
    h.install(library);
  } else {
    h.install<Plugin>(name);
  }
}

}  // namespace faults

#endif  // SCC_TEST_FAULTS_FAULTS_SUPPORT_HPP
