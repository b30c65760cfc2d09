// scc/loader.hpp - opening system-chaincode plugins from shared libraries (Linux, ELF).
//
//   auto library = scc::plugin_library::open("/opt/scc/kvscc.so");  // throws scc::load_error
//   auto instance = library->instantiate();                          // calls the plugin's create
//
// or, in one step, scc::load_plugin(path). Every refusal is an scc::load_error whose kind says
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
#ifndef SCC_LOADER_HPP
#define SCC_LOADER_HPP

// Header-only Boost.DLL: without this it needs the compiled Boost.Filesystem. The scc::host
// CMake target defines it too; the guard keeps both spellings from clashing.
#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS
#endif

#include <elf.h>

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
#include "scc/host/plugin_instance.hpp"
#include "scc/host/transaction.hpp"

namespace scc {

class plugin_library;

namespace detail {

// ---- Reading the dynamic symbol table without loading the library ----
//
// Boost.DLL 1.74's library_info::symbols() cannot make this check. On ELF it reads .symtab,
// not .dynsym, so it lists nothing for a stripped library (distributions ship them stripped)
// although dlsym finds the entry there. And it looks names up in the last SHT_STRTAB section,
// which GNU ld places after .strtab (.shstrtab), reading past that section's end: its right
// answers on unstripped libraries are luck, and on a .o it returns section names. What dlsym
// can find is exactly the defined, non-local, default- or protected-visibility entries of
// .dynsym, so that is what we read.

class elf_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using elf_header = std::conditional_t<sizeof(void*) == 8, Elf64_Ehdr, Elf32_Ehdr>;
using elf_section = std::conditional_t<sizeof(void*) == 8, Elf64_Shdr, Elf32_Shdr>;
using elf_symbol_entry = std::conditional_t<sizeof(void*) == 8, Elf64_Sym, Elf32_Sym>;

inline constexpr unsigned char elf_native_class = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
inline constexpr unsigned char elf_native_data = ELFDATA2MSB;
#else
inline constexpr unsigned char elf_native_data = ELFDATA2LSB;
#endif

// EM_* of this process; 0 where unknown, which leaves the machine check to dlopen.
inline constexpr uint16_t elf_native_machine =
#if defined(__x86_64__)
    EM_X86_64;
#elif defined(__aarch64__)
    EM_AARCH64;
#elif defined(__i386__)
    EM_386;
#elif defined(__arm__)
    EM_ARM;
#elif defined(__powerpc64__)
    EM_PPC64;
#elif defined(__powerpc__)
    EM_PPC;
#elif defined(__s390x__)
    EM_S390;
#elif defined(__riscv)
    EM_RISCV;
#else
    0;
#endif

inline std::string elf_machine_name(uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "AArch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "ARM";
    case EM_PPC64:
      return "PowerPC64";
    case EM_PPC:
      return "PowerPC";
    case EM_S390:
      return "s390x";
    case EM_RISCV:
      return "RISC-V";
    default:
      return "ELF machine " + std::to_string(machine);
  }
}

inline std::string elf_native_description() {
  std::string text = std::string("a ") + (sizeof(void*) == 8 ? "64" : "32") + "-bit " +
                     (elf_native_data == ELFDATA2LSB ? "little" : "big") +
                     "-endian ELF shared object";
  if (elf_native_machine != 0) text += " for " + elf_machine_name(elf_native_machine);
  return text;
}

struct elf_symbol {
  std::string name;
  unsigned type = STT_NOTYPE;  // STT_*
  bool defined = false;
  bool exported = false;  // what dlsym on this library can return
};

class elf_file {
 public:
  // Throws elf_error naming what is wrong with a file that starts with the ELF magic.
  explicit elf_file(const std::filesystem::path& path)
      : in_(path, std::ios::in | std::ios::binary) {
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (!in_ || ec) throw elf_error("cannot be read (" + std::string(std::strerror(errno)) + ")");
    std::memset(&header_, 0, sizeof header_);
    // e_ident, e_type and e_machine sit at the same offsets in both ELF classes, so a short
    // read of a foreign class still tells what the file is.
    constexpr uint64_t identity_size = EI_NIDENT + 4;
    if (size_ < identity_size) throw elf_error("is too short to hold an ELF header");
    read(0, &header_, std::min<uint64_t>(size_, sizeof header_));
  }

  // What the file is, if it is not something this process can dlopen; nullopt if it may be.
  std::optional<std::string> mismatch() const {
    const unsigned char elf_class = header_.e_ident[EI_CLASS];
    if (elf_class != elf_native_class) {
      if (elf_class == ELFCLASS32) return std::string("a 32-bit ELF file");
      if (elf_class == ELFCLASS64) return std::string("a 64-bit ELF file");
      return "an ELF file of unknown class " + std::to_string(elf_class);
    }
    if (header_.e_ident[EI_DATA] != elf_native_data) {
      return std::string(header_.e_ident[EI_DATA] == ELFDATA2MSB ? "a big-endian ELF file"
                                                                 : "a little-endian ELF file");
    }
    if (size_ < sizeof header_) return std::string("a truncated ELF file (no complete header)");
    switch (header_.e_type) {
      case ET_DYN:
        break;
      case ET_REL:
        return std::string(
            "an ELF relocatable object (ET_REL: a .o file, compiled but not "
            "linked as a shared library)");
      case ET_EXEC:
        return std::string("an ELF executable (ET_EXEC)");
      case ET_CORE:
        return std::string("an ELF core dump (ET_CORE)");
      default:
        return "an ELF file of type " + std::to_string(header_.e_type);
    }
    if (elf_native_machine != 0 && header_.e_machine != elf_native_machine) {
      return "an ELF shared object for " + elf_machine_name(header_.e_machine);
    }
    return std::nullopt;
  }

  // The entries of the symbol table section of the given type (SHT_DYNSYM or SHT_SYMTAB);
  // empty if the library has none.
  std::vector<elf_symbol> symbols(uint32_t section_type) {
    const std::vector<elf_section> table = sections();
    std::vector<elf_symbol> out;
    for (const elf_section& section : table) {
      if (section.sh_type != section_type) continue;
      if (section.sh_entsize != sizeof(elf_symbol_entry)) {
        throw elf_error("has a symbol table with " + std::to_string(section.sh_entsize) +
                        "-byte entries instead of " + std::to_string(sizeof(elf_symbol_entry)));
      }
      if (section.sh_link >= table.size() || table[section.sh_link].sh_type != SHT_STRTAB) {
        throw elf_error("has a symbol table without a string table");
      }
      const elf_section& strings_section = table[section.sh_link];
      const std::vector<char> names =
          read_vector<char>(strings_section.sh_offset, strings_section.sh_size);
      const std::vector<elf_symbol_entry> entries = read_vector<elf_symbol_entry>(
          section.sh_offset, section.sh_size / sizeof(elf_symbol_entry));
      // Entry 0 is the reserved null symbol.
      for (std::size_t i = 1; i < entries.size(); ++i) {
        const elf_symbol_entry& entry = entries[i];
        const unsigned type = ELF64_ST_TYPE(entry.st_info);
        if (type == STT_SECTION || type == STT_FILE || entry.st_name >= names.size()) continue;
        const char* name = names.data() + entry.st_name;
        const std::size_t length = strnlen(name, names.size() - entry.st_name);
        if (length == 0) continue;
        const unsigned binding = ELF64_ST_BIND(entry.st_info);
        const unsigned visibility = ELF64_ST_VISIBILITY(entry.st_other);
        elf_symbol symbol;
        symbol.name.assign(name, length);
        symbol.type = type;
        symbol.defined = entry.st_shndx != SHN_UNDEF;
        symbol.exported =
            symbol.defined &&
            (binding == STB_GLOBAL || binding == STB_WEAK || binding == STB_GNU_UNIQUE) &&
            (visibility == STV_DEFAULT || visibility == STV_PROTECTED);
        out.push_back(std::move(symbol));
      }
      break;
    }
    return out;
  }

  // The symbols dlsym can find in this library, sorted by name.
  std::vector<elf_symbol> dynamic_exports() {
    std::vector<elf_symbol> exports;
    for (elf_symbol& symbol : symbols(SHT_DYNSYM)) {
      if (symbol.exported) exports.push_back(std::move(symbol));
    }
    const auto by_name = [](const elf_symbol& a, const elf_symbol& b) { return a.name < b.name; };
    std::sort(exports.begin(), exports.end(), by_name);
    return exports;
  }

 private:
  void read(uint64_t offset, void* out, uint64_t size) {
    if (offset > size_ || size > size_ - offset) {
      throw elf_error("refers to bytes " + std::to_string(offset) + ".." +
                      std::to_string(offset + size) + " but has only " + std::to_string(size_) +
                      " (truncated or corrupt)");
    }
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
    if (!in_) throw elf_error("cannot be read at byte " + std::to_string(offset));
  }

  template <class T>
  std::vector<T> read_vector(uint64_t offset, uint64_t count) {
    // Bounds first, so that a corrupt count cannot make us allocate.
    if (count > size_ / sizeof(T)) {
      throw elf_error("claims a table of " + std::to_string(count) + " entries, more than the " +
                      std::to_string(size_) + "-byte file holds (truncated or corrupt)");
    }
    std::vector<T> items(static_cast<std::size_t>(count));
    if (count != 0) read(offset, items.data(), count * sizeof(T));
    return items;
  }

  std::vector<elf_section> sections() {
    if (header_.e_shoff == 0) throw elf_error("has no section headers");
    if (header_.e_shentsize != sizeof(elf_section)) {
      throw elf_error("has " + std::to_string(header_.e_shentsize) +
                      "-byte section headers instead of " + std::to_string(sizeof(elf_section)));
    }
    uint64_t count = header_.e_shnum;
    if (count == 0) {
      // Extended numbering: more than 0xff00 sections, the real count is in section 0.
      elf_section first;
      read(header_.e_shoff, &first, sizeof first);
      count = first.sh_size;
    }
    return read_vector<elf_section>(header_.e_shoff, count);
  }

  std::ifstream in_;
  uint64_t size_ = 0;
  elf_header header_;
};

// ---- Messages ----

inline std::string refused(const std::string& origin) {
  return "incompatible SCC plugin '" + origin + "': ";
}

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
  static constexpr char digits[] = "0123456789abcdef";
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
      shown += digits[byte >> 4];
      shown += digits[byte & 0xF];
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
  std::unique_ptr<plugin_instance> instantiate(const scc_host_api_v1* host = host::api()) const {
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
                                                    const scc_host_api_v1* host = host::api()) {
  return plugin_library::open(path)->instantiate(host);
}

}  // namespace scc

#endif  // SCC_LOADER_HPP
