// tls_files.hpp - reading TLS keys and certificates, checked with OpenSSL before a server
// starts, so that a wrong file is one clear line instead of a handshake failure at the peer.
#ifndef SCC_CCAAS_TLS_FILES_HPP
#define SCC_CCAAS_TLS_FILES_HPP

#include <string>

namespace scc::ccaas {

// The PEM text of a file, optionally stored as base64 of the PEM (Fabric's CORE_TLS_CLIENT_*_PATH).
// Throws settings_error naming what the file was for.
std::string read_pem_file(const std::string& what, const std::string& path, bool base64 = false);

// Throws settings_error unless cert_pem holds a certificate and key_pem its private key.
void check_key_pair(const std::string& key_pem, const std::string& cert_pem,
                    const std::string& key_file, const std::string& cert_file);

// Throws settings_error unless pem holds at least one certificate.
void check_certificates(const std::string& pem, const std::string& what, const std::string& file);

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_TLS_FILES_HPP
