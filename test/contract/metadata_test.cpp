// org.hyperledger.fabric:GetMetadata: the contract described in fabric-contract-api's metadata
// shape (contract-schema.json), so that tools written for Node, Java and Go contracts read it.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <scc/contract.hpp>
#include <scc/testing.hpp>

namespace {

struct item {
  std::string sku;
  uint32_t quantity = 0;
  std::optional<double> price;
};
SCC_OBJECT(item, sku, quantity, price);

struct order {
  std::string id;
  std::vector<item> items;
};
SCC_OBJECT(order, id, items);

class shop {
 public:
  void place(scc::context&, const order&) {}
  std::optional<order> find(scc::context&, const std::string&) { return std::nullopt; }
  std::vector<std::string> list(scc::context&, int32_t, std::optional<std::string>) { return {}; }
  bool open(scc::context&) { return true; }
  nlohmann::json raw(scc::context&, nlohmann::json value) { return value; }
  scc::response custom(scc::context&) { return scc::success(); }
};

class unnamed_parameters {
 public:
  int8_t pick(scc::context&, bool, double) { return 0; }
};

}  // namespace

SCC_DEFINE_CONTRACT(shop, "shopscc", "3.0.1",
                    (place, order)(find, id)(list, page_size, bookmark)(open)(raw, value)(custom));
SCC_DEFINE_CONTRACT(unnamed_parameters, "unnamed", (pick));

namespace {

nlohmann::json metadata_of(const scc_plugin_descriptor_v1* descriptor, const std::string& name) {
  scc::testing::harness h;
  h.install(descriptor);
  const auto answer = h.query(name, {"org.hyperledger.fabric:GetMetadata"});
  REQUIRE_MESSAGE(answer.response.status == 200, "GetMetadata answered "
                                                     << answer.response.status << ": "
                                                     << answer.response.message);
  return nlohmann::json::parse(answer.response.payload);
}

nlohmann::json transaction_named(const nlohmann::json& contract, const std::string& name) {
  for (const auto& transaction : contract.at("transactions")) {
    if (transaction.at("name") == name) return transaction;
  }
  FAIL("no transaction " << name);
  return {};
}

// contract-schema.json's "schema" definition allows these keys and no others.
void check_schema_keys(const nlohmann::json& schema) {
  static const std::set<std::string> allowed = {"$ref",
                                                "format",
                                                "title",
                                                "description",
                                                "default",
                                                "multipleOf",
                                                "maximum",
                                                "exclusiveMaximum",
                                                "minimum",
                                                "exclusiveMinimum",
                                                "maxLength",
                                                "minLength",
                                                "pattern",
                                                "maxItems",
                                                "minItems",
                                                "uniqueItems",
                                                "maxProperties",
                                                "minProperties",
                                                "required",
                                                "enum",
                                                "additionalProperties",
                                                "type",
                                                "items",
                                                "allOf",
                                                "properties",
                                                "discriminator",
                                                "readOnly",
                                                "example"};
  REQUIRE(schema.is_object());
  for (const auto& entry : schema.items()) {
    INFO("schema key " << entry.key());
    CHECK(allowed.count(entry.key()) == 1);
  }
  if (schema.contains("items")) check_schema_keys(schema.at("items"));
}

}  // namespace

TEST_CASE("the metadata has fabric-contract-api's top level: info, contracts, components") {
  const auto metadata = metadata_of(scc::describe_contract<shop>(), "shopscc");
  CHECK(metadata.at("$schema") ==
        "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json");
  CHECK(metadata.at("info") == nlohmann::json{{"title", "shopscc"}, {"version", "3.0.1"}});
  const auto& contract = metadata.at("contracts").at("shopscc");
  CHECK(contract.at("name") == "shopscc");
  CHECK(contract.at("default") == true);
  CHECK(contract.at("info") == nlohmann::json{{"title", "shopscc"}, {"version", "3.0.1"}});
  // Fabric's own contract, whose GetMetadata this is, is listed as the contract APIs list it.
  const auto& system = metadata.at("contracts").at("org.hyperledger.fabric");
  CHECK(system.at("transactions").at(0).at("name") == "GetMetadata");
  CHECK(metadata.at("components").at("schemas").is_object());
}

TEST_CASE("transactions are listed in SCC_CONTRACT's order with names, tags, parameters, returns") {
  const auto contract =
      metadata_of(scc::describe_contract<shop>(), "shopscc").at("contracts").at("shopscc");
  std::vector<std::string> names;
  for (const auto& transaction : contract.at("transactions"))
    names.push_back(transaction.at("name"));
  CHECK(names == std::vector<std::string>{"place", "find", "list", "open", "raw", "custom"});

  const auto list = transaction_named(contract, "list");
  CHECK(list.at("tag") == nlohmann::json{"submitTx"});
  CHECK(list.at("parameters") == nlohmann::json::parse(R"([
          {"name": "page_size", "description": "", "required": true,
           "schema": {"type": "integer", "format": "int32", "minimum": -2147483648,
                      "maximum": 2147483647}},
          {"name": "bookmark", "description": "", "required": false,
           "schema": {"type": "string"}}])"));
  CHECK(list.at("returns") == nlohmann::json{{"type", "array"}, {"items", {{"type", "string"}}}});

  // No parameters: the key is left out, as fabric-contract-api does. void: no returns.
  const auto open = transaction_named(contract, "open");
  CHECK_FALSE(open.contains("parameters"));
  CHECK(open.at("returns") == nlohmann::json{{"type", "boolean"}});
  CHECK_FALSE(transaction_named(contract, "place").contains("returns"));
  CHECK(transaction_named(contract, "raw").at("returns") == nlohmann::json::object());
  CHECK(transaction_named(contract, "custom").at("returns") == nlohmann::json{{"type", "string"}});
}

TEST_CASE("SCC_OBJECT types are components, referred to with $ref") {
  const auto metadata = metadata_of(scc::describe_contract<shop>(), "shopscc");
  const auto contract = metadata.at("contracts").at("shopscc");
  CHECK(transaction_named(contract, "place").at("parameters").at(0).at("schema") ==
        nlohmann::json{{"$ref", "#/components/schemas/order"}});
  CHECK(transaction_named(contract, "find").at("returns") ==
        nlohmann::json{{"$ref", "#/components/schemas/order"}});
  const auto& schemas = metadata.at("components").at("schemas");
  CHECK(schemas.at("order") == nlohmann::json::parse(R"({
          "$id": "order", "type": "object", "additionalProperties": false,
          "required": ["id", "items"],
          "properties": {"id": {"type": "string"},
                         "items": {"type": "array",
                                   "items": {"$ref": "#/components/schemas/item"}}}})"));
  CHECK(schemas.at("item").at("required") == nlohmann::json{"sku", "quantity"});
  CHECK(schemas.at("item").at("properties").at("price") ==
        nlohmann::json{{"type", "number"}, {"format", "double"}});
}

TEST_CASE("every transaction and parameter follows contract-schema.json") {
  const auto metadata = metadata_of(scc::describe_contract<shop>(), "shopscc");
  for (const auto& contract : metadata.at("contracts")) {
    REQUIRE(contract.at("name").is_string());
    for (const auto& transaction : contract.at("transactions")) {
      REQUIRE(transaction.at("name").is_string());
      for (const auto& entry : transaction.items()) {
        INFO("transaction key " << entry.key());
        CHECK(std::set<std::string>{"name", "tag", "parameters", "returns"}.count(entry.key()) ==
              1);
      }
      if (transaction.contains("returns")) check_schema_keys(transaction.at("returns"));
      if (!transaction.contains("parameters")) continue;
      for (const auto& parameter : transaction.at("parameters")) {
        // "parameter" has additionalProperties: false.
        for (const auto& entry : parameter.items()) {
          INFO("parameter key " << entry.key());
          CHECK(std::set<std::string>{"name", "description", "required", "schema"}.count(
                    entry.key()) == 1);
        }
        CHECK(parameter.at("name").is_string());
        check_schema_keys(parameter.at("schema"));
      }
    }
  }
  for (const auto& schema : metadata.at("components").at("schemas")) {
    CHECK(schema.at("$id").is_string());
    for (const auto& property : schema.at("properties")) check_schema_keys(property);
  }
}

TEST_CASE("parameters without names in SCC_CONTRACT are called arg0, arg1, ...") {
  const auto contract = metadata_of(scc::describe_contract<unnamed_parameters>(), "unnamed")
                            .at("contracts")
                            .at("unnamed");
  const auto parameters = transaction_named(contract, "pick").at("parameters");
  CHECK(parameters.at(0).at("name") == "arg0");
  CHECK(parameters.at(1).at("name") == "arg1");
}
