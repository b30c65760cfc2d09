// client.hpp - a blocking client of the scc-peer wire protocol: what the CLI, the integration
// tests and the benchmark use to talk to a peer.
#ifndef SCC_PEER_CLIENT_HPP
#define SCC_PEER_CLIENT_HPP

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "framing.hpp"
#include "scc_peer.pb.h"

namespace scc::peer {

class client_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class client {
 public:
  // Connects to HOST:PORT. Throws client_error (bad address, refused, timed out).
  explicit client(const std::string& address,
                  std::chrono::milliseconds connect_timeout = std::chrono::seconds(3),
                  uint32_t frame_limit = 1024u * 1024u * 1024u);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Sends one request as it is (its request_id included).
  void send(const Request& request);
  // Sends raw bytes: for tests of what the peer does with bad frames.
  void send_raw(const std::string& bytes);
  // Ends the sending direction (shutdown(SHUT_WR)); replies can still be received.
  void shutdown_send();
  // The next reply, whatever request it answers. Throws client_error on timeout, on a closed
  // connection or an undecodable reply.
  Reply receive(std::chrono::milliseconds timeout);
  // Sends the request under a fresh request_id and waits for its reply; replies to other
  // requests that arrive meanwhile are kept for later receive_for() calls.
  Reply call(Request request, std::chrono::milliseconds timeout);
  Reply receive_for(uint64_t request_id, std::chrono::milliseconds timeout);

  uint64_t next_request_id() noexcept { return next_id_++; }
  const std::string& address() const noexcept { return address_; }

 private:
  std::string address_;
  int socket_ = -1;
  frame_reader reader_;
  std::map<uint64_t, Reply> early_;
  uint64_t next_id_ = 1;
};

}  // namespace scc::peer

#endif  // SCC_PEER_CLIENT_HPP
