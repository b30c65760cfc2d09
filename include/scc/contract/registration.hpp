// scc/contract/registration.hpp - SCC_CONTRACT, the one macro that turns a contract class into
// a plugin, and SCC_DEFINE_CONTRACT, its half that exports nothing.
//
//   SCC_CONTRACT(token, "tokenscc", "1.0.0",
//                (mint, amount)(transfer, to, amount)(evaluate balance_of, account)
//                (evaluate total_supply));
//
// Each group names a member function of the class, then its parameters in order (for messages
// and the metadata; name all or none). `evaluate` before the name, as in
// (evaluate balance_of, account), declares a read-only transaction: the metadata tags it
// evaluateTx, and a write from it fails it. The version is optional ("0.0.0"). Use it once per
// library at global namespace scope, with string literals.
#ifndef SCC_CONTRACT_REGISTRATION_HPP
#define SCC_CONTRACT_REGISTRATION_HPP

#include "scc/contract/contract_plugin.hpp"
#include "scc/contract/preprocessor.hpp"
#include "scc/contract/transaction.hpp"
#include "scc/plugin.hpp"

// Registers the contract and exports scc_plugin_entry_v1 for it, exactly as SCC_PLUGIN does
// for scc::contract_plugin<cls>.
#define SCC_CONTRACT(...)                                                         \
  SCC_DETAIL_EXPAND(SCC_DETAIL_CONTRACT_SELECT(__VA_ARGS__, SCC_DETAIL_CONTRACT4, \
                                               SCC_DETAIL_CONTRACT3, ~)(__VA_ARGS__))

// Registers the contract without exporting anything: for unit tests that run it in-process
// (scc::describe_contract<cls>()) and for test binaries that hold several contracts.
#define SCC_DEFINE_CONTRACT(...)                                                         \
  SCC_DETAIL_EXPAND(SCC_DETAIL_CONTRACT_SELECT(__VA_ARGS__, SCC_DETAIL_DEFINE_CONTRACT4, \
                                               SCC_DETAIL_DEFINE_CONTRACT3, ~)(__VA_ARGS__))

#define SCC_DETAIL_CONTRACT_SELECT(_1, _2, _3, _4, chosen, ...) chosen

#define SCC_DETAIL_CONTRACT3(cls, contract_name, transaction_list) \
  SCC_DETAIL_CONTRACT4(cls, contract_name, "0.0.0", transaction_list)
#define SCC_DETAIL_CONTRACT4(cls, contract_name, contract_version, transaction_list)   \
  SCC_DETAIL_DEFINE_CONTRACT4(cls, contract_name, contract_version, transaction_list); \
  SCC_PLUGIN(::scc::contract_plugin<cls>, contract_name, contract_version)

#define SCC_DETAIL_DEFINE_CONTRACT3(cls, contract_name, transaction_list) \
  SCC_DETAIL_DEFINE_CONTRACT4(cls, contract_name, "0.0.0", transaction_list)
#define SCC_DETAIL_DEFINE_CONTRACT4(cls, contract_name, contract_version, transaction_list)     \
  template <>                                                                                   \
  struct scc::contract_definition<cls> {                                                        \
    using contract_type = cls;                                                                  \
    static constexpr const char* name = contract_name;                                          \
    static constexpr const char* version = contract_version;                                    \
    static ::scc::detail::transaction_table<cls> transactions() {                               \
      return ::scc::detail::transaction_table<cls>() SCC_DETAIL_TRANSACTIONS(transaction_list); \
    }                                                                                           \
  }

#endif  // SCC_CONTRACT_REGISTRATION_HPP
