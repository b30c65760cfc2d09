// scc/contract/errors.hpp - the exceptions the contract layer gives a meaning to.
//
// Any exception that leaves a transaction function becomes a 500 response whose message is
// "<transaction>: <what()>". These two add something to that rule.
#ifndef SCC_CONTRACT_ERRORS_HPP
#define SCC_CONTRACT_ERRORS_HPP

#include <cstdint>
#include <stdexcept>
#include <string>

#include "scc/response.hpp"

namespace scc {
inline namespace contract {

// A transaction argument that cannot be converted to its parameter's type. Thrown by the type
// conversions (and usable from a user type's from_json); what() says what was wrong with the
// value, and the dispatcher adds which argument it was.
class argument_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Fails the transaction with a chosen status instead of 500: 404 for something missing, 403
// for a caller without the right, 409 for a conflict. Statuses below 400 would endorse a failed
// transaction, so they are answered as 500.
class transaction_error : public std::runtime_error {
 public:
  transaction_error(int32_t status, const std::string& message)
      : std::runtime_error(message),
        status_(status < status::error_threshold ? status::error : status) {}

  int32_t status() const noexcept { return status_; }

 private:
  int32_t status_;
};

}  // namespace contract
}  // namespace scc

#endif  // SCC_CONTRACT_ERRORS_HPP
