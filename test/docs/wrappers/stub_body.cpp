// A fragment of a plugin's invoke, compiled as the body of a function that has the stub.
#include <optional>
#include <string>

#include <scc/plugin.hpp>

void doc_fragment(scc::stub& stub);
void doc_fragment(scc::stub& stub) {
@SNIPPET@
  (void)colour;
}
