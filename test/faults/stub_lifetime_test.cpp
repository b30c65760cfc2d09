// A stub is valid only during the init/invoke call it was given to, and only on the thread that
// runs that call (scc/abi.h, THREADING). The host detects both misuses: the call fails with
// SCC_STATUS_INVALID_ARGUMENT and a message saying which rule was broken, and nothing reaches
// the ledger.
//
// Its own executable: before the host detected a stale stub, the first case was a use after
// free of the finished transaction and could take the process down.
#include <string>

#include "faults_support.hpp"
#include "fixtures/fault_plugins.hpp"
#include <doctest/doctest.h>

#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

using faults::check_unchanged;
using faults::ledger_snapshot;

const char* hosting(bool shared) { return shared ? "shared library" : "in-process"; }

constexpr const char* ended =
    "the stub's transaction has ended: a stub is valid only during the init/invoke call it was "
    "given to";
constexpr const char* other_thread =
    "stub used from another thread: a stub is valid only on the thread that runs its "
    "init/invoke";

TEST_CASE("a stub kept after invoke returned: every call fails, nothing is written") {
  // The stale stub is used during a later invoke, whose transaction may well sit at the
  // address the ended one had: the host must tell them apart all the same.
  for (const bool shared : {true, false}) {
    for (const char* use : {"get", "put", "tx_id", "event", "range"}) {
      CAPTURE(hosting(shared));
      CAPTURE(use);
      scc::testing::harness h;
      faults::install<faults::keeps_stub>(h, shared, SCC_FAULT_KEEPS_STUB, "faults_keeps_stub");
      REQUIRE(h.invoke("faults_keeps_stub", {"keep"}).committed());
      const ledger_snapshot before = ledger_snapshot::of(h, "faults_keeps_stub");

      const auto result = h.invoke("faults_keeps_stub", {use});
      CHECK(result.response.status == 409);  // the fixture caught scc::chaincode_error
      CHECK(result.response.message == ended);
      CHECK(result.response.payload == std::to_string(SCC_STATUS_INVALID_ARGUMENT));
      CHECK_FALSE(result.event.has_value());
      check_unchanged(h, "faults_keeps_stub", before);
      CHECK(h.state("faults_keeps_stub", "k") == "v");
    }
  }
}

TEST_CASE("a stub used from a second thread during invoke: the call fails, the invoke goes on") {
  for (const bool shared : {true, false}) {
    for (const char* use : {"get", "put", "tx_id", "event", "range"}) {
      CAPTURE(hosting(shared));
      CAPTURE(use);
      scc::testing::harness h;
      faults::install<faults::uses_stub_from_thread>(h, shared, SCC_FAULT_USES_STUB_FROM_THREAD,
                                                     "faults_uses_stub_from_thread");
      REQUIRE(h.invoke("faults_uses_stub_from_thread", {"ok"}).committed());
      const ledger_snapshot before = ledger_snapshot::of(h, "faults_uses_stub_from_thread");

      const auto result = h.invoke("faults_uses_stub_from_thread", {use});
      // 409: the second thread caught scc::chaincode_error, and the invoke thread's own call
      // afterwards still worked (it would have answered 500 otherwise).
      CHECK(result.response.status == 409);
      CHECK(result.response.message == other_thread);
      CHECK(result.response.payload == std::to_string(SCC_STATUS_INVALID_ARGUMENT));
      CHECK_FALSE(result.event.has_value());
      check_unchanged(h, "faults_uses_stub_from_thread", before);
    }
  }
}

}  // namespace
