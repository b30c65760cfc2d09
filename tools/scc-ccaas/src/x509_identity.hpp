// x509_identity.hpp - Fabric's client identity functions (fabric-chaincode-go pkg/cid) on the
// creator of a proposal: the MSP id, the certificate's subject and issuer as Go's
// pkix.Name.String() prints them, the id "x509::<subject>::<issuer>", and the attributes
// Fabric CA writes into extension 1.2.3.4.5.6.7.8.1 as JSON {"attrs":{...}}.
//
// Host-side only (OpenSSL): a plugin's scc::client_identity cannot use it directly; this is the
// reference the author-facing header is checked against.
#ifndef SCC_CCAAS_X509_IDENTITY_HPP
#define SCC_CCAAS_X509_IDENTITY_HPP

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scc::ccaas {

class identity_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct x509_identity {
  std::string msp_id;
  std::string subject;  // e.g. "CN=User1@org1.example.com,OU=client,L=San Francisco,ST=California,C=US"
  std::string issuer;
  std::map<std::string, std::string> attributes;

  // What cid's GetID() encodes: Go returns it base64-encoded (id_base64), Node's
  // ClientIdentity returns the text itself.
  std::string id() const { return "x509::" + subject + "::" + issuer; }
  std::string id_base64() const;
  std::optional<std::string> attribute_value(const std::string& name) const;
};

// Parses a serialized msp.SerializedIdentity whose id_bytes is a PEM certificate. Throws
// identity_error saying what is wrong.
x509_identity parse_x509_creator(std::string_view serialized_identity);

// The OID of Fabric CA's attribute extension.
inline constexpr const char* fabric_attributes_oid = "1.2.3.4.5.6.7.8.1";

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_X509_IDENTITY_HPP
