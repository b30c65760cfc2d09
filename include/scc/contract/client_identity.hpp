// scc/contract/client_identity.hpp - who submitted the transaction: the MSP id and certificate
// in the creator's msp.SerializedIdentity.
//
// System chaincodes are not covered by the channel's Writers ACL (the endorser skips it for
// them), so this is what a contract has to decide access with. The two fields are read by hand,
// with no protobuf library: msp.SerializedIdentity{string mspid = 1; bytes id_bytes = 2}.
//
// For X.509 creators it also offers Fabric's cid functions (fabric-chaincode-go pkg/cid): the
// id, the subject and issuer as Go prints them, OU values and Fabric CA attributes. The
// certificate is read with OpenSSL's libcrypto (detail/x509_certificate.hpp), so plugins that use
// contracts link libcrypto; it is read when one of those is first called, so contracts that only
// need msp_id() pay nothing for it.
#ifndef SCC_CONTRACT_CLIENT_IDENTITY_HPP
#define SCC_CONTRACT_CLIENT_IDENTITY_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/chaincode_error.hpp"
#include "scc/contract/detail/fabric_ca_attributes.hpp"
#include "scc/contract/detail/go_pkix_name.hpp"
#include "scc/contract/detail/x509_certificate.hpp"

namespace scc {
inline namespace contract {

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

  // The functions below read certificate() as an X.509 certificate. They throw
  // scc::chaincode_error when it is not one: "cannot determine identity: ..." when id_bytes
  // holds no PEM block (an Idemix creator), "failed to parse certificate: ..." when the PEM
  // holds bad DER.

  // What Fabric's Go cid.GetID() returns: base64 (standard, padded) of
  // "x509::" + subject() + "::" + issuer(). It stays the same when the certificate is renewed.
  std::string id() const { return detail::x509::base64_encode(decoded_id()); }
  // The same id before base64, "x509::CN=User1@org1.example.com,OU=client,...::CN=ca.org1...,"
  // (what fabric-chaincode-node's ClientIdentity.getID() returns).
  std::string decoded_id() const { return "x509::" + subject() + "::" + issuer(); }
  // The certificate's subject and issuer exactly as Go's pkix.Name.String() prints them
  // (Fabric's cid.GetID uses this form): standard attributes in the order CN, SERIALNUMBER, OU,
  // O, POSTALCODE, STREET, L, ST, C with repeated ones joined by '+', then any other attribute
  // as OID=#hex of its DER; ',', '+', '"', '\\', '<', '>', ';', a leading '#' and leading or
  // trailing spaces escaped with a backslash.
  std::string subject() const { return parsed().subject; }
  std::string issuer() const { return parsed().issuer; }
  // cid.HasOUValue: whether one of the subject's OU values equals ou.
  bool has_ou_value(std::string_view ou) const {
    for (const std::string& value : parsed().organizational_units) {
      if (value == ou) return true;
    }
    return false;
  }

  // cid.GetAttributeValue: the value of a Fabric CA attribute (extension 1.2.3.4.5.6.7.8.1, JSON
  // {"attrs":{"name":"value",...}}), or nullopt when the certificate has no such attribute or
  // no such extension. Throws when the extension is not that JSON.
  std::optional<std::string> attribute_value(std::string_view name) const {
    const auto& attributes = parsed_attributes();
    const auto found = attributes.find(std::string(name));
    if (found == attributes.end()) return std::nullopt;
    return found->second;
  }

  // cid.AssertAttributeValue: throws scc::chaincode_error "attribute 'NAME' was not found" or
  // "attribute 'NAME' equals 'ACTUAL', not 'VALUE'", as Fabric words them.
  void assert_attribute_value(std::string_view name, std::string_view value) const {
    const std::optional<std::string> actual = attribute_value(name);
    if (!actual) throw chaincode_error("attribute '" + std::string(name) + "' was not found");
    if (*actual != value) {
      throw chaincode_error("attribute '" + std::string(name) + "' equals '" + *actual +
                            "', not '" + std::string(value) + "'");
    }
  }

 private:
  struct x509_fields {
    std::string subject;
    std::string issuer;
    std::vector<std::string> organizational_units;
    std::optional<std::string> attributes_extension;  // the extension's JSON, when present
    std::optional<std::map<std::string, std::string>> attributes;  // read on first use
  };

  // Reads the certificate once; a failure is thrown again on every call. Like the rest of a
  // transaction's context, not meant to be shared between threads.
  x509_fields& parsed() const;
  const std::map<std::string, std::string>& parsed_attributes() const;

  std::string msp_id_;
  std::string certificate_;
  mutable std::shared_ptr<x509_fields> x509_;
};

}  // namespace contract

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

inline client_identity::x509_fields& client_identity::parsed() const {
  if (x509_) return *x509_;
  const std::optional<std::string> der = [&] {
    try {
      return detail::x509::pem_block(certificate_);
    } catch (const detail::x509::x509_error& e) {
      throw chaincode_error("failed to parse certificate: the PEM block is not valid: " +
                            std::string(e.what()));
    }
  }();
  if (!der) {
    throw chaincode_error(
        "cannot determine identity: the creator's id_bytes holds no PEM certificate (" +
        std::to_string(certificate_.size()) +
        " bytes; an Idemix identity has no X.509 certificate and is not supported)");
  }
  auto fields = std::make_shared<x509_fields>();
  try {
    const detail::x509::certificate cert = detail::x509::read_certificate(*der);
    fields->subject = detail::x509::go_name_string(cert.subject);
    fields->issuer = detail::x509::go_name_string(cert.issuer);
    for (const auto& rdn : cert.subject) {
      for (const detail::x509::attribute& a : rdn) {
        if (a.oid == "2.5.4.11") fields->organizational_units.push_back(a.value);
      }
    }
    fields->attributes_extension = cert.attributes_extension;
  } catch (const detail::x509::x509_error& e) {
    throw chaincode_error("failed to parse certificate: x509: " + std::string(e.what()));
  }
  x509_ = std::move(fields);
  return *x509_;
}

inline const std::map<std::string, std::string>& client_identity::parsed_attributes() const {
  x509_fields& fields = parsed();
  if (!fields.attributes) {
    if (!fields.attributes_extension) {
      fields.attributes.emplace();
    } else {
      try {
        fields.attributes = detail::x509::attributes_json(*fields.attributes_extension).read();
      } catch (const detail::x509::x509_error& e) {
        throw chaincode_error(
            "failed to get attributes from the transaction invoker's certificate: Failed to "
            "unmarshal attributes from certificate: " +
            std::string(e.what()));
      }
    }
  }
  return *fields.attributes;
}

}  // namespace scc

#endif  // SCC_CONTRACT_CLIENT_IDENTITY_HPP
