// The fibers transactions run on: resume, yield, exceptions kept apart per fiber, the stack size
// asked for with a guard page below it, and a paused fiber unwound when it is destroyed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fiber.hpp"
#include <doctest/doctest.h>

using scc::ccaas::fiber;

TEST_CASE("a fiber runs until it yields, and resume continues it where it stopped") {
  std::vector<int> steps;
  fiber f([&] {
    steps.push_back(1);
    fiber::yield();
    steps.push_back(2);
    fiber::yield();
    steps.push_back(3);
  });
  CHECK(fiber::current() == nullptr);
  f.resume();
  CHECK(fiber::current() == nullptr);
  CHECK(steps == std::vector<int>{1});
  CHECK_FALSE(f.finished());
  f.resume();
  f.resume();
  CHECK(steps == std::vector<int>{1, 2, 3});
  CHECK(f.finished());
  f.resume();  // a finished fiber stays finished
  CHECK(steps.size() == 3);
}

TEST_CASE("two fibers yielding inside catch blocks keep their own exceptions") {
  std::vector<std::string> seen;
  const auto body = [&seen](const std::string& name) {
    return [&seen, name] {
      try {
        throw std::runtime_error(name);
      } catch (const std::exception&) {
        fiber::yield();  // the other fiber throws and catches meanwhile
        try {
          std::rethrow_exception(std::current_exception());
        } catch (const std::exception& again) {
          seen.push_back(again.what());
        }
      }
      seen.push_back(name + " done, uncaught " + std::to_string(std::uncaught_exceptions()));
    };
  };
  fiber a(body("a"));
  fiber b(body("b"));
  a.resume();
  b.resume();
  a.resume();
  b.resume();
  CHECK(a.finished());
  CHECK(b.finished());
  CHECK(seen == std::vector<std::string>{"a", "a done, uncaught 0", "b", "b done, uncaught 0"});
  CHECK(std::current_exception() == nullptr);
}

TEST_CASE("an exception escaping a fiber's body ends the fiber, not the program") {
  fiber f([] { throw std::logic_error("escaped"); });
  f.resume();
  CHECK(f.finished());
}

namespace {

// Recursion that needs about 8 KiB of stack per level.
int descend(int levels) {
  volatile char frame[8192];
  frame[0] = static_cast<char>(levels);
  frame[sizeof frame - 1] = static_cast<char>(levels);
  const int below = levels == 0 ? 0 : 1 + descend(levels - 1);
  return below + (frame[0] == frame[sizeof frame - 1] ? 0 : 1000);
}

}  // namespace

TEST_CASE("recursion that needs most of the default 1 MiB stack runs") {
  int result = 0;
  fiber f([&] { result = descend(96); });  // some 800 KiB
  f.resume();
  CHECK(f.finished());
  CHECK(result == 96);
}

TEST_CASE("a fiber that overflows its stack crashes on the guard page, in a child process") {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    signal(SIGSEGV, SIG_DFL);
    fiber f([] { descend(64); }, 64 * 1024);  // 512 KiB of frames on a 64 KiB stack
    f.resume();
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGSEGV);
}

TEST_CASE("a fiber destroyed while paused is unwound: its locals are destroyed") {
  struct sentinel {
    int& destroyed;
    ~sentinel() { ++destroyed; }
  };
  int destroyed = 0;
  fiber* seen_inside = nullptr;
  {
    fiber f([&] {
      const sentinel guard{destroyed};
      try {
        throw std::runtime_error("held");
      } catch (const std::exception&) {
        fiber::yield();  // destroyed here, inside a catch block
      }
      seen_inside = fiber::current();  // never reached
    });
    f.resume();
    CHECK_FALSE(f.finished());
    CHECK(destroyed == 0);
  }
  CHECK(destroyed == 1);
  CHECK(seen_inside == nullptr);
  CHECK(std::current_exception() == nullptr);
  CHECK(std::uncaught_exceptions() == 0);
  CHECK(fiber::current() == nullptr);
}

TEST_CASE("a fiber's stack keeps the ABI's alignment, before and after it yields") {
  // Boost.Context's promise; a stack off by 8 bytes breaks aligned SSE spills (printf with a
  // double, for one).
  std::vector<std::uintptr_t> addresses;
  const auto record = [&addresses] {
    alignas(16) volatile char probe[16] = {};
    addresses.push_back(reinterpret_cast<std::uintptr_t>(&probe[0]));
  };
  fiber f([&] {
    record();
    fiber::yield();
    record();
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", 2.5);
    CHECK(std::string(text) == "2.50");
  });
  f.resume();
  f.resume();
  REQUIRE(addresses.size() == 2);
  CHECK(addresses[0] % 16 == 0);
  CHECK(addresses[1] % 16 == 0);
  CHECK(f.finished());
}
