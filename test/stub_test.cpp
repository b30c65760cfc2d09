// scc::stub as plugin code sees it: shim-side argument rules with Fabric's messages, and a real
// peer's semantics from the test harness's stub ledger, through the same trampolines a shared
// library uses.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <scc/host/plugin_instance.hpp>
#include <scc/ledger/endorser.hpp>  // the engine itself, not only the harness
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

using scc::testing::validation_code;

// A plugin whose invoke runs whatever the current test case puts in body.
struct scripted {
  static inline std::function<scc::response(scc::stub&)> body;
  scc::response invoke(scc::stub& stub) { return body(stub); }
};

// Runs call and answers 500 with the message of the scc::chaincode_error it threw, 200 if none.
std::function<scc::response(scc::stub&)> catching(std::function<void(scc::stub&)> call) {
  return [call = std::move(call)](scc::stub& stub) {
    try {
      call(stub);
    } catch (const scc::chaincode_error& e) {
      return scc::error(e.what());
    }
    return scc::success();
  };
}

struct fixture {
  scc::testing::harness h;
  fixture() { h.install<scripted>("scripted"); }

  // Invokes the scripted plugin: simulated, then committed as a block if it answers below 400.
  // The body must answer below 400: a stub call that throws, or a doctest REQUIRE that fails
  // inside it, ends invoke with a 500 and would otherwise skip the body's checks unnoticed.
  scc::testing::tx_result run(std::function<scc::response(scc::stub&)> body,
                              std::vector<std::string> args = {"f"}) {
    auto result = invoke_scripted(std::move(body), std::move(args));
    CHECK_MESSAGE(result.response.status < 400, "the scripted plugin answered "
                                                    << result.response.status << ": "
                                                    << result.response.message);
    return result;
  }
  // The same for a body that is meant to fail: it must answer 400 or more.
  scc::testing::tx_result run_expecting_failure(std::function<scc::response(scc::stub&)> body,
                                                std::vector<std::string> args = {"f"}) {
    auto result = invoke_scripted(std::move(body), std::move(args));
    CHECK_MESSAGE(result.response.status >= 400,
                  "the scripted plugin was expected to fail but answered "
                      << result.response.status << " " << result.response.message);
    return result;
  }
  // Commits the rows in one transaction of the scripted plugin, so the tests that follow read
  // them as committed state.
  void committed_state(const std::map<std::string, std::string>& rows) {
    REQUIRE(run([&rows](scc::stub& stub) {
              for (const auto& [key, value] : rows) stub.put_state(key, value);
              return scc::success();
            }).committed());
  }
  std::optional<std::string> state(const std::string& key) const {
    return h.state("scripted", key);
  }
  // The message a stub call failed with inside invoke; a call that succeeds fails the test.
  std::string failure_of(std::function<void(scc::stub&)> call) {
    return run_expecting_failure(catching(std::move(call))).response.message;
  }

 private:
  scc::testing::tx_result invoke_scripted(std::function<scc::response(scc::stub&)> body,
                                          std::vector<std::string> args) {
    scripted::body = std::move(body);
    return h.invoke("scripted", std::move(args));
  }
};

std::vector<std::string> keys_of(scc::state_query query) {
  std::vector<std::string> keys;
  for (const scc::kv& row : query) keys.push_back(row.key);
  return keys;
}

}  // namespace

TEST_CASE_FIXTURE(fixture, "get_state of a missing key is nullopt; an empty value is absent") {
  committed_state({{"present", "v"}, {"emptied", "v"}});
  // Writing "" is a delete, as in Fabric's read/write set: no key holds an empty value, so
  // get_state never answers "" for a key, only nullopt.
  committed_state({{"emptied", ""}});
  CHECK_FALSE(state("emptied").has_value());
  run([](scc::stub& stub) {
    using values = std::vector<std::optional<std::string>>;
    CHECK(stub.get_state("missing") == std::nullopt);
    CHECK(stub.get_state("emptied") == std::nullopt);
    CHECK(stub.get_state("present") == std::optional<std::string>("v"));
    CHECK(stub.get_multiple_states({"missing", "emptied", "present"}) ==
          values{std::nullopt, std::nullopt, std::string("v")});
    CHECK(keys_of(stub.get_state_by_range("", "")) == std::vector<std::string>{"present"});
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "put_state(k, \"\") deletes k at commit") {
  committed_state({{"k", "v"}});
  CHECK(run([](scc::stub& stub) {
          stub.put_state("k", "");
          return scc::success();
        }).committed());
  CHECK_FALSE(state("k").has_value());
}

TEST_CASE_FIXTURE(fixture, "the last write to a key in a transaction wins") {
  run([](scc::stub& stub) {
    stub.put_state("k", "first");
    stub.del_state("k");
    stub.put_state("k", "last");
    return scc::success();
  });
  CHECK(state("k") == std::optional<std::string>("last"));
}

TEST_CASE_FIXTURE(fixture, "no read-your-writes: reads see committed state only") {
  committed_state({{"a", "committed"}});
  run([](scc::stub& stub) {
    stub.put_state("a", "mine");
    stub.put_state("b", "mine");
    CHECK(stub.get_state("a") == std::optional<std::string>("committed"));
    CHECK(stub.get_state("b") == std::nullopt);
    CHECK(keys_of(stub.get_state_by_range("", "")) == std::vector<std::string>{"a"});
    return scc::success();
  });
  CHECK(state("a") == std::optional<std::string>("mine"));
}

TEST_CASE_FIXTURE(fixture, "a response with status >= 400 discards the writes and the event") {
  committed_state({{"k", "before"}});
  const uint64_t height = h.height();
  const auto failed = run_expecting_failure([](scc::stub& stub) {
    stub.put_state("k", "v");
    stub.set_event("evt", "p");
    return scc::response{400, "refused", {}};
  });
  CHECK(failed.response.status == 400);
  CHECK(failed.response.message == "refused");
  CHECK_FALSE(failed.committed());
  CHECK(failed.code == validation_code::not_validated);
  CHECK_FALSE(failed.event.has_value());
  CHECK(state("k") == std::optional<std::string>("before"));
  CHECK(h.height() == height);
}

TEST_CASE_FIXTURE(fixture, "one event per transaction: the last set_event wins") {
  const auto result = run([](scc::stub& stub) {
    stub.set_event("first", "1");
    stub.set_event("second", "2");
    return scc::success();
  });
  REQUIRE(result.event.has_value());
  CHECK(result.event->name == "second");
  CHECK(result.event->payload == "2");
}

TEST_CASE_FIXTURE(fixture, "bad arguments fail with the Go shim's messages") {
  CHECK(failure_of([](scc::stub& s) { s.put_state("", "v"); }) ==
        "key must not be an empty string");
  CHECK(failure_of([](scc::stub& s) { s.set_event("", "p"); }) ==
        "event name can not be empty string");
  CHECK(failure_of([](scc::stub& s) { s.get_private_data("", "k"); }) ==
        "collection must not be an empty string");
  CHECK(failure_of([](scc::stub& s) { s.put_private_data("", "k", "v"); }) ==
        "collection must not be an empty string");
  CHECK(failure_of([](scc::stub& s) { s.get_state_by_range("a", std::string("\0z", 2)); }) ==
        "first character of the key [\\x00z] contains a null character which is not allowed");
  CHECK(failure_of([](scc::stub& s) { s.create_composite_key("t", {"\xFF"}); }) ==
        "not a valid utf8 string: [ff]");
  CHECK(failure_of([](scc::stub& s) {
          s.split_composite_key("plain");
        }).rfind("not a composite key: [706c61696e]", 0) == 0);
}

TEST_CASE_FIXTURE(fixture, "ranges: [start, end) in byte order, empty end unbounded") {
  committed_state({{"b", "v"},
                   {"a", "v"},
                   {"c", "v"},
                   {"10", "v"},
                   {"2", "v"},
                   {"k1", "v"},
                   {"k3", "v"},
                   {"k2", "v"},
                   {scc::create_composite_key("asset", {"x"}), "composite"}});
  run([](scc::stub& stub) {
    using keys = std::vector<std::string>;
    CHECK(keys_of(stub.get_state_by_range("", "")) ==
          keys{"10", "2", "a", "b", "c", "k1", "k2", "k3"});
    CHECK(keys_of(stub.get_state_by_range("a", "c")) == keys{"a", "b"});
    CHECK(keys_of(stub.get_state_by_range("k1", "")) == keys{"k1", "k2", "k3"});
    CHECK(keys_of(stub.get_state_by_range("", "b")) == keys{"10", "2", "a"});
    CHECK(keys_of(stub.get_state_by_range("c", "a")).empty());
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "partial composite key queries return only matching composite keys") {
  committed_state({{"plain", "v"},
                   {scc::create_composite_key("asset", {"alice", "1"}), "a1"},
                   {scc::create_composite_key("asset", {"alice", "2"}), "a2"},
                   {scc::create_composite_key("asset", {"alicia", "3"}), "a3"},
                   {scc::create_composite_key("other", {"alice", "4"}), "o4"}});
  run([](scc::stub& stub) {
    std::vector<std::string> values;
    for (const auto& row : stub.get_state_by_partial_composite_key("asset", {"alice"})) {
      values.push_back(row.value);
    }
    CHECK(values == std::vector<std::string>{"a1", "a2"});
    CHECK(keys_of(stub.get_state_by_partial_composite_key("asset", {})).size() == 3);
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "Go-style has_next/next iterate the same rows, then fail") {
  committed_state({{"a", "1"}, {"b", "2"}});
  run([](scc::stub& stub) {
    auto query = stub.get_state_by_range("", "");
    REQUIRE(query.has_next());
    CHECK(query.next() == scc::kv{"a", "1"});
    CHECK(query.next() == scc::kv{"b", "2"});
    CHECK_FALSE(query.has_next());
    CHECK_THROWS_WITH_AS(query.next(), "no such key", scc::chaincode_error);
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "pagination: bookmark is the next key, empty when done") {
  committed_state({{"a", "v"}, {"b", "v"}, {"c", "v"}, {"d", "v"}, {"e", "v"}});
  run([](scc::stub& stub) {
    const scc::page first = stub.get_state_by_range_with_pagination("", "", 2, "");
    CHECK(first.items.size() == 2);
    CHECK(first.fetched_records_count == 2);
    CHECK(first.bookmark == "c");
    const scc::page last = stub.get_state_by_range_with_pagination("", "", 3, first.bookmark);
    CHECK(last.items == std::vector<scc::kv>{{"c", "v"}, {"d", "v"}, {"e", "v"}});
    CHECK(last.bookmark.empty());
    return scc::success();
  });
}

TEST_CASE("what a host does not support fails clearly, never crashes") {
  // A host::transaction that overrides nothing: every ledger operation is unsupported.
  auto plugin = scc::host::instantiate(scc::describe_plugin<scripted>("scripted"));
  const auto failure_on_bare_host = [&plugin](std::function<void(scc::stub&)> call) {
    scripted::body = catching(std::move(call));
    scc::host::transaction bare(scc::host::proposal{});
    return plugin->invoke(bare).message;
  };
  CHECK(failure_on_bare_host([](scc::stub& s) {
          s.get_query_result("{\"selector\":{}}");
        }).rfind("rich queries (GetQueryResult) need CouchDB", 0) == 0);
  CHECK(failure_on_bare_host([](scc::stub& s) { s.get_history_for_key("k"); }) ==
        "get_history_for_key is not supported by this host");
  CHECK(failure_on_bare_host([](scc::stub& s) { s.get_state_validation_parameter("k"); }) ==
        "get_state_validation_parameter is not supported by this host");
  CHECK(failure_on_bare_host([](scc::stub& s) { s.get_private_data("coll", "k"); }) ==
        "get_state is not supported by this host");
  scripted::body = [](scc::stub& stub) {
    // As in Go, a failed chaincode-to-chaincode call is an error response, not an exception.
    const scc::response called = stub.invoke_chaincode("other", {"f"});
    CHECK(called.status == 500);
    CHECK(called.message == "invoke_chaincode is not supported by this host");
    return scc::success();
  };
  scc::host::transaction bare(scc::host::proposal{});
  CHECK(plugin->invoke(bare).status == 200);
}

TEST_CASE_FIXTURE(fixture, "the harness refuses what a peer on LevelDB refuses, as the peer does") {
  CHECK(failure_of([](scc::stub& s) { s.get_query_result("{\"selector\":{}}"); }) ==
        "ExecuteQuery not supported for leveldb");
  run([](scc::stub& stub) {
    const scc::response called = stub.invoke_chaincode("other", {"f"});
    CHECK(called.status == 500);
    CHECK(called.message == "chaincode other is not installed on this peer");
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "the transaction context reaches the plugin") {
  const scc::testing::identity creator{"Org1MSP", "creator-certificate"};
  h.set_channel("mychannel");
  h.set_creator(creator);
  h.set_time({1767225600, 42});
  std::string seen_tx_id;
  const auto result = run(
      [&](scc::stub& stub) {
        CHECK(stub.get_args() == std::vector<std::string>{"fn", "a", std::string("\0b", 2)});
        const auto [function, params] = stub.get_function_and_parameters();
        CHECK(function == "fn");
        CHECK(params == std::vector<std::string>{"a", std::string("\0b", 2)});
        CHECK(stub.get_args_slice() == "fna" + std::string("\0b", 2));
        CHECK(stub.get_channel_id() == "mychannel");
        // A serialized msp.SerializedIdentity, as GetCreator returns it.
        CHECK(stub.get_creator() == scc::testing::serialize_identity(creator));
        seen_tx_id = stub.get_tx_id();
        CHECK(stub.get_tx_timestamp() == scc::timestamp{1767225600, 42});
        CHECK(stub.get_transient().empty());
        return scc::success();
      },
      {"fn", "a", std::string("\0b", 2)});
  // hex(SHA-256(nonce || creator)), the id the transaction is committed under.
  CHECK(seen_tx_id.size() == 64);
  CHECK(seen_tx_id == result.tx_id);
  CHECK(h.channel("mychannel").transaction(seen_tx_id).has_value());
}

TEST_CASE_FIXTURE(fixture, "no arguments: empty function and parameters") {
  run(
      [](scc::stub& stub) {
        const auto [function, params] = stub.get_function_and_parameters();
        CHECK(function.empty());
        CHECK(params.empty());
        return scc::success();
      },
      {});
}

namespace {

// A host::transaction over a simulation of the harness's ledger that the test keeps after
// invoke returns, to look at what invoke left behind.
class simulated_transaction : public scc::host::transaction {
 public:
  explicit simulated_transaction(scc::ledger::simulation& on)
      : scc::host::transaction(scc::host::proposal{}), simulation_(on) {}
  std::unique_ptr<scc::host::kv_cursor> range_query(std::string_view collection,
                                                    std::string_view start_key,
                                                    std::string_view end_key, int32_t page_size,
                                                    std::string_view bookmark) override {
    return simulation_.range("scripted", collection, start_key, end_key, page_size, bookmark);
  }

 private:
  scc::ledger::simulation& simulation_;
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "queries left open are closed when invoke returns") {
  committed_state({{"a", "1"}});
  static scc_iterator* left_open = nullptr;
  scripted::body = [](scc::stub& stub) {
    // Open a query through the raw table and never close it.
    const scc_type_bytes none{nullptr, 0};
    const scc_type_bytes start{reinterpret_cast<const uint8_t*>("\x01"), 1};
    CHECK(stub.host()->range_query_open(stub.tx(), none, start, none, 0, none, &left_open) ==
          SCC_STATUS_OK);
    return scc::success();
  };
  auto plugin = scc::host::instantiate(scc::describe_plugin<scripted>("scripted"));
  scc::ledger::simulation simulation(h.channel(), "left-open");
  simulated_transaction tx(simulation);
  CHECK(plugin->invoke(tx).status == 200);
  REQUIRE(left_open != nullptr);
  // The handle is gone: next on it fails instead of reading a dangling cursor.
  scc_type_kv row{};
  CHECK(scc::host::api()->iterator_next_kv(tx.handle(), left_open, &row) ==
        SCC_STATUS_INVALID_ARGUMENT);
  simulation.finish();
}

TEST_CASE("init writes are never committed, as when Fabric 1.x deploys a system chaincode") {
  struct writes_in_init {
    scc::response init(scc::stub& stub) {
      stub.put_state("from-init", "v");
      return scc::success();
    }
    scc::response invoke(scc::stub&) { return scc::success(); }
  };
  scc::testing::harness h;
  h.install<writes_in_init>("writes_in_init");
  const uint64_t height = h.height();
  const auto init = h.init("writes_in_init");
  CHECK(init.response.status == 200);
  CHECK_FALSE(init.committed());
  CHECK(h.height() == height);
  CHECK_FALSE(h.state("writes_in_init", "from-init").has_value());
}

TEST_CASE("a partial composite key query asks the host for [prefix, prefix + U+10FFFF)") {
  // Bounds from fabric-shim 2.5.8 (test/data/composite-keys.json, partial_range).
  struct recording : scc::host::transaction {
    using scc::host::transaction::transaction;
    std::string start, end;
    std::unique_ptr<scc::host::kv_cursor> range_query(std::string_view, std::string_view s,
                                                      std::string_view e, int32_t,
                                                      std::string_view) override {
      start = s;
      end = e;
      throw scc::host::error(SCC_STATUS_UNSUPPORTED, "recorded");
    }
  };
  scripted::body = [](scc::stub& stub) {
    stub.get_state_by_partial_composite_key("color~name", {"blue"});
    return scc::success();
  };
  auto plugin = scc::host::instantiate(scc::describe_plugin<scripted>("scripted"));
  recording tx(scc::host::proposal{});
  CHECK(plugin->invoke(tx).message == "recorded");
  CHECK(tx.start == std::string("\0color~name\0blue\0", 17));
  CHECK(tx.end == std::string("\0color~name\0blue\0\xF4\x8F\xBF\xBF", 21));
}
