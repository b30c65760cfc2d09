// scc/host/plugin_instance.hpp - checking a plugin descriptor and running instances of it.
//
// Shared by every host: the loader (plugins from shared libraries) and in-process harnesses
// (descriptors from scc::describe_plugin, no shared library). Needs nothing beyond the standard
// library, so hosts that never open a library do not pay for Boost.DLL.
#ifndef SCC_HOST_PLUGIN_INSTANCE_HPP
#define SCC_HOST_PLUGIN_INSTANCE_HPP

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "scc/abi.h"
#include "scc/detail/hex.hpp"
#include "scc/host/plugin_info.hpp"
#include "scc/host/transaction.hpp"
#include "scc/response.hpp"

namespace scc::host {

// Why a plugin was refused. The loader checks the file, then its exports (a wrong major shows
// in the entry symbol's name), then the descriptor (magic, size, major, minor), then create.
enum class load_error_kind {
  file_not_found,
  not_a_shared_library,
  no_entry_symbol,
  abi_major_mismatch,
  bad_magic,
  truncated_descriptor,
  host_too_old,
  create_failed,
};

// A refused plugin. what() names the library, what was expected and found, and the fix.
class load_error : public std::runtime_error {
 public:
  load_error(load_error_kind kind, std::string origin, const std::string& message)
      : std::runtime_error(message), kind_(kind), origin_(std::move(origin)) {}
  load_error_kind kind() const noexcept { return kind_; }
  // The library path, or the name of an in-process plugin.
  const std::string& origin() const noexcept { return origin_; }

 private:
  load_error_kind kind_;
  std::string origin_;
};

namespace detail {

// The first words of every refusal, so that a log search for one finds them all.
inline std::string refused(const std::string& origin) {
  return "incompatible SCC plugin '" + origin + "': ";
}

inline std::string text_or(const char* text, const char* fallback) {
  return text != nullptr ? std::string(text) : std::string(fallback);
}

}  // namespace detail

// The checks made on a descriptor once the entry symbol has been called: magic, size, major,
// minor. On success returns a copy of the descriptor padded with zeros to this host's size,
// so fields an older plugin lacks read as absent.
inline scc_plugin_descriptor_v1 check_descriptor(const scc_plugin_descriptor_v1* descriptor,
                                                 const std::string& origin) {
  const std::string refused = detail::refused(origin);
  if (descriptor == nullptr || descriptor->magic != SCC_PLUGIN_MAGIC) {
    throw load_error(
        load_error_kind::bad_magic, origin,
        refused + "bad descriptor magic. Expected " + scc::detail::hex64(SCC_PLUGIN_MAGIC) +
            " (\"SCCPLUG1\"), found " +
            (descriptor == nullptr ? std::string("a null descriptor")
                                   : scc::detail::hex64(descriptor->magic)) +
            ". " SCC_PLUGIN_ENTRY_SYMBOL
            " does not return an scc descriptor: the library is corrupt or was not built with "
            "SCC_PLUGIN. Rebuild it with scc_add_plugin() and the SCC_PLUGIN macro.");
  }
  if (descriptor->struct_size < SCC_PLUGIN_DESCRIPTOR_V1_0_SIZE) {
    throw load_error(load_error_kind::truncated_descriptor, origin,
                     refused + "truncated descriptor. Expected at least " +
                         std::to_string(SCC_PLUGIN_DESCRIPTOR_V1_0_SIZE) +
                         " bytes (SCC ABI 1.0), found struct_size " +
                         std::to_string(descriptor->struct_size) +
                         ". The library is corrupt or hand-made; rebuild it with "
                         "scc_add_plugin() and the SCC_PLUGIN macro.");
  }
  scc_plugin_descriptor_v1 copy;
  std::memset(&copy, 0, sizeof copy);
  std::memcpy(&copy, descriptor,
              descriptor->struct_size < sizeof copy ? descriptor->struct_size : sizeof copy);
  const std::string identity = "plugin '" + detail::text_or(copy.name, "?") + "' " +
                               detail::text_or(copy.version, "?") + ", SDK " +
                               detail::text_or(copy.sdk_version, "?") + ", build " +
                               detail::text_or(copy.build_tag, "?");
  if (copy.abi_major != SCC_ABI_MAJOR) {
    throw load_error(load_error_kind::abi_major_mismatch, origin,
                     refused + "ABI major mismatch. Host supports SCC ABI " +
                         std::to_string(SCC_ABI_MAJOR) + ", plugin descriptor says ABI " +
                         std::to_string(copy.abi_major) + " (" + identity +
                         "). Rebuild the plugin against an scc SDK with ABI " +
                         std::to_string(SCC_ABI_MAJOR) + ".");
  }
  if (copy.min_host_minor > SCC_ABI_MINOR) {
    throw load_error(load_error_kind::host_too_old, origin,
                     refused + "ABI minor mismatch. Host provides SCC ABI " +
                         std::to_string(SCC_ABI_MAJOR) + "." + std::to_string(SCC_ABI_MINOR) +
                         ", plugin requires >= " + std::to_string(copy.abi_major) + "." +
                         std::to_string(copy.min_host_minor) + " (" + identity +
                         "). Upgrade the host (scc-peer) or rebuild the plugin with an SDK whose "
                         "ABI minor is <= " +
                         std::to_string(SCC_ABI_MINOR) + ".");
  }
  if (copy.create == nullptr || copy.destroy == nullptr || copy.init == nullptr ||
      copy.invoke == nullptr) {
    throw load_error(load_error_kind::truncated_descriptor, origin,
                     refused + "descriptor lacks create/destroy/init/invoke (" + identity +
                         "). Rebuild it with scc_add_plugin() and the SCC_PLUGIN macro.");
  }
  return copy;
}

inline plugin_info describe(const scc_plugin_descriptor_v1& descriptor, std::string origin) {
  return plugin_info{std::move(origin),
                     detail::text_or(descriptor.name, ""),
                     detail::text_or(descriptor.version, ""),
                     detail::text_or(descriptor.sdk_version, ""),
                     detail::text_or(descriptor.build_tag, ""),
                     descriptor.abi_major,
                     descriptor.abi_minor,
                     descriptor.min_host_minor,
                     descriptor.flags};
}

// One instance of a plugin's class, created through its descriptor. Keeps whatever owns the
// plugin's code (the library) alive for as long as it lives. Calls are serialised unless the
// plugin declares itself thread-safe.
class plugin_instance {
 public:
  // Throws load_error (create_failed) with the plugin's own message.
  plugin_instance(std::shared_ptr<const void> code_owner,
                  const scc_plugin_descriptor_v1& descriptor, plugin_info info,
                  const scc_host_api_v1* host = api())
      : code_owner_(std::move(code_owner)), descriptor_(descriptor), info_(std::move(info)) {
    scc_type_bytes error{nullptr, 0};
    scc_type_status status = SCC_STATUS_INTERNAL;
    {
      // The ABI promises plugins that create never runs concurrently for one library; one
      // process-wide lock keeps that promise for every library at once.
      static std::mutex create_mutex;
      const std::lock_guard<std::mutex> lock(create_mutex);
      status = descriptor_.create(host, &instance_, &error);
    }
    if (status != SCC_STATUS_OK || instance_ == nullptr) {
      const std::string message(reinterpret_cast<const char*>(error.ptr), error.len);
      throw load_error(
          load_error_kind::create_failed, info_.origin,
          "SCC plugin '" + info_.name + "' (" + info_.origin + ") failed to create an instance: " +
              (message.empty() ? "no message (status " + std::to_string(status) + ")" : message) +
              ". Fix the plugin's constructor; the host did not start it.");
    }
  }

  ~plugin_instance() { descriptor_.destroy(instance_); }
  plugin_instance(const plugin_instance&) = delete;
  plugin_instance& operator=(const plugin_instance&) = delete;

  const plugin_info& info() const noexcept { return info_; }

  // Runs the plugin's init/invoke for tx and returns its answer. A plugin that threw answers
  // 500 with the exception's text; one that gave no answer at all gets a 500 saying so.
  scc::response init(transaction& tx) { return call(descriptor_.init, tx, "init"); }
  scc::response invoke(transaction& tx) { return call(descriptor_.invoke, tx, "invoke"); }

 private:
  scc::response call(scc_type_status (*entry)(scc_instance*, scc_tx*), transaction& tx,
                     const char* method) {
    std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
    if (!info_.thread_safe()) lock.lock();
    tx.set_plugin(info_.name);
    entry(instance_, tx.handle());
    tx.close_queries();
    tx.end_call();
    if (std::optional<scc::response> answer = tx.take_answer()) return std::move(*answer);
    return scc::error("SCC plugin '" + info_.name + "' returned from " + method +
                      " without a response");
  }

  std::shared_ptr<const void> code_owner_;  // first member: destroyed last
  scc_plugin_descriptor_v1 descriptor_;
  plugin_info info_;
  scc_instance* instance_ = nullptr;
  std::mutex mutex_;
};

// Runs a plugin class compiled into this program, through the same descriptor and
// trampolines a shared library would use: describe it with scc::describe_plugin<T>(name).
inline std::unique_ptr<plugin_instance> instantiate(const scc_plugin_descriptor_v1* descriptor,
                                                    const scc_host_api_v1* host = api()) {
  const std::string origin = "(in-process)";
  const scc_plugin_descriptor_v1 checked = check_descriptor(descriptor, origin);
  return std::make_unique<plugin_instance>(nullptr, checked, describe(checked, origin), host);
}

}  // namespace scc::host

#endif  // SCC_HOST_PLUGIN_INSTANCE_HPP
