// The author API's names and the traps they used to hide: the contract layer's namespace,
// the status names, a thrown scc::response, typed state and events, read-only transactions.
// Plugins and contracts run in-process through the stub-ledger harness, through the same
// trampolines a shared library uses.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <scc/contract.hpp>
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

// ---- The contract layer's namespace follows its folder, and the short names stay ----

static_assert(std::is_same_v<scc::context, scc::contract::context>);
static_assert(std::is_same_v<scc::codec<uint64_t>, scc::contract::codec<uint64_t>>);
static_assert(std::is_same_v<scc::transaction_error, scc::contract::transaction_error>);
static_assert(std::is_same_v<scc::argument_error, scc::contract::argument_error>);
static_assert(std::is_same_v<scc::client_identity, scc::contract::client_identity>);
static_assert(std::is_same_v<scc::schema_registry, scc::contract::schema_registry>);

TEST_CASE("scc::contract::X and scc::X name the same contract-layer entities") {
  CHECK(std::is_same_v<scc::context, scc::contract::context>);
  CHECK(
      std::is_same_v<scc::codec<std::vector<int32_t>>, scc::contract::codec<std::vector<int32_t>>>);
  CHECK(&scc::get_metadata_function == &scc::contract::get_metadata_function);
  // A value made under one spelling is caught under the other.
  bool caught = false;
  try {
    throw scc::contract::transaction_error(404, "missing");
  } catch (const scc::transaction_error& e) {
    caught = e.status() == 404;
  }
  CHECK(caught);
  CHECK(scc::contract::codec<uint8_t>::from_argument("7") == 7);
}

// ---- Status names ----

TEST_CASE("scc::status names Fabric's status bands, and responses use them") {
  CHECK(scc::status::ok == 200);
  CHECK(scc::status::error_threshold == 400);
  CHECK(scc::status::error == 500);
  CHECK(scc::response{}.status == scc::status::ok);
  CHECK(scc::success("x").status == scc::status::ok);
  CHECK(scc::error("x").status == scc::status::error);
  CHECK(scc::response{scc::status::error_threshold - 1, {}, {}}.ok());
  CHECK_FALSE(scc::response{scc::status::error_threshold, {}, {}}.ok());
  // A chosen status below the threshold would endorse a failure.
  CHECK(scc::transaction_error(200, "no").status() == scc::status::error);
}

// ---- throw scc::error("...") in a plain plugin ----

struct thrower {
  static inline std::function<scc::response(scc::stub&)> body;
  scc::response invoke(scc::stub& stub) { return body(stub); }
};

TEST_CASE("a plain plugin that throws scc::error answers that error, message kept") {
  scc::testing::harness h;
  h.install<thrower>("thrower");
  thrower::body = [](scc::stub& stub) -> scc::response {
    stub.put_state("k", "v");
    throw scc::error("account 7 is frozen");
  };
  const auto failed = h.invoke("thrower", {"f"});
  CHECK(failed.response.status == scc::status::error);
  CHECK(failed.response.message == "account 7 is frozen");
  CHECK_FALSE(failed.committed());
  CHECK_FALSE(h.state("thrower", "k").has_value());

  thrower::body = [](scc::stub&) -> scc::response {
    throw scc::response{404, "no such asset", "car1"};
  };
  const auto missing = h.invoke("thrower", {"f"});
  CHECK(missing.response.status == 404);
  CHECK(missing.response.message == "no such asset");
  CHECK(missing.response.payload == "car1");
}

// ---- throw scc::error("...") in a contract ----

class throwing_contract {
 public:
  uint64_t pay(scc::context& ctx, uint64_t amount) {
    ctx.stub().put_state("paid", std::to_string(amount));
    if (amount > 10) throw scc::error("amount " + std::to_string(amount) + " is over the limit");
    return amount;
  }
  void conflict(scc::context&) { throw scc::response{409, "already exists", {}}; }
};

}  // namespace

SCC_DEFINE_CONTRACT(throwing_contract, "throwing", (pay, amount)(conflict));

namespace {

TEST_CASE("a contract that throws scc::error answers that error, status and message kept") {
  scc::testing::harness h;
  h.install(scc::describe_contract<throwing_contract>());
  const auto paid = h.invoke("throwing", {"pay", "5"});
  CHECK(paid.response.status == scc::status::ok);
  CHECK(paid.response.payload == "5");

  const auto refused = h.invoke("throwing", {"pay", "11"});
  CHECK(refused.response.status == scc::status::error);
  CHECK(refused.response.message == "amount 11 is over the limit");
  CHECK_FALSE(refused.committed());
  CHECK(h.state("throwing", "paid") == "5");

  const auto conflict = h.invoke("throwing", {"conflict"});
  CHECK(conflict.response.status == 409);
  CHECK(conflict.response.message == "already exists");
}

}  // namespace
