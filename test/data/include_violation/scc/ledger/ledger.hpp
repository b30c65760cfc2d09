#include "scc/testing/harness.hpp"
