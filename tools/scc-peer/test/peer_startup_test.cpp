// What scc-peer does with the plugin entries of core.yaml at start-up: loads an entry only when
// it is enabled and whitelisted (like Fabric), logs the others as disabled without opening
// them, and refuses to start, with one message naming the entry, its path and the cause, when
// an entry it should load cannot be loaded (where Fabric panics).
#include <string>

#include "peer_harness.hpp"
#include <doctest/doctest.h>

using namespace scc::peer::test;

namespace {

int count(const std::string& text, const std::string& what) {
  int found = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++found;
  }
  return found;
}

}  // namespace

TEST_CASE(
    "enabled and whitelisted plugins load; disabled or unlisted ones are logged, not opened") {
  temp_folder folder("startup");
  const std::string missing = (folder.path() / "missing.so").string();
  peer_process peer(folder.path(),
                    core_yaml({{"kvscc", SCC_PEER_KVSCC},
                               {"token", SCC_PEER_TOKEN, /*enabled=*/true, /*whitelisted=*/false},
                               // Never opened, so neither the bad path nor the ABI matters.
                               {"ghost", missing, /*enabled=*/false},
                               {"future", SCC_PEER_WRONG_ABI, /*enabled=*/false}}));
  REQUIRE_MESSAGE(peer.start(), peer.log());
  const std::string log = peer.log();
  CHECK(count(log, "loaded system chaincode") == 1);
  CHECK(log.find("loaded system chaincode kvscc version 1.0.0 (ABI 1.1") != std::string::npos);
  CHECK(log.find("WARN") != std::string::npos);
  CHECK(log.find("chaincode.systemPlugins entry \"token\" is not enabled: chaincode.system has "
                 "\"token: disable\", which does not enable it") != std::string::npos);
  CHECK(
      log.find("system chaincode ghost disabled: chaincode.systemPlugins[2] (name 'ghost', path '" +
               missing + "') has enabled: false") != std::string::npos);
  CHECK(log.find("system chaincode future disabled") != std::string::npos);

  const cli_result list = peer.cli({"chaincode", "list", "--output", "json"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("\"name\":\"kvscc\"") != std::string::npos);
  CHECK(list.out.find("token") == std::string::npos);

  // A plugin that is not loaded cannot be invoked, and the answer says why.
  const cli_result refused =
      peer.cli({"chaincode", "query", "-C", "ch", "-n", "token", "-c", R"({"Args":["total"]})"});
  CHECK(refused.exit_code != 0);
  // The CLI prints the message as Fabric's does, with its quotes escaped.
  CHECK(refused.err.find(R"(chaincode token is not enabled on this peer: chaincode.system has )"
                         R"(\"token: disable\")") != std::string::npos);
  const cli_result unknown =
      peer.cli({"chaincode", "query", "-C", "ch", "-n", "nobody", "-c", R"({"Args":["x"]})"});
  CHECK(unknown.err.find("chaincode nobody is not installed on this peer") != std::string::npos);
  CHECK(peer.stop() == 0);
}

TEST_CASE("a systemPlugins name the whitelist misspells: a warning at start, a clear refusal") {
  temp_folder folder("misspelt");
  const std::string yaml = std::string(
                               "peer:\n"
                               "  listenAddress: 127.0.0.1:0\n"
                               "  fileSystemPath: production\n"
                               "chaincode:\n"
                               "  system:\n"
                               "    cscc: enable\n"
                               "    escrov: enable\n"
                               "  systemPlugins:\n"
                               "    - enabled: true\n"
                               "      name: escrow\n"
                               "      path: ") +
                           SCC_PEER_TOKEN +
                           "\n"
                           "      invokableExternal: true\n";
  peer_process peer(folder.path(), yaml);
  REQUIRE_MESSAGE(peer.start(), peer.log());
  const std::string log = peer.log();
  CHECK(log.find("WARN") != std::string::npos);
  CHECK(log.find("chaincode.systemPlugins entry \"escrow\" is not enabled: chaincode.system has "
                 "no key \"escrow\" (it has \"escrov\"); add \"escrow: enable\" under "
                 "chaincode.system") != std::string::npos);
  CHECK(count(log, "loaded system chaincode") == 0);

  for (const char* verb : {"invoke", "query"}) {
    const cli_result refused =
        peer.cli({"chaincode", verb, "-C", "ch", "-n", "escrow", "-c", R"({"Args":["total"]})"});
    CHECK(refused.exit_code != 0);
    CHECK_MESSAGE(refused.err.find(R"x(status:500 message:"chaincode escrow is not enabled on )x"
                                   R"x(this peer: chaincode.system has no key \"escrow\" (it has )x"
                                   R"x(\"escrov\"); add \"escrow: enable\" under )x"
                                   R"x(chaincode.system")x") != std::string::npos,
                  refused.err);
    CHECK(refused.err.find("not installed") == std::string::npos);
  }
  CHECK(peer.stop() == 0);
}

TEST_CASE("an entry that cannot be loaded stops start-up with one clear message") {
  temp_folder folder("refuse");
  struct refusal {
    const char* what;
    plugin_config plugin;
    std::string cause;
  };
  const std::string missing = (folder.path() / "missing.so").string();
  const refusal refusals[] = {
      {"bad path", {"ghost", missing}, "no such file"},
      {"wrong ABI", {"future", SCC_PEER_WRONG_ABI}, "ABI major mismatch. Host supports SCC ABI 1"},
      {"name differs from the library's",
       {"renamed", SCC_PEER_KVSCC},
       "the library declares the plugin 'kvscc', not 'renamed'"},
  };
  for (const refusal& attempt : refusals) {
    CAPTURE(attempt.what);
    peer_process peer(folder.path(), core_yaml({{"kvscc", SCC_PEER_KVSCC}, attempt.plugin}));
    CHECK_FALSE(peer.start());
    CHECK(peer.exit_code() == 1);
    const std::string log = peer.log();
    CAPTURE(log);
    const std::string entry = "cannot start: cannot load chaincode.systemPlugins[1] (name '" +
                              attempt.plugin.name + "', path '" + attempt.plugin.path + "'): ";
    CHECK(log.find(entry) != std::string::npos);
    CHECK(log.find(attempt.cause) != std::string::npos);
    CHECK(count(log, "ERRO") == 1);
    CHECK(log.find("listening") == std::string::npos);
  }
}

TEST_CASE("bad configuration: clear messages, non-zero exit") {
  temp_folder folder("badconfig");
  {
    peer_process peer(folder.path(), "peer:\n  listenAddress: [oops\n");
    CHECK_FALSE(peer.start());
    CHECK(peer.exit_code() == 1);
    CHECK(peer.log().find("not valid YAML: line") != std::string::npos);
  }
  {
    peer_process peer(folder.path(), core_yaml({}), {{"CORE_PEER_LISTENADDRESS", "nowhere"}});
    CHECK_FALSE(peer.start());
    CHECK(peer.log().find("peer.listenAddress is 'nowhere' (from CORE_PEER_LISTENADDRESS)") !=
          std::string::npos);
  }
  {
    // No --config, no FABRIC_CFG_PATH, no ./core.yaml.
    fs::create_directories(folder.path() / "empty");
    const cli_result result =
        peer_process::run({SCC_PEER_BINARY, "node", "start"}, {}, folder.path() / "empty");
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("no core.yaml found") != std::string::npos);
  }
}

TEST_CASE(
    "FABRIC_CFG_PATH locates core.yaml; environment overrides apply; port in use is refused") {
  temp_folder folder("cfgpath");
  write_file(folder.path() / "core.yaml", core_yaml({{"kvscc", SCC_PEER_KVSCC}}));
  fs::create_directories(folder.path() / "elsewhere");
  const fs::path log_file = folder.path() / "peer.log";
  const pid_t pid = spawn({SCC_PEER_BINARY, "node", "start"},
                          {{"FABRIC_CFG_PATH", folder.path().string()},
                           {"CORE_PEER_FILESYSTEMPATH", (folder.path() / "elsewhere").string()},
                           {"FABRIC_LOGGING_SPEC", "debug"}},
                          folder.path() / "peer.out", log_file);
  std::string log;
  for (int attempt = 0; attempt < 6000 && log.find("listening on ") == std::string::npos;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    log = read_file(log_file);
  }
  REQUIRE_MESSAGE(log.find("listening on ") != std::string::npos, log);
  CHECK(log.find("ledger in " + (folder.path() / "elsewhere" / "ledgersData").string()) !=
        std::string::npos);
  const std::size_t at = log.find("listening on ") + 13;
  const std::string address = log.substr(at, log.find(' ', at) - at);

  // A second peer on the same address cannot listen.
  temp_folder other("inuse");
  peer_process second(other.path(), core_yaml({}), {{"CORE_PEER_LISTENADDRESS", address}});
  CHECK_FALSE(second.start());
  CHECK(second.log().find("cannot listen on " + address) != std::string::npos);

  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid, std::chrono::seconds(60)) == 0);
}
