#include "proposal_decoder.hpp"

#include <openssl/sha.h>

#include "common/common.pb.h"
#include "peer/chaincode.pb.h"
#include "peer/proposal.pb.h"

namespace scc::ccaas {

std::string proposal_binding(std::string_view nonce, std::string_view creator, uint64_t epoch) {
  std::string preimage;
  preimage.reserve(nonce.size() + creator.size() + 8);
  preimage.append(nonce).append(creator);
  for (int byte = 0; byte < 8; ++byte) {
    preimage.push_back(static_cast<char>((epoch >> (8 * byte)) & 0xFFu));
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(preimage.data()), preimage.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

decoded_invocation decode_invocation(const protos::ChaincodeMessage& message) {
  decoded_invocation out;
  protos::ChaincodeInput input;
  if (!input.ParseFromString(message.payload())) {
    throw proposal_error("failed to unmarshal input: the payload is not a protos.ChaincodeInput");
  }
  out.is_init = message.type() == protos::ChaincodeMessage::INIT;
  scc::host::proposal& context = out.context;
  context.args.assign(input.args().begin(), input.args().end());
  for (const auto& [key, value] : input.decorations()) context.decorations.emplace(key, value);
  context.tx_id = message.txid();
  context.channel_id = message.channel_id();
  if (!message.has_proposal()) return out;

  const protos::SignedProposal& signed_proposal = message.proposal();
  context.signed_proposal = signed_proposal.SerializeAsString();
  protos::Proposal proposal;
  if (!proposal.ParseFromString(signed_proposal.proposal_bytes())) {
    throw proposal_error("failed to create new ChaincodeStub: failed to extract Proposal from "
                         "SignedProposal: the proposal bytes are not a protos.Proposal");
  }
  if (proposal.header().empty()) {
    throw proposal_error(
        "failed to create new ChaincodeStub: failed to extract Proposal fields: proposal header is "
        "nil");
  }
  common::Header header;
  if (!header.ParseFromString(proposal.header())) {
    throw proposal_error("failed to create new ChaincodeStub: failed to extract proposal header");
  }
  common::ChannelHeader channel_header;
  if (!channel_header.ParseFromString(header.channel_header())) {
    throw proposal_error("failed to create new ChaincodeStub: failed to extract channel header");
  }
  if (channel_header.type() != common::ENDORSER_TRANSACTION &&
      channel_header.type() != common::CONFIG) {
    throw proposal_error(
        "failed to create new ChaincodeStub: invalid channel header type. Expected "
        "ENDORSER_TRANSACTION or CONFIG, received " +
        std::to_string(channel_header.type()));
  }
  common::SignatureHeader signature_header;
  if (!signature_header.ParseFromString(header.signature_header())) {
    throw proposal_error("failed to create new ChaincodeStub: failed to extract signature header");
  }
  protos::ChaincodeProposalPayload payload;
  if (!payload.ParseFromString(proposal.payload())) {
    throw proposal_error("failed to create new ChaincodeStub: failed to extract proposal payload");
  }
  context.creator = signature_header.creator();
  for (const auto& [key, value] : payload.transientmap()) context.transient.emplace(key, value);
  context.binding =
      proposal_binding(signature_header.nonce(), signature_header.creator(), channel_header.epoch());
  context.timestamp.seconds = channel_header.timestamp().seconds();
  context.timestamp.nanos = channel_header.timestamp().nanos();
  return out;
}

}  // namespace scc::ccaas
