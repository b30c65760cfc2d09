// scc/host/loader.hpp - opening system-chaincode plugins from shared libraries (Linux, ELF).
//
//   auto library = scc::host::plugin_library::open("/opt/scc/kvscc.so");  // throws scc::host::load_error
//   auto instance = library->instantiate();                          // calls the plugin's create
//
// or, in one step, scc::host::load_plugin(path). Every refusal is an scc::host::load_error whose kind says
// which check failed and whose what() names the library, what was expected, what was found and
// the fix. The checks run in this order, and no plugin code runs before the fourth:
//
//   1. the file exists                                         file_not_found
//   2. it is an ELF shared object for this process             not_a_shared_library
//   3. its dynamic symbol table exports scc_plugin_entry_v1    no_entry_symbol, abi_major_mismatch
//   4. dlopen(RTLD_NOW | RTLD_LOCAL) succeeds                  not_a_shared_library
//   5. the descriptor the entry returns passes check_descriptor()
//   6. (instantiate) the plugin's create succeeds               create_failed
//
// Libraries are never unloaded: see detail::loader_state.
#ifndef SCC_HOST_LOADER_HPP
#define SCC_HOST_LOADER_HPP

// Header-only Boost.DLL: without this it needs the compiled Boost.Filesystem. The scc::host
// CMake target defines it too; the guard keeps both spellings from clashing.
#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS
#endif

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "scc/abi.h"
#include "scc/detail/hex.hpp"
#include "scc/host/detail/elf_file.hpp"
#include "scc/host/plugin_instance.hpp"
#include "scc/host/transaction.hpp"

namespace scc::host {

class plugin_library;

namespace detail {

// ---- Messages ----

// Boost.DLL 1.74 reports a dlopen failure as "<context> (dlerror system message: <text>): <ec>".
// The user needs <text> verbatim: it names the missing library or symbol.
inline std::string dlerror_text(const std::system_error& failure) {
  const std::string what = failure.what();
  static constexpr std::string_view marker = "(dlerror system message: ";
  std::size_t begin = what.find(marker);
  if (begin == std::string::npos) return what;
  begin += marker.size();
  const std::string tail = "): " + failure.code().message();
  std::size_t end = what.rfind(')');
  if (what.size() >= begin + tail.size() &&
      what.compare(what.size() - tail.size(), tail.size(), tail) == 0) {
    end = what.size() - tail.size();
  }
  if (end == std::string::npos || end < begin) return what.substr(begin);
  return what.substr(begin, end - begin);
}

// "a 29-byte file starting with "this is not a sh..."": enough to recognise a text file, a
// linker script or an archive.
inline std::string describe_non_elf(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) {
    return "a file this process cannot read (" + std::string(std::strerror(errno)) + ")";
  }
  char head[17] = {};
  in.read(head, sizeof head);
  const auto count = static_cast<std::size_t>(in.gcount());
  if (count == 0) return "an empty file";
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  std::string shown;
  for (std::size_t i = 0; i < std::min<std::size_t>(count, 16); ++i) {
    const auto byte = static_cast<unsigned char>(head[i]);
    if (byte == '\n') {
      shown += "\\n";
    } else if (byte == '"' || byte == '\\') {
      shown += '\\';
      shown += static_cast<char>(byte);
    } else if (byte >= 0x20 && byte < 0x7f) {
      shown += static_cast<char>(byte);
    } else {
      shown += "\\x";
      scc::detail::append_hex_byte(shown, byte);
    }
  }
  if (count > 16) shown += "...";
  return "a " + (ec ? std::string("non-ELF") : std::to_string(size) + "-byte") +
         " file starting with \"" + shown + "\"";
}

inline std::string join_names(const std::vector<std::string>& names, std::size_t shown_at_most) {
  if (names.empty()) return "none";
  std::string text;
  const std::size_t shown = std::min(names.size(), shown_at_most);
  for (std::size_t i = 0; i < shown; ++i) text += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > shown) text += " and " + std::to_string(names.size() - shown) + " more";
  return text;
}

inline bool is_entry_symbol(std::string_view name) {
  constexpr std::string_view prefix = SCC_PLUGIN_ENTRY_PREFIX;
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// ---- Process-wide loader state ----

// Plugins are never dlclose'd, like PostgreSQL extensions, CPython extension modules and
// Node addons. Plugin code can be referenced by objects that outlive every instance: an
// exception or std::function in flight, a type_info, a thread_local destructor, an atexit
// handler registered by a static constructor. Unloading under any of those crashes the host
// later, far from the cause. Libraries whose descriptor was refused stay loaded for the same
// reason: their static constructors have already run. The state is leaked on purpose, so that
// no static destructor at exit unloads a library (or runs while plugin threads still do).
struct loader_state {
  // dlopen is not thread-safe on every platform, and the registry needs a lock anyway.
  std::mutex mutex;
  std::vector<std::shared_ptr<boost::dll::shared_library>> keep_alive;
  std::map<std::filesystem::path, std::shared_ptr<plugin_library>> by_canonical_path;
};

inline loader_state& loader() {
  static loader_state* const state = new loader_state;
  return *state;
}

// Throws the refusal of a file that is not ELF. dlopen of a non-ELF file fails while checking
// the header, before it maps anything, so calling it runs no code; it gives the user the
// system's own wording.
[[noreturn]] inline void refuse_non_elf(const std::filesystem::path& path,
                                        const std::string& origin) {
  const std::string found = describe_non_elf(path);
  std::string dlopen_says;
  try {
    auto probe = std::make_shared<boost::dll::shared_library>(
        path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    // Only a platform whose dlopen accepts non-ELF files gets here; never unload (see above).
    loader().keep_alive.push_back(std::move(probe));
    dlopen_says = "dlopen accepted it, but scc only loads ELF shared objects";
  } catch (const std::system_error& failure) {
    dlopen_says = dlerror_text(failure);
  }
  throw load_error(load_error_kind::not_a_shared_library, origin,
                   refused(origin) +
                       "not a shared library. Expected an ELF shared object, "
                       "found " +
                       found + "; dlopen says: " + dlopen_says +
                       ". Point chaincode.systemPlugins[].path in core.yaml at the plugin's .so "
                       "file, the one scc_add_plugin() builds.");
}

}  // namespace detail

// One plugin shared library, opened and checked but not instantiated. Shared: opening the same
// file again returns the same object. The library stays loaded for the life of the process.
class plugin_library : public std::enable_shared_from_this<plugin_library> {
  struct private_tag {};

 public:
  // Runs checks 1-5 (see the top of this file). Throws load_error. Thread-safe: opens are
  // serialised process-wide.
  static std::shared_ptr<plugin_library> open(const std::filesystem::path& path);

  const plugin_info& info() const noexcept { return info_; }
  // The checked descriptor, zero-padded to this host's size.
  const scc_plugin_descriptor_v1& descriptor() const noexcept { return descriptor_; }
  // The names the library exports dynamically, sorted: exactly scc_plugin_entry_v1 for a
  // plugin built with scc_add_plugin().
  const std::vector<std::string>& exports() const noexcept { return exports_; }

  // Creates an instance through the plugin's create (throws load_error, create_failed). The
  // instance keeps this library alive.
  std::unique_ptr<plugin_instance> instantiate(const scc_host_api_v1* host = api()) const {
    return std::make_unique<plugin_instance>(std::shared_ptr<const void>(shared_from_this()),
                                             descriptor_, info_, host);
  }

  plugin_library(private_tag, std::shared_ptr<boost::dll::shared_library> library,
                 const scc_plugin_descriptor_v1& descriptor, plugin_info info,
                 std::vector<std::string> exports)
      : library_(std::move(library)),
        descriptor_(descriptor),
        info_(std::move(info)),
        exports_(std::move(exports)) {}

 private:
  std::shared_ptr<boost::dll::shared_library> library_;  // first member: destroyed last
  scc_plugin_descriptor_v1 descriptor_;
  plugin_info info_;
  std::vector<std::string> exports_;
};

inline std::shared_ptr<plugin_library> plugin_library::open(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const std::string origin = path.string();
  const std::string refused = detail::refused(origin);
  detail::loader_state& loader = detail::loader();
  const std::lock_guard<std::mutex> lock(loader.mutex);

  // 1. The file.
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw load_error(load_error_kind::file_not_found, origin,
                     refused +
                         "no such file. Expected a plugin shared library at this path, "
                         "found nothing there. Check chaincode.systemPlugins[].path in core.yaml, "
                         "and build the plugin with scc_add_plugin().");
  }
  if (fs::is_directory(status)) {
    throw load_error(load_error_kind::not_a_shared_library, origin,
                     refused +
                         "not a shared library. Expected an ELF shared object, found a "
                         "directory. Point chaincode.systemPlugins[].path in core.yaml at the "
                         "plugin's .so file, the one scc_add_plugin() builds.");
  }
  fs::path canonical = fs::canonical(path, ec);
  if (ec) canonical = fs::absolute(path);
  const auto known = loader.by_canonical_path.find(canonical);
  if (known != loader.by_canonical_path.end()) return known->second;

  // 2. The file format, read from the file: nothing is loaded yet.
  {
    std::ifstream in(path, std::ios::in | std::ios::binary);
    char magic[SELFMAG] = {};
    in.read(magic, SELFMAG);
    if (!in || std::memcmp(magic, ELFMAG, SELFMAG) != 0) detail::refuse_non_elf(path, origin);
  }
  std::vector<detail::elf_symbol> exported;
  std::vector<std::string> hidden_entries;
  try {
    detail::elf_file elf(path);
    if (const std::optional<std::string> found = elf.mismatch()) {
      throw load_error(load_error_kind::not_a_shared_library, origin,
                       refused + "not a shared library for this host. Expected " +
                           detail::elf_native_description() + ", found " + *found +
                           ". Build the plugin for this platform with scc_add_plugin().");
    }
    exported = elf.dynamic_exports();
    const bool any_entry = std::any_of(
        exported.begin(), exported.end(),
        [](const detail::elf_symbol& symbol) { return detail::is_entry_symbol(symbol.name); });
    if (!any_entry) {
      // Only to word the refusal: an entry the static table has but the dynamic one lacks.
      for (const detail::elf_symbol& symbol : elf.symbols(SHT_SYMTAB)) {
        if (symbol.defined && !symbol.exported && detail::is_entry_symbol(symbol.name)) {
          hidden_entries.push_back(symbol.name);
        }
      }
    }
  } catch (const detail::elf_error& failure) {
    throw load_error(load_error_kind::not_a_shared_library, origin,
                     refused + "not a shared library. Expected " +
                         detail::elf_native_description() + ", found an ELF file that " +
                         failure.what() + ". Rebuild the plugin with scc_add_plugin().");
  }

  // 3. The entry symbol, by name: the ABI major is part of it.
  std::vector<std::string> exports;
  std::vector<std::string> other_entries;
  bool has_entry = false;
  unsigned entry_type = STT_NOTYPE;
  for (const detail::elf_symbol& symbol : exported) {
    if (!exports.empty() && exports.back() == symbol.name) continue;
    exports.push_back(symbol.name);
    if (symbol.name == SCC_PLUGIN_ENTRY_SYMBOL) {
      has_entry = true;
      entry_type = symbol.type;
    } else if (detail::is_entry_symbol(symbol.name)) {
      other_entries.push_back(symbol.name);
    }
  }
  if (!has_entry && other_entries.empty()) {
    std::string hidden;
    if (!hidden_entries.empty()) {
      hidden = " (" + detail::join_names(hidden_entries, 4) +
               (hidden_entries.size() == 1 ? " is" : " are") +
               " defined but hidden: not in the dynamic symbol table)";
    }
    throw load_error(load_error_kind::no_entry_symbol, origin,
                     refused +
                         "exports no " SCC_PLUGIN_ENTRY_PREFIX
                         "* symbol. Expected " SCC_PLUGIN_ENTRY_SYMBOL
                         " among its dynamic exports, found " +
                         detail::join_names(exports, 8) + hidden +
                         ". Was SCC_PLUGIN used, and was the library built with "
                         "scc_add_plugin()?");
  }
  if (!has_entry) {
    std::string majors;
    for (const std::string& name : other_entries) {
      majors += (majors.empty() ? "" : ", ") + name.substr(sizeof(SCC_PLUGIN_ENTRY_PREFIX) - 1);
    }
    const std::string host_major = std::to_string(SCC_ABI_MAJOR);
    throw load_error(load_error_kind::abi_major_mismatch, origin,
                     refused + "ABI major mismatch. Host supports SCC ABI " + host_major +
                         ", plugin is built for ABI " + majors + " (exports " +
                         detail::join_names(other_entries, 8) +
                         "). Upgrade the host or rebuild the plugin against an scc SDK with "
                         "ABI " +
                         host_major + ".");
  }

  // Calling data would crash the host: the Boost.DLL habit of exporting an alias variable
  // (BOOST_DLL_ALIAS) instead of the function gets here.
  if (entry_type == STT_OBJECT || entry_type == STT_TLS || entry_type == STT_COMMON) {
    throw load_error(load_error_kind::no_entry_symbol, origin,
                     refused +
                         "exports " SCC_PLUGIN_ENTRY_SYMBOL
                         " as data, not as a function. "
                         "Expected the function SCC_PLUGIN defines, found a" +
                         (entry_type == STT_TLS ? std::string(" thread-local") : std::string("n")) +
                         " object of that name. Define the entry with SCC_PLUGIN, not with "
                         "BOOST_DLL_ALIAS or a variable, and build with scc_add_plugin().");
  }

  // 4. Load. RTLD_NOW makes a missing symbol fail here instead of in the middle of a
  // transaction; RTLD_LOCAL keeps one plugin's symbols from resolving another's references.
  auto library = std::make_shared<boost::dll::shared_library>();
  try {
    library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::system_error& failure) {
    throw load_error(load_error_kind::not_a_shared_library, origin,
                     refused +
                         "dlopen failed. Expected a library whose dependencies and "
                         "symbols all resolve at load time (RTLD_NOW), found: " +
                         detail::dlerror_text(failure) +
                         ". Link the plugin against every library it uses and install those "
                         "where the dynamic linker finds them (ldd lists what is missing).");
  }
  loader.keep_alive.push_back(library);

  // 5. The descriptor.
  const scc_plugin_descriptor_v1* (*entry)() = nullptr;
  try {
    entry = &library->get<const scc_plugin_descriptor_v1*()>(SCC_PLUGIN_ENTRY_SYMBOL);
  } catch (const std::system_error& failure) {
    throw load_error(load_error_kind::no_entry_symbol, origin,
                     refused +
                         "dlsym cannot find " SCC_PLUGIN_ENTRY_SYMBOL
                         ". Expected the "
                         "symbol its dynamic symbol table lists, found: " +
                         detail::dlerror_text(failure) +
                         ". Was SCC_PLUGIN used, and was the library built with "
                         "scc_add_plugin()?");
  }
  const scc_plugin_descriptor_v1 checked = check_descriptor(entry(), origin);
  auto opened = std::make_shared<plugin_library>(private_tag{}, std::move(library), checked,
                                                 describe(checked, origin), std::move(exports));
  loader.by_canonical_path.emplace(canonical, opened);
  return opened;
}

// Opens the library (or finds it already open) and creates one instance of its plugin.
// Throws load_error.
inline std::unique_ptr<plugin_instance> load_plugin(const std::filesystem::path& path,
                                                    const scc_host_api_v1* host = api()) {
  return plugin_library::open(path)->instantiate(host);
}

}  // namespace scc::host

#endif  // SCC_HOST_LOADER_HPP
