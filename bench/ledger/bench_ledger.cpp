// The reference stub-ledger workload of ../shared/bench/node-mockstub/bench-mockstub.js, phases
// a-e, on scc's stub ledger: same N, keys, values, PRNG (mulberry32, seed 42) and checks, and
// one JSON line per phase in the same shape. Phases a-d run inside plugin code (an in-process
// plugin, through the same ABI trampolines as a library) on one harness; phase e runs the
// token-transfer plugin loaded from its shared library on a fresh harness, one transaction
// (simulate, validate, commit as a block) per transfer.
//
// Differences from the Node workload, all on the heavier side for scc: every put is buffered
// and committed at the end of its transaction (MVCC versions, history, a block); every read is
// recorded in a read set; every range query records its range for phantom validation.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

// ---- The workload's fixed pieces ----

// bench-mockstub.js mulberry32, bit for bit.
class mulberry32 {
 public:
  explicit mulberry32(uint32_t seed) : state_(seed) {}
  double operator()() {
    state_ += 0x6D2B79F5u;
    uint32_t t = (state_ ^ (state_ >> 15)) * (1u | state_);
    t = (t + ((t ^ (t >> 7)) * (61u | t))) ^ t;
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
  // Math.floor(rnd() * n)
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((*this)() * static_cast<double>(n)); }
  uint32_t state() const { return state_; }

 private:
  uint32_t state_;
};

std::string padded(uint64_t n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}
std::string k_key(uint64_t i) { return "k" + padded(i, 8); }
std::string account(uint64_t i) { return "acct" + padded(i, 5); }
std::string value64(uint64_t i) {
  std::string value(64, '\0');
  for (int j = 0; j < 64; ++j) value[j] = static_cast<char>((i + j) & 0xff);
  return value;
}

uint64_t env_int(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::stoull(text);
}

struct config {
  uint64_t n = env_int("BENCH_N", 100000);
  uint32_t seed = static_cast<uint32_t>(env_int("BENCH_SEED", 42));
  uint64_t n_put = env_int("BENCH_N_PUT", n);
  uint64_t n_get = env_int("BENCH_N_GET", n);
  uint64_t range_queries = env_int("BENCH_RANGE_QUERIES", 1000);
  uint64_t range_len = env_int("BENCH_RANGE_LEN", 100);
  uint64_t n_composite = env_int("BENCH_N_COMPOSITE", n);
  uint64_t owners = env_int("BENCH_OWNERS", 1000);
  uint64_t partial_queries = env_int("BENCH_PARTIAL_QUERIES", 100);
  uint64_t accounts = env_int("BENCH_ACCOUNTS", 10000);
  uint64_t transfers = env_int("BENCH_TRANSFERS", n);
};

// ---- The plugin that runs phases a-d inside transactions ----

// The PRNG state travels in and out as an argument and the payload, so that phases b, c and d2
// draw exactly the numbers the Node workload draws.
class workload {
 public:
  scc::response invoke(scc::stub& stub) {
    const std::vector<std::string> args = stub.get_args();
    const std::string& phase = args.at(0);
    if (phase == "put") return put(stub, std::stoull(args.at(1)));
    if (phase == "get")
      return get(stub, std::stoull(args.at(1)), std::stoull(args.at(2)), seed(args));
    if (phase == "range") {
      return range(stub, std::stoull(args.at(1)), std::stoull(args.at(2)), std::stoull(args.at(3)),
                   seed(args));
    }
    if (phase == "composite")
      return composite(stub, std::stoull(args.at(1)), std::stoull(args.at(2)));
    if (phase == "partial") {
      return partial(stub, std::stoull(args.at(1)), std::stoull(args.at(2)),
                     std::stoull(args.at(3)), seed(args));
    }
    return scc::error("unknown phase " + phase);
  }

 private:
  static mulberry32 seed(const std::vector<std::string>& args) {
    return mulberry32(static_cast<uint32_t>(std::stoul(args.back())));
  }

  static scc::response put(scc::stub& stub, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) stub.put_state(k_key(i), value64(i));
    return scc::success();
  }

  static scc::response get(scc::stub& stub, uint64_t n, uint64_t keys, mulberry32 rnd) {
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < n; ++i) {
      const std::string key = k_key(rnd.below(keys));
      const std::optional<std::string> value = stub.get_state(key);
      if (!value || value->size() != 64)
        return scc::error("getState returned no 64 bytes for " + key);
      bytes += value->size();
    }
    return scc::success(std::to_string(rnd.state()) + " " + std::to_string(bytes));
  }

  static scc::response range(scc::stub& stub, uint64_t queries, uint64_t length, uint64_t keys,
                             mulberry32 rnd) {
    for (uint64_t i = 0; i < queries; ++i) {
      const uint64_t start = rnd.below(keys - length + 1);
      uint64_t got = 0;
      for (const scc::kv& row : stub.get_state_by_range(k_key(start), k_key(start + length))) {
        if (row.key.empty() || row.value.empty()) return scc::error("empty kv");
        ++got;
      }
      if (got != length) {
        return scc::error("range from " + k_key(start) + " gave " + std::to_string(got) +
                          " results");
      }
    }
    return scc::success(std::to_string(rnd.state()));
  }

  static scc::response composite(scc::stub& stub, uint64_t n, uint64_t owners) {
    for (uint64_t i = 0; i < n; ++i) {
      stub.put_state(stub.create_composite_key(
                         "asset", {"owner" + padded(i % owners, 3), "id" + padded(i, 6)}),
                     value64(i));
    }
    return scc::success();
  }

  static scc::response partial(scc::stub& stub, uint64_t queries, uint64_t owners,
                               uint64_t n_composite, mulberry32 rnd) {
    uint64_t results = 0;
    for (uint64_t i = 0; i < queries; ++i) {
      const uint64_t owner = rnd.below(owners);
      uint64_t got = 0;
      for (const scc::kv& row :
           stub.get_state_by_partial_composite_key("asset", {"owner" + padded(owner, 3)})) {
        if (row.key.empty() || row.value.empty()) return scc::error("empty kv");
        ++got;
      }
      const uint64_t expected = n_composite / owners + (owner < n_composite % owners ? 1 : 0);
      if (got != expected) return scc::error("partial key query gave " + std::to_string(got));
      results += got;
    }
    return scc::success(std::to_string(rnd.state()) + " " + std::to_string(results));
  }
};

// ---- Reporting ----

double rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}
double max_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}
double round1(double x) { return static_cast<double>(static_cast<long long>(x * 10 + 0.5)) / 10; }

using clock_type = std::chrono::steady_clock;

void report(const char* phase, uint64_t ops, clock_type::time_point t0, clock_type::time_point t1,
            const std::string& extra) {
  const double ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  const double seconds = ns / 1e9;
  std::printf(
      "{\"phase\":\"%s\",\"ops\":%llu,\"seconds\":%.6f,\"ops_per_s\":%.0f,\"ns_per_op\":%.0f,"
      "\"rss_mb\":%.1f,\"max_rss_mb\":%.1f%s%s}\n",
      phase, static_cast<unsigned long long>(ops), seconds, static_cast<double>(ops) / seconds,
      ns / static_cast<double>(ops ? ops : 1), round1(rss_mb()), round1(max_rss_mb()),
      extra.empty() ? "" : ",", extra.c_str());
  std::fflush(stdout);
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "CHECK FAILED: %s\n", what.c_str());
  std::exit(1);
}

const scc::response& checked(const scc::testing::tx_result& result, bool must_commit) {
  if (result.response.status != 200) fail(result.response.message);
  if (must_commit && !result.committed()) fail("transaction did not commit");
  return result.response;
}

}  // namespace

int main() {
  const config cfg;
  std::printf(
      "{\"bench\":\"scc-stub-ledger\",\"config\":{\"seed\":%u,\"n_put\":%llu,\"n_get\":%llu,"
      "\"range_queries\":%llu,\"range_len\":%llu,\"n_composite\":%llu,\"owners\":%llu,"
      "\"partial_queries\":%llu,\"accounts\":%llu,\"transfers\":%llu},\"baseline_rss_mb\":%.1f}\n",
      cfg.seed, static_cast<unsigned long long>(cfg.n_put),
      static_cast<unsigned long long>(cfg.n_get),
      static_cast<unsigned long long>(cfg.range_queries),
      static_cast<unsigned long long>(cfg.range_len),
      static_cast<unsigned long long>(cfg.n_composite), static_cast<unsigned long long>(cfg.owners),
      static_cast<unsigned long long>(cfg.partial_queries),
      static_cast<unsigned long long>(cfg.accounts), static_cast<unsigned long long>(cfg.transfers),
      round1(rss_mb()));

  std::string prng = std::to_string(cfg.seed);
  const auto next_prng = [&prng](const std::string& payload) {
    prng = payload.substr(0, payload.find(' '));
    return payload.substr(payload.find(' ') + 1);
  };
  const auto u = [](uint64_t n) { return std::to_string(n); };

  {  // Phases a-d share one ledger, freed before phase e starts on a fresh one.
    scc::testing::harness ledger;
    ledger.install<workload>("bench");

    {  // (a) N puts in one transaction
      const auto t0 = clock_type::now();
      checked(ledger.invoke("bench", {"put", u(cfg.n_put)}), true);
      const auto t1 = clock_type::now();
      report("a_put_one_tx", cfg.n_put, t0, t1,
             "\"requested\":" + u(cfg.n_put) + ",\"truncated\":false");
    }
    {  // (b) random gets, in one read-only transaction
      const auto t0 = clock_type::now();
      const scc::response answer =
          checked(ledger.query("bench", {"get", u(cfg.n_get), u(cfg.n_put), prng}), false);
      const auto t1 = clock_type::now();
      const std::string bytes = next_prng(answer.payload);
      report("b_get_random", cfg.n_get, t0, t1,
             "\"requested\":" + u(cfg.n_get) + ",\"truncated\":false,\"bytes_read\":" + bytes);
    }
    {  // (c) range queries of range_len keys
      const auto t0 = clock_type::now();
      const scc::response answer = checked(
          ledger.query("bench",
                       {"range", u(cfg.range_queries), u(cfg.range_len), u(cfg.n_put), prng}),
          false);
      const auto t1 = clock_type::now();
      prng = answer.payload;
      const uint64_t results = cfg.range_queries * cfg.range_len;
      const double seconds = std::chrono::duration<double>(t1 - t0).count();
      report("c_range_100", cfg.range_queries, t0, t1,
             "\"requested\":" + u(cfg.range_queries) + ",\"truncated\":false,\"results\":" +
                 u(results) + ",\"results_per_s\":" + u(static_cast<uint64_t>(results / seconds)) +
                 ",\"ledger_keys\":" + u(cfg.n_put));
    }
    {  // (d1) composite keys in one transaction, (d2) partial composite key queries
      auto t0 = clock_type::now();
      checked(ledger.invoke("bench", {"composite", u(cfg.n_composite), u(cfg.owners)}), true);
      auto t1 = clock_type::now();
      report("d1_composite_put_one_tx", cfg.n_composite, t0, t1,
             "\"requested\":" + u(cfg.n_composite) + ",\"truncated\":false");
      t0 = clock_type::now();
      const scc::response answer =
          checked(ledger.query("bench", {"partial", u(cfg.partial_queries), u(cfg.owners),
                                         u(cfg.n_composite), prng}),
                  false);
      t1 = clock_type::now();
      const std::string results = next_prng(answer.payload);
      const double seconds = std::chrono::duration<double>(t1 - t0).count();
      report("d2_partial_composite_query", cfg.partial_queries, t0, t1,
             "\"requested\":" + u(cfg.partial_queries) +
                 ",\"truncated\":false,\"results\":" + results +
                 ",\"results_per_s\":" + u(static_cast<uint64_t>(std::stod(results) / seconds)) +
                 ",\"ledger_keys\":" + u(cfg.n_put + cfg.n_composite));
    }
  }

  {  // (e) token transfers through the plugin's shared library, on a fresh ledger
    scc::testing::harness tokens;
    tokens.install(std::string(TOKEN_PLUGIN_PATH));
    const std::string initial_balance = "1000000";
    auto t0 = clock_type::now();
    checked(tokens.invoke("token", {"seed", u(cfg.accounts), initial_balance}), true);
    auto t1 = clock_type::now();
    report("e0_seed_accounts", cfg.accounts, t0, t1, "");

    mulberry32 rnd(static_cast<uint32_t>(std::stoul(prng)));
    uint64_t failed = 0;
    scc::testing::tx_options context;
    t0 = clock_type::now();
    for (uint64_t i = 0; i < cfg.transfers; ++i) {
      const uint64_t from = rnd.below(cfg.accounts);
      uint64_t to = rnd.below(cfg.accounts - 1);
      if (to >= from) ++to;
      const uint64_t amount = 1 + rnd.below(100);
      context.tx_id = "tx-e-" + u(i);  // as the Node workload's mockInvoke('tx-e-<n>')
      const auto result =
          tokens.invoke("token", {"transfer", account(from), account(to), u(amount)}, context);
      if (result.response.status != 200 || !result.committed()) ++failed;
    }
    t1 = clock_type::now();
    uint64_t supply = 0;
    for (uint64_t i = 0; i < cfg.accounts; ++i)
      supply += std::stoull(*tokens.state("token", account(i)));
    if (supply != cfg.accounts * std::stoull(initial_balance))
      fail("supply not conserved: " + u(supply));
    const double seconds = std::chrono::duration<double>(t1 - t0).count();
    report("e1_transfer_tx", cfg.transfers, t0, t1,
           "\"requested\":" + u(cfg.transfers) + ",\"truncated\":false,\"failed_tx\":" + u(failed) +
               ",\"state_ops\":" + u(cfg.transfers * 4) +
               ",\"state_ops_per_s\":" + u(static_cast<uint64_t>(cfg.transfers * 4 / seconds)) +
               ",\"supply_conserved\":true");
  }
  std::printf("{\"done\":true,\"max_rss_mb\":%.1f,\"rss_mb\":%.1f}\n", round1(max_rss_mb()),
              round1(rss_mb()));
  return 0;
}
