// scc/contract/schema_registry.hpp - the named object schemas of a contract's metadata
// ("components": {"schemas": {...}}), which parameters and returns refer to with "$ref".
#ifndef SCC_CONTRACT_SCHEMA_REGISTRY_HPP
#define SCC_CONTRACT_SCHEMA_REGISTRY_HPP

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace scc {
inline namespace contract {

class schema_registry {
 public:
  // The reference to the object schema called name. make() builds it the first time; the name
  // is reserved before, so a type that contains itself does not recurse forever.
  template <class Make>
  nlohmann::json reference(const std::string& name, Make make) {
    if (!schemas_.contains(name)) {
      schemas_[name] = nlohmann::json::object();
      nlohmann::json schema = make(*this);
      schemas_[name] = std::move(schema);
    }
    return {{"$ref", "#/components/schemas/" + name}};
  }

  const nlohmann::json& schemas() const noexcept { return schemas_; }

 private:
  nlohmann::json schemas_ = nlohmann::json::object();
};

}  // namespace contract
}  // namespace scc

#endif  // SCC_CONTRACT_SCHEMA_REGISTRY_HPP
