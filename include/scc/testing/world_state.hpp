// scc/testing/world_state.hpp - the committed keys of one namespace or private collection.
#ifndef SCC_TESTING_WORLD_STATE_HPP
#define SCC_TESTING_WORLD_STATE_HPP

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "scc/testing/rwset.hpp"

namespace scc::testing {

struct versioned_value {
  std::string value;
  testing::version version;
};

// Keys in byte order (LevelDB's order, which range queries follow) with a hash index beside
// them, so that a point read costs O(1) and a range of k keys O(log n + k).
class key_space {
 public:
  using sorted_keys = std::map<std::string, versioned_value, std::less<>>;

  key_space() = default;
  // The index holds views of the map's keys: copying would leave them dangling.
  key_space(const key_space&) = delete;
  key_space& operator=(const key_space&) = delete;
  key_space(key_space&&) = default;
  key_space& operator=(key_space&&) = default;

  const versioned_value* find(std::string_view key) const {
    const auto found = index_.find(key);
    return found == index_.end() ? nullptr : found->second;
  }

  void put(std::string_view key, std::string value, testing::version at) {
    if (const auto found = index_.find(key); found != index_.end()) {
      found->second->value = std::move(value);
      found->second->version = at;
      return;
    }
    // Keys often arrive in ascending order (bulk loads, sorted write sets): append in O(1).
    const auto hint =
        sorted_.empty() || sorted_.rbegin()->first < key ? sorted_.end() : sorted_.lower_bound(key);
    const auto added =
        sorted_.emplace_hint(hint, std::string(key), versioned_value{std::move(value), at});
    index_.emplace(std::string_view(added->first), &added->second);
  }

  void erase(std::string_view key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return;
    index_.erase(found);
    sorted_.erase(sorted_.find(key));
    validation_parameters_.erase(std::string(key));
  }

  // Sets or (with an empty policy) removes a present key's endorsement policy. Like Fabric,
  // the key gets a new version; metadata of an absent key is dropped.
  void set_validation_parameter(std::string_view key, std::string policy, testing::version at) {
    const auto found = index_.find(key);
    if (found == index_.end()) return;
    found->second->version = at;
    if (policy.empty()) {
      validation_parameters_.erase(std::string(key));
    } else {
      validation_parameters_.insert_or_assign(std::string(key), std::move(policy));
    }
  }

  const std::string* validation_parameter(std::string_view key) const {
    const auto found = validation_parameters_.find(std::string(key));
    return found == validation_parameters_.end() ? nullptr : &found->second;
  }

  const sorted_keys& sorted() const noexcept { return sorted_; }
  std::size_t size() const noexcept { return sorted_.size(); }

 private:
  sorted_keys sorted_;
  std::unordered_map<std::string_view, versioned_value*> index_;
  // Rare, so kept apart from the values instead of costing every key a field.
  std::unordered_map<std::string, std::string> validation_parameters_;
};

}  // namespace scc::testing

#endif  // SCC_TESTING_WORLD_STATE_HPP
