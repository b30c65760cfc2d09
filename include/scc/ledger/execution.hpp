// scc/ledger/execution.hpp - one proposal's run through the endorser, as its host sees it from
// another thread: which chaincodes it is in, and a way to give up on it.
//
// A plugin runs in the host's process and cannot be stopped. What a host can do when one does not
// return (Fabric's chaincode.executetimeout) is abandon its run: every later stub call of the run
// fails, and the channels its simulations hold are released, so blocks commit again. The
// plugin's thread goes on until the plugin returns; then its result is thrown away.
#ifndef SCC_LEDGER_EXECUTION_HPP
#define SCC_LEDGER_EXECUTION_HPP

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scc/abi.h"
#include "scc/host/transaction.hpp"
#include "scc/ledger/simulation.hpp"

namespace scc::ledger {

// What an endorser knows about one installed chaincode's calls that were given up on.
struct chaincode_health {
  // Calls of runs that were abandoned while in this chaincode and have not returned yet.
  std::atomic<uint32_t> abandoned_calls{0};
};

class execution {
 public:
  execution() = default;
  execution(const execution&) = delete;
  execution& operator=(const execution&) = delete;

  // Any thread, any number of times. Waits for a stub call of the run that is in progress (never
  // for the plugin's own code), then makes every later one fail with reason and releases the
  // run's simulations. Returns the chaincodes the run is in, outermost first (a callee after its
  // caller); each counts as an abandoned call of its chaincode until it returns.
  std::vector<std::string> abandon(std::string reason) {
    const std::lock_guard<std::recursive_mutex> lock(mutex_);
    if (!abandoned_) {
      abandoned_.store(true, std::memory_order_release);
      reason_ = std::move(reason);
      for (simulation* held : simulations_) held->release_snapshot();
      for (running_call& call : running_) {
        call.health->abandoned_calls.fetch_add(1, std::memory_order_acq_rel);
        call.counted = true;
      }
    }
    return chaincodes_locked();
  }

  bool abandoned() const noexcept { return abandoned_.load(std::memory_order_acquire); }

  // The chaincodes the run is in now, outermost first.
  std::vector<std::string> chaincodes() const {
    const std::lock_guard<std::recursive_mutex> lock(mutex_);
    return chaincodes_locked();
  }

 private:
  friend class endorser;

  struct running_call {
    std::string chaincode;
    std::shared_ptr<chaincode_health> health;
    bool counted = false;
  };

  // Held by the host code of one stub call, so that abandon() never pulls a simulation from
  // under it; throws once the run is abandoned. Recursive: a stub call's host code may start
  // another (a callee's simulation) on the same thread.
  class stub_section {
   public:
    explicit stub_section(execution* run) : run_(run) {
      if (run_ == nullptr) return;
      run_->mutex_.lock();
      if (run_->abandoned()) {
        const std::string reason = run_->reason_;
        run_->mutex_.unlock();
        throw host::error(SCC_STATUS_INTERNAL, reason);
      }
    }
    ~stub_section() { unlock(); }
    stub_section(const stub_section&) = delete;
    stub_section& operator=(const stub_section&) = delete;
    // Before running a callee plugin, whose own stub calls take their own sections.
    void unlock() noexcept {
      if (run_ != nullptr && locked_) run_->mutex_.unlock();
      locked_ = false;
    }

   private:
    execution* run_;
    bool locked_ = true;
  };

  // A simulation abandon() releases; attached for as long as it lives.
  class attachment {
   public:
    attachment(execution* run, simulation& held) : run_(run), held_(held) {
      if (run_ == nullptr) return;
      const std::lock_guard<std::recursive_mutex> lock(run_->mutex_);
      if (run_->abandoned()) held_.release_snapshot();
      run_->simulations_.push_back(&held_);
    }
    ~attachment() {
      if (run_ == nullptr) return;
      const std::lock_guard<std::recursive_mutex> lock(run_->mutex_);
      auto& all = run_->simulations_;
      all.erase(std::remove(all.begin(), all.end(), &held_), all.end());
    }
    attachment(const attachment&) = delete;
    attachment& operator=(const attachment&) = delete;

   private:
    execution* run_;
    simulation& held_;
  };

  // Marks the run as inside chaincode for as long as it lives.
  class inside {
   public:
    inside(execution* run, std::string chaincode, std::shared_ptr<chaincode_health> health)
        : run_(run) {
      if (run_ == nullptr) return;
      const std::lock_guard<std::recursive_mutex> lock(run_->mutex_);
      run_->running_.push_back(running_call{std::move(chaincode), std::move(health), false});
    }
    ~inside() {
      if (run_ == nullptr) return;
      const std::lock_guard<std::recursive_mutex> lock(run_->mutex_);
      const running_call& call = run_->running_.back();
      if (call.counted) call.health->abandoned_calls.fetch_sub(1, std::memory_order_acq_rel);
      run_->running_.pop_back();
    }
    inside(const inside&) = delete;
    inside& operator=(const inside&) = delete;

   private:
    execution* run_;
  };

  static std::optional<std::string> abandon_reason(execution* run) {
    if (run == nullptr || !run->abandoned()) return std::nullopt;
    const std::lock_guard<std::recursive_mutex> lock(run->mutex_);
    return run->reason_;
  }

  std::vector<std::string> chaincodes_locked() const {
    std::vector<std::string> out;
    for (const running_call& call : running_) out.push_back(call.chaincode);
    return out;
  }

  mutable std::recursive_mutex mutex_;
  std::atomic<bool> abandoned_{false};
  std::string reason_;
  std::vector<simulation*> simulations_;
  std::vector<running_call> running_;
};

}  // namespace scc::ledger

#endif  // SCC_LEDGER_EXECUTION_HPP
