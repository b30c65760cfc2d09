#include "memory_ledger.hpp"

namespace scc::ccaas::driver {

std::optional<std::string> memory_ledger::get(const std::string& collection,
                                              const std::string& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto space = state_.find(collection);
  if (space == state_.end()) return std::nullopt;
  const auto found = space->second.find(key);
  if (found == space->second.end()) return std::nullopt;
  return found->second;
}

std::vector<std::pair<std::string, std::string>> memory_ledger::range(
    const std::string& collection, const std::string& start, const std::string& end) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::string, std::string>> rows;
  const auto space = state_.find(collection);
  if (space == state_.end()) return rows;
  for (auto it = space->second.lower_bound(start); it != space->second.end(); ++it) {
    if (!end.empty() && it->first >= end) break;
    rows.emplace_back(it->first, it->second);
  }
  return rows;
}

std::vector<history_entry> memory_ledger::history(const std::string& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto found = history_.find(key);
  if (found == history_.end()) return {};
  return std::vector<history_entry>(found->second.rbegin(), found->second.rend());
}

std::map<std::string, std::string> memory_ledger::metadata(const std::string& collection,
                                                           const std::string& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto found = metadata_.find({collection, key});
  return found == metadata_.end() ? std::map<std::string, std::string>{} : found->second;
}

void memory_ledger::commit(const write_set& writes, const std::string& tx_id, int64_t seconds,
                           int32_t nanos) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [where, value] : writes.values) {
    const auto& [collection, key] = where;
    // An empty value deletes, as in Fabric.
    const bool is_delete = !value || value->empty();
    if (is_delete) {
      state_[collection].erase(key);
    } else {
      state_[collection][key] = *value;
    }
    if (collection.empty()) {
      history_[key].push_back({tx_id, is_delete ? std::string() : *value, seconds, nanos, is_delete});
    }
  }
  for (const auto& [where, entries] : writes.metadata) {
    for (const auto& [name, value] : entries) metadata_[where][name] = value;
  }
}

void memory_ledger::put(const std::string& collection, const std::string& key,
                        const std::string& value) {
  const std::lock_guard<std::mutex> lock(mutex_);
  state_[collection][key] = value;
}

}  // namespace scc::ccaas::driver
