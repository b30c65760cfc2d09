// scc/testing/harness-inl.hpp - the definitions of scc::testing::harness (declared in
// harness.hpp), with the ledger engine and the loader they need.
//
// <scc/testing.hpp> includes this file, so the harness stays header-only. A project with many
// test files can compile it once instead: define SCC_TESTING_SEPARATE_COMPILATION for every
// test file, and in exactly one of them also define SCC_TESTING_IMPLEMENTATION before including
// <scc/testing.hpp> (scc_add_plugin_test does both). The other files then compile declarations
// only, which is most of a test file's compile time.
#ifndef SCC_TESTING_HARNESS_INL_HPP
#define SCC_TESTING_HARNESS_INL_HPP

#include <stdexcept>

#include "scc/host/loader.hpp"
#include "scc/host/plugin_instance.hpp"
#include "scc/ledger/endorser.hpp"
#include "scc/ledger/ledger.hpp"
#include "scc/ledger/simulation.hpp"
#include "scc/testing/harness.hpp"

#if defined(SCC_TESTING_SEPARATE_COMPILATION)
#define SCC_TESTING_DEFINITION
#else
#define SCC_TESTING_DEFINITION inline
#endif

namespace scc::testing {

SCC_TESTING_DEFINITION harness::harness() : harness(options{}) {}

SCC_TESTING_DEFINITION harness::harness(options settings)
    : settings_(std::move(settings)),
      ledger_(std::make_unique<scc::ledger::peer_ledger>(settings_.ledger)),
      endorser_(std::make_unique<scc::ledger::endorser>(
          *ledger_, simulation_options{settings_.read_your_writes})),
      clock_(settings_.start_time) {}

SCC_TESTING_DEFINITION harness::harness(harness&&) noexcept = default;
SCC_TESTING_DEFINITION harness& harness::operator=(harness&&) noexcept = default;
// The endorser refers to the ledger: it goes first.
SCC_TESTING_DEFINITION harness::~harness() { endorser_.reset(); }

SCC_TESTING_DEFINITION host::plugin_info harness::install(const std::filesystem::path& library,
                                                          chaincode_options flags) {
  return install_instance(scc::host::load_plugin(library), flags);
}

SCC_TESTING_DEFINITION host::plugin_info harness::install(
    const scc_plugin_descriptor_v1* descriptor, chaincode_options flags) {
  return install_instance(scc::host::instantiate(descriptor), flags);
}

SCC_TESTING_DEFINITION tx_result harness::init(const std::string& chaincode,
                                               std::vector<std::string> args, tx_options context) {
  return result_of(simulate(chaincode, std::move(args), std::move(context), true));
}

SCC_TESTING_DEFINITION tx_result harness::invoke(const std::string& chaincode,
                                                 std::vector<std::string> args,
                                                 tx_options context) {
  endorsement endorsed = endorse(chaincode, std::move(args), std::move(context));
  if (!endorsed.response.ok()) return result_of(std::move(endorsed));
  std::vector<endorsement> one;
  one.push_back(std::move(endorsed));
  return std::move(commit_block(std::move(one)).front());
}

SCC_TESTING_DEFINITION tx_result harness::query(const std::string& chaincode,
                                                std::vector<std::string> args, tx_options context) {
  return result_of(endorse(chaincode, std::move(args), std::move(context)));
}

SCC_TESTING_DEFINITION endorsement harness::endorse(const std::string& chaincode,
                                                    std::vector<std::string> args,
                                                    tx_options context) {
  return simulate(chaincode, std::move(args), std::move(context), false);
}

SCC_TESTING_DEFINITION std::vector<tx_result> harness::commit_block(
    std::vector<endorsement> endorsements) {
  std::vector<tx_result> results;
  if (endorsements.empty()) return results;
  const std::string channel_name = endorsements.front().channel;
  for (const endorsement& endorsed : endorsements) {
    if (endorsed.channel != channel_name) {
      throw std::invalid_argument("commit_block: all endorsements must be for one channel (" +
                                  channel_name + " and " + endorsed.channel + " given)");
    }
    results.push_back(tx_result{endorsed.tx_id, endorsed.response, std::nullopt,
                                validation_code::not_validated, std::nullopt, endorsed.rwset});
  }
  std::vector<std::optional<chaincode_event>> events;
  for (const endorsement& endorsed : endorsements) events.push_back(endorsed.event);
  const block_result committed =
      ledger_->open_channel(channel_name).commit(std::move(endorsements));
  for (std::size_t i = 0; i < results.size(); ++i) {
    results[i].code = committed.codes[i];
    results[i].block_number = committed.number;
    if (results[i].committed()) results[i].event = std::move(events[i]);
  }
  return results;
}

SCC_TESTING_DEFINITION std::optional<std::string> harness::state(std::string_view chaincode,
                                                                 std::string_view key) const {
  return on(settings_.channel).state(chaincode, key);
}

SCC_TESTING_DEFINITION std::optional<std::string> harness::private_data(
    std::string_view chaincode, std::string_view collection, std::string_view key) const {
  return on(settings_.channel).private_data(chaincode, collection, key);
}

SCC_TESTING_DEFINITION std::vector<scc::key_modification> harness::history(
    std::string_view chaincode, std::string_view key) const {
  return on(settings_.channel).history(chaincode, key);
}

SCC_TESTING_DEFINITION uint64_t harness::height() const { return on(settings_.channel).height(); }

SCC_TESTING_DEFINITION testing::channel& harness::channel(std::string_view name) {
  return ledger_->open_channel(name);
}

SCC_TESTING_DEFINITION testing::channel& harness::channel() {
  return ledger_->open_channel(settings_.channel);
}

SCC_TESTING_DEFINITION host::plugin_info harness::install_instance(
    std::unique_ptr<host::plugin_instance> plugin, chaincode_options flags) {
  host::plugin_info info = plugin->info();
  endorser_->install(std::shared_ptr<host::plugin_instance>(std::move(plugin)), flags);
  return info;
}

SCC_TESTING_DEFINITION testing::channel& harness::on(const std::string& name) const {
  return ledger_->open_channel(name);
}

// A fresh nonce per proposal. Fabric uses 24 random bytes; a counter keeps runs repeatable.
SCC_TESTING_DEFINITION std::string harness::next_nonce() {
  std::string nonce = "scc-nonce-";
  nonce += std::to_string(++proposals_);
  nonce.resize(24, '\0');
  return nonce;
}

SCC_TESTING_DEFINITION endorsement harness::simulate(const std::string& chaincode,
                                                     std::vector<std::string> args,
                                                     tx_options context, bool is_init) {
  host::proposal proposal;
  proposal.args = std::move(args);
  proposal.channel_id = context.channel.value_or(settings_.channel);
  proposal.creator = serialize_identity(context.creator.value_or(settings_.creator));
  // An explicit tx_id without a nonce (a test of duplicate ids) takes no nonce of the
  // sequence, so that the ids of the transactions after it do not move.
  const std::string nonce = context.nonce   ? *context.nonce
                            : context.tx_id ? std::string()
                                            : next_nonce();
  proposal.tx_id =
      context.tx_id ? std::move(*context.tx_id) : compute_tx_id(nonce, proposal.creator);
  proposal.binding = scc::ledger::compute_binding(nonce, proposal.creator);
  proposal.transient = std::move(context.transient);
  proposal.decorations = std::move(context.decorations);
  if (context.timestamp) {
    proposal.timestamp = *context.timestamp;
  } else {
    proposal.timestamp = clock_;
    clock_.seconds += 1;
  }
  return endorser_->simulate(std::move(proposal), chaincode, is_init);
}

SCC_TESTING_DEFINITION tx_result harness::result_of(endorsement endorsed) {
  return tx_result{std::move(endorsed.tx_id),
                   std::move(endorsed.response),
                   std::nullopt,
                   validation_code::not_validated,
                   std::nullopt,
                   std::move(endorsed.rwset)};
}

}  // namespace scc::testing

#undef SCC_TESTING_DEFINITION

#endif  // SCC_TESTING_HARNESS_INL_HPP
