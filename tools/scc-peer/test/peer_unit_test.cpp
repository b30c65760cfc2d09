// Unit tests of scc-peer's parts that need no running peer: core.yaml loading, framing,
// base64, the CLI's -c and --transient parsing, the block store.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base64.hpp"
#include "block_store.hpp"
#include "chaincode_runner.hpp"
#include "cli.hpp"
#include "config.hpp"
#include "framing.hpp"
#include "peer_harness.hpp"
#include "peer_node.hpp"
#include <doctest/doctest.h>

using namespace scc::peer;
namespace fs = std::filesystem;

namespace {

environment fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

const char* const sample = R"(
peer:
  id: jdoe
  listenAddress: 127.0.0.1:9051
  fileSystemPath: data
  gossip:
    bootstrap: 127.0.0.1:7051
chaincode:
  system:
    cscc: enable
    kvscc: enable
    quiet: yes
    off: disable
    loud: "Enable"
  systemPlugins:
    - enabled: true
      name: kvscc
      path: plugins/kvscc.so
      invokableExternal: true
      invokableCC2CC: "true"
    - enabled: true
      name: off
      path: /nowhere/off.so
    - enabled: false
      name: quiet
      path: /nowhere/quiet.so
    - enabled: true
      name: loud
      path: /abs/loud.so
      unknownKey: 1
sccPeer:
  blockCutter:
    maxMessageCount: 50
    batchTimeout: 250us
  maxFrameBytes: 1 MB
  workerThreads: 3
)";

}  // namespace

TEST_CASE("core.yaml: Fabric's keys, our keys, unknown keys ignored") {
  const peer_config config = parse_config(sample, "/etc/scc", fake_env({}));
  CHECK(config.listen_address == "127.0.0.1:9051");
  CHECK(config.file_system_path == fs::path("/etc/scc/data"));
  REQUIRE(config.plugins.size() == 4);
  const plugin_entry& kvscc = config.plugins[0];
  CHECK(kvscc.loads());
  CHECK(kvscc.resolved_path == fs::path("/etc/scc/plugins/kvscc.so"));
  CHECK(kvscc.invokable_external);
  CHECK(kvscc.invokable_cc2cc);  // "true" as a string counts, as mapstructure's weak decoding
  CHECK(config.plugins[1].enabled);
  CHECK_FALSE(config.plugins[1].whitelisted);         // "disable"
  CHECK_FALSE(config.plugins[1].invokable_external);  // Go's zero value
  CHECK(config.plugins[2].whitelisted);               // YAML yes reaches Fabric as "true"
  CHECK_FALSE(config.plugins[2].loads());
  CHECK_FALSE(config.plugins[3].whitelisted);  // "Enable" is not "enable"
  CHECK(config.max_message_count == 50);
  CHECK(config.batch_timeout == std::chrono::microseconds(250));
  CHECK(config.max_frame_bytes == 1024 * 1024);
  CHECK(config.worker_threads == 3);
}

TEST_CASE("core.yaml: an entry that is not loaded says why, naming both spellings and the fix") {
  const peer_config config = parse_config(sample, "/etc/scc", fake_env({}));
  REQUIRE(config.plugins.size() == 4);
  CHECK(config.plugins[0].not_loaded_because.empty());
  CHECK(config.plugins[1].whitelist_mismatch());
  CHECK(config.plugins[1].not_loaded_because ==
        "chaincode.system has \"off: disable\", which does not enable it (only enable, true or "
        "yes do); set \"off: enable\" under chaincode.system");
  CHECK_FALSE(config.plugins[2].whitelist_mismatch());  // switched off in systemPlugins
  CHECK(config.plugins[2].not_loaded_because ==
        "chaincode.systemPlugins[2] (name 'quiet', path '/nowhere/quiet.so') has enabled: false");
  CHECK(config.plugins[3].not_loaded_because ==
        "chaincode.system has \"loud: Enable\", which does not enable it (only enable, true or "
        "yes do); set \"loud: enable\" under chaincode.system");

  const char* const misspelt = R"(
chaincode:
  system:
    cscc: enable
    escrov: enable
    token: enable
  systemPlugins:
    - {enabled: true, name: escrow, path: /x/escrow.so}
    - {enabled: true, name: tokens, path: /x/tokens.so}
    - {enabled: true, name: token, path: /x/token.so}
    - {enabled: true, name: registry, path: /x/registry.so}
)";
  const peer_config mismatched = parse_config(misspelt, "/etc/scc", fake_env({}));
  REQUIRE(mismatched.plugins.size() == 4);
  CHECK(mismatched.plugins[0].whitelist_mismatch());
  CHECK(mismatched.plugins[0].not_loaded_because ==
        "chaincode.system has no key \"escrow\" (it has \"escrov\"); add \"escrow: enable\" "
        "under chaincode.system");
  // "token" is the key of another entry, not a misspelling of "tokens".
  CHECK(mismatched.plugins[1].not_loaded_because ==
        "chaincode.system has no key \"tokens\"; add \"tokens: enable\" under chaincode.system");
  CHECK(mismatched.plugins[2].loads());
  // Nothing close: no suggestion.
  CHECK(mismatched.plugins[3].not_loaded_because ==
        "chaincode.system has no key \"registry\"; add \"registry: enable\" under "
        "chaincode.system");
  // The environment can supply the missing key, as in Fabric.
  const peer_config fixed =
      parse_config(misspelt, "/etc/scc", fake_env({{"CORE_CHAINCODE_SYSTEM_ESCROW", "enable"}}));
  CHECK(fixed.plugins[0].loads());
  CHECK(fixed.plugins[0].not_loaded_because.empty());
}

TEST_CASE("core.yaml: defaults") {
  const peer_config config = parse_config("", "/x", fake_env({}));
  CHECK(config.listen_address == "127.0.0.1:7051");
  CHECK(config.file_system_path == fs::path("/var/hyperledger/production"));
  CHECK(config.plugins.empty());
  CHECK(config.max_message_count == 500);
  CHECK(config.batch_timeout == std::chrono::milliseconds(10));
  CHECK(config.max_frame_bytes == 16u * 1024 * 1024);
}

TEST_CASE("core.yaml: environment overrides in Fabric's style") {
  const peer_config config = parse_config(sample, "/etc/scc",
                                          fake_env({{"CORE_PEER_LISTENADDRESS", "127.0.0.1:0"},
                                                    {"CORE_PEER_FILESYSTEMPATH", "/var/tmp/ledger"},
                                                    {"CORE_CHAINCODE_SYSTEM_OFF", "enable"},
                                                    {"CORE_SCCPEER_BLOCKCUTTER_BATCHTIMEOUT", "1s"},
                                                    {"CORE_SCCPEER_MAXFRAMEBYTES", "2048"}}));
  CHECK(config.listen_address == "127.0.0.1:0");
  CHECK(config.file_system_path == fs::path("/var/tmp/ledger"));
  CHECK(config.plugins[1].whitelisted);
  CHECK(config.batch_timeout == std::chrono::seconds(1));
  CHECK(config.max_frame_bytes == 2048);
}

TEST_CASE("core.yaml: errors name the key or the entry") {
  const auto error_of = [](const std::string& yaml, std::map<std::string, std::string> env = {}) {
    try {
      parse_config(yaml, "/x", fake_env(std::move(env)), "core.yaml");
    } catch (const config_error& failure) {
      return std::string(failure.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("peer: [unclosed").find("core.yaml: not valid YAML: line") == 0);
  CHECK(error_of("peer:\n  listenAddress: nowhere\n") ==
        "core.yaml: peer.listenAddress is 'nowhere'; expected HOST:PORT");
  CHECK(error_of("", {{"CORE_PEER_LISTENADDRESS", "x"}}) ==
        "core.yaml: peer.listenAddress is 'x' (from CORE_PEER_LISTENADDRESS); expected HOST:PORT");
  CHECK(error_of("chaincode:\n  systemPlugins:\n    - enabled: maybe\n      name: a\n      path: "
                 "/a.so\n") ==
        "core.yaml: chaincode.systemPlugins[0] (name 'a', path '/a.so'): enabled is 'maybe'; "
        "expected true or false");
  CHECK(
      error_of("chaincode:\n  system:\n    a: enable\n  systemPlugins:\n    - enabled: true\n      "
               "name: a\n") ==
      "core.yaml: chaincode.systemPlugins[0] (name 'a', path ''): an enabled plugin needs a path");
  CHECK(error_of("chaincode:\n  systemPlugins: 3\n").find("must be a list") != std::string::npos);
  CHECK(error_of("sccPeer:\n  blockCutter:\n    batchTimeout: 10\n")
            .find("sccPeer.blockCutter.batchTimeout is '10'") ==
        0 + std::string("core.yaml: ").size());
  CHECK(error_of("sccPeer:\n  maxFrameBytes: lots\n").find("sccPeer.maxFrameBytes") !=
        std::string::npos);
}

TEST_CASE("config file lookup: --config, then $FABRIC_CFG_PATH, then ./core.yaml") {
  test::temp_folder folder("lookup");
  test::write_file(folder.path() / "core.yaml", "peer: {}\n");
  CHECK(locate_config(std::nullopt, fake_env({{"FABRIC_CFG_PATH", folder.path().string()}})) ==
        folder.path() / "core.yaml");
  CHECK(locate_config((folder.path() / "core.yaml").string(), fake_env({})) ==
        folder.path() / "core.yaml");
  CHECK_THROWS_AS(locate_config((folder.path() / "none.yaml").string(), fake_env({})),
                  config_error);
}

TEST_CASE("durations, sizes, booleans, addresses") {
  CHECK(parse_duration("10ms") == std::chrono::microseconds(10000));
  CHECK(parse_duration("1m30s") == std::chrono::microseconds(90000000));
  CHECK(parse_duration("1.5s") == std::chrono::microseconds(1500000));
  CHECK_FALSE(parse_duration("10").has_value());
  CHECK_FALSE(parse_duration("ms").has_value());
  CHECK(parse_byte_size("16 MB") == 16u * 1024 * 1024);
  CHECK(parse_byte_size("512KB") == 512u * 1024);
  CHECK_FALSE(parse_byte_size("-1").has_value());
  CHECK(parse_bool("yes") == true);
  CHECK(parse_bool("Off") == false);
  CHECK_FALSE(parse_bool("maybe").has_value());
  CHECK(split_host_port("[::1]:7051")->host == "::1");
  CHECK(split_host_port("localhost:0")->port == 0);
  CHECK_FALSE(split_host_port("::1:7051").has_value());
  CHECK_FALSE(split_host_port("host:70512").has_value());
}

TEST_CASE("frames: split across reads, several per read, oversize found from the header") {
  std::string stream;
  append_frame_header(stream, 3);
  stream += "abc";
  append_frame_header(stream, 0);
  append_frame_header(stream, 5);
  stream += "hello";
  frame_reader reader(16);
  std::string_view body;
  for (char byte : stream.substr(0, 5)) reader.append(std::string_view(&byte, 1));
  CHECK(reader.next(body) == frame_reader::result::incomplete);
  reader.append(stream.substr(5));
  REQUIRE(reader.next(body) == frame_reader::result::frame);
  CHECK(body == "abc");
  REQUIRE(reader.next(body) == frame_reader::result::frame);
  CHECK(body.empty());
  REQUIRE(reader.next(body) == frame_reader::result::frame);
  CHECK(body == "hello");
  CHECK(reader.next(body) == frame_reader::result::incomplete);
  std::string big;
  append_frame_header(big, 17);
  reader.append(big);
  CHECK(reader.next(body) == frame_reader::result::oversize);
  CHECK(reader.announced_length() == 17);
}

TEST_CASE("base64 as Go encodes []byte") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode(std::string("\0\xff", 2)) == "AP8=");
  CHECK(base64_decode("Zm9vYg==") == std::string("foob"));
  CHECK(base64_decode("AP8=") == std::string("\0\xff", 2));
  CHECK_FALSE(base64_decode("Zm9").has_value());
  CHECK_FALSE(base64_decode("Zm9*").has_value());
}

TEST_CASE("-c as Fabric's CLI reads it") {
  CHECK(parse_ctor(R"({"Args":["put","a","b"]})") == std::vector<std::string>{"put", "a", "b"});
  CHECK(parse_ctor(R"({"function":"put","Args":["a","b"]})") ==
        std::vector<std::string>{"put", "a", "b"});
  CHECK(parse_ctor(R"({"args":["x"]})") == std::vector<std::string>{"x"});
  CHECK_THROWS_AS(parse_ctor(R"({"Args":[1]})"), usage_error);
  CHECK_THROWS_AS(parse_ctor("not json"), usage_error);
  CHECK(parse_transient(R"({"k":"AP8="})").at("k") == std::string("\0\xff", 2));
  CHECK_THROWS_AS(parse_transient(R"({"k":"!"})"), usage_error);
}

TEST_CASE("durations follow Go's grammar; sizes take every uint64 (found by fuzz_core_yaml)") {
  CHECK_FALSE(parse_duration("1.2.3s").has_value());  // stod read "1.2" of it
  CHECK_FALSE(parse_duration(".6.h").has_value());
  CHECK_FALSE(parse_duration(".s").has_value());
  CHECK(parse_duration(".5s") == std::chrono::microseconds(500000));
  CHECK(parse_duration("5.s") == std::chrono::microseconds(5000000));
  CHECK(parse_duration("2500\xCE\xBCs") == std::chrono::microseconds(2500));  // Greek mu
  CHECK(parse_duration("2500\xC2\xB5s") == std::chrono::microseconds(2500));  // micro sign
  CHECK(parse_byte_size("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parse_byte_size("18446744073709551616").has_value());
  const std::optional<uint64_t> kib = parse_byte_size("2275555555557376KB");
  REQUIRE(kib.has_value());
  CHECK(parse_byte_size(std::to_string(*kib)) == kib);
}

TEST_CASE("-c and --transient decode as Go's encoding/json does (found by fuzz_cli_args)") {
  using args = std::vector<std::string>;
  CHECK(parse_ctor("null").empty());
  CHECK(parse_ctor(R"({"Args":[null,"a"],"function":null})") == args{"", "a"});
  // Keys match case-insensitively with Unicode folding; the last in document order wins.
  CHECK(parse_ctor(R"({"args":["x"],"Args":["y"]})") == args{"y"});
  CHECK(parse_ctor(R"({"Args":["y"],"args":["x"]})") == args{"x"});
  CHECK(parse_ctor("{\"Arg\xC5\xBF\":[\"z\"]}") == args{"z"});
  CHECK(parse_ctor(R"({"function":"f","FUNCTION":"g","Args":["a"]})") == args{"g", "a"});
  // A type error in any occurrence fails the argument, even if a later one is fine.
  CHECK_THROWS_AS(parse_ctor(R"({"Args":1,"Args":["a"]})"), usage_error);
  CHECK_THROWS_AS(parse_ctor("[]"), usage_error);
  // A deeply nested element is refused without printing it (dump() recursed).
  CHECK_THROWS_WITH_AS(
      parse_ctor("{\"Args\":[" + std::string(200000, '[') + std::string(200000, ']') + "]}"),
      "chaincode argument error: every Args element must be a string, found a list", usage_error);
  CHECK(parse_transient("null").empty());
  CHECK(parse_transient(R"({"k":null})").at("k").empty());
  CHECK(parse_transient(R"({"k":"QUJD\nREVG\r\n"})").at("k") == "ABCDEF");
  CHECK_THROWS_AS(parse_transient(R"({"k":"!!","k":"QQ=="})"), usage_error);
  CHECK(base64_decode("QUJD\r\nREVG") == std::string("ABCDEF"));
}

TEST_CASE("channel names follow Fabric's rule") {
  CHECK_FALSE(check_channel_name("mychannel").has_value());
  CHECK_FALSE(check_channel_name("a.b-c9").has_value());
  CHECK(check_channel_name("").has_value());
  CHECK(check_channel_name("MyChannel").has_value());
  CHECK(check_channel_name("9lives").has_value());
  CHECK(check_channel_name(std::string(250, 'a')).has_value());
}

TEST_CASE("block store: a block round-trips and its state is written with it") {
  using namespace scc::ledger;
  test::temp_folder folder("store");
  block stored;
  stored.number = 1;
  transaction_record tx;
  tx.tx_id = "t1";
  tx.chaincode = "kv";
  tx.timestamp = {1700000000, 5};
  tx.code = validation_code::valid;
  ns_rwset ns;
  ns.ns = "kv";
  ns.reads.push_back(kv_read{"r", version{0, 0}});
  ns.reads.push_back(kv_read{"absent", std::nullopt});
  ns.range_queries.push_back(range_query_info{"a", "b", true, {kv_read{"a1", version{3, 4}}}});
  ns.writes.push_back(kv_write{std::string("k\0composite", 11), "v", false});
  ns.writes.push_back(kv_write{"gone", "", true});
  collection_rwset collection;
  collection.collection = "secret";
  collection.writes.push_back(kv_write{"p", "private", false});
  collection.purges.push_back("old");
  ns.collections.push_back(collection);
  tx_rwset rwset;
  rwset.namespaces.push_back(ns);
  tx.rwset = std::make_shared<const tx_rwset>(rwset);
  tx.event = chaincode_event{"made", "payload"};
  stored.transactions.push_back(tx);
  transaction_record invalid = tx;
  invalid.tx_id = "t2";
  invalid.code = validation_code::mvcc_read_conflict;
  rwset.namespaces[0].writes[0].value = "never";
  invalid.rwset = std::make_shared<const tx_rwset>(rwset);
  invalid.event.reset();
  stored.transactions.push_back(invalid);

  const block decoded = block_store::decode_block(block_store::encode_block(stored));
  REQUIRE(decoded.transactions.size() == 2);
  CHECK(decoded.transactions[0].tx_id == "t1");
  CHECK(decoded.transactions[0].timestamp == scc::timestamp{1700000000, 5});
  CHECK(decoded.transactions[0].event == chaincode_event{"made", "payload"});
  CHECK_FALSE(decoded.transactions[1].event.has_value());
  CHECK(decoded.transactions[1].code == validation_code::mvcc_read_conflict);
  const ns_rwset& back = decoded.transactions[0].rwset->namespaces.at(0);
  CHECK(back.reads.at(0).version == version{0, 0});
  CHECK_FALSE(back.reads.at(1).version.has_value());
  CHECK(back.range_queries.at(0).reads.at(0).version == version{3, 4});
  CHECK(back.writes.at(0).key == std::string("k\0composite", 11));
  CHECK(back.writes.at(1).is_delete);
  CHECK(back.collections.at(0).purges.at(0) == "old");

  {
    block_store store(folder.path());
    store.add_channel("ch");
    store.append_block("ch", stored);
  }
  block_store reopened(folder.path());
  CHECK(reopened.channels() == std::vector<std::string>{"ch"});
  CHECK(reopened.state("ch", "kv", std::string("k\0composite", 11)) == std::string("v"));
  CHECK(reopened.stored_height("ch") == 2);
  int blocks = 0;
  CHECK(reopened.load_blocks("ch", [&](block) { ++blocks; }) == 2);
  CHECK(blocks == 1);
  CHECK_THROWS_AS(block_store(folder.path()), store_error);  // LevelDB's lock: one peer per folder
}

namespace {

// Counts what the watchdog asks of the caller of run_here.
class counted_replacement final : public thread_replacement {
 public:
  std::atomic<int> lost_calls{0};
  std::atomic<int> returned_calls{0};
  void lost() override { ++lost_calls; }
  void returned() override { ++returned_calls; }
};

}  // namespace

TEST_CASE("chaincode runner: a job run on the caller's thread is watched as its own are") {
  using namespace std::chrono_literals;
  chaincode_runner runner(1, 300ms);
  counted_replacement here;
  std::atomic<int> timed_out{0};
  chaincode_runner::job work;
  work.description = "unit test job";
  work.timed_out = [&timed_out](const std::vector<std::string>& chaincodes) {
    CHECK(chaincodes.empty());  // the job entered no chaincode
    ++timed_out;
  };

  SUBCASE("a run that returns in time keeps its result") {
    bool claimed = false;
    work.run = [&claimed](chaincode_runner::run_context& run) { claimed = run.claim(); };
    CHECK_FALSE(runner.run_here(work, here).has_value());
    CHECK(claimed);
    CHECK(timed_out == 0);
    CHECK(here.lost_calls == 0);
    CHECK(runner.stuck_threads() == 0);
  }
  SUBCASE("a run past its deadline is answered by the watchdog, and its thread replaced") {
    std::atomic<bool> claimed{true};
    std::atomic<unsigned> stuck_while_running{0};
    std::atomic<int> lost_before_return{0};
    work.run = [&](chaincode_runner::run_context& run) {
      std::this_thread::sleep_for(900ms);
      stuck_while_running = runner.stuck_threads();
      lost_before_return = here.lost_calls.load();
      claimed = run.claim();
    };
    const auto started = std::chrono::steady_clock::now();
    CHECK_FALSE(runner.run_here(work, here).has_value());
    CHECK(std::chrono::steady_clock::now() - started >= 900ms);  // it waits for the plugin
    CHECK_FALSE(claimed);
    CHECK(timed_out == 1);
    CHECK(lost_before_return == 1);  // replaced while it was stuck
    CHECK(stuck_while_running == 1);
    CHECK(here.returned_calls == 1);
    CHECK(runner.stuck_threads() == 0);
  }
  SUBCASE("once the runner stops, a job is refused") {
    work.run = [](chaincode_runner::run_context&) { FAIL("a refused job ran"); };
    runner.stop();
    const std::optional<std::string> refused = runner.run_here(work, here);
    REQUIRE(refused.has_value());
    CHECK(*refused == "the peer is shutting down");
  }
}
