// proposal_decoder.hpp - what a chaincode learns from INIT/TRANSACTION: the arguments in its
// payload and, from the attached SignedProposal, creator, transient map, binding and timestamp.
#ifndef SCC_CCAAS_PROPOSAL_DECODER_HPP
#define SCC_CCAAS_PROPOSAL_DECODER_HPP

#include <stdexcept>
#include <string>
#include <string_view>

#include <scc/host/transaction.hpp>

#include "peer/chaincode_shim.pb.h"

namespace scc::ccaas {

// The message cannot be run; what() is the text sent back to the peer in an ERROR.
class proposal_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct decoded_invocation {
  scc::host::proposal context;
  bool is_init = false;
};

// Decodes an INIT or TRANSACTION message as Fabric's shims do: a missing proposal leaves creator,
// transient, binding, timestamp and signed proposal empty; a malformed one is refused.
decoded_invocation decode_invocation(const protos::ChaincodeMessage& message);

// SHA-256(nonce || creator || epoch as 8 bytes little-endian): Fabric's proposal binding.
std::string proposal_binding(std::string_view nonce, std::string_view creator, uint64_t epoch);

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_PROPOSAL_DECODER_HPP
