// scc/detail/trampolines.hpp - the noexcept C functions behind a plugin's descriptor.
//
// This is the exception barrier: nothing thrown by the author's class ever leaves these
// functions. A thrown scc::response is the answer, as if returned; a std::exception becomes a
// 500 carrying what(); anything else becomes a 500 naming the plugin and the method.
#ifndef SCC_DETAIL_TRAMPOLINES_HPP
#define SCC_DETAIL_TRAMPOLINES_HPP

#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#include "scc/abi.h"
#include "scc/response.hpp"
#include "scc/stub.hpp"
#include "scc/version.hpp"

namespace scc::detail {

// Text assembled without allocating, so that reporting an error can never throw. Truncates.
class fixed_text {
 public:
  fixed_text& operator<<(std::string_view part) noexcept {
    const std::size_t room = sizeof(buffer_) - 1 - size_;
    const std::size_t n = part.size() < room ? part.size() : room;
    std::memcpy(buffer_ + size_, part.data(), n);
    size_ += n;
    buffer_[size_] = '\0';
    return *this;
  }
  std::string_view view() const noexcept { return {buffer_, size_}; }
  void clear() noexcept { size_ = 0; }

 private:
  char buffer_[1024] = {};
  std::size_t size_ = 0;
};

template <class T, class = void>
struct has_init : std::false_type {};
template <class T>
struct has_init<T, std::void_t<decltype(std::declval<T&>().init(std::declval<stub&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_invoke : std::false_type {};
template <class T>
struct has_invoke<T, std::void_t<decltype(std::declval<T&>().invoke(std::declval<stub&>()))>>
    : std::true_type {};

template <class T, class = void>
struct declares_thread_safe : std::false_type {};
template <class T>
struct declares_thread_safe<T, std::void_t<decltype(T::thread_safe)>>
    : std::bool_constant<T::thread_safe> {};

// The name a plugin class was described with, for error messages.
template <class T>
struct plugin_identity {
  static inline const char* name = "(unnamed)";
  // The descriptor describe_plugin<T> made: what log_from attributes lines with.
  static inline const scc_plugin_descriptor_v1* descriptor = nullptr;
};

// A log line outside any init/invoke. Hosts of ABI 1.1 and later are told which plugin wrote
// it; older ones get it unattributed.
template <class T>
void log_outside_call(const scc_host_api_v1* host, scc_type_log_level level,
                      std::string_view message) noexcept {
  if (host->struct_size >= SCC_HOST_API_V1_1_SIZE && plugin_identity<T>::descriptor != nullptr) {
    host->log_from(plugin_identity<T>::descriptor, level, detail::bytes(message));
  } else {
    host->log(nullptr, level, detail::bytes(message));
  }
}

template <class T>
struct instance_box {
  explicit instance_box(const scc_host_api_v1* h) : host(h) {}
  const scc_host_api_v1* host;
  T object;
};

template <class T>
struct trampolines {
  static_assert(has_invoke<T>::value,
                "an scc plugin class needs a member `scc::response invoke(scc::stub&)`");

  static scc_type_status create(const scc_host_api_v1* host, scc_instance** instance,
                                scc_type_bytes* error) noexcept {
    *instance = nullptr;
    // Thread-local so that the text outlives this call, as the ABI promises, without an
    // allocation; trivially destructible so it needs no cleanup at thread exit.
    static thread_local fixed_text message;
    message.clear();
    const std::string_view name = plugin_identity<T>::name;
    if (host == nullptr || host->abi_major != SCC_ABI_MAJOR ||
        host->struct_size < SCC_HOST_API_V1_0_SIZE) {
      message << "plugin '" << name << "' needs a host callback table of SCC ABI "
              << std::string_view(SCC_DETAIL_STR(SCC_ABI_MAJOR)) << ".x, but the host passed "
              << (host == nullptr ? "none" : "a table of another major or a truncated table");
      *error = detail::bytes(message.view());
      return SCC_STATUS_INVALID_ARGUMENT;
    }
    try {
      *instance = reinterpret_cast<scc_instance*>(new instance_box<T>(host));
      return SCC_STATUS_OK;
    } catch (const std::exception& e) {
      message << "constructor of plugin '" << name << "' threw: " << e.what();
    } catch (...) {
      message << "constructor of plugin '" << name << "' threw a non-standard exception";
    }
    *error = detail::bytes(message.view());
    return SCC_STATUS_PLUGIN_EXCEPTION;
  }

  static void destroy(scc_instance* instance) noexcept {
    auto* box = reinterpret_cast<instance_box<T>*>(instance);
    if (box == nullptr) return;
    const scc_host_api_v1* host = box->host;
    try {
      delete box;
    } catch (...) {
      fixed_text message;
      message << "destructor of plugin '" << plugin_identity<T>::name
              << "' threw; the instance was released anyway";
      log_outside_call<T>(host, SCC_LOG_ERROR, message.view());
    }
  }

  static scc_type_status init(scc_instance* instance, scc_tx* tx) noexcept {
    if constexpr (has_init<T>::value) {
      return call(instance, tx, "init", [](T& object, stub& s) { return object.init(s); });
    } else {
      return call(instance, tx, "init", [](T&, stub&) { return success(); });
    }
  }

  static scc_type_status invoke(scc_instance* instance, scc_tx* tx) noexcept {
    return call(instance, tx, "invoke", [](T& object, stub& s) { return object.invoke(s); });
  }

 private:
  template <class Method>
  static scc_type_status call(scc_instance* instance, scc_tx* tx, std::string_view method,
                              Method run) noexcept {
    auto* box = reinterpret_cast<instance_box<T>*>(instance);
    const scc_host_api_v1* host = box->host;
    try {
      stub s(host, tx);
      const response answer = run(box->object, s);
      host->set_response(tx, answer.status, detail::bytes(answer.message),
                         detail::bytes(answer.payload));
      return SCC_STATUS_OK;
    } catch (const response& thrown) {
      // `throw scc::error("...")` compiles, so it must mean what it says: the thrown response
      // is the answer, exactly as if it had been returned.
      host->set_response(tx, thrown.status, detail::bytes(thrown.message),
                         detail::bytes(thrown.payload));
      return SCC_STATUS_OK;
    } catch (const std::exception& e) {
      host->set_response(tx, status::error, detail::bytes(e.what()), scc_type_bytes{nullptr, 0});
    } catch (...) {
      fixed_text message;
      message << "plugin '" << plugin_identity<T>::name << "' threw a non-standard exception from "
              << method;
      host->set_response(tx, status::error, detail::bytes(message.view()),
                         scc_type_bytes{nullptr, 0});
    }
    return SCC_STATUS_PLUGIN_EXCEPTION;
  }
};

}  // namespace scc::detail

#endif  // SCC_DETAIL_TRAMPOLINES_HPP
