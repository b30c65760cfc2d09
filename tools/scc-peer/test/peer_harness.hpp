// peer_harness.hpp - starts scc-peer as a child process on a free loopback port in a temporary
// folder, runs the scc-peer CLI, and talks to the peer over the wire protocol.
//
// Nothing here depends on timing beyond generous deadlines: waits poll for an observable
// condition (a log line, an exit) and fail only after tens of seconds.
#ifndef SCC_PEER_TEST_HARNESS_HPP
#define SCC_PEER_TEST_HARNESS_HPP

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client.hpp"
#include "scc_peer.pb.h"

#include <scc/ledger/identity.hpp>

extern char** environ;

namespace scc::peer::test {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::out | std::ios::binary | std::ios::trunc);
  out << text;
}

// A fresh folder under the system's temporary folder, removed with its contents at the end of
// the test; tests that fail on the peer's behaviour print its log.
class temp_folder {
 public:
  explicit temp_folder(const std::string& tag) {
    std::string pattern = (fs::temp_directory_path() / ("scc-peer-" + tag + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_folder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

using environment_overrides = std::map<std::string, std::string>;

// The current environment with overrides; a value of "\x01unset" removes the variable.
inline std::vector<std::string> child_environment(const environment_overrides& overrides) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::size_t equals = text.find('=');
    if (equals != std::string::npos) merged[text.substr(0, equals)] = text.substr(equals + 1);
  }
  // The tests choose the peer and its logging themselves.
  for (const char* name :
       {"CORE_PEER_ADDRESS", "CORE_PEER_LISTENADDRESS", "FABRIC_CFG_PATH", "FABRIC_LOGGING_SPEC",
        "CORE_PEER_LOCALMSPID", "CORE_PEER_MSPCONFIGPATH", "CORE_PEER_FILESYSTEMPATH"}) {
    merged.erase(name);
  }
  for (const auto& [name, value] : overrides) {
    if (value == "\x01unset") {
      merged.erase(name);
    } else {
      merged[name] = value;
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) out.push_back(name + "=" + value);
  return out;
}

// Starts program with arguments; stdout and stderr go to the given files.
inline pid_t spawn(const std::vector<std::string>& arguments, const environment_overrides& env,
                   const fs::path& stdout_file, const fs::path& stderr_file,
                   const fs::path& working_dir = {}) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
  if (!working_dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, working_dir.c_str());
#endif
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  const std::vector<std::string> environment = child_environment(env);
  std::vector<char*> envp;
  for (const std::string& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int status = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (status != 0) throw std::runtime_error("cannot start " + arguments[0]);
  return pid;
}

// Waits for the child; nullopt if it is still running at the deadline.
inline std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

struct cli_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A core.yaml for tests: plugins and extra YAML appended by the caller.
struct plugin_config {
  std::string name;
  std::string path;
  bool enabled = true;
  bool whitelisted = true;
  bool invokable_external = true;
  bool invokable_cc2cc = true;
};

inline std::string core_yaml(const std::vector<plugin_config>& plugins,
                             const std::string& extra = "") {
  std::string text =
      "peer:\n"
      "  listenAddress: 127.0.0.1:0\n"
      "  fileSystemPath: production\n"
      "chaincode:\n"
      "  system:\n"
      "    cscc: enable\n";
  for (const plugin_config& plugin : plugins) {
    text += "    " + plugin.name + ": " + (plugin.whitelisted ? "enable" : "disable") + "\n";
  }
  text += "  systemPlugins:\n";
  for (const plugin_config& plugin : plugins) {
    text += "    - enabled: " + std::string(plugin.enabled ? "true" : "false") + "\n";
    text += "      name: " + plugin.name + "\n";
    text += "      path: " + plugin.path + "\n";
    text +=
        "      invokableExternal: " + std::string(plugin.invokable_external ? "true" : "false") +
        "\n";
    text +=
        "      invokableCC2CC: " + std::string(plugin.invokable_cc2cc ? "true" : "false") + "\n";
  }
  text +=
      "sccPeer:\n"
      "  blockCutter:\n"
      "    maxMessageCount: 100\n"
      "    batchTimeout: 2ms\n";
  return text + extra;
}

// One scc-peer process, started with `node start --config <folder>/core.yaml`.
class peer_process {
 public:
  peer_process(const fs::path& folder, const std::string& yaml, environment_overrides env = {})
      : folder_(folder), env_(std::move(env)) {
    write_file(folder_ / "core.yaml", yaml);
  }
  ~peer_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(10));
    }
  }
  peer_process(const peer_process&) = delete;
  peer_process& operator=(const peer_process&) = delete;

  // Starts the peer and waits until it listens. Returns false if it exited instead (its exit
  // code is then in exit_code()).
  bool start() {
    ++starts_;
    log_file_ = folder_ / ("peer-" + std::to_string(starts_) + ".log");
    address_.clear();
    pid_ = spawn({SCC_PEER_BINARY, "node", "start", "--config", (folder_ / "core.yaml").string()},
                 env_, folder_ / "peer.out", log_file_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = read_file(log_file_);
      const std::size_t at = text.find("listening on ");
      if (at != std::string::npos) {
        const std::size_t end = text.find(' ', at + 13);
        if (end != std::string::npos) {
          address_ = text.substr(at + 13, end - at - 13);
          return true;
        }
      }
      if (const std::optional<int> code = wait_exit(pid_, std::chrono::milliseconds(0))) {
        exit_code_ = *code;
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("scc-peer did not start listening within 60 s:\n" + log());
  }

  // Sends a signal and waits for the exit; returns the exit code (128+n for a signal death).
  int stop(int signal = SIGTERM) {
    ::kill(pid_, signal);
    const std::optional<int> code = wait_exit(pid_, std::chrono::seconds(60));
    if (!code) throw std::runtime_error("scc-peer did not stop within 60 s");
    pid_ = -1;
    exit_code_ = *code;
    return *code;
  }

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The test reaped the process itself (wait_exit(pid())).
  void forget() { pid_ = -1; }
  std::optional<int> exit_code() const { return exit_code_; }
  const std::string& address() const { return address_; }
  std::string log() const { return read_file(log_file_); }
  const fs::path& folder() const { return folder_; }

  // Runs the scc-peer CLI against this peer (--peerAddresses added).
  cli_result cli(std::vector<std::string> arguments, const environment_overrides& env = {}) const {
    arguments.insert(arguments.begin(), SCC_PEER_BINARY);
    arguments.push_back("--peerAddresses");
    arguments.push_back(address_);
    return run(arguments, env);
  }

  static cli_result run(const std::vector<std::string>& arguments,
                        const environment_overrides& env = {}, const fs::path& folder = {}) {
    const fs::path where = folder.empty() ? fs::temp_directory_path() : folder;
    static std::atomic<int> runs{0};
    const std::string tag = std::to_string(getpid()) + "-" + std::to_string(runs++);
    const fs::path out = where / ("cli-" + tag + ".out");
    const fs::path err = where / ("cli-" + tag + ".err");
    const pid_t pid = spawn(arguments, env, out, err, folder);
    cli_result result;
    const std::optional<int> code = wait_exit(pid, std::chrono::seconds(120));
    if (!code) {
      ::kill(pid, SIGKILL);
      wait_exit(pid, std::chrono::seconds(10));
    }
    result.exit_code = code.value_or(-1);
    result.out = read_file(out);
    result.err = read_file(err);
    std::error_code ignored;
    fs::remove(out, ignored);
    fs::remove(err, ignored);
    return result;
  }

 private:
  fs::path folder_;
  environment_overrides env_;
  fs::path log_file_;
  pid_t pid_ = -1;
  int starts_ = 0;
  std::optional<int> exit_code_;
  std::string address_;
};

// Builds proposals the way the CLI does, for tests that speak the protocol directly.
class proposer {
 public:
  explicit proposer(std::string channel, std::string msp_id = "SampleOrg")
      : channel_(std::move(channel)),
        creator_(ledger::serialize_identity({std::move(msp_id), ""})) {}

  Request make(bool invoke, const std::string& chaincode, const std::vector<std::string>& args) {
    Request request;
    Proposal& proposal = invoke ? *request.mutable_invoke() : *request.mutable_query();
    proposal.set_channel_id(channel_);
    proposal.set_chaincode(chaincode);
    for (const std::string& arg : args) proposal.mutable_input()->add_args(arg);
    proposal.set_creator(creator_);
    std::string nonce(24, '\0');
    for (char& byte : nonce) byte = static_cast<char>(random_() & 0xFF);
    proposal.set_nonce(nonce);
    proposal.set_tx_id(ledger::compute_tx_id(nonce, creator_));
    return request;
  }

 private:
  std::string channel_;
  std::string creator_;
  std::mt19937_64 random_{std::random_device{}()};
};

inline constexpr std::chrono::milliseconds reply_timeout{60000};

}  // namespace scc::peer::test

#endif  // SCC_PEER_TEST_HARNESS_HPP
