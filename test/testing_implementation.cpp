// The test harness's definitions, compiled once for every unit test: the tests themselves are
// compiled with SCC_TESTING_SEPARATE_COMPILATION and see its declarations only.
#define SCC_TESTING_IMPLEMENTATION
#include <scc/testing.hpp>
