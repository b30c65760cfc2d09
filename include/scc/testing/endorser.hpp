// scc/testing/endorser.hpp - deprecated: the ledger engine moved to <scc/ledger/endorser.hpp>, namespace
// scc::ledger, because scc-peer runs on it too. Kept for one release; tests include
// <scc/testing.hpp>, which brings the names a test uses into scc::testing.
#ifndef SCC_TESTING_ENDORSER_HPP
#define SCC_TESTING_ENDORSER_HPP

#pragma GCC warning "scc/testing/endorser.hpp is deprecated: include <scc/ledger/endorser.hpp> (namespace scc::ledger)"

#include "scc/ledger/endorser.hpp"

namespace scc::testing {
using namespace scc::ledger;
}  // namespace scc::testing

#endif  // SCC_TESTING_ENDORSER_HPP
