// scc/testing.hpp - the stub ledger and test harness: unit-test plugins with a real peer's
// semantics and no peer. See docs/testing.md.
#ifndef SCC_TESTING_HPP
#define SCC_TESTING_HPP

#include "scc/testing/block.hpp"
#include "scc/testing/endorser.hpp"
#include "scc/testing/harness.hpp"
#include "scc/testing/identity.hpp"
#include "scc/testing/ledger.hpp"
#include "scc/testing/rwset.hpp"
#include "scc/testing/simulation.hpp"
#include "scc/testing/validation_code.hpp"
#include "scc/testing/world_state.hpp"

#endif  // SCC_TESTING_HPP
