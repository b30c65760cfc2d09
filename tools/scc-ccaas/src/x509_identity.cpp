#include "x509_identity.hpp"

#include <memory>
#include <vector>

#include "msp/identities.pb.h"
#include <nlohmann/json.hpp>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <scc/detail/hex.hpp>

namespace scc::ccaas {

namespace {

struct x509_free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct bio_free {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct object_free {
  void operator()(ASN1_OBJECT* object) const { ASN1_OBJECT_free(object); }
};

struct attribute {
  std::string oid;
  std::string value;
  bool is_string = true;
  std::string der;  // the value's DER, for non-string values
};

std::string oid_text(const ASN1_OBJECT* object) {
  char buffer[128];
  const int length = OBJ_obj2txt(buffer, sizeof buffer, object, 1);
  return length > 0 ? std::string(buffer, static_cast<std::size_t>(length)) : std::string();
}

// Go's crypto/x509/pkix escaping (RFC 2253 as Go applies it).
std::string escape(const std::string& value) {
  std::string out;
  for (std::size_t k = 0; k < value.size(); ++k) {
    const char c = value[k];
    bool needs = false;
    switch (c) {
      case ',':
      case '+':
      case '"':
      case '\\':
      case '<':
      case '>':
      case ';':
        needs = true;
        break;
      case ' ':
        needs = k == 0 || k == value.size() - 1;
        break;
      case '#':
        needs = k == 0;
        break;
      default:
        break;
    }
    if (needs) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// What Go's asn1.Marshal makes of a string: a PrintableString when every character allows it,
// else a UTF8String. pkix prints attributes it has no name for as "#" + hex of that DER.
std::string go_string_der(const std::string& value) {
  bool printable = true;
  for (unsigned char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' ||
                    c == '-' || c == '.' || c == '/' || c == ':' || c == '=' || c == '?';
    printable = printable && ok;
  }
  std::string der(1, static_cast<char>(printable ? 0x13 : 0x0c));
  const std::size_t length = value.size();
  if (length < 0x80) {
    der.push_back(static_cast<char>(length));
  } else {
    std::string digits;
    for (std::size_t rest = length; rest > 0; rest >>= 8) {
      digits.insert(digits.begin(), static_cast<char>(rest & 0xFF));
    }
    der.push_back(static_cast<char>(0x80 | digits.size()));
    der += digits;
  }
  return der + value;
}

std::vector<attribute> attributes_of(const X509_NAME* name) {
  std::vector<attribute> out;
  const int count = X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    attribute a;
    a.oid = oid_text(X509_NAME_ENTRY_get_object(entry));
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
    const int type = ASN1_STRING_type(data);
    // Go reads these ASN.1 string types as strings; anything else stays DER.
    a.is_string = type == V_ASN1_PRINTABLESTRING || type == V_ASN1_UTF8STRING ||
                  type == V_ASN1_IA5STRING || type == V_ASN1_T61STRING ||
                  type == V_ASN1_BMPSTRING || type == V_ASN1_NUMERICSTRING;
    if (a.is_string) {
      unsigned char* utf8 = nullptr;
      const int length = ASN1_STRING_to_UTF8(&utf8, data);
      if (length >= 0) {
        a.value.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
        OPENSSL_free(utf8);
      }
    } else {
      ASN1_TYPE* any = ASN1_TYPE_new();
      ASN1_TYPE_set1(any, type, data);
      unsigned char* der = nullptr;
      const int length = i2d_ASN1_TYPE(any, &der);
      if (length > 0) {
        a.der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
        OPENSSL_free(der);
      }
      ASN1_TYPE_free(any);
    }
    out.push_back(std::move(a));
  }
  return out;
}

// pkix.Name.String(): the parsed standard attributes in ToRDNSequence's fixed order C, ST, L,
// STREET, POSTALCODE, O, OU, CN, SERIALNUMBER (multi-valued ones as one RDN joined with '+'),
// preceded by every other attribute, the whole sequence printed last to first.
std::string go_name_string(const X509_NAME* name) {
  const std::vector<attribute> all = attributes_of(name);
  struct rdn_value {
    std::string type;
    std::string text;
  };
  std::vector<std::vector<rdn_value>> sequence;
  static const std::map<std::string, std::string> names = {
      {"2.5.4.6", "C"},  {"2.5.4.10", "O"},           {"2.5.4.11", "OU"},
      {"2.5.4.3", "CN"}, {"2.5.4.5", "SERIALNUMBER"}, {"2.5.4.7", "L"},
      {"2.5.4.8", "ST"}, {"2.5.4.9", "STREET"},       {"2.5.4.17", "POSTALCODE"}};
  for (const attribute& a : all) {
    if (names.count(a.oid) != 0) continue;
    sequence.push_back(
        {{a.oid, "#" + scc::detail::to_hex(a.is_string ? go_string_der(a.value) : a.der)}});
  }
  const auto values_of = [&](const std::string& oid) {
    std::vector<std::string> values;
    for (const attribute& a : all) {
      if (a.oid == oid && a.is_string) values.push_back(a.value);
    }
    return values;
  };
  for (const char* oid :
       {"2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.9", "2.5.4.17", "2.5.4.10", "2.5.4.11"}) {
    const std::vector<std::string> values = values_of(oid);
    if (values.empty()) continue;
    std::vector<rdn_value> rdn;
    for (const std::string& value : values) rdn.push_back({names.at(oid), escape(value)});
    sequence.push_back(rdn);
  }
  // CN and SERIALNUMBER are single-valued in pkix.Name: the last one parsed wins.
  for (const char* oid : {"2.5.4.3", "2.5.4.5"}) {
    const std::vector<std::string> values = values_of(oid);
    if (values.empty() || values.back().empty()) continue;
    sequence.push_back({{names.at(oid), escape(values.back())}});
  }
  std::string out;
  for (auto rdn = sequence.rbegin(); rdn != sequence.rend(); ++rdn) {
    if (!out.empty()) out += ",";
    for (std::size_t j = 0; j < rdn->size(); ++j) {
      if (j > 0) out += "+";
      out += (*rdn)[j].type + "=" + (*rdn)[j].text;
    }
  }
  return out;
}

}  // namespace

std::string x509_identity::id_base64() const {
  const std::string text = id();
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::optional<std::string> x509_identity::attribute_value(const std::string& name) const {
  const auto found = attributes.find(name);
  if (found == attributes.end()) return std::nullopt;
  return found->second;
}

x509_identity parse_x509_creator(std::string_view serialized_identity) {
  msp::SerializedIdentity identity;
  if (!identity.ParseFromArray(serialized_identity.data(),
                               static_cast<int>(serialized_identity.size()))) {
    throw identity_error("the creator is not a serialized msp.SerializedIdentity");
  }
  x509_identity out;
  out.msp_id = identity.mspid();
  const std::string& pem = identity.id_bytes();
  std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    throw identity_error(
        "failed to parse certificate: the creator's id_bytes is not a PEM "
        "X.509 certificate (an Idemix identity has no x509 id)");
  }
  out.subject = go_name_string(X509_get_subject_name(cert.get()));
  out.issuer = go_name_string(X509_get_issuer_name(cert.get()));

  std::unique_ptr<ASN1_OBJECT, object_free> oid(OBJ_txt2obj(fabric_attributes_oid, 1));
  const int index = X509_get_ext_by_OBJ(cert.get(), oid.get(), -1);
  if (index >= 0) {
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert.get(), index));
    const std::string json(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                           static_cast<std::size_t>(ASN1_STRING_length(data)));
    const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      throw identity_error("the attribute extension 1.2.3.4.5.6.7.8.1 is not JSON");
    }
    const auto attrs = parsed.find("attrs");
    if (attrs != parsed.end() && attrs->is_object()) {
      for (const auto& [name, value] : attrs->items()) {
        out.attributes[name] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
  }
  return out;
}

}  // namespace scc::ccaas
