// scc/testing/harness.hpp - unit-test plugins against a stub ledger with a real peer's
// semantics, no peer needed.
//
//   scc::testing::harness h;
//   h.install<my_scc>("myscc");                    // or h.install("path/to/libmyscc.so")
//   auto put = h.invoke("myscc", {"put", "k", "v"});   // simulated, then committed in a block
//   CHECK(put.code == scc::testing::validation_code::valid);
//   CHECK(h.query("myscc", {"get", "k"}).response.payload == "v");
//
// Every invoke is its own block unless you endorse several proposals and commit them together
// with commit_block(), which is how MVCC and phantom conflicts are tested.
#ifndef SCC_TESTING_HARNESS_HPP
#define SCC_TESTING_HARNESS_HPP

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/abi.h"
#include "scc/host/plugin_info.hpp"
#include "scc/ledger/block.hpp"
#include "scc/ledger/identity.hpp"
#include "scc/ledger/options.hpp"
#include "scc/ledger/validation_code.hpp"
#include "scc/plugin.hpp"
#include "scc/types.hpp"

// The engine behind the harness; its definitions are in harness-inl.hpp.
namespace scc::host {
class plugin_instance;
}
namespace scc::ledger {
class channel;
class endorser;
class peer_ledger;
}  // namespace scc::ledger

namespace scc::testing {

// The ledger's vocabulary that tests name: what the harness takes and returns.
using scc::ledger::block;
using scc::ledger::block_result;
using scc::ledger::chaincode_event;
using scc::ledger::chaincode_options;
using scc::ledger::channel;
using scc::ledger::collection_rwset;
using scc::ledger::compute_binding;
using scc::ledger::compute_tx_id;
using scc::ledger::endorsement;
using scc::ledger::identity;
using scc::ledger::kv_metadata_write;
using scc::ledger::kv_read;
using scc::ledger::kv_write;
using scc::ledger::ledger_options;
using scc::ledger::ns_rwset;
using scc::ledger::range_query_info;
using scc::ledger::serialize_identity;
using scc::ledger::simulation_options;
using scc::ledger::transaction_record;
using scc::ledger::tx_rwset;
using scc::ledger::validation_code;
using scc::ledger::version;

// The context of one transaction. What is left unset comes from the harness.
struct tx_options {
  std::optional<std::string> channel;
  std::optional<identity> creator;
  // The proposal's nonce; by default a fresh one (deterministic, so runs repeat).
  std::optional<std::string> nonce;
  // By default compute_tx_id(nonce, serialize_identity(creator)), as a peer requires.
  std::optional<std::string> tx_id;
  // By default the harness clock, which advances one second per transaction.
  std::optional<scc::timestamp> timestamp;
  std::map<std::string, std::string> transient;
  std::map<std::string, std::string> decorations;
};

// What one init, invoke or query gave.
struct tx_result {
  std::string tx_id;
  scc::response response;
  // The transaction's event, kept only when it committed as valid.
  std::optional<chaincode_event> event;
  // not_validated when nothing was committed: a query, an init, a refused proposal or a
  // response with status >= 400.
  validation_code code = validation_code::not_validated;
  std::optional<uint64_t> block_number;
  // What the transaction read and wrote; shared with the block that holds it.
  std::shared_ptr<const tx_rwset> rwset;

  bool committed() const noexcept { return code == validation_code::valid; }
};

class harness {
 public:
  struct options {
    std::string channel = "testchannel";
    identity creator;
    // MockStub compatibility (read-your-writes). Off: reads see committed state only.
    bool read_your_writes = false;
    ledger_options ledger;
    // First transaction timestamp; each transaction is one second later.
    scc::timestamp start_time{1767225600, 0};  // 2026-01-01T00:00:00Z
  };

  harness();
  explicit harness(options settings);
  harness(harness&&) noexcept;
  harness& operator=(harness&&) noexcept;
  ~harness();

  // ---- Installing plugins ----
  // From a shared library, through the same loader scc-peer uses.
  host::plugin_info install(const std::filesystem::path& library, chaincode_options flags = {});
  // A class compiled into the test, through the same descriptor and trampolines as a library.
  template <class Plugin>
  host::plugin_info install(const char* name, chaincode_options flags = {}) {
    return install(scc::describe_plugin<Plugin>(name), flags);
  }
  host::plugin_info install(const scc_plugin_descriptor_v1* descriptor,
                            chaincode_options flags = {});

  // ---- Running transactions ----
  // Like Fabric 1.x deploying a system chaincode on a channel: init runs on a simulation whose
  // writes are never committed.
  tx_result init(const std::string& chaincode, std::vector<std::string> args = {},
                 tx_options context = {});
  // Simulates, then commits the transaction as a block of its own when the response status is
  // below 400.
  tx_result invoke(const std::string& chaincode, std::vector<std::string> args,
                   tx_options context = {});
  // Simulates only: nothing is committed.
  tx_result query(const std::string& chaincode, std::vector<std::string> args,
                  tx_options context = {});

  // Simulates a proposal without committing it, for commit_block().
  endorsement endorse(const std::string& chaincode, std::vector<std::string> args,
                      tx_options context = {});

  // Orders the endorsements into one block of their channel, validates them in order (MVCC,
  // phantom reads, duplicate ids) and commits the valid ones. One result per endorsement.
  std::vector<tx_result> commit_block(std::vector<endorsement> endorsements);

  // ---- Committed state (default channel unless one is named) ----
  std::optional<std::string> state(std::string_view chaincode, std::string_view key) const;
  std::optional<std::string> private_data(std::string_view chaincode, std::string_view collection,
                                          std::string_view key) const;
  std::vector<scc::key_modification> history(std::string_view chaincode,
                                             std::string_view key) const;
  uint64_t height() const;

  // The engine itself. Its classes are declared here only: a test that calls their members
  // includes <scc/ledger/ledger.hpp> or <scc/ledger/endorser.hpp>, which <scc/testing.hpp>
  // includes unless SCC_TESTING_SEPARATE_COMPILATION is defined.
  testing::channel& channel(std::string_view name);
  testing::channel& channel();
  scc::ledger::peer_ledger& ledger() noexcept { return *ledger_; }
  scc::ledger::endorser& endorser() noexcept { return *endorser_; }

  // ---- Defaults for the transactions that follow ----
  void set_creator(identity who) { settings_.creator = std::move(who); }
  const identity& creator() const noexcept { return settings_.creator; }
  void set_channel(std::string name) { settings_.channel = std::move(name); }
  const std::string& default_channel() const noexcept { return settings_.channel; }
  void set_time(scc::timestamp now) { clock_ = now; }

 private:
  host::plugin_info install_instance(std::unique_ptr<host::plugin_instance> plugin,
                                     chaincode_options flags);
  testing::channel& on(const std::string& name) const;
  std::string next_nonce();
  endorsement simulate(const std::string& chaincode, std::vector<std::string> args,
                       tx_options context, bool is_init);
  static tx_result result_of(endorsement endorsed);

  options settings_;
  // Held by pointer so that a harness can be moved: the endorser refers to the ledger.
  std::unique_ptr<scc::ledger::peer_ledger> ledger_;
  std::unique_ptr<scc::ledger::endorser> endorser_;
  scc::timestamp clock_;
  uint64_t proposals_ = 0;
};

}  // namespace scc::testing

#if !defined(SCC_TESTING_SEPARATE_COMPILATION) || defined(SCC_TESTING_IMPLEMENTATION)
#include "scc/testing/harness-inl.hpp"
#endif

#endif  // SCC_TESTING_HARNESS_HPP
