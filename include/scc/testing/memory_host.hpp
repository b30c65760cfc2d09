// scc/testing/memory_host.hpp - a small in-memory host for unit tests and examples.
//
// Committed state per chaincode namespace in sorted maps, transactions that read committed
// state only (no read-your-writes) and buffer their writes, last write wins, an empty value
// deletes, writes and the event are kept only when the response status is below 400, one
// event per transaction (the last one). It has no MVCC validation, blocks, private data or
// chaincode-to-chaincode calls: those belong to the full stub ledger.
#ifndef SCC_TESTING_MEMORY_HOST_HPP
#define SCC_TESTING_MEMORY_HOST_HPP

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/host/plugin_instance.hpp"
#include "scc/host/transaction.hpp"
#include "scc/response.hpp"
#include "scc/types.hpp"

namespace scc::testing {

// A chaincode event as the transaction left it.
struct chaincode_event {
  std::string name;
  std::string payload;
};

// Committed world state: namespace (chaincode name) -> key -> value, keys in byte order.
class memory_state {
 public:
  using keys = std::map<std::string, std::string, std::less<>>;

  keys& of(std::string_view ns) { return namespaces_[std::string(ns)]; }

  std::optional<std::string> get(std::string_view ns, std::string_view key) const {
    const auto space = namespaces_.find(ns);
    if (space == namespaces_.end()) return std::nullopt;
    const auto found = space->second.find(key);
    if (found == space->second.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::map<std::string, keys, std::less<>> namespaces_;
};

// One transaction of one chaincode against a memory_state.
class memory_transaction : public host::transaction {
 public:
  memory_transaction(memory_state& state, std::string ns, host::proposal context)
      : host::transaction(std::move(context)), state_(state), ns_(std::move(ns)) {}

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override {
    public_only(collection);
    const auto& keys = state_.of(ns_);
    const auto found = keys.find(key);
    if (found == keys.end()) return std::nullopt;
    return std::string_view(found->second);
  }

  void put_state(std::string_view collection, std::string_view key,
                 std::string_view value) override {
    public_only(collection);
    writes_[std::string(key)] = std::string(value);
  }

  void del_state(std::string_view collection, std::string_view key) override {
    public_only(collection);
    writes_[std::string(key)] = std::string();
  }

  std::unique_ptr<host::kv_cursor> range_query(std::string_view collection,
                                               std::string_view start_key, std::string_view end_key,
                                               int32_t page_size,
                                               std::string_view bookmark) override {
    public_only(collection);
    if (page_size < 0) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT, "page size must not be negative");
    }
    const auto& keys = state_.of(ns_);
    const std::string_view start = bookmark.empty() ? start_key : bookmark;
    const auto first = keys.lower_bound(start);
    // An empty end is unbounded; an end at or before the start is an empty range.
    const auto last = end_key.empty()    ? keys.end()
                      : end_key <= start ? first
                                         : keys.lower_bound(end_key);
    return std::make_unique<cursor>(first, last, page_size, keys.end());
  }

  void set_event(std::string_view name, std::string_view payload) override {
    event_ = chaincode_event{std::string(name), std::string(payload)};
  }

  // Applies the write set if the plugin answered below 400; returns whether it did.
  bool commit() {
    if (!answer() || !answer()->ok()) return false;
    auto& keys = state_.of(ns_);
    for (auto& [key, value] : writes_) {
      if (value.empty()) {
        keys.erase(key);
      } else {
        keys.insert_or_assign(key, std::move(value));
      }
    }
    writes_.clear();
    return true;
  }

  const std::optional<chaincode_event>& last_event() const noexcept { return event_; }

 private:
  class cursor : public host::kv_cursor {
   public:
    using iterator = memory_state::keys::const_iterator;
    cursor(iterator first, iterator last, int32_t page_size, iterator end)
        : next_(first), last_(last), end_(end), page_size_(page_size) {}

    std::optional<host::kv_view> next() override {
      if (next_ == last_ || (page_size_ > 0 && fetched_ == page_size_)) return std::nullopt;
      const host::kv_view row{next_->first, next_->second};
      ++next_;
      ++fetched_;
      return row;
    }
    int32_t fetched_records_count() const override { return fetched_; }
    std::string_view bookmark() const override {
      return next_ == last_ || next_ == end_ ? std::string_view{} : std::string_view(next_->first);
    }

   private:
    iterator next_;
    iterator last_;
    iterator end_;
    int32_t page_size_;
    int32_t fetched_ = 0;
  };

  static void public_only(std::string_view collection) {
    if (!collection.empty()) {
      throw host::error(SCC_STATUS_UNSUPPORTED, "private data is not supported by the memory host");
    }
  }

  memory_state& state_;
  std::string ns_;
  std::map<std::string, std::string, std::less<>> writes_;
  std::optional<chaincode_event> event_;
};

// What one invocation produced.
struct invocation {
  scc::response response;
  std::optional<chaincode_event> event;  // kept only when committed
  bool committed = false;
};

// Plugins installed by name over one memory_state. Each invoke is its own transaction and is
// committed when its response is below 400.
class memory_host {
 public:
  void install(std::unique_ptr<plugin_instance> plugin) {
    const std::string name = plugin->info().name;
    plugins_.insert_or_assign(name, std::move(plugin));
  }

  // Like Fabric 1.x deploying a system chaincode: init runs, but what it writes is never
  // committed.
  invocation init(const std::string& chaincode, std::vector<std::string> args = {}) {
    return run(chaincode, std::move(args), /*is_init=*/true, /*commit=*/false);
  }
  invocation invoke(const std::string& chaincode, std::vector<std::string> args) {
    return run(chaincode, std::move(args), /*is_init=*/false, /*commit=*/true);
  }
  // Runs invoke without committing anything.
  scc::response query(const std::string& chaincode, std::vector<std::string> args) {
    return run(chaincode, std::move(args), /*is_init=*/false, /*commit=*/false).response;
  }

  memory_state& state() noexcept { return state_; }
  // The channel and creator every transaction reports.
  void set_channel(std::string channel) { channel_ = std::move(channel); }
  void set_creator(std::string creator) { creator_ = std::move(creator); }

 private:
  invocation run(const std::string& chaincode, std::vector<std::string> args, bool is_init,
                 bool commit) {
    const auto found = plugins_.find(chaincode);
    if (found == plugins_.end()) {
      return {scc::error("chaincode " + chaincode + " not found"), std::nullopt, false};
    }
    host::proposal context;
    context.args = std::move(args);
    context.tx_id = "memtx" + std::to_string(++tx_count_);
    context.channel_id = channel_;
    context.creator = creator_;
    context.timestamp = {static_cast<int64_t>(1700000000 + tx_count_), 0};
    memory_transaction tx(state_, chaincode, std::move(context));
    invocation result;
    result.response = is_init ? found->second->init(tx) : found->second->invoke(tx);
    if (commit && tx.commit()) {
      result.committed = true;
      result.event = tx.last_event();
    }
    return result;
  }

  memory_state state_;
  std::map<std::string, std::unique_ptr<plugin_instance>> plugins_;
  std::string channel_ = "testchannel";
  std::string creator_;
  uint64_t tx_count_ = 0;
};

}  // namespace scc::testing

#endif  // SCC_TESTING_MEMORY_HOST_HPP
