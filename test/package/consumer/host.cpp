// A minimal host built against the installed SDK: loads a plugin with scc::host::load_plugin and runs
// it against a std::map world state through a small scc::host::transaction subclass.
//
//   consumer_host <plugin.so>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <scc/host/transaction.hpp>
#include <scc/host/loader.hpp>
#include <scc/version.hpp>

namespace {

using world_state = std::map<std::string, std::string, std::less<>>;

// One transaction: reads see the committed state, writes are buffered and committed only when
// the plugin answers with a success status (as a Fabric peer would endorse them).
class map_transaction : public scc::host::transaction {
 public:
  map_transaction(world_state& state, std::vector<std::string> args)
      : transaction(make_proposal(std::move(args))), state_(state) {}

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override {
    if (!collection.empty()) return transaction::get_state(collection, key);  // unsupported
    const auto found = state_.find(key);
    if (found == state_.end()) return std::nullopt;
    return std::string_view(found->second);
  }

  void put_state(std::string_view collection, std::string_view key,
                 std::string_view value) override {
    if (!collection.empty()) transaction::put_state(collection, key, value);  // unsupported
    writes_[std::string(key)] = std::string(value);
  }

  void commit() {
    for (auto& [key, value] : writes_) {
      if (value.empty()) {
        state_.erase(key);
      } else {
        state_[key] = std::move(value);
      }
    }
    writes_.clear();
  }

 private:
  static scc::host::proposal make_proposal(std::vector<std::string> args) {
    scc::host::proposal proposal;
    proposal.args = std::move(args);
    proposal.tx_id = "tx-" + std::to_string(++counter_);
    proposal.channel_id = "consumer-channel";
    return proposal;
  }

  static inline int counter_ = 0;
  world_state& state_;
  std::map<std::string, std::string> writes_;
};

int failures = 0;

void expect(bool condition, const std::string& what) {
  if (!condition) {
    std::printf("CHECK FAILED: %s\n", what.c_str());
    ++failures;
  }
}

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) out += (out.empty() ? "" : " ") + arg;
  return out;
}

scc::response invoke(scc::host::plugin_instance& plugin, world_state& state,
                     std::vector<std::string> args) {
  const std::string shown = join(args);
  map_transaction tx(state, std::move(args));
  const scc::response answer = plugin.invoke(tx);
  if (answer.ok()) tx.commit();
  std::printf("invoke %s -> %d %s\n", shown.c_str(), answer.status,
              answer.ok() ? ("'" + answer.payload + "'").c_str() : answer.message.c_str());
  return answer;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <plugin.so>\n", argv[0]);
    return 2;
  }
  try {
    // Throws scc::host::load_error (a std::exception) naming what is wrong with the library.
    const std::unique_ptr<scc::host::plugin_instance> plugin = scc::host::load_plugin(argv[1]);
    const scc::host::plugin_info& info = plugin->info();
    std::printf("loaded plugin '%s' %s (SDK %s, ABI %u.%u, %s)\n", info.name.c_str(),
                info.version.c_str(), info.sdk_version.c_str(), unsigned{info.abi_major},
                unsigned{info.abi_minor}, info.build_tag.c_str());
    expect(info.name == "counter", "plugin name");
    expect(info.version == "1.2.3", "plugin version");
    expect(info.sdk_version == SCC_SDK_VERSION, "plugin SDK version");

    world_state state;
    {
      map_transaction tx(state, {"init"});
      const scc::response answer = plugin->init(tx);
      expect(answer.ok(), "init succeeds");
      if (answer.ok()) tx.commit();
    }
    expect(state.count("initialized") == 1, "init wrote 'initialized'");

    expect(invoke(*plugin, state, {"put", "greeting", "hello"}).status == scc::status::ok, "put");
    expect(state["greeting"] == "hello", "put committed");
    expect(invoke(*plugin, state, {"get", "greeting"}).payload == "hello", "get");
    expect(invoke(*plugin, state, {"add", "visits", "5"}).payload == "5", "add 5");
    expect(invoke(*plugin, state, {"add", "visits", "2"}).payload == "7", "add 2");
    expect(invoke(*plugin, state, {"get", "nothing"}).status == scc::status::error, "get missing");
    expect(invoke(*plugin, state, {"bogus"}).status == scc::status::error, "unknown function");
    const scc::response thrown = invoke(*plugin, state, {"throw"});
    expect(thrown.status == scc::status::error, "exception becomes 500");
    expect(thrown.message.find("the plugin threw on purpose") != std::string::npos,
           "exception text reaches the host");
    expect(state.size() == 3, "state holds initialized, greeting and visits");

    // The loader refuses what is not a plugin, with a load_error saying why.
    try {
      scc::host::load_plugin("/proc/self/exe");
      expect(false, "loading an executable must fail");
    } catch (const scc::host::load_error& refused) {
      std::printf("refused /proc/self/exe: %s\n", refused.what());
      // A PIE executable is an ELF shared object without the entry symbol.
      expect(refused.kind() == scc::host::load_error_kind::no_entry_symbol ||
                 refused.kind() == scc::host::load_error_kind::not_a_shared_library,
             "refusal kind");
    }
  } catch (const std::exception& e) {
    std::printf("consumer host: exception: %s\n", e.what());
    return 1;
  }
  if (failures != 0) {
    std::printf("consumer host: %d check(s) failed\n", failures);
    return 1;
  }
  std::printf("consumer host: all checks passed\n");
  return 0;
}
