// kvscc-demo - loads kvscc.so through the loader into the test harness and runs a short
// scripted session against its stub ledger, printing each transaction and its outcome. Writes
// are invoked (simulated, then committed as a block of their own); reads are queries, which a
// client evaluates without committing.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <scc/testing.hpp>

namespace {

std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7F) {
      static constexpr char digits[] = "0123456789abcdef";
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : KVSCC_PLUGIN_PATH;
  scc::testing::harness h;
  try {
    h.install(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kvscc-demo: %s\n", e.what());
    return 1;
  }
  std::printf("loaded %s\n", path.c_str());

  enum kind { invoke, query };
  struct step {
    kind how;
    std::vector<std::string> args;
  };
  const std::vector<step> script = {
      {invoke, {"put", "alice", "100"}},
      {invoke, {"put", "bob", "50"}},
      {query, {"get", "alice"}},
      {invoke, {"put_asset", "alice", "car1", "red"}},
      {invoke, {"put_asset", "alice", "car2", "blue"}},
      {invoke, {"put_asset", "bob", "car3", "green"}},
      {query, {"range", "", ""}},
      {query, {"assets_of", "alice"}},
      {invoke, {"del", "bob"}},
      {query, {"get", "bob"}},
      {invoke, {"put", "", "empty-key"}},
      {invoke, {"nosuchfunction"}},
  };
  int failures = 0;
  for (const auto& [how, args] : script) {
    std::string call;
    for (const auto& arg : args) call += (call.empty() ? "" : ", ") + ("\"" + arg + "\"");
    const scc::testing::tx_result result =
        how == invoke ? h.invoke("kvscc", args) : h.query("kvscc", args);
    std::printf("%-6s [%s] -> status %d", how == invoke ? "invoke" : "query", call.c_str(),
                result.response.status);
    if (!result.response.payload.empty()) {
      std::printf(" payload \"%s\"", printable(result.response.payload).c_str());
    }
    if (!result.response.message.empty()) {
      std::printf(" message \"%s\"", result.response.message.c_str());
    }
    if (result.event) {
      std::printf(" event %s(%s)", result.event->name.c_str(),
                  printable(result.event->payload).c_str());
    }
    if (result.committed()) {
      std::printf(" [committed in block %llu]\n",
                  static_cast<unsigned long long>(*result.block_number));
    } else if (how == query) {
      std::printf(" [query: not committed]\n");
    } else {
      std::printf(" [not committed]\n");
    }
    if (!result.response.ok()) ++failures;
  }
  // The last three calls fail on purpose: a missing key, an empty key, an unknown function.
  std::printf(
      "%d calls, %d refused as expected; ledger height %llu (genesis + 1 block per "
      "committed invoke)\n",
      static_cast<int>(script.size()), failures, static_cast<unsigned long long>(h.height()));
  return failures == 3 ? 0 : 1;
}
