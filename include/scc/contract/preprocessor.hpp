// scc/contract/preprocessor.hpp - the macro machinery behind SCC_CONTRACT and SCC_OBJECT.
//
// Two tools, both C++17 preprocessor only (no __VA_OPT__):
//   - a sequence walker for SCC_CONTRACT's `(fn, a, b)(fn2)(fn3, c)`: SCC_DETAIL_SEQ_A and _B
//     consume one parenthesised group each and hand over to each other, and the _END suffix
//     pasted onto the last one ends the walk. The body is fixed, so the walker is specific to
//     transaction lists;
//   - SCC_DETAIL_FOR_EACH(m, a, b, ...) for SCC_OBJECT's member lists, up to 32 members.
#ifndef SCC_CONTRACT_PREPROCESSOR_HPP
#define SCC_CONTRACT_PREPROCESSOR_HPP

#define SCC_DETAIL_EXPAND(...) __VA_ARGS__
// The first element of a non-empty list. Callers append a dummy element so that `...` is never
// empty, which C++17 does not allow.
#define SCC_DETAIL_HEAD(...) SCC_DETAIL_EXPAND(SCC_DETAIL_HEAD_I(__VA_ARGS__))
#define SCC_DETAIL_HEAD_I(first, ...) first

// ---- Transaction sequences: (name, params...)(evaluate name, params...)... ----
// Each group becomes `.add<&contract_type::name, <number of parameter names>, <read-only>>(
// "name, params")`, chained onto a scc::detail::transaction_table; the group's text is parsed at
// run time. A group whose first element is `evaluate name` declares a read-only transaction;
// a transaction that is itself called `evaluate` stays an ordinary one.
#define SCC_DETAIL_TRANSACTION(...) \
  SCC_DETAIL_TRANSACTION_I(SCC_DETAIL_HEAD(__VA_ARGS__, ~), #__VA_ARGS__, __VA_ARGS__)
#define SCC_DETAIL_TRANSACTION_I(head, spelling, ...)                                      \
  .add<&contract_type::SCC_DETAIL_TRANSACTION_NAME(head),                                  \
       ::scc::detail::count_parameter_names(spelling), (SCC_DETAIL_READ_ONLY(head) == 1)>( \
      spelling)

// Detecting the word `evaluate`: pasting a prefix onto the group's head makes a macro name only
// when the head starts with that word (SCC_DETAIL_PROBE_evaluate), and the probe expands to a
// list whose second element is 1; any other head pastes to an unknown name, and the second
// element is the fallback 0.
#define SCC_DETAIL_SECOND(...) SCC_DETAIL_EXPAND(SCC_DETAIL_SECOND_I(__VA_ARGS__, ~, ~))
#define SCC_DETAIL_SECOND_I(first, second, ...) second
#define SCC_DETAIL_PROBE_evaluate ~, 1,
#define SCC_DETAIL_STARTS_WITH_EVALUATE(head) \
  SCC_DETAIL_SECOND(SCC_DETAIL_CONCAT(SCC_DETAIL_PROBE_, head), 0)
// The head without the word: `evaluate balance_of` -> `balance_of`.
#define SCC_DETAIL_STRIP_evaluate
#define SCC_DETAIL_STRIP_EVALUATE(head) SCC_DETAIL_CONCAT(SCC_DETAIL_STRIP_, head)
// 1 for nothing, 0 for a name.
#define SCC_DETAIL_EMPTY_PROBE_ ~, 1,
// Pasted directly: through SCC_DETAIL_CONCAT the probe, being a macro, would expand first.
#define SCC_DETAIL_IS_EMPTY_NAME(x) SCC_DETAIL_IS_EMPTY_NAME_I(x)
#define SCC_DETAIL_IS_EMPTY_NAME_I(x) SCC_DETAIL_SECOND(SCC_DETAIL_EMPTY_PROBE_##x, 0)
#define SCC_DETAIL_NOT(bit) SCC_DETAIL_CONCAT(SCC_DETAIL_NOT_, bit)
#define SCC_DETAIL_NOT_0 1
#define SCC_DETAIL_NOT_1 0
#define SCC_DETAIL_IF(bit) SCC_DETAIL_CONCAT(SCC_DETAIL_IF_, bit)
#define SCC_DETAIL_IF_0(then, otherwise) otherwise
#define SCC_DETAIL_IF_1(then, otherwise) then
// `evaluate name` (a read-only transaction) -> 1; `name`, and `evaluate` alone -> 0.
#define SCC_DETAIL_READ_ONLY(head)                     \
  SCC_DETAIL_IF(SCC_DETAIL_STARTS_WITH_EVALUATE(head)) \
  (SCC_DETAIL_NOT(SCC_DETAIL_IS_EMPTY_NAME(SCC_DETAIL_STRIP_EVALUATE(head))), 0)
#define SCC_DETAIL_TRANSACTION_NAME(head) \
  SCC_DETAIL_IF(SCC_DETAIL_READ_ONLY(head))(SCC_DETAIL_STRIP_EVALUATE(head), head)
#define SCC_DETAIL_SEQ_A(...) SCC_DETAIL_TRANSACTION(__VA_ARGS__) SCC_DETAIL_SEQ_B
#define SCC_DETAIL_SEQ_B(...) SCC_DETAIL_TRANSACTION(__VA_ARGS__) SCC_DETAIL_SEQ_A
#define SCC_DETAIL_SEQ_A_END
#define SCC_DETAIL_SEQ_B_END
#define SCC_DETAIL_SEQ_CLOSE(...) SCC_DETAIL_SEQ_CLOSE_I(__VA_ARGS__)
#define SCC_DETAIL_SEQ_CLOSE_I(...) __VA_ARGS__##_END
#define SCC_DETAIL_TRANSACTIONS(seq) SCC_DETAIL_SEQ_CLOSE(SCC_DETAIL_SEQ_A seq)

// ---- FOR_EACH over up to 32 arguments ----

#define SCC_DETAIL_COUNT(...)                                                                      \
  SCC_DETAIL_EXPAND(SCC_DETAIL_COUNT_I(__VA_ARGS__, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22,    \
                                       21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, \
                                       5, 4, 3, 2, 1, ~))
#define SCC_DETAIL_COUNT_I(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, \
                           _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30,  \
                           _31, _32, count, ...)                                                  \
  count
#define SCC_DETAIL_CONCAT(a, b) SCC_DETAIL_CONCAT_I(a, b)
#define SCC_DETAIL_CONCAT_I(a, b) a##b
#define SCC_DETAIL_FOR_EACH(m, ...) \
  SCC_DETAIL_EXPAND(                \
      SCC_DETAIL_CONCAT(SCC_DETAIL_FE_, SCC_DETAIL_COUNT(__VA_ARGS__))(m, __VA_ARGS__))
#define SCC_DETAIL_FE_1(m, x) m(x)
#define SCC_DETAIL_FE_2(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_1(m, __VA_ARGS__))
#define SCC_DETAIL_FE_3(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_2(m, __VA_ARGS__))
#define SCC_DETAIL_FE_4(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_3(m, __VA_ARGS__))
#define SCC_DETAIL_FE_5(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_4(m, __VA_ARGS__))
#define SCC_DETAIL_FE_6(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_5(m, __VA_ARGS__))
#define SCC_DETAIL_FE_7(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_6(m, __VA_ARGS__))
#define SCC_DETAIL_FE_8(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_7(m, __VA_ARGS__))
#define SCC_DETAIL_FE_9(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_8(m, __VA_ARGS__))
#define SCC_DETAIL_FE_10(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_9(m, __VA_ARGS__))
#define SCC_DETAIL_FE_11(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_10(m, __VA_ARGS__))
#define SCC_DETAIL_FE_12(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_11(m, __VA_ARGS__))
#define SCC_DETAIL_FE_13(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_12(m, __VA_ARGS__))
#define SCC_DETAIL_FE_14(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_13(m, __VA_ARGS__))
#define SCC_DETAIL_FE_15(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_14(m, __VA_ARGS__))
#define SCC_DETAIL_FE_16(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_15(m, __VA_ARGS__))
#define SCC_DETAIL_FE_17(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_16(m, __VA_ARGS__))
#define SCC_DETAIL_FE_18(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_17(m, __VA_ARGS__))
#define SCC_DETAIL_FE_19(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_18(m, __VA_ARGS__))
#define SCC_DETAIL_FE_20(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_19(m, __VA_ARGS__))
#define SCC_DETAIL_FE_21(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_20(m, __VA_ARGS__))
#define SCC_DETAIL_FE_22(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_21(m, __VA_ARGS__))
#define SCC_DETAIL_FE_23(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_22(m, __VA_ARGS__))
#define SCC_DETAIL_FE_24(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_23(m, __VA_ARGS__))
#define SCC_DETAIL_FE_25(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_24(m, __VA_ARGS__))
#define SCC_DETAIL_FE_26(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_25(m, __VA_ARGS__))
#define SCC_DETAIL_FE_27(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_26(m, __VA_ARGS__))
#define SCC_DETAIL_FE_28(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_27(m, __VA_ARGS__))
#define SCC_DETAIL_FE_29(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_28(m, __VA_ARGS__))
#define SCC_DETAIL_FE_30(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_29(m, __VA_ARGS__))
#define SCC_DETAIL_FE_31(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_30(m, __VA_ARGS__))
#define SCC_DETAIL_FE_32(m, x, ...) m(x) SCC_DETAIL_EXPAND(SCC_DETAIL_FE_31(m, __VA_ARGS__))

#endif  // SCC_CONTRACT_PREPROCESSOR_HPP
