// fuzz/fuzz_input.hpp - what the fuzz targets share: reading structured values out of the
// fuzzer's bytes, and failing an invariant loudly.
//
// Plain C++17, no libFuzzer header, so that the targets also build with gcc as corpus replay
// tests (fuzz/replay_main.cpp).
#ifndef SCC_FUZZ_FUZZ_INPUT_HPP
#define SCC_FUZZ_FUZZ_INPUT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace scc_fuzz {

// Consumes the input front to back. Once it is used up every read returns zeros or empty
// strings, so a decoder never needs to check for the end itself.
class input {
 public:
  input(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const noexcept { return pos_ >= size_; }
  std::size_t remaining() const noexcept { return size_ - pos_; }

  uint8_t byte() noexcept { return pos_ < size_ ? data_[pos_++] : 0; }

  // A value in [0, bound), bound > 0.
  std::size_t below(std::size_t bound) noexcept { return byte() % bound; }

  bool flag() noexcept { return (byte() & 1) != 0; }

  // Up to max_length bytes: a length byte, then that many bytes (fewer at the end).
  std::string bytes(std::size_t max_length) {
    const std::size_t wanted = byte() % (max_length + 1);
    const std::size_t n = wanted < remaining() ? wanted : remaining();
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

  // Everything not consumed yet.
  std::string rest() {
    std::string out(reinterpret_cast<const char*>(data_ + pos_), remaining());
    pos_ = size_;
    return out;
  }

 private:
  const uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Bytes as a C string literal body, for failure reports.
inline std::string escaped(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
  return out;
}

// A broken invariant: print it and abort, which libFuzzer reports as a crash with the input.
[[noreturn]] inline void fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace scc_fuzz

// FUZZ_CHECK(condition, detail): detail is any expression convertible to std::string and is
// evaluated only on failure.
#define FUZZ_CHECK(condition, detail)                                             \
  do {                                                                            \
    if (!(condition)) ::scc_fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)

#endif  // SCC_FUZZ_FUZZ_INPUT_HPP
