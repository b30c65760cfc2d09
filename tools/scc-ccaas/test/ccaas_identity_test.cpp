// The contract layer's client_identity (Fabric's cid functions) on creators as scc-ccaas
// receives them, with certificates made at test time by the openssl command as a CA would:
// id() in Go's x509::<subject>::<issuer> form, msp_id(), attributes from Fabric CA's extension
// 1.2.3.4.5.6.7.8.1.
#include "peer_driver.hpp"
#include "test_certificates.hpp"
#include <doctest/doctest.h>

#include <scc/chaincode_error.hpp>
#include <scc/contract/client_identity.hpp>

using namespace ccaas_test;
using scc::contract::client_identity;

namespace {

std::string hex_of(const std::string& text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xF]);
  }
  return out;
}

client_identity identity_of(const std::string& msp, const certificate_files& files) {
  return client_identity(
      scc::ccaas::driver::peer_driver::serialized_identity(msp, read_file(files.cert)));
}

}  // namespace

TEST_CASE("id() is x509::<subject>::<issuer> in Go's pkix.Name order, msp_id() the MSP") {
  temporary_folder folder;
  test_pki org1(folder, "org1");
  const certificate_files user = org1.issue(
      "user1", "/C=US/ST=California/L=San Francisco/OU=client/CN=User1@org1.example.com");
  const client_identity identity = identity_of("Org1MSP", user);
  CHECK(identity.msp_id() == "Org1MSP");
  CHECK(identity.subject() ==
        "CN=User1@org1.example.com,OU=client,L=San Francisco,ST=California,C=US");
  CHECK(identity.issuer() == "CN=ca.org1,O=org1,C=US");
  CHECK(identity.decoded_id() ==
        "x509::CN=User1@org1.example.com,OU=client,L=San Francisco,ST=California,C=US::"
        "CN=ca.org1,O=org1,C=US");
  // What Go's cid.GetID() returns: the same text, base64-encoded.
  CHECK(identity.id().rfind("eDUwOTo6Q049VXNlcjFAb3JnMS5leGFtcGxlLmNvbSxPVT1jbGllbnQs", 0) == 0);
  CHECK_FALSE(identity.attribute_value("role").has_value());
}

// Expected texts checked against Go 1.19's crypto/x509 (Subject.String()) on the same certificates.
TEST_CASE("Go's escaping, multi-valued attributes and attributes outside pkix.Name") {
  temporary_folder folder;
  test_pki org(folder, "org2");
  const certificate_files odd = org.issue(
      "odd", "/CN= padded #1 /OU=b/OU=a/O=Acme, Inc\\+plus/emailAddress=someone@example.com");
  const client_identity identity = identity_of("Org2MSP", odd);
  CHECK(identity.subject() ==
        "CN=\\ padded #1\\ ,OU=b+OU=a,O=Acme\\, Inc\\+plus,"
        "1.2.840.113549.1.9.1=#0c13736f6d656f6e65406578616d706c652e636f6d");
}

TEST_CASE("attribute_value() reads Fabric CA's {\"attrs\":{...}} extension") {
  temporary_folder folder;
  test_pki org1(folder, "org1");
  const std::string json =
      "{\"attrs\":{\"hf.Affiliation\":\"org1.department1\",\"hf.EnrollmentID\":\"user1\","
      "\"hf.Type\":\"client\",\"role\":\"auditor\"}}";
  const certificate_files user =
      org1.issue("attrs", "/OU=client/CN=user1", "1.2.3.4.5.6.7.8.1=DER:" + hex_of(json) + "\\n");
  const client_identity identity = identity_of("Org1MSP", user);
  CHECK(identity.attribute_value("role") == std::optional<std::string>("auditor"));
  CHECK(identity.attribute_value("hf.EnrollmentID") == std::optional<std::string>("user1"));
  CHECK(identity.attribute_value("hf.Type") == std::optional<std::string>("client"));
  CHECK_FALSE(identity.attribute_value("missing").has_value());
  CHECK(identity.attribute_value("hf.Affiliation") ==
        std::optional<std::string>("org1.department1"));
}

TEST_CASE("a creator that is not an X.509 identity is a clear error") {
  CHECK_THROWS_AS(client_identity("\xff\xff"), scc::chaincode_error);
  const std::string not_pem =
      scc::ccaas::driver::peer_driver::serialized_identity("Org1MSP", "idemix bytes");
  const client_identity idemix(not_pem);
  CHECK(idemix.msp_id() == "Org1MSP");
  CHECK_THROWS_AS(idemix.id(), scc::chaincode_error);
}
