// scc/ledger/world_state.hpp - the committed keys of one namespace or private collection.
#ifndef SCC_LEDGER_WORLD_STATE_HPP
#define SCC_LEDGER_WORLD_STATE_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scc/ledger/detail/flat_index.hpp"
#include "scc/ledger/rwset.hpp"

namespace scc::ledger {

inline constexpr uint32_t no_history = UINT32_MAX;

struct versioned_value {
  // The committed value lives in its block's write set, which never moves or changes.
  std::string_view value;
  ledger::version version;
  // The newest history entry of the key (an index into its channel's history), kept on the
  // entry itself so that recording history costs no lookup of its own.
  uint32_t history_head = no_history;
  // A deleted key stays as a tombstone: its history outlives it, and the index never shrinks.
  bool deleted = false;
};

// Keys in byte order (LevelDB's order, which range queries follow) with an open-addressing
// hash index beside them, so that a point read costs O(1) and a range of k keys O(log n + k).
// Iterating sorted() yields tombstones too: skip entries whose value is deleted.
class key_space {
 public:
  using sorted_keys = std::map<std::string, versioned_value, std::less<>>;
  using entry = sorted_keys::value_type;

  key_space() = default;
  // The index points into the map's nodes: copying would leave it pointing into another map.
  key_space(const key_space&) = delete;
  key_space& operator=(const key_space&) = delete;
  key_space(key_space&&) = default;
  key_space& operator=(key_space&&) = default;

  // The live value of key, or nullptr when it is absent or deleted.
  const versioned_value* find(std::string_view key) const {
    return live(lookup(key, detail::hash_of(key)));
  }
  // The same, for a caller that has hashed the key already.
  const versioned_value* find(std::string_view key, std::size_t hash) const {
    return live(lookup(key, hash));
  }

  // The entry of key, tombstones included, creating a tombstone if there is none.
  versioned_value& slot(std::string_view key) {
    const std::size_t hash = detail::hash_of(key);
    if (entry* found = lookup(key, hash)) return found->second;
    // Keys often arrive in ascending order (bulk loads, sorted write sets): append in O(1).
    const auto hint =
        sorted_.empty() || sorted_.rbegin()->first < key ? sorted_.end() : sorted_.lower_bound(key);
    versioned_value tombstone;
    tombstone.deleted = true;
    entry& added = *sorted_.emplace_hint(hint, std::string(key), tombstone);
    index_.insert(hash, &added);
    return added.second;
  }
  const versioned_value* slot_if_any(std::string_view key) const {
    const entry* found = lookup(key, detail::hash_of(key));
    return found == nullptr ? nullptr : &found->second;
  }

  void put(versioned_value& at, std::string_view value, ledger::version written) {
    if (at.deleted) ++live_;
    at.value = value;
    at.version = written;
    at.deleted = false;
  }
  void erase(versioned_value& at) {
    if (!at.deleted) --live_;
    at.deleted = true;
    at.value = {};
    validation_parameters_.erase(&at);
  }

  // Sets or (with an empty policy) removes a present key's endorsement policy. Like Fabric,
  // the key gets a new version; metadata of an absent key is dropped.
  void set_validation_parameter(std::string_view key, std::string policy, ledger::version at) {
    entry* found = lookup(key, detail::hash_of(key));
    if (found == nullptr || found->second.deleted) return;
    found->second.version = at;
    if (policy.empty()) {
      validation_parameters_.erase(&found->second);
    } else {
      validation_parameters_.insert_or_assign(&found->second, std::move(policy));
    }
  }

  const std::string* validation_parameter(std::string_view key) const {
    const versioned_value* live = find(key);
    if (live == nullptr) return nullptr;
    const auto found = validation_parameters_.find(live);
    return found == validation_parameters_.end() ? nullptr : &found->second;
  }

  const sorted_keys& sorted() const noexcept { return sorted_; }
  // Live keys.
  std::size_t size() const noexcept { return live_; }

 private:
  static const versioned_value* live(const entry* found) {
    return found == nullptr || found->second.deleted ? nullptr : &found->second;
  }

  entry* lookup(std::string_view key, std::size_t hash) const {
    entry* const* found = index_.find(hash, [key](entry* item) { return item->first == key; });
    return found == nullptr ? nullptr : *found;
  }

  sorted_keys sorted_;
  detail::flat_index<entry*> index_;
  std::size_t live_ = 0;
  // Rare, so kept apart from the values instead of costing every key a field.
  std::unordered_map<const versioned_value*, std::string> validation_parameters_;
};

}  // namespace scc::ledger

#endif  // SCC_LEDGER_WORLD_STATE_HPP
