// fiber_gate.hpp - one transaction at a time for a plugin that is not thread-safe, across every
// session whose fibers share a thread. (plugin_instance's mutex cannot do it there: a fiber that
// holds it and yields would have the next fiber on the same thread lock it again.)
#ifndef SCC_CCAAS_FIBER_GATE_HPP
#define SCC_CCAAS_FIBER_GATE_HPP

#include <algorithm>
#include <deque>
#include <functional>

namespace scc::ccaas {

class fiber_gate {
 public:
  bool busy() const noexcept { return busy_; }
  void enter() noexcept { busy_ = true; }
  // Waits for the gate: start runs when the transactions queued before it have finished.
  void queue(const void* owner, std::function<void()> start) {
    waiting_.push_back({owner, std::move(start)});
  }
  // The transaction in the gate has finished: the next one starts.
  void release() {
    busy_ = false;
    if (waiting_.empty()) return;
    std::function<void()> next = std::move(waiting_.front().start);
    waiting_.pop_front();
    next();
  }
  // A session that ends takes its queued transactions with it.
  void drop(const void* owner) {
    waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(),
                                  [owner](const entry& e) { return e.owner == owner; }),
                   waiting_.end());
  }

 private:
  struct entry {
    const void* owner;
    std::function<void()> start;
  };
  bool busy_ = false;
  std::deque<entry> waiting_;
};

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_FIBER_GATE_HPP
