// Load: many clients, each on its own connection with several requests in flight, send a mix of
// token transfers (some overdrawn on purpose, some resent under the same transaction id) and
// queries to one scc-peer. Then: every query saw the whole supply; every transfer acknowledged
// VALID is in the ledger exactly once and whole; conflicts and duplicates changed nothing;
// refused transfers are in no block; the balances the peer serves equal a replay of the blocks.
//
// Sizes (environment):  SCC_STRESS_CLIENTS       clients (default 64)
//                       SCC_STRESS_OPS           requests per client (default 1000; ASan 250)
//                       SCC_STRESS_WINDOW        requests in flight per client (default 4)
// e.g. SCC_STRESS_OPS=5000 build/tools/scc-peer/stress/scc_peer_stress_load_test
#include <atomic>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "stress_support.hpp"
#include <doctest/doctest.h>

using namespace scc::peer;
using namespace scc::peer::test;
using namespace scc::peer::stress;

namespace {

constexpr const char* channel = "load";
constexpr int accounts = 64;
constexpr long long opening_balance = 100000;
constexpr long long supply = accounts * opening_balance;

enum class op { transfer, overdraft, resend, balance, total };

struct outcome_counts {
  std::atomic<uint64_t> valid{0}, conflicts{0}, duplicates{0}, refused{0}, queries{0};
};

// One client: its own connection and proposer, `window` requests in flight, `ops` requests.
// Appends what it learns to the journal; anything unexpected goes to problems.
void run_client(const std::string& address, int seed, int ops, int window, journal& known,
                outcome_counts& counts, std::vector<std::string>& problems) {
  std::mt19937 random(static_cast<unsigned>(seed) * 2654435761u + 1u);
  client connection(address);
  proposer make(channel);
  struct pending {
    op kind;
    std::string tx_id;
    Request request;
  };
  std::map<uint64_t, pending> in_flight;
  std::vector<Request> resendable;  // invokes of this client that reached a block
  const auto fail = [&problems](std::string text) {
    if (problems.size() < 100) problems.push_back(std::move(text));
  };
  int sent = 0;
  while (sent < ops || !in_flight.empty()) {
    while (sent < ops && static_cast<int>(in_flight.size()) < window) {
      const unsigned pick = random() % 100;
      op kind = pick < 55   ? op::transfer
                : pick < 60 ? op::overdraft
                : pick < 70 ? op::resend
                : pick < 90 ? op::balance
                            : op::total;
      if (kind == op::resend && resendable.empty()) kind = op::transfer;
      Request request;
      sent_invoke what;
      if (kind == op::resend) {
        request = resendable[random() % resendable.size()];
      } else if (kind == op::transfer || kind == op::overdraft) {
        what.channel = channel;
        what.from = static_cast<int>(random() % accounts);
        what.to = static_cast<int>((what.from + 1 + random() % (accounts - 1)) % accounts);
        what.amount =
            kind == op::overdraft ? supply + 1 : 1 + static_cast<long long>(random() % 100);
        request = make.make(
            true, "token",
            {"transfer", account(what.from), account(what.to), std::to_string(what.amount)});
      } else if (kind == op::balance) {
        request =
            make.make(false, "token", {"balance", account(static_cast<int>(random() % accounts))});
      } else {
        request = make.make(false, "token", {"total"});
      }
      request.set_request_id(connection.next_request_id());
      const std::string tx_id =
          request.has_invoke() ? request.invoke().tx_id() : request.query().tx_id();
      if (kind == op::transfer || kind == op::overdraft) known.note_sent(tx_id, what);
      connection.send(request);
      const uint64_t request_id = request.request_id();
      in_flight.emplace(request_id, pending{kind, tx_id, std::move(request)});
      ++sent;
    }
    const Reply reply = connection.receive(reply_timeout);
    const auto found = in_flight.find(reply.request_id());
    if (found == in_flight.end() || !reply.has_invocation()) {
      fail("unexpected reply: " + reply.ShortDebugString());
      if (found == in_flight.end()) return;
      in_flight.erase(found);
      continue;
    }
    pending done = std::move(found->second);
    in_flight.erase(found);
    const InvocationResult& result = reply.invocation();
    const std::string code = result.validation_code_name();
    const std::string what = " (" + done.tx_id + "): " + result.ShortDebugString();
    if (result.tx_id() != done.tx_id) fail("reply for another transaction" + what);
    switch (done.kind) {
      case op::transfer:
      case op::resend:
        if (!result.in_block()) {
          fail("an invoke that never reached a block" + what);
          break;
        }
        known.note_ack({done.tx_id, channel, result.block_number(), code});
        if (done.kind == op::transfer) resendable.push_back(done.request);
        if (code == "VALID") {
          ++counts.valid;
          if (done.kind == op::resend) fail("a resent transaction was VALID again" + what);
          if (result.response().status() != 200 || !result.has_event()) {
            fail("VALID without status 200 and its event" + what);
          }
        } else if (code == "MVCC_READ_CONFLICT" && done.kind == op::transfer) {
          ++counts.conflicts;
          if (result.has_event()) fail("an event for an invalid transaction" + what);
        } else if (code == "DUPLICATE_TXID" && done.kind == op::resend) {
          ++counts.duplicates;
          if (result.has_event()) fail("an event for an invalid transaction" + what);
        } else {
          fail("unexpected validation code" + what);
        }
        break;
      case op::overdraft:
        ++counts.refused;
        known.note_refused(done.tx_id);
        if (result.in_block() || code != "NOT_VALIDATED" || result.response().status() != 400) {
          fail("an overdraft was not refused with 400" + what);
        }
        break;
      case op::balance:
      case op::total: {
        ++counts.queries;
        if (result.in_block() || code != "NOT_VALIDATED" || result.response().status() != 200) {
          fail("a query was not answered 200, outside any block" + what);
          break;
        }
        const long long value = std::stoll(result.response().payload());
        if (done.kind == op::total && value != supply) {
          fail("a query of the total saw " + std::to_string(value) + ", not the supply" + what);
        }
        if (value < 0) fail("a negative balance" + what);
        break;
      }
    }
  }
}

}  // namespace

TEST_CASE(
    "load: concurrent clients' transfers and queries conserve the supply; each acknowledged "
    "transaction is in the ledger exactly once and whole; conflicts, duplicates and refusals "
    "change nothing") {
  const int clients = static_cast<int>(env_count("SCC_STRESS_CLIENTS", 64, 64));
  const int ops = static_cast<int>(env_count("SCC_STRESS_OPS", 1000, 250));
  const int window = std::max(1, static_cast<int>(env_count("SCC_STRESS_WINDOW", 4, 4)));
  REQUIRE(clients > 0);

  temp_folder folder("stress-load");
  peer_process peer(folder.path(), token_yaml());
  REQUIRE_MESSAGE(peer.start(), peer.log());

  journal known;
  {
    client setup(peer.address());
    proposer make(channel);
    for (int index = 0; index < accounts; ++index) {
      Request request =
          make.make(true, "token", {"set", account(index), std::to_string(opening_balance)});
      const std::string tx_id = request.invoke().tx_id();
      known.note_sent(tx_id, {channel, true, index, 0, opening_balance});
      const Reply reply = setup.call(std::move(request), reply_timeout);
      REQUIRE_MESSAGE(reply.invocation().validation_code_name() == "VALID", reply.DebugString());
      known.note_ack({tx_id, channel, reply.invocation().block_number(), "VALID"});
    }
  }

  outcome_counts counts;
  std::vector<std::vector<std::string>> problems(static_cast<std::size_t>(clients));
  std::vector<std::string> crashed(static_cast<std::size_t>(clients));
  const auto started = std::chrono::steady_clock::now();
  {
    std::vector<std::thread> workers;
    for (int index = 0; index < clients; ++index) {
      workers.emplace_back([&, index] {
        try {
          run_client(peer.address(), index, ops, window, known, counts,
                     problems[static_cast<std::size_t>(index)]);
        } catch (const std::exception& failure) {
          crashed[static_cast<std::size_t>(index)] = failure.what();
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
  }
  const double elapsed = seconds_since(started);
  const uint64_t requests = static_cast<uint64_t>(clients) * static_cast<uint64_t>(ops);
  MESSAGE(clients << " clients x " << ops << " requests (window " << window << "): " << requests
                  << " in " << elapsed << " s, " << static_cast<long long>(requests / elapsed)
                  << " requests/s; VALID " << counts.valid.load() << ", MVCC_READ_CONFLICT "
                  << counts.conflicts.load() << ", DUPLICATE_TXID " << counts.duplicates.load()
                  << ", refused " << counts.refused.load() << ", queries "
                  << counts.queries.load());
  for (int index = 0; index < clients; ++index) {
    CAPTURE(index);
    CHECK_MESSAGE(crashed[static_cast<std::size_t>(index)].empty(),
                  crashed[static_cast<std::size_t>(index)]);
    std::string text;
    for (const std::string& line : problems[static_cast<std::size_t>(index)]) text += line + "\n";
    CHECK_MESSAGE(problems[static_cast<std::size_t>(index)].empty(), text);
  }
  CHECK(counts.valid + counts.conflicts + counts.duplicates + counts.refused + counts.queries ==
        requests);
  CHECK(counts.valid > 0);
  // 64 clients racing over 64 accounts in blocks of up to 100: lost races are certain.
  if (clients >= 8) CHECK(counts.conflicts > 0);

  // What the running peer serves.
  client check(peer.address());
  proposer make(channel);
  const std::map<std::string, uint64_t> served_heights = heights(check);
  std::vector<std::string> served;
  for (int index = 0; index < accounts; ++index) {
    served.push_back(query(check, make, {"balance", account(index)}));
  }
  CHECK(query(check, make, {"total"}) == std::to_string(supply));
  REQUIRE(peer.stop() == 0);

  // What the ledger holds.
  const audit_result audit =
      audit_ledger(folder.path() / "production" / "ledgersData", folder.path() / "audit", {channel},
                   accounts, known, /*every_record_acknowledged=*/true);
  CHECK_MESSAGE(audit.problems.empty(), audit.report());
  const channel_audit& stored = audit.channels.at(channel);
  MESSAGE("ledger: height " << stored.height << ", " << stored.records << " transactions, "
                            << stored.valid << " VALID, " << stored.conflicts
                            << " MVCC_READ_CONFLICT, " << stored.duplicates << " DUPLICATE_TXID; "
                            << audit.acks_matched << " acknowledgements matched");
  CHECK(served_heights.at(channel) == stored.height);
  CHECK(audit.acks_matched == known.acks.size());
  CHECK(stored.valid == counts.valid + accounts);
  CHECK(stored.conflicts == counts.conflicts);
  CHECK(stored.duplicates == counts.duplicates);
  CHECK(sum(stored.balances) == supply);
  for (int index = 0; index < accounts; ++index) {
    CAPTURE(index);
    CHECK(served[static_cast<std::size_t>(index)] ==
          std::to_string(stored.balances[static_cast<std::size_t>(index)].value_or(-1)));
  }
}
