// scc/ledger/ledger.hpp - channels of committed world state, history and blocks, with Fabric's
// MVCC and phantom-read validation at commit.
//
// A channel is safe to use from many threads: simulations read under a shared lock (like
// Fabric's LockBasedTxMgr, a simulation holds it from start to finish, so it sees one
// consistent committed state), and commit takes the lock exclusively.
#ifndef SCC_LEDGER_LEDGER_HPP
#define SCC_LEDGER_LEDGER_HPP

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scc/ledger/block.hpp"
#include "scc/ledger/detail/snapshot_lock.hpp"
#include "scc/ledger/options.hpp"
#include "scc/ledger/rwset.hpp"
#include "scc/ledger/validation_code.hpp"
#include "scc/ledger/world_state.hpp"
#include "scc/types.hpp"

namespace scc::ledger {

class simulation;

class channel {
 public:
  // Called with each validated block before it is applied; if it throws, the commit fails and
  // the channel is unchanged. scc-peer makes blocks durable here.
  using block_sink = std::function<void(const block&)>;

  explicit channel(std::string name, ledger_options options = {})
      : name_(std::move(name)), options_(options) {
    blocks_.push_back(block{0, {}});  // the genesis block: every channel starts at height 1
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  const std::string& name() const noexcept { return name_; }
  const ledger_options& options() const noexcept { return options_; }

  uint64_t height() const {
    const std::shared_lock<detail::snapshot_lock> lock(mutex_);
    return blocks_.size();
  }

  void set_block_sink(block_sink sink) {
    const std::unique_lock<detail::snapshot_lock> lock(mutex_);
    sink_ = std::move(sink);
  }

  // Validates the transactions in order (duplicate tx id, MVCC, phantom reads; a preceding
  // valid transaction of the same block counts as committed) and commits the valid ones as
  // the next block.
  block_result commit(std::vector<endorsement> transactions);

  // Re-applies a block that was validated before (scc-peer's restart). Its number must be the
  // current height.
  void restore(block stored);

  // ---- Committed state, for tests and tools ----
  std::optional<std::string> state(std::string_view ns, std::string_view key) const;
  std::optional<std::string> private_data(std::string_view ns, std::string_view collection,
                                          std::string_view key) const;
  std::optional<std::string> validation_parameter(std::string_view ns, std::string_view collection,
                                                  std::string_view key) const;
  // Newest first; only valid transactions.
  std::vector<scc::key_modification> history(std::string_view ns, std::string_view key) const;
  std::optional<block> block_at(uint64_t number) const;
  std::optional<transaction_record> transaction(std::string_view tx_id) const;
  // Number of keys in a namespace.
  std::size_t size(std::string_view ns) const;

 private:
  friend class simulation;

  // One write of a key. The block's rwset holds the value, so history costs no copy; entries
  // of one key are chained newest first from versioned_value::history_head.
  struct history_entry {
    uint64_t block;
    uint32_t tx;
    uint32_t ns_index;
    uint32_t write_index;
    uint32_t previous;
  };
  // Keys written by the valid transactions validated so far in the block being committed,
  // per key space.
  using block_updates = std::map<std::string, std::set<std::string, std::less<>>, std::less<>>;

  static std::string private_space(std::string_view ns, std::string_view collection) {
    std::string id(ns);
    id.push_back('\0');
    id.append(collection);
    return id;
  }

  const key_space* public_space(std::string_view ns) const {
    const auto found = public_.find(ns);
    return found == public_.end() ? nullptr : &found->second;
  }
  const key_space* collection_space(std::string_view ns, std::string_view collection) const {
    const auto found = private_.find(private_space(ns, collection));
    return found == private_.end() ? nullptr : &found->second;
  }

  validation_code validate(const endorsement& tx, const block_updates& updates) const;
  static bool reads_unchanged(const key_space* space,
                              const std::set<std::string, std::less<>>* updated,
                              const std::vector<kv_read>& reads);
  static bool range_unchanged(const key_space* space,
                              const std::set<std::string, std::less<>>* updated,
                              const range_query_info& range);
  static void note_updates(const tx_rwset& rwset, block_updates& updates);
  void apply(const block& committed);
  const kv_write* write_at(const history_entry& entry) const;
  const transaction_record* find_transaction(std::string_view tx_id) const {
    const auto* found =
        tx_index_.find(detail::hash_of(tx_id), [&](const std::pair<uint64_t, uint32_t>& at) {
          return blocks_[at.first].transactions[at.second].tx_id == tx_id;
        });
    return found == nullptr ? nullptr : &blocks_[found->first].transactions[found->second];
  }

  std::string name_;
  ledger_options options_;
  mutable detail::snapshot_lock mutex_;
  block_sink sink_;
  std::map<std::string, key_space, std::less<>> public_;
  std::map<std::string, key_space, std::less<>> private_;  // by private_space(ns, collection)
  std::vector<history_entry> history_;
  // (block, transaction) of every transaction id, valid or not.
  detail::flat_index<std::pair<uint64_t, uint32_t>> tx_index_;
  // A deque: committed blocks never move, so state and history can point into their rwsets.
  std::deque<block> blocks_;
};

// All channels of one peer, created on first use.
class peer_ledger {
 public:
  explicit peer_ledger(ledger_options options = {}) : options_(options) {}

  channel& open_channel(std::string_view name) {
    const std::lock_guard<std::mutex> lock(mutex_);
    auto found = channels_.find(name);
    if (found == channels_.end()) {
      found =
          channels_
              .emplace(std::string(name), std::make_unique<channel>(std::string(name), options_))
              .first;
    }
    return *found->second;
  }

  channel* find_channel(std::string_view name) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = channels_.find(name);
    return found == channels_.end() ? nullptr : found->second.get();
  }

  std::vector<std::string> channel_names() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> names;
    for (const auto& entry : channels_) names.push_back(entry.first);
    return names;
  }

  const ledger_options& options() const noexcept { return options_; }

 private:
  ledger_options options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<channel>, std::less<>> channels_;
};

// ---- channel: validation ----

inline bool channel::reads_unchanged(const key_space* space,
                                     const std::set<std::string, std::less<>>* updated,
                                     const std::vector<kv_read>& reads) {
  for (const kv_read& read : reads) {
    // validator.go validateKVRead: a key a preceding valid transaction of this block wrote is
    // a conflict whatever its version.
    if (updated != nullptr && updated->count(read.key) != 0) return false;
    const versioned_value* committed = space != nullptr ? space->find(read.key) : nullptr;
    const std::optional<version> now =
        committed != nullptr ? std::optional<version>(committed->version) : std::nullopt;
    if (now != read.version) return false;
  }
  return true;
}

inline bool channel::range_unchanged(const key_space* space,
                                     const std::set<std::string, std::less<>>* updated,
                                     const range_query_info& range) {
  // Re-run the range on committed state. An exhausted range covers [start, end) (end "" is
  // unbounded); one the plugin stopped early covers [start, last key seen].
  const auto within = [&range](std::string_view key) {
    if (range.itr_exhausted) return range.end_key.empty() || key < range.end_key;
    return key <= std::string_view(range.end_key);
  };
  std::size_t index = 0;
  if (space != nullptr) {
    for (auto row = space->sorted().lower_bound(range.start_key);
         row != space->sorted().end() && within(row->first); ++row) {
      if (row->second.deleted) continue;
      ++index;
      if (index > range.reads.size() || range.reads[index - 1].key != row->first ||
          range.reads[index - 1].version != std::optional<version>(row->second.version)) {
        return false;
      }
    }
  }
  if (index != range.reads.size()) return false;
  // A key in the range that a preceding valid transaction of this block wrote changes the
  // result. (Fabric would let a delete of an absent key pass; treating it as a conflict too is
  // the conservative side.)
  if (updated != nullptr) {
    const auto key = updated->lower_bound(range.start_key);
    if (key != updated->end() && within(*key)) return false;
  }
  return true;
}

inline validation_code channel::validate(const endorsement& tx,
                                         const block_updates& updates) const {
  if (tx.response.status >= scc::status::error_threshold) {
    // No peer endorses a failed proposal, so it cannot satisfy any policy.
    return validation_code::endorsement_policy_failure;
  }
  if (find_transaction(tx.tx_id) != nullptr) return validation_code::duplicate_txid;
  const auto updated_in = [&updates](const std::string& space) {
    const auto found = updates.find(space);
    return found == updates.end() ? nullptr : &found->second;
  };
  for (const ns_rwset& ns : tx.rwset->namespaces) {
    if (!reads_unchanged(public_space(ns.ns), updated_in(ns.ns), ns.reads)) {
      return validation_code::mvcc_read_conflict;
    }
    for (const collection_rwset& collection : ns.collections) {
      const std::string space = private_space(ns.ns, collection.collection);
      if (!reads_unchanged(collection_space(ns.ns, collection.collection), updated_in(space),
                           collection.reads)) {
        return validation_code::mvcc_read_conflict;
      }
    }
  }
  for (const ns_rwset& ns : tx.rwset->namespaces) {
    for (const range_query_info& range : ns.range_queries) {
      if (!range_unchanged(public_space(ns.ns), updated_in(ns.ns), range)) {
        return validation_code::phantom_read_conflict;
      }
    }
  }
  return validation_code::valid;
}

inline void channel::note_updates(const tx_rwset& rwset, block_updates& updates) {
  for (const ns_rwset& ns : rwset.namespaces) {
    auto& keys = updates[ns.ns];
    for (const kv_write& write : ns.writes) keys.insert(write.key);
    for (const kv_metadata_write& write : ns.metadata_writes) keys.insert(write.key);
    for (const collection_rwset& collection : ns.collections) {
      auto& private_keys = updates[private_space(ns.ns, collection.collection)];
      for (const kv_write& write : collection.writes) private_keys.insert(write.key);
      for (const kv_metadata_write& write : collection.metadata_writes) {
        private_keys.insert(write.key);
      }
      for (const std::string& key : collection.purges) private_keys.insert(key);
    }
  }
}

inline block_result channel::commit(std::vector<endorsement> transactions) {
  const std::unique_lock<detail::snapshot_lock> lock(mutex_);
  block next{blocks_.size(), {}};
  next.transactions.reserve(transactions.size());
  block_result result{next.number, {}};
  block_updates updates;
  std::set<std::string> ids_in_block;
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    endorsement& tx = transactions[i];
    const bool last = i + 1 == transactions.size();
    validation_code code = validate(tx, updates);
    const bool repeated_in_block =
        last ? ids_in_block.count(tx.tx_id) != 0 : !ids_in_block.insert(tx.tx_id).second;
    if (code == validation_code::valid && repeated_in_block) code = validation_code::duplicate_txid;
    // Only later transactions of the block look at what this one wrote.
    if (code == validation_code::valid && !last) note_updates(*tx.rwset, updates);
    result.codes.push_back(code);
    next.transactions.push_back(transaction_record{std::move(tx.tx_id), std::move(tx.chaincode),
                                                   tx.timestamp, code, tx.rwset,
                                                   std::move(tx.event)});
  }
  if (sink_) sink_(next);
  blocks_.push_back(std::move(next));
  apply(blocks_.back());
  return result;
}

inline void channel::restore(block stored) {
  const std::unique_lock<detail::snapshot_lock> lock(mutex_);
  if (stored.number != blocks_.size()) {
    throw std::invalid_argument("channel " + name_ + ": cannot restore block " +
                                std::to_string(stored.number) + " at height " +
                                std::to_string(blocks_.size()));
  }
  blocks_.push_back(std::move(stored));
  apply(blocks_.back());
}

// ---- channel: applying a block ----

inline void channel::apply(const block& committed) {
  for (uint32_t tx_number = 0; tx_number < committed.transactions.size(); ++tx_number) {
    const transaction_record& tx = committed.transactions[tx_number];
    // Fabric indexes every transaction id of a block, valid or not, so a replay of an invalid
    // one is a duplicate too.
    if (find_transaction(tx.tx_id) == nullptr) {
      tx_index_.insert(detail::hash_of(tx.tx_id), std::make_pair(committed.number, tx_number));
    }
    if (tx.code != validation_code::valid) continue;
    const version at{committed.number, tx_number};
    for (uint32_t ns_index = 0; ns_index < tx.rwset->namespaces.size(); ++ns_index) {
      const ns_rwset& ns = tx.rwset->namespaces[ns_index];
      key_space& space = public_[ns.ns];
      for (uint32_t write_index = 0; write_index < ns.writes.size(); ++write_index) {
        const kv_write& write = ns.writes[write_index];
        versioned_value& entry = space.slot(write.key);
        if (write.is_delete) {
          space.erase(entry);
        } else {
          space.put(entry, write.value, at);
        }
        history_.push_back(
            history_entry{committed.number, tx_number, ns_index, write_index, entry.history_head});
        entry.history_head = static_cast<uint32_t>(history_.size() - 1);
      }
      for (const kv_metadata_write& write : ns.metadata_writes) {
        space.set_validation_parameter(write.key, write.validation_parameter, at);
      }
      for (const collection_rwset& collection : ns.collections) {
        key_space& private_keys = private_[private_space(ns.ns, collection.collection)];
        for (const kv_write& write : collection.writes) {
          versioned_value& entry = private_keys.slot(write.key);
          if (write.is_delete) {
            private_keys.erase(entry);
          } else {
            private_keys.put(entry, write.value, at);
          }
        }
        for (const kv_metadata_write& write : collection.metadata_writes) {
          private_keys.set_validation_parameter(write.key, write.validation_parameter, at);
        }
        for (const std::string& key : collection.purges) private_keys.erase(private_keys.slot(key));
      }
    }
  }
}

// ---- channel: committed reads ----

inline std::optional<std::string> channel::state(std::string_view ns, std::string_view key) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  const key_space* space = public_space(ns);
  const versioned_value* found = space != nullptr ? space->find(key) : nullptr;
  if (found == nullptr) return std::nullopt;
  return std::string(found->value);
}

inline std::optional<std::string> channel::private_data(std::string_view ns,
                                                        std::string_view collection,
                                                        std::string_view key) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  const key_space* space = collection_space(ns, collection);
  const versioned_value* found = space != nullptr ? space->find(key) : nullptr;
  if (found == nullptr) return std::nullopt;
  return std::string(found->value);
}

inline std::optional<std::string> channel::validation_parameter(std::string_view ns,
                                                                std::string_view collection,
                                                                std::string_view key) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  const key_space* space = collection.empty() ? public_space(ns) : collection_space(ns, collection);
  const std::string* found = space != nullptr ? space->validation_parameter(key) : nullptr;
  if (found == nullptr) return std::nullopt;
  return *found;
}

inline const kv_write* channel::write_at(const history_entry& entry) const {
  return &blocks_[entry.block]
              .transactions[entry.tx]
              .rwset->namespaces[entry.ns_index]
              .writes[entry.write_index];
}

inline std::vector<scc::key_modification> channel::history(std::string_view ns,
                                                           std::string_view key) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  std::vector<scc::key_modification> out;
  const key_space* space = public_space(ns);
  const versioned_value* found = space != nullptr ? space->slot_if_any(key) : nullptr;
  for (uint32_t at = found != nullptr ? found->history_head : no_history; at != no_history;
       at = history_[at].previous) {
    const history_entry* entry = &history_[at];
    const transaction_record& tx = blocks_[entry->block].transactions[entry->tx];
    const kv_write& write = *write_at(*entry);
    out.push_back(scc::key_modification{tx.tx_id, write.is_delete ? std::string() : write.value,
                                        tx.timestamp, write.is_delete});
  }
  return out;
}

inline std::optional<block> channel::block_at(uint64_t number) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  if (number >= blocks_.size()) return std::nullopt;
  return blocks_[number];
}

inline std::optional<transaction_record> channel::transaction(std::string_view tx_id) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  const transaction_record* found = find_transaction(tx_id);
  if (found == nullptr) return std::nullopt;
  return *found;
}

inline std::size_t channel::size(std::string_view ns) const {
  const std::shared_lock<detail::snapshot_lock> lock(mutex_);
  const key_space* space = public_space(ns);
  return space != nullptr ? space->size() : 0;
}

}  // namespace scc::ledger

#endif  // SCC_LEDGER_LEDGER_HPP
