#include <scc/plugin.hpp>

class greeter {
 public:
  scc::response invoke(scc::stub&) { return scc::success("hello"); }
};

SCC_PLUGIN(greeter, "greeter");
