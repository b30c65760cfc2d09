// scc/loader.hpp - deprecated: include <scc/host/loader.hpp> and use scc::host::load_plugin,
// scc::host::plugin_library, scc::host::load_error. This header and the scc:: names below are
// kept for one release so that existing hosts keep building; each use warns.
#ifndef SCC_LOADER_HPP
#define SCC_LOADER_HPP

#include "scc/host/loader.hpp"

namespace scc {

using load_error_kind [[deprecated("use scc::host::load_error_kind")]] = host::load_error_kind;
using load_error [[deprecated("use scc::host::load_error")]] = host::load_error;
using plugin_info [[deprecated("use scc::host::plugin_info")]] = host::plugin_info;
using plugin_instance [[deprecated("use scc::host::plugin_instance")]] = host::plugin_instance;
using plugin_library [[deprecated("use scc::host::plugin_library")]] = host::plugin_library;

[[deprecated("use scc::host::load_plugin")]] inline std::unique_ptr<host::plugin_instance>
load_plugin(const std::filesystem::path& path, const scc_host_api_v1* host_api = host::api()) {
  return host::load_plugin(path, host_api);
}

[[deprecated("use scc::host::instantiate")]] inline std::unique_ptr<host::plugin_instance>
instantiate(const scc_plugin_descriptor_v1* descriptor,
            const scc_host_api_v1* host_api = host::api()) {
  return host::instantiate(descriptor, host_api);
}

}  // namespace scc

#endif  // SCC_LOADER_HPP
