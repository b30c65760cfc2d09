// peer_node.hpp - what scc-peer does with a request, transport aside: the loaded plugins, the
// channels (in-memory stub ledger, durable in LevelDB), one block cutter per channel.
#ifndef SCC_PEER_PEER_NODE_HPP
#define SCC_PEER_PEER_NODE_HPP

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "block_cutter.hpp"
#include "block_store.hpp"
#include "chaincode_runner.hpp"
#include "config.hpp"
#include "scc_peer.pb.h"

#include <scc/ledger/endorser.hpp>
#include <scc/ledger/ledger.hpp>

namespace scc::peer {

// Start-up refused: a plugin entry that cannot be loaded, a ledger that cannot be opened.
class startup_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Fabric's channel name rule: [a-z][a-z0-9.-]*, fewer than 250 characters. Returns why a name
// is refused, or nullopt.
std::optional<std::string> check_channel_name(const std::string& name);

// The Error reply: to a request (request_id) the peer refuses, or with request_id 0 to a stream
// it refuses.
Reply error_reply(uint64_t request_id, std::string message);

class peer_node {
 public:
  using reply_fn = std::function<void(Reply)>;

  explicit peer_node(peer_config config);
  ~peer_node();
  peer_node(const peer_node&) = delete;
  peer_node& operator=(const peer_node&) = delete;

  // Loads the plugins, opens the ledger and restores its channels (running every plugin's init
  // on each, as Fabric's deploy does). Throws startup_error.
  void start();

  // Handles one request. reply runs exactly once: on this thread for a request that runs no
  // chaincode; for a query on the thread that ran its chaincode; for an invoke on the channel's
  // committer thread once the block holding it is durably committed. A proposal whose chaincode
  // does not return within chaincode.executetimeout is answered by the watchdog thread (500,
  // timeout).
  //
  // A proposal's chaincode runs on a chaincode thread, or, when the caller passes `here` (it can
  // replace its thread if the watchdog gives up on it) and the channel is ready, on this thread:
  // no hand-off to another thread and back.
  void handle(Request request, const reply_fn& reply, thread_replacement* here = nullptr);

  // Runs the proposals already received, cuts and commits what is queued, stops the
  // committers and closes the ledger.
  void stop();

  // Chaincode threads given up on (chaincode.executetimeout) whose plugin has not returned. The
  // process must not unload plugins while there are any: it should exit without destructors.
  unsigned stuck_threads() const { return runner_ ? runner_->stuck_threads() : 0; }

  void set_listen_address(std::string address) { listen_address_ = std::move(address); }
  const peer_config& config() const noexcept { return config_; }

 private:
  struct loaded_plugin {
    plugin_entry entry;
    host::plugin_info info;
  };
  struct channel_state {
    ledger::channel* ledger = nullptr;
    std::unique_ptr<block_cutter> cutter;
    std::promise<void> inits_done;
    std::shared_future<void> ready;      // the plugins' inits have run on the channel
    std::atomic<bool> inits_ran{false};  // ready, without waiting
  };

  void load_plugins();
  channel_state& open_channel(const std::string& name, bool restoring, bool* created = nullptr);
  // The channel, opened and its inits run if new; nullptr once the peer is stopping.
  channel_state* channel_for(const std::string& name);
  void run_inits(const std::string& channel);
  void handle_proposal(uint64_t request_id, Proposal& proposal, bool invoke, const reply_fn& reply,
                       thread_replacement* here);
  // The channel exists and its plugins' inits have run.
  bool channel_ready(const std::string& name);
  // The job of a proposal, on whichever thread runs it.
  void run_proposal(uint64_t request_id, Proposal& proposal, bool invoke, const std::string& tx_id,
                    chaincode_runner::run_context& run, const reply_fn& reply);
  void endorse(uint64_t request_id, Proposal& proposal, bool invoke, channel_state& channel,
               const std::string& tx_id, chaincode_runner::run_context& run, const reply_fn& reply,
               bool& handed_over);
  void answer_timeout(uint64_t request_id, const std::string& chaincode,
                      const std::string& channel_id, const std::string& tx_id,
                      const std::vector<std::string>& chaincodes, const reply_fn& reply);
  std::vector<ChannelInfo> channel_infos();

  peer_config config_;
  std::string listen_address_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::unique_ptr<block_store> store_;
  ledger::peer_ledger ledger_;
  ledger::endorser endorser_{ledger_};
  std::vector<loaded_plugin> plugins_;
  // Entries the configuration names but does not load -> why, for the proposals that name them.
  std::map<std::string, std::string> disabled_plugins_;
  std::mutex channels_mutex_;
  std::map<std::string, std::unique_ptr<channel_state>> channels_;
  bool stopped_ = false;
  // Last: destroyed first, so no chaincode thread outlives what it uses.
  std::unique_ptr<chaincode_runner> runner_;
};

}  // namespace scc::peer

#endif  // SCC_PEER_PEER_NODE_HPP
