// probescc - a plugin whose functions each expose one piece of Fabric behaviour as an answer a
// test can compare, for the bridge's tests on the real Fabric 1.4 peer and over the shim's
// MockStub. Every answer is text; 404 means "absent".
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <utility>
#include <string>
#include <vector>

#include <scc/plugin.hpp>

namespace {

// The mspid (field 1) of a serialized msp.SerializedIdentity.
std::string msp_id_of(const std::string& creator) {
  std::size_t at = 0;
  while (at < creator.size()) {
    const auto tag = static_cast<unsigned char>(creator[at++]);
    uint64_t size = 0;
    for (int shift = 0; at < creator.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(creator[at++]);
      size |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80u) == 0) break;
    }
    if ((tag & 7u) != 2 || size > creator.size() - at) return "?";
    if ((tag >> 3) == 1) return creator.substr(at, size);
    at += size;
  }
  return "";
}

std::string lines_of(scc::state_query rows) {
  std::string lines;
  for (const scc::kv& row : rows) lines += row.key + "=" + row.value + "\n";
  return lines;
}

class probescc {
 public:
  scc::response invoke(scc::stub& stub) {
    // Not a structured binding: C++17 lambdas cannot capture those.
    const std::pair<std::string, std::vector<std::string>> call = stub.get_function_and_parameters();
    const std::string& function = call.first;
    const std::vector<std::string>& params = call.second;
    const auto arg = [&](std::size_t i) -> const std::string& {
      if (i >= params.size()) throw std::invalid_argument(function + ": missing argument");
      return params[i];
    };
    if (function == "put") {
      stub.put_state(arg(0), arg(1));
      stub.set_event("put", arg(0));
      return scc::success();
    }
    if (function == "get") {
      auto value = stub.get_state(arg(0));
      return value ? scc::success(*value) : scc::response{404, "absent: " + arg(0), {}};
    }
    if (function == "del") {
      stub.del_state(arg(0));
      return scc::success();
    }
    if (function == "getput") {  // the benchmark's work: one read, one write
      auto value = stub.get_state(arg(0));
      stub.put_state(arg(0), arg(1));
      return scc::success(value.value_or(""));
    }
    if (function == "ryw") {  // writes, then reads the same key in the same transaction
      stub.put_state(arg(0), arg(1));
      return scc::success(stub.get_state(arg(0)).value_or("<absent>"));
    }
    if (function == "emit") {  // the event's payload is not among the arguments
      stub.set_event("probe_event", "event:" + arg(0));
      return scc::success();
    }
    if (function == "put_then_fail") {
      stub.put_state(arg(0), arg(1));
      stub.set_event("never", arg(0));
      return {500, "failing on purpose after writing " + arg(0), {}};
    }
    if (function == "incr") {  // read-modify-write: two of these in one block conflict
      const long long count = std::stoll(stub.get_state(arg(0)).value_or("0"));
      stub.put_state(arg(0), std::to_string(count + 1));
      return scc::success(std::to_string(count + 1));
    }
    if (function == "range") return scc::success(lines_of(stub.get_state_by_range(arg(0), arg(1))));
    if (function == "page") {
      const scc::page page = stub.get_state_by_range_with_pagination(
          arg(0), arg(1), static_cast<int32_t>(std::stoi(arg(2))), params.size() > 3 ? arg(3) : "");
      std::string text = "fetched=" + std::to_string(page.fetched_records_count) +
                         " bookmark=" + page.bookmark + "\n";
      for (const scc::kv& row : page.items) text += row.key + "=" + row.value + "\n";
      return scc::success(text);
    }
    if (function == "put_composite") {
      stub.put_state(stub.create_composite_key(arg(0), {arg(1), arg(2)}), arg(3));
      return scc::success();
    }
    if (function == "partial") {
      std::string lines;
      for (const scc::kv& row : stub.get_state_by_partial_composite_key(arg(0), {arg(1)})) {
        const auto [type, attributes] = stub.split_composite_key(row.key);
        lines += type;
        for (const std::string& attribute : attributes) lines += "/" + attribute;
        lines += "=" + row.value + "\n";
      }
      return scc::success(lines);
    }
    if (function == "history") {
      std::string lines;
      for (const scc::key_modification& row : stub.get_history_for_key(arg(0))) {
        lines += (row.is_delete ? std::string("<deleted>") : row.value) + "\n";
      }
      return scc::success(lines);
    }
    if (function == "transient") {
      const auto transient = stub.get_transient();
      const auto found = transient.find(arg(0));
      return found != transient.end() ? scc::success(found->second)
                                      : scc::response{404, "no transient " + arg(0), {}};
    }
    if (function == "whoami") {
      const scc::timestamp at = stub.get_tx_timestamp();
      return scc::success("msp=" + msp_id_of(stub.get_creator()) +
                          " channel=" + stub.get_channel_id() +
                          " txid=" + std::to_string(stub.get_tx_id().size()) +
                          " binding=" + std::to_string(stub.get_binding().size()) +
                          " proposal=" + (stub.get_signed_proposal().empty() ? "empty" : "set") +
                          " timestamp=" + (at.seconds > 1500000000 ? "plausible" : "wrong"));
    }
    if (function == "call") {
      std::vector<std::string> args(params.begin() + 1, params.end());
      const scc::response answer = stub.invoke_chaincode(arg(0), args);
      return scc::success("status=" + std::to_string(answer.status) + " message=" + answer.message +
                          " payload=" + answer.payload);
    }
    if (function == "empty_key") {
      try {
        stub.put_state("", "x");
        return scc::success("accepted");
      } catch (const scc::chaincode_error& refusal) {
        return scc::success(std::string("refused: ") + refusal.what());
      }
    }
    if (function == "big") {  // a value and an answer larger than the bridge's first buffers
      const std::string value(static_cast<std::size_t>(std::stoul(arg(1))), 'x');
      stub.put_state(arg(0), value);
      return scc::success(value);
    }
    if (function == "exclusive") {  // overlapped: another call ran inside this one
      static std::atomic<int> inside{0};
      const int others = inside.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      inside.fetch_sub(1);
      return scc::success(others == 0 ? "alone" : "overlapped");
    }
    if (function == "throw") throw std::runtime_error("probescc threw on purpose");
    if (function == "status") return {std::stoi(arg(0)), "status on request", "payload"};
    return scc::error("probescc: unknown function '" + function + "'");
  }
};

}  // namespace

// The tests build it twice, the second time as hiddenscc (a chaincode that only other chaincodes
// may call).
#ifndef PROBESCC_NAME
#define PROBESCC_NAME "probescc"
#endif
SCC_PLUGIN(probescc, PROBESCC_NAME, "1.0.0");
