// fatal_signals.hpp - what scc-peer prints when a plugin brings the process down.
//
// Plugins run in the peer's process: a plugin that calls abort(), dereferences null or
// overflows its stack kills the peer, and nothing in-process can prevent that. What the peer can
// do is say which chaincode and transaction were running when it died, on stderr, before the
// signal takes its default course (exit status 128+signal, a core dump where enabled).
// Committed blocks are already durable; the transaction in flight was not committed.
#ifndef SCC_PEER_FATAL_SIGNALS_HPP
#define SCC_PEER_FATAL_SIGNALS_HPP

#include <string_view>

namespace scc::peer {

// Installs the report for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT. Once per process.
void install_fatal_signal_report();

// Gives the calling thread a stack of its own for the report, so a stack overflow can be
// reported too. Threads that run chaincode call it once.
void prepare_thread_for_fatal_signals();

// While it lives, a fatal signal on this thread is reported as happening in `what` (for example
// "system chaincode kvscc (tx 3f2a..., channel mychannel)"). Longer text is cut.
class fatal_signal_activity {
 public:
  explicit fatal_signal_activity(std::string_view what) noexcept;
  ~fatal_signal_activity();
  fatal_signal_activity(const fatal_signal_activity&) = delete;
  fatal_signal_activity& operator=(const fatal_signal_activity&) = delete;
};

}  // namespace scc::peer

#endif  // SCC_PEER_FATAL_SIGNALS_HPP
