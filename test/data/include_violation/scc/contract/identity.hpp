// A contract header: OpenSSL is allowed here (the check must not report it), a host header is not.
#include <openssl/x509.h>
#include "scc/host/transaction.hpp"
