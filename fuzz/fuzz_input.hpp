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

// Length of the well-formed UTF-8 sequence at text[pos] and its code point, or 0 (The Unicode
// Standard, table 3-7). An independent model of what the code under test must accept.
inline std::size_t utf8_sequence(std::string_view text, std::size_t pos, uint32_t& code_point) {
  const auto at = [&](std::size_t i) -> int {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : -1;
  };
  const auto in = [](int byte, int low, int high) { return byte >= low && byte <= high; };
  const int b0 = at(0);
  if (in(b0, 0x00, 0x7F)) {
    code_point = static_cast<uint32_t>(b0);
    return 1;
  }
  int low = 0x80, high = 0xBF;
  std::size_t length = 0;
  if (in(b0, 0xC2, 0xDF)) {
    length = 2;
  } else if (b0 == 0xE0) {
    low = 0xA0, length = 3;
  } else if (in(b0, 0xE1, 0xEC) || in(b0, 0xEE, 0xEF)) {
    length = 3;
  } else if (b0 == 0xED) {
    high = 0x9F, length = 3;
  } else if (b0 == 0xF0) {
    low = 0x90, length = 4;
  } else if (in(b0, 0xF1, 0xF3)) {
    length = 4;
  } else if (b0 == 0xF4) {
    high = 0x8F, length = 4;
  } else {
    return 0;
  }
  if (!in(at(1), low, high)) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!in(at(i), 0x80, 0xBF)) return 0;
  }
  static constexpr uint32_t lead_mask[] = {0, 0, 0x1F, 0x0F, 0x07};
  code_point = static_cast<uint32_t>(b0) & lead_mask[length];
  for (std::size_t i = 1; i < length; ++i) {
    code_point = (code_point << 6) | (static_cast<uint32_t>(at(i)) & 0x3F);
  }
  return length;
}

inline std::size_t utf8_sequence(std::string_view text, std::size_t pos) {
  uint32_t ignored = 0;
  return utf8_sequence(text, pos, ignored);
}

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
