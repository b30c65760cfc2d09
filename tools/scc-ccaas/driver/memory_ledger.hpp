// memory_ledger.hpp - the peer driver's world state: committed public and private data, key
// history and key metadata, in memory. Reads see committed data only, as in Fabric; a
// transaction's writes are applied by commit() once it has completed with a status below 400.
#ifndef SCC_CCAAS_MEMORY_LEDGER_HPP
#define SCC_CCAAS_MEMORY_LEDGER_HPP

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scc::ccaas::driver {

struct history_entry {
  std::string tx_id;
  std::string value;
  int64_t seconds = 0;
  int32_t nanos = 0;
  bool is_delete = false;
};

// What one transaction asked to change. Keys are (collection, key); collection "" is public.
struct write_set {
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> values;
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> metadata;
};

class memory_ledger {
 public:
  std::optional<std::string> get(const std::string& collection, const std::string& key) const;
  // Committed rows with start <= key < end in byte order; an empty end has no upper bound.
  std::vector<std::pair<std::string, std::string>> range(const std::string& collection,
                                                         const std::string& start,
                                                         const std::string& end) const;
  // Newest first.
  std::vector<history_entry> history(const std::string& key) const;
  std::map<std::string, std::string> metadata(const std::string& collection,
                                              const std::string& key) const;

  void commit(const write_set& writes, const std::string& tx_id, int64_t seconds, int32_t nanos);
  // Seeds committed state directly.
  void put(const std::string& collection, const std::string& key, const std::string& value);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> state_;  // collection -> key -> value
  std::map<std::string, std::vector<history_entry>> history_;        // public keys, oldest first
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> metadata_;
};

}  // namespace scc::ccaas::driver

#endif  // SCC_CCAAS_MEMORY_LEDGER_HPP
