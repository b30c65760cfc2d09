// scc/contract/metadata.hpp - what org.hyperledger.fabric:GetMetadata answers: the contract in
// fabric-contract-api's metadata shape (its contract-schema.json), so that the tools that read
// Node, Java and Go contracts read this one too.
//
//   {"$schema": ..., "info": {"title", "version"},
//    "contracts": {"<name>": {"name", "default": true, "info", "transactions": [
//                     {"name", "tag": ["submitTx"] (["evaluateTx"] when read-only),
//                      "parameters": [{"name", "description", "required", "schema"}],
//                      "returns": <schema>}]},
//                  "org.hyperledger.fabric": {... GetMetadata ...}},
//    "components": {"schemas": {<SCC_OBJECT types>}}}
#ifndef SCC_CONTRACT_METADATA_HPP
#define SCC_CONTRACT_METADATA_HPP

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scc/contract/schema_registry.hpp"
#include "scc/contract/transaction.hpp"

namespace scc {
inline namespace contract {

// The name Fabric's contract APIs give their built-in contract, and its one transaction.
inline constexpr std::string_view system_contract_name = "org.hyperledger.fabric";
inline constexpr std::string_view get_metadata_function = "org.hyperledger.fabric:GetMetadata";
}  // namespace contract

namespace detail {

template <class Contract>
nlohmann::json contract_metadata(std::string_view name, std::string_view version,
                                 const transaction_table<Contract>& table) {
  schema_registry registry;
  nlohmann::json transactions = nlohmann::json::array();
  for (const transaction<Contract>& entry : table.entries()) {
    transactions.push_back(entry.describe(entry, registry));
  }
  const nlohmann::json info = {{"title", name}, {"version", version}};
  nlohmann::json contracts = nlohmann::json::object();
  contracts[std::string(name)] = {
      {"name", name}, {"default", true}, {"info", info}, {"transactions", std::move(transactions)}};
  contracts[std::string(system_contract_name)] = {
      {"name", system_contract_name},
      {"info", {{"title", ""}, {"version", ""}}},
      {"transactions",
       nlohmann::json::array({{{"name", "GetMetadata"}, {"returns", {{"type", "string"}}}}})}};
  return {{"$schema",
           "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json"},
          {"info", info},
          {"contracts", std::move(contracts)},
          {"components", {{"schemas", registry.schemas()}}}};
}

}  // namespace detail
}  // namespace scc

#endif  // SCC_CONTRACT_METADATA_HPP
