// scc/ledger/options.hpp - the settings of the ledger, its simulations and its chaincodes, apart
// from the engine, so that code which only configures it (a test's harness) stays light.
#ifndef SCC_LEDGER_OPTIONS_HPP
#define SCC_LEDGER_OPTIONS_HPP

#include <cstdint>

namespace scc::ledger {

// Settings Fabric takes from core.yaml (ledger.state.totalQueryLimit).
struct ledger_options {
  // Most rows one range query returns; larger results are cut silently, as Fabric does.
  int32_t total_query_limit = 100000;
};

struct simulation_options {
  // MockStub compatibility: reads see this transaction's own writes. Never what a peer does;
  // for porting tests written against Go's MockStub only.
  bool read_your_writes = false;
};

// Fabric 1.x's chaincode.systemPlugins flags.
struct chaincode_options {
  // May a client proposal name this chaincode?
  bool invokable_external = true;
  // May another chaincode call it through InvokeChaincode?
  bool invokable_cc2cc = true;
};

}  // namespace scc::ledger

#endif  // SCC_LEDGER_OPTIONS_HPP
