// scc/detail/abi_bytes.hpp - scc_type_bytes to and from C++ strings, for both sides of the ABI.
#ifndef SCC_DETAIL_ABI_BYTES_HPP
#define SCC_DETAIL_ABI_BYTES_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "scc/abi.h"

namespace scc::detail {

// A view of bytes lent across the boundary; a view with len 0 may have ptr NULL.
inline std::string_view view(scc_type_bytes bytes) noexcept {
  return bytes.len == 0 ? std::string_view{}
                        : std::string_view(reinterpret_cast<const char*>(bytes.ptr), bytes.len);
}

inline std::string copy(scc_type_bytes bytes) { return std::string(view(bytes)); }

// Lends text across the boundary: valid while text is.
inline scc_type_bytes bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace scc::detail

#endif  // SCC_DETAIL_ABI_BYTES_HPP
