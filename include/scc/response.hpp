// scc/response.hpp - what init and invoke return: Fabric's peer.Response.
#ifndef SCC_RESPONSE_HPP
#define SCC_RESPONSE_HPP

#include <cstdint>
#include <string>

namespace scc {

// Fabric's status bands (shim.OK, shim.ERRORTHRESHOLD, shim.ERROR): below 400 the peer
// endorses the result, from 400 on the transaction's writes and event are discarded.
inline constexpr int32_t OK = 200;
inline constexpr int32_t ERRORTHRESHOLD = 400;
inline constexpr int32_t ERROR = 500;

struct response {
  int32_t status = OK;
  std::string message;
  std::string payload;

  bool ok() const noexcept { return status < ERRORTHRESHOLD; }
};

inline response success(std::string payload = {}) { return {OK, {}, std::move(payload)}; }

inline response error(std::string message) { return {ERROR, std::move(message), {}}; }

}  // namespace scc

#endif  // SCC_RESPONSE_HPP
