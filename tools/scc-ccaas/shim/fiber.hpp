// fiber.hpp - a function that runs on its own stack and can pause (yield) and be resumed, on
// the thread that resumes it. The session runs each transaction as a fiber on the thread that
// reads the stream: a transaction waiting for the peer's reply yields, and the reply resumes it
// directly, without waking another thread (which costs more than the work of a transaction).
#ifndef SCC_CCAAS_FIBER_HPP
#define SCC_CCAAS_FIBER_HPP

#include <cstddef>
#include <functional>

#include <boost/context/stack_context.hpp>

// Boost.Context switches stacks (its fcontext: a few instructions, no system call). Under
// AddressSanitizer and ThreadSanitizer, which follow swapcontext but not fcontext's switch,
// ucontext does it (swapcontext also saves and restores the signal mask: two system calls per
// switch, which only sanitizer builds pay).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SCC_CCAAS_FIBER_UCONTEXT 1
#else
#define SCC_CCAAS_FIBER_UCONTEXT 0
#endif

#if SCC_CCAAS_FIBER_UCONTEXT
#include <ucontext.h>
#else
#include <boost/context/fiber.hpp>
#endif

namespace scc::ccaas {

class fiber {
 public:
  // stack_size is reserved address space; only the pages the function touches use memory.
  // Below it lies a guard page: an overflow crashes instead of overwriting memory.
  explicit fiber(std::function<void()> body, std::size_t stack_size = 1024 * 1024);
  // Destroying a paused fiber unwinds its stack first (Boost.Context throws through it; with
  // ucontext the stack is dropped as it is).
  ~fiber();
  fiber(const fiber&) = delete;
  fiber& operator=(const fiber&) = delete;

  // Runs the body until it yields or returns. Not from inside a fiber.
  void resume();
  bool finished() const noexcept { return finished_; }

  // From inside a running fiber: back to the resume() that ran it.
  static void yield();
  // The fiber running on this thread, or nullptr.
  static fiber* current() noexcept;

 private:
  void run_body();

  std::function<void()> body_;
#if SCC_CCAAS_FIBER_UCONTEXT
  static void entry();
  boost::context::stack_context stack_{};
  ucontext_t context_{};
  ucontext_t caller_{};
  bool started_ = false;
#else
  boost::context::fiber context_;  // the fiber's, while it is not running
  boost::context::fiber caller_;   // resume()'s, while the fiber runs
#endif
  bool finished_ = false;
  // The C++ runtime keeps the exceptions being handled per thread; each fiber needs its own, or
  // a fiber yielding inside a catch block would see another fiber's exception end its own.
  struct exception_state {
    void* caught = nullptr;
    unsigned int uncaught = 0;
  };
  exception_state exceptions_;
};

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_FIBER_HPP
