// fuzz/plugins/fuzz_peer_plugin.cpp - the plugin fuzz_peer_stream's in-process scc-peer loads
// (as "fzkv"), as scc-peer loads any plugin: a shared library built with scc_add_plugin.
//
//   put <key> <value>   writes, sets the event "put" with the key as payload
//   get <key>           the value, or 404
//   del <key>
//   big <n>             a payload of n KiB (n < 1024): replies larger than sccPeer.maxFrameBytes
//   fail                500, after a write that must never reach the ledger
//   range <start> <end> "key=value" lines
#include <string>
#include <vector>

#include <scc/plugin.hpp>

namespace {

class fuzz_peer_plugin {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, params] = stub.get_function_and_parameters();
    if (function == "put" && params.size() == 2) {
      stub.put_state(params[0], params[1]);
      stub.set_event("put", params[0]);
      return scc::success();
    }
    if (function == "get" && params.size() == 1) {
      std::optional<std::string> value = stub.get_state(params[0]);
      if (!value) return {404, "no key " + params[0], {}};
      return scc::success(std::move(*value));
    }
    if (function == "del" && params.size() == 1) {
      stub.del_state(params[0]);
      return scc::success();
    }
    if (function == "big" && params.size() == 1 && params[0].size() <= 3) {
      std::size_t kib = 0;
      for (char c : params[0]) kib = kib * 10 + static_cast<unsigned char>(c) % 10;
      return scc::success(std::string(kib * 1024, 'B'));
    }
    if (function == "fail") {
      stub.put_state("failed", "1");
      return scc::error("failed on purpose");
    }
    if (function == "range" && params.size() == 2) {
      std::string lines;
      for (const scc::kv& row : stub.get_state_by_range(params[0], params[1])) {
        lines += row.key + "=" + row.value + "\n";
      }
      return scc::success(lines);
    }
    return scc::error("fzkv: unknown function or argument count");
  }
};

}  // namespace

SCC_PLUGIN(fuzz_peer_plugin, "fzkv", "1.0.0");
