// The loader against real shared libraries: one fixture per refusal, each asserting the exact
// text a peer operator would read, plus good plugins run through the exception barrier.
#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

// Boost 1.74's library_info.hpp uses std::vector without including it.
#include <vector>

#include <boost/dll/library_info.hpp>
#include <doctest/doctest.h>

#include "scc/abi.h"
#include "scc/host/transaction.hpp"
#include "scc/host/loader.hpp"
#include "scc/version.hpp"

namespace fs = std::filesystem;

namespace {

// The refusal open() throws for path; fails the test case if it accepts the library.
scc::host::load_error refusal(const fs::path& path) {
  try {
    scc::host::plugin_library::open(path);
  } catch (const scc::host::load_error& e) {
    return e;
  }
  throw std::runtime_error("the loader accepted " + path.string());
}

std::string prefix(const std::string& path) { return "incompatible SCC plugin '" + path + "': "; }

// A fresh directory under the build tree for files the test makes itself.
fs::path work_dir(const std::string& name) {
  const fs::path dir = fs::path(SCC_LOADER_WORK_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// `nm -D --defined-only`: the dynamic exports as binutils sees them, without version suffixes.
std::set<std::string> nm_exports(const std::string& library) {
  const std::string command = std::string(SCC_NM) + " -D --defined-only '" + library + "'";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::set<std::string> names;
  char line[4096];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const std::size_t space = text.rfind(' ');
    std::string name = space == std::string::npos ? text : text.substr(space + 1);
    name = name.substr(0, name.find('@'));
    if (!name.empty()) names.insert(name);
  }
  REQUIRE(pclose(pipe) == 0);
  return names;
}

std::set<std::string> loader_exports(const std::string& library) {
  scc::host::detail::elf_file elf(library);
  std::set<std::string> names;
  for (const scc::host::detail::elf_symbol& symbol : elf.dynamic_exports()) names.insert(symbol.name);
  return names;
}

scc::response run(scc::host::plugin_instance& plugin, bool init, std::vector<std::string> args) {
  scc::host::proposal proposal;
  proposal.args = std::move(args);
  proposal.tx_id = "tx-loader-test";
  scc::host::transaction tx(std::move(proposal));
  return init ? plugin.init(tx) : plugin.invoke(tx);
}

}  // namespace

TEST_CASE("a plugin built with scc_add_plugin loads and runs") {
  const auto library = scc::host::plugin_library::open(SCC_FIXTURE_GOOD);
  const scc::host::plugin_info& info = library->info();
  CHECK(info.origin == SCC_FIXTURE_GOOD);
  CHECK(info.name == "loader_good");
  CHECK(info.version == "1.2.3");
  CHECK(info.sdk_version == SCC_SDK_VERSION);
  CHECK(info.build_tag == SCC_BUILD_TAG);
  CHECK(info.abi_major == SCC_ABI_MAJOR);
  CHECK(info.abi_minor == SCC_ABI_MINOR);
  CHECK(info.min_host_minor == 0);
  CHECK_FALSE(info.thread_safe());
  CHECK(library->descriptor().magic == SCC_PLUGIN_MAGIC);
  CHECK(library->descriptor().struct_size == sizeof(scc_plugin_descriptor_v1));

  const auto plugin = library->instantiate();
  CHECK(plugin->info().name == "loader_good");
  const scc::response initialised = run(*plugin, true, {"init"});
  CHECK(initialised.status == scc::status::ok);
  CHECK(initialised.payload == "initialised");
  const scc::response answer = run(*plugin, false, {"hello", "world"});
  CHECK(answer.status == scc::status::ok);
  CHECK(answer.payload == "good:hello");
}

TEST_CASE("load_plugin opens and instantiates in one step") {
  const auto plugin = scc::host::load_plugin(SCC_FIXTURE_GOOD);
  CHECK(plugin->info().name == "loader_good");
  CHECK(run(*plugin, false, {"ping"}).payload == "good:ping");
}

TEST_CASE("an instance keeps working after every plugin_library handle is gone") {
  std::unique_ptr<scc::host::plugin_instance> plugin;
  {
    const auto library = scc::host::plugin_library::open(SCC_FIXTURE_BARRIER);
    plugin = library->instantiate();
  }
  CHECK(run(*plugin, false, {"still"}).payload == "echo:still");
}

TEST_CASE("opening one file twice, by any path, gives the same plugin_library") {
  const fs::path dir = work_dir("dedupe");
  const fs::path link = dir / "good_link.so";
  fs::create_symlink(SCC_FIXTURE_GOOD, link);
  const auto first = scc::host::plugin_library::open(SCC_FIXTURE_GOOD);
  CHECK(scc::host::plugin_library::open(SCC_FIXTURE_GOOD) == first);
  CHECK(scc::host::plugin_library::open(link) == first);
  const fs::path dotted =
      fs::path(SCC_FIXTURE_GOOD).parent_path() / "." / fs::path(SCC_FIXTURE_GOOD).filename();
  CHECK(scc::host::plugin_library::open(dotted) == first);
}

TEST_CASE("concurrent opens are serialised and agree") {
  std::vector<std::shared_ptr<scc::host::plugin_library>> opened(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < opened.size(); ++i) {
    threads.emplace_back(
        [&opened, i] { opened[i] = scc::host::plugin_library::open(SCC_FIXTURE_ENTRY_V1_V2); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& library : opened) CHECK(library == opened.front());
}

TEST_CASE("a library exporting entries for majors 1 and 2 is loaded through v1") {
  const auto plugin = scc::host::load_plugin(SCC_FIXTURE_ENTRY_V1_V2);
  CHECK(plugin->info().name == "loader_dual_major");
  CHECK(run(*plugin, false, {"which"}).payload == "v1");
}

// ---- Check 1: the file ----

TEST_CASE("missing file: file_not_found") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_MISSING);
  CHECK(e.kind() == scc::host::load_error_kind::file_not_found);
  CHECK(e.origin() == SCC_FIXTURE_MISSING);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_MISSING) +
            "no such file. Expected a plugin shared library at this path, found nothing there. "
            "Check chaincode.systemPlugins[].path in core.yaml, and build the plugin with "
            "scc_add_plugin().");
}

// ---- Check 2: the file format ----

TEST_CASE("a text file named .so: not_a_shared_library with dlopen's own words") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_NOT_ELF);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_NOT_ELF) +
            "not a shared library. Expected an ELF shared object, found a 89-byte file "
            "starting with \"this is not a sh...\"; dlopen says: " SCC_FIXTURE_NOT_ELF
            ": invalid ELF header. Point chaincode.systemPlugins[].path in core.yaml at the "
            "plugin's .so file, the one scc_add_plugin() builds.");
}

TEST_CASE("an empty file: not_a_shared_library") {
  const fs::path empty = work_dir("empty") / "empty.so";
  write_file(empty, "");
  const scc::host::load_error e = refusal(empty);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(empty.string()) +
            "not a shared library. Expected an ELF shared object, found "
            "an empty file; dlopen says: " +
            empty.string() +
            ": file too short. Point chaincode.systemPlugins[].path in core.yaml at the "
            "plugin's .so file, the one scc_add_plugin() builds.");
}

TEST_CASE("a directory: not_a_shared_library") {
  const fs::path dir = work_dir("directory.so");
  const scc::host::load_error e = refusal(dir);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(dir.string()) +
            "not a shared library. Expected an ELF shared object, found a directory. Point "
            "chaincode.systemPlugins[].path in core.yaml at the plugin's .so file, the one "
            "scc_add_plugin() builds.");
}

TEST_CASE("an object file (.o): not_a_shared_library") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_OBJECT);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_OBJECT) + "not a shared library for this host. Expected " +
            scc::host::detail::elf_native_description() +
            ", found an ELF relocatable object (ET_REL: a .o file, compiled but not linked as a "
            "shared library). Build the plugin for this platform with scc_add_plugin().");
}

TEST_CASE("an ELF file of the other class (32-bit on a 64-bit host): not_a_shared_library") {
  const fs::path patched = work_dir("class") / "other_class.so";
  std::string bytes = read_file(SCC_FIXTURE_GOOD);
  bytes[EI_CLASS] = sizeof(void*) == 8 ? ELFCLASS32 : ELFCLASS64;
  write_file(patched, bytes);
  const scc::host::load_error e = refusal(patched);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(patched.string()) + "not a shared library for this host. Expected " +
            scc::host::detail::elf_native_description() + ", found a " +
            (sizeof(void*) == 8 ? "32" : "64") +
            "-bit ELF file. Build the plugin for this platform with scc_add_plugin().");
#if defined(__x86_64__)
  CHECK(scc::host::detail::elf_native_description() ==
        "a 64-bit little-endian ELF shared object for x86-64");
#endif
}

TEST_CASE("an ELF shared object for another machine: not_a_shared_library") {
  const fs::path patched = work_dir("machine") / "other_machine.so";
  std::string bytes = read_file(SCC_FIXTURE_GOOD);
  const uint16_t other = scc::host::detail::elf_native_machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
  std::memcpy(&bytes[offsetof(Elf64_Ehdr, e_machine)], &other, sizeof other);
  write_file(patched, bytes);
  const scc::host::load_error e = refusal(patched);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(patched.string()) + "not a shared library for this host. Expected " +
            scc::host::detail::elf_native_description() + ", found an ELF shared object for " +
            scc::host::detail::elf_machine_name(other) +
            ". Build the plugin for this platform with scc_add_plugin().");
}

TEST_CASE("a truncated shared object: not_a_shared_library, read from the file only") {
  const fs::path patched = work_dir("truncated") / "truncated.so";
  write_file(patched, read_file(SCC_FIXTURE_GOOD).substr(0, 4096));
  const scc::host::load_error e = refusal(patched);
  const std::string what = e.what();
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(what.find(prefix(patched.string()) + "not a shared library. Expected " +
                  scc::host::detail::elf_native_description() +
                  ", found an ELF file that refers to "
                  "bytes ") == 0);
  CHECK(what.find(" but has only 4096 (truncated or corrupt). Rebuild the plugin with "
                  "scc_add_plugin().") != std::string::npos);
}

// ---- Check 3: the entry symbol, before anything is loaded ----

TEST_CASE("a library exporting only another symbol (a Go-style New): no_entry_symbol") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_EXPORTS_OTHER);
  CHECK(e.kind() == scc::host::load_error_kind::no_entry_symbol);
  // Its undefined (weak) reference to scc_plugin_entry_v1 is not an export.
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_EXPORTS_OTHER) +
            "exports no scc_plugin_entry_v* symbol. Expected scc_plugin_entry_v1 among its "
            "dynamic exports, found New. Was SCC_PLUGIN used, and was the library built with "
            "scc_add_plugin()?");
}

TEST_CASE("a plugin whose entry is defined but hidden: no_entry_symbol saying so") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_HIDDEN_ENTRY);
  const std::string what = e.what();
  CHECK(e.kind() == scc::host::load_error_kind::no_entry_symbol);
  CHECK(what.find(prefix(SCC_FIXTURE_HIDDEN_ENTRY) +
                  "exports no scc_plugin_entry_v* symbol. Expected scc_plugin_entry_v1 among its "
                  "dynamic exports, found ") == 0);
  CHECK(what.find("scc_loader_fixture_marker") != std::string::npos);
  CHECK(what.find(" (scc_plugin_entry_v1 is defined but hidden: not in the dynamic symbol "
                  "table). Was SCC_PLUGIN used, and was the library built with "
                  "scc_add_plugin()?") != std::string::npos);
}

TEST_CASE("a plugin for ABI major 2 only: abi_major_mismatch naming both majors") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_ENTRY_V2);
  CHECK(e.kind() == scc::host::load_error_kind::abi_major_mismatch);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_ENTRY_V2) +
            "ABI major mismatch. Host supports SCC ABI 1, plugin is built for ABI 2 (exports "
            "scc_plugin_entry_v2). Upgrade the host or rebuild the plugin against an scc SDK "
            "with ABI 1.");
}

TEST_CASE("the entry name exported as data: no_entry_symbol, nothing called") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_ENTRY_DATA);
  CHECK(e.kind() == scc::host::load_error_kind::no_entry_symbol);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_ENTRY_DATA) +
            "exports scc_plugin_entry_v1 as data, not as a function. Expected the function "
            "SCC_PLUGIN defines, found an object of that name. Define the entry with "
            "SCC_PLUGIN, not with BOOST_DLL_ALIAS or a variable, and build with "
            "scc_add_plugin().");
}

// ---- Check 4: dlopen ----

TEST_CASE("an unresolved symbol fails at load time (RTLD_NOW) with dlerror's text") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_UNRESOLVED);
  CHECK(e.kind() == scc::host::load_error_kind::not_a_shared_library);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_UNRESOLVED) +
            "dlopen failed. Expected a library whose dependencies and symbols all resolve at "
            "load time (RTLD_NOW), found: " SCC_FIXTURE_UNRESOLVED
            ": undefined symbol: scc_loader_fixture_missing_function. Link the plugin against "
            "every library it uses and install those where the dynamic linker finds them (ldd "
            "lists what is missing).");
}

// ---- Check 5: the descriptor ----

TEST_CASE("wrong descriptor magic: bad_magic") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_BAD_MAGIC);
  CHECK(e.kind() == scc::host::load_error_kind::bad_magic);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_BAD_MAGIC) + "bad descriptor magic. Expected " +
            scc::detail::hex64(SCC_PLUGIN_MAGIC) +
            " (\"SCCPLUG1\"), found 0x0123456789abcdef. scc_plugin_entry_v1 does not return an scc "
            "descriptor: the "
            "library is corrupt or was not built with SCC_PLUGIN. Rebuild it with "
            "scc_add_plugin() and the SCC_PLUGIN macro.");
}

TEST_CASE("a descriptor smaller than ABI 1.0's: truncated_descriptor") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_TRUNCATED);
  CHECK(e.kind() == scc::host::load_error_kind::truncated_descriptor);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_TRUNCATED) + "truncated descriptor. Expected at least " +
            std::to_string(SCC_PLUGIN_DESCRIPTOR_V1_0_SIZE) +
            " bytes (SCC ABI 1.0), found struct_size 16. The library is corrupt or hand-made; "
            "rebuild it with scc_add_plugin() and the SCC_PLUGIN macro.");
}

TEST_CASE("a plugin needing host ABI minor 99: host_too_old") {
  const scc::host::load_error e = refusal(SCC_FIXTURE_HOST_TOO_OLD);
  CHECK(e.kind() == scc::host::load_error_kind::host_too_old);
  CHECK(std::string(e.what()) ==
        prefix(SCC_FIXTURE_HOST_TOO_OLD) +
            "ABI minor mismatch. Host provides SCC ABI 1.1, plugin requires >= 1.99 (plugin "
            "'loader_host_too_old' 2.0.1, SDK " SCC_SDK_VERSION ", build " SCC_BUILD_TAG
            "). Upgrade the host (scc-peer) or rebuild the plugin with an SDK whose ABI minor "
            "is <= 1.");
}

// ---- Check 6: create ----

TEST_CASE("a constructor throwing std::runtime_error: create_failed with its what()") {
  // Opening runs no constructor: inspection (scc-inspect) works on such a plugin.
  const auto library = scc::host::plugin_library::open(SCC_FIXTURE_CTOR_THROWS_STD);
  CHECK(library->info().name == "loader_ctor_throws_std");
  try {
    library->instantiate();
    FAIL("instantiate accepted a throwing constructor");
  } catch (const scc::host::load_error& e) {
    CHECK(e.kind() == scc::host::load_error_kind::create_failed);
    CHECK(std::string(e.what()) ==
          "SCC plugin 'loader_ctor_throws_std' (" SCC_FIXTURE_CTOR_THROWS_STD
          ") failed to create an instance: constructor of plugin 'loader_ctor_throws_std' "
          "threw: cannot reach the HSM at 10.0.0.7:2345. Fix the plugin's constructor; the "
          "host did not start it.");
  }
}

TEST_CASE("a constructor throwing an int: create_failed naming the plugin") {
  try {
    scc::host::load_plugin(SCC_FIXTURE_CTOR_THROWS_INT);
    FAIL("load_plugin accepted a throwing constructor");
  } catch (const scc::host::load_error& e) {
    CHECK(e.kind() == scc::host::load_error_kind::create_failed);
    CHECK(std::string(e.what()) ==
          "SCC plugin 'loader_ctor_throws_int' (" SCC_FIXTURE_CTOR_THROWS_INT
          ") failed to create an instance: constructor of plugin 'loader_ctor_throws_int' "
          "threw a non-standard exception. Fix the plugin's constructor; the host did not "
          "start it.");
  }
}

// ---- The exception barrier, through a loaded library ----

TEST_CASE("exceptions thrown by a loaded plugin become 500 responses") {
  const auto plugin = scc::host::load_plugin(SCC_FIXTURE_BARRIER);

  SUBCASE("init is optional: without one, init answers 200") {
    const scc::response answer = run(*plugin, true, {"init"});
    CHECK(answer.status == scc::status::ok);
    CHECK(answer.message.empty());
  }
  SUBCASE("std::exception: 500 carrying what()") {
    const scc::response answer = run(*plugin, false, {"throw_std"});
    CHECK(answer.status == scc::status::error);
    CHECK(answer.message == "ledger on fire");
    CHECK(answer.payload.empty());
  }
  SUBCASE("anything else: 500 naming the plugin and the method") {
    const scc::response answer = run(*plugin, false, {"throw_int"});
    CHECK(answer.status == scc::status::error);
    CHECK(answer.message == "plugin 'loader_barrier' threw a non-standard exception from invoke");
  }
  SUBCASE("and the instance keeps serving afterwards") {
    run(*plugin, false, {"throw_std"});
    CHECK(run(*plugin, false, {"after"}).payload == "echo:after");
  }
}

// ---- The export surface ----

TEST_CASE("a plugin built with scc_add_plugin exports exactly scc_plugin_entry_v1") {
  const std::vector<std::string> expected{SCC_PLUGIN_ENTRY_SYMBOL};
  CHECK(scc::host::plugin_library::open(SCC_FIXTURE_GOOD)->exports() == expected);
  CHECK(scc::host::plugin_library::open(SCC_FIXTURE_GOOD_STRIPPED)->exports() == expected);
  CHECK(scc::host::plugin_library::open(SCC_FIXTURE_BARRIER)->exports() == expected);
  CHECK(nm_exports(SCC_FIXTURE_GOOD) == std::set<std::string>{SCC_PLUGIN_ENTRY_SYMBOL});
}

TEST_CASE("the loader's dynamic-export reader agrees with nm -D --defined-only") {
  for (const char* library :
       {SCC_FIXTURE_GOOD, SCC_FIXTURE_GOOD_STRIPPED, SCC_FIXTURE_EXPORTS_OTHER,
        SCC_FIXTURE_HIDDEN_ENTRY, SCC_FIXTURE_ENTRY_V2, SCC_FIXTURE_ENTRY_V1_V2,
        SCC_FIXTURE_ENTRY_DATA, SCC_FIXTURE_UNRESOLVED, SCC_FIXTURE_CTOR_THROWS_STD}) {
    CAPTURE(library);
    CHECK(loader_exports(library) == nm_exports(library));
  }
}

TEST_CASE("a stripped plugin loads although Boost.DLL 1.74's library_info sees no symbols") {
  // Why the loader reads .dynsym itself: library_info::symbols() reads .symtab, which strip
  // removes, while dlsym uses .dynsym, which stays.
  boost::dll::library_info info(SCC_FIXTURE_GOOD_STRIPPED);
  CHECK(info.symbols().empty());
  const auto plugin = scc::host::load_plugin(SCC_FIXTURE_GOOD_STRIPPED);
  CHECK(run(*plugin, false, {"stripped"}).payload == "good:stripped");
}
