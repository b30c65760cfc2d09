#include "fiber.hpp"

#include <cxxabi.h>

#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/context/protected_fixedsize_stack.hpp>

namespace scc::ccaas {

namespace {

thread_local fiber* running = nullptr;

// Boost.Context's guarded stacks, kept for reuse: mapping and guarding a fresh one per
// transaction costs three system calls and the page faults of its first use, some 18 µs (a
// fiber's whole life on a reused stack, with its switches, takes 0.4 µs).
struct stack_cache {
  static constexpr std::size_t capacity = 256;
  std::mutex mutex;
  std::vector<boost::context::stack_context> free;
  stack_cache() { free.reserve(capacity); }  // deallocate may not throw
};

stack_cache& stacks() {
  static stack_cache* cache = new stack_cache;  // never destroyed: fibers may outlive statics
  return *cache;
}

// A Boost.Context stack allocator; stack_size is what the fiber may use, without the guard page.
class reused_stack {
 public:
  explicit reused_stack(std::size_t stack_size) : stack_size_(stack_size) {}

  boost::context::stack_context allocate() {
    {
      stack_cache& cache = stacks();
      const std::lock_guard<std::mutex> lock(cache.mutex);
      for (std::size_t i = 0; i < cache.free.size(); ++i) {
        if (cache.free[i].size == allocated_size()) {
          const boost::context::stack_context stack = cache.free[i];
          cache.free[i] = cache.free.back();
          cache.free.pop_back();
          return stack;
        }
      }
    }
    return boost::context::protected_fixedsize_stack(stack_size_).allocate();
  }

  void deallocate(boost::context::stack_context& stack) noexcept {
    {
      stack_cache& cache = stacks();
      const std::lock_guard<std::mutex> lock(cache.mutex);
      if (cache.free.size() < stack_cache::capacity) {
        cache.free.push_back(stack);
        return;
      }
    }
    boost::context::protected_fixedsize_stack(stack_size_).deallocate(stack);
  }

 private:
  // What protected_fixedsize_stack maps for stack_size: whole pages, and the guard page.
  std::size_t allocated_size() const noexcept {
    const std::size_t page = boost::context::stack_traits::page_size();
    return (stack_size_ + page - 1) / page * page + page;
  }

  std::size_t stack_size_;
};

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

fiber* fiber::current() noexcept { return running; }

void fiber::run_body() {
  try {
    body_();
#if !SCC_CCAAS_FIBER_UCONTEXT
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // Boost.Context unwinds a paused fiber that is destroyed, and ends it itself
#endif
  } catch (...) {
    // The body reports its own failures; nothing may unwind past the fiber's first frame.
  }
  finished_ = true;
}

#if SCC_CCAAS_FIBER_UCONTEXT

fiber::fiber(std::function<void()> body, std::size_t stack_size)
    : body_(std::move(body)), stack_(reused_stack(stack_size).allocate()) {}

fiber::~fiber() { reused_stack(stack_.size).deallocate(stack_); }

void fiber::entry() {
  running->run_body();
  // Returning ends the fiber on uc_link, the resume() that ran it.
}

void fiber::resume() {
  if (running != nullptr) throw std::logic_error("fiber::resume from inside a fiber");
  if (finished_) return;
  if (!started_) {
    started_ = true;
    getcontext(&context_);
    context_.uc_stack.ss_sp = static_cast<char*>(stack_.sp) - stack_.size;
    context_.uc_stack.ss_size = stack_.size;
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

#else

fiber::fiber(std::function<void()> body, std::size_t stack_size)
    : body_(std::move(body)),
      context_(std::allocator_arg, reused_stack(stack_size),
               [this](boost::context::fiber&& caller) {
                 caller_ = std::move(caller);
                 run_body();
                 return std::move(caller_);
               }) {}

fiber::~fiber() {
  if (!context_) return;
  // Paused: Boost.Context unwinds its stack with an exception, which must meet the fiber's own
  // exception state, and code on the way that asks for current() the fiber.
  fiber* const outer = std::exchange(running, this);
  swap_exception_state(exceptions_);
  { const boost::context::fiber paused(std::move(context_)); }
  swap_exception_state(exceptions_);
  running = outer;
}

void fiber::resume() {
  if (running != nullptr) throw std::logic_error("fiber::resume from inside a fiber");
  if (finished_) return;
  running = this;
  swap_exception_state(exceptions_);
  context_ = std::move(context_).resume();
  swap_exception_state(exceptions_);
  running = nullptr;
}

void fiber::yield() {
  fiber* self = running;
  if (self == nullptr) throw std::logic_error("fiber::yield outside a fiber");
  running = nullptr;
  self->caller_ = std::move(self->caller_).resume();
  running = self;
}

#endif

}  // namespace scc::ccaas
