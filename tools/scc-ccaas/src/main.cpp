// scc-ccaas: serves one scc plugin as a Hyperledger Fabric chaincode (see settings.hpp).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "package_writer.hpp"
#include "serve.hpp"
#include "settings.hpp"

int main(int argc, char** argv) {
  scc::ccaas::block_stop_signals();
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const scc::ccaas::command command =
        scc::ccaas::parse_command(args, &scc::ccaas::process_environment);
    if (const auto* help = std::get_if<scc::ccaas::help_request>(&command)) {
      std::fputs(help->text.c_str(), stdout);
      return 0;
    }
    if (const auto* package = std::get_if<scc::ccaas::package_settings>(&command)) {
      std::printf("%s\n", scc::ccaas::write_package(*package).c_str());
      return 0;
    }
    return scc::ccaas::serve(std::get<scc::ccaas::serve_settings>(command));
  } catch (const scc::ccaas::settings_error& e) {
    std::fprintf(stderr, "scc-ccaas: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scc-ccaas: %s\n", e.what());
    return 1;
  }
}
