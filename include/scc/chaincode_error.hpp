// scc/chaincode_error.hpp - how the stub reports a failure the host or the shim rules report.
#ifndef SCC_CHAINCODE_ERROR_HPP
#define SCC_CHAINCODE_ERROR_HPP

#include <stdexcept>
#include <string>

#include "scc/abi.h"

namespace scc {

// Thrown by scc::stub when an operation fails: a bad key, a call the host does not support,
// a ledger error. what() carries Fabric's own message text where Fabric has one, so a plugin
// that returns scc::error(e.what()) answers exactly as a Go chaincode would.
class chaincode_error : public std::runtime_error {
 public:
  explicit chaincode_error(const std::string& message,
                           scc_type_status status = SCC_STATUS_INVALID_ARGUMENT)
      : std::runtime_error(message), status_(status) {}

  // The ABI status behind the failure (SCC_STATUS_*).
  scc_type_status status() const noexcept { return status_; }

 private:
  scc_type_status status_;
};

}  // namespace scc

#endif  // SCC_CHAINCODE_ERROR_HPP
