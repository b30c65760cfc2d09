// scc/ledger/block.hpp - endorsed transactions and the blocks that commit them.
#ifndef SCC_LEDGER_BLOCK_HPP
#define SCC_LEDGER_BLOCK_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scc/response.hpp"
#include "scc/ledger/rwset.hpp"
#include "scc/ledger/validation_code.hpp"
#include "scc/types.hpp"

namespace scc::ledger {

// The event a transaction set: one per transaction, the last SetEvent call wins.
struct chaincode_event {
  std::string name;
  std::string payload;

  friend bool operator==(const chaincode_event& a, const chaincode_event& b) {
    return a.name == b.name && a.payload == b.payload;
  }
};

// A simulated proposal, as the endorser returns it: ready to be ordered into a block. The
// read/write set is immutable from here on and shared with the block and the test's results.
struct endorsement {
  std::string channel;
  std::string chaincode;
  std::string tx_id;
  scc::timestamp timestamp;
  scc::response response;
  std::optional<chaincode_event> event;
  std::shared_ptr<const tx_rwset> rwset = std::make_shared<const tx_rwset>();
};

// A transaction as a block holds it, with the code validation gave it. Invalid transactions
// stay in their block but have no effect.
struct transaction_record {
  std::string tx_id;
  std::string chaincode;
  scc::timestamp timestamp;
  validation_code code = validation_code::not_validated;
  std::shared_ptr<const tx_rwset> rwset = std::make_shared<const tx_rwset>();
  std::optional<chaincode_event> event;
};

struct block {
  uint64_t number = 0;
  std::vector<transaction_record> transactions;
};

// What committing a block gave: its number and one code per transaction, in block order.
struct block_result {
  uint64_t number = 0;
  std::vector<validation_code> codes;
};

}  // namespace scc::ledger

#endif  // SCC_LEDGER_BLOCK_HPP
