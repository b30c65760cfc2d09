// scc/ledger/validation_code.hpp - the validation codes a committing peer gives a transaction.
#ifndef SCC_LEDGER_VALIDATION_CODE_HPP
#define SCC_LEDGER_VALIDATION_CODE_HPP

#include <cstdint>
#include <string_view>

namespace scc::ledger {

// peer.TxValidationCode (fabric-protos peer/transaction.proto), the codes the stub ledger can
// give. not_validated marks a transaction that never reached a block: a query, a proposal the
// endorser refused, or a response with status >= 400.
enum class validation_code : int32_t {
  valid = 0,
  duplicate_txid = 9,
  endorsement_policy_failure = 10,
  mvcc_read_conflict = 11,
  phantom_read_conflict = 12,
  illegal_writeset = 23,
  not_validated = 254,
  invalid_other_reason = 255,
};

// Fabric's name for the code: "VALID", "MVCC_READ_CONFLICT", ...
constexpr std::string_view name(validation_code code) noexcept {
  switch (code) {
    case validation_code::valid:
      return "VALID";
    case validation_code::duplicate_txid:
      return "DUPLICATE_TXID";
    case validation_code::endorsement_policy_failure:
      return "ENDORSEMENT_POLICY_FAILURE";
    case validation_code::mvcc_read_conflict:
      return "MVCC_READ_CONFLICT";
    case validation_code::phantom_read_conflict:
      return "PHANTOM_READ_CONFLICT";
    case validation_code::illegal_writeset:
      return "ILLEGAL_WRITESET";
    case validation_code::not_validated:
      return "NOT_VALIDATED";
    case validation_code::invalid_other_reason:
      return "INVALID_OTHER_REASON";
  }
  return "INVALID_OTHER_REASON";
}

}  // namespace scc::ledger

#endif  // SCC_LEDGER_VALIDATION_CODE_HPP
