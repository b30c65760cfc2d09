#include "fiber.hpp"

#include <cxxabi.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
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

#if SCC_CCAAS_FIBER_OWN_SWITCH
// Saves the callee-saved registers and the floating-point control words on the current stack,
// stores the stack pointer in *save, and continues on the stack load points at (saved the same
// way, or prepared by fiber::resume), where it returns.
extern "C" void scc_ccaas_switch_stack(void** save, void* load);
asm(R"(
  .pushsection .text
  .p2align 4
  .globl scc_ccaas_switch_stack
  .hidden scc_ccaas_switch_stack
  .type scc_ccaas_switch_stack, @function
scc_ccaas_switch_stack:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size scc_ccaas_switch_stack, .-scc_ccaas_switch_stack
  .popsection
)");

// A new fiber's stack as scc_ccaas_switch_stack leaves a paused one, returning into entry.
void* prepare_stack(void* stack, std::size_t size, void (*entry)()) {
  auto top = reinterpret_cast<std::uintptr_t>(stack) + size;
  top &= ~static_cast<std::uintptr_t>(15);
  auto* slot = reinterpret_cast<std::uint64_t*>(top);
  *--slot = 0;  // entry's return address: it never returns, and unwinding stops here
  *--slot = reinterpret_cast<std::uint64_t>(entry);  // so entry starts with rsp = 8 mod 16
  for (int i = 0; i < 6; ++i) *--slot = 0;           // rbp (0 ends backtraces), rbx, r12-r15
  std::uint32_t control[2] = {0, 0};                 // this thread's MXCSR and x87 control word
  asm volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(control[0]), "=m"(control[1]));
  *--slot = static_cast<std::uint64_t>(control[0]) | (static_cast<std::uint64_t>(control[1]) << 32);
  return slot;
}
#endif

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
#if SCC_CCAAS_FIBER_OWN_SWITCH
  // Back to the resume() that ran it, for good: nothing resumes a finished fiber.
  scc_ccaas_switch_stack(&self->stack_pointer_, self->caller_pointer_);
  __builtin_unreachable();
#else
  // Returning ends the fiber on uc_link, the resume() that ran it.
#endif
}

void fiber::resume() {
  if (running != nullptr) throw std::logic_error("fiber::resume from inside a fiber");
  if (finished_) return;
  if (!started_) {
    started_ = true;
#if SCC_CCAAS_FIBER_OWN_SWITCH
    stack_pointer_ = prepare_stack(stack_, stack_size_, &fiber::entry);
#else
    getcontext(&context_);
    context_.uc_stack.ss_sp = stack_;
    context_.uc_stack.ss_size = stack_size_;
    context_.uc_link = &caller_;
    makecontext(&context_, &fiber::entry, 0);
#endif
  }
  running = this;
  swap_exception_state(exceptions_);
#if SCC_CCAAS_FIBER_OWN_SWITCH
  scc_ccaas_switch_stack(&caller_pointer_, stack_pointer_);
#else
  swapcontext(&caller_, &context_);
#endif
  swap_exception_state(exceptions_);
  running = nullptr;
}

void fiber::yield() {
  fiber* self = running;
  if (self == nullptr) throw std::logic_error("fiber::yield outside a fiber");
  running = nullptr;
#if SCC_CCAAS_FIBER_OWN_SWITCH
  scc_ccaas_switch_stack(&self->stack_pointer_, self->caller_pointer_);
#else
  swapcontext(&self->context_, &self->caller_);
#endif
  running = self;
}

}  // namespace scc::ccaas
