// scc::client_identity: the MSP id and certificate of a serialized msp.SerializedIdentity,
// parsed without a protobuf library, and Fabric's cid functions on X.509 creators, read with
// OpenSSL and printed as Go prints them.
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
#include <openssl/evp.h>

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
  CHECK(scc::client_identity(scc::ledger::serialize_identity({"Org1MSP", ""})).certificate() == "");
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

TEST_CASE(
    "names print with Go's escaping, order and OID=#hex for attributes pkix has no name for") {
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
  CHECK_THROWS_WITH_AS(
      creator("Org1MSP", bad_base64).subject(),
      "failed to parse certificate: the PEM block is not valid: OpenSSL: bad base64 "
      "decode",
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

// The first 8 hex digits of the SHA-256 of text, as go-corruptions/main.go prints them.
std::string short_sha256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) == 1);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int k = 0; k < 4; ++k) {
    out.push_back(hex[digest[k] >> 4]);
    out.push_back(hex[digest[k] & 0xF]);
  }
  return out;
}

}  // namespace

TEST_CASE("every truncation of a certificate is refused") {
  const std::string der = der_of(fixture("fabric-ca-attrs.pem"));
  REQUIRE(der.size() > 0x100);  // long enough for two-byte DER lengths
  for (std::size_t length = 0; length < der.size(); ++length) {
    CAPTURE(length);
    CHECK_THROWS_WITH_AS(creator("Org1MSP", pem_of(der.substr(0, length))).id(),
                         doctest::Contains("failed to parse certificate: x509: "),
                         scc::chaincode_error);
  }
  CHECK_THROWS_WITH_AS(creator("Org1MSP", pem_of(der + "x")).id(),
                       "failed to parse certificate: x509: trailing data after the certificate",
                       scc::chaincode_error);
}

// go-corruptions.txt holds, for every byte of three test certificates replaced by each of ten
// values, whether Go 1.19's x509.ParseCertificate accepts the result and a hash of the id it
// then gives (go-corruptions/main.go wrote it). OpenSSL reads some of what Go refuses: all of it
// must be refused here. Where both read the certificate, the id must be Go's.
//
// The other way round, Go reads some encodings that are not DER and OpenSSL refuses them:
// an OID arc with a leading 0x80 byte, bytes after the value of an AttributeTypeAndValue, after
// an extension's value or after the signature, an unknown field in place of the extensions, an
// AuthorityKeyIdentifier with an unknown field. No CA writes those (a corrupted certificate's
// signature no longer verifies, so Fabric's MSP refuses its proposals before a chaincode runs),
// and refusing is the safe side; they are counted and must stay few and of that kind.
TEST_CASE("on every single-byte corruption, the id is Go's, and what Go refuses is refused") {
  std::ifstream in(std::string(__FILE__).substr(0, std::string(__FILE__).find_last_of('/')) +
                   "/../data/x509/go-corruptions.txt");
  REQUIRE(in.good());
  std::string line;
  std::string der;
  std::string name;
  std::size_t compared = 0;
  std::size_t go_accepted = 0;
  std::size_t cases = 0;
  std::size_t accepted_what_go_refuses = 0;
  std::size_t other_id = 0;
  std::size_t refused_what_go_accepts = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first == "cert") {
      std::size_t length = 0;
      fields >> name >> length;
      der = der_of(fixture(name));
      REQUIRE(der.size() == length);
      ++cases;
      continue;
    }
    const auto value = static_cast<char>(std::stoi(first, nullptr, 16));
    for (std::size_t at = 0; at < der.size(); ++at) {
      std::string go;
      const bool have_token = static_cast<bool>(fields >> go);
      REQUIRE(have_token);
      std::string corrupt = der;
      corrupt[at] = value;
      std::string ours = "-";
      std::string error;
      try {
        ours = short_sha256(creator("Org1MSP", pem_of(corrupt)).decoded_id());
      } catch (const scc::chaincode_error& e) {
        error = e.what();
      }
      ++compared;
      if (go != "-") ++go_accepted;
      if (ours == go) continue;
      CAPTURE(name);
      CAPTURE(at);
      CAPTURE(first);
      CAPTURE(error);
      if (go == "-") {
        ++accepted_what_go_refuses;
        FAIL_CHECK("Go refuses this certificate, client_identity gives an id");
      } else if (ours != "-") {
        ++other_id;
        FAIL_CHECK("client_identity gives another id than Go");
      } else {
        ++refused_what_go_accepts;
        const bool strict_der = error.find("is not DER OpenSSL can read") != std::string::npos ||
                                error.find("an extension is malformed") != std::string::npos;
        CHECK_MESSAGE(strict_der, "refused for another reason than DER Go tolerates");
      }
    }
    std::string extra;
    const bool more_tokens = static_cast<bool>(fields >> extra);
    CHECK_FALSE(more_tokens);
  }
  CHECK(cases == 3);
  CHECK(compared > 10000);
  CHECK(go_accepted > compared / 4);  // both verdicts are well represented
  CHECK(accepted_what_go_refuses == 0);
  CHECK(other_id == 0);
  MESSAGE(compared << " corruptions, Go accepts " << go_accepted << "; refused here although Go "
                   << "accepts: " << refused_what_go_accepts);
  CHECK(refused_what_go_accepts * 10 < go_accepted);
}

TEST_CASE("attribute values are read with Go's string types and rules") {
  using scc::detail::x509::asn1_string;
  using scc::detail::x509::x509_error;
  CHECK_THROWS_WITH_AS(asn1_string(0x04, "abc"), "unsupported string type: 4", x509_error);
  CHECK_THROWS_AS(asn1_string(0x0C, "\xC3"), x509_error);  // invalid UTF-8
  CHECK_THROWS_AS(asn1_string(0x13, "a@b"), x509_error);   // '@' is not printable
  CHECK(asn1_string(0x13, "A*B & C") == "A*B & C");        // but '*' and '&' are read
  CHECK(asn1_string(0x1E, std::string("\x00\xFC\xD8\x3D\xDE\x00", 6)) ==
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
