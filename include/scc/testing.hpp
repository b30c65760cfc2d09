// scc/testing.hpp - the stub ledger and test harness: unit-test plugins with a real peer's
// semantics and no peer. See docs/testing.md.
//
// Header-only by default. With SCC_TESTING_SEPARATE_COMPILATION defined, this header declares
// the harness only and one test file, which also defines SCC_TESTING_IMPLEMENTATION, compiles
// its definitions for the whole test program (see scc/testing/harness-inl.hpp).
#ifndef SCC_TESTING_HPP
#define SCC_TESTING_HPP

#include "scc/testing/harness.hpp"

#endif  // SCC_TESTING_HPP
