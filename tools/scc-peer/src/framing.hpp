// framing.hpp - the length-delimited frames of the scc-peer wire protocol (proto/scc_peer.proto):
// a 4-byte big-endian body length, then the body.
#ifndef SCC_PEER_FRAMING_HPP
#define SCC_PEER_FRAMING_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scc::peer {

inline constexpr std::size_t frame_header_size = 4;
inline constexpr uint32_t default_frame_limit = 16u * 1024u * 1024u;

inline void append_frame_header(std::string& out, uint32_t body_size) {
  const char header[frame_header_size] = {
      static_cast<char>(body_size >> 24), static_cast<char>(body_size >> 16),
      static_cast<char>(body_size >> 8), static_cast<char>(body_size)};
  out.append(header, frame_header_size);
}

inline uint32_t read_frame_header(const char* header) {
  const auto byte = [header](std::size_t index) {
    return static_cast<uint32_t>(static_cast<unsigned char>(header[index]));
  };
  return (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
}

// Splits a byte stream into frame bodies. Bytes go in through prepare()/commit() (so a socket
// reads straight into the buffer), complete bodies come out of next(). A header announcing more
// than the limit is reported as soon as it arrives, before any of its body is buffered.
class frame_reader {
 public:
  enum class result { frame, incomplete, oversize };

  explicit frame_reader(uint32_t limit = default_frame_limit) : limit_(limit) {}

  // Room for at least min_space more bytes at the end of the buffer.
  std::pair<char*, std::size_t> prepare(std::size_t min_space = 64 * 1024) {
    if (begin_ > 0 && begin_ == end_) begin_ = end_ = 0;
    if (buffer_.size() - end_ < min_space) {
      if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      if (buffer_.size() - end_ < min_space) buffer_.resize(end_ + min_space);
    }
    return {buffer_.data() + end_, buffer_.size() - end_};
  }

  void commit(std::size_t bytes) { end_ += bytes; }

  void append(std::string_view bytes) {
    auto [space, size] = prepare(bytes.size());
    (void)size;
    std::memcpy(space, bytes.data(), bytes.size());
    commit(bytes.size());
  }

  // The next complete body, valid until the next call to prepare() or append().
  result next(std::string_view& body) {
    if (end_ - begin_ < frame_header_size) return result::incomplete;
    const uint32_t length = read_frame_header(buffer_.data() + begin_);
    if (length > limit_) return result::oversize;
    if (end_ - begin_ - frame_header_size < length) return result::incomplete;
    body = std::string_view(buffer_.data() + begin_ + frame_header_size, length);
    begin_ += frame_header_size + length;
    return result::frame;
  }

  // Bytes of a frame that has not arrived completely.
  std::size_t buffered() const noexcept { return end_ - begin_; }
  // The body length the buffered header announces; 0 while the header itself is incomplete.
  uint32_t announced_length() const noexcept {
    return buffered() >= frame_header_size ? read_frame_header(buffer_.data() + begin_) : 0;
  }
  uint32_t limit() const noexcept { return limit_; }

 private:
  uint32_t limit_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace scc::peer

#endif  // SCC_PEER_FRAMING_HPP
