// ccaas_fixture.hpp - one scc-ccaas server for a plugin, on a free loopback port, with a peer
// driver connected to it.
#ifndef SCC_CCAAS_TEST_FIXTURE_HPP
#define SCC_CCAAS_TEST_FIXTURE_HPP

#include <memory>
#include <string>
#include <vector>

#include "peer_driver.hpp"
#include "server_process.hpp"
#include <openssl/sha.h>

#include <scc/detail/hex.hpp>

namespace ccaas_test {

using scc::ccaas::driver::driver_options;
using scc::ccaas::driver::peer_driver;
using scc::ccaas::driver::transaction_request;
using scc::ccaas::driver::transaction_result;
using Message = protos::ChaincodeMessage;

inline std::string sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

inline transaction_request tx(std::vector<std::string> args) {
  transaction_request request;
  request.args = std::move(args);
  return request;
}

struct served_plugin {
  explicit served_plugin(const std::string& plugin, const std::string& id = "cc:1",
                         int batch_size = 100, std::vector<std::string> extra_args = {})
      : server([&] {
          std::vector<std::string> args{"serve", plugin, "--address", "127.0.0.1:0", "--id", id};
          args.insert(args.end(), extra_args.begin(), extra_args.end());
          return args;
        }()) {
    address = server.wait_listening();
    driver_options options;
    options.address = address;
    options.batch_size = batch_size;
    driver = std::make_unique<peer_driver>(options);
    driver->connect();
  }

  transaction_result run(std::vector<std::string> args) {
    return driver->execute(tx(std::move(args)));
  }

  server_process server;
  std::string address;
  std::unique_ptr<peer_driver> driver;
};

inline int count(const std::vector<Message::Type>& requests, Message::Type type) {
  int n = 0;
  for (Message::Type t : requests) n += t == type ? 1 : 0;
  return n;
}

}  // namespace ccaas_test

#endif  // SCC_CCAAS_TEST_FIXTURE_HPP
