// The reference workload's token chaincode (bench-mockstub.js, TokenChaincode), as an scc
// plugin: transfer reads two balances, checks funds and writes both back as decimal strings.
// "seed" opens accounts acct00000.. with a balance, in one transaction.
#include <cstdio>
#include <string>

#include <scc/plugin.hpp>

class token_transfer {
 public:
  scc::response invoke(scc::stub& stub) {
    const std::vector<std::string> args = stub.get_args();
    if (args.empty()) return scc::error("no function given");
    if (args[0] == "transfer" && args.size() == 4) return transfer(stub, args[1], args[2], args[3]);
    if (args[0] == "seed" && args.size() == 3) return seed(stub, std::stoi(args[1]), args[2]);
    return scc::error("unknown function " + args[0]);
  }

 private:
  static scc::response transfer(scc::stub& stub, const std::string& from, const std::string& to,
                                const std::string& amount_text) {
    const long amount = std::stol(amount_text);
    const std::optional<std::string> from_balance = stub.get_state(from);
    const std::optional<std::string> to_balance = stub.get_state(to);
    if (!from_balance || !to_balance) return scc::error("no such account");
    const long from_value = std::stol(*from_balance);
    const long to_value = std::stol(*to_balance);
    if (from_value < amount) return scc::error("insufficient funds");
    stub.put_state(from, std::to_string(from_value - amount));
    stub.put_state(to, std::to_string(to_value + amount));
    return scc::success();
  }

  static scc::response seed(scc::stub& stub, int accounts, const std::string& balance) {
    char key[16];
    for (int i = 0; i < accounts; ++i) {
      std::snprintf(key, sizeof key, "acct%05d", i);
      stub.put_state(key, balance);
    }
    return scc::success();
  }
};

SCC_PLUGIN(token_transfer, "token", "1.0.0");
