// scc/contract/context.hpp - what a transaction function gets first: the stub, the name of the
// transaction being run and the identity of the client that submitted it.
#ifndef SCC_CONTRACT_CONTEXT_HPP
#define SCC_CONTRACT_CONTEXT_HPP

#include <optional>
#include <string_view>

#include "scc/contract/client_identity.hpp"
#include "scc/stub.hpp"

namespace scc {
inline namespace contract {

class context {
 public:
  context(scc::stub& stub, std::string_view transaction_name) noexcept
      : stub_(stub), transaction_name_(transaction_name) {}
  context(const context&) = delete;
  context& operator=(const context&) = delete;

  // The full chaincode stub: state, queries, private data, events, invoke_chaincode.
  scc::stub& stub() noexcept { return stub_; }

  // The transaction being run, as the client named it without a "contract:" prefix, so that
  // before_transaction / after_transaction hooks can tell transactions apart. "init" during init.
  std::string_view transaction_name() const noexcept { return transaction_name_; }

  // The submitting client: its MSP id and certificate, parsed from stub().get_creator() on first
  // use. System chaincodes skip the channel's ACLs: check this yourself before any write.
  const scc::client_identity& client_identity() {
    if (!identity_) identity_.emplace(stub_.get_creator());
    return *identity_;
  }

 private:
  scc::stub& stub_;
  std::string_view transaction_name_;
  std::optional<scc::client_identity> identity_;
};

}  // namespace contract
}  // namespace scc

#endif  // SCC_CONTRACT_CONTEXT_HPP
