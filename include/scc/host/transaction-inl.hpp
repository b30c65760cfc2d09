// scc/host/transaction-inl.hpp - definitions for scc/host/transaction.hpp. Include that instead.
#ifndef SCC_HOST_TRANSACTION_INL_HPP
#define SCC_HOST_TRANSACTION_INL_HPP

#include <utility>

#include "scc/detail/abi_bytes.hpp"
#include "scc/host/transaction.hpp"

namespace scc::host {

inline std::optional<std::string_view> transaction::get_state(std::string_view, std::string_view) {
  unsupported("get_state");
}
inline void transaction::put_state(std::string_view, std::string_view, std::string_view) {
  unsupported("put_state");
}
inline void transaction::del_state(std::string_view, std::string_view) { unsupported("del_state"); }
inline void transaction::purge_private_data(std::string_view, std::string_view) {
  unsupported("purge_private_data");
}
inline std::optional<std::string_view> transaction::get_private_data_hash(std::string_view,
                                                                          std::string_view) {
  unsupported("get_private_data_hash");
}
inline std::optional<std::string_view> transaction::get_validation_parameter(std::string_view,
                                                                             std::string_view) {
  unsupported("get_state_validation_parameter");
}
inline void transaction::set_validation_parameter(std::string_view, std::string_view,
                                                  std::string_view) {
  unsupported("set_state_validation_parameter");
}
inline std::unique_ptr<kv_cursor> transaction::range_query(std::string_view, std::string_view,
                                                           std::string_view, int32_t,
                                                           std::string_view) {
  unsupported("get_state_by_range");
}
inline std::unique_ptr<kv_cursor> transaction::rich_query(std::string_view, std::string_view,
                                                          int32_t, std::string_view) {
  throw error(SCC_STATUS_UNSUPPORTED,
              "rich queries (GetQueryResult) need CouchDB; scc's state database works like "
              "Fabric's LevelDB, which does not support them. Use a range or partial composite "
              "key query instead");
}
inline std::unique_ptr<history_cursor> transaction::history_query(std::string_view) {
  unsupported("get_history_for_key");
}
inline void transaction::set_event(std::string_view, std::string_view) { unsupported("set_event"); }
inline scc::response transaction::invoke_chaincode(std::string_view, std::string_view,
                                                   const std::vector<std::string>&) {
  unsupported("invoke_chaincode");
}

namespace detail {

// The static functions behind api(): each is noexcept and turns exceptions into statuses.
struct adapter {
  static std::string_view view(scc_type_bytes bytes) noexcept { return scc::detail::view(bytes); }
  static scc_type_bytes bytes(std::string_view text) noexcept { return scc::detail::bytes(text); }

  // Why the last call on this thread with an unusable handle failed; last_error reads it.
  static std::string& stale_reason() noexcept {
    static thread_local std::string reason;
    return reason;
  }

  // The transaction behind a handle, or nullptr after recording why there is none.
  static transaction* resolve(scc_tx* tx) noexcept {
    handle_registry::problem why = handle_registry::problem::none;
    transaction* t = handle_registry::instance().resolve(tx, why);
    if (t != nullptr) return t;
    try {
      stale_reason() =
          why == handle_registry::problem::other_thread
              ? "stub used from another thread: a stub is valid only on the thread that runs "
                "its init/invoke"
              : "the stub's transaction has ended: a stub is valid only during the init/invoke "
                "call it was given to";
    } catch (...) {
      stale_reason().clear();
    }
    return nullptr;
  }

  template <class Operation>
  static scc_type_status guard(scc_tx* tx, Operation&& operation) noexcept {
    transaction* found = resolve(tx);
    if (found == nullptr) return SCC_STATUS_INVALID_ARGUMENT;
    transaction& t = *found;
    try {
      t.last_error_.clear();
      return std::forward<Operation>(operation)(t);
    } catch (const error& e) {
      return fail(t, e.status(), e.what());
    } catch (const std::exception& e) {
      return fail(t, SCC_STATUS_INTERNAL, e.what());
    } catch (...) {
      return fail(t, SCC_STATUS_INTERNAL, "the host failed with a non-standard exception");
    }
  }

  static scc_type_status fail(transaction& t, scc_type_status status,
                              const char* message) noexcept {
    try {
      t.last_error_ = message;
    } catch (...) {
      t.last_error_.clear();
    }
    return status;
  }

  static scc_type_status optional_out(const std::optional<std::string_view>& value,
                                      scc_type_bytes* out) noexcept {
    if (!value) return SCC_STATUS_NOT_FOUND;
    *out = bytes(*value);
    return SCC_STATUS_OK;
  }

  static void build_arg_views(transaction& t) {
    if (t.arg_views_built_) return;
    const std::vector<std::string>& args = t.context_.args;
    scc_type_bytes* views = t.few_arg_views_.data();
    if (args.size() > t.few_arg_views_.size()) {
      t.arg_views_.resize(args.size());
      views = t.arg_views_.data();
    }
    for (std::size_t i = 0; i < args.size(); ++i) views[i] = bytes(args[i]);
    t.arg_list_ = {views, args.size()};
    t.arg_views_built_ = true;
  }

  // The proposal with its details, loaded on first use.
  static const proposal& details(transaction& t) {
    if (!t.details_loaded_) {
      t.load_details(t.context_);
      t.details_loaded_ = true;
    }
    return t.context_;
  }

  static void build_entry_views(transaction& t) {
    if (t.entry_views_built_) return;
    const proposal& context = details(t);
    t.transient_views_.reserve(context.transient.size());
    for (const auto& [key, value] : context.transient) {
      t.transient_views_.push_back({bytes(key), bytes(value)});
    }
    t.decoration_views_.reserve(context.decorations.size());
    for (const auto& [key, value] : context.decorations) {
      t.decoration_views_.push_back({bytes(key), bytes(value)});
    }
    t.entry_views_built_ = true;
  }

  static transaction::open_cursor& cursor(transaction& t, scc_iterator* iterator) {
    const auto found = t.cursors_.find(reinterpret_cast<std::uintptr_t>(iterator));
    if (found == t.cursors_.end()) {
      throw error(SCC_STATUS_INVALID_ARGUMENT, "unknown or closed iterator");
    }
    return found->second;
  }

  static scc_iterator* remember(transaction& t, transaction::open_cursor cursor) {
    const std::uintptr_t id = t.next_cursor_id_++;
    t.cursors_.emplace(id, std::move(cursor));
    return reinterpret_cast<scc_iterator*>(id);
  }

  static void last_error(scc_tx* tx, scc_type_bytes* message) noexcept {
    transaction* t = resolve(tx);
    *message = bytes(t != nullptr ? t->last_error_ : stale_reason());
  }

  static void log(scc_tx* tx, scc_type_log_level level, scc_type_bytes message) noexcept {
    const auto lvl = static_cast<scc::log_level>(level < 0 ? 0 : level > 3 ? 3 : level);
    try {
      transaction* t = tx != nullptr ? resolve(tx) : nullptr;
      if (t == nullptr) {
        global_log_sink()(lvl, {}, view(message));
      } else {
        t->log(lvl, view(message));
      }
    } catch (...) {
      // Logging must never fail a plugin.
    }
  }

  static void log_from(const scc_plugin_descriptor_v1* plugin, scc_type_log_level level,
                       scc_type_bytes message) noexcept {
    const auto lvl = static_cast<scc::log_level>(level < 0 ? 0 : level > 3 ? 3 : level);
    try {
      const char* name =
          plugin != nullptr && plugin->magic == SCC_PLUGIN_MAGIC ? plugin->name : nullptr;
      global_log_sink()(lvl, name != nullptr ? std::string_view(name) : std::string_view(),
                        view(message));
    } catch (...) {
      // Logging must never fail a plugin.
    }
  }

  static scc_type_status get_args(scc_tx* tx, scc_type_bytes_list* args) noexcept {
    return guard(tx, [&](transaction& t) {
      build_arg_views(t);
      *args = t.arg_list_;
      return SCC_STATUS_OK;
    });
  }

  template <std::string proposal::*Field>
  static scc_type_status get_field(scc_tx* tx, scc_type_bytes* out) noexcept {
    return guard(tx, [&](transaction& t) {
      *out = bytes(t.context_.*Field);
      return SCC_STATUS_OK;
    });
  }

  template <std::string proposal::*Field>
  static scc_type_status get_detail(scc_tx* tx, scc_type_bytes* out) noexcept {
    return guard(tx, [&](transaction& t) {
      *out = bytes(details(t).*Field);
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status get_transient(scc_tx* tx, scc_type_entry_list* out) noexcept {
    return guard(tx, [&](transaction& t) {
      build_entry_views(t);
      *out = {t.transient_views_.data(), t.transient_views_.size()};
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status get_decorations(scc_tx* tx, scc_type_entry_list* out) noexcept {
    return guard(tx, [&](transaction& t) {
      build_entry_views(t);
      *out = {t.decoration_views_.data(), t.decoration_views_.size()};
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status get_tx_timestamp(scc_tx* tx, scc_type_timestamp* out) noexcept {
    return guard(tx, [&](transaction& t) {
      const scc::timestamp& timestamp = details(t).timestamp;
      *out = {timestamp.seconds, timestamp.nanos, 0};
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status get_state(scc_tx* tx, scc_type_bytes collection, scc_type_bytes key,
                                   scc_type_bytes* value) noexcept {
    return guard(tx, [&](transaction& t) {
      return optional_out(t.get_state(view(collection), view(key)), value);
    });
  }

  static scc_type_status put_state(scc_tx* tx, scc_type_bytes collection, scc_type_bytes key,
                                   scc_type_bytes value) noexcept {
    return guard(tx, [&](transaction& t) {
      t.put_state(view(collection), view(key), view(value));
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status del_state(scc_tx* tx, scc_type_bytes collection,
                                   scc_type_bytes key) noexcept {
    return guard(tx, [&](transaction& t) {
      t.del_state(view(collection), view(key));
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status purge_private_data(scc_tx* tx, scc_type_bytes collection,
                                            scc_type_bytes key) noexcept {
    return guard(tx, [&](transaction& t) {
      t.purge_private_data(view(collection), view(key));
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status get_private_data_hash(scc_tx* tx, scc_type_bytes collection,
                                               scc_type_bytes key, scc_type_bytes* hash) noexcept {
    return guard(tx, [&](transaction& t) {
      return optional_out(t.get_private_data_hash(view(collection), view(key)), hash);
    });
  }

  static scc_type_status get_validation_parameter(scc_tx* tx, scc_type_bytes collection,
                                                  scc_type_bytes key,
                                                  scc_type_bytes* policy) noexcept {
    return guard(tx, [&](transaction& t) {
      return optional_out(t.get_validation_parameter(view(collection), view(key)), policy);
    });
  }

  static scc_type_status set_validation_parameter(scc_tx* tx, scc_type_bytes collection,
                                                  scc_type_bytes key,
                                                  scc_type_bytes policy) noexcept {
    return guard(tx, [&](transaction& t) {
      t.set_validation_parameter(view(collection), view(key), view(policy));
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status range_query_open(scc_tx* tx, scc_type_bytes collection,
                                          scc_type_bytes start_key, scc_type_bytes end_key,
                                          int32_t page_size, scc_type_bytes bookmark,
                                          scc_iterator** iterator) noexcept {
    return guard(tx, [&](transaction& t) {
      auto rows = t.range_query(view(collection), view(start_key), view(end_key), page_size,
                                view(bookmark));
      *iterator = remember(t, {std::move(rows), nullptr});
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status rich_query_open(scc_tx* tx, scc_type_bytes collection,
                                         scc_type_bytes query, int32_t page_size,
                                         scc_type_bytes bookmark,
                                         scc_iterator** iterator) noexcept {
    return guard(tx, [&](transaction& t) {
      auto rows = t.rich_query(view(collection), view(query), page_size, view(bookmark));
      *iterator = remember(t, {std::move(rows), nullptr});
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status history_query_open(scc_tx* tx, scc_type_bytes key,
                                            scc_iterator** iterator) noexcept {
    return guard(tx, [&](transaction& t) {
      *iterator = remember(t, {nullptr, t.history_query(view(key))});
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status iterator_next_kv(scc_tx* tx, scc_iterator* iterator,
                                          scc_type_kv* row) noexcept {
    return guard(tx, [&](transaction& t) {
      auto& open = cursor(t, iterator);
      if (!open.rows) throw error(SCC_STATUS_INVALID_ARGUMENT, "not a key/value iterator");
      const std::optional<kv_view> next = open.rows->next();
      if (!next) return SCC_STATUS_NOT_FOUND;
      *row = {bytes(next->key), bytes(next->value)};
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status iterator_next_modification(scc_tx* tx, scc_iterator* iterator,
                                                    scc_type_key_modification* row) noexcept {
    return guard(tx, [&](transaction& t) {
      auto& open = cursor(t, iterator);
      if (!open.history) throw error(SCC_STATUS_INVALID_ARGUMENT, "not a history iterator");
      const std::optional<modification_view> next = open.history->next();
      if (!next) return SCC_STATUS_NOT_FOUND;
      *row = {bytes(next->tx_id),
              bytes(next->value),
              {next->timestamp.seconds, next->timestamp.nanos, 0},
              next->is_delete ? 1u : 0u,
              0};
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status iterator_page_info(scc_tx* tx, scc_iterator* iterator,
                                            int32_t* fetched_records_count,
                                            scc_type_bytes* bookmark) noexcept {
    return guard(tx, [&](transaction& t) {
      auto& open = cursor(t, iterator);
      if (!open.rows) throw error(SCC_STATUS_INVALID_ARGUMENT, "not a key/value iterator");
      *fetched_records_count = open.rows->fetched_records_count();
      *bookmark = bytes(open.rows->bookmark());
      return SCC_STATUS_OK;
    });
  }

  static void iterator_close(scc_tx* tx, scc_iterator* iterator) noexcept {
    if (transaction* t = resolve(tx)) t->cursors_.erase(reinterpret_cast<std::uintptr_t>(iterator));
  }

  static scc_type_status set_event(scc_tx* tx, scc_type_bytes name,
                                   scc_type_bytes payload) noexcept {
    return guard(tx, [&](transaction& t) {
      t.set_event(view(name), view(payload));
      return SCC_STATUS_OK;
    });
  }

  static scc_type_status invoke_chaincode(scc_tx* tx, scc_type_bytes chaincode_name,
                                          scc_type_bytes channel, scc_type_bytes_list args,
                                          scc_type_response* response) noexcept {
    return guard(tx, [&](transaction& t) {
      std::vector<std::string> copied;
      copied.reserve(args.count);
      for (std::size_t i = 0; i < args.count; ++i) copied.emplace_back(view(args.items[i]));
      t.callee_response_ = t.invoke_chaincode(view(chaincode_name), view(channel), copied);
      *response = {t.callee_response_.status, 0, bytes(t.callee_response_.message),
                   bytes(t.callee_response_.payload)};
      return SCC_STATUS_OK;
    });
  }

  static void set_response(scc_tx* tx, int32_t status, scc_type_bytes message,
                           scc_type_bytes payload) noexcept {
    transaction* found = resolve(tx);
    if (found == nullptr) return;  // a stale answer: the call it belonged to is over
    transaction& t = *found;
    try {
      t.set_response(scc::response{status, std::string(view(message)), std::string(view(payload))});
    } catch (...) {
      // Out of memory copying the answer: report that instead of losing the call.
      t.answer_ = scc::response{scc::status::error, {}, {}};
    }
  }
};

}  // namespace detail

inline const scc_host_api_v1* api() noexcept {
  using detail::adapter;
  static const scc_host_api_v1 table = {
      static_cast<uint32_t>(sizeof(scc_host_api_v1)),
      SCC_ABI_MAJOR,
      SCC_ABI_MINOR,
      &adapter::last_error,
      &adapter::log,
      &adapter::get_args,
      &adapter::get_field<&proposal::tx_id>,
      &adapter::get_field<&proposal::channel_id>,
      &adapter::get_detail<&proposal::creator>,
      &adapter::get_transient,
      &adapter::get_decorations,
      &adapter::get_detail<&proposal::signed_proposal>,
      &adapter::get_detail<&proposal::binding>,
      &adapter::get_tx_timestamp,
      &adapter::get_state,
      &adapter::put_state,
      &adapter::del_state,
      &adapter::purge_private_data,
      &adapter::get_private_data_hash,
      &adapter::get_validation_parameter,
      &adapter::set_validation_parameter,
      &adapter::range_query_open,
      &adapter::rich_query_open,
      &adapter::history_query_open,
      &adapter::iterator_next_kv,
      &adapter::iterator_next_modification,
      &adapter::iterator_page_info,
      &adapter::iterator_close,
      &adapter::set_event,
      &adapter::invoke_chaincode,
      &adapter::set_response,
      &adapter::log_from,
  };
  return &table;
}

}  // namespace scc::host

#endif  // SCC_HOST_TRANSACTION_INL_HPP
