// Plugins that throw, from every entry point and with every kind of exception, that answer
// with tens of MiB, that fail inside a chaincode-to-chaincode call, or that break the C ABI's
// answer rule. Each fault runs from its shared library, loaded as scc-peer loads plugins, and
// in-process; each test checks what the caller sees, what the log says where the host logs,
// and that the ledger is unchanged. docs/reliability.md tabulates them.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "faults_support.hpp"
#include "fixtures/fault_plugins.hpp"
#include <doctest/doctest.h>

#include <scc/ledger/endorser.hpp>  // the engine itself, not only the harness
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

using faults::check_unchanged;
using faults::ledger_snapshot;
using scc::testing::validation_code;

const char* hosting(bool shared) { return shared ? "shared library" : "in-process"; }

// ---- Constructors ----

TEST_CASE("a constructor that throws: install fails naming the plugin and its message") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    try {
      faults::install<faults::ctor_throws_std>(h, shared, SCC_FAULT_CTOR_THROWS_STD,
                                               "faults_ctor_throws_std");
      FAIL("the harness installed a plugin whose constructor threw");
    } catch (const scc::host::load_error& e) {
      CHECK(e.kind() == scc::host::load_error_kind::create_failed);
      CHECK(e.origin() == (shared ? SCC_FAULT_CTOR_THROWS_STD : "(in-process)"));
      CHECK(std::string(e.what()) ==
            "SCC plugin 'faults_ctor_throws_std' (" + e.origin() +
                ") failed to create an instance: constructor of plugin 'faults_ctor_throws_std' "
                "threw: cannot open the HSM session. Fix the plugin's constructor; the host did "
                "not start it.");
    }
    // Nothing was installed; a proposal for it is refused and the ledger stays at genesis.
    const auto refused = h.invoke("faults_ctor_throws_std", {"ok"});
    CHECK(refused.response.status == 500);
    CHECK(refused.response.message ==
          "chaincode faults_ctor_throws_std is not installed on this peer");
    CHECK(h.height() == 1);
  }
}

TEST_CASE("a constructor that throws a non-std type: install fails naming the plugin") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    try {
      faults::install<faults::ctor_throws_other>(h, shared, SCC_FAULT_CTOR_THROWS_OTHER,
                                                 "faults_ctor_throws_other");
      FAIL("the harness installed a plugin whose constructor threw");
    } catch (const scc::host::load_error& e) {
      CHECK(e.kind() == scc::host::load_error_kind::create_failed);
      CHECK(std::string(e.what()) ==
            "SCC plugin 'faults_ctor_throws_other' (" + e.origin() +
                ") failed to create an instance: constructor of plugin "
                "'faults_ctor_throws_other' threw a non-standard exception. Fix the plugin's "
                "constructor; the host did not start it.");
    }
    CHECK(h.height() == 1);
  }
}

// ---- init ----

TEST_CASE("init that throws: a 500 with the exception's text, nothing kept, plugin still usable") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    faults::install<faults::init_throws_std>(h, shared, SCC_FAULT_INIT_THROWS_STD,
                                             "faults_init_throws_std");
    const ledger_snapshot before = ledger_snapshot::of(h, "faults_init_throws_std");
    const faults::log_capture log;

    const auto result = h.init("faults_init_throws_std");
    CHECK(result.response.status == 500);
    CHECK(result.response.message == "init failed: no configuration for channel testchannel");
    CHECK(result.response.payload.empty());
    CHECK(result.code == validation_code::not_validated);
    CHECK_FALSE(result.event.has_value());
    check_unchanged(h, "faults_init_throws_std", before);
    CHECK(log.lines().empty());  // the harness logs nothing; the caller has the message

    // The instance survives its failed init.
    CHECK(h.invoke("faults_init_throws_std", {"ok"}).committed());
    CHECK(h.state("faults_init_throws_std", "k") == "v");
  }
}

TEST_CASE("init that throws a non-std type: a 500 naming the plugin and init") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    faults::install<faults::init_throws_other>(h, shared, SCC_FAULT_INIT_THROWS_OTHER,
                                               "faults_init_throws_other");
    const ledger_snapshot before = ledger_snapshot::of(h, "faults_init_throws_other");
    const auto result = h.init("faults_init_throws_other");
    CHECK(result.response.status == 500);
    CHECK(result.response.message ==
          "plugin 'faults_init_throws_other' threw a non-standard exception from init");
    check_unchanged(h, "faults_init_throws_other", before);
    CHECK(h.invoke("faults_init_throws_other", {"ok"}).committed());
  }
}

// ---- invoke ----

TEST_CASE("invoke that throws after writing: a 500, no write, no event, no block") {
  for (const bool shared : {true, false}) {
    for (const char* thrown : {"throw", "bad_alloc"}) {
      CAPTURE(hosting(shared));
      CAPTURE(thrown);
      scc::testing::harness h;
      faults::install<faults::invoke_throws_std>(h, shared, SCC_FAULT_INVOKE_THROWS_STD,
                                                 "faults_invoke_throws_std");
      REQUIRE(h.invoke("faults_invoke_throws_std", {"ok"}).committed());
      const ledger_snapshot before = ledger_snapshot::of(h, "faults_invoke_throws_std");
      const faults::log_capture log;

      const auto result = h.invoke("faults_invoke_throws_std", {thrown});
      CHECK(result.response.status == 500);
      CHECK(result.response.message ==
            (std::string(thrown) == "throw" ? "invoke failed after writing k" : "std::bad_alloc"));
      CHECK_FALSE(result.committed());
      CHECK_FALSE(result.event.has_value());
      CHECK_FALSE(result.block_number.has_value());
      CHECK_FALSE(h.channel().transaction(result.tx_id).has_value());
      check_unchanged(h, "faults_invoke_throws_std", before);
      CHECK(log.lines().empty());
      // The next invoke works.
      CHECK(h.invoke("faults_invoke_throws_std", {"ok"}).committed());
    }
  }
}

TEST_CASE("a failed invoke ordered into a block anyway: ENDORSEMENT_POLICY_FAILURE, no effect") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    faults::install<faults::invoke_throws_std>(h, shared, SCC_FAULT_INVOKE_THROWS_STD,
                                               "faults_invoke_throws_std");
    REQUIRE(h.invoke("faults_invoke_throws_std", {"ok"}).committed());
    const ledger_snapshot before = ledger_snapshot::of(h, "faults_invoke_throws_std");
    std::vector<scc::testing::endorsement> block;
    block.push_back(h.endorse("faults_invoke_throws_std", {"throw"}));
    const auto results = h.commit_block(std::move(block));
    REQUIRE(results.size() == 1);
    CHECK(results[0].code == validation_code::endorsement_policy_failure);
    CHECK_FALSE(results[0].event.has_value());
    CHECK(h.height() == before.height + 1);  // the block holds the invalid transaction
    CHECK(h.state("faults_invoke_throws_std", "k") == before.k);
    CHECK(h.channel().size("faults_invoke_throws_std") == before.keys);
  }
}

TEST_CASE("invoke that throws a non-std type: a 500 naming the plugin and invoke") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    faults::install<faults::invoke_throws_other>(h, shared, SCC_FAULT_INVOKE_THROWS_OTHER,
                                                 "faults_invoke_throws_other");
    const ledger_snapshot before = ledger_snapshot::of(h, "faults_invoke_throws_other");
    const auto result = h.invoke("faults_invoke_throws_other", {"throw"});
    CHECK(result.response.status == 500);
    CHECK(result.response.message ==
          "plugin 'faults_invoke_throws_other' threw a non-standard exception from invoke");
    CHECK_FALSE(result.committed());
    CHECK_FALSE(result.event.has_value());
    check_unchanged(h, "faults_invoke_throws_other", before);
    CHECK(h.invoke("faults_invoke_throws_other", {"ok"}).committed());
  }
}

// ---- Destructors ----

TEST_CASE("a destructor that throws: the instance is released anyway and the host logs it") {
  struct destructor_case {
    const char* library;
    const char* name;
    bool std_exception;
  };
  for (const destructor_case& c :
       {destructor_case{SCC_FAULT_DTOR_THROWS_STD, "faults_dtor_throws_std", true},
        destructor_case{SCC_FAULT_DTOR_THROWS_OTHER, "faults_dtor_throws_other", false}}) {
    for (const bool shared : {true, false}) {
      CAPTURE(c.name);
      CAPTURE(hosting(shared));
      const std::string logged = std::string("destructor of plugin '") + c.name +
                                 "' threw; the instance was released anyway";
      const auto install = [&](scc::testing::harness& h) {
        if (c.std_exception) {
          faults::install<faults::dtor_throws_std>(h, shared, c.library, c.name);
        } else {
          faults::install<faults::dtor_throws_other>(h, shared, c.library, c.name);
        }
      };

      {  // replaced by a new instance: logged once; the ledger and the new instance are fine
        scc::testing::harness h;
        install(h);
        REQUIRE(h.invoke(c.name, {"ok"}).committed());
        const ledger_snapshot before = ledger_snapshot::of(h, c.name);
        const faults::log_capture log;
        install(h);  // the endorser drops the old instance, which runs its destructor
        const auto lines = log.lines();
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].level == scc::log_level::error);
        CHECK(lines[0].plugin == c.name);
        CHECK(lines[0].message == logged);
        check_unchanged(h, c.name, before);
        CHECK(h.invoke(c.name, {"ok"}).committed());
      }
      {  // when the host shuts down: logged once
        const faults::log_capture log;
        {
          scc::testing::harness h;
          install(h);
          REQUIRE(h.invoke(c.name, {"ok"}).committed());
        }
        const auto lines = log.lines();
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].level == scc::log_level::error);
        CHECK(lines[0].plugin == c.name);
        CHECK(lines[0].message == logged);
      }
    }
  }
}

// ---- Huge answers ----

constexpr std::size_t mib64 = std::size_t{64} << 20;

bool all_of(const std::string& text, char c) {
  return text.find_first_not_of(c) == std::string::npos;
}

TEST_CASE("a 64 MiB payload, error message or value arrives whole") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    faults::install<faults::huge_payload>(h, shared, SCC_FAULT_HUGE_PAYLOAD, "faults_huge_payload");
    const ledger_snapshot before = ledger_snapshot::of(h, "faults_huge_payload");

    {  // payload: committed (it writes nothing), payload intact
      const auto result = h.invoke("faults_huge_payload", {"payload", "64"});
      CHECK(result.response.status == 200);
      CHECK(result.response.payload.size() == mib64);
      CHECK(all_of(result.response.payload, 'x'));
      CHECK(result.committed());
      CHECK(h.height() == before.height + 1);
      CHECK(h.channel().size("faults_huge_payload") == 0);
    }
    {  // error message: a 500 carrying all of it, nothing committed
      const ledger_snapshot now = ledger_snapshot::of(h, "faults_huge_payload");
      const auto result = h.invoke("faults_huge_payload", {"message", "64"});
      CHECK(result.response.status == 500);
      CHECK(result.response.message.size() == mib64);
      CHECK(all_of(result.response.message, 'm'));
      check_unchanged(h, "faults_huge_payload", now);
    }
    {  // value: committed and read back whole
      REQUIRE(h.invoke("faults_huge_payload", {"value", "64"}).committed());
      const auto stored = h.state("faults_huge_payload", "big");
      REQUIRE(stored.has_value());
      CHECK(stored->size() == mib64);
      CHECK(all_of(*stored, 'v'));
      const auto read = h.query("faults_huge_payload", {"read", "0"});
      CHECK(read.response.payload.size() == mib64);
      CHECK(all_of(read.response.payload, 'v'));
    }
  }
}

// ---- A callee that fails ----

// Calls faults_invoke_throws_std, which writes k and throws. "ignore": carries on and commits;
// "propagate": answers with the callee's response.
class calls_thrower {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, args] = stub.get_function_and_parameters();
    const scc::response callee = stub.invoke_chaincode("faults_invoke_throws_std", {"throw"});
    if (function == "propagate") return callee;
    stub.put_state("caller", "carried on");
    return scc::success(std::to_string(callee.status) + " " + callee.message);
  }
};

TEST_CASE("a called chaincode that throws: the caller gets a 500 and decides") {
  for (const bool shared : {true, false}) {
    CAPTURE(hosting(shared));
    scc::testing::harness h;
    faults::install<faults::invoke_throws_std>(h, shared, SCC_FAULT_INVOKE_THROWS_STD,
                                               "faults_invoke_throws_std");
    h.install<calls_thrower>("faults_calls_thrower");
    const ledger_snapshot before = ledger_snapshot::of(h, "faults_invoke_throws_std");

    {  // the caller propagates the failure: nothing commits
      const auto result = h.invoke("faults_calls_thrower", {"propagate"});
      CHECK(result.response.status == 500);
      CHECK(result.response.message == "invoke failed after writing k");
      check_unchanged(h, "faults_invoke_throws_std", before);
      CHECK_FALSE(h.state("faults_calls_thrower", "caller").has_value());
    }
    {  // the caller carries on: the callee's writes before its throw commit, as in Fabric
      // Fabric shares one simulator between caller and callee and does not roll back a callee
      // that failed; a caller that needs atomicity must fail itself.
      const auto result = h.invoke("faults_calls_thrower", {"ignore"});
      CHECK(result.response.payload == "500 invoke failed after writing k");
      CHECK(result.committed());
      CHECK_FALSE(result.event.has_value());  // a callee's event is dropped anyway
      CHECK(h.state("faults_calls_thrower", "caller") == "carried on");
      CHECK(h.state("faults_invoke_throws_std", "k") == "written before the throw");
    }
  }
}

// ---- The C ABI's answer rule ----

TEST_CASE("a plugin that returns without answering: a 500 saying so") {
  scc::testing::harness h;
  h.install(SCC_FAULT_RAW_NO_RESPONSE);
  const ledger_snapshot before = ledger_snapshot::of(h, "faults_raw_no_response");
  const auto invoked = h.invoke("faults_raw_no_response", {"anything"});
  CHECK(invoked.response.status == 500);
  CHECK(invoked.response.message ==
        "SCC plugin 'faults_raw_no_response' returned from invoke without a response");
  CHECK_FALSE(invoked.committed());
  const auto initialised = h.init("faults_raw_no_response");
  CHECK(initialised.response.status == 500);
  CHECK(initialised.response.message ==
        "SCC plugin 'faults_raw_no_response' returned from init without a response");
  check_unchanged(h, "faults_raw_no_response", before);
}

}  // namespace
