// A contracts.md fragment that sits at namespace scope of a contract's source file.
#include <cstdint>
#include <optional>
#include <string>

#include <scc/contract.hpp>

@SNIPPET@
