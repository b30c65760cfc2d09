// fuzz/fuzz_stub_ledger.cpp - the stub ledger and the harness, driven by a fuzzed sequence of
// transactions whose plugins run fuzzed sequences of stub operations.
//
// Two in-process plugins ("fz", "fy") run programs decoded from the input: reads, writes,
// deletes, ranges, partial composite key queries, pagination, private data and its hashes,
// key-level endorsement policies, events, history, rich queries and chaincode-to-chaincode
// calls (same channel, other channel, not installed, not cc2cc-invokable, re-entered on the
// same or another channel, with "fy" thread-safe or not). Transactions are invokes, queries,
// inits, and endorsements held back and committed later in blocks of several, so that MVCC and
// phantom conflicts, stale reads and duplicate transaction ids happen.
//
// Every result is checked against a plain model (std::map per namespace and collection, with
// versions, policies and history) of what committed:
//   - reads never see the transaction's own writes: every read answers committed state (in the
//     harness's read-your-writes mode, MockStub compatibility, chosen by one input bit, reads
//     and ranges see them, as that mode promises, and ranges keep their phantom protection);
//   - every stub call fails exactly when Fabric's rules say so, with Fabric's message;
//   - the read/write set equals what the operations did;
//   - each transaction's validation code is the model's (status, duplicate id, MVCC, phantom);
//   - committed state, policies, history and height equal the model after every step, so a
//     response with status >= 400, a query, an init and an invalid transaction change nothing;
//   - the event is the transaction's last one, only when it committed.
// A broken invariant aborts with a description (FUZZ_CHECK).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "fuzz_input.hpp"

#include <scc/plugin.hpp>
#include <scc/testing.hpp>

namespace {

namespace st = scc::testing;
using scc_fuzz::escaped;
using st::validation_code;

// ---------------------------------------------------------------------------------------------
// The model of committed state.

using version = std::pair<uint64_t, uint64_t>;  // (block, transaction in block)
using read_version = std::optional<version>;

struct entry {
  std::string value;
  version at;
  std::string policy;  // "" when the key has none
};
using space_model = std::map<std::string, entry>;  // live keys only

struct history_item {
  std::string tx_id;
  std::string value;
  bool is_delete;
  scc::timestamp timestamp;
};

struct ns_model {
  space_model state;
  std::map<std::string, space_model> collections;
  std::map<std::string, std::vector<history_item>> history;  // oldest first
  // Every key ever written, so that checks also cover keys that must be absent.
  std::set<std::string> touched;
  std::map<std::string, std::set<std::string>> touched_private;

  space_model& space(const std::string& collection) {
    return collection.empty() ? state : collections[collection];
  }
};

struct channel_model {
  std::map<std::string, ns_model> namespaces;
  uint64_t height = 1;
  std::set<std::string> tx_ids;  // every transaction id some block holds
};

read_version version_of(const space_model& space, const std::string& key) {
  const auto found = space.find(key);
  return found == space.end() ? read_version{} : read_version{found->second.at};
}

// Live keys of space in [start, end); end "" is unbounded.
std::vector<const space_model::value_type*> rows_in(const space_model& space,
                                                    const std::string& start,
                                                    const std::string& end) {
  std::vector<const space_model::value_type*> rows;
  if (!end.empty() && end <= start) return rows;
  for (auto row = space.lower_bound(start); row != space.end(); ++row) {
    if (!end.empty() && !(row->first < end)) break;
    rows.push_back(&*row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// What one simulation did, as the plugin saw it: the expected read/write set.

struct space_trace {
  std::map<std::string, read_version> reads;                // the first read of each key
  std::vector<std::pair<std::string, std::string>> writes;  // in call order; "" deletes
  std::map<std::string, std::string> metadata;
  std::set<std::string> purges;

  void read(const std::string& key, const space_model& committed) {
    if (reads.count(key) == 0) reads.emplace(key, version_of(committed, key));
  }
  // Last write of each key.
  std::map<std::string, std::string> last_writes() const {
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : writes) out.insert_or_assign(key, value);
    return out;
  }
};

struct range_trace {
  std::string start;
  std::string end;  // the last key seen when the plugin stopped early
  bool exhausted = false;
  std::vector<std::pair<std::string, version>> reads;

  auto tie() const { return std::tie(start, end, exhausted, reads); }
  friend bool operator==(const range_trace& a, const range_trace& b) { return a.tie() == b.tie(); }
};

struct ns_trace {
  space_trace state;
  std::map<std::string, space_trace> collections;
  std::vector<range_trace> ranges;
};

struct sim_trace {
  std::string channel;
  std::string tx_id;
  std::map<std::string, ns_trace> namespaces;
  // tx_simulator.go's preconditions, shared by every chaincode of the simulation.
  bool write_performed = false;
  bool paginated_queries = false;
  bool private_queries = false;
};

// A read/write set in a form both sides can be compared in: empty parts dropped, writes as a
// map (the last of each key), reads as a map (the first of each key).
using norm_space =
    std::tuple<std::map<std::string, read_version>, std::map<std::string, std::string>,
               std::map<std::string, std::string>, std::set<std::string>>;
using norm_ns = std::tuple<norm_space, std::map<std::string, norm_space>, std::vector<range_trace>>;
using norm_tx = std::map<std::string, norm_ns>;

bool empty_space(const norm_space& s) {
  return std::get<0>(s).empty() && std::get<1>(s).empty() && std::get<2>(s).empty() &&
         std::get<3>(s).empty();
}

norm_tx normalize(const sim_trace& trace) {
  norm_tx out;
  const auto space = [](const space_trace& s) {
    return norm_space{s.reads, s.last_writes(), s.metadata, s.purges};
  };
  for (const auto& [name, ns] : trace.namespaces) {
    norm_ns n{space(ns.state), {}, ns.ranges};
    for (const auto& [collection, s] : ns.collections) {
      if (!empty_space(space(s))) std::get<1>(n).emplace(collection, space(s));
    }
    if (!empty_space(std::get<0>(n)) || !std::get<1>(n).empty() || !std::get<2>(n).empty()) {
      out.emplace(name, std::move(n));
    }
  }
  return out;
}

norm_space normalize_space(const std::vector<st::kv_read>& reads,
                           const std::vector<st::kv_write>& writes,
                           const std::vector<st::kv_metadata_write>& metadata,
                           const std::vector<std::string>& purges) {
  norm_space out;
  for (const auto& read : reads) {
    FUZZ_CHECK(std::get<0>(out).count(read.key) == 0, "a key read twice in one read set");
    std::get<0>(out).emplace(
        read.key, read.version ? read_version{version{read.version->block, read.version->tx}}
                               : read_version{});
  }
  for (std::size_t i = 0; i < writes.size(); ++i) {
    FUZZ_CHECK(i == 0 || writes[i - 1].key < writes[i].key, "write set not sorted by key");
    FUZZ_CHECK(writes[i].is_delete == writes[i].value.empty(), "is_delete disagrees with value");
    std::get<1>(out).emplace(writes[i].key, writes[i].value);
  }
  for (const auto& write : metadata) {
    std::get<2>(out).emplace(write.key, write.validation_parameter);
  }
  std::get<3>(out).insert(purges.begin(), purges.end());
  return out;
}

norm_tx normalize(const st::tx_rwset& rwset) {
  norm_tx out;
  for (const auto& ns : rwset.namespaces) {
    std::vector<range_trace> ranges;
    for (const auto& range : ns.range_queries) {
      range_trace r{range.start_key, range.end_key, range.itr_exhausted, {}};
      for (const auto& read : range.reads) {
        FUZZ_CHECK(read.version.has_value(), "a range read without a version");
        r.reads.emplace_back(read.key, version{read.version->block, read.version->tx});
      }
      ranges.push_back(std::move(r));
    }
    norm_ns n{normalize_space(ns.reads, ns.writes, ns.metadata_writes, {}), {}, std::move(ranges)};
    for (const auto& collection : ns.collections) {
      norm_space s = normalize_space(collection.reads, collection.writes,
                                     collection.metadata_writes, collection.purges);
      if (!empty_space(s)) std::get<1>(n).emplace(collection.collection, std::move(s));
    }
    if (!empty_space(std::get<0>(n)) || !std::get<1>(n).empty() || !std::get<2>(n).empty()) {
      out.emplace(ns.ns, std::move(n));
    }
  }
  return out;
}

std::string show(const read_version& v) {
  return v ? std::to_string(v->first) + "." + std::to_string(v->second) : "absent";
}

std::string show(const norm_space& s) {
  std::string out;
  for (const auto& [key, v] : std::get<0>(s)) out += " R(" + escaped(key) + "@" + show(v) + ")";
  for (const auto& [key, value] : std::get<1>(s)) {
    out += " W(" + escaped(key) + "=" + escaped(value) + ")";
  }
  for (const auto& [key, policy] : std::get<2>(s)) {
    out += " M(" + escaped(key) + "=" + escaped(policy) + ")";
  }
  for (const auto& key : std::get<3>(s)) out += " P(" + escaped(key) + ")";
  return out;
}

std::string show(const norm_tx& tx) {
  std::string out;
  for (const auto& [name, ns] : tx) {
    out += "\n    ns " + name + ":" + show(std::get<0>(ns));
    for (const auto& [collection, s] : std::get<1>(ns))
      out += "\n      " + collection + ":" + show(s);
    for (const auto& range : std::get<2>(ns)) {
      out += "\n      range [" + escaped(range.start) + ", " + escaped(range.end) +
             (range.exhausted ? ") exhausted" : "] stopped") + ":";
      for (const auto& [key, v] : range.reads) out += " " + escaped(key) + "@" + show(v);
    }
  }
  return out;
}

// SCC_FUZZ_VERBOSE=1 prints each transaction, its read/write set and its validation code.
void verbose(const std::string& line) {
  static const bool on = std::getenv("SCC_FUZZ_VERBOSE") != nullptr;
  if (on) std::fprintf(stderr, "%s\n", line.c_str());
}

// ---------------------------------------------------------------------------------------------
// Programs the plugins run.

enum class op_kind : uint8_t {
  get,
  get_multiple,
  put,
  del,
  range,
  range_page,
  partial,
  partial_page,
  get_private,
  put_private,
  del_private,
  purge_private,
  private_hash,
  private_range,
  private_partial,
  set_policy,
  get_policy,
  set_private_policy,
  get_private_policy,
  event,
  history,
  rich,
  call,
  tx_info,
  count
};

struct op {
  op_kind kind = op_kind::get;
  std::string key;
  std::string end;
  std::string value;
  std::string collection;
  std::string bookmark;
  std::string type;
  std::vector<std::string> list;  // keys or attributes
  int32_t page_size = 0;
  std::size_t max_rows = 0;
  std::string target;
  std::string channel;
  std::size_t program = 0;
};

struct program {
  std::vector<op> ops;
  int32_t status = 200;
  bool throws = false;
};

scc::response response_of(const program& p, std::size_t index) {
  if (p.throws) return scc::response{500, "boom", {}};
  return scc::response{p.status, p.status >= 400 ? "failed" : "", "p" + std::to_string(index)};
}

const std::string& composite(std::string type, std::vector<std::string> attributes) {
  static std::map<std::pair<std::string, std::vector<std::string>>, std::string> made;
  auto& key = made[{type, attributes}];
  if (key.empty()) key = scc::create_composite_key(type, attributes);
  return key;
}

std::string pick_key(scc_fuzz::input& in) {
  static const std::vector<std::string> keys = {
      "",
      "a",
      "ab",
      "b",
      "k1",
      "k2",
      "z",
      "\x01",
      "\xff",
      std::string("\0", 1),
      std::string("a\0b", 3),
      composite("t", {"x"}),
      composite("t", {"y"}),
      composite("t", {"x", "1"}),
      composite("t", {}),
      composite("u", {"x"}),
  };
  const uint8_t b = in.byte();
  if (b >= 0xF0) return in.bytes(8);
  return keys[b % keys.size()];
}

std::string pick_value(scc_fuzz::input& in) {
  static const std::vector<std::string> values = {"", "v", "w", std::string("\0x", 2),
                                                  std::string(300, 'L')};
  const uint8_t b = in.byte();
  if (b >= 0xE0) return in.bytes(16);
  return values[b % values.size()];
}

std::string pick_collection(scc_fuzz::input& in) {
  static const std::vector<std::string> collections = {"c1", "c2", "c1", ""};
  return collections[in.below(collections.size())];
}

std::string pick_type(scc_fuzz::input& in) {
  static const std::vector<std::string> types = {"t", "t", "u", "", "\xff", std::string("a\0", 2)};
  return types[in.below(types.size())];
}

std::vector<std::string> pick_attributes(scc_fuzz::input& in) {
  static const std::vector<std::string> attributes = {"x", "y", "1", "", "\xc3"};
  std::vector<std::string> out(in.below(3));
  for (auto& attribute : out) attribute = attributes[in.below(attributes.size())];
  return out;
}

int32_t pick_page_size(scc_fuzz::input& in) {
  static constexpr int32_t sizes[] = {-1, 0, 1, 2, 3, 1000};
  return sizes[in.below(6)];
}

std::string pick_bookmark(scc_fuzz::input& in) { return in.flag() ? pick_key(in) : ""; }

std::size_t pick_max_rows(scc_fuzz::input& in) {
  const std::size_t n = in.below(6);
  return n == 5 ? SIZE_MAX : n;
}

// ---------------------------------------------------------------------------------------------
// The run: model, programs and the call being made.

struct call_context {
  std::size_t program_index = 0;
  std::string ns;
  std::string channel;
  std::string tx_id;
  scc::timestamp timestamp;
  bool is_init = false;
  sim_trace* trace = nullptr;
  // The chaincodes executing in this transaction, with their channels, outermost first.
  std::vector<std::pair<std::string, std::string>> chain;
  std::optional<st::chaincode_event> event;
  bool ran = false;
};

struct run_state {
  std::map<std::string, channel_model> channels;
  std::vector<program> programs;
  int32_t query_limit = 100000;
  bool fy_external = true;
  bool fy_cc2cc = true;
  bool fy_thread_safe = false;      // fy declares itself thread-safe: no instance lock
  bool read_your_writes = false;    // the harness's MockStub compatibility mode
  call_context* pending = nullptr;  // the call the next plugin entry belongs to
};

run_state* g_run = nullptr;

std::size_t decode_program(scc_fuzz::input& in, int depth);

op decode_op(scc_fuzz::input& in, int depth) {
  op o;
  o.kind = static_cast<op_kind>(in.below(static_cast<std::size_t>(op_kind::count)));
  switch (o.kind) {
    case op_kind::get:
    case op_kind::del:
    case op_kind::history:
    case op_kind::get_policy:
      o.key = pick_key(in);
      break;
    case op_kind::get_multiple:
      o.list.resize(in.below(4));
      for (auto& key : o.list) key = pick_key(in);
      break;
    case op_kind::put:
      o.key = pick_key(in);
      o.value = pick_value(in);
      break;
    case op_kind::set_policy:
      o.key = pick_key(in);
      o.value = in.flag() ? "" : pick_value(in);
      break;
    case op_kind::range:
      o.key = pick_key(in);
      o.end = pick_key(in);
      o.max_rows = pick_max_rows(in);
      break;
    case op_kind::range_page:
      o.key = pick_key(in);
      o.end = pick_key(in);
      o.page_size = pick_page_size(in);
      o.bookmark = pick_bookmark(in);
      break;
    case op_kind::partial:
      o.type = pick_type(in);
      o.list = pick_attributes(in);
      o.max_rows = pick_max_rows(in);
      break;
    case op_kind::partial_page:
      o.type = pick_type(in);
      o.list = pick_attributes(in);
      o.page_size = pick_page_size(in);
      o.bookmark = pick_bookmark(in);
      break;
    case op_kind::get_private:
    case op_kind::del_private:
    case op_kind::purge_private:
    case op_kind::private_hash:
    case op_kind::get_private_policy:
      o.collection = pick_collection(in);
      o.key = pick_key(in);
      break;
    case op_kind::put_private:
      o.collection = pick_collection(in);
      o.key = pick_key(in);
      o.value = pick_value(in);
      break;
    case op_kind::set_private_policy:
      o.collection = pick_collection(in);
      o.key = pick_key(in);
      o.value = in.flag() ? "" : pick_value(in);
      break;
    case op_kind::private_range:
      o.collection = pick_collection(in);
      o.key = pick_key(in);
      o.end = pick_key(in);
      o.max_rows = pick_max_rows(in);
      break;
    case op_kind::private_partial:
      o.collection = pick_collection(in);
      o.type = pick_type(in);
      o.list = pick_attributes(in);
      o.max_rows = pick_max_rows(in);
      break;
    case op_kind::event:
      o.key = in.flag() ? "" : "ev" + std::to_string(in.below(3));
      o.value = pick_value(in);
      break;
    case op_kind::rich:
      o.collection = in.flag() ? pick_collection(in) : "";
      o.value = "{\"selector\":{}}";
      break;
    case op_kind::call: {
      static const std::vector<std::string> targets = {"fz", "fy", "fy", "nx", ""};
      static const std::vector<std::string> channels = {"", "", "ch1", "ch2"};
      o.target = targets[in.below(targets.size())];
      o.channel = channels[in.below(channels.size())];
      if (depth >= 2) {
        o.kind = op_kind::tx_info;  // calls nest two deep at most
        break;
      }
      o.program = decode_program(in, depth + 1);
      break;
    }
    case op_kind::tx_info:
    case op_kind::count:
      break;
  }
  return o;
}

std::size_t decode_program(scc_fuzz::input& in, int depth) {
  static constexpr int32_t statuses[] = {200, 200, 200, 201, 399, 400, 404, 500};
  program p;
  const std::size_t count = in.below(9);
  for (std::size_t i = 0; i < count; ++i) p.ops.push_back(decode_op(in, depth));
  const uint8_t s = in.byte();
  p.status = statuses[s % 8];
  p.throws = s >= 0xF0;
  g_run->programs.push_back(std::move(p));
  return g_run->programs.size() - 1;
}

// ---------------------------------------------------------------------------------------------
// The plugin side: run a program, checking each stub call against the model.

// What a stub call threw (its message), or nullopt.
template <class Call>
std::optional<std::string> failure_of(Call&& call) {
  try {
    call();
  } catch (const scc::chaincode_error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

class executor {
 public:
  executor(scc::stub& stub, call_context& ctx)
      : stub_(stub),
        ctx_(ctx),
        run_(*g_run),
        ns_(run_.channels[ctx.channel].namespaces[ctx.ns]),
        trace_(*ctx.trace) {}

  scc::response run() {
    const program& p = run_.programs[ctx_.program_index];
    for (std::size_t i = 0; i < p.ops.size(); ++i) {
      step_ = i;
      execute(p.ops[i]);
    }
    if (p.throws) throw std::runtime_error("boom");
    return response_of(p, ctx_.program_index);
  }

 private:
  std::string where() const {
    return "program " + std::to_string(ctx_.program_index) + " op " + std::to_string(step_) + " (" +
           ctx_.ns + " on " + ctx_.channel + (ctx_.is_init ? ", init" : "") + ")";
  }

  void expect(const std::optional<std::string>& got, const std::optional<std::string>& expected) {
    FUZZ_CHECK(got == expected,
               where() + ": stub call " +
                   (got ? "failed with '" + *got + "'" : std::string("succeeded")) + ", expected " +
                   (expected ? "'" + *expected + "'" : std::string("success")));
  }

  std::string txid_prefix() const {
    return "txid [" + trace_.tx_id + "]: unsuppored transaction. ";
  }

  // tx_simulator.go checkWritePrecondition.
  std::optional<std::string> write_refusal() {
    if (trace_.private_queries) {
      return txid_prefix() +
             "Transaction has already performed queries on pvt data. Writes are not allowed";
    }
    if (trace_.paginated_queries) {
      return txid_prefix() +
             "Transaction has already performed a paginated query. Writes are not allowed";
    }
    return std::nullopt;
  }

  std::optional<std::string> private_refusal(const std::string& collection) const {
    if (collection.empty()) return "collection must not be an empty string";
    if (ctx_.is_init) return "private data APIs are not allowed in chaincode Init()";
    return std::nullopt;
  }

  static std::optional<std::string> simple_key_refusal(const std::string& start,
                                                       const std::string& end) {
    for (const std::string* key : {&start, &end}) {
      if (!key->empty() && key->front() == '\0') {
        return "first character of the key [" + scc::detail::printable(*key) +
               "] contains a null character which is not allowed";
      }
    }
    return std::nullopt;
  }

  static std::optional<std::string> composite_refusal(const std::string& type,
                                                      const std::vector<std::string>& attributes) {
    try {
      scc::create_composite_key(type, attributes);
    } catch (const scc::chaincode_error& e) {
      return std::string(e.what());
    }
    return std::nullopt;
  }

  ns_trace& my_trace() { return trace_.namespaces[ctx_.ns]; }
  space_trace& my_space(const std::string& collection) {
    return collection.empty() ? my_trace().state : my_trace().collections[collection];
  }

  // A write reaching the simulation: checkWritePrecondition, then recorded.
  std::optional<std::string> simulate_write(const std::string& collection, const std::string& key,
                                            const std::string& value) {
    if (auto refused = write_refusal()) return refused;
    trace_.write_performed = true;
    my_space(collection).writes.emplace_back(key, value);
    return std::nullopt;
  }

  // What a read of key answers: committed state, or in read-your-writes mode the transaction's
  // own last write of the key (a delete reads as absent).
  std::optional<std::string> visible(const std::string& collection, const std::string& key) {
    if (run_.read_your_writes) {
      const auto& writes = my_space(collection).writes;
      for (auto own = writes.rbegin(); own != writes.rend(); ++own) {
        if (own->first != key) continue;
        if (own->second.empty()) return std::nullopt;
        return own->second;
      }
    }
    const space_model& space = ns_.space(collection);
    const auto found = space.find(key);
    if (found == space.end()) return std::nullopt;
    return found->second.value;
  }

  // The rows a range over [start, end) shows: committed rows, overlaid with the transaction's
  // own writes in read-your-writes mode.
  std::vector<scc::kv> visible_rows(const std::string& collection, const std::string& start,
                                    const std::string& end) {
    std::map<std::string, std::string> rows;
    for (const auto* row : rows_in(ns_.space(collection), start, end)) {
      rows.emplace(row->first, row->second.value);
    }
    if (run_.read_your_writes) {
      for (const auto& [key, value] : my_space(collection).writes) {
        if (key < start || (!end.empty() && key >= end)) continue;
        if (value.empty()) {
          rows.erase(key);
        } else {
          rows.insert_or_assign(key, value);
        }
      }
    }
    std::vector<scc::kv> out;
    for (auto& [key, value] : rows) out.push_back(scc::kv{key, value});
    return out;
  }

  void check_rows(const std::vector<scc::kv>& got, const std::vector<scc::kv>& expected,
                  std::size_t count) {
    FUZZ_CHECK(got.size() == count, where() + ": " + std::to_string(got.size()) +
                                        " rows, expected " + std::to_string(count));
    for (std::size_t i = 0; i < count; ++i) {
      FUZZ_CHECK(got[i] == expected[i], where() + ": row " + std::to_string(i) + " is " +
                                            escaped(got[i].key) + "=" + escaped(got[i].value) +
                                            ", expected " + escaped(expected[i].key) + "=" +
                                            escaped(expected[i].value));
    }
  }

  // A public range, recorded for phantom validation as the ledger records it. rows are the
  // rows the range showed, of which `handed` were available to the plugin and it read `seen`.
  void record_range(const std::string& start, const std::string& end,
                    const std::vector<scc::kv>& rows, std::size_t handed, std::size_t seen) {
    const space_model& committed = ns_.state;
    range_trace r{start, end, false, {}};
    if (run_.read_your_writes) {
      // Recorded when opened: the committed rows up to the last row handed out, or all of the
      // range when every row was, as if the plugin read them all.
      r.exhausted = rows.size() <= handed;
      if (!r.exhausted && handed == 0) return;  // a limit of 0: the plugin observed nothing
      if (!r.exhausted) r.end = rows[handed - 1].key;
      for (const auto* row : rows_in(committed, start, end)) {
        if (!r.exhausted && row->first > r.end) break;
        r.reads.emplace_back(row->first, row->second.at);
      }
    } else {
      // Recorded when closed: the rows the plugin read, up to the range's end only when it
      // read them all.
      r.exhausted = seen == rows.size();
      if (!r.exhausted && seen == 0) return;
      if (!r.exhausted) r.end = rows[seen - 1].key;
      for (std::size_t i = 0; i < seen; ++i) {
        r.reads.emplace_back(rows[i].key, committed.at(rows[i].key).at);
      }
    }
    my_trace().ranges.push_back(std::move(r));
  }

  std::size_t limit() const { return static_cast<std::size_t>(run_.query_limit); }

  // get_state_by_range / partial composite key, iterated for up to max_rows rows.
  void plain_range(const std::string& collection, const std::string& start, const std::string& end,
                   std::size_t max_rows, const std::optional<std::string>& shim_refusal,
                   const std::function<scc::state_query()>& open) {
    std::optional<std::string> expected = shim_refusal;
    if (!expected && !collection.empty()) {
      expected = private_refusal(collection);
      if (!expected && trace_.write_performed) {
        expected = txid_prefix() +
                   "Queries on pvt data is supported only in a read-only "
                   "transaction";
      }
    }
    std::vector<scc::kv> got;
    expect(failure_of([&] {
             scc::state_query query = open();
             while (got.size() < max_rows && query.has_next()) got.push_back(query.next());
           }),
           expected);
    if (expected) return;
    if (!collection.empty()) trace_.private_queries = true;
    const auto rows = visible_rows(collection, start, end);
    const std::size_t handed = std::min(rows.size(), limit());
    const std::size_t seen = std::min(handed, max_rows);
    check_rows(got, rows, seen);
    if (collection.empty()) record_range(start, end, rows, handed, seen);
  }

  // The paginated forms: a whole page.
  void paged_range(const std::string& start_key, const std::string& end, int32_t page_size,
                   const std::string& bookmark, const std::optional<std::string>& shim_refusal,
                   const std::function<scc::page()>& open) {
    const bool paginated = page_size != 0 || !bookmark.empty();
    std::optional<std::string> expected = shim_refusal;
    if (!expected && page_size < 0) {
      expected = "page size must not be negative, got " + std::to_string(page_size);
    }
    if (!expected && paginated && trace_.write_performed) {
      expected = txid_prefix() + "Paginated queries are supported only in a read-only transaction";
    }
    scc::page got;
    expect(failure_of([&] { got = open(); }), expected);
    if (expected) return;
    if (paginated) trace_.paginated_queries = true;
    const std::string start = bookmark.empty() ? start_key : bookmark;
    const auto rows = visible_rows("", start, end);
    const std::size_t page_limit =
        page_size > 0 ? std::min(static_cast<std::size_t>(page_size), limit()) : limit();
    const std::size_t seen = std::min(rows.size(), page_limit);
    check_rows(got.items, rows, seen);
    FUZZ_CHECK(got.fetched_records_count == static_cast<int32_t>(seen),
               where() + ": fetched_records_count " + std::to_string(got.fetched_records_count));
    const std::string bookmark_expected =
        paginated && seen == page_limit && rows.size() > seen ? rows[seen].key : "";
    FUZZ_CHECK(got.bookmark == bookmark_expected, where() + ": bookmark " + escaped(got.bookmark) +
                                                      ", expected " + escaped(bookmark_expected));
    record_range(start, end, rows, seen, seen);
  }

  void execute(const op& o) {
    const space_model& committed = ns_.state;
    switch (o.kind) {
      case op_kind::get: {
        std::optional<std::string> got;
        expect(failure_of([&] { got = stub_.get_state(o.key); }), std::nullopt);
        my_space("").read(o.key, committed);
        check_value(got, "", o.key);
        break;
      }
      case op_kind::get_multiple: {
        std::vector<std::optional<std::string>> got;
        expect(failure_of([&] { got = stub_.get_multiple_states(o.list); }), std::nullopt);
        FUZZ_CHECK(got.size() == o.list.size(), where() + ": get_multiple_states size");
        for (std::size_t i = 0; i < o.list.size(); ++i) {
          my_space("").read(o.list[i], committed);
          check_value(got[i], "", o.list[i]);
        }
        break;
      }
      case op_kind::put: {
        std::optional<std::string> expected;
        if (o.key.empty()) {
          expected = "key must not be an empty string";
        } else {
          expected = simulate_write("", o.key, o.value);
        }
        expect(failure_of([&] { stub_.put_state(o.key, o.value); }), expected);
        break;
      }
      case op_kind::del: {
        const auto expected = simulate_write("", o.key, "");
        expect(failure_of([&] { stub_.del_state(o.key); }), expected);
        break;
      }
      case op_kind::range: {
        const std::string start = o.key.empty() ? "\x01" : o.key;
        plain_range("", start, o.end, o.max_rows, simple_key_refusal(start, o.end),
                    [&] { return stub_.get_state_by_range(o.key, o.end); });
        break;
      }
      case op_kind::range_page: {
        const std::string start = o.key.empty() ? "\x01" : o.key;
        paged_range(start, o.end, o.page_size, o.bookmark, simple_key_refusal(start, o.end), [&] {
          return stub_.get_state_by_range_with_pagination(o.key, o.end, o.page_size, o.bookmark);
        });
        break;
      }
      case op_kind::partial: {
        const auto refused = composite_refusal(o.type, o.list);
        const std::string prefix = refused ? "" : scc::create_composite_key(o.type, o.list);
        plain_range("", prefix, prefix + std::string(scc::max_unicode_rune_utf8), o.max_rows,
                    refused,
                    [&] { return stub_.get_state_by_partial_composite_key(o.type, o.list); });
        break;
      }
      case op_kind::partial_page: {
        const auto refused = composite_refusal(o.type, o.list);
        const std::string prefix = refused ? "" : scc::create_composite_key(o.type, o.list);
        paged_range(prefix, prefix + std::string(scc::max_unicode_rune_utf8), o.page_size,
                    o.bookmark, refused, [&] {
                      return stub_.get_state_by_partial_composite_key_with_pagination(
                          o.type, o.list, o.page_size, o.bookmark);
                    });
        break;
      }
      case op_kind::get_private: {
        const auto expected = private_refusal(o.collection);
        std::optional<std::string> got;
        expect(failure_of([&] { got = stub_.get_private_data(o.collection, o.key); }), expected);
        if (expected) break;
        my_space(o.collection).read(o.key, ns_.space(o.collection));
        check_value(got, o.collection, o.key);
        break;
      }
      case op_kind::put_private: {
        // The shim checks the collection, then the key; the peer checks init, then writes.
        std::optional<std::string> expected;
        if (o.collection.empty()) {
          expected = "collection must not be an empty string";
        } else if (o.key.empty()) {
          expected = "key must not be an empty string";
        } else {
          expected = private_refusal(o.collection);
        }
        if (!expected) expected = simulate_write(o.collection, o.key, o.value);
        expect(failure_of([&] { stub_.put_private_data(o.collection, o.key, o.value); }), expected);
        break;
      }
      case op_kind::del_private: {
        std::optional<std::string> expected = private_refusal(o.collection);
        if (!expected) expected = simulate_write(o.collection, o.key, "");
        expect(failure_of([&] { stub_.del_private_data(o.collection, o.key); }), expected);
        break;
      }
      case op_kind::purge_private: {
        std::optional<std::string> expected = private_refusal(o.collection);
        if (!expected) expected = write_refusal();
        if (!expected) {
          trace_.write_performed = true;
          auto& writes = my_space(o.collection).writes;
          for (auto w = writes.begin(); w != writes.end();) {
            w = w->first == o.key ? writes.erase(w) : w + 1;
          }
          my_space(o.collection).purges.insert(o.key);
        }
        expect(failure_of([&] { stub_.purge_private_data(o.collection, o.key); }), expected);
        break;
      }
      case op_kind::private_hash: {
        const auto expected = private_refusal(o.collection);
        std::optional<std::string> got;
        expect(failure_of([&] { got = stub_.get_private_data_hash(o.collection, o.key); }),
               expected);
        if (expected) break;
        const space_model& space = ns_.space(o.collection);
        my_space(o.collection).read(o.key, space);
        const auto found = space.find(o.key);
        const std::optional<std::string> hash =
            found == space.end()
                ? std::nullopt
                : std::optional<std::string>(scc::ledger::private_data_hash(found->second.value));
        FUZZ_CHECK(got == hash, where() + ": private data hash of " + escaped(o.key));
        break;
      }
      case op_kind::private_range: {
        const std::string start = o.key.empty() ? "\x01" : o.key;
        std::optional<std::string> refused =
            o.collection.empty()
                ? std::optional<std::string>("collection must not be an empty string")
                : simple_key_refusal(start, o.end);
        plain_range(o.collection, start, o.end, o.max_rows, refused,
                    [&] { return stub_.get_private_data_by_range(o.collection, o.key, o.end); });
        break;
      }
      case op_kind::private_partial: {
        std::optional<std::string> refused;
        if (o.collection.empty()) refused = "collection must not be an empty string";
        if (!refused) refused = composite_refusal(o.type, o.list);
        const std::string prefix = refused ? "" : scc::create_composite_key(o.type, o.list);
        plain_range(o.collection, prefix, prefix + std::string(scc::max_unicode_rune_utf8),
                    o.max_rows, refused, [&] {
                      return stub_.get_private_data_by_partial_composite_key(o.collection, o.type,
                                                                             o.list);
                    });
        break;
      }
      case op_kind::set_policy: {
        auto expected = write_refusal();
        if (!expected) {
          trace_.write_performed = true;
          my_space("").metadata.insert_or_assign(o.key, o.value);
        }
        expect(failure_of([&] { stub_.set_state_validation_parameter(o.key, o.value); }), expected);
        break;
      }
      case op_kind::get_policy: {
        std::optional<std::string> got;
        expect(failure_of([&] { got = stub_.get_state_validation_parameter(o.key); }),
               std::nullopt);
        my_space("").read(o.key, committed);
        check_policy(got, committed, o.key);
        break;
      }
      case op_kind::set_private_policy: {
        std::optional<std::string> expected = private_refusal(o.collection);
        if (!expected) expected = write_refusal();
        if (!expected) {
          trace_.write_performed = true;
          my_space(o.collection).metadata.insert_or_assign(o.key, o.value);
        }
        expect(failure_of([&] {
                 stub_.set_private_data_validation_parameter(o.collection, o.key, o.value);
               }),
               expected);
        break;
      }
      case op_kind::get_private_policy: {
        const auto expected = private_refusal(o.collection);
        std::optional<std::string> got;
        expect(failure_of(
                   [&] { got = stub_.get_private_data_validation_parameter(o.collection, o.key); }),
               expected);
        if (expected) break;
        my_space(o.collection).read(o.key, ns_.space(o.collection));
        check_policy(got, ns_.space(o.collection), o.key);
        break;
      }
      case op_kind::event: {
        std::optional<std::string> expected;
        if (o.key.empty()) expected = "event name can not be empty string";
        expect(failure_of([&] { stub_.set_event(o.key, o.value); }), expected);
        if (!expected) ctx_.event = st::chaincode_event{o.key, o.value};
        break;
      }
      case op_kind::history: {
        std::vector<scc::key_modification> got;
        expect(failure_of([&] {
                 for (const auto& row : stub_.get_history_for_key(o.key)) got.push_back(row);
               }),
               std::nullopt);
        my_trace();  // the simulation knows the namespace now, though nothing is recorded
        const auto found = ns_.history.find(o.key);
        const std::size_t count = found == ns_.history.end() ? 0 : found->second.size();
        FUZZ_CHECK(got.size() == count, where() + ": history of " + escaped(o.key) + " has " +
                                            std::to_string(got.size()) + " entries, expected " +
                                            std::to_string(count));
        for (std::size_t i = 0; i < count; ++i) {
          const history_item& want = found->second[count - 1 - i];
          FUZZ_CHECK(got[i].tx_id == want.tx_id && got[i].value == want.value &&
                         got[i].is_delete == want.is_delete && got[i].timestamp == want.timestamp,
                     where() + ": history entry " + std::to_string(i) + " of " + escaped(o.key));
        }
        break;
      }
      case op_kind::rich: {
        expect(failure_of([&] {
                 if (o.collection.empty()) {
                   stub_.get_query_result(o.value);
                 } else {
                   stub_.get_private_data_query_result(o.collection, o.value);
                 }
               }),
               std::string("ExecuteQuery not supported for leveldb"));
        break;
      }
      case op_kind::call:
        call(o);
        break;
      case op_kind::tx_info: {
        FUZZ_CHECK(stub_.get_tx_id() == ctx_.tx_id, where() + ": tx id");
        FUZZ_CHECK(stub_.get_channel_id() == ctx_.channel, where() + ": channel id");
        FUZZ_CHECK(stub_.get_tx_timestamp() == ctx_.timestamp, where() + ": timestamp");
        FUZZ_CHECK(stub_.get_args() == std::vector<std::string>{std::to_string(ctx_.program_index)},
                   where() + ": args");
        break;
      }
      case op_kind::count:
        break;
    }
  }

  void check_value(const std::optional<std::string>& got, const std::string& collection,
                   const std::string& key) {
    const std::optional<std::string> want = visible(collection, key);
    FUZZ_CHECK(got == want, where() + ": read of " + escaped(key) + " gave " +
                                (got ? escaped(*got) : "nothing") + ", expected " +
                                (want ? escaped(*want) : "nothing"));
  }

  void check_policy(const std::optional<std::string>& got, const space_model& space,
                    const std::string& key) {
    const auto found = space.find(key);
    const std::optional<std::string> want = found == space.end() || found->second.policy.empty()
                                                ? std::nullopt
                                                : std::optional<std::string>(found->second.policy);
    FUZZ_CHECK(got == want, where() + ": policy of " + escaped(key));
  }

  void call(const op& o) {
    const bool same_channel = o.channel.empty() || o.channel == ctx_.channel;
    const std::string callee_channel = same_channel ? ctx_.channel : o.channel;
    std::optional<std::string> refusal;
    if (o.target != "fz" && o.target != "fy") {
      refusal = "chaincode " + o.target + " is not installed on this peer";
    } else if (o.target == "fy" && !run_.fy_cc2cc) {
      refusal = "system chaincode fy cannot be invoked with a cc2cc invocation";
    } else if (std::find(ctx_.chain.begin(), ctx_.chain.end(),
                         std::make_pair(o.target, callee_channel)) != ctx_.chain.end()) {
      // The peer keeps one context per (channel, tx id) and chaincode.
      refusal = "txid: " + ctx_.tx_id + "(" + callee_channel + ") exists";
    } else if (o.target == "fz" || !run_.fy_thread_safe) {
      // Running elsewhere in the transaction (another channel): its instance lock is held.
      for (auto frame = ctx_.chain.rbegin(); frame != ctx_.chain.rend(); ++frame) {
        if (frame->first != o.target) continue;
        refusal = "chaincode " + o.target + " is already running in this transaction (on channel " +
                  frame->second +
                  ") and is not thread-safe, so scc cannot enter it again from channel " +
                  callee_channel +
                  "; declare `static constexpr bool thread_safe = true;` in the plugin class to "
                  "allow it";
        break;
      }
    }
    sim_trace other{callee_channel, ctx_.tx_id, {}, false, false, false};
    call_context callee;
    callee.program_index = o.program;
    callee.ns = o.target;
    callee.channel = callee_channel;
    callee.tx_id = ctx_.tx_id;
    callee.timestamp = ctx_.timestamp;
    callee.trace = same_channel ? &trace_ : &other;
    callee.chain = ctx_.chain;
    callee.chain.emplace_back(o.target, callee_channel);

    run_.pending = &callee;
    const scc::response got =
        stub_.invoke_chaincode(o.target, {std::to_string(o.program)}, o.channel);
    run_.pending = nullptr;
    const scc::response want = refusal ? scc::response{500, *refusal, {}}
                                       : response_of(run_.programs[o.program], o.program);
    FUZZ_CHECK(callee.ran == !refusal,
               where() + ": callee " + o.target + " ran: " + std::to_string(callee.ran));
    FUZZ_CHECK(
        got.status == want.status && got.message == want.message && got.payload == want.payload,
        where() + ": call of " + o.target + " answered " + std::to_string(got.status) + " '" +
            got.message + "', expected " + std::to_string(want.status) + " '" + want.message + "'");
  }

  scc::stub& stub_;
  call_context& ctx_;
  run_state& run_;
  ns_model& ns_;
  sim_trace& trace_;
  std::size_t step_ = 0;
};

template <int Tag>
class fuzz_plugin {
 public:
  scc::response init(scc::stub& stub) { return enter(stub, true); }
  scc::response invoke(scc::stub& stub) { return enter(stub, false); }

 private:
  static const char* name() { return Tag == 0 ? "fz" : "fy"; }

  scc::response enter(scc::stub& stub, bool is_init) {
    call_context* ctx = std::exchange(g_run->pending, nullptr);
    FUZZ_CHECK(ctx != nullptr, std::string(name()) + " ran without being called");
    FUZZ_CHECK(ctx->ns == name(), "called " + ctx->ns + ", ran " + name());
    FUZZ_CHECK(ctx->is_init == is_init, std::string("init/invoke mix-up in ") + name());
    ctx->ran = true;
    return executor(stub, *ctx).run();
  }
};

// fy in the configurations where it declares itself thread-safe.
class fuzz_plugin_thread_safe : public fuzz_plugin<1> {
 public:
  static constexpr bool thread_safe = true;
};

// ---------------------------------------------------------------------------------------------
// The driver side: transactions, blocks, and the model's validation and commit.

struct submitted {
  st::endorsement endorsement;
  std::unique_ptr<sim_trace> trace;
  std::optional<st::chaincode_event> event;
};

using update_set = std::map<std::pair<std::string, std::string>, std::set<std::string>>;

validation_code model_validate(const channel_model& ch, const submitted& tx,
                               const update_set& updates) {
  if (tx.endorsement.response.status >= 400) return validation_code::endorsement_policy_failure;
  if (ch.tx_ids.count(tx.endorsement.tx_id) != 0) return validation_code::duplicate_txid;
  const auto updated = [&](const std::string& ns, const std::string& collection) {
    const auto found = updates.find({ns, collection});
    return found == updates.end() ? nullptr : &found->second;
  };
  const auto space_now = [&](const std::string& ns, const std::string& collection) {
    static const space_model nothing;
    const auto n = ch.namespaces.find(ns);
    if (n == ch.namespaces.end()) return &nothing;
    if (collection.empty()) return &n->second.state;
    const auto c = n->second.collections.find(collection);
    return c == n->second.collections.end() ? &nothing : &c->second;
  };
  const auto reads_conflict = [&](const std::string& ns, const std::string& collection,
                                  const space_trace& s) {
    const auto* changed = updated(ns, collection);
    for (const auto& [key, seen] : s.reads) {
      if (changed != nullptr && changed->count(key) != 0) return true;
      if (version_of(*space_now(ns, collection), key) != seen) return true;
    }
    return false;
  };
  for (const auto& [ns, trace] : tx.trace->namespaces) {
    if (reads_conflict(ns, "", trace.state)) return validation_code::mvcc_read_conflict;
    for (const auto& [collection, s] : trace.collections) {
      if (reads_conflict(ns, collection, s)) return validation_code::mvcc_read_conflict;
    }
  }
  for (const auto& [ns, trace] : tx.trace->namespaces) {
    const space_model& now = *space_now(ns, "");
    for (const range_trace& range : trace.ranges) {
      const auto within = [&range](const std::string& key) {
        if (range.exhausted) return range.end.empty() || key < range.end;
        return key <= range.end;
      };
      std::vector<std::pair<std::string, version>> rows;
      for (auto row = now.lower_bound(range.start); row != now.end() && within(row->first); ++row) {
        rows.emplace_back(row->first, row->second.at);
      }
      if (rows != range.reads) return validation_code::phantom_read_conflict;
      if (const auto* changed = updated(ns, "")) {
        const auto key = changed->lower_bound(range.start);
        if (key != changed->end() && within(*key)) return validation_code::phantom_read_conflict;
      }
    }
  }
  return validation_code::valid;
}

void note_updates(const sim_trace& trace, update_set& updates) {
  for (const auto& [name, t] : trace.namespaces) {
    const std::string& ns = name;
    const auto note = [&](const std::string& collection, const space_trace& s) {
      auto& keys = updates[{ns, collection}];
      for (const auto& write : s.writes) keys.insert(write.first);
      for (const auto& write : s.metadata) keys.insert(write.first);
      for (const auto& key : s.purges) keys.insert(key);
    };
    note("", t.state);
    for (const auto& [collection, s] : t.collections) note(collection, s);
  }
}

void apply_space(space_model& space, std::set<std::string>& touched, const space_trace& s,
                 version at, std::map<std::string, std::vector<history_item>>* history,
                 const std::string& tx_id, scc::timestamp timestamp) {
  for (const auto& [key, value] : s.last_writes()) {
    touched.insert(key);
    if (value.empty()) {
      space.erase(key);
    } else {
      entry& e = space[key];  // an overwrite keeps the key's policy
      e.value = value;
      e.at = at;
    }
    if (history != nullptr) (*history)[key].push_back({tx_id, value, value.empty(), timestamp});
  }
  for (const auto& [key, policy] : s.metadata) {
    const auto found = space.find(key);
    if (found == space.end()) continue;  // metadata of an absent key is dropped
    found->second.policy = policy;
    found->second.at = at;
  }
  for (const auto& key : s.purges) {
    touched.insert(key);
    space.erase(key);
  }
}

void model_apply(channel_model& ch, const submitted& tx, version at) {
  for (const auto& [name, t] : tx.trace->namespaces) {
    ns_model& ns = ch.namespaces[name];
    apply_space(ns.state, ns.touched, t.state, at, &ns.history, tx.endorsement.tx_id,
                tx.endorsement.timestamp);
    for (const auto& [collection, s] : t.collections) {
      apply_space(ns.collections[collection], ns.touched_private[collection], s, at, nullptr, {},
                  {});
    }
  }
}

class driver {
 public:
  explicit driver(scc_fuzz::input& in) : in_(in) {
    const uint8_t config = in.byte();
    static constexpr int32_t limits[] = {3, 5, 100000, 0};
    run_.query_limit = limits[config & 3];
    run_.fy_external = (config & 4) == 0;
    run_.fy_cc2cc = (config & 8) == 0;
    run_.read_your_writes = (config & 0x10) != 0;
    run_.fy_thread_safe = (config & 0x20) != 0;
    run_.channels["ch1"];
    run_.channels["ch2"];
    g_run = &run_;

    st::harness::options options;
    options.channel = "ch1";
    options.ledger.total_query_limit = run_.query_limit;
    options.read_your_writes = run_.read_your_writes;
    harness_ = std::make_unique<st::harness>(options);
    harness_->install<fuzz_plugin<0>>("fz");
    if (run_.fy_thread_safe) {
      harness_->install<fuzz_plugin_thread_safe>("fy", {run_.fy_external, run_.fy_cc2cc});
    } else {
      harness_->install<fuzz_plugin<1>>("fy", {run_.fy_external, run_.fy_cc2cc});
    }
  }
  ~driver() { g_run = nullptr; }

  void run() {
    for (int steps = 0; steps < 48 && !in_.empty(); ++steps) {
      const std::size_t kind = in_.below(9);
      const std::string channel = in_.below(4) == 3 ? "ch2" : "ch1";
      if (kind >= 7) {
        commit(channel);
      } else {
        transaction(kind, channel);
      }
      check_ledger();
    }
  }

 private:
  enum { invoke_kind = 0, query_kind = 3, init_kind = 4, endorse_kind = 5 };

  std::string next_tx_id() {
    const uint8_t b = in_.byte();
    if (b >= 0xE0 && !used_ids_.empty()) return used_ids_[b % used_ids_.size()];
    used_ids_.push_back("tx" + std::to_string(used_ids_.size()));
    return used_ids_.back();
  }

  void transaction(std::size_t kind, const std::string& channel) {
    static const std::vector<std::string> chaincodes = {"fz", "fz", "fy", "nx"};
    const std::string chaincode = chaincodes[in_.below(chaincodes.size())];
    const std::string tx_id = next_tx_id();
    const std::size_t index = decode_program(in_, 0);
    const scc::timestamp timestamp{1767225600 + static_cast<int64_t>(++clock_), 7};
    const bool is_init = kind == init_kind;

    auto tx = std::make_unique<submitted>();
    tx->trace = std::make_unique<sim_trace>(sim_trace{channel, tx_id, {}, false, false, false});
    call_context ctx;
    ctx.program_index = index;
    ctx.ns = chaincode;
    ctx.channel = channel;
    ctx.tx_id = tx_id;
    ctx.timestamp = timestamp;
    ctx.is_init = is_init;
    ctx.trace = tx->trace.get();
    ctx.chain = {{chaincode, channel}};

    std::optional<std::string> refusal;
    if (chaincode == "nx") refusal = "chaincode nx is not installed on this peer";
    if (chaincode == "fy" && !run_.fy_external) {
      refusal = "chaincode fy cannot be invoked through a proposal";
    }

    st::tx_options options;
    options.channel = channel;
    options.tx_id = tx_id;
    options.timestamp = timestamp;
    run_.pending = &ctx;
    const std::vector<std::string> args{std::to_string(index)};
    st::endorsement endorsed;
    std::optional<st::tx_result> result;
    if (kind < query_kind) {
      result = harness_->invoke(chaincode, args, options);
    } else if (kind == query_kind) {
      result = harness_->query(chaincode, args, options);
    } else if (kind == init_kind) {
      result = harness_->init(chaincode, args, options);
    } else {
      endorsed = harness_->endorse(chaincode, args, options);
    }
    run_.pending = nullptr;

    FUZZ_CHECK(ctx.ran == !refusal, chaincode + " ran: " + std::to_string(ctx.ran));
    const scc::response want =
        refusal ? scc::response{500, *refusal, {}} : response_of(run_.programs[index], index);
    const scc::response& got = result ? result->response : endorsed.response;
    FUZZ_CHECK(
        got.status == want.status && got.message == want.message && got.payload == want.payload,
        tx_id + " answered " + std::to_string(got.status) + " '" + got.message + "', expected " +
            std::to_string(want.status) + " '" + want.message + "'");
    const auto& rwset = result ? result->rwset : endorsed.rwset;
    FUZZ_CHECK(rwset != nullptr, tx_id + ": no read/write set");
    const norm_tx expected = normalize(*tx->trace);
    const norm_tx actual = normalize(*rwset);
    FUZZ_CHECK(expected == actual,
               tx_id + ": read/write set" + show(actual) + "\n  expected" + show(expected));
    tx->event = ctx.event;
    static const char* const kinds[] = {"invoke", "invoke",  "invoke", "query",
                                        "init",   "endorse", "endorse"};
    verbose(std::string(kinds[kind]) + " " + tx_id + " " + chaincode + "@" + channel + " program " +
            std::to_string(index) + ": " + std::to_string(got.status) + " " + got.message +
            show(actual));

    if (kind == endorse_kind || kind == endorse_kind + 1) {
      tx->endorsement = std::move(endorsed);
      pending_[channel].push_back(std::move(tx));
      return;
    }
    if (kind >= query_kind || got.status >= 400) {
      // Nothing reaches a block: check_ledger() sees that nothing changed.
      FUZZ_CHECK(result->code == validation_code::not_validated, tx_id + ": validated");
      FUZZ_CHECK(!result->event && !result->block_number, tx_id + ": event or block");
      return;
    }
    tx->endorsement.tx_id = tx_id;
    tx->endorsement.response = got;
    tx->endorsement.timestamp = timestamp;
    std::vector<std::unique_ptr<submitted>> block;
    block.push_back(std::move(tx));
    check_block(channel, block, {*result});
  }

  void commit(const std::string& channel) {
    auto block = std::move(pending_[channel]);
    pending_[channel].clear();
    std::vector<st::endorsement> endorsements;
    for (const auto& tx : block) endorsements.push_back(tx->endorsement);
    const auto results = harness_->commit_block(std::move(endorsements));
    if (block.empty()) {
      FUZZ_CHECK(results.empty(), "an empty block gave results");
      return;
    }
    check_block(channel, block, results);
  }

  // Validates the block in the model, checks the ledger's codes and events, and applies it.
  void check_block(const std::string& channel, const std::vector<std::unique_ptr<submitted>>& block,
                   const std::vector<st::tx_result>& results) {
    channel_model& ch = model(channel);
    FUZZ_CHECK(results.size() == block.size(), "one result per transaction");
    update_set updates;
    std::set<std::string> ids_in_block;
    std::vector<validation_code> codes;
    for (const auto& tx : block) {
      validation_code code = model_validate(ch, *tx, updates);
      const bool repeated = !ids_in_block.insert(tx->endorsement.tx_id).second;
      if (code == validation_code::valid && repeated) code = validation_code::duplicate_txid;
      if (code == validation_code::valid) note_updates(*tx->trace, updates);
      codes.push_back(code);
    }
    const uint64_t number = ch.height;
    for (std::size_t i = 0; i < block.size(); ++i) {
      const auto& tx = *block[i];
      const auto& result = results[i];
      verbose("  block " + std::to_string(number) + "." + std::to_string(i) + " " +
              tx.endorsement.tx_id + ": " + std::string(scc::ledger::name(result.code)));
      FUZZ_CHECK(result.code == codes[i],
                 tx.endorsement.tx_id + " in block " + std::to_string(number) + " position " +
                     std::to_string(i) + ": " + std::string(scc::ledger::name(result.code)) +
                     ", the model says " + std::string(scc::ledger::name(codes[i])));
      FUZZ_CHECK(result.block_number == number, tx.endorsement.tx_id + ": block number");
      const bool committed = codes[i] == validation_code::valid;
      FUZZ_CHECK(result.event == (committed ? tx.event : std::nullopt),
                 tx.endorsement.tx_id + ": event " + (result.event ? result.event->name : "none"));
      if (committed) model_apply(ch, tx, version{number, i});
      ch.tx_ids.insert(tx.endorsement.tx_id);
    }
    ++ch.height;
    const auto stored = harness_->channel(channel).block_at(number);
    FUZZ_CHECK(stored && stored->transactions.size() == block.size(), "block not stored");
    for (std::size_t i = 0; i < block.size(); ++i) {
      FUZZ_CHECK(stored->transactions[i].code == codes[i] &&
                     stored->transactions[i].tx_id == block[i]->endorsement.tx_id,
                 "stored block differs");
    }
  }

  channel_model& model(const std::string& channel) { return run_.channels[channel]; }

  // Committed state, policies, history and height equal the model's, key by key.
  void check_ledger() {
    for (auto& [name, ch] : run_.channels) {
      st::channel& actual = harness_->channel(name);
      FUZZ_CHECK(actual.height() == ch.height, name + ": height " +
                                                   std::to_string(actual.height()) + ", model " +
                                                   std::to_string(ch.height));
      for (auto& [ns_name, ns] : ch.namespaces) {
        FUZZ_CHECK(actual.size(ns_name) == ns.state.size(), name + "/" + ns_name + ": size");
        for (const auto& key : ns.touched) {
          check_key(actual.state(ns_name, key), actual.validation_parameter(ns_name, "", key),
                    ns.state, name + "/" + ns_name, key);
          const auto history = actual.history(ns_name, key);
          const auto& want = ns.history[key];
          FUZZ_CHECK(history.size() == want.size(),
                     name + "/" + ns_name + ": history of " + escaped(key));
          for (std::size_t i = 0; i < want.size(); ++i) {
            const auto& w = want[want.size() - 1 - i];
            FUZZ_CHECK(history[i].tx_id == w.tx_id && history[i].value == w.value &&
                           history[i].is_delete == w.is_delete &&
                           history[i].timestamp == w.timestamp,
                       name + "/" + ns_name + ": history entry of " + escaped(key));
          }
        }
        for (const auto& [collection, keys] : ns.touched_private) {
          for (const auto& key : keys) {
            check_key(actual.private_data(ns_name, collection, key),
                      actual.validation_parameter(ns_name, collection, key),
                      ns.collections[collection], name + "/" + ns_name + "/" + collection, key);
          }
        }
      }
    }
  }

  static void check_key(const std::optional<std::string>& value,
                        const std::optional<std::string>& policy, const space_model& space,
                        const std::string& where, const std::string& key) {
    const auto found = space.find(key);
    const std::optional<std::string> want_value =
        found == space.end() ? std::nullopt : std::optional<std::string>(found->second.value);
    FUZZ_CHECK(value == want_value, where + ": committed " + escaped(key) + " is " +
                                        (value ? escaped(*value) : "absent") + ", model " +
                                        (want_value ? escaped(*want_value) : "absent"));
    const std::optional<std::string> want_policy =
        found == space.end() || found->second.policy.empty()
            ? std::nullopt
            : std::optional<std::string>(found->second.policy);
    FUZZ_CHECK(policy == want_policy, where + ": policy of " + escaped(key));
  }

  scc_fuzz::input& in_;
  run_state run_;
  std::unique_ptr<st::harness> harness_;
  std::map<std::string, std::vector<std::unique_ptr<submitted>>> pending_;
  std::vector<std::string> used_ids_;
  uint64_t clock_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  scc_fuzz::input in(data, size);
  driver(in).run();
  return 0;
}
