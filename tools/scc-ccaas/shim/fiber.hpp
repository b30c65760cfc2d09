// fiber.hpp - a function that runs on its own stack and can pause (yield) and be resumed, on
// the thread that resumes it. The session runs each transaction as a fiber on the thread that
// reads the stream: a transaction waiting for the peer's reply yields, and the reply resumes it
// directly, without waking another thread (which costs more than the work of a transaction).
#ifndef SCC_CCAAS_FIBER_HPP
#define SCC_CCAAS_FIBER_HPP

#include <ucontext.h>

#include <cstddef>
#include <functional>

// x86-64 switches stacks with a few instructions of its own; elsewhere, and under sanitizers
// (which follow swapcontext, not a hand-made switch), with ucontext. swapcontext also saves and
// restores the signal mask, two system calls per switch that a transaction pays six times.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define SCC_CCAAS_FIBER_OWN_SWITCH 1
#else
#define SCC_CCAAS_FIBER_OWN_SWITCH 0
#endif

namespace scc::ccaas {

class fiber {
 public:
  // stack_size is reserved address space; only the pages the function touches use memory.
  explicit fiber(std::function<void()> body, std::size_t stack_size = 1024 * 1024);
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
  static void entry();

  std::function<void()> body_;
  void* stack_ = nullptr;
  std::size_t stack_size_ = 0;
#if SCC_CCAAS_FIBER_OWN_SWITCH
  void* stack_pointer_ = nullptr;   // the fiber's, while it is not running
  void* caller_pointer_ = nullptr;  // resume()'s, while the fiber runs
#else
  ucontext_t context_{};
  ucontext_t caller_{};
#endif
  bool started_ = false;
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
