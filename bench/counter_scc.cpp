#include "counter_scc.hpp"

SCC_PLUGIN(counter_scc, "counterscc", "1.0.0");
