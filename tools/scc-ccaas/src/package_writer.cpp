#include "package_writer.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "tls_files.hpp"
#include <openssl/sha.h>

#include <scc/detail/hex.hpp>

namespace scc::ccaas {

namespace {

// An octal field of a ustar header, NUL-terminated, zero-padded to its width.
void octal(char* field, std::size_t width, unsigned long long value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

}  // namespace

std::string tar_archive(const std::map<std::string, std::string>& files) {
  std::string out;
  for (const auto& [name, content] : files) {
    if (name.size() >= 100) throw std::runtime_error("tar entry name too long: " + name);
    char header[512];
    std::memset(header, 0, sizeof header);
    std::memcpy(header, name.data(), name.size());
    octal(header + 100, 8, 0644);             // mode
    octal(header + 108, 8, 0);                // uid
    octal(header + 116, 8, 0);                // gid
    octal(header + 124, 12, content.size());  // size
    octal(header + 136, 12, 0);               // mtime
    header[156] = '0';                        // regular file
    std::memcpy(header + 257, "ustar", 6);    // magic, NUL-terminated
    std::memcpy(header + 263, "00", 2);       // version
    std::memset(header + 148, ' ', 8);        // checksum counts itself as spaces
    unsigned long sum = 0;
    for (unsigned char byte : header) sum += byte;
    std::snprintf(header + 148, 8, "%06lo", sum);  // six digits, NUL, then the space
    header[155] = ' ';
    out.append(header, sizeof header);
    out.append(content);
    out.append((512 - content.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');  // two zero blocks end the archive
  return out;
}

std::string gzip_bytes(const std::string& data) {
  z_stream stream;
  std::memset(&stream, 0, sizeof stream);
  // windowBits 15 + 16: a gzip wrapper whose header has no name and mtime 0.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const std::size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(written);
  return out;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string connection_json(const package_settings& settings) {
  const auto pem = [](const std::string& what, const std::string& file) {
    return file.empty() ? std::string() : read_pem_file(what, file);
  };
  const std::string root_cert = pem("--root-cert", settings.root_cert_file);
  const std::string client_key = pem("--client-key", settings.client_key_file);
  const std::string client_cert = pem("--client-cert", settings.client_cert_file);
  if (!client_key.empty()) {
    check_key_pair(client_key, client_cert, settings.client_key_file, settings.client_cert_file);
  }
  if (!root_cert.empty()) check_certificates(root_cert, "--root-cert", settings.root_cert_file);
  return "{\n"
         "  \"address\": " +
         json_string(settings.address) +
         ",\n"
         "  \"dial_timeout\": " +
         json_string(settings.dial_timeout) +
         ",\n"
         "  \"tls_required\": " +
         (settings.tls_required ? "true" : "false") +
         ",\n"
         "  \"client_auth_required\": " +
         (settings.client_auth_required ? "true" : "false") +
         ",\n"
         "  \"client_key\": " +
         json_string(client_key) +
         ",\n"
         "  \"client_cert\": " +
         json_string(client_cert) +
         ",\n"
         "  \"root_cert\": " +
         json_string(root_cert) +
         "\n"
         "}\n";
}

std::string package_bytes(const package_settings& settings) {
  const std::string code =
      gzip_bytes(tar_archive({{"connection.json", connection_json(settings)}}));
  const std::string metadata =
      "{\"type\":\"ccaas\",\"label\":" + json_string(settings.label) + "}\n";
  return gzip_bytes(tar_archive({{"code.tar.gz", code}, {"metadata.json", metadata}}));
}

std::string write_package(const package_settings& settings) {
  const std::string bytes = package_bytes(settings);
  const std::string temporary = settings.output + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::remove(temporary.c_str());
      throw std::runtime_error("cannot write " + settings.output);
    }
  }
  if (std::rename(temporary.c_str(), settings.output.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + settings.output);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return settings.label + ":" +
         scc::detail::to_hex(
             std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace scc::ccaas
