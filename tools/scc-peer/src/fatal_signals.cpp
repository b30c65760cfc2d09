#include "fatal_signals.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>

namespace scc::peer {

namespace {

constexpr std::size_t activity_capacity = 512;
// Plain thread-local storage of the executable: readable from a signal handler.
thread_local char activity[activity_capacity];
thread_local std::size_t activity_length = 0;

const char* signal_name(int number) {
  switch (number) {
    case SIGSEGV:
      return "SIGSEGV (invalid memory access)";
    case SIGBUS:
      return "SIGBUS (bus error)";
    case SIGILL:
      return "SIGILL (illegal instruction)";
    case SIGFPE:
      return "SIGFPE (arithmetic error)";
    case SIGABRT:
      return "SIGABRT (abort)";
    default:
      return "a fatal signal";
  }
}

void put(const char* text, std::size_t length) {
  while (length > 0) {
    const ssize_t written = ::write(STDERR_FILENO, text, length);
    if (written <= 0) return;
    text += written;
    length -= static_cast<std::size_t>(written);
  }
}

void put(const char* text) { put(text, std::strlen(text)); }

// Async-signal-safe: write(2), sigaction, raise.
void report(int number) {
  put("scc-peer: fatal signal ");
  put(signal_name(number));
  if (activity_length > 0) {
    put(" while running ");
    put(activity, activity_length);
    put(". Plugins run inside the peer's process, so the peer stops here. Blocks committed "
        "before are durable and this transaction was not committed; fix the plugin, then "
        "restart the peer.\n");
  } else {
    put(" outside any chaincode call: the peer stops here. Blocks committed before are "
        "durable; restart the peer.\n");
  }
  struct sigaction default_action;
  std::memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(number, &default_action, nullptr);
  raise(number);
}

}  // namespace

void install_fatal_signal_report() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = &report;
  sigemptyset(&action.sa_mask);
  // SA_ONSTACK: on the thread's own signal stack where it has one (a stack overflow).
  // SA_RESETHAND: a second fault inside the report ends the process the default way.
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  for (int number : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(number, &action, nullptr);
}

// The thread's signal stack, mapped on demand (not static thread-local storage, which every
// thread of the process would carry, plugins' own small-stack threads included), and unmapped
// when the thread ends.
struct signal_stack {
  void* memory = nullptr;
  std::size_t size = 0;
  ~signal_stack() {
    if (memory == nullptr) return;
    stack_t off;
    std::memset(&off, 0, sizeof off);
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
    munmap(memory, size);
  }
};
thread_local signal_stack own_signal_stack;

void prepare_thread_for_fatal_signals() {
  // A runtime that gave the thread one already (AddressSanitizer does) frees it itself at the
  // thread's end, and must find its own there.
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;
  if (own_signal_stack.memory != nullptr) return;
  const std::size_t size = 64 * 1024;
  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;
  stack_t stack;
  std::memset(&stack, 0, sizeof stack);
  stack.ss_sp = memory;
  stack.ss_size = size;
  if (sigaltstack(&stack, nullptr) != 0) {
    munmap(memory, size);
    return;
  }
  own_signal_stack.memory = memory;
  own_signal_stack.size = size;
}

fatal_signal_activity::fatal_signal_activity(std::string_view what) noexcept {
  const std::size_t length = std::min(what.size(), activity_capacity);
  activity_length = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  std::memcpy(activity, what.data(), length);
  // The handler must not see the new length before the text.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  activity_length = length;
}

fatal_signal_activity::~fatal_signal_activity() { activity_length = 0; }

}  // namespace scc::peer
