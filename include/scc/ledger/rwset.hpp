// scc/ledger/rwset.hpp - what a simulated transaction read and wrote (Fabric's TxReadWriteSet),
// as plain values.
#ifndef SCC_LEDGER_RWSET_HPP
#define SCC_LEDGER_RWSET_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scc::ledger {

// The height at which a key was last written: (block number, transaction number in the block).
struct version {
  uint64_t block = 0;
  uint64_t tx = 0;

  friend bool operator==(const version& a, const version& b) {
    return a.block == b.block && a.tx == b.tx;
  }
  friend bool operator!=(const version& a, const version& b) { return !(a == b); }
};

// A read of one key: the committed version seen, nullopt when the key was absent.
struct kv_read {
  std::string key;
  std::optional<ledger::version> version;
};

// A write of one key. An empty value is a delete (rwset_proto_util.go newKVWrite).
struct kv_write {
  std::string key;
  std::string value;
  bool is_delete = false;
};

// A change of a key's endorsement policy (SetStateValidationParameter); an empty policy
// removes it.
struct kv_metadata_write {
  std::string key;
  std::string validation_parameter;
};

// A range the transaction iterated, for phantom-read validation. When the plugin stopped
// before the end, end_key is the last key it saw and counts as inclusive.
struct range_query_info {
  std::string start_key;
  std::string end_key;
  bool itr_exhausted = false;
  std::vector<kv_read> reads;
};

// Reads and writes of one private data collection.
struct collection_rwset {
  std::string collection;
  std::vector<kv_read> reads;
  std::vector<kv_write> writes;
  std::vector<kv_metadata_write> metadata_writes;
  std::vector<std::string> purges;
};

// Everything one chaincode namespace read and wrote, one entry per key: reads in the order the
// keys were first read, writes sorted by key.
struct ns_rwset {
  std::string ns;
  std::vector<kv_read> reads;
  std::vector<range_query_info> range_queries;
  std::vector<kv_write> writes;
  std::vector<kv_metadata_write> metadata_writes;
  std::vector<collection_rwset> collections;

  const collection_rwset* collection(std::string_view name) const {
    for (const auto& entry : collections) {
      if (entry.collection == name) return &entry;
    }
    return nullptr;
  }
};

// A transaction's read/write set: one entry per namespace it touched (the invoked chaincode
// and any chaincode it called on the same channel), sorted by namespace.
struct tx_rwset {
  std::vector<ns_rwset> namespaces;

  const ns_rwset* find(std::string_view ns) const {
    for (const auto& entry : namespaces) {
      if (entry.ns == ns) return &entry;
    }
    return nullptr;
  }
  bool has_writes() const {
    for (const auto& entry : namespaces) {
      if (!entry.writes.empty() || !entry.metadata_writes.empty()) return true;
      for (const auto& collection : entry.collections) {
        if (!collection.writes.empty() || !collection.purges.empty() ||
            !collection.metadata_writes.empty()) {
          return true;
        }
      }
    }
    return false;
  }
};

}  // namespace scc::ledger

#endif  // SCC_LEDGER_RWSET_HPP
