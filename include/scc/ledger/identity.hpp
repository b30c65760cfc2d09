// scc/ledger/identity.hpp - the creator of a transaction, and the transaction id Fabric derives
// from it.
#ifndef SCC_LEDGER_IDENTITY_HPP
#define SCC_LEDGER_IDENTITY_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "scc/detail/hex.hpp"
#include "scc/ledger/detail/sha256.hpp"

namespace scc::ledger {

// An msp.SerializedIdentity: the MSP id and the PEM certificate of the submitting client.
struct identity {
  std::string msp_id = "SampleOrg";
  std::string certificate;
};

namespace detail {

inline void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// A length-delimited protobuf field (wire type 2).
inline void append_bytes_field(std::string& out, uint32_t field_number, std::string_view bytes) {
  append_varint(out, (uint64_t{field_number} << 3) | 2);
  append_varint(out, bytes.size());
  out.append(bytes);
}

}  // namespace detail

// The bytes GetCreator returns: msp.SerializedIdentity{mspid = 1, id_bytes = 2}, with proto3's
// rule that empty fields are not written.
inline std::string serialize_identity(const identity& who) {
  std::string out;
  if (!who.msp_id.empty()) detail::append_bytes_field(out, 1, who.msp_id);
  if (!who.certificate.empty()) detail::append_bytes_field(out, 2, who.certificate);
  return out;
}

// hex(SHA-256(nonce || creator)): the only transaction id a peer accepts for a proposal
// (protoutil.ComputeTxID).
inline std::string compute_tx_id(std::string_view nonce, std::string_view creator) {
  return scc::detail::to_hex(detail::sha256().update(nonce).update(creator).digest());
}

// Fabric's proposal binding (protoutil.ComputeProposalBinding): SHA-256(nonce || creator ||
// epoch as 8 bytes little-endian). What GetBinding returns; the epoch is always 0 today.
inline std::string compute_binding(std::string_view nonce, std::string_view creator,
                                   uint64_t epoch = 0) {
  char epoch_bytes[8];
  for (int i = 0; i < 8; ++i) epoch_bytes[i] = static_cast<char>((epoch >> (8 * i)) & 0xFF);
  return detail::sha256()
      .update(nonce)
      .update(creator)
      .update(std::string_view(epoch_bytes, sizeof epoch_bytes))
      .digest();
}

// SHA-256 of a private value: what GetPrivateDataHash returns and other peers see.
inline std::string private_data_hash(std::string_view value) {
  return detail::sha256().update(value).digest();
}

}  // namespace scc::ledger

#endif  // SCC_LEDGER_IDENTITY_HPP
