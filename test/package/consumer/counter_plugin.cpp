// A small plugin built against the installed SDK: a key-value store with a counter.
#include <optional>
#include <stdexcept>
#include <string>

#include <scc/plugin.hpp>

namespace {

class counter {
 public:
  scc::response init(scc::stub& stub) {
    stub.put_state("initialized", "yes");
    return scc::success();
  }

  scc::response invoke(scc::stub& stub) {
    auto [function, params] = stub.get_function_and_parameters();
    if (function == "put" && params.size() == 2) {
      stub.put_state(params[0], params[1]);
      return scc::success();
    }
    if (function == "get" && params.size() == 1) {
      std::optional<std::string> value = stub.get_state(params[0]);
      if (!value) return scc::error("key not found: " + params[0]);
      return scc::success(*value);
    }
    if (function == "add" && params.size() == 2) {
      const std::optional<std::string> value = stub.get_state(params[0]);
      const long long sum = (value ? std::stoll(*value) : 0) + std::stoll(params[1]);
      stub.put_state(params[0], std::to_string(sum));
      return scc::success(std::to_string(sum));
    }
    if (function == "throw") throw std::runtime_error("the plugin threw on purpose");
    return scc::error("unknown function '" + function + "'");
  }
};

}  // namespace

SCC_PLUGIN(counter, "counter", "1.2.3");
