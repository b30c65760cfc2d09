// scc/contract/detail/x509_reader.hpp - just enough of PEM, DER and X.509 to give a contract
// what Fabric's cid package (fabric-chaincode-go pkg/cid) reads from a creator's certificate:
// the subject and issuer as Go's pkix.Name.String() prints them, the subject's OU values, and
// the JSON of Fabric CA's attribute extension 1.2.3.4.5.6.7.8.1.
//
// Standard library only, because plugins must build without OpenSSL. Every read is bounds
// checked; bad input throws x509_error saying what is wrong, never reads past the buffer.
// The certificate is not verified (Fabric's MSP did that before the proposal reached us); only
// the fields above are decoded, so a certificate Go would refuse for a reason elsewhere (its key,
// its signature algorithm) is still read here.
#ifndef SCC_CONTRACT_DETAIL_X509_READER_HPP
#define SCC_CONTRACT_DETAIL_X509_READER_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
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

// ---- PEM ----------------------------------------------------------------------------------

// Decodes standard base64 with padding, skipping the whitespace PEM puts between lines.
inline std::string base64_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      ++padding;
      continue;
    } else {
      throw x509_error("the PEM body is not base64");
    }
    if (padding != 0) throw x509_error("the PEM body has base64 after its padding");
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
    }
  }
  // Whole quanta only: 2 or 3 leftover characters need 2 or 1 padding characters.
  const bool complete = (bits == 0 && padding == 0) || (bits == 4 && padding == 2) ||
                        (bits == 2 && padding == 1);
  if (!complete) throw x509_error("the PEM body is truncated base64");
  return out;
}

// The DER of the first PEM block in text (as Go's pem.Decode: any block type, text before the
// block ignored), or nullopt when there is no complete block.
inline std::optional<std::string> pem_block(std::string_view text) {
  constexpr std::string_view begin = "-----BEGIN ";
  const std::size_t start = text.find(begin);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t type_end = text.find("-----", start + begin.size());
  if (type_end == std::string_view::npos) return std::nullopt;
  const std::string_view type = text.substr(start + begin.size(), type_end - start - begin.size());
  if (type.find('\n') != std::string_view::npos) return std::nullopt;
  const std::size_t body = type_end + 5;
  const std::string end_line = "-----END " + std::string(type) + "-----";
  const std::size_t end = text.find(end_line, body);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view base64 = text.substr(body, end - body);
  // Encapsulated headers ("Proc-Type: ...") end at a blank line; the body follows it.
  if (base64.find(':') != std::string_view::npos) {
    const std::size_t blank = base64.find("\n\n");
    if (blank == std::string_view::npos) return std::nullopt;
    base64 = base64.substr(blank + 2);
  }
  return base64_decode(base64);
}

// ---- DER ----------------------------------------------------------------------------------

inline constexpr unsigned tag_boolean = 0x01;
inline constexpr unsigned tag_octet_string = 0x04;
inline constexpr unsigned tag_oid = 0x06;
inline constexpr unsigned tag_utf8_string = 0x0C;
inline constexpr unsigned tag_numeric_string = 0x12;
inline constexpr unsigned tag_printable_string = 0x13;
inline constexpr unsigned tag_t61_string = 0x14;
inline constexpr unsigned tag_ia5_string = 0x16;
inline constexpr unsigned tag_bmp_string = 0x1E;
inline constexpr unsigned tag_sequence = 0x30;
inline constexpr unsigned tag_set = 0x31;

struct tlv {
  unsigned tag = 0;
  std::string_view value;
};

// Walks a run of DER TLVs. Lengths must be definite and minimal, as DER (and Go's parser)
// require; anything else, or a value longer than the bytes left, throws.
class der_reader {
 public:
  der_reader(std::string_view bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}

  bool done() const noexcept { return position_ == bytes_.size(); }

  unsigned peek_tag() const {
    if (done()) fail("ends early");
    return static_cast<unsigned char>(bytes_[position_]);
  }

  tlv next() {
    if (done()) fail("ends early");
    tlv out;
    out.tag = static_cast<unsigned char>(bytes_[position_++]);
    if ((out.tag & 0x1Fu) == 0x1Fu) fail("uses a high tag number, which X.509 never needs");
    if (done()) fail("is cut short in a length");
    const auto first = static_cast<unsigned char>(bytes_[position_++]);
    std::size_t length = first;
    if (first & 0x80u) {
      const unsigned count = first & 0x7Fu;
      if (count == 0) fail("uses an indefinite length, which DER forbids");
      if (count > 4) fail("has a length of more than 4 bytes");
      if (count > bytes_.size() - position_) fail("is cut short in a length");
      length = 0;
      for (unsigned k = 0; k < count; ++k) {
        length = (length << 8) | static_cast<unsigned char>(bytes_[position_++]);
      }
      const bool minimal = length >= 0x80 && (count == 1 || (length >> (8 * (count - 1))) != 0);
      if (!minimal) fail("has a length that is not minimally encoded");
    }
    if (length > bytes_.size() - position_) fail("has a value longer than the bytes left");
    out.value = bytes_.substr(position_, length);
    position_ += length;
    return out;
  }

  tlv expect(unsigned tag, const char* name) {
    const tlv out = next();
    if (out.tag != tag) fail(std::string(name) + " has the wrong ASN.1 tag");
    return out;
  }

  [[noreturn]] void fail(const std::string& reason) const {
    throw x509_error(what_ + " " + reason + " (at byte " + std::to_string(position_) + " of " +
                     std::to_string(bytes_.size()) + ")");
  }

 private:
  std::string_view bytes_;
  std::string what_;
  std::size_t position_ = 0;
};

// An OBJECT IDENTIFIER's content in dotted form, e.g. "2.5.4.3". The limits are Go 1.19's
// (crypto/x509 through cryptobyte): an arc is at most 5 bytes and below 2^31, and a leading
// 0x80 byte is accepted, so this reads the same OIDs Fabric's Go shim does.
inline std::string oid_text(std::string_view bytes) {
  if (bytes.empty()) throw x509_error("an OID is empty");
  std::string out;
  std::size_t k = 0;
  bool first = true;
  while (k < bytes.size()) {
    uint32_t arc = 0;
    for (int count = 0;; ++count) {
      if (k == bytes.size()) throw x509_error("an OID is cut short");
      if (count == 5 || arc >= (uint32_t{1} << 24)) throw x509_error("an OID arc is too large");
      const auto byte = static_cast<unsigned char>(bytes[k++]);
      arc = (arc << 7) | (byte & 0x7Fu);
      if ((byte & 0x80u) == 0) break;
    }
    if (first) {
      const uint32_t top = arc < 80 ? arc / 40 : 2;
      out = std::to_string(top) + "." + std::to_string(arc - 40 * top);
      first = false;
    } else {
      out += "." + std::to_string(arc);
    }
  }
  return out;
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
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == ' ' || c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' || c == '-' ||
         c == '.' || c == '/' || c == ':' || c == '=' || c == '?' ||
         (parsing && (c == '*' || c == '&'));
}

// An attribute value as Go 1.19's crypto/x509 reads it into a Go string; other ASN.1 types make
// Go refuse the certificate, and so do we.
inline std::string asn1_string(const tlv& value) {
  const std::string_view bytes = value.value;
  switch (value.tag) {
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
        uint32_t unit = (static_cast<unsigned char>(units[k]) << 8) |
                        static_cast<unsigned char>(units[k + 1]);
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
      throw x509_error("unsupported string type: " + std::to_string(value.tag));
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
  for (const char c : value) printable = printable && go_printable(static_cast<unsigned char>(c), false);
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
        case ',': case '+': case '"': case '\\': case '<': case '>': case ';':
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

inline rdn_sequence read_name(std::string_view der) {
  rdn_sequence out;
  der_reader sets(der, "a Name");
  while (!sets.done()) {
    const tlv set = sets.expect(tag_set, "an RDN");
    der_reader members(set.value, "an RDN");
    std::vector<attribute> rdn;
    while (!members.done()) {
      const tlv pair = members.expect(tag_sequence, "an attribute");
      der_reader fields(pair.value, "an attribute");
      attribute a;
      a.oid = oid_text(fields.expect(tag_oid, "an attribute type").value);
      try {
        a.value = asn1_string(fields.next());
      } catch (const x509_error& e) {
        throw x509_error("invalid RDNSequence: invalid attribute value: " + std::string(e.what()));
      }
      rdn.push_back(std::move(a));
    }
    out.push_back(std::move(rdn));
  }
  return out;
}

// The short names pkix prints; other types print as OID=#hex.
inline const char* go_attribute_name(const std::string& oid) {
  static const std::pair<const char*, const char*> names[] = {
      {"2.5.4.6", "C"},       {"2.5.4.10", "O"},     {"2.5.4.11", "OU"},
      {"2.5.4.3", "CN"},      {"2.5.4.5", "SERIALNUMBER"}, {"2.5.4.7", "L"},
      {"2.5.4.8", "ST"},      {"2.5.4.9", "STREET"}, {"2.5.4.17", "POSTALCODE"}};
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
  for (const char* oid : {"2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.9", "2.5.4.17", "2.5.4.10",
                          "2.5.4.11"}) {
    const std::vector<std::string> values = values_of(oid);
    if (values.empty()) continue;
    std::vector<std::pair<std::string, std::string>> rdn;
    for (const std::string& value : values) rdn.emplace_back(go_attribute_name(oid), go_escape(value));
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

// ---- Certificates -------------------------------------------------------------------------

struct certificate {
  rdn_sequence subject;
  rdn_sequence issuer;
  std::map<std::string, std::string> extensions;  // extnID -> extnValue's content
};

// Reads a DER Certificate: tbsCertificate's issuer, subject and extensions.
inline certificate read_certificate(std::string_view der) {
  der_reader outer(der, "the certificate");
  const tlv whole = outer.expect(tag_sequence, "Certificate");
  if (!outer.done()) outer.fail("has bytes after the Certificate");
  der_reader cert(whole.value, "the certificate");
  const tlv tbs_tlv = cert.expect(tag_sequence, "tbsCertificate");
  der_reader tbs(tbs_tlv.value, "tbsCertificate");
  int version = 1;  // counted from 1, as Go does: 3 means v3
  if (tbs.peek_tag() == 0xA0) {
    der_reader explicit_version(tbs.next().value, "the version");
    const tlv number = explicit_version.expect(0x02, "version");
    // Go accepts only a minimally encoded 0, 1 or 2 here.
    if (number.value.size() != 1 || static_cast<unsigned char>(number.value[0]) > 2) {
      explicit_version.fail("is not 0, 1 or 2");
    }
    version = number.value[0] + 1;
  }
  tbs.expect(0x02, "serialNumber");
  tbs.expect(tag_sequence, "signature");
  certificate out;
  out.issuer = read_name(tbs.expect(tag_sequence, "issuer").value);
  tbs.expect(tag_sequence, "validity");
  out.subject = read_name(tbs.expect(tag_sequence, "subject").value);
  tbs.expect(tag_sequence, "subjectPublicKeyInfo");
  // The optional fields are found by their first byte, and whatever follows them is ignored,
  // as Go 1.19 does; extensions count only in a v3 certificate.
  const auto optional = [&](unsigned tag) {
    return !tbs.done() && tbs.peek_tag() == tag ? std::optional<tlv>(tbs.next()) : std::nullopt;
  };
  if (version > 1) {
    optional(0x81);  // [1] issuerUniqueID
    optional(0x82);  // [2] subjectUniqueID
    const std::optional<tlv> wrapped = version == 3 ? optional(0xA3) : std::nullopt;
    if (wrapped) {
      der_reader wrapper(wrapped->value, "extensions");
      const tlv list = wrapper.expect(tag_sequence, "extensions");
      der_reader extensions(list.value, "extensions");
      while (!extensions.done()) {
        der_reader extension(extensions.expect(tag_sequence, "an extension").value,
                             "an extension");
        const std::string id = oid_text(extension.expect(tag_oid, "extnID").value);
        if (extension.peek_tag() == tag_boolean) extension.next();  // critical
        const tlv value = extension.expect(tag_octet_string, "extnValue");
        // Go refuses a certificate that repeats an extension.
        if (!out.extensions.emplace(id, std::string(value.value)).second) {
          throw x509_error("certificate contains duplicate extensions");
        }
      }
    }
  }
  return out;
}

// The subject's OU values, as pkix.Name.OrganizationalUnit holds them.
inline std::vector<std::string> organizational_units(const rdn_sequence& name) {
  std::vector<std::string> out;
  for (const auto& rdn : name) {
    for (const attribute& a : rdn) {
      if (a.oid == "2.5.4.11") out.push_back(a.value);
    }
  }
  return out;
}

// ---- Fabric CA attributes -----------------------------------------------------------------

// Reads the extension's JSON as Fabric's attrmgr does (Go's json.Unmarshal into
// struct{Attrs map[string]string `json:"attrs"`}): other members are skipped, the "attrs" key
// matches case-insensitively, null leaves a value empty, and a value that is not a string, or
// JSON that is not valid, is an error.
class attributes_json {
 public:
  explicit attributes_json(std::string_view text) : text_(text) {}

  std::map<std::string, std::string> read() {
    std::map<std::string, std::string> out;
    space();
    if (literal("null")) {
      finish();
      return out;
    }
    if (peek() != '{') fail("the attributes are not a JSON object");
    ++position_;
    space();
    if (peek() == '}') {
      ++position_;
      finish();
      return out;
    }
    for (;;) {
      space();
      const std::string key = string();
      space();
      expect(':');
      space();
      if (lower(key) == "attrs") {
        read_attrs(out);
      } else {
        skip_value(0);
      }
      space();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect('}');
      break;
    }
    finish();
    return out;
  }

 private:
  void read_attrs(std::map<std::string, std::string>& out) {
    if (literal("null")) {
      out.clear();  // Go sets the map to nil
      return;
    }
    if (peek() != '{') fail("\"attrs\" is not a JSON object of strings");
    ++position_;
    space();
    if (peek() == '}') {
      ++position_;
      return;
    }
    for (;;) {
      space();
      std::string key = string();
      space();
      expect(':');
      space();
      if (literal("null")) {
        out[key] = std::string();
      } else if (peek() == '"') {
        out[key] = string();
      } else {
        fail("the value of attribute '" + key + "' is not a string");
      }
      space();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect('}');
      return;
    }
  }

  void skip_value(int depth) {
    if (depth > 512) fail("the JSON nests too deeply");
    const char c = peek();
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++position_;
      space();
      if (peek() == close) {
        ++position_;
        return;
      }
      for (;;) {
        space();
        if (c == '{') {
          string();
          space();
          expect(':');
          space();
        }
        skip_value(depth + 1);
        space();
        if (peek() == ',') {
          ++position_;
          continue;
        }
        expect(close);
        return;
      }
    } else if (literal("true") || literal("false") || literal("null")) {
      return;
    } else {
      number();
    }
  }

  void number() {
    const std::size_t start = position_;
    if (peek() == '-') ++position_;
    if (peek() == '0') {
      ++position_;
    } else if (digits() == 0) {
      fail("invalid JSON value");
    }
    if (peek() == '.') {
      ++position_;
      if (digits() == 0) fail("invalid JSON number");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++position_;
      if (peek() == '+' || peek() == '-') ++position_;
      if (digits() == 0) fail("invalid JSON number");
    }
    if (position_ == start) fail("invalid JSON value");
  }

  std::size_t digits() {
    std::size_t count = 0;
    while (peek() >= '0' && peek() <= '9') {
      ++position_;
      ++count;
    }
    return count;
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (position_ >= text_.size()) fail("a JSON string is not closed");
      const char c = text_[position_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("a JSON string holds a control character");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (position_ >= text_.size()) fail("a JSON string is not closed");
      const char e = text_[position_++];
      switch (e) {
        case '"': case '\\': case '/': out.push_back(e); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t rune = hex4();
          if (rune >= 0xD800 && rune < 0xDC00 && text_.substr(position_, 2) == "\\u") {
            const std::size_t back = position_;
            position_ += 2;
            const uint32_t low = hex4();
            if (low >= 0xDC00 && low < 0xE000) {
              rune = 0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00);
            } else {
              position_ = back;
            }
          }
          if (rune >= 0xD800 && rune < 0xE000) rune = 0xFFFD;  // a lone surrogate, as Go
          append_utf8(out, rune);
          break;
        }
        default:
          fail("a JSON string has an invalid escape");
      }
    }
  }

  uint32_t hex4() {
    if (text_.size() - position_ < 4) fail("a JSON \\u escape is cut short");
    uint32_t value = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[position_++];
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        fail("a JSON \\u escape is not hex");
      }
      value = (value << 4) | digit;
    }
    return value;
  }

  static std::string lower(std::string text) {
    for (char& c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
  }

  bool literal(std::string_view word) {
    if (text_.substr(position_, word.size()) != word) return false;
    position_ += word.size();
    return true;
  }

  char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "' in the JSON");
    ++position_;
  }

  void space() {
    while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r') ++position_;
  }

  void finish() {
    space();
    if (position_ != text_.size()) fail("the JSON has bytes after its value");
  }

  [[noreturn]] void fail(const std::string& reason) const {
    throw x509_error(reason + " (at byte " + std::to_string(position_) + ")");
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

inline std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t k = 0;
  for (; k + 3 <= bytes.size(); k += 3) {
    const uint32_t n = (static_cast<unsigned char>(bytes[k]) << 16) |
                       (static_cast<unsigned char>(bytes[k + 1]) << 8) |
                       static_cast<unsigned char>(bytes[k + 2]);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], alphabet[n & 63]};
  }
  if (k + 1 == bytes.size()) {
    const uint32_t n = static_cast<unsigned char>(bytes[k]) << 16;
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], '=', '='};
  } else if (k + 2 == bytes.size()) {
    const uint32_t n = (static_cast<unsigned char>(bytes[k]) << 16) |
                       (static_cast<unsigned char>(bytes[k + 1]) << 8);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

}  // namespace scc::detail::x509

#endif  // SCC_CONTRACT_DETAIL_X509_READER_HPP
