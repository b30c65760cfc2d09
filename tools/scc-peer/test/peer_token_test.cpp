// 8 concurrent clients x 500 token transfers over a few accounts: the total supply is
// conserved, every transfer reported VALID is applied exactly once, and the transfers that lost
// a race are reported MVCC_READ_CONFLICT and have no effect.
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "peer_harness.hpp"
#include <doctest/doctest.h>

using namespace scc::peer;
using namespace scc::peer::test;

namespace {

constexpr int clients = 8;
constexpr int transfers_per_client = 500;
constexpr int accounts = 10;
constexpr long long opening_balance = 1000;

struct transfer {
  int from = 0;
  int to = 0;
  long long amount = 0;
  std::string code;  // validation code name
  int status = 0;
  bool event = false;
};

std::string account(int index) { return "acct" + std::to_string(index); }

}  // namespace

TEST_CASE("8 clients x 500 transfers: supply conserved, valid ones applied once, conflicts void") {
  temp_folder folder("token");
  peer_process peer(folder.path(), core_yaml({{"token", SCC_PEER_TOKEN}}));
  REQUIRE_MESSAGE(peer.start(), peer.log());
  {
    client setup(peer.address());
    proposer make("tokens");
    for (int index = 0; index < accounts; ++index) {
      const Reply reply = setup.call(
          make.make(true, "token", {"set", account(index), std::to_string(opening_balance)}),
          reply_timeout);
      REQUIRE(reply.invocation().validation_code_name() == "VALID");
    }
  }

  std::vector<std::vector<transfer>> done(clients);
  std::vector<std::thread> workers;
  for (int worker = 0; worker < clients; ++worker) {
    workers.emplace_back([&, worker] {
      std::mt19937 random(static_cast<unsigned>(worker) * 7919u + 17u);
      client connection(peer.address());
      proposer make("tokens");
      std::map<uint64_t, transfer> in_flight;
      int sent = 0;
      while (sent < transfers_per_client || !in_flight.empty()) {
        // A few in flight per client, so that transfers race within and across blocks.
        while (sent < transfers_per_client && in_flight.size() < 4) {
          transfer next;
          next.from = static_cast<int>(random() % accounts);
          next.to = static_cast<int>((next.from + 1 + random() % (accounts - 1)) % accounts);
          next.amount = 1 + static_cast<long long>(random() % 20);
          Request request = make.make(
              true, "token",
              {"transfer", account(next.from), account(next.to), std::to_string(next.amount)});
          request.set_request_id(connection.next_request_id());
          in_flight.emplace(request.request_id(), next);
          connection.send(request);
          ++sent;
        }
        const Reply reply = connection.receive(reply_timeout);
        auto found = in_flight.find(reply.request_id());
        if (found == in_flight.end() || !reply.has_invocation()) {
          FAIL("unexpected reply: " << reply.DebugString());
          return;
        }
        transfer& finished = found->second;
        finished.code = reply.invocation().validation_code_name();
        finished.status = reply.invocation().response().status();
        finished.event = reply.invocation().has_event();
        done[static_cast<std::size_t>(worker)].push_back(finished);
        in_flight.erase(found);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();

  std::vector<long long> expected(accounts, opening_balance);
  int valid = 0;
  int conflicts = 0;
  int refused = 0;
  for (const auto& list : done) {
    REQUIRE(list.size() == static_cast<std::size_t>(transfers_per_client));
    for (const transfer& item : list) {
      if (item.code == "VALID") {
        ++valid;
        CHECK(item.status == 200);
        CHECK(item.event);
        expected[static_cast<std::size_t>(item.from)] -= item.amount;
        expected[static_cast<std::size_t>(item.to)] += item.amount;
      } else if (item.code == "MVCC_READ_CONFLICT") {
        ++conflicts;
        CHECK_FALSE(item.event);
      } else {
        // Only a shortfall may keep a transfer out of a block.
        CHECK(item.code == "NOT_VALIDATED");
        CHECK(item.status == 400);
        ++refused;
      }
    }
  }
  MESSAGE("valid " << valid << ", MVCC conflicts " << conflicts << ", refused " << refused);
  CHECK(valid + conflicts + refused == clients * transfers_per_client);
  CHECK(valid > 0);

  client check(peer.address());
  proposer make("tokens");
  CHECK(check.call(make.make(false, "token", {"total"}), reply_timeout)
            .invocation()
            .response()
            .payload() == std::to_string(accounts * opening_balance));
  for (int index = 0; index < accounts; ++index) {
    CAPTURE(index);
    CHECK(check.call(make.make(false, "token", {"balance", account(index)}), reply_timeout)
              .invocation()
              .response()
              .payload() == std::to_string(expected[static_cast<std::size_t>(index)]));
  }
  CHECK(peer.stop() == 0);
}
