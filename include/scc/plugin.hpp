// scc/plugin.hpp - everything a system-chaincode plugin author includes.
//
//   #include <scc/plugin.hpp>
//
//   class my_scc {
//    public:
//     scc::response init(scc::stub& stub);    // optional: without it, init succeeds
//     scc::response invoke(scc::stub& stub);
//   };
//   SCC_PLUGIN(my_scc, "myscc");              // optional third argument: the plugin's version
//
// Pulls in nothing but the standard library and scc/abi.h, so plugins pay no Boost, Asio or
// protobuf compile time.
#ifndef SCC_PLUGIN_HPP
#define SCC_PLUGIN_HPP

#include "scc/abi.h"
#include "scc/chaincode_error.hpp"
#include "scc/composite_key.hpp"
#include "scc/detail/trampolines.hpp"
#include "scc/query.hpp"
#include "scc/response.hpp"
#include "scc/stub.hpp"
#include "scc/types.hpp"
#include "scc/version.hpp"

namespace scc {

// The descriptor of plugin class Chaincode, as scc_plugin_entry_v1 returns it. SCC_PLUGIN
// uses this; hosts and test harnesses may call it directly to run a class in-process through
// exactly the same trampolines, without building a shared library. A class is described
// once: later calls return the first descriptor.
//
// A class may declare `static constexpr bool thread_safe = true;` to let the host run its
// init/invoke concurrently; by default the host serialises them.
template <class Chaincode>
const scc_plugin_descriptor_v1* describe_plugin(const char* name,
                                                const char* version = "0.0.0") noexcept {
  static const scc_plugin_descriptor_v1 descriptor = [&] {
    detail::plugin_identity<Chaincode>::name = name;
    using entry = detail::trampolines<Chaincode>;
    return scc_plugin_descriptor_v1{
        SCC_PLUGIN_MAGIC,
        static_cast<uint32_t>(sizeof(scc_plugin_descriptor_v1)),
        SCC_ABI_MAJOR,
        SCC_ABI_MINOR,
        /*min_host_minor=*/0,
        detail::declares_thread_safe<Chaincode>::value ? SCC_PLUGIN_FLAG_THREAD_SAFE : uint16_t{0},
        /*reserved=*/0,
        name,
        version,
        SCC_SDK_VERSION,
        SCC_BUILD_TAG,
        &entry::create,
        &entry::destroy,
        &entry::init,
        &entry::invoke,
    };
  }();
  // Once, after the descriptor exists: a plain store on every call would race.
  static const bool known = (detail::plugin_identity<Chaincode>::descriptor = &descriptor, true);
  static_cast<void>(known);
  return &descriptor;
}

}  // namespace scc

#if defined(_WIN32)
#define SCC_PLUGIN_EXPORT __declspec(dllexport)
#else
#define SCC_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

// Defines the library's one exported symbol, scc_plugin_entry_v1, for class cls under the
// chaincode name name (a string literal). Use it once per library, at namespace scope; a
// second use fails to link instead of silently picking one. Ends with a declaration so that
// the call site needs its semicolon.
#define SCC_PLUGIN(...) \
  SCC_DETAIL_PLUGIN_SELECT(__VA_ARGS__, SCC_DETAIL_PLUGIN3, SCC_DETAIL_PLUGIN2, )(__VA_ARGS__)

#define SCC_DETAIL_PLUGIN_SELECT(_1, _2, _3, chosen, ...) chosen
#define SCC_DETAIL_PLUGIN2(cls, name) SCC_DETAIL_PLUGIN3(cls, name, "0.0.0")
#define SCC_DETAIL_PLUGIN3(cls, name, version)                                             \
  extern "C" SCC_PLUGIN_EXPORT const scc_plugin_descriptor_v1* scc_plugin_entry_v1(void);  \
  extern "C" SCC_PLUGIN_EXPORT const scc_plugin_descriptor_v1* scc_plugin_entry_v1(void) { \
    return ::scc::describe_plugin<cls>(name, version);                                     \
  }                                                                                        \
  extern int scc_detail_plugin_requires_semicolon

#endif  // SCC_PLUGIN_HPP
