// The plugin testing.md's build setup names: the worked example's asset class, as a library.
#include <scc/plugin.hpp>

class asset_scc {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, args] = stub.get_function_and_parameters();
    if (function == "create" && args.size() == 2) {
      stub.put_state(args[0], args[1]);
      return scc::success();
    }
    return scc::error("unknown function " + function);
  }
};

SCC_PLUGIN(asset_scc, "assets");
