// serve.hpp - running one plugin as chaincode: as a gRPC server the peer dials
// (protos.Chaincode/Connect) or, in classic mode, as a client of the peer
// (protos.ChaincodeSupport/Register). Stops cleanly on SIGTERM or SIGINT.
#ifndef SCC_CCAAS_SERVE_HPP
#define SCC_CCAAS_SERVE_HPP

#include "settings.hpp"

namespace scc::ccaas {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards, so that
// one thread can wait for them. Call first thing in main().
void block_stop_signals();

// Returns the process exit status: 0 after a stop signal, 1 when the plugin is refused, the
// address cannot be served or the peer ends a classic-mode stream. Throws settings_error for a
// TLS file that is unusable (checked before anything is served).
int serve(const serve_settings& settings);

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_SERVE_HPP
