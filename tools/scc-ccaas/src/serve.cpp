#include "serve.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "chaincode_session.hpp"
#include "connect_reactor.hpp"
#include "event_loop.hpp"
#include "message_stream.hpp"
#include "peer/chaincode_shim.grpc.pb.h"
#include "session_log.hpp"
#include "tls_files.hpp"
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include <scc/host/loader.hpp>

namespace scc::ccaas {

namespace {

// Fabric's default limit for messages on the chaincode stream (peer.grpc... 100 MiB).
constexpr int max_message_bytes = 100 * 1024 * 1024;

void set_log_level(const std::string& name) {
  scc::log_level level = scc::log_level::info;
  if (name == "debug" || name == "DEBUG") level = scc::log_level::debug;
  if (name == "warning" || name == "warn" || name == "WARNING" || name == "WARN") {
    level = scc::log_level::warning;
  }
  if (name == "error" || name == "ERROR") level = scc::log_level::error;
  log::threshold().store(static_cast<int>(level));
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int wait_for_stop_signal() {
  const sigset_t set = stop_signals();
  int received = 0;
  while (sigwait(&set, &received) != 0) {
  }
  return received;
}

std::string describe(const scc::host::plugin_info& info) {
  return "plugin '" + info.name + "' " + info.version + " (" + info.origin +
         (info.thread_safe() ? ", thread-safe" : ", calls serialised") + ")";
}

executor executor_of(const serve_settings& settings) {
  return settings.executor == "threads" ? executor::threads : executor::fibers;
}

std::shared_ptr<grpc::ServerCredentials> server_credentials(const serve_settings& settings) {
  if (!settings.tls) return grpc::InsecureServerCredentials();
  const server_tls& tls = *settings.tls;
  const std::string key = read_pem_file("TLS key", tls.key_file);
  const std::string cert = read_pem_file("TLS certificate", tls.cert_file);
  check_key_pair(key, cert, tls.key_file, tls.cert_file);
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (!tls.client_ca_file.empty()) {
    options.pem_root_certs = read_pem_file("TLS client CA", tls.client_ca_file);
    check_certificates(options.pem_root_certs, "TLS client CA", tls.client_ca_file);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  options.pem_key_cert_pairs.push_back({key, cert});
  return grpc::SslServerCredentials(options);
}

// The plugin, or nullptr after printing the loader's refusal as the one line a bad setting gets.
std::unique_ptr<scc::host::plugin_instance> load_or_report(const std::string& path) {
  try {
    return scc::host::load_plugin(path);
  } catch (const scc::host::load_error& e) {
    std::fprintf(stderr, "scc-ccaas: %s\n", e.what());
    return nullptr;
  }
}

int serve_connect(const serve_settings& settings) {
  const auto credentials = server_credentials(settings);
  const std::unique_ptr<scc::host::plugin_instance> plugin = load_or_report(settings.plugin_path);
  if (!plugin) return 1;
  connect_service threaded_service(*plugin, settings.chaincode_id);
  event_loop_server fiber_service(*plugin, settings.chaincode_id);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(settings.listen_address, credentials, &port);
  const bool fibers = executor_of(settings) == executor::fibers;
  if (fibers) {
    fiber_service.add_to(builder);
  } else {
    builder.RegisterService(&threaded_service);
  }
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  builder.SetMaxSendMessageSize(max_message_bytes);
  // Peers ping idle connections (Fabric's keepalive); do not answer them with GOAWAY.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // gRPC shares ports by default (SO_REUSEPORT): a second server would split the peer's
  // connections with the first instead of reporting the port as taken.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr,
                 "scc-ccaas: cannot listen on %s (address in use, or not an address of "
                 "this host)\n",
                 settings.listen_address.c_str());
    return 1;
  }
  if (fibers) fiber_service.start();
  const std::string host = settings.listen_address.substr(0, settings.listen_address.rfind(':'));
  const char* security = !settings.tls                          ? "plain text"
                         : settings.tls->client_ca_file.empty() ? "TLS"
                                                                : "mutual TLS";
  std::fprintf(stderr, "scc-ccaas: %s as chaincode '%s' (%s, %s): listening on %s:%d\n",
               describe(plugin->info()).c_str(), settings.chaincode_id.c_str(), security,
               settings.executor.c_str(), host.c_str(), port);
  std::fflush(stderr);
  const int signal_number = wait_for_stop_signal();
  log::info(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
  // Streams still open are cancelled after the grace period; their transactions then fail. A
  // plugin call that never returns would hold the shutdown forever: give up on it after a while.
  std::mutex mutex;
  std::condition_variable done;
  bool stopped = false;
  std::thread stopper([&] {
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    if (fibers) fiber_service.stop();
    server->Wait();
    const std::lock_guard<std::mutex> lock(mutex);
    stopped = true;
    done.notify_all();
  });
  std::unique_lock<std::mutex> lock(mutex);
  if (!done.wait_for(lock, std::chrono::seconds(10), [&] { return stopped; })) {
    log::warning("a plugin call is still running 10 s after the stop signal; exiting anyway");
    std::fflush(stderr);
    std::_Exit(0);
  }
  lock.unlock();
  stopper.join();
  log::info("stopped");
  return 0;
}

std::shared_ptr<grpc::ChannelCredentials> peer_credentials(const serve_settings& settings) {
  if (!settings.peer_tls_settings) return grpc::InsecureChannelCredentials();
  const peer_tls& tls = *settings.peer_tls_settings;
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = read_pem_file("CORE_PEER_TLS_ROOTCERT_FILE", tls.root_cert_file);
  check_certificates(options.pem_root_certs, "CORE_PEER_TLS_ROOTCERT_FILE", tls.root_cert_file);
  if (!tls.client_key_file.empty()) {
    options.pem_private_key =
        read_pem_file("the client TLS key", tls.client_key_file, tls.client_files_base64);
    options.pem_cert_chain =
        read_pem_file("the client TLS certificate", tls.client_cert_file, tls.client_files_base64);
    check_key_pair(options.pem_private_key, options.pem_cert_chain, tls.client_key_file,
                   tls.client_cert_file);
  }
  return grpc::SslCredentials(options);
}

int serve_register(const serve_settings& settings) {
  const auto credentials = peer_credentials(settings);
  const std::unique_ptr<scc::host::plugin_instance> plugin = load_or_report(settings.plugin_path);
  if (!plugin) return 1;
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(max_message_bytes);
  arguments.SetMaxSendMessageSize(max_message_bytes);
  if (settings.peer_tls_settings && !settings.peer_tls_settings->server_name_override.empty()) {
    arguments.SetSslTargetNameOverride(settings.peer_tls_settings->server_name_override);
  }
  const auto channel = grpc::CreateCustomChannel(settings.peer_address, credentials, arguments);
  auto stub = protos::ChaincodeSupport::NewStub(channel);
  grpc::ClientContext context;
  std::atomic<bool> stopping{false};
  std::atomic<bool> finished{false};
  std::thread signal_watcher([&] {
    wait_for_stop_signal();
    if (finished.load()) return;
    stopping.store(true);
    log::info("stopping");
    context.TryCancel();
  });
  std::fprintf(stderr, "scc-ccaas: %s as chaincode '%s': dialling the peer at %s\n",
               describe(plugin->info()).c_str(), settings.chaincode_id.c_str(),
               settings.peer_address.c_str());
  std::fflush(stderr);
  auto stream = stub->Register(&context);
  {
    grpc_message_stream<
        grpc::ClientReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>>
        messages(*stream);
    chaincode_session session(*plugin, settings.chaincode_id, executor_of(settings));
    session.run(messages);
  }
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  finished.store(true);
  if (!stopping.load()) kill(getpid(), SIGTERM);  // wakes the watcher, which sees finished
  signal_watcher.join();
  if (stopping.load()) {
    log::info("stopped");
    return 0;
  }
  std::fprintf(stderr, "scc-ccaas: the stream with the peer at %s ended: %s\n",
               settings.peer_address.c_str(),
               status.ok() ? "closed by the peer"
                           : ("gRPC status " + std::to_string(status.error_code()) + ": " +
                              status.error_message())
                                 .c_str());
  return 1;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int serve(const serve_settings& settings) {
  set_log_level(settings.log_level);
  // gRPC locks absl mutexes for every message. An absl built without NDEBUG (Debian's is)
  // checks each lock for deadlock cycles, under a process-wide lock: a debugging aid this
  // server has no use for.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return settings.peer_address.empty() ? serve_connect(settings) : serve_register(settings);
}

}  // namespace scc::ccaas
