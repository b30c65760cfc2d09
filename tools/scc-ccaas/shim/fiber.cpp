#include "fiber.hpp"

#include <cxxabi.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace scc::ccaas {

namespace {

thread_local fiber* running = nullptr;

// Stacks are kept for reuse: mapping a fresh one per transaction costs system calls and page
// faults. The lowest page of each is a guard that turns an overflow into a crash, not corruption.
struct stack_cache {
  std::mutex mutex;
  std::vector<std::pair<void*, std::size_t>> free;
};

stack_cache& stacks() {
  static stack_cache* cache = new stack_cache;  // never destroyed: fibers may outlive statics
  return *cache;
}

void* take_stack(std::size_t size) {
  {
    stack_cache& cache = stacks();
    const std::lock_guard<std::mutex> lock(cache.mutex);
    for (std::size_t i = 0; i < cache.free.size(); ++i) {
      if (cache.free[i].second == size) {
        void* stack = cache.free[i].first;
        cache.free[i] = cache.free.back();
        cache.free.pop_back();
        return stack;
      }
    }
  }
  void* stack = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) throw std::bad_alloc();
  mprotect(stack, static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), PROT_NONE);
  return stack;
}

void give_back_stack(void* stack, std::size_t size) {
  stack_cache& cache = stacks();
  const std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.free.size() < 256) {
    cache.free.emplace_back(stack, size);
  } else {
    munmap(stack, size);
  }
}

// Swaps this thread's exception-handling state (libstdc++'s __cxa_eh_globals: the caught
// exceptions and the uncaught count) with saved.
template <class State>
void swap_exception_state(State& saved) {
#if defined(__GLIBCXX__)
  static_assert(sizeof(State) == sizeof(void*) + sizeof(void*), "unexpected layout");
  State* globals = reinterpret_cast<State*>(abi::__cxa_get_globals());
  const State current = *globals;
  *globals = saved;
  saved = current;
#else
  (void)saved;
#endif
}

}  // namespace

fiber::fiber(std::function<void()> body, std::size_t stack_size)
    : body_(std::move(body)), stack_(take_stack(stack_size)), stack_size_(stack_size) {}

fiber::~fiber() { give_back_stack(stack_, stack_size_); }

fiber* fiber::current() noexcept { return running; }

void fiber::entry() {
  fiber* self = running;
  try {
    self->body_();
  } catch (...) {
    // The body reports its own failures; nothing may unwind past the fiber's first frame.
  }
  self->finished_ = true;
  // Returning ends the fiber on uc_link, the resume() that ran it.
}

void fiber::resume() {
  if (running != nullptr) throw std::logic_error("fiber::resume from inside a fiber");
  if (finished_) return;
  if (!started_) {
    started_ = true;
    getcontext(&context_);
    context_.uc_stack.ss_sp = stack_;
    context_.uc_stack.ss_size = stack_size_;
    context_.uc_link = &caller_;
    makecontext(&context_, &fiber::entry, 0);
  }
  running = this;
  swap_exception_state(exceptions_);
  swapcontext(&caller_, &context_);
  swap_exception_state(exceptions_);
  running = nullptr;
}

void fiber::yield() {
  fiber* self = running;
  if (self == nullptr) throw std::logic_error("fiber::yield outside a fiber");
  running = nullptr;
  swapcontext(&self->context_, &self->caller_);
  running = self;
}

}  // namespace scc::ccaas
