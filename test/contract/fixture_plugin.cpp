// A contract built with SCC_CONTRACT into a plugin library, as an author builds one.
#include <cstdint>
#include <string>

#include <scc/contract.hpp>

namespace {

class counter {
 public:
  uint64_t add(scc::context& ctx, uint64_t amount) {
    const uint64_t total = std::stoull(ctx.stub().get_state("total").value_or("0")) + amount;
    ctx.stub().put_state("total", std::to_string(total));
    return total;
  }
  std::string total(scc::context& ctx) { return ctx.stub().get_state("total").value_or("0"); }
  // Reads the creator's certificate with OpenSSL, so this library depends on libcrypto as every
  // contract that asks who called does.
  std::string whoami(scc::context& ctx) { return ctx.client_identity().id(); }
};

}  // namespace

SCC_CONTRACT(counter, "counterscc", "1.4.0", (add, amount)(total)(whoami));
