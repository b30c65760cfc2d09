// block_cutter.hpp - orders endorsed transactions of one channel into blocks and commits them,
// as an orderer and a committing peer would: a block is cut when it holds maxMessageCount
// transactions or batchTimeout after its first transaction arrived, whichever comes first.
// While one block is being validated and made durable the next one fills up, so a busy channel
// pays one sync per block, not per transaction (group commit).
#ifndef SCC_PEER_BLOCK_CUTTER_HPP
#define SCC_PEER_BLOCK_CUTTER_HPP

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <scc/ledger/block.hpp>
#include <scc/ledger/ledger.hpp>

namespace scc::peer {

class block_cutter {
 public:
  struct outcome {
    bool committed = false;  // false: the block could not be committed (error says why)
    ledger::validation_code code = ledger::validation_code::not_validated;
    uint64_t block_number = 0;
    std::string error;
  };
  using done_fn = std::function<void(const outcome&)>;

  block_cutter(ledger::channel& channel, uint32_t max_message_count,
               std::chrono::microseconds batch_timeout);
  ~block_cutter();
  block_cutter(const block_cutter&) = delete;
  block_cutter& operator=(const block_cutter&) = delete;

  // Queues a transaction; done runs on the committer thread once its block is committed (or
  // failed). After stop(), done runs at once with an error.
  void submit(ledger::endorsement transaction, done_fn done);

  // Cuts and commits everything queued, then ends the committer thread. Idempotent.
  void stop();

 private:
  struct pending {
    ledger::endorsement transaction;
    done_fn done;
    std::chrono::steady_clock::time_point arrived;
  };

  void run();
  void commit(std::deque<pending>& batch);

  ledger::channel& channel_;
  const uint32_t max_message_count_;
  const std::chrono::microseconds batch_timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  std::thread committer_;
};

}  // namespace scc::peer

#endif  // SCC_PEER_BLOCK_CUTTER_HPP
