// scc/contract/client_identity.hpp - who submitted the transaction: the MSP id and certificate
// in the creator's msp.SerializedIdentity.
//
// System chaincodes are not covered by the channel's Writers ACL (the endorser skips it for
// them), so this is what a contract has to decide access with. The two fields are read by hand,
// with no protobuf library: msp.SerializedIdentity{string mspid = 1; bytes id_bytes = 2}.
#ifndef SCC_CONTRACT_CLIENT_IDENTITY_HPP
#define SCC_CONTRACT_CLIENT_IDENTITY_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scc/chaincode_error.hpp"

namespace scc {

class client_identity {
 public:
  // Parses a serialized msp.SerializedIdentity (what stub.get_creator() returns). Throws
  // scc::chaincode_error when the bytes are not one.
  explicit client_identity(std::string_view serialized_identity);

  // The MSP the creator belongs to, e.g. "Org1MSP". Fabric has already checked that the
  // certificate was issued by this MSP and signed the proposal.
  const std::string& msp_id() const noexcept { return msp_id_; }
  // id_bytes: for X.509 MSPs the creator's PEM certificate, byte for byte.
  const std::string& certificate() const noexcept { return certificate_; }

 private:
  std::string msp_id_;
  std::string certificate_;
};

namespace detail {

// Reads protobuf wire format, failing with a message that says where the bytes went wrong.
class protobuf_reader {
 public:
  explicit protobuf_reader(std::string_view bytes) : bytes_(bytes) {}

  bool done() const noexcept { return position_ == bytes_.size(); }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) fail("a varint is cut short");
      const auto byte = static_cast<unsigned char>(bytes_[position_++]);
      value |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    fail("a varint is longer than 10 bytes");
  }

  std::string_view length_delimited() {
    const uint64_t length = varint();
    if (length > bytes_.size() - position_) fail("a field is longer than the bytes left");
    const std::string_view field = bytes_.substr(position_, static_cast<std::size_t>(length));
    position_ += static_cast<std::size_t>(length);
    return field;
  }

  // Steps over a field this reader does not need, as protobuf parsers must.
  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case 0:
        varint();
        return;
      case 1:
        skip_bytes(8);
        return;
      case 2:
        length_delimited();
        return;
      case 5:
        skip_bytes(4);
        return;
      default:
        fail("unsupported wire type " + std::to_string(wire_type));
    }
  }

  [[noreturn]] void fail(const std::string& reason) const {
    throw chaincode_error("the creator is not a serialized msp.SerializedIdentity: " + reason +
                          " (at byte " + std::to_string(position_) + " of " +
                          std::to_string(bytes_.size()) + ")");
  }

 private:
  void skip_bytes(std::size_t count) {
    if (count > bytes_.size() - position_) fail("a fixed-size field is cut short");
    position_ += count;
  }

  std::string_view bytes_;
  std::size_t position_ = 0;
};

}  // namespace detail

inline client_identity::client_identity(std::string_view serialized_identity) {
  detail::protobuf_reader reader(serialized_identity);
  while (!reader.done()) {
    const uint64_t tag = reader.varint();
    const uint64_t field = tag >> 3;
    const auto wire_type = static_cast<uint32_t>(tag & 0x7);
    if (field == 0) reader.fail("field number 0");
    if (field == 1 || field == 2) {
      if (wire_type != 2) {
        reader.fail(std::string(field == 1 ? "mspid" : "id_bytes") + " has wire type " +
                    std::to_string(wire_type) + " instead of 2 (length-delimited)");
      }
      // A repeated occurrence of a singular field replaces the earlier one, as in protobuf.
      (field == 1 ? msp_id_ : certificate_) = std::string(reader.length_delimited());
    } else {
      reader.skip(wire_type);
    }
  }
}

}  // namespace scc

#endif  // SCC_CONTRACT_CLIENT_IDENTITY_HPP
