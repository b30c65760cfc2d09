// server_process.hpp - starts scc-ccaas as a child process for a test, with its output in
// files of a temporary folder, and stops it by pid. Every server listens on 127.0.0.1.
#ifndef SCC_CCAAS_TEST_SERVER_PROCESS_HPP
#define SCC_CCAAS_TEST_SERVER_PROCESS_HPP

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ccaas_test {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh folder under the system's temporary folder, removed with the object.
class temporary_folder {
 public:
  temporary_folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "scc-ccaas-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temporary_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct exit_result {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

class server_process {
 public:
  // Starts SCC_CCAAS_BINARY with args; env entries are added to (or replace) the environment,
  // and those mapped to "" are removed.
  server_process(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    out_file_ = folder_.path() / "stdout";
    err_file_ = folder_.path() / "stderr";
    std::vector<std::string> full{SCC_CCAAS_BINARY};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : full) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string text = *entry;
      const std::string name = text.substr(0, text.find('='));
      if (env.count(name) == 0) environment.push_back(text);
    }
    for (const auto& [name, value] : env) {
      if (!value.empty()) environment.push_back(name + "=" + value);
    }
    std::vector<char*> envp;
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int failed = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) throw std::runtime_error("cannot start " + full[0]);
  }

  ~server_process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  pid_t pid() const { return pid_; }
  std::string err() const { return read_file(err_file_); }
  std::string out() const { return read_file(out_file_); }

  // Waits for "listening on HOST:PORT" and returns HOST:PORT; throws if the process exits or
  // the line does not come.
  std::string wait_listening(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    static const std::string marker = "listening on ";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = err();
      const std::size_t at = text.find(marker);
      if (at != std::string::npos) {
        const std::size_t end = text.find('\n', at);
        if (end != std::string::npos) return text.substr(at + marker.size(), end - at - marker.size());
      }
      if (exited()) throw std::runtime_error("scc-ccaas exited before listening: " + text);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("scc-ccaas did not report listening: " + err());
  }

  bool exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return true;
    }
    return false;
  }

  // Waits for the process to end by itself; returns its exit status, or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (exited()) return status_;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exited() ? std::optional<int>(status_) : std::nullopt;
  }

  // Sends signal and waits up to timeout; returns the exit status (SIGKILL after the timeout).
  int stop(int signal_number = SIGTERM,
           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (pid_ > 0) kill(pid_, signal_number);
    if (const auto status = wait_exit(timeout)) return *status;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return 128 + SIGKILL;
  }

 private:
  temporary_folder folder_;
  std::filesystem::path out_file_;
  std::filesystem::path err_file_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs scc-ccaas to completion (commands that are expected to exit by themselves).
inline exit_result run_ccaas(std::vector<std::string> args,
                             std::map<std::string, std::string> env = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  server_process process(std::move(args), std::move(env));
  exit_result result;
  const auto status = process.wait_exit(timeout);
  result.status = status ? *status : process.stop(SIGKILL);
  result.out = process.out();
  result.err = process.err();
  return result;
}

}  // namespace ccaas_test

#endif  // SCC_CCAAS_TEST_SERVER_PROCESS_HPP
