// scc/contract.hpp - typed contracts: a plain class's member functions become transactions.
//
//   #include <scc/contract.hpp>
//
//   class token {
//    public:
//     void transfer(scc::context& ctx, const std::string& to, uint64_t amount);
//     uint64_t balance_of(scc::context& ctx, const std::string& account);
//   };
//   SCC_CONTRACT(token, "tokenscc", "1.0.0", (transfer, to, amount)(balance_of, account));
//
// The first argument of an invoke names the transaction, the others are converted to the
// function's parameter types; the result becomes the payload. GetMetadata, hooks, identity and
// the type mapping are described in docs/contracts.md.
//
// The contract layer's names live in scc::contract, the namespace of its folder. It is an inline
// namespace, so scc::context and scc::contract::context are the same class; its internals are
// in scc::detail, as the rest of scc's are.
//
// Unlike scc/plugin.hpp, this header needs nlohmann/json (Debian: nlohmann-json3-dev).
#ifndef SCC_CONTRACT_HPP
#define SCC_CONTRACT_HPP

#include "scc/contract/client_identity.hpp"
#include "scc/contract/codec.hpp"
#include "scc/contract/context.hpp"
#include "scc/contract/contract_plugin.hpp"
#include "scc/contract/errors.hpp"
#include "scc/contract/hooks.hpp"
#include "scc/contract/metadata.hpp"
#include "scc/contract/object.hpp"
#include "scc/contract/registration.hpp"
#include "scc/contract/schema_registry.hpp"
#include "scc/contract/transaction.hpp"
#include "scc/plugin.hpp"

#endif  // SCC_CONTRACT_HPP
