#include "peer_node.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <thread>
#include <utility>

#include "fatal_signals.hpp"
#include "log.hpp"
#include <fmt/core.h>

#include <scc/host/loader.hpp>
#include <scc/ledger/identity.hpp>
#include <scc/version.hpp>

namespace scc::peer {

Reply error_reply(uint64_t request_id, std::string message) {
  Reply reply;
  reply.set_request_id(request_id);
  reply.mutable_error()->set_message(std::move(message));
  return reply;
}

namespace {

void fill_response(const scc::response& from, Response& to) {
  to.set_status(from.status);
  to.set_message(from.message);
  to.set_payload(from.payload);
}

void set_code(InvocationResult& result, ledger::validation_code code) {
  result.set_validation_code(static_cast<int32_t>(code));
  result.set_validation_code_name(std::string(ledger::name(code)));
}

// What became of one init, decided once: by its run, or by the watchdog giving up on it. Its
// thread is the runner's caller thread, which nothing replaces: the peer goes on without it.
class init_outcome final : public thread_replacement,
                           public std::enable_shared_from_this<init_outcome> {
 public:
  std::optional<ledger::endorsement> endorsed;
  std::string failure;
  bool timed_out = false;

  void decide(std::optional<ledger::endorsement> result, std::string why, bool gave_up) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (decided_) return;
      decided_ = true;
      endorsed = std::move(result);
      failure = std::move(why);
      timed_out = gave_up;
    }
    changed_.notify_all();
  }

  std::shared_ptr<const init_outcome> wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return decided_; });
    return shared_from_this();
  }

  void lost() override {}
  void returned() override {}

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool decided_ = false;
};

scc::timestamp now_timestamp() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
  return scc::timestamp{static_cast<int64_t>(seconds.count()), static_cast<int32_t>(nanos.count())};
}

}  // namespace

std::optional<std::string> check_channel_name(const std::string& name) {
  const auto refuse = [&name](const std::string& why) {
    return std::optional<std::string>("channel name '" + name + "' is invalid: " + why +
                                      " (Fabric's rule: [a-z][a-z0-9.-]*, fewer than 250 "
                                      "characters)");
  };
  if (name.empty()) return refuse("it is empty");
  if (name.size() >= 250) return refuse("it is too long");
  if (name[0] < 'a' || name[0] > 'z') return refuse("it must start with a lower-case letter");
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!allowed) return refuse(fmt::format("it contains '{}'", c));
  }
  return std::nullopt;
}

peer_node::peer_node(peer_config config) : config_(std::move(config)) {
  listen_address_ = config_.listen_address;
}

peer_node::~peer_node() { stop(); }

void peer_node::load_plugins() {
  for (const plugin_entry& entry : config_.plugins) {
    if (!entry.loads()) {
      if (!entry.name.empty()) disabled_plugins_.emplace(entry.name, entry.not_loaded_because);
      if (entry.whitelist_mismatch()) {
        log::warning("chaincode.systemPlugins entry \"{}\" is not enabled: {}; not loaded",
                     entry.name, entry.not_loaded_because);
      } else {
        log::info("system chaincode {} disabled: {}; not loaded", entry.name,
                  entry.not_loaded_because);
      }
      continue;
    }
    std::shared_ptr<host::plugin_instance> instance;
    try {
      instance = host::plugin_library::open(entry.resolved_path)->instantiate();
    } catch (const host::load_error& failure) {
      throw startup_error(fmt::format("cannot load {}: {}", entry.describe(), failure.what()));
    }
    const host::plugin_info& info = instance->info();
    if (info.name != entry.name) {
      throw startup_error(fmt::format(
          "cannot load {}: the library declares the plugin '{}', not '{}'. Name the entry (and "
          "its chaincode.system whitelist key) '{}', the name its SCC_PLUGIN gives.",
          entry.describe(), info.name, entry.name, info.name));
    }
    endorser_.install(instance,
                      ledger::chaincode_options{entry.invokable_external, entry.invokable_cc2cc});
    log::info(
        "loaded system chaincode {} version {} (ABI {}.{}, SDK {}, {}) from {}; "
        "invokableExternal={} invokableCC2CC={}",
        info.name, info.version.empty() ? "-" : info.version, info.abi_major, info.abi_minor,
        info.sdk_version, info.thread_safe() ? "thread-safe" : "serialised",
        entry.resolved_path.string(), entry.invokable_external, entry.invokable_cc2cc);
    plugins_.push_back(loaded_plugin{entry, info});
  }
}

void peer_node::start() {
  load_plugins();
  unsigned threads = config_.worker_threads;
  if (threads == 0) threads = std::max(2u, std::thread::hardware_concurrency());
  runner_ = std::make_unique<chaincode_runner>(threads, config_.execute_timeout);
  try {
    store_ = std::make_unique<block_store>(config_.file_system_path / "ledgersData");
  } catch (const store_error& failure) {
    throw startup_error(failure.what());
  }
  log::info("ledger in {}", store_->folder().string());
  try {
    std::vector<std::string> restored;
    {
      const std::lock_guard<std::mutex> lock(channels_mutex_);
      for (const std::string& name : store_->channels()) {
        open_channel(name, /*restoring=*/true);
        restored.push_back(name);
      }
    }
    for (const std::string& name : restored) {
      run_inits(name);
      channels_.at(name)->inits_done.set_value();
      channels_.at(name)->inits_ran = true;
    }
  } catch (const std::exception& failure) {
    throw startup_error(fmt::format("cannot restore the ledger in '{}': {}",
                                    store_->folder().string(), failure.what()));
  }
}

// Call with channels_mutex_ held. A channel it creates is not ready until its opener has run the
// plugins' inits (without the lock) and set inits_done.
peer_node::channel_state& peer_node::open_channel(const std::string& name, bool restoring,
                                                  bool* created) {
  const auto known = channels_.find(name);
  if (known != channels_.end()) return *known->second;
  if (created != nullptr) *created = true;
  auto state = std::make_unique<channel_state>();
  state->ready = state->inits_done.get_future().share();
  state->ledger = &ledger_.open_channel(name);
  if (restoring) {
    const uint64_t height = store_->load_blocks(
        name, [&](ledger::block block) { state->ledger->restore(std::move(block)); });
    log::info("restored channel {} at height {}", name, height);
  } else {
    store_->add_channel(name);
    log::info("created channel {}", name);
  }
  block_store* store = store_.get();
  state->ledger->set_block_sink(
      [store, name](const ledger::block& block) { store->append_block(name, block); });
  state->cutter = std::make_unique<block_cutter>(*state->ledger, config_.max_message_count,
                                                 config_.batch_timeout);
  channel_state& out = *state;
  channels_.emplace(name, std::move(state));
  return out;
}

peer_node::channel_state* peer_node::channel_for(const std::string& name) {
  channel_state* state = nullptr;
  bool created = false;
  {
    const std::lock_guard<std::mutex> lock(channels_mutex_);
    if (stopped_) return nullptr;
    state = &open_channel(name, /*restoring=*/false, &created);
  }
  if (!created) {
    state->ready.wait();
    return state;
  }
  try {
    run_inits(name);
  } catch (...) {
    state->inits_done.set_value();
    state->inits_ran = true;
    throw;
  }
  state->inits_done.set_value();
  state->inits_ran = true;
  return state;
}

bool peer_node::channel_ready(const std::string& name) {
  const std::lock_guard<std::mutex> lock(channels_mutex_);
  const auto known = channels_.find(name);
  return known != channels_.end() && known->second->inits_ran.load(std::memory_order_acquire);
}

void peer_node::run_inits(const std::string& channel) {
  // Fabric's DeploySysCCs: init runs once per channel on a simulation that is never
  // committed; its result is only logged.
  for (const loaded_plugin& plugin : plugins_) {
    host::proposal context;
    context.channel_id = channel;
    // Fabric gives each deploy a random UUID; any id unique to this run does.
    static std::atomic<uint64_t> deploys{0};
    const std::string nonce =
        fmt::format("scc-peer-init-{}-{}-{}", plugin.info.name, channel,
                    std::chrono::system_clock::now().time_since_epoch().count() + deploys++);
    context.tx_id = ledger::compute_tx_id(nonce, "");
    context.timestamp = now_timestamp();
    const std::string description =
        fmt::format("init of system chaincode {} on channel {}", plugin.info.name, channel);
    // On a thread of its own, so that an init that never returns holds up this channel's
    // start for chaincode.executetimeout only; the runner's watchdog keeps that deadline.
    const auto outcome = std::make_shared<init_outcome>();
    chaincode_runner::job work;
    work.description = description;
    work.run = [this, outcome, name = plugin.info.name,
                context = std::move(context)](chaincode_runner::run_context& run) mutable {
      std::optional<ledger::endorsement> endorsed;
      std::string failure;
      try {
        endorsed = endorser_.simulate(std::move(context), name, /*is_init=*/true,
                                      /*external=*/false, &run.execution());
      } catch (const std::exception& thrown) {
        failure = thrown.what();
      }
      if (run.claim()) outcome->decide(std::move(endorsed), std::move(failure), false);
    };
    work.timed_out = [outcome](const std::vector<std::string>&) {
      outcome->decide(std::nullopt, std::string(), true);
    };
    std::thread init([this, outcome, work = std::move(work)] {
      prepare_thread_for_fatal_signals();
      if (std::optional<std::string> refused = runner_->run_here(work, *outcome)) {
        outcome->decide(std::nullopt, *refused, false);
      }
    });
    const std::shared_ptr<const init_outcome> decided = outcome->wait();
    if (decided->timed_out) {
      init.detach();  // it leaves once the plugin returns; the runner counts it as stuck
      log::error(
          "{} did not return within {} (chaincode.executetimeout); the peer goes on without "
          "it. Its thread runs on until the plugin returns{}",
          description, describe_duration(config_.execute_timeout),
          plugin.info.thread_safe() ? "" : "; it is not thread-safe, so it is refused until then");
      continue;
    }
    init.join();
    if (!decided->endorsed) {
      log::warning("init of {} on channel {} failed: {}", plugin.info.name, channel,
                   decided->failure);
    } else if (decided->endorsed->response.ok()) {
      log::info("init of {} on channel {}: status {}", plugin.info.name, channel,
                decided->endorsed->response.status);
    } else {
      log::warning("init of {} on channel {}: status {}: {}", plugin.info.name, channel,
                   decided->endorsed->response.status, decided->endorsed->response.message);
    }
  }
}

void peer_node::handle(Request request, const reply_fn& reply, thread_replacement* here) {
  const uint64_t id = request.request_id();
  if (!runner_) return reply(error_reply(id, "the peer has not started"));
  try {
    switch (request.kind_case()) {
      case Request::kInvoke:
        return handle_proposal(id, *request.mutable_invoke(), /*invoke=*/true, reply, here);
      case Request::kQuery:
        return handle_proposal(id, *request.mutable_query(), /*invoke=*/false, reply, here);
      case Request::kListChaincodes: {
        Reply out;
        out.set_request_id(id);
        ChaincodeList& list = *out.mutable_chaincodes();
        for (const loaded_plugin& plugin : plugins_) {
          ChaincodeInfo& info = *list.add_chaincodes();
          info.set_name(plugin.info.name);
          info.set_version(plugin.info.version);
          info.set_abi_major(plugin.info.abi_major);
          info.set_abi_minor(plugin.info.abi_minor);
          info.set_sdk_version(plugin.info.sdk_version);
          info.set_path(plugin.entry.resolved_path.string());
          info.set_invokable_external(plugin.entry.invokable_external);
          info.set_invokable_cc2cc(plugin.entry.invokable_cc2cc);
          info.set_thread_safe(plugin.info.thread_safe());
        }
        return reply(std::move(out));
      }
      case Request::kListChannels: {
        Reply out;
        out.set_request_id(id);
        ChannelList& list = *out.mutable_channels();  // set even when there is no channel yet
        for (ChannelInfo& info : channel_infos()) {
          *list.add_channels() = std::move(info);
        }
        return reply(std::move(out));
      }
      case Request::kNodeStatus: {
        Reply out;
        out.set_request_id(id);
        NodeStatus& status = *out.mutable_status();
        status.set_version(SCC_SDK_VERSION);
        status.set_listen_address(listen_address_);
        status.set_file_system_path(config_.file_system_path.string());
        status.set_uptime_seconds(
            static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::steady_clock::now() - started_)
                                      .count()));
        for (ChannelInfo& info : channel_infos()) *status.add_channels() = std::move(info);
        return reply(std::move(out));
      }
      case Request::KIND_NOT_SET:
        break;
    }
    reply(error_reply(id,
                      "request has no kind this peer knows (invoke, query, list_chaincodes, "
                      "list_channels, node_status)"));
  } catch (const std::exception& failure) {
    reply(error_reply(id, std::string("request failed: ") + failure.what()));
  }
}

std::vector<ChannelInfo> peer_node::channel_infos() {
  std::vector<ChannelInfo> out;
  const std::lock_guard<std::mutex> lock(channels_mutex_);
  for (const auto& [name, state] : channels_) {
    ChannelInfo info;
    info.set_name(name);
    info.set_height(state->ledger->height());
    out.push_back(std::move(info));
  }
  return out;
}

void peer_node::handle_proposal(uint64_t request_id, Proposal& proposal, bool invoke,
                                const reply_fn& reply, thread_replacement* here) {
  if (std::optional<std::string> refused = check_channel_name(proposal.channel_id())) {
    return reply(error_reply(request_id, *refused));
  }
  if (proposal.chaincode().empty()) {
    return reply(error_reply(request_id, "the proposal names no chaincode"));
  }
  // Fabric's endorser accepts only the transaction id derived from nonce and creator.
  const std::string expected_tx_id = ledger::compute_tx_id(proposal.nonce(), proposal.creator());
  if (!proposal.tx_id().empty() && proposal.tx_id() != expected_tx_id) {
    return reply(error_reply(
        request_id, fmt::format("incorrectly formed txid: '{}' is not hex(SHA-256(nonce || "
                                "creator)) '{}'",
                                proposal.tx_id(), expected_tx_id)));
  }
  // A plugin the configuration names but does not load: say so and why, rather than the
  // endorser's "not installed", which sends the user looking for a missing library.
  const auto disabled = disabled_plugins_.find(proposal.chaincode());
  if (disabled != disabled_plugins_.end() && endorser_.find(proposal.chaincode()) == nullptr) {
    Reply out;
    out.set_request_id(request_id);
    InvocationResult& result = *out.mutable_invocation();
    result.set_tx_id(expected_tx_id);
    Response& response = *result.mutable_response();
    response.set_status(scc::status::error);
    response.set_message(fmt::format("chaincode {} is not enabled on this peer: {}",
                                     disabled->first, disabled->second));
    set_code(result, ledger::validation_code::not_validated);
    return reply(std::move(out));
  }
  // A chaincode that never returns must not take a connection (or a network thread) with it:
  // it runs on a thread the watchdog can give up on and replace, ours or the caller's. A new
  // channel's inits run on one of ours, never on the caller's.
  std::string description =
      fmt::format("system chaincode {} (tx {}, channel {})", proposal.chaincode(), expected_tx_id,
                  proposal.channel_id());
  if (here != nullptr && channel_ready(proposal.channel_id())) {
    // run_here returns only once the watchdog is done with the job too, so the job may refer to
    // this frame: one pointer each, which std::function holds without allocating.
    struct in_this_frame {
      peer_node& node;
      uint64_t request_id;
      Proposal& proposal;
      bool invoke;
      const std::string& tx_id;
      const std::string chaincode;
      const std::string channel_id;  // the run moves parts of the proposal; these stay
      const reply_fn& reply;
    } frame{*this,
            request_id,
            proposal,
            invoke,
            expected_tx_id,
            proposal.chaincode(),
            proposal.channel_id(),
            reply};
    chaincode_runner::job work;
    work.description = std::move(description);
    work.run = [at = &frame](chaincode_runner::run_context& run) {
      at->node.run_proposal(at->request_id, at->proposal, at->invoke, at->tx_id, run, at->reply);
    };
    work.timed_out = [at = &frame](const std::vector<std::string>& chaincodes) {
      at->node.answer_timeout(at->request_id, at->chaincode, at->channel_id, at->tx_id, chaincodes,
                              at->reply);
    };
    if (std::optional<std::string> refused = runner_->run_here(work, *here)) {
      reply(error_reply(request_id, *refused));
    }
    return;
  }
  const auto owned = std::make_shared<Proposal>(std::move(proposal));
  chaincode_runner::job work;
  work.description = std::move(description);
  work.run = [this, request_id, owned, invoke, expected_tx_id,
              reply](chaincode_runner::run_context& run) {
    run_proposal(request_id, *owned, invoke, expected_tx_id, run, reply);
  };
  work.timed_out = [this, request_id, chaincode = owned->chaincode(),
                    channel_id = owned->channel_id(), expected_tx_id,
                    reply](const std::vector<std::string>& chaincodes) {
    answer_timeout(request_id, chaincode, channel_id, expected_tx_id, chaincodes, reply);
  };
  work.refused = [request_id, reply](const std::string& reason) {
    reply(error_reply(request_id, reason));
  };
  if (std::optional<std::string> refused = runner_->submit(std::move(work))) {
    reply(error_reply(request_id, *refused));
  }
}

void peer_node::run_proposal(uint64_t request_id, Proposal& proposal, bool invoke,
                             const std::string& tx_id, chaincode_runner::run_context& run,
                             const reply_fn& reply) {
  bool handed_over = false;
  try {
    // A new channel's inits run here too, not on a network thread.
    channel_state* channel = channel_for(proposal.channel_id());
    if (channel == nullptr) {
      if (run.claim()) reply(error_reply(request_id, "the peer is shutting down"));
      return;
    }
    endorse(request_id, proposal, invoke, *channel, tx_id, run, reply, handed_over);
  } catch (const std::exception& failure) {
    if (!handed_over && run.claim()) {
      reply(error_reply(request_id, std::string("request failed: ") + failure.what()));
    }
  }
}

void peer_node::endorse(uint64_t request_id, Proposal& proposal, bool invoke,
                        channel_state& channel, const std::string& tx_id,
                        chaincode_runner::run_context& run, const reply_fn& reply,
                        bool& handed_over) {
  host::proposal context;
  ChaincodeInput& input = *proposal.mutable_input();
  context.args.reserve(static_cast<std::size_t>(input.args_size()));
  for (std::string& arg : *input.mutable_args()) context.args.push_back(std::move(arg));
  context.tx_id = tx_id;
  context.channel_id = proposal.channel_id();
  context.creator = proposal.creator();
  for (auto& [key, value] : *proposal.mutable_transient()) context.transient.emplace(key, value);
  for (auto& [key, value] : *input.mutable_decorations()) context.decorations.emplace(key, value);
  context.binding = ledger::compute_binding(proposal.nonce(), proposal.creator());
  context.timestamp = proposal.has_timestamp() ? scc::timestamp{proposal.timestamp().seconds(),
                                                                proposal.timestamp().nanos()}
                                               : now_timestamp();

  // is_init is ignored: a system chaincode's init runs only when the peer deploys it on a
  // channel, never through a proposal.
  ledger::endorsement endorsed =
      endorser_.simulate(std::move(context), proposal.chaincode(),
                         /*is_init=*/false, /*external=*/true, &run.execution());
  // The watchdog answered already: this result goes nowhere, and nothing reaches a block.
  if (!run.claim()) return;
  handed_over = true;  // from here on, the reply is sent here or by the committer
  Reply out;
  out.set_request_id(request_id);
  InvocationResult& result = *out.mutable_invocation();
  result.set_tx_id(tx_id);
  fill_response(endorsed.response, *result.mutable_response());
  set_code(result, ledger::validation_code::not_validated);
  // Fabric's client never submits what it could not receive; scc-peer orders on the client's
  // behalf, so it refuses to order a transaction whose answer it could not send.
  const std::size_t event_size = endorsed.event ? endorsed.event->name.size() +
                                                      endorsed.event->payload.size() +
                                                      endorsed.chaincode.size() + tx_id.size() + 32
                                                : 0;
  const std::size_t answer_size = out.ByteSizeLong() + event_size + 32;
  if (answer_size > config_.max_frame_bytes) {
    Response& refused = *result.mutable_response();
    refused.set_status(scc::status::error);
    refused.set_message(fmt::format(
        "the chaincode's answer takes {} bytes (response {} bytes, event {} bytes), more than the "
        "frame limit of {} bytes (sccPeer.maxFrameBytes); the peer does not {} an answer it "
        "cannot send. Return less, or raise sccPeer.maxFrameBytes on the peer and the client",
        answer_size, endorsed.response.payload.size() + endorsed.response.message.size(),
        event_size, config_.max_frame_bytes, invoke ? "order a transaction with" : "send"));
    refused.clear_payload();
    return reply(std::move(out));
  }
  // A query, or a proposal no peer would endorse: nothing reaches a block.
  if (!invoke || !endorsed.response.ok()) return reply(std::move(out));

  std::optional<ledger::chaincode_event> event = endorsed.event;
  const std::string chaincode = endorsed.chaincode;
  channel.cutter->submit(std::move(endorsed),
                         [out = std::move(out), event = std::move(event), chaincode,
                          reply](const block_cutter::outcome& done) mutable {
                           if (!done.committed) {
                             Reply failed = error_reply(out.request_id(), done.error);
                             return reply(std::move(failed));
                           }
                           InvocationResult& committed = *out.mutable_invocation();
                           set_code(committed, done.code);
                           committed.set_block_number(done.block_number);
                           committed.set_in_block(true);
                           if (done.code == ledger::validation_code::valid && event) {
                             ChaincodeEvent& sent = *committed.mutable_event();
                             sent.set_chaincode_id(chaincode);
                             sent.set_tx_id(committed.tx_id());
                             sent.set_event_name(event->name);
                             sent.set_payload(event->payload);
                           }
                           reply(std::move(out));
                         });
}

void peer_node::answer_timeout(uint64_t request_id, const std::string& chaincode,
                               const std::string& channel_id, const std::string& tx_id,
                               const std::vector<std::string>& chaincodes, const reply_fn& reply) {
  std::string chain;
  for (const std::string& name : chaincodes) chain += (chain.empty() ? "" : " -> ") + name;
  if (chain.empty()) chain = chaincode;
  const std::string timeout = describe_duration(config_.execute_timeout);
  std::string refused;
  for (const std::string& name : chaincodes) {
    const ledger::endorser::installed_chaincode* installed = endorser_.find(name);
    if (installed == nullptr || installed->plugin->info().thread_safe()) continue;
    if (refused.find(" " + name + ",") != std::string::npos) continue;
    refused += " " + name + ",";
  }
  if (!refused.empty()) refused.pop_back();
  log::error(
      "transaction {} on channel {}: chaincode {} did not return within {} "
      "(chaincode.executetimeout). Answered 500 and released the channel, so its blocks commit "
      "again; nothing of the transaction is committed. The chaincode's thread runs on until the "
      "plugin returns ({} stuck){}",
      tx_id, channel_id, chain, timeout, stuck_threads(),
      refused.empty() ? std::string()
                      : ";" + refused + " not thread-safe, so refused until that call returns");
  Reply out;
  out.set_request_id(request_id);
  InvocationResult& result = *out.mutable_invocation();
  result.set_tx_id(tx_id);
  Response& response = *result.mutable_response();
  response.set_status(scc::status::error);
  response.set_message(fmt::format(
      "timeout expired while executing transaction: chaincode {} did not return within {} "
      "(chaincode.executetimeout); the peer gave up on the transaction and committed nothing",
      chain, timeout));
  set_code(result, ledger::validation_code::not_validated);
  reply(std::move(out));
}

void peer_node::stop() {
  {
    const std::lock_guard<std::mutex> lock(channels_mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  // Proposals already received run first: their invokes reach the cutters before those stop.
  if (runner_) runner_->stop();
  // Committers finish their blocks without the lock: a reply may need it (channel_infos).
  for (auto& [name, state] : channels_) state->cutter->stop();
  for (auto& [name, state] : channels_) state->ledger->set_block_sink(nullptr);
  store_.reset();
  log::info("ledger closed");
}

}  // namespace scc::peer
