// The stub ledger behaves like a real Fabric peer. One case per rule of docs/semantics.md, each
// naming where Fabric does it. Plugins run through the same trampolines a shared library uses.
#include <atomic>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <scc/ledger/endorser.hpp>  // the engine itself, not only the harness
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

using scc::testing::validation_code;
using keys = std::vector<std::string>;

// A plugin whose invoke (and init) runs whatever the test puts in body; args[0] picks one of
// several bodies so that cc2cc tests can install two of them.
template <int Tag>
struct scripted {
  static inline std::function<scc::response(scc::stub&)> body;
  static inline std::function<scc::response(scc::stub&)> init_body;
  scc::response invoke(scc::stub& stub) { return body(stub); }
  scc::response init(scc::stub& stub) { return init_body ? init_body(stub) : scc::success(); }
};
using plugin = scripted<0>;
using callee = scripted<1>;
using locked = scripted<2>;
using internal_only = scripted<3>;

struct fixture {
  scc::testing::harness h;
  fixture() {
    plugin::body = nullptr;
    plugin::init_body = nullptr;
    callee::body = nullptr;
    h.install<plugin>("cc");
  }

  scc::testing::tx_result invoke(std::function<scc::response(scc::stub&)> body,
                                 scc::testing::tx_options context = {}) {
    plugin::body = std::move(body);
    return h.invoke("cc", {"fn"}, std::move(context));
  }
  scc::testing::tx_result query(std::function<scc::response(scc::stub&)> body) {
    plugin::body = std::move(body);
    return h.query("cc", {"fn"});
  }
  scc::testing::endorsement endorse(std::function<scc::response(scc::stub&)> body) {
    plugin::body = std::move(body);
    return h.endorse("cc", {"fn"});
  }
  // Commits key=value pairs in one transaction.
  void seed(std::vector<std::pair<std::string, std::string>> pairs) {
    const auto result = invoke([&](scc::stub& stub) {
      for (const auto& [key, value] : pairs) stub.put_state(key, value);
      return scc::success();
    });
    REQUIRE(result.committed());
  }
  // The message a stub call fails with inside a transaction, or "" if it succeeds.
  std::string failure_of(std::function<void(scc::stub&)> call) {
    return query([&](scc::stub& stub) {
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

keys keys_of(scc::state_query query) {
  keys out;
  for (const scc::kv& row : query) out.push_back(row.key);
  return out;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace

// fabric core/ledger/kvledger/txmgmt/rwsetutil/rwset_proto_util.go newKVWrite (empty value =
// delete); docs/source/readwrite.rst (last write wins); fabric-chaincode-go shim/stub.go
// PutState ("key must not be an empty string").
TEST_CASE_FIXTURE(fixture, "rule 1: missing key is nullopt, empty value deletes, last write wins") {
  seed({{"k", "v"}, {"gone", "x"}});
  query([](scc::stub& stub) {
    CHECK(stub.get_state("missing") == std::nullopt);
    CHECK(stub.get_state("k") == std::optional<std::string>("v"));
    return scc::success();
  });

  const auto result = invoke([](scc::stub& stub) {
    stub.put_state("gone", "");
    stub.put_state("k", "first");
    stub.del_state("k");
    stub.put_state("k", "last");
    return scc::success();
  });
  REQUIRE(result.committed());
  CHECK(h.state("cc", "gone") == std::nullopt);
  CHECK(h.state("cc", "k") == std::optional<std::string>("last"));
  // The write set holds one entry per key, the delete as a delete.
  const auto* ns = result.rwset->find("cc");
  REQUIRE(ns != nullptr);
  REQUIRE(ns->writes.size() == 2);
  CHECK(ns->writes[0].key == "gone");
  CHECK(ns->writes[0].is_delete);
  CHECK(ns->writes[1].key == "k");
  CHECK(ns->writes[1].value == "last");

  CHECK(failure_of([](scc::stub& stub) { stub.put_state("", "v"); }) ==
        "key must not be an empty string");
}

// fabric core/ledger/kvledger/txmgmt/txmgr/query_executor.go: reads go to the committed
// versioned DB; docs/source/readwrite.rst "Read-your-writes semantics are not supported".
TEST_CASE_FIXTURE(
    fixture, "rule 2: no read-your-writes, for keys, ranges, composite keys and private data") {
  seed({{"a", "committed"}});
  const std::string composite = scc::create_composite_key("asset", {"alice", "1"});
  const auto result = invoke([&](scc::stub& stub) {
    stub.put_state("a", "mine");
    stub.put_state("b", "mine");
    stub.put_state(composite, "mine");
    stub.put_private_data("secrets", "p", "mine");
    CHECK(stub.get_state("a") == std::optional<std::string>("committed"));
    CHECK(stub.get_state("b") == std::nullopt);
    CHECK(keys_of(stub.get_state_by_range("", "")) == keys{"a"});
    CHECK(keys_of(stub.get_state_by_partial_composite_key("asset", {"alice"})).empty());
    CHECK(stub.get_private_data("secrets", "p") == std::nullopt);
    return scc::success();
  });
  REQUIRE(result.committed());
  CHECK(h.state("cc", "a") == std::optional<std::string>("mine"));
  CHECK(h.state("cc", "b") == std::optional<std::string>("mine"));
  CHECK(h.private_data("cc", "secrets", "p") == std::optional<std::string>("mine"));
}

TEST_CASE("read-your-writes is an opt-in compatibility mode for MockStub-era tests") {
  scc::testing::harness::options settings;
  settings.read_your_writes = true;
  scc::testing::harness h(settings);
  h.install<plugin>("cc");
  plugin::body = [](scc::stub& stub) {
    stub.put_state("a", "mine");
    stub.put_state("b", "");
    CHECK(stub.get_state("a") == std::optional<std::string>("mine"));
    CHECK(keys_of(stub.get_state_by_range("", "")) == keys{"a"});
    return scc::success();
  };
  CHECK(h.invoke("cc", {"fn"}).committed());
  CHECK(scc::testing::harness().ledger().options().total_query_limit == 100000);

  // Pagination and phantom protection still hold in this mode.
  plugin::body = [](scc::stub& stub) {
    for (const char* key : {"b", "c", "d"}) stub.put_state(key, "v");
    return scc::success();
  };
  REQUIRE(h.invoke("cc", {"fn"}).committed());
  plugin::body = [](scc::stub& stub) {
    const scc::page first = stub.get_state_by_range_with_pagination("", "", 2, "");
    CHECK(first.items.size() == 2);
    CHECK(first.bookmark == "c");  // keys a, b, c, d: the page is a, b
    return scc::success();
  };
  CHECK(h.query("cc", {"fn"}).response.status == 200);
  plugin::body = [](scc::stub& stub) {
    stub.put_state("count", std::to_string(keys_of(stub.get_state_by_range("a", "z")).size()));
    return scc::success();
  };
  std::vector<scc::testing::endorsement> block;
  block.push_back(h.endorse("cc", {"fn"}));  // will be overtaken by the insert below
  plugin::body = [](scc::stub& stub) {
    stub.put_state("m", "new");
    return scc::success();
  };
  block.insert(block.begin(), h.endorse("cc", {"fn"}));
  const auto results = h.commit_block(std::move(block));
  CHECK(results[0].committed());
  CHECK(results[1].code == validation_code::phantom_read_conflict);
}

// fabric-chaincode-go shim/stub.go GetStateByRange (emptyKeySubstitute "\x01",
// validateSimpleKeys); statedb/stateleveldb: byte order, end "" unbounded.
TEST_CASE_FIXTURE(fixture, "rule 3: ranges are [start, end) in byte order with Fabric's guards") {
  seed({{"b", "v"},
        {"a", "v"},
        {"c", "v"},
        {"10", "v"},
        {"2", "v"},
        {"\x7f", "v"},
        {"\xc3\xa9", "v"},
        {scc::create_composite_key("asset", {"x"}), "composite"}});
  query([](scc::stub& stub) {
    CHECK(keys_of(stub.get_state_by_range("", "")) ==
          keys{"10", "2", "a", "b", "c", "\x7f", "\xc3\xa9"});
    CHECK(keys_of(stub.get_state_by_range("a", "c")) == keys{"a", "b"});
    CHECK(keys_of(stub.get_state_by_range("b", "")) == keys{"b", "c", "\x7f", "\xc3\xa9"});
    CHECK(keys_of(stub.get_state_by_range("", "b")) == keys{"10", "2", "a"});
    CHECK(keys_of(stub.get_state_by_range("c", "a")).empty());
    return scc::success();
  });
  CHECK(failure_of([](scc::stub& stub) { stub.get_state_by_range(std::string("\0a", 2), ""); }) ==
        "first character of the key [\\x00a] contains a null character which is not allowed");
}

// fabric-chaincode-go shim/stub.go CreateCompositeKey / SplitCompositeKey /
// GetStateByPartialCompositeKey; vectors from fabric-shim 2.5.8 (test/data/composite-keys.json).
TEST_CASE_FIXTURE(
    fixture,
    "rule 4: composite keys are Fabric's bytes; partial keys cover [prefix, prefix+U+10FFFF)") {
  std::ifstream file(SCC_TEST_DATA_DIR "/composite-keys.json");
  REQUIRE(file.good());
  const auto vectors = nlohmann::json::parse(file);
  std::vector<std::string> expected;
  std::size_t checked = 0;
  for (const auto& vector : vectors.at("create")) {
    if (!vector.contains("key_hex")) continue;  // the Node shim's refusals; Go accepts them
    const std::string expected_key = from_hex(vector.at("key_hex").get<std::string>());
    const auto written = invoke([&](scc::stub& stub) {
      stub.put_state(stub.create_composite_key(vector.at("objectType").get<std::string>(),
                                               vector.at("attributes").get<keys>()),
                     "v");
      return scc::success();
    });
    REQUIRE(written.committed());
    REQUIRE(written.rwset->find("cc")->writes.size() == 1);
    CHECK(written.rwset->find("cc")->writes[0].key == expected_key);
    ++checked;
  }
  CHECK(checked >= 5);
  // The range a partial-key query asks for, as the rwset records it.
  for (const auto& vector : vectors.at("partial_range")) {
    const auto ranged = query([&](scc::stub& stub) {
      keys_of(stub.get_state_by_partial_composite_key(vector.at("objectType").get<std::string>(),
                                                      vector.at("attributes").get<keys>()));
      return scc::success();
    });
    const auto& ranges = ranged.rwset->find("cc")->range_queries;
    REQUIRE(ranges.size() == 1);
    CHECK(ranges[0].start_key == from_hex(vector.at("start_hex").get<std::string>()));
    CHECK(ranges[0].end_key == from_hex(vector.at("end_hex").get<std::string>()));
  }

  seed({{scc::create_composite_key("asset", {"alice", "1"}), "a1"},
        {scc::create_composite_key("asset", {"alice", "2"}), "a2"},
        {scc::create_composite_key("asset", {"alicia", "3"}), "a3"},
        {scc::create_composite_key("asset", {"alice\xf4\x8f\xbf\xbe"}), "edge"},
        {"plain", "p"}});
  query([](scc::stub& stub) {
    std::vector<std::string> values;
    for (const auto& row : stub.get_state_by_partial_composite_key("asset", {"alice"})) {
      values.push_back(row.value);
    }
    CHECK(values == std::vector<std::string>{"a1", "a2"});
    const auto [type, attributes] =
        stub.split_composite_key(scc::create_composite_key("asset", {"alice", "1"}));
    CHECK(type == "asset");
    CHECK(attributes == std::vector<std::string>{"alice", "1"});
    return scc::success();
  });
  CHECK(failure_of([](scc::stub& stub) {
          stub.create_composite_key("asset", {std::string("a\0b", 3)});
        }).find("U+0000 and U+10FFFF are not allowed") != std::string::npos);
  CHECK(failure_of([](scc::stub& stub) {
          stub.create_composite_key("asset", {"\xf4\x8f\xbf\xbf"});
        }).find("U+0000 and U+10FFFF are not allowed") != std::string::npos);
  CHECK(failure_of([](scc::stub& stub) { stub.create_composite_key("asset", {"\xc3"}); }) ==
        "not a valid utf8 string: [c3]");
  CHECK(failure_of([](scc::stub& stub) {
          stub.split_composite_key("plain");
        }).rfind("not a composite key", 0) == 0);
}

// fabric core/ledger/kvledger/txmgmt/statedb/stateleveldb/stateleveldb.go GetBookmarkAndClose;
// txmgr/tx_simulator.go checkBeforePaginatedQueries / checkPaginatedQueryPerformed.
TEST_CASE_FIXTURE(fixture,
                  "rule 5: pagination bookmarks the next key and needs a read-only transaction") {
  seed({{"k1", "1"}, {"k2", "2"}, {"k3", "3"}, {"k4", "4"}, {"k5", "5"}});
  query([](scc::stub& stub) {
    const scc::page first = stub.get_state_by_range_with_pagination("k1", "", 2, "");
    CHECK(first.fetched_records_count == 2);
    CHECK(first.items == std::vector<scc::kv>{{"k1", "1"}, {"k2", "2"}});
    CHECK(first.bookmark == "k3");
    const scc::page second = stub.get_state_by_range_with_pagination("k1", "", 2, first.bookmark);
    CHECK(second.items == std::vector<scc::kv>{{"k3", "3"}, {"k4", "4"}});
    CHECK(second.bookmark == "k5");
    const scc::page last = stub.get_state_by_range_with_pagination("k1", "", 2, second.bookmark);
    CHECK(last.items == std::vector<scc::kv>{{"k5", "5"}});
    CHECK(last.fetched_records_count == 1);
    CHECK(last.bookmark == "");
    const scc::page bounded = stub.get_state_by_range_with_pagination("k1", "k3", 2, "");
    CHECK(bounded.fetched_records_count == 2);
    CHECK(bounded.bookmark == "");
    return scc::success();
  });

  const auto write_then_page = invoke([](scc::stub& stub) {
    stub.put_state("x", "1");
    stub.get_state_by_range_with_pagination("k1", "", 2, "");
    return scc::success();
  });
  CHECK(write_then_page.response.status == 500);
  CHECK(write_then_page.response.message ==
        "txid [" + write_then_page.tx_id +
            "]: unsuppored transaction. Paginated queries are supported only in a read-only "
            "transaction");

  const auto page_then_write = invoke([](scc::stub& stub) {
    stub.get_state_by_range_with_pagination("k1", "", 2, "");
    stub.put_state("x", "1");
    return scc::success();
  });
  CHECK(page_then_write.response.message ==
        "txid [" + page_then_write.tx_id +
            "]: unsuppored transaction. Transaction has already performed a paginated query. "
            "Writes are not allowed");
  CHECK(h.state("cc", "x") == std::nullopt);
}

// fabric core/ledger/kvledger/history: KeyModification{tx_id, value, timestamp, is_delete},
// newest first since v2.0 (FAB-16303); only valid transactions are indexed.
TEST_CASE_FIXTURE(fixture,
                  "rule 6: history is newest first, with tx id, value, timestamp and deletes") {
  const auto first = invoke([](scc::stub& stub) {
    stub.put_state("k", "v1");
    return scc::success();
  });
  const auto second = invoke([](scc::stub& stub) {
    stub.put_state("k", "v2");
    return scc::success();
  });
  // An invalid transaction leaves no trace in history.
  auto loser = endorse([](scc::stub& stub) {
    CHECK(stub.get_state("k") == std::optional<std::string>("v2"));
    stub.put_state("k", "lost");
    return scc::success();
  });
  auto winner = endorse([](scc::stub& stub) {
    stub.get_state("k");
    stub.del_state("k");
    return scc::success();
  });
  std::vector<scc::testing::endorsement> block;
  block.push_back(std::move(winner));
  block.push_back(std::move(loser));
  const auto results = h.commit_block(std::move(block));
  REQUIRE(results[0].committed());
  REQUIRE(results[1].code == validation_code::mvcc_read_conflict);

  std::vector<scc::key_modification> seen;
  query([&](scc::stub& stub) {
    for (const auto& modification : stub.get_history_for_key("k")) seen.push_back(modification);
    return scc::success();
  });
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].tx_id == results[0].tx_id);
  CHECK(seen[0].is_delete);
  CHECK(seen[0].value.empty());
  CHECK(seen[1].tx_id == second.tx_id);
  CHECK(seen[1].value == "v2");
  CHECK_FALSE(seen[1].is_delete);
  CHECK(seen[2].tx_id == first.tx_id);
  CHECK(seen[2].value == "v1");
  CHECK(seen[2].timestamp.seconds < seen[1].timestamp.seconds);
}

// fabric-chaincode-go shim/stub.go SetEvent (one chaincodeEvent field, overwritten; "event
// name can not be empty string"); fabric core/chaincode: only the outermost event is kept.
TEST_CASE_FIXTURE(fixture,
                  "rule 7: one event per transaction, the last wins, a callee's is dropped") {
  h.install<callee>("other");
  callee::body = [](scc::stub& stub) {
    stub.set_event("callee-event", "c");
    return scc::success();
  };
  const auto result = invoke([](scc::stub& stub) {
    stub.set_event("first", "1");
    stub.set_event("second", "2");
    CHECK(stub.invoke_chaincode("other", {"x"}).status == 200);
    return scc::success();
  });
  REQUIRE(result.event.has_value());
  CHECK(*result.event == scc::testing::chaincode_event{"second", "2"});
  CHECK(failure_of([](scc::stub& stub) { stub.set_event("", "p"); }) ==
        "event name can not be empty string");
}

// An endorser does not endorse a proposal whose response is >= 400 (ERRORTHRESHOLD), so its
// writes and event never reach a block.
TEST_CASE_FIXTURE(fixture, "rule 8: a response with status >= 400 discards writes and event") {
  const uint64_t height = h.height();
  const auto failed = invoke([](scc::stub& stub) {
    stub.put_state("k", "v");
    stub.set_event("evt", "p");
    return scc::response{400, "refused", {}};
  });
  CHECK(failed.response.status == 400);
  CHECK(failed.code == validation_code::not_validated);
  CHECK_FALSE(failed.event.has_value());
  CHECK_FALSE(failed.block_number.has_value());
  CHECK(h.state("cc", "k") == std::nullopt);
  CHECK(h.height() == height);

  const auto thrown = invoke([](scc::stub& stub) -> scc::response {
    stub.put_state("k", "v");
    throw std::runtime_error("boom");
  });
  CHECK(thrown.response.status == 500);
  CHECK(h.state("cc", "k") == std::nullopt);
}

// fabric-chaincode-go shim/stub.go (collection must not be empty); peer handler (no private
// data in Init); GetPrivateDataHash = SHA-256; tx_simulator.go checkBeforePvtdataQueries.
TEST_CASE_FIXTURE(
    fixture,
    "rule 9: private data needs a collection, hashes with SHA-256, purges, stays out of init") {
  const auto put = invoke([](scc::stub& stub) {
    stub.put_private_data("secrets", "p", "abc");
    stub.put_private_data("secrets", "q", "x");
    return scc::success();
  });
  REQUIRE(put.committed());
  CHECK(h.state("cc", "p") == std::nullopt);  // not in public state
  query([](scc::stub& stub) {
    CHECK(stub.get_private_data("secrets", "p") == std::optional<std::string>("abc"));
    CHECK(stub.get_private_data("other", "p") == std::nullopt);
    const auto hash = stub.get_private_data_hash("secrets", "p");
    REQUIRE(hash.has_value());
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    CHECK(scc::detail::to_hex(*hash) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(keys_of(stub.get_private_data_by_range("secrets", "", "")) == keys{"p", "q"});
    return scc::success();
  });
  CHECK(failure_of([](scc::stub& stub) { stub.get_private_data("", "k"); }) ==
        "collection must not be an empty string");

  const auto purge = invoke([](scc::stub& stub) {
    stub.purge_private_data("secrets", "p");
    return scc::success();
  });
  REQUIRE(purge.committed());
  CHECK(h.private_data("cc", "secrets", "p") == std::nullopt);
  CHECK(h.private_data("cc", "secrets", "q") == std::optional<std::string>("x"));

  plugin::init_body = [](scc::stub& stub) {
    stub.put_private_data("secrets", "k", "v");
    return scc::success();
  };
  const auto init = h.init("cc");
  CHECK(init.response.status == 500);
  CHECK(init.response.message == "private data APIs are not allowed in chaincode Init()");

  const auto write_then_query = invoke([](scc::stub& stub) {
    stub.put_state("a", "1");
    stub.get_private_data_by_range("secrets", "", "");
    return scc::success();
  });
  CHECK(write_then_query.response.message ==
        "txid [" + write_then_query.tx_id +
            "]: unsuppored transaction. Queries on pvt data is supported only in a read-only "
            "transaction");
  const auto query_then_write = invoke([](scc::stub& stub) {
    stub.get_private_data_by_range("secrets", "", "");
    stub.put_state("a", "1");
    return scc::success();
  });
  CHECK(query_then_write.response.message ==
        "txid [" + query_then_write.tx_id +
            "]: unsuppored transaction. Transaction has already performed queries on pvt data. "
            "Writes are not allowed");
}

// fabric core/chaincode/handler.go HandleInvokeChaincode (same channel: the caller's
// simulator; other channel: a fresh one, discarded) and checkACL (invokableCC2CC).
TEST_CASE_FIXTURE(
    fixture, "rule 10: cc2cc shares the caller's rwset on one channel, is a query on another") {
  h.install<callee>("other");
  callee::body = [](scc::stub& stub) {
    stub.put_state("written-by-callee", stub.get_channel_id());
    return scc::success(stub.get_tx_id());
  };
  const auto same = invoke([](scc::stub& stub) {
    const auto answer = stub.invoke_chaincode("other", {"x"});
    CHECK(answer.status == 200);
    CHECK(answer.payload == stub.get_tx_id());
    return scc::success();
  });
  REQUIRE(same.committed());
  CHECK(same.rwset->find("other") != nullptr);
  CHECK(h.state("other", "written-by-callee") == std::optional<std::string>("testchannel"));
  CHECK(h.state("cc", "written-by-callee") == std::nullopt);

  const auto other_channel = invoke([](scc::stub& stub) {
    CHECK(stub.invoke_chaincode("other", {"x"}, "elsewhere").status == 200);
    return scc::success();
  });
  REQUIRE(other_channel.committed());
  CHECK(other_channel.rwset->find("other") == nullptr);
  CHECK(h.channel("elsewhere").state("other", "written-by-callee") == std::nullopt);
  CHECK(h.channel("elsewhere").height() == 1);

  // A chaincode cannot run twice in one transaction: the peer keeps one context per txid.
  const auto reentrant = invoke([](scc::stub& stub) {
    const auto answer = stub.invoke_chaincode("cc", {"again"});
    CHECK(answer.status == 500);
    CHECK(answer.message == "txid: " + stub.get_tx_id() + "(testchannel) exists");
    return scc::success();
  });
  CHECK(reentrant.committed());

  scc::testing::harness refusing;
  refusing.install<plugin>("cc");
  refusing.install<locked>("locked", {/*invokable_external=*/true, /*invokable_cc2cc=*/false});
  locked::body = [](scc::stub&) { return scc::success(); };
  plugin::body = [](scc::stub& stub) {
    const auto answer = stub.invoke_chaincode("locked", {"x"});
    CHECK(answer.status == 500);
    CHECK(answer.message == "system chaincode locked cannot be invoked with a cc2cc invocation");
    return scc::success();
  };
  CHECK(refusing.invoke("cc", {"fn"}).committed());

  scc::testing::harness internal;
  internal.install<internal_only>("internal",
                                  {/*invokable_external=*/false, /*invokable_cc2cc=*/true});
  internal_only::body = [](scc::stub&) { return scc::success(); };
  const auto refused = internal.invoke("internal", {"x"});
  CHECK(refused.response.status == 500);
  CHECK(refused.response.message == "chaincode internal cannot be invoked through a proposal");
  CHECK_FALSE(refused.committed());
}

// fabric protoutil/txutils.go ComputeTxID = hex(SHA-256(nonce || creator)); the creator is a
// serialized msp.SerializedIdentity.
TEST_CASE_FIXTURE(fixture, "rule 11: the transaction context comes from the harness") {
  scc::testing::tx_options context;
  context.creator = scc::testing::identity{"Org1MSP", "-----BEGIN CERTIFICATE-----\n"};
  context.nonce = std::string(24, '\x07');
  context.timestamp = scc::timestamp{1700000000, 123};
  context.transient = {{"secret", "s"}};
  context.decorations = {{"deco", "d"}};
  const std::string creator = scc::testing::serialize_identity(*context.creator);
  const auto result = invoke(
      [&](scc::stub& stub) {
        CHECK(stub.get_creator() == creator);
        CHECK(stub.get_tx_timestamp() == scc::timestamp{1700000000, 123});
        CHECK(stub.get_transient() == std::map<std::string, std::string>{{"secret", "s"}});
        CHECK(stub.get_decorations() == std::map<std::string, std::string>{{"deco", "d"}});
        CHECK(stub.get_channel_id() == "testchannel");
        return scc::success(stub.get_tx_id());
      },
      context);
  REQUIRE(result.committed());
  CHECK(result.response.payload == result.tx_id);
  CHECK(result.tx_id == scc::testing::compute_tx_id(std::string(24, '\x07'), creator));
  // SerializedIdentity{mspid: "Org1MSP", id_bytes: ...}: field 1 then field 2.
  CHECK(creator.substr(0, 9) == std::string("\x0a\x07Org1MSP", 9));
  CHECK(creator.substr(9, 2) == "\x12\x1c");
  // SHA-256 of "" and of "abc" (FIPS 180-2).
  CHECK(scc::testing::compute_tx_id("", "") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(scc::testing::compute_tx_id("a", "bc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Without options, every proposal gets a fresh id and a later timestamp.
  const auto a = invoke([](scc::stub&) { return scc::success(); });
  const auto b = invoke([](scc::stub&) { return scc::success(); });
  CHECK(a.tx_id != b.tx_id);
  CHECK(a.tx_id.size() == 64);
}

// fabric core/ledger/kvledger/txmgmt/validation/validator.go validateKVRead and
// validateRangeQuery (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT).
TEST_CASE_FIXTURE(fixture, "rule 12: MVCC and phantom conflicts invalidate the later transaction") {
  seed({{"balance", "10"}, {"r1", "x"}, {"r3", "x"}});
  const auto spend = [](scc::stub& stub) {
    const int balance = std::stoi(*stub.get_state("balance"));
    stub.put_state("balance", std::to_string(balance - 1));
    return scc::success();
  };
  std::vector<scc::testing::endorsement> block;
  block.push_back(endorse(spend));
  block.push_back(endorse(spend));
  const auto results = h.commit_block(std::move(block));
  CHECK(results[0].code == validation_code::valid);
  CHECK(results[1].code == validation_code::mvcc_read_conflict);
  CHECK(results[0].block_number == results[1].block_number);
  CHECK_FALSE(results[1].event.has_value());
  CHECK(h.state("cc", "balance") == std::optional<std::string>("9"));

  // A read made stale by an earlier block conflicts too.
  auto stale = endorse(spend);
  REQUIRE(invoke(spend).committed());
  std::vector<scc::testing::endorsement> late;
  late.push_back(std::move(stale));
  CHECK(h.commit_block(std::move(late))[0].code == validation_code::mvcc_read_conflict);
  CHECK(h.state("cc", "balance") == std::optional<std::string>("8"));

  // Blind writes never conflict.
  std::vector<scc::testing::endorsement> blind;
  blind.push_back(endorse([](scc::stub& stub) {
    stub.put_state("balance", "100");
    return scc::success();
  }));
  blind.push_back(endorse([](scc::stub& stub) {
    stub.put_state("balance", "200");
    return scc::success();
  }));
  const auto blind_results = h.commit_block(std::move(blind));
  CHECK(blind_results[0].committed());
  CHECK(blind_results[1].committed());
  CHECK(h.state("cc", "balance") == std::optional<std::string>("200"));

  // A range whose result changed before commit: an insertion into it is a phantom.
  const auto count_range = [](scc::stub& stub) {
    int rows = 0;
    for (const auto& row : stub.get_state_by_range("r", "s")) rows += row.key.empty() ? 0 : 1;
    stub.put_state("count", std::to_string(rows));
    return scc::success();
  };
  auto counted = endorse(count_range);
  REQUIRE(invoke([](scc::stub& stub) {
            stub.put_state("r2", "new");
            return scc::success();
          }).committed());
  std::vector<scc::testing::endorsement> phantom;
  phantom.push_back(std::move(counted));
  CHECK(h.commit_block(std::move(phantom))[0].code == validation_code::phantom_read_conflict);
  CHECK(h.state("cc", "count") == std::nullopt);

  // ... and within one block, a preceding valid transaction's write into the range.
  std::vector<scc::testing::endorsement> same_block;
  same_block.push_back(endorse([](scc::stub& stub) {
    stub.put_state("r4", "new");
    return scc::success();
  }));
  same_block.push_back(endorse(count_range));
  const auto same_results = h.commit_block(std::move(same_block));
  CHECK(same_results[0].committed());
  CHECK(same_results[1].code == validation_code::phantom_read_conflict);

  // An untouched range commits.
  CHECK(invoke(count_range).committed());
  CHECK(h.state("cc", "count") == std::optional<std::string>("4"));
}

TEST_CASE_FIXTURE(fixture, "a transaction id already on the ledger is DUPLICATE_TXID") {
  scc::testing::tx_options context;
  context.tx_id = "fixed-id";
  const auto write = [](scc::stub& stub) {
    stub.put_state("k", "v");
    return scc::success();
  };
  CHECK(invoke(write, context).committed());
  CHECK(invoke(write, context).code == validation_code::duplicate_txid);

  plugin::body = write;
  scc::testing::tx_options twice;
  twice.tx_id = "same-block-id";
  std::vector<scc::testing::endorsement> block;
  block.push_back(h.endorse("cc", {"fn"}, twice));
  block.push_back(h.endorse("cc", {"fn"}, twice));
  const auto results = h.commit_block(std::move(block));
  CHECK(results[0].committed());
  CHECK(results[1].code == validation_code::duplicate_txid);
}

TEST_CASE_FIXTURE(fixture, "init runs like Fabric 1.x's deploy: its writes are never committed") {
  plugin::init_body = [](scc::stub& stub) {
    stub.put_state("from-init", "v");
    return scc::success("ready");
  };
  const auto init = h.init("cc");
  CHECK(init.response.payload == "ready");
  CHECK(init.code == validation_code::not_validated);
  CHECK(h.state("cc", "from-init") == std::nullopt);
  CHECK(h.height() == 1);
}

TEST_CASE_FIXTURE(fixture, "rich queries fail as on a LevelDB peer; queries never commit") {
  CHECK(failure_of([](scc::stub& stub) { stub.get_query_result("{}"); }) ==
        "ExecuteQuery not supported for leveldb");
  const auto q = query([](scc::stub& stub) {
    stub.put_state("k", "v");
    return scc::success();
  });
  CHECK(q.response.status == 200);
  CHECK(q.code == validation_code::not_validated);
  CHECK(h.state("cc", "k") == std::nullopt);
  CHECK(h.height() == 1);
}

TEST_CASE_FIXTURE(fixture, "key-level endorsement policies are stored as key metadata") {
  seed({{"k", "v"}});
  REQUIRE(invoke([](scc::stub& stub) {
            stub.set_state_validation_parameter("k", "policy-bytes");
            stub.set_state_validation_parameter("absent", "ignored");
            return scc::success();
          }).committed());
  query([](scc::stub& stub) {
    CHECK(stub.get_state_validation_parameter("k") == std::optional<std::string>("policy-bytes"));
    CHECK(stub.get_state_validation_parameter("absent") == std::nullopt);
    return scc::success();
  });
}

TEST_CASE_FIXTURE(fixture, "blocks hold every transaction with its validation code") {
  seed({{"a", "1"}});
  const auto committed = h.channel().block_at(1);
  REQUIRE(committed.has_value());
  REQUIRE(committed->transactions.size() == 1);
  CHECK(committed->transactions[0].code == validation_code::valid);
  CHECK(committed->transactions[0].chaincode == "cc");
  CHECK(h.channel().transaction(committed->transactions[0].tx_id).has_value());
  CHECK(scc::ledger::name(validation_code::mvcc_read_conflict) == "MVCC_READ_CONFLICT");
  CHECK(static_cast<int>(validation_code::phantom_read_conflict) == 12);
}

namespace {

// Moves one unit between two of eight accounts; used from several threads at once.
struct mover {
  static constexpr bool thread_safe = true;
  scc::response invoke(scc::stub& stub) {
    const auto args = stub.get_args();
    const int from = std::stoi(stub.get_state(args[0]).value_or("0"));
    const int to = std::stoi(stub.get_state(args[1]).value_or("0"));
    if (from == 0) return scc::error("empty");
    stub.put_state(args[0], std::to_string(from - 1));
    stub.put_state(args[1], std::to_string(to + 1));
    return scc::success();
  }
};

}  // namespace

TEST_CASE("simulations and commits may run on many threads; conflicts have no effect") {
  scc::ledger::peer_ledger ledger;
  scc::ledger::endorser endorser(ledger);
  endorser.install(scc::host::instantiate(scc::describe_plugin<mover>("mover")));
  scc::testing::channel& channel = ledger.open_channel("ch");
  {
    std::vector<scc::testing::endorsement> seed(1);
    seed[0].channel = "ch";
    seed[0].tx_id = "seed";
    scc::testing::tx_rwset accounts;
    accounts.namespaces.push_back({"mover", {}, {}, {}, {}, {}});
    for (int i = 0; i < 8; ++i) {
      accounts.namespaces[0].writes.push_back({"acct" + std::to_string(i), "100", false});
    }
    seed[0].rwset = std::make_shared<const scc::testing::tx_rwset>(std::move(accounts));
    REQUIRE(channel.commit(std::move(seed)).codes[0] == validation_code::valid);
  }
  std::atomic<int> valid{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        scc::host::proposal proposal;
        proposal.channel_id = "ch";
        proposal.tx_id = "t" + std::to_string(t) + "-" + std::to_string(i);
        proposal.args = {"acct" + std::to_string((t + i) % 8),
                         "acct" + std::to_string((t + i + 3) % 8)};
        std::vector<scc::testing::endorsement> block;
        block.push_back(endorser.simulate(proposal, "mover", false));
        const auto code = channel.commit(std::move(block)).codes[0];
        (code == validation_code::valid ? valid : conflicts)++;
        if (code != validation_code::valid) CHECK(code == validation_code::mvcc_read_conflict);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(valid + conflicts == 400);
  CHECK(valid > 0);
  int total = 0;
  for (int i = 0; i < 8; ++i)
    total += std::stoi(*channel.state("mover", "acct" + std::to_string(i)));
  CHECK(total == 800);
  CHECK(channel.height() == 2 + 400);
}

TEST_CASE_FIXTURE(fixture,
                  "a stub kept past its call, or used from another thread, fails cleanly") {
  std::optional<scc::stub> kept;
  std::string from_thread;
  const auto result = invoke([&](scc::stub& stub) {
    kept = stub;
    std::thread other([&] {
      try {
        stub.put_state("k", "from another thread");
      } catch (const scc::chaincode_error& e) {
        from_thread = e.what();
      }
    });
    other.join();
    return scc::success();
  });
  REQUIRE(result.committed());
  CHECK(from_thread ==
        "stub used from another thread: a stub is valid only on the thread that runs its "
        "init/invoke");
  CHECK_THROWS_WITH_AS(kept->put_state("k", "late"),
                       "the stub's transaction has ended: a stub is valid only during the "
                       "init/invoke call it was given to",
                       scc::chaincode_error);
  CHECK_THROWS_AS(kept->get_tx_id(), scc::chaincode_error);
  CHECK(h.state("cc", "k") == std::nullopt);
}

// protoutil.ComputeProposalBinding; the peer computes it from the signed proposal, and so does
// the harness, so a plugin sees the same GetBinding in a unit test as on a peer.
TEST_CASE("GetBinding is SHA-256(nonce || creator || epoch 0 as 8 bytes), as on a peer") {
  struct binder {
    scc::response invoke(scc::stub& stub) { return scc::success(stub.get_binding()); }
  };
  scc::testing::harness h;
  h.install<binder>("binder");
  scc::testing::tx_options context;
  context.nonce = std::string(24, 'n');
  context.creator = scc::testing::identity{"Org1MSP", "cert"};
  const scc::testing::tx_result answered = h.query("binder", {}, context);
  REQUIRE(answered.response.status == 200);
  CHECK(scc::detail::to_hex(answered.response.payload) ==
        "bf7e45da315ebf3c29ed54c758f94b5c951b7db1b48d109e1eae130bd0ebe4b7");
  CHECK(answered.response.payload ==
        scc::testing::compute_binding(*context.nonce,
                                      scc::testing::serialize_identity(*context.creator)));
}
