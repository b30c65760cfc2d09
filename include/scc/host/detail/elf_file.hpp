// scc/host/detail/elf_file.hpp - reading an ELF file's header and symbol tables without
// loading it, so that the loader can refuse a library before any of its code runs.
#ifndef SCC_HOST_DETAIL_ELF_FILE_HPP
#define SCC_HOST_DETAIL_ELF_FILE_HPP

#include <elf.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace scc::host::detail {

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

}  // namespace scc::host::detail

#endif  // SCC_HOST_DETAIL_ELF_FILE_HPP
