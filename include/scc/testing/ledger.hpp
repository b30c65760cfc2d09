// scc/testing/ledger.hpp - deprecated: the ledger engine moved to <scc/ledger/ledger.hpp>, namespace
// scc::ledger, because scc-peer runs on it too. Kept for one release; tests include
// <scc/testing.hpp>, which brings the names a test uses into scc::testing.
#ifndef SCC_TESTING_LEDGER_HPP
#define SCC_TESTING_LEDGER_HPP

#pragma GCC warning "scc/testing/ledger.hpp is deprecated: include <scc/ledger/ledger.hpp> (namespace scc::ledger)"

#include "scc/ledger/ledger.hpp"

namespace scc::testing {
using namespace scc::ledger;
using ledger [[deprecated("use scc::ledger::peer_ledger")]] = scc::ledger::peer_ledger;
}  // namespace scc::testing

#endif  // SCC_TESTING_LEDGER_HPP
