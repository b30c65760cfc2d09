#include "block_cutter.hpp"

#include <exception>
#include <utility>
#include <vector>

#include "log.hpp"

namespace scc::peer {

block_cutter::block_cutter(ledger::channel& channel, uint32_t max_message_count,
                           std::chrono::microseconds batch_timeout)
    : channel_(channel),
      max_message_count_(max_message_count == 0 ? 1 : max_message_count),
      batch_timeout_(batch_timeout) {
  committer_ = std::thread([this] { run(); });
}

block_cutter::~block_cutter() { stop(); }

void block_cutter::submit(ledger::endorsement transaction, done_fn done) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      queue_.push_back(
          pending{std::move(transaction), std::move(done), std::chrono::steady_clock::now()});
      // Wake the committer only when it has something new to decide.
      if (queue_.size() == 1 || queue_.size() == max_message_count_) wake_.notify_one();
      return;
    }
  }
  outcome refused;
  refused.error =
      "the peer is shutting down; transaction " + transaction.tx_id + " was not ordered";
  done(refused);
}

void block_cutter::stop() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (committer_.joinable()) committer_.join();
}

void block_cutter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, nothing left
    const auto deadline = queue_.front().arrived + batch_timeout_;
    wake_.wait_until(lock, deadline,
                     [this] { return queue_.size() >= max_message_count_ || stopping_; });
    std::deque<pending> batch;
    const std::size_t take = std::min<std::size_t>(queue_.size(), max_message_count_);
    for (std::size_t index = 0; index < take; ++index) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    commit(batch);
    lock.lock();
  }
}

void block_cutter::commit(std::deque<pending>& batch) {
  std::vector<ledger::endorsement> transactions;
  transactions.reserve(batch.size());
  for (pending& item : batch) transactions.push_back(std::move(item.transaction));
  outcome result;
  ledger::block_result committed;
  try {
    committed = channel_.commit(std::move(transactions));
    result.committed = true;
  } catch (const std::exception& failure) {
    result.error = "the block could not be committed: " + std::string(failure.what());
    log::error("channel {}: {}", channel_.name(), result.error);
  }
  if (result.committed) {
    std::size_t valid = 0;
    for (ledger::validation_code code : committed.codes) {
      if (code == ledger::validation_code::valid) ++valid;
    }
    log::info("committed block {} on channel {}: {} transactions, {} valid", committed.number,
              channel_.name(), committed.codes.size(), valid);
  }
  for (std::size_t index = 0; index < batch.size(); ++index) {
    if (result.committed) {
      result.block_number = committed.number;
      result.code = committed.codes.at(index);
    }
    batch[index].done(result);
  }
}

}  // namespace scc::peer
