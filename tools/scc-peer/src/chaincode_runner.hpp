// chaincode_runner.hpp - the threads that run chaincode for scc-peer, and the watchdog that gives
// up on a run whose chaincode does not return within chaincode.executetimeout.
//
// Plugins run in the peer's process, so a plugin that loops cannot be stopped. When a run passes
// its deadline the watchdog abandons it (ledger::execution: its stub calls fail, its channels
// are released so blocks commit again), tells the job's owner (which answers the client), and
// starts a thread in place of the stuck one. The stuck thread leaves once the plugin returns.
#ifndef SCC_PEER_CHAINCODE_RUNNER_HPP
#define SCC_PEER_CHAINCODE_RUNNER_HPP

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <scc/ledger/execution.hpp>

namespace scc::peer {

// "30s", "500ms", "250us": a duration as core.yaml would spell it.
std::string describe_duration(std::chrono::microseconds duration);

// What a caller that runs jobs on its own threads (run_here) provides, so that the watchdog can
// give up on one of them as it gives up on its own threads.
class thread_replacement {
 public:
  virtual ~thread_replacement() = default;
  // On the watchdog thread: the run on one of the caller's threads was given up on; that thread
  // stays in its plugin until the plugin returns. Start another in its place.
  virtual void lost() = 0;
  // On that thread, once its plugin returned: it is one too many now.
  virtual void returned() = 0;
};

class chaincode_runner {
 public:
  // What a job's code sees of its run.
  class run_context {
   public:
    ledger::execution& execution() noexcept { return execution_; }
    // Call before acting on the run's result. False once the watchdog has given up on the run
    // (and answered for it): the result must then be dropped.
    bool claim() noexcept;

   private:
    friend class chaincode_runner;
    // The watchdog's side of claim(): false if the run claimed its result first.
    bool time_out() noexcept;

    ledger::execution execution_;
    std::mutex mutex_;
    bool claimed_ = false;
    bool timed_out_ = false;
  };

  struct job {
    // Runs on a runner thread.
    std::function<void(run_context&)> run;
    // Runs on the watchdog thread, at most once, when run has not claimed its result by the
    // deadline; chaincodes are those the run was inside, outermost first.
    std::function<void(const std::vector<std::string>& chaincodes)> timed_out;
    // Runs instead of run, on the watchdog thread, if the job can no longer run (every thread
    // stuck); with the reason.
    std::function<void(const std::string& reason)> refused;
    // "system chaincode NAME (tx ID, channel C)", for logs and fatal-signal reports.
    std::string description;
  };

  // threads: how many run jobs at once. max_stuck: how many stuck threads are replaced before the
  // runner stops replacing them (each one holds a core while its plugin spins).
  chaincode_runner(unsigned threads, std::chrono::microseconds timeout, unsigned max_stuck = 64);
  ~chaincode_runner();
  chaincode_runner(const chaincode_runner&) = delete;
  chaincode_runner& operator=(const chaincode_runner&) = delete;

  // Queues the job, or refuses it and says why: the runner is stopping, or every thread is stuck.
  std::optional<std::string> submit(job work);

  // Runs the job on the calling thread, watched as a queued job is: if it does not claim its
  // result by the deadline, the watchdog answers through timed_out and calls here.lost(); this
  // call then returns once the plugin does, after here.returned(). Saves the hand-off to a
  // runner thread and back. Refuses the job (and says why) once the runner is stopping.
  std::optional<std::string> run_here(const job& work, thread_replacement& here);

  // Runs what is queued, then stops the threads. Waits for a run in progress to return or time
  // out; stuck threads are left behind (see stuck_threads()).
  void stop();

  // Threads whose run was given up on and whose plugin has not returned yet.
  unsigned stuck_threads() const;
  std::chrono::microseconds timeout() const noexcept { return timeout_; }

 private:
  struct running {
    // Owned for queued jobs; for run_here they live on the running thread's stack, which waits
    // for the watchdog to be done with them (watchdog_done) before it returns.
    std::shared_ptr<run_context> context;
    std::shared_ptr<const job> work;
    std::chrono::steady_clock::time_point deadline;
    thread_replacement* replace_caller = nullptr;  // set for run_here
    bool caller_replaced = false;                  // the watchdog called replace_caller->lost()
    bool given_up = false;
    bool watchdog_done = false;
  };

  // With mutex_ held: lists a run for the watchdog, waking it only if it waits for no deadline
  // (deadlines only grow, so one it waits for comes before the new run's).
  void watch_run(uint64_t id, running run);
  void start_worker();                 // with mutex_ held
  std::string no_thread_left() const;  // with mutex_ held
  void work(uint64_t id);
  void watch();

  const std::chrono::microseconds timeout_;
  const unsigned max_stuck_;
  mutable std::mutex mutex_;
  std::condition_variable queue_changed_;
  std::condition_variable watch_changed_;
  std::condition_variable workers_changed_;
  std::deque<std::shared_ptr<job>> queue_;
  std::map<uint64_t, std::thread> workers_;  // healthy ones
  std::map<uint64_t, running> running_;      // by worker, or by caller run (high bit set)
  uint64_t next_worker_ = 0;
  uint64_t next_caller_run_ = 0;
  unsigned caller_runs_ = 0;    // run_here runs in progress and not given up on
  bool watchdog_idle_ = false;  // the watchdog waits with no deadline
  unsigned healthy_ = 0;        // workers that have not been given up on and have not exited
  unsigned stuck_ = 0;
  bool stopping_ = false;
  bool stopped_ = false;
  bool watch_stopped_ = false;
  std::thread watchdog_;
};

}  // namespace scc::peer

#endif  // SCC_PEER_CHAINCODE_RUNNER_HPP
