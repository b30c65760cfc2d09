// scc/contract/detail/go_pkix_name.hpp - a certificate's Name as Go 1.19's crypto/x509 and
// pkix.Name.String() make it, which is what Fabric's cid.GetID (fabric-chaincode-go pkg/cid)
// returns: which attribute value types Go accepts and how it turns them into strings, its
// attribute order, type names, escaping and OID=#hex form.
//
// OpenSSL parses the certificate (detail/x509_certificate.hpp); what is here are facts about Go
// that OpenSSL does not know: its RFC 2253 printer orders, names and escapes differently, and it
// reads value types and characters that Go refuses.
#ifndef SCC_CONTRACT_DETAIL_GO_PKIX_NAME_HPP
#define SCC_CONTRACT_DETAIL_GO_PKIX_NAME_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scc::detail::x509 {

class x509_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ASN.1 universal tags of the string types Go reads in a Name.
inline constexpr int tag_utf8_string = 0x0C;
inline constexpr int tag_numeric_string = 0x12;
inline constexpr int tag_printable_string = 0x13;
inline constexpr int tag_t61_string = 0x14;
inline constexpr int tag_ia5_string = 0x16;
inline constexpr int tag_bmp_string = 0x1E;

// Whether Go 1.19 (crypto/x509 through cryptobyte) reads an OBJECT IDENTIFIER with this content:
// not empty, and each arc at most 5 bytes and below 2^31. OpenSSL reads larger arcs, which make
// Go refuse the certificate.
inline bool go_reads_oid(std::string_view content) {
  if (content.empty()) return false;
  std::size_t k = 0;
  while (k < content.size()) {
    uint32_t arc = 0;
    for (int count = 0;; ++count) {
      if (k == content.size() || count == 5 || arc >= (uint32_t{1} << 24)) return false;
      const auto byte = static_cast<unsigned char>(content[k++]);
      arc = (arc << 7) | (byte & 0x7Fu);
      if ((byte & 0x80u) == 0) break;
    }
  }
  return true;
}

// ---- Text as Go sees it -------------------------------------------------------------------

inline void append_utf8(std::string& out, uint32_t rune) {
  if (rune < 0x80) {
    out.push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence at text[k], or 0 when it is not one (overlong forms,
// surrogates and values past U+10FFFF are invalid, as in Go).
inline std::size_t utf8_sequence(std::string_view text, std::size_t k) {
  const auto b0 = static_cast<unsigned char>(text[k]);
  if (b0 < 0x80) return 1;
  std::size_t length;
  uint32_t rune;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    rune = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    rune = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    rune = b0 & 0x07u;
  } else {
    return 0;
  }
  if (length > text.size() - k) return 0;
  for (std::size_t j = 1; j < length; ++j) {
    const auto b = static_cast<unsigned char>(text[k + j]);
    if ((b & 0xC0u) != 0x80u) return 0;
    rune = (rune << 6) | (b & 0x3Fu);
  }
  if ((length == 3 && rune < 0x800) || (length == 4 && rune < 0x10000) || rune > 0x10FFFF ||
      (rune >= 0xD800 && rune <= 0xDFFF)) {
    return 0;
  }
  return length;
}

inline bool valid_utf8(std::string_view text) {
  for (std::size_t k = 0; k < text.size();) {
    const std::size_t length = utf8_sequence(text, k);
    if (length == 0) return false;
    k += length;
  }
  return true;
}

// encoding/asn1's PrintableString alphabet; '*' and '&' are allowed when parsing (certificates
// in the wild use them) but make asn1.Marshal choose UTF8String.
inline bool go_printable(unsigned char c, bool parsing) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
         c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' || c == '-' || c == '.' ||
         c == '/' || c == ':' || c == '=' || c == '?' || (parsing && (c == '*' || c == '&'));
}

// An attribute value as Go 1.19's crypto/x509 reads it into a Go string; other ASN.1 types make
// Go refuse the certificate, and so do we.
inline std::string asn1_string(int tag, std::string_view bytes) {
  switch (tag) {
    case tag_printable_string:
      for (const char c : bytes) {
        if (!go_printable(static_cast<unsigned char>(c), true)) {
          throw x509_error("invalid PrintableString");
        }
      }
      return std::string(bytes);
    case tag_utf8_string:
      if (!valid_utf8(bytes)) throw x509_error("invalid UTF-8 string");
      return std::string(bytes);
    case tag_ia5_string:
      for (const char c : bytes) {
        if (static_cast<unsigned char>(c) >= 0x80) throw x509_error("invalid IA5String");
      }
      return std::string(bytes);
    case tag_numeric_string:
      for (const char c : bytes) {
        if (!(c == ' ' || (c >= '0' && c <= '9'))) throw x509_error("invalid NumericString");
      }
      return std::string(bytes);
    case tag_t61_string:
      // Go keeps T61String bytes as they are.
      return std::string(bytes);
    case tag_bmp_string: {
      std::string_view units = bytes;
      if (units.size() % 2 != 0) throw x509_error("invalid BMPString");
      // A trailing NUL terminator is dropped, as Go does.
      if (units.size() >= 2 && units[units.size() - 1] == 0 && units[units.size() - 2] == 0) {
        units.remove_suffix(2);
      }
      std::string out;
      for (std::size_t k = 0; k < units.size(); k += 2) {
        uint32_t unit =
            (static_cast<unsigned char>(units[k]) << 8) | static_cast<unsigned char>(units[k + 1]);
        if (unit >= 0xD800 && unit < 0xDC00 && k + 3 < units.size()) {
          const uint32_t low = (static_cast<unsigned char>(units[k + 2]) << 8) |
                               static_cast<unsigned char>(units[k + 3]);
          if (low >= 0xDC00 && low < 0xE000) {
            append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
            k += 2;
            continue;
          }
        }
        if (unit >= 0xD800 && unit < 0xE000) unit = 0xFFFD;  // a lone surrogate, as utf16.Decode
        append_utf8(out, unit);
      }
      return out;
    }
    default:
      throw x509_error("unsupported string type: " + std::to_string(tag));
  }
}

inline std::string lower_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

// What asn1.Marshal makes of a Go string: PrintableString when its alphabet allows, else
// UTF8String.
inline std::string go_marshal_string(const std::string& value) {
  bool printable = true;
  for (const char c : value)
    printable = printable && go_printable(static_cast<unsigned char>(c), false);
  std::string der(1, static_cast<char>(printable ? tag_printable_string : tag_utf8_string));
  if (value.size() < 0x80) {
    der.push_back(static_cast<char>(value.size()));
  } else {
    std::string digits;
    for (std::size_t rest = value.size(); rest > 0; rest >>= 8) {
      digits.insert(digits.begin(), static_cast<char>(rest & 0xFF));
    }
    der.push_back(static_cast<char>(0x80 | digits.size()));
    der += digits;
  }
  return der + value;
}

// RDNSequence.String()'s escaping. Go walks the value rune by rune: a byte that is not valid
// UTF-8 comes out as U+FFFD, and the trailing-space test compares a byte index to the length.
inline std::string go_escape(const std::string& value) {
  std::string out;
  for (std::size_t k = 0; k < value.size();) {
    const std::size_t length = utf8_sequence(value, k);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++k;
      continue;
    }
    if (length == 1) {
      const char c = value[k];
      bool escape = false;
      switch (c) {
        case ',':
        case '+':
        case '"':
        case '\\':
        case '<':
        case '>':
        case ';':
          escape = true;
          break;
        case ' ':
          escape = k == 0 || k == value.size() - 1;
          break;
        case '#':
          escape = k == 0;
          break;
        default:
          break;
      }
      if (escape) out.push_back('\\');
    }
    out.append(value, k, length);
    k += length;
  }
  return out;
}

// ---- Names --------------------------------------------------------------------------------

struct attribute {
  std::string oid;
  std::string value;
};

// A Name's RDNSequence; each inner vector is one RDN (a SET of attributes).
using rdn_sequence = std::vector<std::vector<attribute>>;

// The short names pkix prints; other types print as OID=#hex.
inline const char* go_attribute_name(const std::string& oid) {
  static const std::pair<const char*, const char*> names[] = {
      {"2.5.4.6", "C"},  {"2.5.4.10", "O"},           {"2.5.4.11", "OU"},
      {"2.5.4.3", "CN"}, {"2.5.4.5", "SERIALNUMBER"}, {"2.5.4.7", "L"},
      {"2.5.4.8", "ST"}, {"2.5.4.9", "STREET"},       {"2.5.4.17", "POSTALCODE"}};
  for (const auto& [known, name] : names) {
    if (oid == known) return name;
  }
  return nullptr;
}

// Go's pkix.Name.String() for a parsed certificate's Name: pkix.Name keeps C, ST, L, STREET,
// POSTALCODE, O and OU as lists (each printed as one multi-valued RDN joined with '+'), CN and
// SERIALNUMBER as one value (the last wins; empty ones are not printed), and puts every other
// attribute first; the sequence is then printed last to first.
inline std::string go_name_string(const rdn_sequence& name) {
  std::vector<std::vector<std::pair<std::string, std::string>>> sequence;  // (type, printed value)
  for (const auto& rdn : name) {
    for (const attribute& a : rdn) {
      if (go_attribute_name(a.oid) != nullptr) continue;
      if (valid_utf8(a.value)) {
        sequence.push_back({{a.oid, "#" + lower_hex(go_marshal_string(a.value))}});
      } else {
        // asn1.Marshal refuses invalid UTF-8; Go then prints the escaped value after the OID.
        sequence.push_back({{a.oid, go_escape(a.value)}});
      }
    }
  }
  const auto values_of = [&](const char* oid) {
    std::vector<std::string> values;
    for (const auto& rdn : name) {
      for (const attribute& a : rdn) {
        if (a.oid == oid) values.push_back(a.value);
      }
    }
    return values;
  };
  for (const char* oid :
       {"2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.9", "2.5.4.17", "2.5.4.10", "2.5.4.11"}) {
    const std::vector<std::string> values = values_of(oid);
    if (values.empty()) continue;
    std::vector<std::pair<std::string, std::string>> rdn;
    for (const std::string& value : values)
      rdn.emplace_back(go_attribute_name(oid), go_escape(value));
    sequence.push_back(std::move(rdn));
  }
  for (const char* oid : {"2.5.4.3", "2.5.4.5"}) {
    const std::vector<std::string> values = values_of(oid);
    if (values.empty() || values.back().empty()) continue;
    sequence.push_back({{go_attribute_name(oid), go_escape(values.back())}});
  }
  std::string out;
  for (auto rdn = sequence.rbegin(); rdn != sequence.rend(); ++rdn) {
    if (rdn != sequence.rbegin()) out += ",";
    for (std::size_t j = 0; j < rdn->size(); ++j) {
      if (j > 0) out += "+";
      out += (*rdn)[j].first + "=" + (*rdn)[j].second;
    }
  }
  return out;
}

}  // namespace scc::detail::x509

#endif  // SCC_CONTRACT_DETAIL_GO_PKIX_NAME_HPP
