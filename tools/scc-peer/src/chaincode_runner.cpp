#include "chaincode_runner.hpp"

#include <exception>
#include <utility>

#include "fatal_signals.hpp"
#include "log.hpp"
#include <fmt/core.h>

namespace scc::peer {

namespace {

using clock = std::chrono::steady_clock;

}  // namespace

std::string describe_duration(std::chrono::microseconds duration) {
  using namespace std::chrono;
  const auto count = duration.count();
  if (count % 60'000'000 == 0 && count >= 60'000'000)
    return std::to_string(count / 60'000'000) + "m";
  if (count % 1'000'000 == 0) return std::to_string(count / 1'000'000) + "s";
  if (count % 1'000 == 0) return std::to_string(count / 1'000) + "ms";
  return std::to_string(count) + "us";
}

bool chaincode_runner::run_context::claim() noexcept {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (timed_out_) return false;
  claimed_ = true;
  return true;
}

bool chaincode_runner::run_context::time_out() noexcept {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (claimed_) return false;
  timed_out_ = true;
  return true;
}

chaincode_runner::chaincode_runner(unsigned threads, std::chrono::microseconds timeout,
                                   unsigned max_stuck)
    : timeout_(timeout), max_stuck_(max_stuck) {
  if (threads == 0) threads = 1;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (unsigned index = 0; index < threads; ++index) start_worker();
  }
  watchdog_ = std::thread([this] { watch(); });
}

chaincode_runner::~chaincode_runner() { stop(); }

void chaincode_runner::watch_run(uint64_t id, running run) {
  running_.emplace(id, std::move(run));
  if (watchdog_idle_) {
    watchdog_idle_ = false;
    watch_changed_.notify_one();
  }
}

std::optional<std::string> chaincode_runner::run_here(const job& work, thread_replacement& here) {
  run_context context;
  uint64_t id = 0;
  clock::time_point deadline;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return std::string("the peer is shutting down");
    id = (uint64_t{1} << 63) | next_caller_run_++;
    deadline = clock::now() + timeout_;
    // Not owned: context and work outlive the watchdog's use of them (see below).
    watch_run(id,
              running{std::shared_ptr<run_context>(std::shared_ptr<void>(), &context),
                      std::shared_ptr<const job>(std::shared_ptr<void>(), &work), deadline, &here});
    ++caller_runs_;
  }
  {
    const fatal_signal_activity activity(work.description);
    try {
      work.run(context);
    } catch (const std::exception& failure) {
      log::error("{} failed: {}", work.description, failure.what());
    } catch (...) {
      log::error("{} failed with a non-standard exception", work.description);
    }
  }
  const bool answered_by_us = context.claim();
  std::unique_lock<std::mutex> lock(mutex_);
  if (answered_by_us) {
    running_.erase(id);
    if (--caller_runs_ == 0 && stopping_) workers_changed_.notify_all();
    return std::nullopt;
  }
  // Given up on: the watchdog answered, or is answering, with this frame's context and job.
  workers_changed_.wait(lock, [this, id] { return running_.at(id).watchdog_done; });
  const bool replaced = running_.at(id).caller_replaced;
  running_.erase(id);
  --stuck_;
  const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - deadline);
  log::warning(
      "{} returned {} ms after the peer gave up on it (chaincode.executetimeout {}); its answer "
      "was discarded. Stuck chaincode threads now: {}",
      work.description, late.count(), describe_duration(timeout_), stuck_);
  lock.unlock();
  if (replaced) here.returned();
  return std::nullopt;
}

void chaincode_runner::start_worker() {
  const uint64_t id = next_worker_++;
  ++healthy_;
  workers_.emplace(id, std::thread([this, id] { work(id); }));
}

std::optional<std::string> chaincode_runner::submit(job work) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return std::string("the peer is shutting down");
    if (healthy_ == 0) return no_thread_left();
    queue_.push_back(std::make_shared<job>(std::move(work)));
  }
  queue_changed_.notify_one();
  return std::nullopt;
}

std::string chaincode_runner::no_thread_left() const {
  return fmt::format(
      "no chaincode thread is left: {} are stuck in plugins that do not return "
      "(chaincode.executetimeout), and the peer replaces at most {}. Restart the peer",
      stuck_, max_stuck_);
}

void chaincode_runner::work(uint64_t id) {
  prepare_thread_for_fatal_signals();
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and nothing left to run
    const std::shared_ptr<job> current = std::move(queue_.front());
    queue_.pop_front();
    const auto context = std::make_shared<run_context>();
    const clock::time_point deadline = clock::now() + timeout_;
    watch_run(id, running{context, current, deadline});
    lock.unlock();
    {
      const fatal_signal_activity activity(current->description);
      try {
        current->run(*context);
      } catch (const std::exception& failure) {
        log::error("{} failed: {}", current->description, failure.what());
      } catch (...) {
        log::error("{} failed with a non-standard exception", current->description);
      }
    }
    const bool answered_by_us = context->claim();
    lock.lock();
    running_.erase(id);
    if (!answered_by_us) {
      // The watchdog gave up on this run and started a thread in this one's place.
      --stuck_;
      const auto late =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - deadline);
      log::warning(
          "{} returned {} ms after the peer gave up on it (chaincode.executetimeout {}); its "
          "answer was discarded. Stuck chaincode threads now: {}",
          current->description, late.count(), describe_duration(timeout_), stuck_);
      workers_changed_.notify_all();
      return;
    }
  }
  --healthy_;
  workers_changed_.notify_all();
}

void chaincode_runner::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!watch_stopped_) {
    const clock::time_point now = clock::now();
    clock::time_point next = clock::time_point::max();
    std::vector<std::pair<uint64_t, running>> overdue;
    std::vector<std::shared_ptr<job>> stranded;
    for (auto& [id, run] : running_) {
      if (run.given_up) continue;
      if (run.deadline > now) {
        next = std::min(next, run.deadline);
        continue;
      }
      run.given_up = true;
      if (!run.context->time_out()) {
        run.watchdog_done = true;
        continue;  // it claimed its result just in time
      }
      ++stuck_;
      if (run.replace_caller != nullptr) {
        // A caller's thread: the caller starts another (below, without the lock), up to the
        // same limit as for the runner's own.
        if (--caller_runs_ == 0 && stopping_) workers_changed_.notify_all();
        run.caller_replaced = !stopping_ && stuck_ <= max_stuck_;
        if (!run.caller_replaced && !stopping_) {
          log::error(
              "{} chaincode threads are stuck in plugins that do not return; no thread is "
              "started in place of this one (the limit is {}). Restart the peer",
              stuck_, max_stuck_);
        }
        overdue.emplace_back(id, run);
        continue;
      }
      overdue.emplace_back(id, run);
      // The thread is lost until its plugin returns: let it go, and start another.
      --healthy_;
      auto worker = workers_.extract(id);
      if (!worker.empty()) worker.mapped().detach();
      if (stopping_) continue;
      if (stuck_ <= max_stuck_) {
        start_worker();
        continue;
      }
      log::error(
          "{} chaincode threads are stuck in plugins that do not return; no thread is started "
          "in place of this one (the limit is {}). Restart the peer",
          stuck_, max_stuck_);
      if (healthy_ == 0) {
        // Nothing will run what is queued: refuse it, as submit() refuses what comes next.
        for (std::shared_ptr<job>& queued : queue_) stranded.push_back(std::move(queued));
        queue_.clear();
      }
    }
    if (overdue.empty()) {
      if (next == clock::time_point::max()) {
        watchdog_idle_ = true;
        watch_changed_.wait(lock);
        watchdog_idle_ = false;
      } else {
        watch_changed_.wait_until(lock, next);
      }
      continue;
    }
    if (stopping_) workers_changed_.notify_all();
    const std::string refusal = stranded.empty() ? std::string() : no_thread_left();
    lock.unlock();
    for (const auto& [id, run] : overdue) {
      const std::vector<std::string> chaincodes = run.context->execution().abandon(
          "timeout expired while executing transaction (chaincode.executetimeout " +
          describe_duration(timeout_) + "): the peer gave up on it");
      if (run.work->timed_out) {
        try {
          run.work->timed_out(chaincodes);
        } catch (const std::exception& failure) {
          log::error("answering the timed-out {} failed: {}", run.work->description,
                     failure.what());
        }
      }
      if (run.caller_replaced) {
        try {
          run.replace_caller->lost();
        } catch (const std::exception& failure) {
          log::error("no thread could be started in place of the one running {}: {}",
                     run.work->description, failure.what());
        }
      }
    }
    for (const std::shared_ptr<job>& queued : stranded) {
      if (!queued->refused) continue;
      try {
        queued->refused(refusal);
      } catch (const std::exception& failure) {
        log::error("refusing {} failed: {}", queued->description, failure.what());
      }
    }
    lock.lock();
    for (const auto& [id, run] : overdue) {
      const auto listed = running_.find(id);
      if (listed != running_.end()) listed->second.watchdog_done = true;
    }
    workers_changed_.notify_all();
  }
}

void chaincode_runner::stop() {
  std::vector<std::thread> finished;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    queue_changed_.notify_all();
    // A run in progress returns, or the watchdog gives up on it and lets its thread go.
    workers_changed_.wait(lock, [this] { return healthy_ == 0 && caller_runs_ == 0; });
    for (auto& [id, worker] : workers_) finished.push_back(std::move(worker));
    workers_.clear();
    watch_stopped_ = true;
  }
  watch_changed_.notify_all();
  for (std::thread& worker : finished) worker.join();
  watchdog_.join();
}

unsigned chaincode_runner::stuck_threads() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return stuck_;
}

}  // namespace scc::peer
