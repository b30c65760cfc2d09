// kvscc-demo - loads kvscc.so through the loader and runs a short scripted session against the
// in-memory host, printing each invocation and its outcome.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <scc/loader.hpp>
#include <scc/testing/memory_host.hpp>

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
  scc::testing::memory_host host;
  try {
    host.install(scc::load_plugin(path));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kvscc-demo: %s\n", e.what());
    return 1;
  }
  std::printf("loaded %s\n", path.c_str());

  const std::vector<std::vector<std::string>> script = {
      {"put", "alice", "100"},
      {"put", "bob", "50"},
      {"get", "alice"},
      {"put_asset", "alice", "car1", "red"},
      {"put_asset", "alice", "car2", "blue"},
      {"put_asset", "bob", "car3", "green"},
      {"range", "", ""},
      {"assets_of", "alice"},
      {"del", "bob"},
      {"get", "bob"},
      {"put", "", "empty-key"},
      {"nosuchfunction"},
  };
  int failures = 0;
  for (const auto& args : script) {
    std::string call;
    for (const auto& arg : args) call += (call.empty() ? "" : ", ") + ("\"" + arg + "\"");
    const scc::testing::invocation result = host.invoke("kvscc", args);
    std::printf("invoke [%s] -> status %d", call.c_str(), result.response.status);
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
    std::printf(result.committed ? " [committed]\n" : " [not committed]\n");
    if (!result.response.ok()) ++failures;
  }
  // The last three calls fail on purpose: a missing key, an empty key, an unknown function.
  std::printf("%d calls, %d refused as expected\n", static_cast<int>(script.size()), failures);
  return failures == 3 ? 0 : 1;
}
