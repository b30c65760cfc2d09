// The author API's names and the traps they used to hide: the contract layer's namespace,
// the status names, a thrown scc::response, typed state and events, read-only transactions.
// Plugins and contracts run in-process through the stub-ledger harness, through the same
// trampolines a shared library uses.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <scc/contract.hpp>
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

// ---- Status names ----

TEST_CASE("scc::status names Fabric's status bands, and responses use them") {
  CHECK(scc::status::ok == 200);
  CHECK(scc::status::error_threshold == 400);
  CHECK(scc::status::error == 500);
  CHECK(scc::response{}.status == scc::status::ok);
  CHECK(scc::success("x").status == scc::status::ok);
  CHECK(scc::error("x").status == scc::status::error);
  CHECK(scc::response{scc::status::error_threshold - 1, {}, {}}.ok());
  CHECK_FALSE(scc::response{scc::status::error_threshold, {}, {}}.ok());
  // A chosen status below the threshold would endorse a failure.
  CHECK(scc::transaction_error(200, "no").status() == scc::status::error);
}

}  // namespace
