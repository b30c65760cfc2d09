// scc/ledger/detail/flat_index.hpp - an open-addressing hash index that never erases: the
// ledger's key, transaction-id and read-set indexes. One flat array, no allocation per entry,
// short probes (load at most 1/2): cheaper than std::unordered_map's node per entry.
#ifndef SCC_LEDGER_DETAIL_FLAT_INDEX_HPP
#define SCC_LEDGER_DETAIL_FLAT_INDEX_HPP

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace scc::ledger::detail {

inline std::size_t hash_of(std::string_view key) noexcept {
  return std::hash<std::string_view>{}(key);
}

// Maps a hash to values; which stored value matches a key is the caller's predicate, so the
// key itself is never stored twice.
template <class Value>
class flat_index {
 public:
  template <class Matches>
  Value* find(std::size_t hash, Matches&& matches) {
    if (slots_.empty()) return nullptr;
    const std::size_t tag = hash | 1;  // 0 marks an empty slot
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = tag & mask;; at = (at + 1) & mask) {
      slot& candidate = slots_[at];
      if (candidate.tag == 0) return nullptr;
      if (candidate.tag == tag && matches(candidate.value)) return &candidate.value;
    }
  }
  template <class Matches>
  const Value* find(std::size_t hash, Matches&& matches) const {
    return const_cast<flat_index*>(this)->find(hash, std::forward<Matches>(matches));
  }

  // The caller has checked that no stored value matches.
  void insert(std::size_t hash, Value value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(slots_, hash | 1, std::move(value));
    ++size_;
  }

  std::size_t size() const noexcept { return size_; }
  void clear() noexcept {
    slots_.clear();
    size_ = 0;
  }

 private:
  struct slot {
    std::size_t tag = 0;
    Value value{};
  };

  static void place(std::vector<slot>& slots, std::size_t tag, Value value) {
    const std::size_t mask = slots.size() - 1;
    std::size_t at = tag & mask;
    while (slots[at].tag != 0) at = (at + 1) & mask;
    slots[at] = slot{tag, std::move(value)};
  }

  void grow() {
    std::vector<slot> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (slot& old : slots_) {
      if (old.tag != 0) place(bigger, old.tag, std::move(old.value));
    }
    slots_.swap(bigger);
  }

  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace scc::ledger::detail

#endif  // SCC_LEDGER_DETAIL_FLAT_INDEX_HPP
