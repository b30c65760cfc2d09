// The exception barrier and the threading rule, through the trampolines of in-process plugins
// installed in the test harness.
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <scc/host/plugin_instance.hpp>
#include <scc/ledger/endorser.hpp>  // the engine itself, not only the harness
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

struct throws_std {
  scc::response init(scc::stub&) { throw std::logic_error("init went wrong"); }
  scc::response invoke(scc::stub&) { throw std::runtime_error("invoke went wrong"); }
};

struct throws_int {
  scc::response init(scc::stub&) { throw 7; }
  scc::response invoke(scc::stub&) { throw 42; }
};

struct throws_in_constructor {
  throws_in_constructor() { throw std::runtime_error("no configuration"); }
  scc::response invoke(scc::stub&) { return scc::success(); }
};

struct throws_int_in_constructor {
  throws_int_in_constructor() { throw 1; }
  scc::response invoke(scc::stub&) { return scc::success(); }
};

struct throws_in_destructor {
  ~throws_in_destructor() noexcept(false) { throw std::runtime_error("bad destructor"); }
  scc::response invoke(scc::stub&) { return scc::success("alive"); }
};

struct without_init {
  scc::response invoke(scc::stub&) { return scc::success(); }
};

// Counts how many calls run at once.
template <bool ThreadSafe>
struct concurrency_probe {
  static constexpr bool thread_safe = ThreadSafe;
  static inline std::atomic<int> running{0};
  static inline std::atomic<int> max_running{0};
  scc::response invoke(scc::stub&) {
    const int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --running;
    return scc::success();
  }
};

template <class T>
scc::response call(const char* name, bool init) {
  scc::testing::harness h;
  h.install<T>(name);
  return init ? h.init(name).response : h.invoke(name, {}).response;
}

// Four threads simulate proposals at once through the harness's endorser, as a peer's endorser
// may (harness::invoke itself is for one thread at a time). Every proposal must reach the
// plugin and succeed: a refused one would lower the concurrency seen without saying why.
template <class Probe>
int max_concurrency() {
  scc::testing::harness h;
  h.install<Probe>("probe");
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, &failed, t] {
      for (int i = 0; i < 10; ++i) {
        scc::host::proposal proposal;
        proposal.channel_id = h.default_channel();
        proposal.tx_id = "probe-" + std::to_string(t) + "-" + std::to_string(i);
        const auto endorsed =
            h.endorser().simulate(std::move(proposal), "probe", /*is_init=*/false);
        if (endorsed.response.status >= 400) ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failed.load() == 0);
  return Probe::max_running.load();
}

}  // namespace

TEST_CASE("a std::exception becomes a 500 carrying what()") {
  const scc::response invoked = call<throws_std>("throws_std", false);
  CHECK(invoked.status == 500);
  CHECK(invoked.message == "invoke went wrong");
  const scc::response initialised = call<throws_std>("throws_std", true);
  CHECK(initialised.status == 500);
  CHECK(initialised.message == "init went wrong");
}

TEST_CASE("any other exception becomes a 500 naming the plugin and the method") {
  CHECK(call<throws_int>("throws_int", false).message ==
        "plugin 'throws_int' threw a non-standard exception from invoke");
  CHECK(call<throws_int>("throws_int", true).message ==
        "plugin 'throws_int' threw a non-standard exception from init");
}

TEST_CASE("a constructor that throws fails create with the plugin's message") {
  scc::testing::harness h;
  try {
    h.install<throws_in_constructor>("ctor");
    FAIL("create should have failed");
  } catch (const scc::host::load_error& e) {
    CHECK(e.kind() == scc::host::load_error_kind::create_failed);
    CHECK(std::string(e.what()) ==
          "SCC plugin 'ctor' ((in-process)) failed to create an instance: constructor of plugin "
          "'ctor' threw: no configuration. Fix the plugin's constructor; the host did not start "
          "it.");
  }
  CHECK_THROWS_WITH_AS(
      h.install<throws_int_in_constructor>("ctor_int"),
      "SCC plugin 'ctor_int' ((in-process)) failed to create an instance: constructor of "
      "plugin 'ctor_int' threw a non-standard exception. Fix the plugin's constructor; the "
      "host did not start it.",
      scc::host::load_error);
}

TEST_CASE("a destructor that throws is logged and does not take the host down") {
  static std::vector<std::string> logged;
  static std::vector<std::string> attributed_to;
  scc::host::global_log_sink() = [](scc::log_level, std::string_view plugin,
                                    std::string_view message) {
    logged.emplace_back(message);
    attributed_to.emplace_back(plugin);
  };
  {
    scc::testing::harness h;
    h.install<throws_in_destructor>("dtor");
    CHECK(h.invoke("dtor", {}).response.payload == "alive");
  }  // the harness releases the instance
  scc::host::global_log_sink() = &scc::host::stderr_log_sink;
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == "destructor of plugin 'dtor' threw; the instance was released anyway");
  // An ABI 1.1 plugin names itself through log_from, so the host can attribute the line.
  CHECK(attributed_to[0] == "dtor");
}

TEST_CASE("a class without init succeeds at init") {
  const scc::response initialised = call<without_init>("without_init", true);
  CHECK(initialised.status == 200);
  CHECK(initialised.message.empty());
}

TEST_CASE("the host serialises calls unless the plugin declares itself thread-safe") {
  CHECK(max_concurrency<concurrency_probe<false>>() == 1);
  CHECK(max_concurrency<concurrency_probe<true>>() > 1);
}

TEST_CASE("the thread-safe declaration reaches the descriptor's flags") {
  CHECK(scc::describe_plugin<concurrency_probe<true>>("p1")->flags == SCC_PLUGIN_FLAG_THREAD_SAFE);
  CHECK(scc::describe_plugin<concurrency_probe<false>>("p2")->flags == 0);
}

TEST_CASE("create refuses a host table of another major") {
  const scc_plugin_descriptor_v1* descriptor = scc::describe_plugin<without_init>("without_init");
  scc_host_api_v1 foreign = *scc::host::api();
  foreign.abi_major = 2;
  scc_instance* instance = nullptr;
  scc_type_bytes error{};
  CHECK(descriptor->create(&foreign, &instance, &error) == SCC_STATUS_INVALID_ARGUMENT);
  CHECK(instance == nullptr);
  CHECK(std::string(reinterpret_cast<const char*>(error.ptr), error.len) ==
        "plugin 'without_init' needs a host callback table of SCC ABI 1.x, but the host passed "
        "a table of another major or a truncated table");
}
