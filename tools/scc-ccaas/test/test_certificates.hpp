// test_certificates.hpp - a CA and certificates made with the openssl command at test time.
#ifndef SCC_CCAAS_TEST_CERTIFICATES_HPP
#define SCC_CCAAS_TEST_CERTIFICATES_HPP

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "server_process.hpp"

namespace ccaas_test {

struct certificate_files {
  std::string key;
  std::string cert;
};

class test_pki {
 public:
  // name: a prefix for the files of this CA.
  test_pki(const temporary_folder& folder, const std::string& name) : dir_(folder.path().string()) {
    ca_ = {dir_ + "/" + name + "-ca.key", dir_ + "/" + name + "-ca.pem"};
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "
        "'/C=US/O=" + name + "/CN=ca." + name + "' -keyout " + ca_.key + " -out " + ca_.cert);
  }

  const certificate_files& ca() const { return ca_; }

  // A certificate for localhost and 127.0.0.1 (usable by servers and clients), signed by the CA.
  // subject: e.g. "/C=US/ST=California/L=San Francisco/OU=client/CN=User1@org1.example.com".
  certificate_files issue(const std::string& file_name, const std::string& subject,
                          const std::string& extra_extensions = "") const {
    certificate_files out{dir_ + "/" + file_name + ".key", dir_ + "/" + file_name + ".pem"};
    const std::string extensions = dir_ + "/" + file_name + ".ext";
    run("printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n"
        + extra_extensions + "' > " + extensions);
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '" + subject +
        "' -keyout " + out.key + " -out " + out.cert + ".csr");
    run("openssl x509 -req -in " + out.cert + ".csr -CA " + ca_.cert + " -CAkey " + ca_.key +
        " -CAcreateserial -days 2 -extfile " + extensions + " -out " + out.cert);
    return out;
  }

 private:
  static void run(const std::string& command) {
    if (std::system(("(" + command + ") >/dev/null 2>&1").c_str()) != 0) {
      throw std::runtime_error("openssl failed: " + command);
    }
  }

  std::string dir_;
  certificate_files ca_;
};

}  // namespace ccaas_test

#endif  // SCC_CCAAS_TEST_CERTIFICATES_HPP
