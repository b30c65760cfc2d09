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

// ---- Typed state and events ----

namespace {

struct note {
  std::string text;
  uint32_t stars = 0;
};
SCC_OBJECT(note, text, stars);

class typed_state {
 public:
  void store(scc::context& ctx, uint64_t amount, const std::string& text) {
    ctx.put_state("amount", amount);
    ctx.put_state("note", note{text, 3});
    ctx.put_state("raw", "as it is");
    ctx.set_event("Stored", note{text, 3});
  }
  uint64_t amount(scc::context& ctx) { return ctx.get_state<uint64_t>("amount").value_or(0); }
  note read_note(scc::context& ctx) {
    const std::optional<note> found = ctx.get_state<note>("note");
    if (!found) throw scc::transaction_error(404, "no note");
    return *found;
  }
  std::string raw(scc::context& ctx) { return ctx.get_state<std::string>("raw").value_or("-"); }
  bool has_missing(scc::context& ctx) { return ctx.get_state<int32_t>("missing").has_value(); }
  // Writes what an older version of a contract might have left: text the type refuses.
  void corrupt(scc::context& ctx, const std::string& key, const std::string& text) {
    ctx.stub().put_state(key, text);
  }
};

}  // namespace

SCC_DEFINE_CONTRACT(typed_state, "typed",
                    (store, amount, text)(amount)(read_note)(raw)(has_missing)(corrupt, key, text));

namespace {

TEST_CASE("ctx.put_state / get_state<T> / set_event convert with scc::codec<T>") {
  scc::testing::harness h;
  h.install(scc::describe_contract<typed_state>());
  const auto stored = h.invoke("typed", {"store", "18446744073709551615", "hello"});
  REQUIRE(stored.committed());
  CHECK(h.state("typed", "amount") == "18446744073709551615");
  CHECK(h.state("typed", "note") == R"({"stars":3,"text":"hello"})");
  CHECK(h.state("typed", "raw") == "as it is");  // text is stored raw, not as a JSON string
  REQUIRE(stored.event.has_value());
  CHECK(stored.event->name == "Stored");
  CHECK(stored.event->payload == R"({"stars":3,"text":"hello"})");

  CHECK(h.invoke("typed", {"amount"}).response.payload == "18446744073709551615");
  CHECK(h.invoke("typed", {"read_note"}).response.payload == R"({"stars":3,"text":"hello"})");
  CHECK(h.invoke("typed", {"raw"}).response.payload == "as it is");
  CHECK(h.invoke("typed", {"has_missing"}).response.payload == "false");
}

TEST_CASE("get_state<T> refuses a stored value that is not a T, naming the key and the type") {
  scc::testing::harness h;
  h.install(scc::describe_contract<typed_state>());
  REQUIRE(h.invoke("typed", {"corrupt", "amount", "-1"}).committed());
  const auto negative = h.invoke("typed", {"amount"});
  CHECK(negative.response.status == scc::status::error);
  CHECK(negative.response.message ==
        "amount: state \"amount\" does not hold a uint64: -1 is out of range for uint64 (0 to "
        "18446744073709551615)");

  REQUIRE(h.invoke("typed", {"corrupt", "amount", "12abc"}).committed());
  CHECK(h.invoke("typed", {"amount"}).response.message ==
        "amount: state \"amount\" does not hold a uint64: \"12abc\" is not an integer");

  REQUIRE(h.invoke("typed", {"corrupt", "note", R"({"text":"x"})"}).committed());
  CHECK(h.invoke("typed", {"read_note"}).response.message ==
        "read_note: state \"note\" does not hold a note: missing field \"stars\" of note");
}

// ---- Read-only transactions ----

class ledger_book {
 public:
  void deposit(scc::context& ctx, uint64_t amount) { ctx.put_state("balance", amount); }
  uint64_t balance(scc::context& ctx) { return ctx.get_state<uint64_t>("balance").value_or(0); }
  uint64_t sneaky_balance(scc::context& ctx) {
    ctx.put_state("balance", uint64_t{0});
    return 0;
  }
  // Catches the refusal and carries on: the transaction still fails.
  std::string swallow(scc::context& ctx) {
    try {
      ctx.stub().del_state("balance");
    } catch (const scc::chaincode_error&) {
    }
    return "nothing happened";
  }
  void announce(scc::context& ctx) { ctx.set_event("Looked", std::string("balance")); }
  void private_write(scc::context& ctx) { ctx.stub().put_private_data("secrets", "k", "v"); }
  // A transaction that is itself called `evaluate` is an ordinary one.
  std::string evaluate(scc::context& ctx, const std::string& what) {
    ctx.stub().put_state("evaluated", what);
    return what;
  }
};

}  // namespace

SCC_DEFINE_CONTRACT(ledger_book, "book", "2.0.0",
                    (deposit, amount)(evaluate balance)(evaluate sneaky_balance)(evaluate swallow)(
                        evaluate announce)(evaluate private_write)(evaluate, what));

namespace {

TEST_CASE("`evaluate` marks a transaction read-only: tagged evaluateTx in the metadata") {
  scc::testing::harness h;
  h.install(scc::describe_contract<ledger_book>());
  const auto described = h.query("book", {"org.hyperledger.fabric:GetMetadata"});
  REQUIRE(described.response.status == scc::status::ok);
  const nlohmann::json metadata = nlohmann::json::parse(described.response.payload);
  const nlohmann::json& transactions = metadata["contracts"]["book"]["transactions"];
  REQUIRE(transactions.size() == 7);
  std::vector<std::string> names;
  for (const auto& transaction : transactions) names.push_back(transaction["name"]);
  CHECK(names == std::vector<std::string>{"deposit", "balance", "sneaky_balance", "swallow",
                                          "announce", "private_write", "evaluate"});
  CHECK(transactions[0]["tag"] == nlohmann::json::array({"submitTx"}));
  CHECK(transactions[1]["tag"] == nlohmann::json::array({"evaluateTx"}));
  CHECK(transactions[4]["tag"] == nlohmann::json::array({"evaluateTx"}));
  CHECK(transactions[6]["tag"] == nlohmann::json::array({"submitTx"}));
  CHECK(transactions[6]["parameters"][0]["name"] == "what");
}

TEST_CASE("a read-only transaction reads, and any write fails it with a message naming it") {
  scc::testing::harness h;
  h.install(scc::describe_contract<ledger_book>());
  REQUIRE(h.invoke("book", {"deposit", "40"}).committed());
  const auto read = h.invoke("book", {"balance"});
  CHECK(read.response.status == scc::status::ok);
  CHECK(read.response.payload == "40");

  const auto wrote = h.invoke("book", {"sneaky_balance"});
  CHECK(wrote.response.status == scc::status::error);
  CHECK(wrote.response.message ==
        "sneaky_balance: a read-only (evaluate) transaction cannot put_state (key \"balance\")");
  CHECK_FALSE(wrote.committed());
  CHECK(h.state("book", "balance") == "40");

  const auto swallowed = h.invoke("book", {"swallow"});
  CHECK(swallowed.response.status == scc::status::error);
  CHECK(swallowed.response.message ==
        "swallow: a read-only (evaluate) transaction cannot del_state (key \"balance\")");
  CHECK(h.state("book", "balance") == "40");

  const auto announced = h.invoke("book", {"announce"});
  CHECK(announced.response.message ==
        "announce: a read-only (evaluate) transaction cannot set_event (event \"Looked\")");
  CHECK_FALSE(announced.event.has_value());

  CHECK(h.invoke("book", {"private_write"}).response.message ==
        "private_write: a read-only (evaluate) transaction cannot put_private_data in collection "
        "\"secrets\" (key \"k\")");

  // The guard ends with the transaction: the next one writes as usual.
  const auto evaluated = h.invoke("book", {"evaluate", "x"});
  CHECK(evaluated.committed());
  CHECK(h.state("book", "evaluated") == "x");
  CHECK(h.invoke("book", {"deposit", "41"}).committed());
  CHECK(h.state("book", "balance") == "41");
}

}  // namespace
