// What the fuzz targets found, each as the smallest program that shows it, kept as regression
// tests. The inputs that found them are in fuzz/regressions/<target>/ too, which ctest replays.
// (The cross-channel re-entry deadlock fuzz_stub_ledger found is in reentry_test.cpp, which
// needs a watchdog.)
//
// Its own executable: a finding that comes back may crash the process.
#include <optional>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>

#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

// "seed": writes k1; "put_then_range": writes k2, then counts the rows of range("", "").
class range_counter {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, args] = stub.get_function_and_parameters();
    if (function == "seed") {
      stub.put_state("k1", "v");
      return scc::success();
    }
    stub.put_state("k2", "w");
    int rows = 0;
    for (const auto& row : stub.get_state_by_range("", "")) {
      (void)row;
      ++rows;
    }
    return scc::success(std::to_string(rows));
  }
};

// fuzz/regressions/fuzz_stub_ledger/ryw_query_limit_0_range: in read-your-writes mode, with a
// total_query_limit of 0, a range that had rows to show handed out none and then recorded the
// last row it handed out for phantom validation: back() of an empty vector
// (simulation::range), undefined behaviour that crashed the fuzzer. Fixed in f73239f.
TEST_CASE("read-your-writes, total_query_limit 0: a range with rows returns none, no crash") {
  scc::testing::harness::options settings;
  settings.read_your_writes = true;
  settings.ledger.total_query_limit = 0;
  std::optional<scc::testing::harness> h;
  try {
    h.emplace(settings);
  } catch (const std::invalid_argument& e) {
    // Refusing a limit of 0 outright is a fix too, if the refusal names the setting.
    MESSAGE("the harness refuses the setting: " << e.what());
    CHECK(std::string(e.what()).find("total_query_limit") != std::string::npos);
    return;
  }
  h->install<range_counter>("counter");
  REQUIRE(h->invoke("counter", {"seed"}).committed());
  const auto result = h->invoke("counter", {"put_then_range"});
  CHECK(result.response.status == 200);
  CHECK(result.response.payload == "0");  // as without read-your-writes: the limit is 0
  CHECK(result.committed());
  CHECK(h->state("counter", "k2") == "w");
}

}  // namespace
