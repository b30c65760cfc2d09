// server.hpp - scc-peer's TCP front end (Boost.Asio): accepts connections, splits each byte
// stream into frames, hands decoded requests to the peer_node and writes the replies back.
//
// A frame the server cannot take (larger than the limit, cut short by the client, not a
// Request) gets one Error reply with request_id 0, then that connection is closed; nothing
// else is affected. Replies of one connection are written in batches (one write for every
// reply ready), and a connection stops reading while too many of its requests await replies,
// so a client that never reads cannot make the peer buffer without bound.
//
// The server keeps its io_context running (run() does not return for lack of work) from its
// construction until close_connections().
#ifndef SCC_PEER_SERVER_HPP
#define SCC_PEER_SERVER_HPP

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "peer_node.hpp"
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace scc::peer {

class connection;

class server {
 public:
  // Binds listen_address (HOST:PORT; port 0 picks a free one). Throws startup_error.
  server(boost::asio::io_context& io, peer_node& node, const std::string& listen_address,
         uint32_t frame_limit);
  ~server();

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  // Runs the io_context on `threads` threads of the server's own. A proposal's chaincode then
  // runs on the network thread that took the request (peer_node::handle with `here`), with no
  // hand-off to a chaincode thread; when the watchdog gives up on one of these threads, the
  // server starts another in its place, and the stuck one leaves once its plugin returns.
  void run(unsigned threads);
  // After io_context::stop(): waits until the server's threads have left, but for those still
  // inside a plugin the watchdog gave up on (which is why they are detached).
  void join();
  // Stops accepting and stops reading requests; connections stay open for their replies.
  void stop_accepting();
  // Closes every connection once its queued replies are written. Returns false if some were
  // still open at the deadline (they are then closed at once). From then on the server no
  // longer keeps the io_context's run() from returning.
  bool close_connections(std::chrono::milliseconds grace);

 private:
  friend class connection;
  class network_threads;
  // Shared with the connections, which can outlive the server in the io_context's queue.
  struct registry {
    std::mutex mutex;
    std::map<uint64_t, std::weak_ptr<connection>> connections;
    uint64_t next_id = 1;
  };

  void accept();
  std::vector<std::shared_ptr<connection>> live_connections();

  boost::asio::io_context& io_;
  peer_node& node_;
  uint32_t frame_limit_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  // Replies arrive from chaincode and committer threads. Once the server stops reading, a
  // connection awaiting them may have no socket operation pending: without this, run() would
  // return and the replies of transactions already committed would never be written.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  std::shared_ptr<network_threads> threads_;
  std::shared_ptr<registry> registry_ = std::make_shared<registry>();
};

}  // namespace scc::peer

#endif  // SCC_PEER_SERVER_HPP
