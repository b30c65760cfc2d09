// A contracts.md fragment that is a member function of a contract class.
#include <set>
#include <string>
#include <string_view>

#include <scc/contract.hpp>

class doc_contract {
 public:
@SNIPPET@
};
