// scc/contract/detail/x509_certificate.hpp - reads the creator's PEM certificate with OpenSSL's
// libcrypto and hands over what Fabric's cid package (fabric-chaincode-go pkg/cid) needs: the
// subject's and issuer's attributes in certificate order, and the content of Fabric CA's
// attribute extension 1.2.3.4.5.6.7.8.1.
//
// The certificate is not verified (Fabric's MSP did that before the proposal reached us). But
// Fabric's Go shim refuses, in x509.ParseCertificate, certificates that OpenSSL's d2i_X509 reads,
// and a contract must not give an id where Go gives an error; the checks after d2i_X509 below
// close those gaps, each one found by the corruption test against Go 1.19
// (test/data/x509/go-corruptions.txt).
#ifndef SCC_CONTRACT_DETAIL_X509_CERTIFICATE_HPP
#define SCC_CONTRACT_DETAIL_X509_CERTIFICATE_HPP

#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "scc/contract/detail/go_pkix_name.hpp"

namespace scc::detail::x509 {

inline constexpr std::string_view fabric_ca_attributes_oid = "1.2.3.4.5.6.7.8.1";

struct certificate {
  rdn_sequence subject;
  rdn_sequence issuer;
  std::optional<std::string> attributes_extension;  // the extension's content, when present
};

// Leaves the thread's OpenSSL error queue as it found it: a failed parse here must not make a
// later, unrelated OpenSSL call in the host process report our error.
class openssl_error_scope {
 public:
  openssl_error_scope() { ERR_set_mark(); }
  ~openssl_error_scope() { ERR_pop_to_mark(); }
  openssl_error_scope(const openssl_error_scope&) = delete;
  openssl_error_scope& operator=(const openssl_error_scope&) = delete;

  // OpenSSL's reason for the latest failure, e.g. "too long", or "" when it gave none.
  static std::string last_reason() {
    const unsigned long code = ERR_peek_last_error();
    const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
    return reason != nullptr ? reason : "";
  }
};

struct openssl_free {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(ASN1_OBJECT* p) const noexcept { ASN1_OBJECT_free(p); }
  void operator()(char* p) const noexcept { OPENSSL_free(p); }
  void operator()(unsigned char* p) const noexcept { OPENSSL_free(p); }
};
template <typename T>
using openssl_ptr = std::unique_ptr<T, openssl_free>;

// The DER of the first PEM block in text, of any type as Go's pem.Decode takes it, or nullopt
// when text holds no PEM block at all. Throws x509_error when a block starts but is not valid.
inline std::optional<std::string> pem_block(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) throw x509_error("the PEM is too large");
  const openssl_error_scope errors;
  const openssl_ptr<BIO> in(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!in) throw x509_error("out of memory");
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  const unsigned long earlier_error = ERR_peek_last_error();
  const int read = PEM_read_bio(in.get(), &name, &header, &data, &length);
  const openssl_ptr<char> own_name(name), own_header(header);
  const openssl_ptr<unsigned char> own_data(data);
  if (read == 0) {
    // OpenSSL fails on a block with an empty body without saying why; Go decodes it to no
    // bytes, which are then not a certificate.
    if (ERR_peek_last_error() == earlier_error) return std::string();
    if (ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE) return std::nullopt;
    throw x509_error("OpenSSL: " + openssl_error_scope::last_reason());
  }
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
}

inline void refuse_oid_go_refuses(const ASN1_OBJECT* object) {
  const unsigned char* content = OBJ_get0_data(object);
  const std::size_t length = OBJ_length(object);
  if (content == nullptr ||
      !go_reads_oid(std::string_view(reinterpret_cast<const char*>(content), length))) {
    throw x509_error("an OID has an arc too large for Go");
  }
}

// An OID in dotted form, e.g. "2.5.4.3".
inline std::string dotted_oid(const ASN1_OBJECT* object) {
  refuse_oid_go_refuses(object);
  char small[80];
  const int length = OBJ_obj2txt(small, sizeof small, object, 1);
  if (length <= 0) throw x509_error("an OID cannot be printed");
  if (static_cast<std::size_t>(length) < sizeof small) return std::string(small, length);
  std::string big(static_cast<std::size_t>(length) + 1, '\0');
  OBJ_obj2txt(big.data(), static_cast<int>(big.size()), object, 1);
  big.resize(static_cast<std::size_t>(length));
  return big;
}

// A Name's attributes grouped by RDN (X509_NAME_ENTRY_set numbers them), each value converted
// as Go converts it; a value type or character Go refuses throws.
inline rdn_sequence read_name(const X509_NAME* name) {
  rdn_sequence out;
  int current_set = -1;
  for (int k = 0; k < X509_NAME_entry_count(name); ++k) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, k);
    if (X509_NAME_ENTRY_set(entry) != current_set) {
      current_set = X509_NAME_ENTRY_set(entry);
      out.emplace_back();
    }
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
    attribute a;
    a.oid = dotted_oid(X509_NAME_ENTRY_get_object(entry));
    try {
      a.value =
          asn1_string(ASN1_STRING_type(data),
                      std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                                       static_cast<std::size_t>(ASN1_STRING_length(data))));
    } catch (const x509_error& e) {
      throw x509_error("invalid RDNSequence: invalid attribute value: " + std::string(e.what()));
    }
    out.back().push_back(std::move(a));
  }
  return out;
}

// Go's x509.ParseCertificate decodes fields that d2i_X509 leaves alone or reads more leniently;
// Go refusing them means cid.GetID fails, so this refuses them too.
inline void refuse_what_go_refuses(std::string_view der, X509* cert) {
  // Go knows versions 1 to 3 only.
  const long version = X509_get_version(cert);
  if (version < 0 || version > 2) throw x509_error("invalid X.509 version");
  // Go compares tbsCertificate's signature algorithm with the certificate's.
  const X509_ALGOR* outer = nullptr;
  X509_get0_signature(nullptr, &outer, cert);
  if (X509_ALGOR_cmp(X509_get0_tbs_sigalg(cert), outer) != 0) {
    throw x509_error("inner and outer signature algorithm identifiers don't match");
  }
  // Go parses the validity times strictly; d2i_X509 keeps whatever bytes they hold.
  if (ASN1_TIME_check(X509_get0_notBefore(cert)) != 1 ||
      ASN1_TIME_check(X509_get0_notAfter(cert)) != 1) {
    throw x509_error("malformed validity time");
  }
  // Go decodes the public key of the algorithms it knows, and only those (it reads a certificate
  // with another key algorithm and leaves its key empty). d2i_X509 keeps a key it cannot decode
  // and leaves X509_get0_pubkey() empty, and decodes curves Go does not know.
  ASN1_OBJECT* key_algorithm = nullptr;  // OpenSSL 3 takes a non-const pointer here
  if (X509_PUBKEY_get0_param(&key_algorithm, nullptr, nullptr, nullptr,
                             X509_get_X509_PUBKEY(cert)) != 1) {
    throw x509_error("failed to parse public key");
  }
  refuse_oid_go_refuses(key_algorithm);
  const int key_type = OBJ_obj2nid(key_algorithm);
  if (key_type == NID_rsaEncryption || key_type == NID_dsa ||
      key_type == NID_X9_62_id_ecPublicKey || key_type == NID_ED25519) {
    const EVP_PKEY* key = X509_get0_pubkey(cert);
    if (key == nullptr) throw x509_error("failed to parse public key");
    // Keys are whole bytes; Go right-aligns a key BIT STRING with unused bits, which gives it a
    // different key that it then refuses.
    const ASN1_BIT_STRING* key_bits = X509_get0_pubkey_bitstr(cert);
    if (key_bits == nullptr || (key_bits->flags & 0x07) != 0) {
      throw x509_error("failed to parse public key");
    }
    if (key_type == NID_X9_62_id_ecPublicKey) {
      char curve[64] = {};
      std::size_t length = 0;
      if (EVP_PKEY_get_group_name(key, curve, sizeof curve, &length) != 1) {
        throw x509_error("failed to parse ECDSA public key");
      }
      const std::string_view name(curve, length);
      if (name != "prime256v1" && name != "secp384r1" && name != "secp521r1" &&
          name != "secp224r1") {
        throw x509_error("unsupported elliptic curve");
      }
    }
  }
  const ASN1_OBJECT* signature_algorithm = nullptr;
  X509_ALGOR_get0(&signature_algorithm, nullptr, nullptr, X509_get0_tbs_sigalg(cert));
  refuse_oid_go_refuses(signature_algorithm);
  // Go refuses a BIT STRING whose unused bits are not zero. OpenSSL clears them while parsing, so
  // they are read from the DER: the signature is the certificate's last field, its last byte the
  // DER's last byte.
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, cert);
  const int unused = signature->flags & 0x07;
  if ((signature->flags & ASN1_STRING_FLAG_BITS_LEFT) != 0 && unused != 0 &&
      (signature->length == 0 ||
       (static_cast<unsigned char>(der.back()) & ((1u << unused) - 1)) != 0)) {
    throw x509_error("invalid signature: malformed BIT STRING");
  }
  for (int k = 0; k < X509_get_ext_count(cert); ++k) {
    refuse_oid_go_refuses(X509_EXTENSION_get_object(X509_get_ext(cert, k)));
  }
  // Go decodes the extensions it knows (key identifiers, key usage, basic constraints, names, ...)
  // and refuses a repeated one; OpenSSL does that when it caches them, and marks the certificate.
  if ((X509_get_extension_flags(cert) & EXFLAG_INVALID) != 0) {
    throw x509_error("an extension is malformed or repeated");
  }
}

// Reads a DER certificate. Throws x509_error when OpenSSL cannot, or when Go would refuse it.
inline certificate read_certificate(std::string_view der) {
  if (der.size() > static_cast<std::size_t>(LONG_MAX)) throw x509_error("the DER is too large");
  const openssl_error_scope errors;
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = start;
  const openssl_ptr<X509> cert(d2i_X509(nullptr, &end, static_cast<long>(der.size())));
  if (!cert) {
    const std::string reason = openssl_error_scope::last_reason();
    throw x509_error("the certificate is not DER OpenSSL can read" +
                     (reason.empty() ? std::string() : " (" + reason + ")"));
  }
  if (end != start + der.size()) throw x509_error("trailing data after the certificate");
  refuse_what_go_refuses(der, cert.get());

  certificate out;
  out.subject = read_name(X509_get_subject_name(cert.get()));
  out.issuer = read_name(X509_get_issuer_name(cert.get()));
  // Go reads extensions only in a v3 certificate (X509_get_version counts from 0).
  if (X509_get_version(cert.get()) == 2) {
    const openssl_ptr<ASN1_OBJECT> oid(OBJ_txt2obj(fabric_ca_attributes_oid.data(), 1));
    if (!oid) throw x509_error("out of memory");
    const int at = X509_get_ext_by_OBJ(cert.get(), oid.get(), -1);
    if (at >= 0) {
      const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(cert.get(), at));
      out.attributes_extension.emplace(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                       static_cast<std::size_t>(ASN1_STRING_length(value)));
    }
  }
  return out;
}

// Standard base64 with padding, as Go's base64.StdEncoding (what cid.GetID returns).
inline std::string base64_encode(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX / 4 * 3)) {
    throw x509_error("too many bytes to encode");
  }
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace scc::detail::x509

#endif  // SCC_CONTRACT_DETAIL_X509_CERTIFICATE_HPP
