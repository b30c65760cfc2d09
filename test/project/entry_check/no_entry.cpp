// The same plugin class, but its author forgot SCC_PLUGIN(greeter, "greeter").
#include <scc/plugin.hpp>

class greeter {
 public:
  scc::response invoke(scc::stub&) { return scc::success("hello"); }
};
