// scc-ccaas package: the bytes Fabric's ccaas builder installs, stable across runs.
#include <doctest/doctest.h>

#include <zlib.h>

#include <map>

#include "package_writer.hpp"
#include "server_process.hpp"

using namespace ccaas_test;

namespace {

std::string gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out;
  char buffer[65536];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);
  return out;
}

struct tar_entry {
  std::string content;
  std::string mode;
  std::string mtime;
  std::string uid;
  char type = 0;
};

// A small ustar reader that checks every header's checksum.
std::map<std::string, tar_entry> untar(const std::string& tar, std::vector<std::string>& order) {
  std::map<std::string, tar_entry> entries;
  std::size_t at = 0;
  while (at + 512 <= tar.size()) {
    const std::string header = tar.substr(at, 512);
    if (header == std::string(512, '\0')) break;
    unsigned long sum = 0;
    for (std::size_t i = 0; i < 512; ++i) {
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
    }
    CHECK(std::stoul(header.substr(148, 7), nullptr, 8) == sum);
    CHECK(header.substr(257, 6) == std::string("ustar\0", 6));
    const std::string name = header.substr(0, header.find('\0'));
    const std::size_t size = std::stoul(header.substr(124, 11), nullptr, 8);
    tar_entry entry;
    entry.content = tar.substr(at + 512, size);
    entry.mode = header.substr(100, 7);
    entry.uid = header.substr(108, 7);
    entry.mtime = header.substr(136, 11);
    entry.type = header[156];
    entries[name] = entry;
    order.push_back(name);
    at += 512 + (size + 511) / 512 * 512;
  }
  return entries;
}

}  // namespace

TEST_CASE("package: metadata.json and code.tar.gz with connection.json, byte-stable") {
  temporary_folder folder;
  const std::string out1 = (folder.path() / "one.tar.gz").string();
  const std::string out2 = (folder.path() / "two.tar.gz").string();
  const exit_result first = run_ccaas({"package", "--label", "kvscc_1.0", "--address",
                                       "127.0.0.1:9999", "-o", out1});
  REQUIRE(first.status == 0);
  const exit_result second = run_ccaas({"package", "--label", "kvscc_1.0", "--address",
                                        "127.0.0.1:9999", "-o", out2});
  REQUIRE(second.status == 0);
  const std::string bytes = read_file(out1);
  CHECK(bytes == read_file(out2));
  // The package id Fabric derives: label:sha256(file).
  CHECK(first.out.find("kvscc_1.0:") == 0);
  CHECK(first.out.size() == std::string("kvscc_1.0:").size() + 64 + 1);
  CHECK(first.out == second.out);
  // gzip header: no name, no time.
  REQUIRE(bytes.size() > 10);
  CHECK(static_cast<unsigned char>(bytes[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(bytes[1]) == 0x8b);
  CHECK(bytes[3] == 0);                            // flags: no FNAME
  CHECK(bytes.substr(4, 4) == std::string(4, '\0'));  // MTIME 0

  std::vector<std::string> order;
  const auto outer = untar(gunzip(bytes), order);
  CHECK(order == std::vector<std::string>{"code.tar.gz", "metadata.json"});
  CHECK(outer.at("metadata.json").content == "{\"type\":\"ccaas\",\"label\":\"kvscc_1.0\"}\n");
  CHECK(outer.at("metadata.json").mtime == "00000000000");
  CHECK(outer.at("metadata.json").uid == "0000000");
  CHECK(outer.at("metadata.json").type == '0');
  std::vector<std::string> inner_order;
  const auto inner = untar(gunzip(outer.at("code.tar.gz").content), inner_order);
  CHECK(inner_order == std::vector<std::string>{"connection.json"});
  CHECK(inner.at("connection.json").content ==
        "{\n"
        "  \"address\": \"127.0.0.1:9999\",\n"
        "  \"dial_timeout\": \"10s\",\n"
        "  \"tls_required\": false,\n"
        "  \"client_auth_required\": false,\n"
        "  \"client_key\": \"\",\n"
        "  \"client_cert\": \"\",\n"
        "  \"root_cert\": \"\"\n"
        "}\n");
}

TEST_CASE("package with TLS embeds the PEM text, JSON-escaped") {
  temporary_folder folder;
  const std::string root = (folder.path() / "ca.pem").string();
  const std::string key = (folder.path() / "key.pem").string();
  const std::string cert = (folder.path() / "cert.pem").string();
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=test -keyout " + key + " -out " + cert + " 2>/dev/null && cp " + cert + " " + root;
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string out = (folder.path() / "tls.tar.gz").string();
  const exit_result made = run_ccaas({"package", "--label", "cc", "--address", "cc.example:7",
                                      "--tls-required", "--client-auth-required", "--root-cert",
                                      root, "--client-key", key, "--client-cert", cert,
                                      "--dial-timeout", "3s", "-o", out});
  REQUIRE(made.status == 0);
  std::vector<std::string> order;
  const auto outer = untar(gunzip(read_file(out)), order);
  std::vector<std::string> inner_order;
  const std::string json =
      untar(gunzip(outer.at("code.tar.gz").content), inner_order).at("connection.json").content;
  CHECK(json.find("\"tls_required\": true") != std::string::npos);
  CHECK(json.find("\"client_auth_required\": true") != std::string::npos);
  CHECK(json.find("\"dial_timeout\": \"3s\"") != std::string::npos);
  CHECK(json.find("\"root_cert\": " + scc::ccaas::json_string(read_file(root))) != std::string::npos);
  CHECK(json.find("\"client_key\": " + scc::ccaas::json_string(read_file(key))) != std::string::npos);
  CHECK(json.find("-----BEGIN CERTIFICATE-----\\n") != std::string::npos);

  const exit_result mismatched = run_ccaas({"package", "--label", "cc", "--address", "h:7",
                                            "--tls-required", "--root-cert", root, "--client-key",
                                            key, "--client-cert", "/nonexistent.pem", "-o", out});
  CHECK(mismatched.status == 2);
  CHECK(mismatched.err.find("cannot be read") != std::string::npos);
}
