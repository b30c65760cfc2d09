// scc/ledger/endorser.hpp - runs installed plugins on simulations of a ledger, as a peer's
// endorser does: one proposal in, one endorsement (response, event, read/write set) out.
// Shared by the test harness and scc-peer.
#ifndef SCC_LEDGER_ENDORSER_HPP
#define SCC_LEDGER_ENDORSER_HPP

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/host/plugin_instance.hpp"
#include "scc/host/transaction.hpp"
#include "scc/response.hpp"
#include "scc/ledger/block.hpp"
#include "scc/ledger/execution.hpp"
#include "scc/ledger/ledger.hpp"
#include "scc/ledger/options.hpp"
#include "scc/ledger/simulation.hpp"

namespace scc::ledger {

class endorser {
 public:
  struct installed_chaincode {
    std::shared_ptr<host::plugin_instance> plugin;
    chaincode_options options;
    std::shared_ptr<chaincode_health> health = std::make_shared<chaincode_health>();
  };

  explicit endorser(peer_ledger& on, simulation_options options = {})
      : ledger_(on), options_(options) {}

  // Installs under the plugin's own name, replacing any chaincode of that name. Install
  // everything before simulating: simulate() may run on many threads, install() may not.
  void install(std::shared_ptr<host::plugin_instance> plugin, chaincode_options options = {}) {
    const std::string name = plugin->info().name;
    installed_.insert_or_assign(name, installed_chaincode{std::move(plugin), options,
                                                          std::make_shared<chaincode_health>()});
  }

  const installed_chaincode* find(std::string_view name) const {
    const auto found = installed_.find(name);
    return found == installed_.end() ? nullptr : &found->second;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : installed_) out.push_back(entry.first);
    return out;
  }

  peer_ledger& ledger() noexcept { return ledger_; }
  const simulation_options& options() const noexcept { return options_; }

  // Simulates one proposal on context.channel_id. external: the proposal comes from a client,
  // so invokableExternal applies. is_init runs the plugin's init instead of invoke. A host that
  // may give up on the run (another thread calls run->abandon()) passes run; an abandoned run
  // answers 500 with the reason given to abandon() and no read/write set.
  endorsement simulate(host::proposal context, const std::string& chaincode, bool is_init,
                       bool external = true, execution* run = nullptr);

 private:
  class chaincode_transaction;
  template <class Cursor>
  class guarded_cursor;

  // Refuses a chaincode that is not thread-safe while a call given up on is still inside it: its
  // instance lock is held, so this call would only wait behind it.
  static std::optional<std::string> refusal(const std::string& name,
                                            const installed_chaincode& target) {
    const uint32_t stuck = target.health->abandoned_calls.load(std::memory_order_acquire);
    if (stuck == 0 || target.plugin->info().thread_safe()) return std::nullopt;
    return "chaincode " + name + " is not responding: " + std::to_string(stuck) +
           (stuck == 1 ? " call" : " calls") +
           " the peer gave up on (chaincode.executetimeout) have not returned, and it is not "
           "thread-safe, so this call would wait behind them. It is refused until they return; "
           "restart the peer to recover";
  }

  static scc::response call_plugin(const installed_chaincode& target, const std::string& name,
                                   host::transaction& tx, bool is_init, execution* run) {
    const execution::inside running(run, name, target.health);
    // Given up on before it got here: the plugin is not entered at all.
    if (std::optional<std::string> reason = execution::abandon_reason(run)) {
      return scc::error(*reason);
    }
    return is_init ? target.plugin->init(tx) : target.plugin->invoke(tx);
  }

  peer_ledger& ledger_;
  simulation_options options_;
  std::map<std::string, installed_chaincode, std::less<>> installed_;
};

// One chaincode's part of a transaction: the host::transaction its plugin sees, bound to a
// simulation and to the chaincode's namespace.
class endorser::chaincode_transaction : public host::transaction {
 public:
  // The chaincodes executing in this transaction, innermost first: a chain through the
  // callers' stack frames, so a call costs no allocation.
  struct call_frame {
    std::string_view chaincode;
    std::string_view channel;
    const call_frame* caller;
    // The frame running name, on channel if one is given, else on any channel.
    const call_frame* find(std::string_view name, std::optional<std::string_view> on = {}) const {
      for (const call_frame* frame = this; frame != nullptr; frame = frame->caller) {
        if (frame->chaincode == name && (!on || frame->channel == *on)) return frame;
      }
      return nullptr;
    }
  };

  chaincode_transaction(endorser& owner, simulation& on, std::string ns, host::proposal context,
                        bool is_init, const call_frame& caller, execution* run)
      : host::transaction(std::move(context)),
        owner_(owner),
        simulation_(on),
        ns_(std::move(ns)),
        is_init_(is_init),
        frame_{ns_, this->context().channel_id, &caller},
        run_(run) {}

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override {
    const execution::stub_section section(run_);
    if (collection.empty()) return simulation_.get_state(ns_, key);
    check_private_allowed();
    return simulation_.get_private_data(ns_, collection, key);
  }

  void put_state(std::string_view collection, std::string_view key,
                 std::string_view value) override {
    const execution::stub_section section(run_);
    if (collection.empty()) return simulation_.set_state(ns_, key, value);
    check_private_allowed();
    simulation_.set_private_data(ns_, collection, key, value);
  }

  void del_state(std::string_view collection, std::string_view key) override {
    put_state(collection, key, {});
  }

  void purge_private_data(std::string_view collection, std::string_view key) override {
    const execution::stub_section section(run_);
    check_private_allowed();
    simulation_.purge_private_data(ns_, collection, key);
  }

  std::optional<std::string_view> get_private_data_hash(std::string_view collection,
                                                        std::string_view key) override {
    const execution::stub_section section(run_);
    check_private_allowed();
    hash_ = simulation_.get_private_data_hash(ns_, collection, key);
    if (!hash_) return std::nullopt;
    return std::string_view(*hash_);
  }

  std::optional<std::string_view> get_validation_parameter(std::string_view collection,
                                                           std::string_view key) override {
    const execution::stub_section section(run_);
    if (!collection.empty()) check_private_allowed();
    // A copy: the committed policy may change once a run is given up on, while its plugin still
    // holds the view.
    const std::optional<std::string_view> policy =
        simulation_.get_validation_parameter(ns_, collection, key);
    if (!policy) return std::nullopt;
    policy_ = std::string(*policy);
    return std::string_view(*policy_);
  }

  void set_validation_parameter(std::string_view collection, std::string_view key,
                                std::string_view policy) override {
    const execution::stub_section section(run_);
    if (!collection.empty()) check_private_allowed();
    simulation_.set_validation_parameter(ns_, collection, key, policy);
  }

  std::unique_ptr<host::kv_cursor> range_query(std::string_view collection,
                                               std::string_view start_key, std::string_view end_key,
                                               int32_t page_size,
                                               std::string_view bookmark) override {
    const execution::stub_section section(run_);
    if (!collection.empty()) check_private_allowed();
    return guard(simulation_.range(ns_, collection, start_key, end_key, page_size, bookmark));
  }

  std::unique_ptr<host::kv_cursor> rich_query(std::string_view, std::string_view, int32_t,
                                              std::string_view) override {
    // What a peer on LevelDB, Fabric's default state database, answers.
    throw host::error(SCC_STATUS_UNSUPPORTED, "ExecuteQuery not supported for leveldb");
  }

  std::unique_ptr<host::history_cursor> history_query(std::string_view key) override {
    const execution::stub_section section(run_);
    return guard(simulation_.history(ns_, key));
  }

  void set_event(std::string_view name, std::string_view payload) override {
    if (name.empty()) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT, "event name can not be empty string");
    }
    event_ = chaincode_event{std::string(name), std::string(payload)};
  }

  scc::response invoke_chaincode(std::string_view chaincode_name, std::string_view channel,
                                 const std::vector<std::string>& args) override;

  std::optional<chaincode_event>& event() noexcept { return event_; }

 private:
  // A cursor reads committed state on each next(): it takes the run's stub section too.
  template <class Cursor>
  std::unique_ptr<Cursor> guard(std::unique_ptr<Cursor> cursor) {
    if (run_ == nullptr) return cursor;
    return std::make_unique<guarded_cursor<Cursor>>(std::move(cursor), run_);
  }

  void check_private_allowed() const {
    if (is_init_) {
      throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                        "private data APIs are not allowed in chaincode Init()");
    }
  }

  endorser& owner_;
  simulation& simulation_;
  std::string ns_;
  bool is_init_;
  call_frame frame_;
  execution* run_;
  std::optional<chaincode_event> event_;
  std::optional<std::string> hash_;
  std::optional<std::string> policy_;
};

template <>
class endorser::guarded_cursor<host::kv_cursor> : public host::kv_cursor {
 public:
  guarded_cursor(std::unique_ptr<host::kv_cursor> rows, execution* run)
      : rows_(std::move(rows)), run_(run) {}
  std::optional<host::kv_view> next() override {
    const execution::stub_section section(run_);
    return rows_->next();
  }
  int32_t fetched_records_count() const override { return rows_->fetched_records_count(); }
  std::string_view bookmark() const override {
    const execution::stub_section section(run_);
    return rows_->bookmark();
  }

 private:
  std::unique_ptr<host::kv_cursor> rows_;
  execution* run_;
};

template <>
class endorser::guarded_cursor<host::history_cursor> : public host::history_cursor {
 public:
  guarded_cursor(std::unique_ptr<host::history_cursor> rows, execution* run)
      : rows_(std::move(rows)), run_(run) {}
  std::optional<host::modification_view> next() override {
    const execution::stub_section section(run_);
    return rows_->next();
  }

 private:
  std::unique_ptr<host::history_cursor> rows_;
  execution* run_;
};

inline scc::response endorser::chaincode_transaction::invoke_chaincode(
    std::string_view chaincode_name, std::string_view channel,
    const std::vector<std::string>& args) {
  execution::stub_section section(run_);
  const installed_chaincode* target = owner_.find(chaincode_name);
  if (target == nullptr) {
    throw host::error(SCC_STATUS_NOT_FOUND, "chaincode " + std::string(chaincode_name) +
                                                " is not installed on this peer");
  }
  // handler.go checkACL, IsSysCCAndNotInvokableCC2CC.
  if (!target->options.invokable_cc2cc) {
    throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                      "system chaincode " + std::string(chaincode_name) +
                          " cannot be invoked with a cc2cc invocation");
  }
  host::proposal callee_context = context();
  callee_context.args = args;
  const bool same_channel = channel.empty() || channel == context().channel_id;
  const std::string_view target_channel =
      same_channel ? std::string_view(context().channel_id) : channel;
  // The peer keeps one context per (channel, txid) and chaincode.
  if (frame_.find(chaincode_name, target_channel) != nullptr) {
    throw host::error(SCC_STATUS_INVALID_ARGUMENT,
                      "txid: " + context().tx_id + "(" + std::string(target_channel) + ") exists");
  }
  // On another channel Fabric would run it (another context), but this thread already holds the
  // plugin's instance lock: going on would deadlock. Refuse instead.
  if (!target->plugin->info().thread_safe()) {
    if (const call_frame* running = frame_.find(chaincode_name)) {
      throw host::error(
          SCC_STATUS_INVALID_ARGUMENT,
          "chaincode " + std::string(chaincode_name) +
              " is already running in this transaction (on channel " +
              std::string(running->channel) +
              ") and is not thread-safe, so scc cannot enter it again from channel " +
              std::string(target_channel) +
              "; declare `static constexpr bool thread_safe = true;` in the plugin class to "
              "allow it");
    }
  }
  const std::string callee_name(chaincode_name);
  if (std::optional<std::string> refused = refusal(callee_name, *target)) {
    throw host::error(SCC_STATUS_INTERNAL, *refused);
  }
  if (same_channel) {
    // The callee shares this simulation: its reads and writes join the transaction's
    // read/write set under its own namespace. Its event is dropped.
    chaincode_transaction callee(owner_, simulation_, callee_name, std::move(callee_context),
                                 /*is_init=*/false, frame_, run_);
    section.unlock();  // the callee's stub calls take their own
    return call_plugin(*target, callee_name, callee, /*is_init=*/false, run_);
  }
  // Another channel: a query on a fresh simulation whose writes are thrown away.
  callee_context.channel_id = std::string(channel);
  simulation other(owner_.ledger_.open_channel(channel), context().tx_id, owner_.options_);
  const execution::attachment attached(run_, other);
  chaincode_transaction callee(owner_, other, callee_name, std::move(callee_context),
                               /*is_init=*/false, frame_, run_);
  section.unlock();
  scc::response answer = call_plugin(*target, callee_name, callee, /*is_init=*/false, run_);
  const execution::stub_section finishing(run_);
  other.finish();
  return answer;
}

inline endorsement endorser::simulate(host::proposal context, const std::string& chaincode,
                                      bool is_init, bool external, execution* run) {
  endorsement out;
  out.channel = context.channel_id;
  out.chaincode = chaincode;
  out.tx_id = context.tx_id;
  out.timestamp = context.timestamp;
  const installed_chaincode* target = find(chaincode);
  if (target == nullptr) {
    out.response = scc::error("chaincode " + chaincode + " is not installed on this peer");
    return out;
  }
  // endorser.go preProcess, IsSysCCAndNotInvokableExternal.
  if (external && !target->options.invokable_external) {
    out.response = scc::error("chaincode " + chaincode + " cannot be invoked through a proposal");
    return out;
  }
  if (std::optional<std::string> refused = refusal(chaincode, *target)) {
    out.response = scc::error(*refused);
    return out;
  }
  simulation sim(ledger_.open_channel(context.channel_id), context.tx_id, options_);
  const execution::attachment attached(run, sim);
  const chaincode_transaction::call_frame proposal_origin{{}, {}, nullptr};
  chaincode_transaction tx(*this, sim, chaincode, std::move(context), is_init, proposal_origin,
                           run);
  out.response = call_plugin(*target, chaincode, tx, is_init, run);
  try {
    const execution::stub_section finishing(run);
    out.event = std::move(tx.event());
    out.rwset = std::make_shared<const tx_rwset>(sim.finish());
  } catch (const host::error& abandoned) {
    // Given up on while the plugin ran: whatever it answered is not the peer's answer.
    out.response = scc::error(abandoned.what());
    out.event.reset();
  }
  return out;
}

}  // namespace scc::ledger

#endif  // SCC_LEDGER_ENDORSER_HPP
