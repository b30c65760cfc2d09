// scc/testing/validation_code.hpp - deprecated: the ledger engine moved to <scc/ledger/validation_code.hpp>, namespace
// scc::ledger, because scc-peer runs on it too. Kept for one release; tests include
// <scc/testing.hpp>, which brings the names a test uses into scc::testing.
#ifndef SCC_TESTING_VALIDATION_CODE_HPP
#define SCC_TESTING_VALIDATION_CODE_HPP

#pragma GCC warning "scc/testing/validation_code.hpp is deprecated: include <scc/ledger/validation_code.hpp> (namespace scc::ledger)"

#include "scc/ledger/validation_code.hpp"

namespace scc::testing {
using namespace scc::ledger;
}  // namespace scc::testing

#endif  // SCC_TESTING_VALIDATION_CODE_HPP
