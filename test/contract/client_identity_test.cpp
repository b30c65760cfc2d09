// scc::client_identity: the MSP id and certificate of a serialized msp.SerializedIdentity,
// parsed without a protobuf library, and Fabric's cid functions on X.509 creators read with the
// standard-library certificate reader.
//
// The certificates under test/data/x509 are real: cryptogen-*.pem come from Fabric 2.5.4's
// cryptogen, the others from the openssl CLI (a CA, a Fabric CA-style certificate with the
// attribute extension, Go's escaping cases, every string type Go reads). The expected ids were
// printed by Go 1.19.8's crypto/x509 (Subject.String(), Issuer.String()) and encoding/base64 on
// the same files, i.e. by what fabric-chaincode-go's cid.GetID runs.
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include <scc/contract/client_identity.hpp>
#include <scc/ledger/identity.hpp>

namespace {

const std::string certificate =
    "-----BEGIN CERTIFICATE-----\nMIIB8jCCAZmgAwIBAgIUQ2VydGlmaWNhdGU=\n-----END "
    "CERTIFICATE-----\n";

std::string fixture(const std::string& name) {
  std::string path = __FILE__;
  path = path.substr(0, path.find_last_of('/')) + "/../data/x509/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

scc::client_identity creator(const std::string& msp, const std::string& pem) {
  return scc::client_identity(scc::ledger::serialize_identity({msp, pem}));
}

const std::string org1_ca =
    "CN=ca.org1.example.com,O=org1.example.com,L=San Francisco,ST=California,C=US";

std::string varint_field(int field, unsigned value) {
  std::string out;
  out.push_back(static_cast<char>(field << 3));
  out.push_back(static_cast<char>(value));
  return out;
}

}  // namespace

TEST_CASE("the MSP id and the certificate come out of a serialized identity unchanged") {
  const scc::client_identity who(scc::ledger::serialize_identity({"Org1MSP", certificate}));
  CHECK(who.msp_id() == "Org1MSP");
  CHECK(who.certificate() == certificate);
}

TEST_CASE("an identity without a certificate has an empty one; empty bytes have neither") {
  CHECK(scc::client_identity(scc::ledger::serialize_identity({"Org1MSP", ""})).certificate() ==
        "");
  const scc::client_identity nobody{std::string()};
  CHECK(nobody.msp_id() == "");
  CHECK(nobody.certificate() == "");
}

TEST_CASE("a certificate longer than 127 bytes uses a multi-byte length") {
  const std::string long_certificate(1000, 'A');
  const scc::client_identity who(scc::ledger::serialize_identity({"Org1MSP", long_certificate}));
  CHECK(who.certificate() == long_certificate);
}

TEST_CASE("fields the parser does not know are skipped, whatever their wire type") {
  std::string bytes = varint_field(3, 7);                    // varint
  bytes += std::string("\x21", 1) + std::string(8, '\x01');  // field 4, fixed64
  bytes += std::string("\x2d", 1) + std::string(4, '\x02');  // field 5, fixed32
  bytes += std::string("\x32\x03xyz", 5);                    // field 6, length-delimited
  bytes += scc::ledger::serialize_identity({"Org2MSP", certificate});
  const scc::client_identity who(bytes);
  CHECK(who.msp_id() == "Org2MSP");
  CHECK(who.certificate() == certificate);
}

TEST_CASE("a repeated field replaces the earlier one, as protobuf parsers do") {
  const std::string bytes = scc::ledger::serialize_identity({"Org1MSP", ""}) +
                            scc::ledger::serialize_identity({"Org2MSP", ""});
  CHECK(scc::client_identity(bytes).msp_id() == "Org2MSP");
}

TEST_CASE("bytes that are not a SerializedIdentity fail with a message saying where") {
  const std::string whole = scc::ledger::serialize_identity({"Org1MSP", certificate});
  CHECK_THROWS_WITH_AS(scc::client_identity(whole.substr(0, 5)),
                       "the creator is not a serialized msp.SerializedIdentity: a field is longer "
                       "than the bytes left (at byte 2 of 5)",
                       scc::chaincode_error);
  CHECK_THROWS_WITH_AS(scc::client_identity(std::string("\x08\x01", 2)),
                       "the creator is not a serialized msp.SerializedIdentity: mspid has wire "
                       "type 0 instead of 2 (length-delimited) (at byte 1 of 2)",
                       scc::chaincode_error);
  CHECK_THROWS_WITH_AS(scc::client_identity(std::string("\x0a", 1)),
                       "the creator is not a serialized msp.SerializedIdentity: a varint is cut "
                       "short (at byte 1 of 1)",
                       scc::chaincode_error);
  CHECK_THROWS_AS(scc::client_identity(std::string("\x1b", 1)), scc::chaincode_error);  // group
}

TEST_CASE("id() is what Go's cid.GetID returns for cryptogen certificates") {
  const scc::client_identity user = creator("Org1MSP", fixture("cryptogen-user1.pem"));
  CHECK(user.msp_id() == "Org1MSP");
  CHECK(user.subject() == "CN=User1@org1.example.com,OU=client,L=San Francisco,ST=California,C=US");
  CHECK(user.issuer() == org1_ca);
  CHECK(user.decoded_id() ==
        "x509::CN=User1@org1.example.com,OU=client,L=San Francisco,ST=California,C=US::" + org1_ca);
  CHECK(user.id() ==
        "eDUwOTo6Q049VXNlcjFAb3JnMS5leGFtcGxlLmNvbSxPVT1jbGllbnQsTD1TYW4gRnJhbmNpc2NvLFNUPUNhbGlm"
        "b3JuaWEsQz1VUzo6Q049Y2Eub3JnMS5leGFtcGxlLmNvbSxPPW9yZzEuZXhhbXBsZS5jb20sTD1TYW4gRnJhbmNp"
        "c2NvLFNUPUNhbGlmb3JuaWEsQz1VUw==");
  CHECK(user.has_ou_value("client"));
  CHECK_FALSE(user.has_ou_value("peer"));
  CHECK_FALSE(user.attribute_value("role").has_value());
  CHECK_THROWS_WITH_AS(user.assert_attribute_value("role", "auditor"),
                       "attribute 'role' was not found", scc::chaincode_error);

  const scc::client_identity peer = creator("Org1MSP", fixture("cryptogen-peer0.pem"));
  CHECK(peer.id() ==
        "eDUwOTo6Q049cGVlcjAub3JnMS5leGFtcGxlLmNvbSxPVT1wZWVyLEw9U2FuIEZyYW5jaXNjbyxTVD1DYWxpZm9y"
        "bmlhLEM9VVM6OkNOPWNhLm9yZzEuZXhhbXBsZS5jb20sTz1vcmcxLmV4YW1wbGUuY29tLEw9U2FuIEZyYW5jaXNj"
        "byxTVD1DYWxpZm9ybmlhLEM9VVM=");
  CHECK(peer.has_ou_value("peer"));

  // A self-signed CA: subject and issuer are the same Name.
  const scc::client_identity ca = creator("Org1MSP", fixture("ca-org1.pem"));
  CHECK(ca.decoded_id() == "x509::" + org1_ca + "::" + org1_ca);
  CHECK(ca.id() ==
        "eDUwOTo6Q049Y2Eub3JnMS5leGFtcGxlLmNvbSxPPW9yZzEuZXhhbXBsZS5jb20sTD1TYW4gRnJhbmNpc2NvLFNU"
        "PUNhbGlmb3JuaWEsQz1VUzo6Q049Y2Eub3JnMS5leGFtcGxlLmNvbSxPPW9yZzEuZXhhbXBsZS5jb20sTD1TYW4g"
        "RnJhbmNpc2NvLFNUPUNhbGlmb3JuaWEsQz1VUw==");
}

TEST_CASE("Fabric CA attributes come from extension 1.2.3.4.5.6.7.8.1") {
  const scc::client_identity who = creator("Org1MSP", fixture("fabric-ca-attrs.pem"));
  CHECK(who.attribute_value("role") == std::optional<std::string>("auditor"));
  CHECK(who.attribute_value("hf.Affiliation") == std::optional<std::string>(""));
  CHECK_FALSE(who.attribute_value("hf.EnrollmentID").has_value());
  CHECK_FALSE(who.attribute_value("Role").has_value());  // names are case-sensitive
  CHECK_NOTHROW(who.assert_attribute_value("role", "auditor"));
  CHECK_NOTHROW(who.assert_attribute_value("hf.Affiliation", ""));
  CHECK_THROWS_WITH_AS(who.assert_attribute_value("role", "admin"),
                       "attribute 'role' equals 'auditor', not 'admin'", scc::chaincode_error);
  CHECK_THROWS_WITH_AS(who.assert_attribute_value("hf.Type", "client"),
                       "attribute 'hf.Type' was not found", scc::chaincode_error);
  // Two OUs in separate RDNs print as one multi-valued RDN, as pkix.Name keeps them.
  CHECK(who.subject() == "CN=auditor1,OU=client+OU=org1,O=Hyperledger,ST=North Carolina,C=US");
  CHECK(who.id() ==
        "eDUwOTo6Q049YXVkaXRvcjEsT1U9Y2xpZW50K09VPW9yZzEsTz1IeXBlcmxlZGdlcixTVD1Ob3J0aCBDYXJvbGlu"
        "YSxDPVVTOjpDTj1jYS5vcmcxLmV4YW1wbGUuY29tLE89b3JnMS5leGFtcGxlLmNvbSxMPVNhbiBGcmFuY2lzY28s"
        "U1Q9Q2FsaWZvcm5pYSxDPVVT");
  CHECK(who.has_ou_value("org1"));
  CHECK(who.has_ou_value("client"));
}

TEST_CASE("names print with Go's escaping, order and OID=#hex for attributes pkix has no name for") {
  const scc::client_identity odd = creator("Org2MSP", fixture("escaping.pem"));
  CHECK(odd.subject() ==
        "CN=\\ padded #1\\ ,OU=b+OU=a,O=Acme\\, Inc\\+plus\\;\\<x\\>\\\"q\\\",L=Z\xC3\xBCrich,"
        "1.2.840.113549.1.9.1=#0c13736f6d656f6e65406578616d706c652e636f6d");
  CHECK(odd.id() ==
        "eDUwOTo6Q049XCBwYWRkZWQgIzFcICxPVT1iK09VPWEsTz1BY21lXCwgSW5jXCtwbHVzXDtcPHhcPlwicVwiLEw9"
        "WsO8cmljaCwxLjIuODQwLjExMzU0OS4xLjkuMT0jMGMxMzczNmY2ZDY1NmY2ZTY1NDA2NTc4NjE2ZDcwNmM2NTJl"
        "NjM2ZjZkOjpDTj1jYS5vcmcxLmV4YW1wbGUuY29tLE89b3JnMS5leGFtcGxlLmNvbSxMPVNhbiBGcmFuY2lzY28s"
        "U1Q9Q2FsaWZvcm5pYSxDPVVT");
  CHECK(odd.has_ou_value("a"));
  CHECK(odd.has_ou_value("b"));

  // BMPString values, IA5String domain components (re-encoded as PrintableString for the hex),
  // a multi-valued CN+serialNumber RDN, a repeated CN (the last wins), STREET, POSTALCODE, '*'
  // and '&' and a leading '#'.
  const scc::client_identity types = creator("Org2MSP", fixture("string-types.pem"));
  CHECK(types.subject() ==
        "SERIALNUMBER=0042,CN=\\#second,O=A*B & C,POSTALCODE=12345,STREET=1 Main St,"
        "L=Z\xC3\xBCrich,C=DE,0.9.2342.19200300.100.1.25=#1303636f6d,"
        "0.9.2342.19200300.100.1.25=#13076578616d706c65");
  CHECK(types.issuer() == org1_ca);
}

TEST_CASE("creators that are not X.509 certificates fail clearly, not with a crash") {
  // The existing accessors still work: the certificate is only read when asked for.
  const scc::client_identity fake = creator("Org1MSP", certificate);
  CHECK(fake.msp_id() == "Org1MSP");
  CHECK_THROWS_WITH_AS(fake.id(),
                       doctest::Contains("failed to parse certificate: x509: the certificate"),
                       scc::chaincode_error);

  for (const std::string& id_bytes : {std::string(), std::string("idemix bytes \x01\x02", 15)}) {
    const scc::client_identity idemix = creator("IdemixMSP", id_bytes);
    CHECK_THROWS_WITH_AS(idemix.id(),
                         doctest::Contains("cannot determine identity: the creator's id_bytes "
                                           "holds no PEM certificate"),
                         scc::chaincode_error);
    CHECK_THROWS_AS(idemix.attribute_value("role"), scc::chaincode_error);
    CHECK_THROWS_AS(idemix.has_ou_value("client"), scc::chaincode_error);
  }

  const std::string bad_base64 = "-----BEGIN CERTIFICATE-----\nMII$\n-----END CERTIFICATE-----\n";
  CHECK_THROWS_WITH_AS(creator("Org1MSP", bad_base64).subject(),
                       "failed to parse certificate: the PEM block is not valid: the PEM body is "
                       "not base64",
                       scc::chaincode_error);
  // The failure repeats on the next call instead of leaving a half-read identity behind.
  const scc::client_identity garbage = creator("Org1MSP", bad_base64);
  CHECK_THROWS_AS(garbage.id(), scc::chaincode_error);
  CHECK_THROWS_AS(garbage.id(), scc::chaincode_error);
}

namespace {

std::string der_of(const std::string& pem) {
  const std::optional<std::string> der = scc::detail::x509::pem_block(pem);
  REQUIRE(der.has_value());
  return *der;
}

std::string pem_of(const std::string& der) {
  return "-----BEGIN CERTIFICATE-----\n" + scc::detail::x509::base64_encode(der) +
         "\n-----END CERTIFICATE-----\n";
}

}  // namespace

TEST_CASE("every truncation of a certificate is refused, and no corruption crashes the reader") {
  const std::string der = der_of(fixture("fabric-ca-attrs.pem"));
  REQUIRE(der.size() > 0x100);  // long enough for two-byte DER lengths
  for (std::size_t length = 0; length < der.size(); ++length) {
    CAPTURE(length);
    CHECK_THROWS_WITH_AS(creator("Org1MSP", pem_of(der.substr(0, length))).id(),
                         doctest::Contains("failed to parse certificate: x509: "),
                         scc::chaincode_error);
  }
  // Each byte replaced by values that break tags and lengths: the reader either reads a
  // certificate or throws scc::chaincode_error; under the sanitizer build any out-of-range read
  // would stop the test.
  std::size_t refused = 0;
  for (std::size_t at = 0; at < der.size(); ++at) {
    for (const unsigned char value : {0x00, 0x1F, 0x7F, 0x80, 0x84, 0xFF}) {
      std::string corrupt = der;
      corrupt[at] = static_cast<char>(value);
      const scc::client_identity who = creator("Org1MSP", pem_of(corrupt));
      try {
        (void)who.id();
        (void)who.attribute_value("role");
      } catch (const scc::chaincode_error&) {
        ++refused;
      }
    }
  }
  CHECK(refused > der.size());  // most corruptions in the structure are caught
  CHECK_THROWS_WITH_AS(creator("Org1MSP", pem_of(der + "x")).id(),
                       doctest::Contains("has bytes after the Certificate"), scc::chaincode_error);
}

TEST_CASE("the DER reader refuses non-DER lengths and odd encodings with a reason") {
  using scc::detail::x509::der_reader;
  using scc::detail::x509::x509_error;
  CHECK_THROWS_WITH_AS(der_reader(std::string("\x30\x80", 2), "x").next(),
                       "x uses an indefinite length, which DER forbids (at byte 2 of 2)",
                       x509_error);
  CHECK_THROWS_WITH_AS(der_reader(std::string("\x30\x81\x05" "abcde", 8), "x").next(),
                       "x has a length that is not minimally encoded (at byte 3 of 8)",
                       x509_error);
  CHECK_THROWS_WITH_AS(der_reader(std::string("\x30\x85\x01\x01\x01\x01\x01", 7), "x").next(),
                       "x has a length of more than 4 bytes (at byte 2 of 7)", x509_error);
  CHECK_THROWS_WITH_AS(der_reader(std::string("\x30\x03" "ab", 4), "x").next(),
                       "x has a value longer than the bytes left (at byte 2 of 4)", x509_error);
  CHECK(scc::detail::x509::oid_text(std::string("\x2a\x03\x04\x05\x06\x07\x08\x01", 8)) ==
        "1.2.3.4.5.6.7.8.1");
  CHECK(scc::detail::x509::oid_text(std::string("\x55\x04\x03", 3)) == "2.5.4.3");
  CHECK_THROWS_WITH_AS(scc::detail::x509::oid_text(std::string("\x2a\x83", 2)),
                       "an OID is cut short", x509_error);
  // Go 1.19 reads a non-minimal arc (a leading 0x80) and stops at arcs of 2^31 or 5 bytes.
  CHECK(scc::detail::x509::oid_text(std::string("\x2a\x80\x01", 3)) == "1.2.1");
  CHECK(scc::detail::x509::oid_text(std::string("\x2a\x87\xff\xff\xff\x7f", 6)) ==
        "1.2.2147483647");
  CHECK_THROWS_WITH_AS(scc::detail::x509::oid_text(std::string("\x2a\x88\x80\x80\x80\x00", 6)),
                       "an OID arc is too large", x509_error);
  CHECK_THROWS_WITH_AS(scc::detail::x509::oid_text(std::string("\x2a\x80\x80\x80\x80\x80\x01", 7)),
                       "an OID arc is too large", x509_error);
  CHECK_THROWS_WITH_AS(scc::detail::x509::asn1_string({0x04, "abc"}), "unsupported string type: 4",
                       x509_error);
  CHECK_THROWS_AS(scc::detail::x509::asn1_string({0x0C, "\xC3"}), x509_error);
  CHECK(scc::detail::x509::asn1_string({0x1E, std::string("\x00\xFC\xD8\x3D\xDE\x00", 6)}) ==
        "\xC3\xBC\xF0\x9F\x98\x80");
}

TEST_CASE("the attribute JSON is read as Go's json.Unmarshal reads it into Fabric's struct") {
  const auto read = [](const std::string& json) {
    return scc::detail::x509::attributes_json(json).read();
  };
  using map = std::map<std::string, std::string>;
  CHECK(read(R"({"attrs":{"hf.Affiliation":"","role":"auditor"}})") ==
        map{{"hf.Affiliation", ""}, {"role", "auditor"}});
  CHECK(read(R"({"ATTRS":{"a":"1"}})") == map{{"a", "1"}});
  CHECK(read(R"({"attrs":{"a":"x","a":null}})") == map{{"a", ""}});
  CHECK(read(R"({"attrs":{"a":"1"},"attrs":null})").empty());
  CHECK(read("null").empty());
  CHECK(read(R"({"x":[1,-2.5e3,{"y":true}],"attrs":{"b":"\u00fc\ud83d\ude00\n"}})") ==
        map{{"b", "\xC3\xBC\xF0\x9F\x98\x80\n"}});
  CHECK_THROWS_AS(read(R"({"attrs":{"a":1}})"), scc::detail::x509::x509_error);
  CHECK_THROWS_AS(read("[]"), scc::detail::x509::x509_error);
  CHECK_THROWS_AS(read(R"({"attrs":{"a":"1"}} x)"), scc::detail::x509::x509_error);
  CHECK_THROWS_AS(read(R"({"attrs":{"a":"1)"), scc::detail::x509::x509_error);
  // Deep nesting in a skipped member is refused instead of exhausting the stack.
  CHECK_THROWS_WITH_AS(read(R"({"x":)" + std::string(100000, '[')),
                       doctest::Contains("the JSON nests too deeply"),
                       scc::detail::x509::x509_error);
}
