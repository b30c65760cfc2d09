// package_writer.hpp - the chaincode package Fabric's ccaas builder installs:
//
//   L.tar.gz
//     metadata.json    {"type":"ccaas","label":"L"}
//     code.tar.gz
//       connection.json  {"address", "dial_timeout", "tls_required", "client_auth_required",
//                         "client_key", "client_cert", "root_cert"}  (PEM text, not paths)
//
// The bytes depend on the inputs only (entries sorted, mtime 0, uid/gid 0, gzip without name or
// time), so the package id Fabric computes (label:sha256 of the file) is the same every run.
#ifndef SCC_CCAAS_PACKAGE_WRITER_HPP
#define SCC_CCAAS_PACKAGE_WRITER_HPP

#include <map>
#include <string>

#include "settings.hpp"

namespace scc::ccaas {

// name -> content; written in name order.
std::string tar_archive(const std::map<std::string, std::string>& files);
std::string gzip_bytes(const std::string& data);
std::string json_string(const std::string& text);

std::string connection_json(const package_settings& settings);
std::string package_bytes(const package_settings& settings);

// Writes settings.output and returns the package id, "label:sha256hex". Throws settings_error
// for unreadable certificate files and std::runtime_error when the output cannot be written.
std::string write_package(const package_settings& settings);

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_PACKAGE_WRITER_HPP
