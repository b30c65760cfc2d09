// Routing an invoke to its transaction function: arguments converted to the parameter types,
// the result answered, every failure a 500 (or a chosen status) with a message that says what
// to do, and the optional hooks run in fabric-contract-api's order. Everything runs through the
// stub-ledger harness, with a real peer's semantics.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <scc/contract.hpp>
#include <scc/testing.hpp>

namespace {

struct range {
  int64_t low = 0;
  int64_t high = 0;
};
SCC_OBJECT(range, low, high);

class notebook {
 public:
  void put(scc::context& ctx, const std::string& key, const std::string& value) {
    ctx.stub().put_state(key, value);
  }
  std::optional<std::string> get(scc::context& ctx, const std::string& key) {
    return ctx.stub().get_state(key);
  }
  int64_t add(scc::context&, int64_t a, int64_t b) { return a + b; }
  std::vector<int32_t> sorted(scc::context&, std::vector<int32_t> values) {
    std::sort(values.begin(), values.end());
    return values;
  }
  range widen(scc::context&, range r, uint32_t by) const { return {r.low - by, r.high + by}; }
  bool all(scc::context&, const std::vector<bool>& flags) {
    return std::all_of(flags.begin(), flags.end(), [](bool flag) { return flag; });
  }
  std::string greet(scc::context&, const std::string& name, std::optional<std::string> greeting,
                    std::optional<uint8_t> times) {
    std::string out;
    for (int i = 0; i < times.value_or(1); ++i)
      out += greeting.value_or("hello") + " " + name + ".";
    return out;
  }
  nlohmann::json echo(scc::context&, nlohmann::json value) { return value; }
  void fail_after_write(scc::context& ctx) {
    ctx.stub().put_state("written", "1");
    throw std::runtime_error("the disk is full");
  }
  void forbid(scc::context& ctx) {
    throw scc::transaction_error(403,
                                 "only Org1MSP may do this, not " + ctx.client_identity().msp_id());
  }
  void throw_int(scc::context&) { throw 42; }
  scc::response custom(scc::context&, int32_t status) { return {status, "custom", "body"}; }
  std::string whoami(scc::context& ctx) {
    return ctx.client_identity().msp_id() + " " + ctx.client_identity().certificate();
  }
  static std::string transaction_name(scc::context& ctx) {
    return std::string(ctx.transaction_name());
  }
};

// Hooks record what ran here; the harness runs the plugin in this process.
std::vector<std::string> hook_log;

class hooked {
 public:
  std::string init(scc::context& ctx) {
    hook_log.push_back("init " + std::string(ctx.transaction_name()));
    return "ready";
  }
  void before_transaction(scc::context& ctx) {
    hook_log.push_back("before " + std::string(ctx.transaction_name()));
    if (ctx.transaction_name() == "guarded" && ctx.client_identity().msp_id() != "Org1MSP") {
      throw scc::transaction_error(403, "Org1MSP only");
    }
  }
  void after_transaction(scc::context& ctx, const scc::response& answer) {
    hook_log.push_back("after " + std::string(ctx.transaction_name()) + " -> " + answer.payload);
  }
  std::string unknown_transaction(scc::context& ctx) {
    hook_log.push_back("unknown " + std::string(ctx.transaction_name()));
    return "nothing called " + std::string(ctx.transaction_name());
  }
  uint32_t double_it(scc::context& ctx, uint32_t value) {
    hook_log.push_back("double_it");
    ctx.stub().put_state("doubled", std::to_string(value * 2));
    return value * 2;
  }
  void guarded(scc::context& ctx) { ctx.stub().put_state("guarded", "1"); }
  void broken(scc::context&) { throw std::logic_error("broken"); }
};

class after_without_result {
 public:
  static constexpr bool thread_safe = true;
  void after_transaction(scc::context& ctx) {
    ctx.stub().set_event("after", std::string(ctx.transaction_name()));
  }
  void touch(scc::context& ctx) { ctx.stub().set_event("touch", "inside"); }
};

class listed_twice {
 public:
  void once(scc::context&) {}
};

}  // namespace

SCC_DEFINE_CONTRACT(notebook, "notebook", "2.1.0",
                    (put, key, value)(get, key)(add, a, b)(sorted, values)(widen, range, by)(
                        all, flags)(greet, name, greeting, times)(echo, value)(
                        fail_after_write)(forbid)(throw_int)(custom,
                                                             status)(whoami)(transaction_name));
SCC_DEFINE_CONTRACT(hooked, "hooked", (double_it, value)(guarded)(broken));
SCC_DEFINE_CONTRACT(after_without_result, "after", (touch));
SCC_DEFINE_CONTRACT(listed_twice, "twice", (once)(once));

namespace {

scc::testing::harness with_notebook() {
  scc::testing::harness h;
  h.install(scc::describe_contract<notebook>());
  return h;
}

}  // namespace

TEST_CASE("the contract plugin carries the name and version SCC_DEFINE_CONTRACT gave") {
  scc::testing::harness h;
  const scc::host::plugin_info info = h.install(scc::describe_contract<notebook>());
  CHECK(info.name == "notebook");
  CHECK(info.version == "2.1.0");
  CHECK_FALSE(info.thread_safe());
  CHECK(h.install(scc::describe_contract<after_without_result>()).thread_safe());
  CHECK(h.install(scc::describe_contract<hooked>()).version == "0.0.0");
}

TEST_CASE("the first argument names the transaction; the others become its typed parameters") {
  auto h = with_notebook();
  const auto put = h.invoke("notebook", {"put", "colour", "red"});
  CHECK(put.response.status == 200);
  CHECK(put.response.payload == "");  // void
  CHECK(put.committed());
  CHECK(h.state("notebook", "colour") == "red");

  CHECK(h.query("notebook", {"get", "colour"}).response.payload == "red");
  CHECK(h.query("notebook", {"add", "40", "2"}).response.payload == "42");
  CHECK(h.query("notebook", {"sorted", "[3,1,2]"}).response.payload == "[1,2,3]");
  CHECK(h.query("notebook", {"widen", "{\"low\":1,\"high\":5}", "2"}).response.payload ==
        "{\"high\":7,\"low\":-1}");
  CHECK(h.query("notebook", {"all", "[true,true]"}).response.payload == "true");
  CHECK(h.query("notebook", {"echo", "{\"a\":[null]}"}).response.payload == "{\"a\":[null]}");
}

TEST_CASE("a contract-qualified name reaches the same transaction") {
  auto h = with_notebook();
  CHECK(h.query("notebook", {"notebook:add", "1", "2"}).response.payload == "3");
  CHECK(h.query("notebook", {"other:add", "1", "2"}).response.status == 500);
}

TEST_CASE("trailing std::optional parameters may be left out") {
  auto h = with_notebook();
  CHECK(h.query("notebook", {"greet", "ann"}).response.payload == "hello ann.");
  CHECK(h.query("notebook", {"greet", "ann", "hi"}).response.payload == "hi ann.");
  CHECK(h.query("notebook", {"greet", "ann", "hi", "2"}).response.payload == "hi ann.hi ann.");
  // An optional return that is empty answers an empty payload.
  const auto missing = h.query("notebook", {"get", "nothing-here"});
  CHECK(missing.response.status == 200);
  CHECK(missing.response.payload == "");
}

TEST_CASE("a wrong argument count is a 500 that shows the parameters") {
  auto h = with_notebook();
  const auto few = h.invoke("notebook", {"put", "colour"});
  CHECK(few.response.status == 500);
  CHECK(few.response.message == "put takes 2 arguments (key, value) but was given 1");
  CHECK_FALSE(few.committed());
  CHECK(h.query("notebook", {"get", "a", "b"}).response.message ==
        "get takes 1 argument (key) but was given 2");
  CHECK(h.query("notebook", {"whoami", "x"}).response.message ==
        "whoami takes 0 arguments but was given 1");
  CHECK(h.query("notebook", {"greet"}).response.message ==
        "greet takes 1 to 3 arguments (name, [greeting], [times]) but was given 0");
}

TEST_CASE("a bad argument is a 500 naming the argument, its parameter and the problem") {
  auto h = with_notebook();
  CHECK(h.query("notebook", {"add", "1", "abc"}).response.message ==
        "add: argument 2 (b): \"abc\" is not an integer");
  CHECK(h.query("notebook", {"add", "99999999999999999999", "1"}).response.message ==
        "add: argument 1 (a): 99999999999999999999 is out of range for int64 "
        "(-9223372036854775808 to 9223372036854775807)");
  CHECK(h.query("notebook", {"greet", "ann", "hi", "300"}).response.message ==
        "greet: argument 3 (times): 300 is out of range for uint8 (0 to 255)");
  CHECK(h.query("notebook", {"widen", "{\"low\":1}", "2"}).response.message ==
        "widen: argument 1 (range): missing field \"high\" of range");
  CHECK(h.query("notebook", {"sorted", "[1,\"two\"]"}).response.message ==
        "sorted: argument 1 (values): element [1]: expected an integer, got \"two\"");
  CHECK(h.query("notebook", {"add", "1", "abc"}).response.status == 500);
  // Found by fuzz_contract_args: these answered nlohmann's "[json.exception...]" text.
  CHECK(h.query("notebook", {"echo", "1e400"}).response.message ==
        "echo: argument 1 (value): \"1e400\" is not valid JSON: number overflow parsing '1e400'");
  CHECK(h.query("notebook", {"sorted", "[1e400]"})
            .response.message.rfind("sorted: argument 1 (values): ", 0) == 0);
}

TEST_CASE("an unknown name is a 500 listing the transactions there are") {
  auto h = with_notebook();
  const auto unknown = h.invoke("notebook", {"transfer", "x"});
  CHECK(unknown.response.status == 500);
  CHECK(unknown.response.message ==
        "notebook has no transaction \"transfer\"; it has: put, get, add, sorted, widen, all, "
        "greet, echo, fail_after_write, forbid, throw_int, custom, whoami, transaction_name "
        "(org.hyperledger.fabric:GetMetadata describes their parameters)");
  const auto nameless = h.invoke("notebook", {});
  CHECK(nameless.response.status == 500);
  CHECK(nameless.response.message.rfind(
            "notebook: no transaction named: the first argument must name one; it has: put, get",
            0) == 0);
}

TEST_CASE("an exception from the function is a 500 with its message, and discards the writes") {
  auto h = with_notebook();
  const auto failed = h.invoke("notebook", {"fail_after_write"});
  CHECK(failed.response.status == 500);
  CHECK(failed.response.message == "fail_after_write: the disk is full");
  CHECK_FALSE(failed.committed());
  CHECK_FALSE(h.state("notebook", "written").has_value());

  CHECK(h.query("notebook", {"throw_int"}).response.message ==
        "throw_int: threw an exception that is not a std::exception");
}

TEST_CASE("scc::transaction_error chooses the status") {
  auto h = with_notebook();
  h.set_creator({"Org2MSP", ""});
  const auto refused = h.invoke("notebook", {"forbid"});
  CHECK(refused.response.status == 403);
  CHECK(refused.response.message == "forbid: only Org1MSP may do this, not Org2MSP");
  // A status below 400 would endorse a failure: it is answered as 500.
  CHECK(scc::transaction_error(200, "oops").status() == 500);
}

TEST_CASE("a function returning scc::response answers exactly that") {
  auto h = with_notebook();
  const auto answered = h.query("notebook", {"custom", "299"});
  CHECK(answered.response.status == 299);
  CHECK(answered.response.message == "custom");
  CHECK(answered.response.payload == "body");
  CHECK(h.invoke("notebook", {"custom", "404"}).response.status == 404);
}

TEST_CASE("the context carries the client identity and the transaction name") {
  auto h = with_notebook();
  scc::testing::tx_options as_org3;
  as_org3.creator = scc::testing::identity{"Org3MSP", "PEM"};
  CHECK(h.query("notebook", {"whoami"}, as_org3).response.payload == "Org3MSP PEM");
  CHECK(h.query("notebook", {"whoami"}).response.payload == "SampleOrg ");
  CHECK(h.query("notebook", {"notebook:transaction_name"}).response.payload == "transaction_name");
}

TEST_CASE("GetMetadata answers JSON without reaching the contract") {
  auto h = with_notebook();
  const auto metadata = h.query("notebook", {"org.hyperledger.fabric:GetMetadata"});
  CHECK(metadata.response.status == 200);
  const auto parsed = nlohmann::json::parse(metadata.response.payload);
  CHECK(parsed.at("contracts").contains("notebook"));
  // A contract with hooks records every call that reaches it: GetMetadata runs none of them.
  hook_log.clear();
  h.install(scc::describe_contract<hooked>());
  const auto hooked_metadata = h.query("hooked", {"org.hyperledger.fabric:GetMetadata"});
  CHECK(hooked_metadata.response.status == 200);
  CHECK(nlohmann::json::parse(hooked_metadata.response.payload).at("contracts").contains("hooked"));
  CHECK(hook_log.empty());
}

TEST_CASE("hooks: arguments convert, then before_transaction, the function, after_transaction") {
  hook_log.clear();
  scc::testing::harness h;
  h.install(scc::describe_contract<hooked>());
  const auto doubled = h.invoke("hooked", {"double_it", "21"});
  CHECK(doubled.response.payload == "42");
  CHECK(hook_log ==
        std::vector<std::string>{"before double_it", "double_it", "after double_it -> 42"});

  SUBCASE("a bad argument stops before any hook runs") {
    hook_log.clear();
    CHECK(h.invoke("hooked", {"double_it", "-1"}).response.status == 500);
    CHECK(hook_log.empty());
  }
  SUBCASE("before_transaction refuses by throwing; the function does not run") {
    hook_log.clear();
    h.set_creator({"Org2MSP", ""});
    const auto refused = h.invoke("hooked", {"guarded"});
    CHECK(refused.response.status == 403);
    CHECK(refused.response.message == "guarded: Org1MSP only");
    CHECK(hook_log == std::vector<std::string>{"before guarded"});
    CHECK_FALSE(h.state("hooked", "guarded").has_value());
    h.set_creator({"Org1MSP", ""});
    CHECK(h.invoke("hooked", {"guarded"}).committed());
    CHECK(h.state("hooked", "guarded") == "1");
  }
  SUBCASE("after_transaction does not run when the function throws") {
    hook_log.clear();
    CHECK(h.invoke("hooked", {"broken"}).response.message == "broken: broken");
    CHECK(hook_log == std::vector<std::string>{"before broken"});
  }
  SUBCASE("unknown_transaction answers names the contract does not have") {
    hook_log.clear();
    const auto unknown = h.invoke("hooked", {"fly", "high"});
    CHECK(unknown.response.status == 200);
    CHECK(unknown.response.payload == "nothing called fly");
    CHECK(hook_log == std::vector<std::string>{"unknown fly"});
  }
}

TEST_CASE("init runs the contract's init(scc::context&); without one, init succeeds") {
  hook_log.clear();
  scc::testing::harness h;
  h.install(scc::describe_contract<hooked>());
  h.install(scc::describe_contract<notebook>());
  const auto ready = h.init("hooked");
  CHECK(ready.response.status == 200);
  CHECK(ready.response.payload == "ready");
  CHECK(hook_log == std::vector<std::string>{"init init"});
  CHECK(h.init("notebook").response.status == 200);
}

TEST_CASE("after_transaction(scc::context&) also counts; the last event of the transaction wins") {
  scc::testing::harness h;
  h.install(scc::describe_contract<after_without_result>());
  const auto touched = h.invoke("after", {"touch"});
  REQUIRE(touched.event.has_value());
  CHECK(touched.event->name == "after");
  CHECK(touched.event->payload == "touch");
}

TEST_CASE("a transaction listed twice fails every invoke with the reason") {
  scc::testing::harness h;
  h.install(scc::describe_contract<listed_twice>());
  const auto answer = h.invoke("twice", {"once"});
  CHECK(answer.response.status == 500);
  CHECK(answer.response.message == "SCC_CONTRACT lists the transaction 'once' twice");
}
