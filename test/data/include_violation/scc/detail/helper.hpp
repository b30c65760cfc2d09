#include <boost/dll/shared_library.hpp>
#include <openssl/evp.h>
#include "scc/host/transaction.hpp"
