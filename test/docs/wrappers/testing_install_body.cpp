// testing.md's installing fragment, compiled as a function body beside a plugin class.
#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {
class asset_scc {
 public:
  scc::response invoke(scc::stub&) { return scc::success(); }
};
}  // namespace

void doc_fragment();
void doc_fragment() {
@SNIPPET@
}
