#include "tls_files.hpp"

#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "settings.hpp"

namespace scc::ccaas {

namespace {

struct bio_free {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct key_free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct x509_free {
  void operator()(X509* cert) const { X509_free(cert); }
};

std::unique_ptr<BIO, bio_free> memory_bio(const std::string& text) {
  return std::unique_ptr<BIO, bio_free>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no PEM block found";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

std::string decode_base64(const std::string& text, const std::string& what, const std::string& path) {
  std::string compact;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact.push_back(c);
  }
  std::string out(compact.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(compact.data()),
                                     static_cast<int>(compact.size()));
  if (length < 0 || compact.size() % 4 != 0) {
    throw settings_error(what + " '" + path + "' is not base64 (this variable names a file "
                         "holding base64 of the PEM)");
  }
  std::size_t size = static_cast<std::size_t>(length);
  // EVP_DecodeBlock counts the padding as data.
  if (!compact.empty() && compact.back() == '=') --size;
  if (compact.size() > 1 && compact[compact.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace

std::string read_pem_file(const std::string& what, const std::string& path, bool base64) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw settings_error(what + " '" + path + "' cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = text.str();
  if (base64) pem = decode_base64(pem, what, path);
  if (pem.find("-----BEGIN ") == std::string::npos) {
    throw settings_error(what + " '" + path + "' is not PEM (no -----BEGIN line)");
  }
  return pem;
}

void check_certificates(const std::string& pem, const std::string& what, const std::string& file) {
  auto bio = memory_bio(pem);
  std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    throw settings_error(what + " '" + file + "' holds no X.509 certificate: " + openssl_reason());
  }
}

void check_key_pair(const std::string& key_pem, const std::string& cert_pem,
                    const std::string& key_file, const std::string& cert_file) {
  auto key_bio = memory_bio(key_pem);
  std::unique_ptr<EVP_PKEY, key_free> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    throw settings_error("TLS key '" + key_file + "' holds no private key: " + openssl_reason());
  }
  auto cert_bio = memory_bio(cert_pem);
  std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    throw settings_error("TLS certificate '" + cert_file + "' holds no X.509 certificate: " +
                         openssl_reason());
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw settings_error("TLS key '" + key_file + "' does not belong to certificate '" +
                         cert_file + "'");
  }
}

}  // namespace scc::ccaas
