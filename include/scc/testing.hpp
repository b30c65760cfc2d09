// scc/testing.hpp - the stub ledger and test harness: unit-test plugins with a real peer's
// semantics and no peer. See docs/testing.md.
#ifndef SCC_TESTING_HPP
#define SCC_TESTING_HPP

#include "scc/testing/harness.hpp"

#endif  // SCC_TESTING_HPP
