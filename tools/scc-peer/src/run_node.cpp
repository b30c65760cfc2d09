// `scc-peer node start`: loads the config, starts the peer, serves until SIGINT or SIGTERM,
// then stops accepting, finishes the block in flight, closes the ledger and exits 0.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "fatal_signals.hpp"
#include "log.hpp"
#include "peer_node.hpp"
#include "server.hpp"
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <scc/host/transaction.hpp>

namespace scc::peer {

namespace {

// Where plugins' log lines (stub.log, and what a plugin logs outside a call) go, with the
// chaincode the host attributed them to.
void plugin_log_sink(scc::log_level level, std::string_view plugin, std::string_view message) {
  const std::string_view source = plugin.empty() ? std::string_view("plugin") : plugin;
  switch (level) {
    case scc::log_level::debug:
      return log::debug("[{}] {}", source, message);
    case scc::log_level::info:
      return log::info("[{}] {}", source, message);
    case scc::log_level::warning:
      return log::warning("[{}] {}", source, message);
    case scc::log_level::error:
      return log::error("[{}] {}", source, message);
  }
}

}  // namespace

int run_node(const std::optional<std::string>& config_file,
             const std::optional<std::string>& log_level, const environment& env) {
  if (log_level) {
    const std::optional<log::level> level = log::parse_level(*log_level);
    if (!level) {
      log::error("cannot start: --log-level '{}' is not debug, info, warning or error", *log_level);
      return 2;
    }
    log::set_level(*level);
  } else if (const std::optional<std::string> spec = env("FABRIC_LOGGING_SPEC")) {
    if (const std::optional<log::level> level = log::level_from_spec(*spec)) log::set_level(*level);
  }
  scc::host::global_log_sink() = &plugin_log_sink;
  std::signal(SIGPIPE, SIG_IGN);
  install_fatal_signal_report();

  peer_config config;
  try {
    config = load_config(locate_config(config_file, env), env);
  } catch (const config_error& failure) {
    log::error("cannot start: {}", failure.what());
    return 1;
  }
  log::info("config {}", config.config_file.string());

  boost::asio::io_context io;
  // Signals are caught from here on, so a SIGTERM during start-up waits for it to finish.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::promise<int> stop_signal;
  signals.async_wait([&stop_signal](const boost::system::error_code& error, int number) {
    if (!error) stop_signal.set_value(number);
  });

  peer_node node(config);
  std::unique_ptr<server> front;
  try {
    node.start();
    front = std::make_unique<server>(io, node, config.listen_address, config.max_frame_bytes);
  } catch (const std::exception& failure) {
    log::error("cannot start: {}", failure.what());
    return 1;
  }
  const auto endpoint = front->local_endpoint();
  const std::string bound =
      endpoint.address().is_v6()
          ? "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port())
          : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  node.set_listen_address(bound);
  front->start();

  unsigned threads = config.worker_threads;
  if (threads == 0) threads = std::max(2u, std::thread::hardware_concurrency());
  front->run(threads);
  log::info(
      "scc-peer listening on {} ({} worker threads, blocks of up to {} transactions or {} us)",
      bound, threads, config.max_message_count, config.batch_timeout.count());

  const int number = stop_signal.get_future().get();
  log::info("received {}: stopping", number == SIGTERM ? "SIGTERM" : "SIGINT");
  front->stop_accepting();
  node.stop();  // commits the block in flight, closes the ledger
  if (!front->close_connections(std::chrono::seconds(3))) {
    log::warning("some connections did not drain in time and were closed");
  }
  io.stop();
  front->join();
  front.reset();
  if (const unsigned stuck = node.stuck_threads(); stuck > 0) {
    // Their plugins are still running: unloading them would pull code from under those threads.
    log::warning(
        "stopped with {} chaincode thread(s) still stuck in plugins (chaincode.executetimeout); "
        "exiting without unloading the plugins",
        stuck);
    std::fflush(nullptr);
    std::_Exit(0);
  }
  log::info("stopped");
  return 0;
}

}  // namespace scc::peer
