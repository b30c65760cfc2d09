// scc/ledger/detail/snapshot_lock.hpp - a channel's readers-writer lock: simulations share it,
// commits take it alone.
//
// std::shared_mutex would do, except that a shared hold must be released by the thread that took
// it. A peer that gives up on a transaction whose plugin never returns (chaincode.executetimeout)
// has to release that simulation's hold from another thread, or no block would ever commit on
// the channel again. So: a mutex, two condition variables and a count.
//
// Readers are preferred, as in glibc's default rwlock that std::shared_mutex wraps: a thread that
// already holds the lock shared can take it shared again while a commit waits (a -> b@other ->
// c@this does), at the price that a steady stream of simulations can delay a commit.
#ifndef SCC_LEDGER_DETAIL_SNAPSHOT_LOCK_HPP
#define SCC_LEDGER_DETAIL_SNAPSHOT_LOCK_HPP

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace scc::ledger::detail {

class snapshot_lock {
 public:
  // Shared: any thread may release a hold any thread took.
  void lock_shared() {
    std::unique_lock<std::mutex> guard(mutex_);
    readers_may_enter_.wait(guard, [this] { return !writer_; });
    ++readers_;
  }
  void unlock_shared() {
    bool last = false;
    {
      const std::lock_guard<std::mutex> guard(mutex_);
      last = --readers_ == 0 && writers_waiting_ > 0;
    }
    if (last) writer_may_enter_.notify_one();
  }

  // Exclusive.
  void lock() {
    std::unique_lock<std::mutex> guard(mutex_);
    ++writers_waiting_;
    writer_may_enter_.wait(guard, [this] { return !writer_ && readers_ == 0; });
    --writers_waiting_;
    writer_ = true;
  }
  void unlock() {
    bool writers_wait = false;
    {
      const std::lock_guard<std::mutex> guard(mutex_);
      writer_ = false;
      writers_wait = writers_waiting_ > 0;
    }
    readers_may_enter_.notify_all();
    if (writers_wait) writer_may_enter_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable readers_may_enter_;
  std::condition_variable writer_may_enter_;
  uint32_t readers_ = 0;
  uint32_t writers_waiting_ = 0;
  bool writer_ = false;
};

// One shared hold of a snapshot_lock, released exactly once: by release() from any thread, or
// by the destructor.
class snapshot_hold {
 public:
  explicit snapshot_hold(snapshot_lock& lock) : lock_(lock) { lock_.lock_shared(); }
  ~snapshot_hold() { release(); }
  snapshot_hold(const snapshot_hold&) = delete;
  snapshot_hold& operator=(const snapshot_hold&) = delete;

  void release() noexcept {
    if (held_.exchange(false, std::memory_order_acq_rel)) lock_.unlock_shared();
  }
  bool held() const noexcept { return held_.load(std::memory_order_acquire); }

 private:
  snapshot_lock& lock_;
  std::atomic<bool> held_{true};
};

}  // namespace scc::ledger::detail

#endif  // SCC_LEDGER_DETAIL_SNAPSHOT_LOCK_HPP
