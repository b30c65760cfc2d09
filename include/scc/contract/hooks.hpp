// scc/contract/hooks.hpp - the optional members of a contract class, found at compile time.
//
//   void before_transaction(scc::context&);          after the arguments converted, before the
//                                                    transaction; throw to refuse it
//   void after_transaction(scc::context&, const scc::response&);   or (scc::context&): after a
//                                                    transaction that returned
//   R unknown_transaction(scc::context&);            for a name the contract does not have,
//                                                    instead of the 500 listing the names
//   R init(scc::context&);                           the peer's init; without it, init succeeds
//   static constexpr bool thread_safe = true;        lets the host run transactions concurrently
//
// R is any return type a transaction may have.
#ifndef SCC_CONTRACT_HOOKS_HPP
#define SCC_CONTRACT_HOOKS_HPP

#include <type_traits>
#include <utility>

#include "scc/contract/context.hpp"
#include "scc/response.hpp"

namespace scc::detail {

template <class C, class = void>
struct has_before_transaction : std::false_type {};
template <class C>
struct has_before_transaction<
    C, std::void_t<decltype(std::declval<C&>().before_transaction(std::declval<context&>()))>>
    : std::true_type {};

template <class C, class = void>
struct has_after_transaction_with_result : std::false_type {};
template <class C>
struct has_after_transaction_with_result<
    C, std::void_t<decltype(std::declval<C&>().after_transaction(
           std::declval<context&>(), std::declval<const response&>()))>> : std::true_type {};

template <class C, class = void>
struct has_after_transaction : std::false_type {};
template <class C>
struct has_after_transaction<
    C, std::void_t<decltype(std::declval<C&>().after_transaction(std::declval<context&>()))>>
    : std::true_type {};

template <class C, class = void>
struct has_unknown_transaction : std::false_type {};
template <class C>
struct has_unknown_transaction<
    C, std::void_t<decltype(std::declval<C&>().unknown_transaction(std::declval<context&>()))>>
    : std::true_type {};

template <class C, class = void>
struct has_contract_init : std::false_type {};
template <class C>
struct has_contract_init<C,
                         std::void_t<decltype(std::declval<C&>().init(std::declval<context&>()))>>
    : std::true_type {};

template <class C>
void run_before_transaction(C& contract, context& ctx) {
  if constexpr (has_before_transaction<C>::value) contract.before_transaction(ctx);
}

template <class C>
void run_after_transaction(C& contract, context& ctx, const response& answer) {
  if constexpr (has_after_transaction_with_result<C>::value) {
    contract.after_transaction(ctx, answer);
  } else if constexpr (has_after_transaction<C>::value) {
    contract.after_transaction(ctx);
  }
}

}  // namespace scc::detail

#endif  // SCC_CONTRACT_HOOKS_HPP
