// The benchmark's chaincode in C++: "touch KEY VALUE" reads KEY and writes VALUE, one GET_STATE
// and one PUT_STATE, the same work as go/main.go and node/server.js.
#include <string>

#include <scc/plugin.hpp>

namespace {

class touch_chaincode {
 public:
  static constexpr bool thread_safe = true;  // no member state

  scc::response invoke(scc::stub& stub) {
    const auto [function, params] = stub.get_function_and_parameters();
    if (function != "touch" || params.size() != 2) return scc::error("expected touch KEY VALUE");
    stub.get_state(params[0]);
    stub.put_state(params[0], params[1]);
    return scc::success();
  }
};

}  // namespace

SCC_PLUGIN(touch_chaincode, "ccaas_bench", "1.0.0");
