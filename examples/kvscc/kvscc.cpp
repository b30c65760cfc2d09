// kvscc - the minimal raw-stub example: a key/value store with ranges, composite keys and
// events, written directly against scc::stub.
//
//   put <key> <value>            event "put" with the key as payload
//   get <key>                    the value, or 404 when absent
//   del <key>
//   range <start> <end>          "key=value" lines, [start, end) in byte order
//   put_asset <owner> <id> <v>   stores v under the composite key ("asset", owner, id)
//   assets_of <owner>            "id=value" lines of that owner's assets
#include <string>
#include <vector>

#include <scc/plugin.hpp>

namespace {

class kvscc {
 public:
  scc::response invoke(scc::stub& stub) {
    const auto [function, params] = stub.get_function_and_parameters();
    if (function == "put" && params.size() == 2) return put(stub, params[0], params[1]);
    if (function == "get" && params.size() == 1) return get(stub, params[0]);
    if (function == "del" && params.size() == 1) return del(stub, params[0]);
    if (function == "range" && params.size() == 2) return range(stub, params[0], params[1]);
    if (function == "put_asset" && params.size() == 3) {
      return put_asset(stub, params[0], params[1], params[2]);
    }
    if (function == "assets_of" && params.size() == 1) return assets_of(stub, params[0]);
    return scc::error("kvscc: unknown function or wrong argument count: '" + function + "' with " +
                      std::to_string(params.size()) +
                      " arguments; expected put k v | get k | del k | range start end | "
                      "put_asset owner id value | assets_of owner");
  }

 private:
  static scc::response put(scc::stub& stub, const std::string& key, const std::string& value) {
    stub.put_state(key, value);
    stub.set_event("put", key);
    return scc::success();
  }

  static scc::response get(scc::stub& stub, const std::string& key) {
    std::optional<std::string> value = stub.get_state(key);
    if (!value) return {404, "key not found: " + key, {}};
    return scc::success(std::move(*value));
  }

  static scc::response del(scc::stub& stub, const std::string& key) {
    stub.del_state(key);
    return scc::success();
  }

  static scc::response range(scc::stub& stub, const std::string& start, const std::string& end) {
    std::string lines;
    for (const scc::kv& row : stub.get_state_by_range(start, end)) {
      lines += row.key + "=" + row.value + "\n";
    }
    return scc::success(lines);
  }

  static scc::response put_asset(scc::stub& stub, const std::string& owner, const std::string& id,
                                 const std::string& value) {
    stub.put_state(stub.create_composite_key("asset", {owner, id}), value);
    return scc::success();
  }

  static scc::response assets_of(scc::stub& stub, const std::string& owner) {
    std::string lines;
    for (const scc::kv& row : stub.get_state_by_partial_composite_key("asset", {owner})) {
      const auto [type, attributes] = stub.split_composite_key(row.key);
      lines += attributes.at(1) + "=" + row.value + "\n";
    }
    return scc::success(lines);
  }
};

}  // namespace

SCC_PLUGIN(kvscc, "kvscc", "1.0.0");
