// scc/response.hpp - what init and invoke return: Fabric's peer.Response.
#ifndef SCC_RESPONSE_HPP
#define SCC_RESPONSE_HPP

#include <cstdint>
#include <string>

namespace scc {

// Fabric's status bands (shim.OK, shim.ERRORTHRESHOLD, shim.ERROR): below error_threshold the
// peer endorses the result, from it on the transaction's writes and event are discarded.
namespace status {
inline constexpr int32_t ok = 200;
inline constexpr int32_t error_threshold = 400;
inline constexpr int32_t error = 500;
}  // namespace status

// Go's spellings, which read like macros.
[[deprecated("use scc::status::ok")]] inline constexpr int32_t OK = status::ok;
[[deprecated("use scc::status::error_threshold")]] inline constexpr int32_t ERRORTHRESHOLD =
    status::error_threshold;
[[deprecated("use scc::status::error")]] inline constexpr int32_t ERROR = status::error;

struct response {
  int32_t status = status::ok;
  std::string message;
  std::string payload;

  bool ok() const noexcept { return status < status::error_threshold; }
};

inline response success(std::string payload = {}) { return {status::ok, {}, std::move(payload)}; }

inline response error(std::string message) { return {status::error, std::move(message), {}}; }

}  // namespace scc

#endif  // SCC_RESPONSE_HPP
