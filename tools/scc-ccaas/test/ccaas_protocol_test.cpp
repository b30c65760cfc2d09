// The whole stub API across Fabric's chaincode protocol: scc-ccaas serving the probe plugin,
// driven by the peer driver.
#include <future>
#include <thread>

#include "ccaas_fixture.hpp"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include <doctest/doctest.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

using namespace ccaas_test;
using namespace std::chrono_literals;

TEST_CASE("handshake: the chaincode registers with its id and answers once READY") {
  served_plugin probe(SCC_CCAAS_PROBE, "probe_1.0:abc");
  CHECK(probe.driver->registered_id() == "probe_1.0:abc");
  // This suite runs under both executors (ctest sets SCC_CCAAS_EXECUTOR for the second run).
  const char* executor = std::getenv("SCC_CCAAS_EXECUTOR");
#if defined(__SANITIZE_ADDRESS__)
  const char* fallback = "threads";
#else
  const char* fallback = "fibers";
#endif
  CHECK(probe.server.err().find(std::string(", ") + (executor != nullptr ? executor : fallback) +
                                "): listening on") != std::string::npos);
  const transaction_result result = probe.run({"get", "missing"});
  CHECK(result.type == Message::COMPLETED);
  CHECK(result.status == 404);
  CHECK(result.message == "absent: missing");
  CHECK(result.requests == std::vector<Message::Type>{Message::GET_STATE});
}

TEST_CASE("state: put, get, del, and a failed invoke leaves no write") {
  served_plugin probe(SCC_CCAAS_PROBE);
  CHECK(probe.run({"put", "color", "blue"}).status == 200);
  CHECK(probe.driver->ledger().get("", "color") == std::optional<std::string>("blue"));
  const transaction_result got = probe.run({"get", "color"});
  CHECK(got.status == 200);
  CHECK(got.payload == "blue");

  const transaction_result failed = probe.run({"put_then_fail", "color", "red"});
  CHECK(failed.type == Message::COMPLETED);
  CHECK(failed.status == 500);
  CHECK(failed.message == "failed after writing");
  CHECK(failed.requests == std::vector<Message::Type>{Message::PUT_STATE});
  CHECK(probe.driver->ledger().get("", "color") == std::optional<std::string>("blue"));

  CHECK(probe.run({"del", "color"}).requests == std::vector<Message::Type>{Message::DEL_STATE});
  CHECK_FALSE(probe.driver->ledger().get("", "color").has_value());
}

TEST_CASE("ranges arrive in the peer's batches: has_more, QUERY_STATE_NEXT, QUERY_STATE_CLOSE") {
  served_plugin probe(SCC_CCAAS_PROBE, "cc:1", 10);
  std::string expected;
  for (int i = 0; i < 25; ++i) {
    const std::string key = std::string("k") + (i < 10 ? "0" : "") + std::to_string(i);
    probe.driver->ledger().put("", key, "v" + std::to_string(i));
    expected += key + "=v" + std::to_string(i) + "\n";
  }
  const transaction_result all = probe.run({"range", "", ""});
  CHECK(all.status == 200);
  CHECK(all.payload == expected);
  CHECK(count(all.requests, Message::GET_STATE_BY_RANGE) == 1);
  CHECK(count(all.requests, Message::QUERY_STATE_NEXT) == 2);
  CHECK(count(all.requests, Message::QUERY_STATE_CLOSE) == 1);

  const transaction_result bounded = probe.run({"range", "k05", "k12"});
  CHECK(bounded.payload == "k05=v5\nk06=v6\nk07=v7\nk08=v8\nk09=v9\nk10=v10\nk11=v11\n");

  // Stopping early closes the peer's iterator.
  const transaction_result first = probe.run({"range_first", "", "", "3"});
  CHECK(first.payload == "k00=v0\nk01=v1\nk02=v2\n");
  CHECK(first.requests ==
        std::vector<Message::Type>{Message::GET_STATE_BY_RANGE, Message::QUERY_STATE_CLOSE});
}

TEST_CASE("pagination: one page with fetched_records_count and the bookmark of the next") {
  served_plugin probe(SCC_CCAAS_PROBE, "cc:1", 10);
  for (int i = 0; i < 25; ++i) {
    probe.driver->ledger().put("", std::string("p") + (i < 10 ? "0" : "") + std::to_string(i), "x");
  }
  const transaction_result page1 = probe.run({"page", "", "", "12", ""});
  CHECK(page1.status == 200);
  CHECK(page1.payload.find("p00=x\n") == 0);
  CHECK(page1.payload.find("p11=x\n") != std::string::npos);
  CHECK(page1.payload.find("p12=x") == std::string::npos);
  CHECK(page1.payload.find("fetched=12 bookmark=p12") != std::string::npos);
  const transaction_result page3 = probe.run({"page", "", "", "12", "p24"});
  CHECK(page3.payload == "p24=x\nfetched=1 bookmark=");
}

TEST_CASE("composite keys and partial composite key queries") {
  served_plugin probe(SCC_CCAAS_PROBE);
  CHECK(probe.run({"put_composite", "asset", "a1", "one"}).status == 200);
  CHECK(probe.run({"put_composite", "asset", "a2", "two"}).status == 200);
  CHECK(probe.run({"put_composite", "other", "o1", "three"}).status == 200);
  const transaction_result rows = probe.run({"composite", "asset"});
  CHECK(rows.status == 200);
  using namespace std::string_literals;
  CHECK(rows.payload == "\0asset\0a1\0=one\n\0asset\0a2\0=two\n"s);
}

TEST_CASE("history newest first, with deletes") {
  served_plugin probe(SCC_CCAAS_PROBE);
  const transaction_result first = probe.run({"put", "h", "1"});
  const transaction_result second = probe.run({"put", "h", "2"});
  const transaction_result third = probe.run({"del", "h"});
  const transaction_result history = probe.run({"history", "h"});
  CHECK(history.status == 200);
  CHECK(history.payload == third.tx_id + " <deleted> 1700000000\n" + second.tx_id +
                               " 2 1700000000\n" + first.tx_id + " 1 1700000000\n");
  CHECK(history.requests ==
        std::vector<Message::Type>{Message::GET_HISTORY_FOR_KEY, Message::QUERY_STATE_CLOSE});
}

TEST_CASE("private data: put, get, hash, range, delete and purge") {
  served_plugin probe(SCC_CCAAS_PROBE);
  CHECK(probe.run({"pput", "secrets", "k", "hidden"}).status == 200);
  CHECK(probe.driver->ledger().get("secrets", "k") == std::optional<std::string>("hidden"));
  CHECK_FALSE(probe.driver->ledger().get("", "k").has_value());
  CHECK(probe.run({"pget", "secrets", "k"}).payload == "hidden");
  const transaction_result hash = probe.run({"phash", "secrets", "k"});
  CHECK(hash.payload == scc::detail::to_hex(sha256("hidden")));
  CHECK(hash.requests == std::vector<Message::Type>{Message::GET_PRIVATE_DATA_HASH});
  CHECK(probe.run({"phash", "secrets", "nothing"}).status == 404);
  CHECK(probe.run({"prange", "secrets", "", ""}).payload == "k=hidden\n");
  const transaction_result purged = probe.run({"ppurge", "secrets", "k"});
  CHECK(purged.requests == std::vector<Message::Type>{Message::PURGE_PRIVATE_DATA});
  CHECK_FALSE(probe.driver->ledger().get("secrets", "k").has_value());
  CHECK(probe.run({"pput", "secrets", "k2", "v"}).status == 200);
  CHECK(probe.run({"pdel", "secrets", "k2"}).requests ==
        std::vector<Message::Type>{Message::DEL_STATE});
  CHECK(probe.run({"pget", "secrets", "k2"}).status == 404);
}

TEST_CASE("key-level endorsement policies through GET/PUT_STATE_METADATA") {
  served_plugin probe(SCC_CCAAS_PROBE);
  CHECK(probe.run({"getep", "k"}).status == 404);
  const transaction_result set = probe.run({"setep", "k", "policy-bytes"});
  CHECK(set.requests == std::vector<Message::Type>{Message::PUT_STATE_METADATA});
  CHECK(probe.driver->ledger().metadata("", "k").at("VALIDATION_PARAMETER") == "policy-bytes");
  const transaction_result got = probe.run({"getep", "k"});
  CHECK(got.payload == "policy-bytes");
  CHECK(got.requests == std::vector<Message::Type>{Message::GET_STATE_METADATA});
  CHECK(probe.run({"psetep", "coll", "k", "private-policy"}).status == 200);
  CHECK(probe.run({"pgetep", "coll", "k"}).payload == "private-policy");
}

TEST_CASE("rich queries pass through and the peer's refusal reaches the plugin") {
  served_plugin probe(SCC_CCAAS_PROBE);
  const transaction_result rich = probe.run({"rich", "{\"selector\":{}}"});
  CHECK(rich.status == 500);
  CHECK(rich.message.find("ExecuteQuery not supported for leveldb") != std::string::npos);
  CHECK(rich.requests == std::vector<Message::Type>{Message::GET_QUERY_RESULT});
}

TEST_CASE("events travel on COMPLETED; the last one wins") {
  served_plugin probe(SCC_CCAAS_PROBE);
  const transaction_result result = probe.run({"event", "Created", "payload-1"});
  CHECK(result.status == 200);
  CHECK(result.has_event);
  CHECK(result.event_name == "Created");
  CHECK(result.event_payload == "payload-1");
  CHECK_FALSE(probe.run({"get", "x"}).has_event);
}

TEST_CASE("INVOKE_CHAINCODE: the callee's response, on this and another channel") {
  served_plugin probe(SCC_CCAAS_PROBE);
  std::vector<std::string> seen_names;
  std::vector<std::string> seen_args;
  probe.driver->set_invoke_handler([&](const protos::ChaincodeSpec& spec, const Message&) {
    seen_names.push_back(spec.chaincode_id().name());
    for (const std::string& arg : spec.input().args()) seen_args.push_back(arg);
    Message callee;
    if (spec.chaincode_id().name() == "broken") {
      callee.set_type(Message::ERROR);
      callee.set_payload("callee failed");
      return callee;
    }
    protos::Response response;
    response.set_status(201);
    response.set_message("fine");
    response.set_payload("pong");
    callee.set_type(Message::COMPLETED);
    callee.set_payload(response.SerializeAsString());
    return callee;
  });
  const transaction_result same = probe.run({"call", "other", "ping", "1"});
  CHECK(same.status == 201);
  CHECK(same.message == "callee said: fine");
  CHECK(same.payload == "pong");
  CHECK(same.requests == std::vector<Message::Type>{Message::INVOKE_CHAINCODE});
  const transaction_result elsewhere = probe.run({"call_channel", "other", "ch2", "ping"});
  CHECK(elsewhere.status == 201);
  const transaction_result broken = probe.run({"call", "broken"});
  CHECK(broken.status == 500);
  CHECK(broken.message == "callee said: callee failed");
  CHECK(seen_names == std::vector<std::string>{"other", "other/ch2", "broken"});
  CHECK(seen_args == std::vector<std::string>{"ping", "1", "ping"});
}

TEST_CASE("everything the plugin reads from the SignedProposal") {
  served_plugin probe(SCC_CCAAS_PROBE);
  transaction_request request = tx({"context"});
  request.channel = "otherchannel";
  request.creator = peer_driver::serialized_identity("Org2MSP", "certificate bytes");
  request.nonce = "0123456789abcdef0123456789abcdef";
  request.epoch = 7;
  request.seconds = 1700000001;
  request.nanos = 42;
  request.transient = {{"secret", "s3cr3t"}, {"b", std::string("\0\1", 2)}};
  request.decorations = {{"decorated", "yes"}};
  const transaction_result result = probe.driver->execute(request);
  REQUIRE(result.status == 200);
  std::string epoch(8, '\0');
  epoch[0] = 7;
  const std::string expected =
      "tx_id=" + result.tx_id + "\n" +
      "channel=otherchannel\n"
      "creator=" +
      scc::detail::to_hex(request.creator) + "\n" + "transient.b=" + std::string("\0\1", 2) +
      "\n"
      "transient.secret=s3cr3t\n"
      "decoration.decorated=yes\n"
      "binding=" +
      scc::detail::to_hex(sha256(request.nonce + request.creator + epoch)) + "\n" +
      "timestamp=1700000001.42\n"
      "signed_proposal=" +
      scc::detail::to_hex(result.signed_proposal) + "\n";
  CHECK(result.payload == expected);
  CHECK(result.tx_id == scc::detail::to_hex(sha256(request.nonce + request.creator)));
  CHECK_FALSE(result.signed_proposal.empty());
}

TEST_CASE("a transaction without a proposal has no creator, binding or timestamp") {
  served_plugin probe(SCC_CCAAS_PROBE);
  transaction_request request = tx({"context"});
  request.with_proposal = false;
  const transaction_result result = probe.driver->execute(request);
  CHECK(result.status == 200);
  CHECK(result.payload.find("creator=\n") != std::string::npos);
  CHECK(result.payload.find("binding=\n") != std::string::npos);
  CHECK(result.payload.find("timestamp=0.0\n") != std::string::npos);
  CHECK(result.payload.find("signed_proposal=\n") != std::string::npos);
}

TEST_CASE("INIT runs the plugin's init; a failed init answers ERROR as Fabric's shim does") {
  served_plugin probe(SCC_CCAAS_PROBE);
  transaction_request init = tx({"init", "seed", "1"});
  init.is_init = true;
  const transaction_result done = probe.driver->execute(init);
  CHECK(done.type == Message::COMPLETED);
  CHECK(done.payload == "init done");
  CHECK(probe.driver->ledger().get("", "seed") == std::optional<std::string>("1"));
  transaction_request failing = tx({"fail"});
  failing.is_init = true;
  const transaction_result failed = probe.driver->execute(failing);
  CHECK(failed.type == Message::ERROR);
  CHECK(failed.message == "init refused");
}

TEST_CASE("a plugin that throws answers 500 with the exception's text") {
  served_plugin probe(SCC_CCAAS_PROBE);
  const transaction_result result = probe.run({"throw"});
  CHECK(result.type == Message::COMPLETED);
  CHECK(result.status == 500);
  CHECK(result.message.find("probe threw on purpose") != std::string::npos);
}

TEST_CASE("the peer's ERROR reply to a request reaches the plugin as a failed call") {
  served_plugin probe(SCC_CCAAS_PROBE);
  probe.driver->set_reply_override([](const Message& request) -> std::optional<Message> {
    if (request.type() != Message::GET_STATE) return std::nullopt;
    Message error;
    error.set_type(Message::ERROR);
    error.set_payload("injected ledger failure");
    error.set_txid(request.txid());
    error.set_channel_id(request.channel_id());
    return error;
  });
  const transaction_result result = probe.run({"get", "k"});
  CHECK(result.status == 500);
  CHECK(result.message.find("injected ledger failure") != std::string::npos);
}

TEST_CASE("unmatched, undecodable and unknown messages: ERROR or ignored, never a crash") {
  served_plugin probe(SCC_CCAAS_PROBE);
  Message stray;
  stray.set_type(Message::RESPONSE);
  stray.set_txid("nobody");
  stray.set_channel_id("mychannel");
  probe.driver->send_raw(stray);
  auto answer = probe.driver->next_unsolicited(5s);
  REQUIRE(answer.has_value());
  CHECK(answer->type() == Message::ERROR);
  CHECK(answer->txid() == "nobody");
  CHECK(answer->channel_id() == "mychannel");

  Message garbage;
  garbage.set_type(Message::TRANSACTION);
  garbage.set_txid("garbled");
  garbage.set_channel_id("mychannel");
  garbage.set_payload(std::string("\xff\xff\xff", 3));
  probe.driver->send_raw(garbage);
  answer = probe.driver->next_unsolicited(5s);
  REQUIRE(answer.has_value());
  CHECK(answer->type() == Message::ERROR);
  CHECK(answer->txid() == "garbled");
  CHECK(answer->payload().find("failed to unmarshal input") != std::string::npos);

  Message bad_proposal;
  bad_proposal.set_type(Message::TRANSACTION);
  bad_proposal.set_txid("badproposal");
  bad_proposal.set_channel_id("mychannel");
  bad_proposal.mutable_proposal()->set_proposal_bytes(
      "\x0a\x05"
      "ab");  // truncated field
  probe.driver->send_raw(bad_proposal);
  answer = probe.driver->next_unsolicited(5s);
  REQUIRE(answer.has_value());
  CHECK(answer->type() == Message::ERROR);
  CHECK(answer->txid() == "badproposal");

  Message unknown;
  unknown.set_type(static_cast<Message::Type>(99));
  unknown.set_txid("future");
  probe.driver->send_raw(unknown);
  Message misplaced;  // a request type the chaincode never receives
  misplaced.set_type(Message::GET_STATE);
  misplaced.set_txid("wrongway");
  probe.driver->send_raw(misplaced);
  answer = probe.driver->next_unsolicited(5s);
  REQUIRE(answer.has_value());
  CHECK(answer->type() == Message::ERROR);
  CHECK(answer->txid() == "wrongway");  // the unknown type got no answer

  Message keepalive;
  keepalive.set_type(Message::KEEPALIVE);
  probe.driver->send_raw(keepalive);
  answer = probe.driver->next_unsolicited(5s);
  REQUIRE(answer.has_value());
  CHECK(answer->type() == Message::KEEPALIVE);

  // The stream still works.
  CHECK(probe.run({"put", "after", "ok"}).status == 200);
  CHECK_FALSE(probe.server.exited());
}

namespace {

// Holds the first GET_STATE of one transaction; the test answers it later.
struct held_reply {
  std::mutex mutex;
  std::optional<Message> request;
  std::condition_variable arrived;
};

void hold_get_state_of(peer_driver& driver, const std::string& tx_id, held_reply& held) {
  driver.set_reply_override([&held, tx_id](const Message& request) -> std::optional<Message> {
    if (request.txid() != tx_id || request.type() != Message::GET_STATE) return std::nullopt;
    const std::lock_guard<std::mutex> lock(held.mutex);
    held.request = request;
    held.arrived.notify_all();
    Message later;  // UNDEFINED: no answer now
    return later;
  });
}

void release(peer_driver& driver, held_reply& held, const std::string& value) {
  std::unique_lock<std::mutex> lock(held.mutex);
  REQUIRE(held.arrived.wait_for(lock, 10s, [&] { return held.request.has_value(); }));
  Message reply;
  reply.set_type(Message::RESPONSE);
  reply.set_payload(value);
  reply.set_txid(held.request->txid());
  reply.set_channel_id(held.request->channel_id());
  driver.send_raw(reply);
}

}  // namespace

TEST_CASE("transactions interleave on one stream when the plugin is thread-safe") {
  served_plugin probe(SCC_CCAAS_PROBE_MT);
  held_reply held;
  transaction_request slow = tx({"get", "k"});
  slow.tx_id = "slow-tx";
  hold_get_state_of(*probe.driver, "slow-tx", held);
  auto slow_result = probe.driver->submit(slow);
  {
    std::unique_lock<std::mutex> lock(held.mutex);
    REQUIRE(held.arrived.wait_for(lock, 10s, [&] { return held.request.has_value(); }));
  }
  // While slow-tx waits for its reply, others run to completion on the same stream.
  for (int i = 0; i < 5; ++i) {
    CHECK(probe.run({"put", "fast" + std::to_string(i), "v"}).status == 200);
  }
  CHECK(slow_result.wait_for(0ms) == std::future_status::timeout);
  release(*probe.driver, held, "late value");
  const transaction_result result = slow_result.get();
  CHECK(result.status == 200);
  CHECK(result.payload == "late value");
}

TEST_CASE("a plugin that is not thread-safe runs one transaction at a time") {
  served_plugin probe(SCC_CCAAS_PROBE);
  held_reply held;
  transaction_request slow = tx({"get", "k"});
  slow.tx_id = "slow-tx";
  hold_get_state_of(*probe.driver, "slow-tx", held);
  auto slow_result = probe.driver->submit(slow);
  {
    std::unique_lock<std::mutex> lock(held.mutex);
    REQUIRE(held.arrived.wait_for(lock, 10s, [&] { return held.request.has_value(); }));
  }
  auto queued = probe.driver->submit(tx({"put", "queued", "v"}));
  CHECK(queued.wait_for(300ms) == std::future_status::timeout);
  release(*probe.driver, held, "late value");
  CHECK(slow_result.get().payload == "late value");
  CHECK(queued.get().status == 200);
}

TEST_CASE("many concurrent transactions all complete with their own answers") {
  served_plugin probe(SCC_CCAAS_PROBE_MT);
  for (int i = 0; i < 50; ++i)
    probe.driver->ledger().put("", "key" + std::to_string(i), std::to_string(i));
  std::vector<std::future<transaction_result>> results;
  for (int i = 0; i < 50; ++i)
    results.push_back(probe.driver->submit(tx({"get", "key" + std::to_string(i)})));
  for (int i = 0; i < 50; ++i) {
    const transaction_result result = results[static_cast<std::size_t>(i)].get();
    CHECK(result.status == 200);
    CHECK(result.payload == std::to_string(i));
  }
}

TEST_CASE("a second TRANSACTION with the id of a running one is refused") {
  served_plugin probe(SCC_CCAAS_PROBE);
  held_reply held;
  transaction_request slow = tx({"get", "k"});
  slow.tx_id = "same-id";
  slow.with_proposal = false;
  hold_get_state_of(*probe.driver, "same-id", held);
  auto first = probe.driver->submit(slow);
  {
    std::unique_lock<std::mutex> lock(held.mutex);
    REQUIRE(held.arrived.wait_for(lock, 10s, [&] { return held.request.has_value(); }));
  }
  Message duplicate;
  duplicate.set_type(Message::TRANSACTION);
  duplicate.set_txid("same-id");
  duplicate.set_channel_id("mychannel");
  probe.driver->send_raw(duplicate);
  // The duplicate's ERROR carries the running transaction's id, so the driver takes it as
  // that transaction's answer.
  const transaction_result result = first.get();
  CHECK(result.type == Message::ERROR);
  CHECK(result.message.find("already running") != std::string::npos);
}

TEST_CASE("SIGTERM stops the server cleanly with exit status 0, peers connected or not") {
  served_plugin probe(SCC_CCAAS_PROBE);
  CHECK(probe.run({"put", "k", "v"}).status == 200);
  CHECK(probe.server.stop(SIGTERM) == 0);
  CHECK(probe.server.err().find("stopped") != std::string::npos);
  server_process idle({"serve", SCC_CCAAS_PROBE, "--address", "127.0.0.1:0", "--id", "x"});
  idle.wait_listening();
  CHECK(idle.stop(SIGINT) == 0);
}

// gRPC cannot hand such bytes to the chaincode, so no ERROR can answer them: the stream ends.
TEST_CASE("bytes that are not a ChaincodeMessage end only that stream") {
  served_plugin probe(SCC_CCAAS_PROBE);
  auto channel = grpc::CreateChannel(probe.address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 20s);
  grpc::CompletionQueue queue;
  const auto wait = [&](std::intptr_t expected) {
    void* tag = nullptr;
    bool ok = false;
    REQUIRE(queue.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + 10s) ==
            grpc::CompletionQueue::NextStatus::GOT_EVENT);
    REQUIRE(reinterpret_cast<std::intptr_t>(tag) == expected);
    return ok;
  };
  auto call = stub.PrepareCall(&context, "/protos.Chaincode/Connect", &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  CHECK(wait(1));
  grpc::ByteBuffer received;
  call->Read(&received, reinterpret_cast<void*>(2));
  REQUIRE(wait(2));
  std::vector<grpc::Slice> slices;
  REQUIRE(received.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  Message registration;
  REQUIRE(registration.ParseFromString(bytes));
  CHECK(registration.type() == Message::REGISTER);

  grpc::Slice garbage(std::string("\xff\xff\xff\xff not protobuf", 17));
  grpc::ByteBuffer out(&garbage, 1);
  call->Write(out, reinterpret_cast<void*>(3));
  wait(3);
  call->Read(&received, reinterpret_cast<void*>(4));
  CHECK_FALSE(wait(4));  // the server ended this stream
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  CHECK(wait(5));

  // The other peer's stream and the server carry on.
  CHECK(probe.run({"put", "still", "here"}).status == 200);
  CHECK_FALSE(probe.server.exited());
}

TEST_CASE("two peers on one server: a serialised plugin still runs one transaction at a time") {
  served_plugin probe(SCC_CCAAS_PROBE);
  driver_options options;
  options.address = probe.address;
  peer_driver second(options);
  second.connect();
  held_reply held;
  transaction_request slow = tx({"get", "k"});
  slow.tx_id = "slow-tx";
  hold_get_state_of(*probe.driver, "slow-tx", held);
  auto slow_result = probe.driver->submit(slow);
  {
    std::unique_lock<std::mutex> lock(held.mutex);
    REQUIRE(held.arrived.wait_for(lock, 10s, [&] { return held.request.has_value(); }));
  }
  auto other_peer = second.submit(tx({"put", "from-second", "v"}));
  CHECK(other_peer.wait_for(300ms) == std::future_status::timeout);
  release(*probe.driver, held, "late value");
  CHECK(slow_result.get().payload == "late value");
  CHECK(other_peer.get().status == 200);
  CHECK(second.ledger().get("", "from-second") == std::optional<std::string>("v"));
}

TEST_CASE("two peers on one server: a thread-safe plugin serves both at once") {
  served_plugin probe(SCC_CCAAS_PROBE_MT);
  driver_options options;
  options.address = probe.address;
  peer_driver second(options);
  second.connect();
  held_reply held;
  transaction_request slow = tx({"get", "k"});
  slow.tx_id = "slow-tx";
  hold_get_state_of(*probe.driver, "slow-tx", held);
  auto slow_result = probe.driver->submit(slow);
  {
    std::unique_lock<std::mutex> lock(held.mutex);
    REQUIRE(held.arrived.wait_for(lock, 10s, [&] { return held.request.has_value(); }));
  }
  CHECK(second.execute(tx({"put", "from-second", "v"})).status == 200);
  release(*probe.driver, held, "late value");
  CHECK(slow_result.get().payload == "late value");
}
