// scc/types.hpp - the value types the stub hands to plugin code.
#ifndef SCC_TYPES_HPP
#define SCC_TYPES_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace scc {

// google.protobuf.Timestamp.
struct timestamp {
  int64_t seconds = 0;
  int32_t nanos = 0;

  friend bool operator==(const timestamp& a, const timestamp& b) {
    return a.seconds == b.seconds && a.nanos == b.nanos;
  }
  friend bool operator!=(const timestamp& a, const timestamp& b) { return !(a == b); }
};

// One row of a range, partial-composite-key or rich query (queryresult.KV).
struct kv {
  std::string key;
  std::string value;

  friend bool operator==(const kv& a, const kv& b) { return a.key == b.key && a.value == b.value; }
  friend bool operator!=(const kv& a, const kv& b) { return !(a == b); }
};

// One entry of a key's history (queryresult.KeyModification). A delete has is_delete set and
// an empty value.
struct key_modification {
  std::string tx_id;
  std::string value;
  scc::timestamp timestamp;
  bool is_delete = false;
};

// One page of a paginated query. bookmark is what to pass to get the next page; it is empty
// when there is no next page.
struct page {
  std::vector<kv> items;
  std::string bookmark;
  int32_t fetched_records_count = 0;
};

enum class log_level { debug = 0, info = 1, warning = 2, error = 3 };

}  // namespace scc

#endif  // SCC_TYPES_HPP
