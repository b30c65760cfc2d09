// stress_support.hpp - what scc-peer's load, crash and resource tests share: their sizes (from
// environment variables), the token ledger they drive, and an audit of the stored blocks
// against what the test sent and what the peer acknowledged.
//
// The ledger: one or more channels with the token fixture (../test/fixtures/token_plugin.cpp).
// Each channel's accounts acct0..acct<N-1> are set once ("set"), then only moved by
// "transfer FROM TO AMOUNT", which reads and writes both balances, so the sum over the
// accounts (the supply) never changes and concurrent transfers conflict (MVCC_READ_CONFLICT).
#ifndef SCC_PEER_STRESS_SUPPORT_HPP
#define SCC_PEER_STRESS_SUPPORT_HPP

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "block_store.hpp"
#include "peer_harness.hpp"

namespace scc::peer::stress {

namespace fs = std::filesystem;

// True in the ASan+UBSan build (-DSCC_SANITIZE=ON), whose default counts are smaller.
inline constexpr bool sanitized = SCC_STRESS_SANITIZED != 0;

// A count from the environment (e.g. SCC_STRESS_CLIENTS=64), else the default for this build.
inline long long env_count(const char* name, long long normal, long long in_sanitizer_build) {
  const long long fallback = sanitized ? in_sanitizer_build : normal;
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) return fallback;
  return value;
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// VmRSS of a process in KiB (/proc/PID/status), 0 if it cannot be read.
inline long long rss_kib(pid_t pid = 0) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status")
                            : "/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

inline std::string mib(long long kib) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << static_cast<double>(kib) / 1024.0 << " MiB";
  return out.str();
}

inline std::string account(int index) { return "acct" + std::to_string(index); }

// An invoke the test sent, by transaction id.
struct sent_invoke {
  std::string channel;
  bool is_set = false;  // set ACCOUNT AMOUNT; otherwise transfer FROM TO AMOUNT
  int from = 0;         // the account set, or the payer
  int to = 0;
  long long amount = 0;
};

// The peer's answer to an invoke that reached a block (in_block).
struct acknowledged {
  std::string tx_id;
  std::string channel;
  uint64_t block = 0;
  std::string code;  // validation code name
};

// What the test knows of the transactions it sent. Threads add to it under the mutex.
struct journal {
  std::mutex mutex;
  std::map<std::string, sent_invoke> sent;
  std::vector<acknowledged> acks;
  // Refused before ordering (status >= 400, NOT_VALIDATED): must be in no block.
  std::set<std::string> refused;

  void note_sent(const std::string& tx_id, sent_invoke what) {
    const std::lock_guard<std::mutex> lock(mutex);
    sent.emplace(tx_id, std::move(what));
  }
  void note_ack(acknowledged ack) {
    const std::lock_guard<std::mutex> lock(mutex);
    acks.push_back(std::move(ack));
  }
  void note_refused(const std::string& tx_id) {
    const std::lock_guard<std::mutex> lock(mutex);
    refused.insert(tx_id);
  }
};

// What the stored blocks of one channel say, checked against the journal.
struct channel_audit {
  uint64_t height = 0;  // stored height: blocks + 1 (the genesis block is implicit)
  uint64_t records = 0;
  uint64_t valid = 0;
  uint64_t conflicts = 0;   // MVCC_READ_CONFLICT records
  uint64_t duplicates = 0;  // DUPLICATE_TXID records
  // Balances from replaying the stored valid transactions; nullopt: never set.
  std::vector<std::optional<long long>> balances;
};

struct audit_result {
  std::map<std::string, channel_audit> channels;
  uint64_t acks_matched = 0;
  // Stored transactions no reply acknowledged (their replies were lost in a kill).
  uint64_t unacknowledged_records = 0;
  std::vector<std::string> unacknowledged;  // "channel block N tx I (ID): CODE", the first 10000
  // Every transaction id in the blocks.
  std::set<std::string> stored_ids;
  std::vector<std::string> problems;

  std::string report(std::size_t at_most = 25) const {
    std::string text;
    for (std::size_t index = 0; index < problems.size() && index < at_most; ++index) {
      text += problems[index] + "\n";
    }
    if (problems.size() > at_most) {
      text += "... and " + std::to_string(problems.size() - at_most) + " more\n";
    }
    return text;
  }
};

inline std::string describe(const sent_invoke& what) {
  if (what.is_set) return "set " + account(what.from) + " " + std::to_string(what.amount);
  return "transfer " + account(what.from) + " " + account(what.to) + " " +
         std::to_string(what.amount);
}

// Reads every block of the given channels from a stopped peer's ledger (LevelDB folder
// ledgers_data) and checks them against the journal:
//   - every transaction in a block was sent by the test, to that channel, for the token plugin;
//   - no transaction id is valid more than once; a DUPLICATE_TXID record repeats an earlier one;
//   - each valid record is whole: it wrote exactly the balances the replay expects (both sides
//     of a transfer), and no balance goes negative; invalid records change nothing;
//   - every acknowledgement (tx id, block, code) is one stored record, each record matched at
//     most once; if every_record_acknowledged, no record is left unmatched;
//   - no refused transaction is in a block;
//   - the stored state of every account equals the replay.
// The folder is copied first, so that LevelDB's recovery of a killed peer's log happens in the
// copy and the peer itself still meets its ledger as the kill left it.
inline audit_result audit_ledger(const fs::path& ledgers_data, const fs::path& scratch,
                                 const std::vector<std::string>& channels, int accounts,
                                 journal& known, bool every_record_acknowledged) {
  audit_result out;
  std::error_code ignored;
  fs::remove_all(scratch, ignored);
  fs::copy(ledgers_data, scratch, fs::copy_options::recursive);
  fs::remove(scratch / "LOCK", ignored);

  const std::lock_guard<std::mutex> lock(known.mutex);
  // (tx id, channel, block) -> acknowledged codes not yet matched to a record.
  std::map<std::tuple<std::string, std::string, uint64_t>, std::multiset<std::string>> waiting;
  for (const acknowledged& ack : known.acks) {
    waiting[{ack.tx_id, ack.channel, ack.block}].insert(ack.code);
  }
  const auto problem = [&out](std::string text) {
    if (out.problems.size() < 10000) out.problems.push_back(std::move(text));
  };

  block_store store(scratch);
  for (const std::string& channel : channels) {
    channel_audit& audit = out.channels[channel];
    audit.balances.assign(static_cast<std::size_t>(accounts), std::nullopt);
    std::map<std::string, int> valid_count;
    std::set<std::string> seen;
    const auto apply = [&](ledger::block block) {
      for (std::size_t index = 0; index < block.transactions.size(); ++index) {
        const ledger::transaction_record& tx = block.transactions[index];
        const std::string at = "channel " + channel + " block " + std::to_string(block.number) +
                               " tx " + std::to_string(index) + " (" + tx.tx_id + ")";
        const std::string code(ledger::name(tx.code));
        ++audit.records;
        out.stored_ids.insert(tx.tx_id);
        const bool repeated = !seen.insert(tx.tx_id).second;
        const auto found = waiting.find({tx.tx_id, channel, block.number});
        if (found != waiting.end() && found->second.count(code) != 0) {
          found->second.erase(found->second.find(code));
          ++out.acks_matched;
        } else {
          ++out.unacknowledged_records;
          if (out.unacknowledged.size() < 10000) out.unacknowledged.push_back(at + ": " + code);
          if (every_record_acknowledged) {
            problem(at + ": " + code + " in the ledger, but no reply acknowledged it so");
          }
        }
        if (known.refused.count(tx.tx_id) != 0) {
          problem(at + ": refused before ordering (status >= 400), yet in a block");
        }
        const auto sent = known.sent.find(tx.tx_id);
        if (sent == known.sent.end() || sent->second.channel != channel) {
          problem(at + ": a transaction the test never sent to this channel");
          continue;
        }
        if (tx.chaincode != "token") problem(at + ": chaincode '" + tx.chaincode + "'");
        const sent_invoke& what = sent->second;
        if (tx.code == ledger::validation_code::duplicate_txid) {
          ++audit.duplicates;
          if (!repeated) problem(at + ": DUPLICATE_TXID, but its id is in no earlier record");
          continue;
        }
        if (tx.code == ledger::validation_code::mvcc_read_conflict) {
          ++audit.conflicts;
          continue;
        }
        if (tx.code != ledger::validation_code::valid) {
          problem(at + ": unexpected validation code " + code);
          continue;
        }
        ++audit.valid;
        if (++valid_count[tx.tx_id] > 1) problem(at + ": VALID a second time (applied twice)");
        // The writes a whole transaction makes, in key order (ns_rwset sorts them).
        std::map<std::string, std::string> expected;
        auto& from = audit.balances[static_cast<std::size_t>(what.from)];
        auto& to = audit.balances[static_cast<std::size_t>(what.to)];
        if (what.is_set) {
          from = what.amount;
          expected["acct:" + account(what.from)] = std::to_string(what.amount);
        } else {
          from = from.value_or(0) - what.amount;
          to = to.value_or(0) + what.amount;
          if (*from < 0)
            problem(at + ": " + describe(what) + " overdraws to " + std::to_string(*from));
          expected["acct:" + account(what.from)] = std::to_string(*from);
          expected["acct:" + account(what.to)] = std::to_string(*to);
        }
        std::map<std::string, std::string> written;
        for (const ledger::ns_rwset& ns : tx.rwset->namespaces) {
          for (const ledger::kv_write& write : ns.writes) {
            written[ns.ns + "/" + write.key] = write.is_delete ? "<deleted>" : write.value;
          }
        }
        std::map<std::string, std::string> expected_writes;
        for (const auto& [key, value] : expected) expected_writes["token/" + key] = value;
        if (written != expected_writes) {
          std::string text = at + ": " + describe(what) + " is not whole; it wrote";
          for (const auto& [key, value] : written) text += " " + key + "=" + value;
          text += "; expected";
          for (const auto& [key, value] : expected_writes) text += " " + key + "=" + value;
          problem(text);
        }
      }
    };
    try {
      audit.height = store.load_blocks(channel, apply);
    } catch (const std::exception& failure) {
      problem("channel " + channel + ": cannot read the blocks: " + failure.what());
      continue;
    }
    if (store.stored_height(channel) != audit.height) {
      problem("channel " + channel + ": stored height " +
              std::to_string(store.stored_height(channel)) + ", but " +
              std::to_string(audit.height - 1) + " blocks");
    }
    for (int index = 0; index < accounts; ++index) {
      const std::optional<std::string> stored =
          store.state(channel, "token", "acct:" + account(index));
      const std::optional<long long>& replayed = audit.balances[static_cast<std::size_t>(index)];
      const std::optional<std::string> expected =
          replayed ? std::optional<std::string>(std::to_string(*replayed)) : std::nullopt;
      if (stored != expected) {
        problem("channel " + channel + ": stored state of " + account(index) + " is " +
                stored.value_or("<absent>") + ", the blocks give " + expected.value_or("<absent>"));
      }
    }
  }
  for (const auto& [where, codes] : waiting) {
    for (const std::string& code : codes) {
      problem("acknowledged " + code + " in block " + std::to_string(std::get<2>(where)) +
              " of channel " + std::get<1>(where) +
              ", but not in the ledger: " + std::get<0>(where));
    }
  }
  return out;
}

inline long long sum(const std::vector<std::optional<long long>>& balances) {
  long long total = 0;
  for (const auto& balance : balances) total += balance.value_or(0);
  return total;
}

// The peer's channel heights, from node_status over the wire.
inline std::map<std::string, uint64_t> heights(client& connection) {
  Request request;
  request.mutable_node_status();
  const Reply reply = connection.call(request, test::reply_timeout);
  std::map<std::string, uint64_t> out;
  for (const ChannelInfo& info : reply.status().channels()) out[info.name()] = info.height();
  return out;
}

// A query's payload (status 200 expected), or "<status N: message>".
inline std::string query(client& connection, test::proposer& make,
                         const std::vector<std::string>& args) {
  const Reply reply = connection.call(make.make(false, "token", args), test::reply_timeout);
  if (!reply.has_invocation()) return "<no invocation: " + reply.ShortDebugString() + ">";
  const Response& response = reply.invocation().response();
  if (response.status() != 200) {
    return "<status " + std::to_string(response.status()) + ": " + response.message() + ">";
  }
  return response.payload();
}

// A core.yaml running only the token fixture.
inline std::string token_yaml() { return test::core_yaml({{"token", SCC_PEER_TOKEN}}); }

}  // namespace scc::peer::stress

#endif  // SCC_PEER_STRESS_SUPPORT_HPP
