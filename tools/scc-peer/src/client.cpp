#include "client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config.hpp"
#include <fmt/core.h>

namespace scc::peer {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

client::client(const std::string& address, std::chrono::milliseconds connect_timeout,
               uint32_t frame_limit)
    : address_(address), reader_(frame_limit) {
  const std::optional<host_port> where = split_host_port(address);
  if (!where) throw client_error("peer address '" + address + "' is not HOST:PORT");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int resolved =
      getaddrinfo(where->host.c_str(), std::to_string(where->port).c_str(), &hints, &found);
  if (resolved != 0) {
    throw client_error(fmt::format("cannot resolve {}: {}", address, gai_strerror(resolved)));
  }
  std::string failure = "no address";
  const auto deadline = std::chrono::steady_clock::now() + connect_timeout;
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    const int fd = ::socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC,
                            candidate->ai_protocol);
    if (fd < 0) {
      failure = std::strerror(errno);
      continue;
    }
    const int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int status = ::connect(fd, candidate->ai_addr, candidate->ai_addrlen);
    if (status != 0 && errno == EINPROGRESS) {
      pollfd wait{fd, POLLOUT, 0};
      status = ::poll(&wait, 1, remaining_ms(deadline));
      if (status == 0) {
        failure = "timed out";
        ::close(fd);
        continue;
      }
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
      status = error == 0 ? 0 : -1;
      errno = error;
    }
    if (status != 0) {
      failure = std::strerror(errno);
      ::close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, flags);
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    socket_ = fd;
    break;
  }
  freeaddrinfo(found);
  if (socket_ < 0) throw client_error(fmt::format("cannot connect to {}: {}", address, failure));
}

client::~client() {
  if (socket_ >= 0) ::close(socket_);
}

void client::send_raw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t wrote = ::send(socket_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      throw client_error(fmt::format("cannot send to {}: {}", address_, std::strerror(errno)));
    }
    sent += static_cast<std::size_t>(wrote);
  }
}

void client::send(const Request& request) {
  std::string frame;
  append_frame_header(frame, static_cast<uint32_t>(request.ByteSizeLong()));
  request.AppendToString(&frame);
  send_raw(frame);
}

void client::shutdown_send() { ::shutdown(socket_, SHUT_WR); }

Reply client::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string_view body;
    const frame_reader::result next = reader_.next(body);
    if (next == frame_reader::result::frame) {
      Reply reply;
      if (!reply.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        throw client_error("the peer at " + address_ + " sent an undecodable reply");
      }
      return reply;
    }
    if (next == frame_reader::result::oversize) {
      throw client_error(fmt::format("the peer at {} sent a frame of {} bytes, over the limit",
                                     address_, reader_.announced_length()));
    }
    pollfd wait{socket_, POLLIN, 0};
    const int ready = ::poll(&wait, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      throw client_error(
          fmt::format("no reply from the peer at {} within {} ms", address_, timeout.count()));
    }
    auto [space, size] = reader_.prepare();
    const ssize_t got = ::recv(socket_, space, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw client_error(fmt::format("cannot read from {}: {}", address_, std::strerror(errno)));
    }
    if (got == 0) throw client_error("the peer at " + address_ + " closed the connection");
    reader_.commit(static_cast<std::size_t>(got));
  }
}

Reply client::receive_for(uint64_t request_id, std::chrono::milliseconds timeout) {
  const auto kept = early_.find(request_id);
  if (kept != early_.end()) {
    Reply reply = std::move(kept->second);
    early_.erase(kept);
    return reply;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Reply reply = receive(std::chrono::milliseconds(remaining_ms(deadline)));
    // request_id 0 answers no request: the peer refused the stream itself.
    if (reply.request_id() == request_id || reply.request_id() == 0) return reply;
    early_.emplace(reply.request_id(), std::move(reply));
  }
}

Reply client::call(Request request, std::chrono::milliseconds timeout) {
  const uint64_t id = next_request_id();
  request.set_request_id(id);
  send(request);
  return receive_for(id, timeout);
}

}  // namespace scc::peer
