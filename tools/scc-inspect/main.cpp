// scc-inspect <library> - prints what an scc plugin library declares, or why the host would
// refuse it.
//
// Runs the loader's checks exactly as a host does, so a refusal here is the refusal the peer
// would log. It opens the library (static constructors run and the entry is called) but never
// creates an instance: the plugin's own constructor does not run.
//
// Exit status: 0 the library would be accepted, 1 it is refused, 2 usage error.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "scc/abi.h"
#include "scc/host/loader.hpp"

namespace {

constexpr const char* usage = "usage: scc-inspect <library>\n";

std::string describe_flags(uint16_t flags) {
  std::string text = (flags & SCC_PLUGIN_FLAG_THREAD_SAFE) != 0
                         ? "thread-safe (init/invoke may run concurrently)"
                         : "serialised (the host runs one init/invoke at a time)";
  const unsigned unknown = flags & ~unsigned{SCC_PLUGIN_FLAG_THREAD_SAFE};
  if (unknown != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%04x", unknown);
    text += std::string(", unknown bits ") + hex;
  }
  return text;
}

void print(const char* label, const std::string& value) {
  std::printf("%-16s%s\n", label, value.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
    std::fputs(usage, stdout);
    return 0;
  }
  if (argc != 2 || argv[1][0] == '\0') {
    std::fputs(usage, stderr);
    return 2;
  }
  try {
    const auto library = scc::host::plugin_library::open(argv[1]);
    const scc::host::plugin_info& info = library->info();
    std::string exports;
    for (const std::string& name : library->exports()) {
      exports += (exports.empty() ? "" : " ") + name;
    }
    print("path:", info.origin);
    print("name:", info.name);
    print("version:", info.version);
    print("abi:", std::to_string(info.abi_major) + "." + std::to_string(info.abi_minor));
    print("min host minor:", std::to_string(info.min_host_minor) + " (this host provides " +
                                 std::to_string(SCC_ABI_MAJOR) + "." +
                                 std::to_string(SCC_ABI_MINOR) + ")");
    print("sdk version:", info.sdk_version);
    print("build tag:", info.build_tag);
    print("flags:", describe_flags(info.flags));
    print("exports:", exports);
    return 0;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "scc-inspect: %s\n", failure.what());
    return 1;
  }
}
