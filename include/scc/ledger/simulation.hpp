// scc/ledger/simulation.hpp - one transaction simulated against a channel's committed state
// (Fabric's TxSimulator): reads see committed state only and are recorded with their versions,
// writes are buffered (last write wins, an empty value deletes), ranges are recorded for
// phantom validation, and finish() hands over the read/write set.
#ifndef SCC_LEDGER_SIMULATION_HPP
#define SCC_LEDGER_SIMULATION_HPP

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/host/transaction.hpp"
#include "scc/ledger/identity.hpp"
#include "scc/ledger/ledger.hpp"
#include "scc/ledger/options.hpp"
#include "scc/ledger/rwset.hpp"

namespace scc::ledger {

class simulation {
 public:
  simulation(channel& on, std::string tx_id, simulation_options options = {})
      : channel_(on), hold_(on.mutex_), tx_id_(std::move(tx_id)), options_(options) {}
  simulation(const simulation&) = delete;
  simulation& operator=(const simulation&) = delete;

  const std::string& tx_id() const noexcept { return tx_id_; }
  ledger::channel& on_channel() const noexcept { return channel_; }

  // ---- Public state ----
  std::optional<std::string_view> get_state(std::string_view ns, std::string_view key) {
    return read(space_of(ns).state, channel_.public_space(ns), key);
  }
  // An empty value deletes the key at commit.
  void set_state(std::string_view ns, std::string_view key, std::string_view value) {
    check_write();
    write(space_of(ns).state, key, value);
  }

  // ---- Private data ----
  std::optional<std::string_view> get_private_data(std::string_view ns, std::string_view collection,
                                                   std::string_view key) {
    return read(space_of(ns).collection(collection), channel_.collection_space(ns, collection),
                key);
  }
  // SHA-256 of the committed value; recorded as a read like the value itself.
  std::optional<std::string> get_private_data_hash(std::string_view ns, std::string_view collection,
                                                   std::string_view key) {
    const key_space* committed = channel_.collection_space(ns, collection);
    const versioned_value* found = committed != nullptr ? committed->find(key) : nullptr;
    space_of(ns).collection(collection).record_read(key, found);
    if (found == nullptr) return std::nullopt;
    return private_data_hash(found->value);
  }
  void set_private_data(std::string_view ns, std::string_view collection, std::string_view key,
                        std::string_view value) {
    check_write();
    write(space_of(ns).collection(collection), key, value);
  }
  void purge_private_data(std::string_view ns, std::string_view collection, std::string_view key) {
    check_write();
    pending_space& space = space_of(ns).collection(collection);
    space.writes.erase(std::remove_if(space.writes.begin(), space.writes.end(),
                                      [key](const kv_write& write) { return write.key == key; }),
                       space.writes.end());
    space.purges.insert(std::string(key));
  }

  // ---- Key-level endorsement (collection "" = public state) ----
  std::optional<std::string_view> get_validation_parameter(std::string_view ns,
                                                           std::string_view collection,
                                                           std::string_view key) {
    const key_space* committed =
        collection.empty() ? channel_.public_space(ns) : channel_.collection_space(ns, collection);
    pending_space& space =
        collection.empty() ? space_of(ns).state : space_of(ns).collection(collection);
    space.record_read(key, committed != nullptr ? committed->find(key) : nullptr);
    const std::string* policy =
        committed != nullptr ? committed->validation_parameter(key) : nullptr;
    if (policy == nullptr) return std::nullopt;
    return std::string_view(*policy);
  }
  void set_validation_parameter(std::string_view ns, std::string_view collection,
                                std::string_view key, std::string_view policy) {
    check_write();
    pending_space& space =
        collection.empty() ? space_of(ns).state : space_of(ns).collection(collection);
    space.metadata_writes.insert_or_assign(std::string(key), std::string(policy));
  }

  // ---- Queries ----
  // [start, end) of public state (collection "") or of a collection; end "" is unbounded. A
  // non-zero page size or a bookmark makes it paginated, which Fabric allows only in read-only
  // transactions and never for private data.
  std::unique_ptr<host::kv_cursor> range(std::string_view ns, std::string_view collection,
                                         std::string_view start_key, std::string_view end_key,
                                         int32_t page_size, std::string_view bookmark);
  // Newest first; only valid transactions.
  std::unique_ptr<host::history_cursor> history(std::string_view ns, std::string_view key);

  // Ends the simulation: releases the channel and returns what it read and wrote. Cursors must
  // have been closed before.
  tx_rwset finish();

  bool performed_writes() const noexcept { return write_performed_; }

  // Lets commits on the channel go on without waiting for this simulation. For a host that
  // gives up on a transaction whose plugin does not return: call it from any thread, once no
  // call into this simulation runs or will run (endorser's execution::abandon sees to that).
  void release_snapshot() noexcept { hold_.release(); }

 private:
  // One public state or collection as this transaction sees it.
  struct pending_space {
    std::vector<kv_read> reads;  // one per key, in the order first read
    // In call order; finish() sorts them by key and keeps the last write of each key. Appending
    // is the cheapest way to take many writes, and bulk writes usually come already sorted.
    std::vector<kv_write> writes;
    bool writes_sorted = true;
    std::map<std::string, std::string, std::less<>> metadata_writes;
    std::set<std::string, std::less<>> purges;

    // Keeps the first read of each key: under the shared lock every read of a key sees the
    // same version.
    void record_read(std::string_view key, std::size_t hash, const versioned_value* committed) {
      if (read_keys.find(hash, [&](uint32_t at) { return reads[at].key == key; })) return;
      read_keys.insert(hash, static_cast<uint32_t>(reads.size()));
      reads.push_back(kv_read{std::string(key), committed != nullptr
                                                    ? std::optional<version>(committed->version)
                                                    : std::nullopt});
    }
    void record_read(std::string_view key, const versioned_value* committed) {
      record_read(key, detail::hash_of(key), committed);
    }
    detail::flat_index<uint32_t> read_keys;
  };
  struct pending_ns {
    pending_space state;
    std::vector<range_query_info> ranges;
    std::map<std::string, pending_space, std::less<>> collections;

    pending_space& collection(std::string_view name) {
      auto found = collections.find(name);
      if (found == collections.end())
        found = collections.emplace(std::string(name), pending_space{}).first;
      return found->second;
    }
  };

  class range_cursor;
  class merged_cursor;
  class history_cursor;

  pending_ns& space_of(std::string_view ns) {
    if (finished_) {
      throw host::error(SCC_STATUS_INTERNAL,
                        "txid [" + tx_id_ + "]: the transaction simulation has already finished");
    }
    if (last_ns_ != nullptr && last_ns_name_ == ns) return *last_ns_;
    auto found = namespaces_.find(ns);
    if (found == namespaces_.end())
      found = namespaces_.emplace(std::string(ns), pending_ns{}).first;
    last_ns_name_ = found->first;
    last_ns_ = &found->second;
    return found->second;
  }

  std::optional<std::string_view> read(pending_space& space, const key_space* committed,
                                       std::string_view key) {
    const std::size_t hash = detail::hash_of(key);
    const versioned_value* found = committed != nullptr ? committed->find(key, hash) : nullptr;
    space.record_read(key, hash, found);
    if (options_.read_your_writes) {
      for (auto own = space.writes.rbegin(); own != space.writes.rend(); ++own) {
        if (own->key != key) continue;
        if (own->is_delete) return std::nullopt;
        return std::string_view(own->value);
      }
    }
    if (found == nullptr) return std::nullopt;
    return found->value;
  }

  static void write(pending_space& space, std::string_view key, std::string_view value) {
    if (!space.writes.empty() && !(std::string_view(space.writes.back().key) < key)) {
      space.writes_sorted = false;
    }
    space.writes.push_back(kv_write{std::string(key), std::string(value), value.empty()});
  }

  // Sorted by key, one write per key: the last one made.
  static std::vector<kv_write> last_writes(pending_space& space) {
    std::vector<kv_write> writes = std::move(space.writes);
    if (space.writes_sorted) return writes;
    std::stable_sort(writes.begin(), writes.end(),
                     [](const kv_write& a, const kv_write& b) { return a.key < b.key; });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      if (i + 1 < writes.size() && writes[i + 1].key == writes[i].key) continue;
      if (kept != i) writes[kept] = std::move(writes[i]);
      ++kept;
    }
    writes.resize(kept);
    return writes;
  }

  // tx_simulator.go checkWritePrecondition.
  void check_write() {
    if (pvt_queries_performed_) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                        "txid [" + tx_id_ +
                            "]: unsuppored transaction. Transaction has already performed queries "
                            "on pvt data. Writes are not allowed");
    }
    if (paginated_queries_performed_) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                        "txid [" + tx_id_ +
                            "]: unsuppored transaction. Transaction has already performed a "
                            "paginated query. Writes are not allowed");
    }
    write_performed_ = true;
  }

  ledger::channel& channel_;
  detail::snapshot_hold hold_;
  std::string tx_id_;
  simulation_options options_;
  std::map<std::string, pending_ns, std::less<>> namespaces_;
  std::string_view last_ns_name_;
  pending_ns* last_ns_ = nullptr;
  bool write_performed_ = false;
  bool paginated_queries_performed_ = false;
  bool pvt_queries_performed_ = false;
  bool finished_ = false;
};

// Rows of committed state, read lazily under the simulation's lock. For public state it
// records what it returned as a range_query_info when closed.
class simulation::range_cursor : public host::kv_cursor {
 public:
  using iterator = key_space::sorted_keys::const_iterator;

  range_cursor(iterator first, iterator last, int32_t limit, bool paginated,
               std::vector<range_query_info>* ranges, std::string start_key, std::string end_key)
      : row_(first),
        last_(last),
        limit_(limit),
        paginated_(paginated),
        ranges_(ranges),
        start_key_(std::move(start_key)),
        end_key_(std::move(end_key)) {
    skip_deleted();
  }

  ~range_cursor() override {
    if (ranges_ == nullptr) return;
    const bool exhausted = row_ == last_;
    // Nothing seen and more to see: the plugin observed nothing, so nothing can conflict.
    if (!exhausted && reads_.empty()) return;
    range_query_info info;
    info.start_key = std::move(start_key_);
    info.itr_exhausted = exhausted;
    info.end_key = exhausted ? std::move(end_key_) : reads_.back().key;
    info.reads = std::move(reads_);
    ranges_->push_back(std::move(info));
  }

  std::optional<host::kv_view> next() override {
    if (row_ == last_ || fetched_ == limit_) return std::nullopt;
    const host::kv_view view{row_->first, row_->second.value};
    if (ranges_ != nullptr) reads_.push_back(kv_read{row_->first, row_->second.version});
    ++row_;
    skip_deleted();
    ++fetched_;
    return view;
  }

  int32_t fetched_records_count() const override { return fetched_; }

  // stateleveldb.go GetBookmarkAndClose: the key after the page, "" when there is none.
  std::string_view bookmark() const override {
    if (!paginated_ || row_ == last_ || fetched_ < limit_) return {};
    return row_->first;
  }

 private:
  iterator row_;
  iterator last_;
  int32_t limit_;
  int32_t fetched_ = 0;
  bool paginated_;
  std::vector<range_query_info>* ranges_;
  std::string start_key_;
  std::string end_key_;
  std::vector<kv_read> reads_;

  void skip_deleted() {
    while (row_ != last_ && row_->second.deleted) ++row_;
  }
};

// Compatibility mode only: committed rows merged with the transaction's own writes, copied.
class simulation::merged_cursor : public host::kv_cursor {
 public:
  merged_cursor(std::vector<std::pair<std::string, std::string>> rows, std::string bookmark)
      : rows_(std::move(rows)), bookmark_(std::move(bookmark)) {}
  std::optional<host::kv_view> next() override {
    if (next_ == rows_.size()) return std::nullopt;
    const auto& row = rows_[next_++];
    return host::kv_view{row.first, row.second};
  }
  int32_t fetched_records_count() const override { return static_cast<int32_t>(next_); }
  std::string_view bookmark() const override { return bookmark_; }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
  std::string bookmark_;
  std::size_t next_ = 0;
};

class simulation::history_cursor : public host::history_cursor {
 public:
  history_cursor(const ledger::channel& on, uint32_t newest) : channel_(on), next_(newest) {}

  std::optional<host::modification_view> next() override {
    if (next_ == no_history) return std::nullopt;
    const channel::history_entry& entry = channel_.history_[next_];
    next_ = entry.previous;
    const transaction_record& tx = channel_.blocks_[entry.block].transactions[entry.tx];
    const kv_write& write = *channel_.write_at(entry);
    return host::modification_view{tx.tx_id, write.is_delete ? std::string_view() : write.value,
                                   tx.timestamp, write.is_delete};
  }

 private:
  const ledger::channel& channel_;
  uint32_t next_;
};

inline std::unique_ptr<host::kv_cursor> simulation::range(
    std::string_view ns, std::string_view collection, std::string_view start_key,
    std::string_view end_key, int32_t page_size, std::string_view bookmark) {
  if (page_size < 0) {
    throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                      "page size must not be negative, got " + std::to_string(page_size));
  }
  const bool paginated = page_size != 0 || !bookmark.empty();  // isMetadataSetForPagination
  const bool is_private = !collection.empty();
  if (is_private) {
    if (paginated) {
      throw host::error(SCC_STATUS_UNSUPPORTED,
                        "paginated queries are not supported on private data collections");
    }
    // tx_simulator.go checkBeforePvtdataQueries.
    if (write_performed_) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                        "txid [" + tx_id_ +
                            "]: unsuppored transaction. Queries on pvt data is supported only in "
                            "a read-only transaction");
    }
    pvt_queries_performed_ = true;
  } else if (paginated) {
    // tx_simulator.go checkBeforePaginatedQueries.
    if (write_performed_) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                        "txid [" + tx_id_ +
                            "]: unsuppored transaction. Paginated queries are supported only in a "
                            "read-only transaction");
    }
    paginated_queries_performed_ = true;
  }

  const int32_t total_limit = channel_.options().total_query_limit;
  const int32_t limit = page_size > 0 ? std::min(page_size, total_limit) : total_limit;
  // A non-empty bookmark replaces the start key and is inclusive.
  const std::string_view start = bookmark.empty() ? start_key : bookmark;
  const key_space* committed =
      is_private ? channel_.collection_space(ns, collection) : channel_.public_space(ns);
  static const key_space::sorted_keys nothing;
  const auto& keys = committed != nullptr ? committed->sorted() : nothing;
  const auto first = keys.lower_bound(start);
  const auto last = end_key.empty()    ? keys.end()
                    : end_key <= start ? first
                                       : keys.lower_bound(end_key);

  if (options_.read_your_writes) {
    // Committed rows overlaid with this transaction's writes in the range, deletes removed.
    const pending_space& own =
        is_private ? space_of(ns).collection(collection) : space_of(ns).state;
    std::map<std::string, std::string, std::less<>> merged;
    for (auto row = first; row != last; ++row) {
      if (!row->second.deleted) merged.emplace(row->first, std::string(row->second.value));
    }
    for (const kv_write& write : own.writes) {
      if (write.key < start || (!end_key.empty() && write.key >= end_key)) continue;
      if (write.is_delete) {
        merged.erase(write.key);
      } else {
        merged.insert_or_assign(write.key, write.value);
      }
    }
    std::vector<std::pair<std::string, std::string>> rows;
    std::string next_key;
    for (auto& row : merged) {
      if (static_cast<int32_t>(rows.size()) == limit) {
        next_key = row.first;
        break;
      }
      rows.emplace_back(row.first, std::move(row.second));
    }
    // Phantom protection covers the committed rows up to the last row handed out (all of the
    // range when every row was), as if the plugin read them all.
    if (!is_private && !(rows.empty() && !next_key.empty())) {  // nothing seen: nothing to check
      range_query_info info;
      info.start_key = std::string(start);
      info.itr_exhausted = next_key.empty();
      info.end_key = info.itr_exhausted ? std::string(end_key) : rows.back().first;
      for (auto row = first; row != last; ++row) {
        if (!info.itr_exhausted && row->first > info.end_key) break;
        if (!row->second.deleted) info.reads.push_back(kv_read{row->first, row->second.version});
      }
      space_of(ns).ranges.push_back(std::move(info));
    }
    return std::make_unique<merged_cursor>(std::move(rows),
                                           paginated ? std::move(next_key) : std::string());
  }
  std::vector<range_query_info>* ranges = is_private ? nullptr : &space_of(ns).ranges;
  return std::make_unique<range_cursor>(first, last, limit, paginated, ranges, std::string(start),
                                        std::string(end_key));
}

inline std::unique_ptr<host::history_cursor> simulation::history(std::string_view ns,
                                                                 std::string_view key) {
  space_of(ns);  // fails after finish()
  const key_space* space = channel_.public_space(ns);
  const versioned_value* found = space != nullptr ? space->slot_if_any(key) : nullptr;
  return std::make_unique<history_cursor>(channel_,
                                          found != nullptr ? found->history_head : no_history);
}

inline tx_rwset simulation::finish() {
  tx_rwset out;
  if (finished_) return out;
  finished_ = true;
  const auto to_metadata = [](std::map<std::string, std::string, std::less<>>& from) {
    std::vector<kv_metadata_write> writes;
    for (auto& [key, policy] : from) writes.push_back(kv_metadata_write{key, std::move(policy)});
    return writes;
  };
  for (auto& [name, pending] : namespaces_) {
    ns_rwset ns;
    ns.ns = name;
    ns.reads = std::move(pending.state.reads);
    ns.range_queries = std::move(pending.ranges);
    ns.writes = last_writes(pending.state);
    ns.metadata_writes = to_metadata(pending.state.metadata_writes);
    for (auto& [collection_name, space] : pending.collections) {
      collection_rwset collection;
      collection.collection = collection_name;
      collection.reads = std::move(space.reads);
      collection.writes = last_writes(space);
      collection.metadata_writes = to_metadata(space.metadata_writes);
      collection.purges.assign(space.purges.begin(), space.purges.end());
      ns.collections.push_back(std::move(collection));
    }
    out.namespaces.push_back(std::move(ns));
  }
  namespaces_.clear();
  last_ns_ = nullptr;
  hold_.release();
  return out;
}

}  // namespace scc::ledger

#endif  // SCC_LEDGER_SIMULATION_HPP
