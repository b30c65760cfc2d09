// scc/host/transaction.hpp - the host side of the ABI: one init/invoke call, as a C++ object.
//
// A host (the stub ledger, scc-peer, a test) derives from scc::host::transaction and overrides
// what it supports. scc::host::api() is the static C callback table handed to plugins; each
// entry turns its scc_tx* back into the transaction, calls the virtual function, converts any
// exception into a status plus last_error text, and keeps returned views alive as the ABI
// promises (see scc/abi.h, OWNERSHIP).
#ifndef SCC_HOST_TRANSACTION_HPP
#define SCC_HOST_TRANSACTION_HPP

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scc/abi.h"
#include "scc/host/handle_registry.hpp"
#include "scc/response.hpp"
#include "scc/types.hpp"

namespace scc::host {

namespace detail {
struct adapter;
}  // namespace detail

// Thrown by transaction implementations; becomes the status and last_error the plugin sees.
class error : public std::runtime_error {
 public:
  error(scc_type_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  scc_type_status status() const noexcept { return status_; }

 private:
  scc_type_status status_;
};

// What Fabric derives from the signed proposal: the data every call of one transaction shares.
struct proposal {
  std::vector<std::string> args;
  std::string tx_id;
  std::string channel_id;
  std::string creator;  // serialized msp.SerializedIdentity
  std::map<std::string, std::string> transient;
  std::map<std::string, std::string> decorations;
  std::string signed_proposal;
  std::string binding;
  scc::timestamp timestamp;
};

// Views a cursor returns stay valid until its next call to next() or its destruction.
struct kv_view {
  std::string_view key;
  std::string_view value;
};

struct modification_view {
  std::string_view tx_id;
  std::string_view value;
  scc::timestamp timestamp;
  bool is_delete = false;
};

class kv_cursor {
 public:
  virtual ~kv_cursor() = default;
  virtual std::optional<kv_view> next() = 0;
  // Pagination metadata; meaningful for paginated queries only.
  virtual int32_t fetched_records_count() const { return 0; }
  virtual std::string_view bookmark() const { return {}; }
};

class history_cursor {
 public:
  virtual ~history_cursor() = default;
  virtual std::optional<modification_view> next() = 0;
};

// Where plugins' log lines go. plugin is the chaincode name the line is attributed to, empty
// when the plugin could not be told (an ABI 1.0 plugin logging without a transaction).
using log_sink = void (*)(scc::log_level level, std::string_view plugin, std::string_view message);

inline void stderr_log_sink(scc::log_level level, std::string_view plugin,
                            std::string_view message) {
  static constexpr const char* names[] = {"DEBU", "INFO", "WARN", "ERRO"};
  const auto index = static_cast<std::size_t>(level);
  std::fprintf(stderr, "[scc] %s %.*s%s%.*s\n", index < 4 ? names[index] : "????",
               static_cast<int>(plugin.size()), plugin.data(), plugin.empty() ? "" : ": ",
               static_cast<int>(message.size()), message.data());
}

inline log_sink& global_log_sink() noexcept {
  static log_sink sink = &stderr_log_sink;
  return sink;
}

class transaction {
 public:
  explicit transaction(proposal context) : context_(std::move(context)) {}
  virtual ~transaction() { end_call(); }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  // The arguments, tx id and channel id; the rest only once loaded (see load_details).
  const proposal& context() const noexcept { return context_; }

  // The opaque handle handed to the plugin for one init/invoke call, valid on the calling
  // thread until end_call() (or destruction). A plugin that uses it later, or from another
  // thread, gets a clean error instead of reaching this object.
  scc_tx* handle() {
    if (handle_ == nullptr) handle_ = handle_registry::instance().open(this);
    return handle_;
  }
  void end_call() noexcept {
    if (handle_ == nullptr) return;
    handle_registry::instance().close(handle_);
    handle_ = nullptr;
  }

  // The chaincode whose plugin runs this call, for log attribution; plugin_instance sets it.
  // The view must outlive the call.
  void set_plugin(std::string_view name) noexcept { plugin_ = name; }
  std::string_view plugin() const noexcept { return plugin_; }

  // The plugin's answer, once it has called set_response.
  const std::optional<scc::response>& answer() const noexcept { return answer_; }
  // Moves the answer out (a host that is done with the call spares copying it).
  std::optional<scc::response> take_answer() noexcept {
    std::optional<scc::response> taken = std::move(answer_);
    answer_.reset();
    return taken;
  }

  // ---- What a host overrides. Each default reports SCC_STATUS_UNSUPPORTED. ----
  // A returned view must stay valid until the next call on this transaction.
  virtual std::optional<std::string_view> get_state(std::string_view collection,
                                                    std::string_view key);
  virtual void put_state(std::string_view collection, std::string_view key, std::string_view value);
  virtual void del_state(std::string_view collection, std::string_view key);
  virtual void purge_private_data(std::string_view collection, std::string_view key);
  virtual std::optional<std::string_view> get_private_data_hash(std::string_view collection,
                                                                std::string_view key);
  virtual std::optional<std::string_view> get_validation_parameter(std::string_view collection,
                                                                   std::string_view key);
  virtual void set_validation_parameter(std::string_view collection, std::string_view key,
                                        std::string_view policy);
  virtual std::unique_ptr<kv_cursor> range_query(std::string_view collection,
                                                 std::string_view start_key,
                                                 std::string_view end_key, int32_t page_size,
                                                 std::string_view bookmark);
  virtual std::unique_ptr<kv_cursor> rich_query(std::string_view collection, std::string_view query,
                                                int32_t page_size, std::string_view bookmark);
  virtual std::unique_ptr<history_cursor> history_query(std::string_view key);
  virtual void set_event(std::string_view name, std::string_view payload);
  virtual scc::response invoke_chaincode(std::string_view chaincode_name, std::string_view channel,
                                         const std::vector<std::string>& args);
  virtual void log(scc::log_level level, std::string_view message) {
    global_log_sink()(level, plugin_, message);
  }
  // Records the plugin's answer; a host may override to look at it first.
  virtual void set_response(scc::response answer) { answer_ = std::move(answer); }

  // Closes the queries the plugin left open. Hosts call it when init/invoke returns, as the
  // ABI promises, so that no cursor outlives the call (plugin_instance does).
  void close_queries() noexcept {
    if (!cursors_.empty()) cursors_.clear();
  }

 protected:
  // For a host that decodes the proposal straight into the transaction, sparing a move of it.
  transaction() = default;
  proposal& mutable_context() noexcept { return context_; }

  // A host that learns the proposal's details (creator, transient, decorations, signed
  // proposal, binding, timestamp) only on request overrides this to fill them in: it runs at
  // most once per transaction, when the plugin first asks for one of them, so a call that asks
  // for none never pays for decoding them. Arguments, tx id and channel id are always given to
  // the constructor. What it throws reaches the plugin like any host failure, and it runs again
  // on the next request.
  virtual void load_details(proposal& context) { static_cast<void>(context); }

 private:
  friend struct detail::adapter;

  [[noreturn]] static void unsupported(const char* operation) {
    throw error(SCC_STATUS_UNSUPPORTED, std::string(operation) + " is not supported by this host");
  }

  struct open_cursor {
    std::unique_ptr<kv_cursor> rows;
    std::unique_ptr<history_cursor> history;
  };

  proposal context_;
  std::string_view plugin_;
  scc_tx* handle_ = nullptr;
  std::optional<scc::response> answer_;
  std::string last_error_;
  // C views of context_, built on first use. Most calls have a few arguments: their views fit
  // in the transaction, sparing an allocation. Left uninitialised (a transaction is made for
  // every call): only the views arg_list_ covers are ever read, after they are written.
  std::array<scc_type_bytes, 8> few_arg_views_;
  std::vector<scc_type_bytes> arg_views_;  // when there are more
  scc_type_bytes_list arg_list_{nullptr, 0};
  std::vector<scc_type_entry> transient_views_;
  std::vector<scc_type_entry> decoration_views_;
  bool arg_views_built_ = false;
  bool details_loaded_ = false;
  bool entry_views_built_ = false;
  std::unordered_map<std::uintptr_t, open_cursor> cursors_;
  std::uintptr_t next_cursor_id_ = 1;
  scc::response callee_response_;
};

// The C callback table every plugin created by this host receives.
const scc_host_api_v1* api() noexcept;

}  // namespace scc::host

#include "scc/host/transaction-inl.hpp"

#endif  // SCC_HOST_TRANSACTION_HPP
