#include <boost/dll/shared_library.hpp>
#include "scc/host/transaction.hpp"
