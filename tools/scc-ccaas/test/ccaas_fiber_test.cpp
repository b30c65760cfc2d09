// The fibers transactions run on: resume, yield, and exceptions kept apart per fiber.
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

TEST_CASE("deep recursion fits the default stack") {
  std::function<int(int)> depth = [&](int n) { return n == 0 ? 0 : 1 + depth(n - 1); };
  int result = 0;
  fiber f([&] { result = depth(2000); });
  f.resume();
  CHECK(result == 2000);
}

TEST_CASE("a fiber's stack keeps the ABI's alignment, before and after it yields") {
  // A stack off by 8 bytes breaks aligned SSE spills (printf with a double, for one).
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
