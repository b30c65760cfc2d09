// scc/host/plugin_info.hpp - what a host knows about a loaded plugin, apart from the code that
// loads and runs it, so that code which only reports it (a test's harness) stays light.
#ifndef SCC_HOST_PLUGIN_INFO_HPP
#define SCC_HOST_PLUGIN_INFO_HPP

#include <cstdint>
#include <string>

#include "scc/abi.h"

namespace scc::host {

// A plugin's identity, copied out of its descriptor.
struct plugin_info {
  std::string origin;  // library path, or "(in-process)"
  std::string name;
  std::string version;
  std::string sdk_version;
  std::string build_tag;
  uint16_t abi_major = 0;
  uint16_t abi_minor = 0;
  uint16_t min_host_minor = 0;
  uint16_t flags = 0;

  bool thread_safe() const noexcept { return (flags & SCC_PLUGIN_FLAG_THREAD_SAFE) != 0; }
};

}  // namespace scc::host

#endif  // SCC_HOST_PLUGIN_INFO_HPP
