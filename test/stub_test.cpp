// scc::stub as plugin code sees it: shim-side argument rules with Fabric's messages, and the
// memory host's Fabric semantics, through the same trampolines a shared library uses.
#include <functional>

#include <doctest/doctest.h>

#include <scc/host/plugin_instance.hpp>
#include <scc/plugin.hpp>
#include <scc/testing/memory_host.hpp>

namespace {

// A plugin whose invoke runs whatever the current test case puts in body.
struct scripted {
  static inline std::function<scc::response(scc::stub&)> body;
  scc::response invoke(scc::stub& stub) { return body(stub); }
};

struct fixture {
  scc::testing::memory_host host;
  fixture() { host.install(scc::instantiate(scc::describe_plugin<scripted>("scripted"))); }

  scc::testing::invocation run(std::function<scc::response(scc::stub&)> body,
                               std::vector<std::string> args = {"f"}) {
    scripted::body = std::move(body);
    return host.invoke("scripted", std::move(args));
  }
  void seed(const std::string& key, const std::string& value) {
    host.state().of("scripted")[key] = value;
  }
  // The message a stub call failed with inside invoke, or "" if it succeeded.
  std::string failure_of(std::function<void(scc::stub&)> call) {
    return run([&](scc::stub& stub) {
             try {
               call(stub);
             } catch (const scc::chaincode_error& e) {
               return scc::error(e.what());
             }
             return scc::success();
           })
        .response.message;
  }
};

std::vector<std::string> keys_of(scc::state_query query) {
  std::vector<std::string> keys;
  for (const scc::kv& row : query) keys.push_back(row.key);
  return keys;
}

}  // namespace

TEST_CASE_FIXTURE(fixture, "get_state of a missing key is nullopt; an empty value is absent") {
  seed("present", "v");
  run([](scc::stub& stub) {
    CHECK(stub.get_state("missing") == std::nullopt);
    CHECK(stub.get_state("present") == std::optional<std::string>("v"));
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "put_state(k, \"\") deletes k at commit") {
  seed("k", "v");
  CHECK(run([](scc::stub& stub) {
          stub.put_state("k", "");
          return scc::success();
        }).committed);
  CHECK_FALSE(host.state().get("scripted", "k").has_value());
}

TEST_CASE_FIXTURE(fixture, "the last write to a key in a transaction wins") {
  run([](scc::stub& stub) {
    stub.put_state("k", "first");
    stub.del_state("k");
    stub.put_state("k", "last");
    return scc::success();
  });
  CHECK(host.state().get("scripted", "k") == std::optional<std::string>("last"));
}

TEST_CASE_FIXTURE(fixture, "no read-your-writes: reads see committed state only") {
  seed("a", "committed");
  run([](scc::stub& stub) {
    stub.put_state("a", "mine");
    stub.put_state("b", "mine");
    CHECK(stub.get_state("a") == std::optional<std::string>("committed"));
    CHECK(stub.get_state("b") == std::nullopt);
    CHECK(keys_of(stub.get_state_by_range("", "")) == std::vector<std::string>{"a"});
    return scc::success();
  });
  CHECK(host.state().get("scripted", "a") == std::optional<std::string>("mine"));
}

TEST_CASE_FIXTURE(fixture, "a response with status >= 400 discards the writes and the event") {
  const auto failed = run([](scc::stub& stub) {
    stub.put_state("k", "v");
    stub.set_event("evt", "p");
    return scc::response{400, "refused", {}};
  });
  CHECK_FALSE(failed.committed);
  CHECK_FALSE(failed.event.has_value());
  CHECK_FALSE(host.state().get("scripted", "k").has_value());
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
  for (const char* key : {"b", "a", "c", "10", "2", "k1", "k3", "k2"}) seed(key, "v");
  seed(scc::create_composite_key("asset", {"x"}), "composite");
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
  seed("plain", "v");
  seed(scc::create_composite_key("asset", {"alice", "1"}), "a1");
  seed(scc::create_composite_key("asset", {"alice", "2"}), "a2");
  seed(scc::create_composite_key("asset", {"alicia", "3"}), "a3");
  seed(scc::create_composite_key("other", {"alice", "4"}), "o4");
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
  seed("a", "1");
  seed("b", "2");
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
  for (const char* key : {"a", "b", "c", "d", "e"}) seed(key, "v");
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

TEST_CASE_FIXTURE(fixture, "what a host does not support fails clearly, never crashes") {
  CHECK(failure_of([](scc::stub& s) {
          s.get_query_result("{\"selector\":{}}");
        }).rfind("rich queries (GetQueryResult) need CouchDB", 0) == 0);
  CHECK(failure_of([](scc::stub& s) { s.get_history_for_key("k"); }) ==
        "get_history_for_key is not supported by this host");
  CHECK(failure_of([](scc::stub& s) { s.get_state_validation_parameter("k"); }) ==
        "get_state_validation_parameter is not supported by this host");
  run([](scc::stub& stub) {
    // As in Go, a failed chaincode-to-chaincode call is an error response, not an exception.
    const scc::response called = stub.invoke_chaincode("other", {"f"});
    CHECK(called.status == 500);
    CHECK(called.message == "invoke_chaincode is not supported by this host");
    return scc::success();
  });
  CHECK(failure_of([](scc::stub& s) { s.get_private_data("coll", "k"); }) ==
        "private data is not supported by the memory host");
}

TEST_CASE_FIXTURE(fixture, "the transaction context reaches the plugin") {
  host.set_channel("mychannel");
  host.set_creator("creator-bytes");
  run(
      [](scc::stub& stub) {
        CHECK(stub.get_args() == std::vector<std::string>{"fn", "a", std::string("\0b", 2)});
        const auto [function, params] = stub.get_function_and_parameters();
        CHECK(function == "fn");
        CHECK(params == std::vector<std::string>{"a", std::string("\0b", 2)});
        CHECK(stub.get_args_slice() == "fna" + std::string("\0b", 2));
        CHECK(stub.get_channel_id() == "mychannel");
        CHECK(stub.get_creator() == "creator-bytes");
        CHECK(stub.get_tx_id().rfind("memtx", 0) == 0);
        CHECK(stub.get_tx_timestamp().seconds > 0);
        CHECK(stub.get_transient().empty());
        return scc::success();
      },
      {"fn", "a", std::string("\0b", 2)});
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

TEST_CASE_FIXTURE(fixture, "queries left open are closed when invoke returns") {
  seed("a", "1");
  static scc_iterator* left_open = nullptr;
  scripted::body = [](scc::stub& stub) {
    // Open a query through the raw table and never close it.
    const scc_type_bytes none{nullptr, 0};
    const scc_type_bytes start{reinterpret_cast<const uint8_t*>("\x01"), 1};
    CHECK(stub.host()->range_query_open(stub.tx(), none, start, none, 0, none, &left_open) ==
          SCC_STATUS_OK);
    return scc::success();
  };
  auto plugin = scc::instantiate(scc::describe_plugin<scripted>("scripted"));
  scc::testing::memory_transaction tx(host.state(), "scripted", {});
  CHECK(plugin->invoke(tx).status == 200);
  REQUIRE(left_open != nullptr);
  // The handle is gone: next on it fails instead of reading a dangling cursor.
  scc_type_kv row{};
  CHECK(scc::host::api()->iterator_next_kv(tx.handle(), left_open, &row) ==
        SCC_STATUS_INVALID_ARGUMENT);
}

TEST_CASE("init writes are never committed, as when Fabric 1.x deploys a system chaincode") {
  struct writes_in_init {
    scc::response init(scc::stub& stub) {
      stub.put_state("from-init", "v");
      return scc::success();
    }
    scc::response invoke(scc::stub&) { return scc::success(); }
  };
  scc::testing::memory_host host;
  host.install(scc::instantiate(scc::describe_plugin<writes_in_init>("writes_in_init")));
  CHECK(host.init("writes_in_init").response.status == 200);
  CHECK_FALSE(host.state().get("writes_in_init", "from-init").has_value());
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
  auto plugin = scc::instantiate(scc::describe_plugin<scripted>("scripted"));
  recording tx(scc::host::proposal{});
  CHECK(plugin->invoke(tx).message == "recorded");
  CHECK(tx.start == std::string("\0color~name\0blue\0", 17));
  CHECK(tx.end == std::string("\0color~name\0blue\0\xF4\x8F\xBF\xBF", 21));
}
