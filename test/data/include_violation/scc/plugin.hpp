// A deliberately mislayered author header: include_directions.cmake must refuse it.
#include "scc/detail/helper.hpp"
