// A fragment of a test of writing-a-plugin.md's assetscc, compiled as a function body.
#include <scc/testing.hpp>

#include "assetscc.hpp"

void doc_fragment();
void doc_fragment() {
@SNIPPET@
}
