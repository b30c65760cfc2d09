// scc::client_identity: the MSP id and certificate of a serialized msp.SerializedIdentity,
// parsed without a protobuf library.
#include <string>

#include <doctest/doctest.h>

#include <scc/contract/client_identity.hpp>
#include <scc/ledger/identity.hpp>

namespace {

const std::string certificate =
    "-----BEGIN CERTIFICATE-----\nMIIB8jCCAZmgAwIBAgIUQ2VydGlmaWNhdGU=\n-----END "
    "CERTIFICATE-----\n";

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
