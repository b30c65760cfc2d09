// scc/host/handle_registry.hpp - the scc_tx* handles a host gives plugins, checked on every call.
//
// A plugin may keep its stub past the init/invoke call it was given to, or hand it to another
// thread. Plugins are third-party code, so a stale handle must fail cleanly instead of reaching
// freed memory. A handle is therefore not a pointer: it names a ticket (a slot that is never
// freed) and the generation the ticket had when the call began. A call resolves the ticket,
// and succeeds only if the generation still matches and the caller is the thread that runs the
// call. Resolving takes no lock, and neither, usually, do opening and closing: each thread
// reuses the tickets it closed.
#ifndef SCC_HOST_HANDLE_REGISTRY_HPP
#define SCC_HOST_HANDLE_REGISTRY_HPP

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "scc/abi.h"

namespace scc::host {

class transaction;

class handle_registry {
 public:
  enum class problem { none, ended, other_thread };

  static handle_registry& instance() {
    static handle_registry* registry = new handle_registry();  // never destroyed: plugins may
    return *registry;                                          // call during static teardown
  }

  // Starts a call of t on the current thread; the handle stays valid until close().
  scc_tx* open(transaction* t) {
    uint32_t index = 0;
    if (!this_thread_tickets().take(index)) index = take_shared();
    ticket& slot = at(index);
    const uint64_t generation = slot.generation.load(std::memory_order_relaxed) + 1;
    slot.owner.store(std::this_thread::get_id(), std::memory_order_relaxed);
    slot.tx.store(t, std::memory_order_relaxed);
    slot.generation.store(generation, std::memory_order_release);
    return reinterpret_cast<scc_tx*>((uint64_t{index} << generation_bits) |
                                     (generation & generation_mask));
  }

  // Ends the call: every later use of the handle reports problem::ended.
  void close(scc_tx* handle) noexcept {
    const uint64_t raw = reinterpret_cast<uintptr_t>(handle);
    const auto index = static_cast<uint32_t>(raw >> generation_bits);
    ticket& slot = at(index);
    slot.generation.fetch_add(1, std::memory_order_acq_rel);
    slot.tx.store(nullptr, std::memory_order_relaxed);
    if (!this_thread_tickets().keep(index)) give_back(index);
  }

  // The transaction behind handle, or nullptr with the reason.
  transaction* resolve(scc_tx* handle, problem& why) const noexcept {
    const uint64_t raw = reinterpret_cast<uintptr_t>(handle);
    const uint64_t index = raw >> generation_bits;
    if (handle == nullptr || index >= next_.load(std::memory_order_acquire)) {
      why = problem::ended;
      return nullptr;
    }
    const ticket& slot = at(static_cast<uint32_t>(index));
    const uint64_t generation = slot.generation.load(std::memory_order_acquire);
    if ((generation & generation_mask) != (raw & generation_mask) || generation % 2 == 0) {
      why = problem::ended;
      return nullptr;
    }
    if (slot.owner.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
      why = problem::other_thread;
      return nullptr;
    }
    why = problem::none;
    return slot.tx.load(std::memory_order_relaxed);
  }

 private:
  // A ticket's generation is odd while a call runs and even between calls.
  struct ticket {
    std::atomic<uint64_t> generation{0};
    std::atomic<transaction*> tx{nullptr};
    std::atomic<std::thread::id> owner{};
  };
  static constexpr uint32_t chunk_size = 1024;
  static constexpr uint32_t chunk_count = 1024;
  static constexpr int generation_bits = 40;
  static constexpr uint64_t generation_mask = (uint64_t{1} << generation_bits) - 1;
  using chunk = std::array<ticket, chunk_size>;

  handle_registry() = default;

  // The tickets this thread closed last, which its next calls reuse without the lock: hosts run
  // call after call on the same threads, so a call's open and close usually take no mutex. A
  // ticket here is closed and in no shared list, so no other thread can start a call on it;
  // they go back to the shared list when the thread ends.
  class thread_tickets {
   public:
    thread_tickets() = default;
    thread_tickets(const thread_tickets&) = delete;
    thread_tickets& operator=(const thread_tickets&) = delete;
    ~thread_tickets() {
      while (count_ > 0) handle_registry::instance().give_back(indices_[--count_]);
    }
    bool take(uint32_t& index) noexcept {
      if (count_ == 0) return false;
      index = indices_[--count_];
      return true;
    }
    bool keep(uint32_t index) noexcept {
      if (count_ == capacity) return false;
      indices_[count_++] = index;
      return true;
    }

   private:
    // Enough for a few nested chaincode-to-chaincode calls.
    static constexpr std::size_t capacity = 4;
    uint32_t indices_[capacity] = {};
    std::size_t count_ = 0;
  };

  static thread_tickets& this_thread_tickets() noexcept {
    static thread_local thread_tickets tickets;
    return tickets;
  }

  uint32_t take_shared() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      const uint32_t index = free_.back();
      free_.pop_back();
      return index;
    }
    const uint32_t index = next_.load(std::memory_order_relaxed);
    if (index >= chunk_count * chunk_size) {
      throw std::length_error("scc: too many transactions running at once");
    }
    // Publish the chunk before the index that reaches into it.
    if (index % chunk_size == 0) chunks_[index / chunk_size].store(new chunk());
    next_.store(index + 1, std::memory_order_release);
    return index;
  }

  void give_back(uint32_t index) noexcept {
    try {
      const std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back(index);
    } catch (...) {
      // The ticket is lost, not reused: still safe.
    }
  }

  ticket& at(uint32_t index) const {
    return (*chunks_[index / chunk_size].load(std::memory_order_acquire))[index % chunk_size];
  }

  std::mutex mutex_;
  std::vector<uint32_t> free_;
  std::atomic<uint32_t> next_{0};
  std::array<std::atomic<chunk*>, chunk_count> chunks_{};
};

}  // namespace scc::host

#endif  // SCC_HOST_HANDLE_REGISTRY_HPP
