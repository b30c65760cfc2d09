// The class both sides of bench_invoke run: one get and one put per invoke.
#ifndef SCC_BENCH_COUNTER_SCC_HPP
#define SCC_BENCH_COUNTER_SCC_HPP

#include <string>

#include <scc/plugin.hpp>

class counter_scc {
 public:
  scc::response invoke(scc::stub& stub) {
    const std::optional<std::string> current = stub.get_state("counter");
    const long next = current ? std::stol(*current) + 1 : 1;
    stub.put_state("counter", std::to_string(next));
    return scc::success();
  }
};

#endif  // SCC_BENCH_COUNTER_SCC_HPP
