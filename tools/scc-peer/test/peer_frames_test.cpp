// Bad input on one connection: garbage bytes, an oversize frame, a truncated frame, a client
// that disconnects mid-frame. Each gets an error reply (when the client still listens) and its
// connection closed; the peer and its other clients carry on.
#include <set>
#include <string>

#include "peer_harness.hpp"
#include <doctest/doctest.h>

using namespace scc::peer;
using namespace scc::peer::test;

namespace {

std::string frame(const std::string& body) {
  std::string out;
  append_frame_header(out, static_cast<uint32_t>(body.size()));
  return out + body;
}

// The error reply to a refused stream, then the end of the connection.
std::string refusal(client& connection) {
  const Reply reply = connection.receive(reply_timeout);
  CHECK(reply.request_id() == 0);
  REQUIRE(reply.has_error());
  CHECK_THROWS_WITH_AS(connection.receive(reply_timeout),
                       doctest::Contains("closed the connection"), client_error);
  return reply.error().message();
}

void check_serving(const peer_process& peer, client& bystander, proposer& make) {
  const Reply reply = bystander.call(make.make(false, "kvscc", {"get", "k"}), reply_timeout);
  REQUIRE(reply.has_invocation());
  CHECK(reply.invocation().response().payload() == "v");
  client fresh(peer.address());
  CHECK(fresh.call(make.make(false, "kvscc", {"get", "k"}), reply_timeout)
            .invocation()
            .response()
            .payload() == "v");
}

}  // namespace

TEST_CASE("bad frames close their own connection only") {
  temp_folder folder("frames");
  peer_process peer(folder.path(),
                    core_yaml({{"kvscc", SCC_PEER_KVSCC}}, "  maxFrameBytes: 64 KB\n"));
  REQUIRE_MESSAGE(peer.start(), peer.log());
  proposer make("ch");
  client bystander(peer.address());
  REQUIRE(bystander.call(make.make(true, "kvscc", {"put", "k", "v"}), reply_timeout)
              .invocation()
              .validation_code_name() == "VALID");

  SUBCASE("garbage bytes") {
    client bad(peer.address());
    bad.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(refusal(bad) ==
          "frame of 1195725856 bytes exceeds the frame limit of 65536 bytes "
          "(sccPeer.maxFrameBytes)");
  }
  SUBCASE("a frame that is not a Request") {
    client bad(peer.address());
    bad.send_raw(frame(std::string("\xff\xff\xff\xff\xff", 5)));
    CHECK(refusal(bad) == "undecodable frame: its 5 bytes are not an scc.peer.Request");
  }
  SUBCASE("an oversize frame is refused from its header, before its body") {
    client bad(peer.address());
    std::string header;
    append_frame_header(header, 64 * 1024 + 1);
    bad.send_raw(header);
    CHECK(refusal(bad) ==
          "frame of 65537 bytes exceeds the frame limit of 65536 bytes "
          "(sccPeer.maxFrameBytes)");
  }
  SUBCASE("a frame at the limit is fine") {
    client big(peer.address());
    Request request = make.make(false, "kvscc", {"get", "k"});
    request.set_request_id(7);
    request.mutable_query()->mutable_input()->add_args(std::string(64 * 1024 - 200, 'x'));
    big.send(request);
    const Reply reply = big.receive(reply_timeout);
    CHECK(reply.request_id() == 7);
    CHECK(reply.has_invocation());  // kvscc refuses three arguments to get, but it answered
  }
  SUBCASE("the requests before a bad frame are answered first, the Error comes last") {
    client bad(peer.address());
    std::string stream;
    std::set<uint64_t> ids;
    for (uint64_t id = 1; id <= 8; ++id) {
      // Invokes wait for their block; queries are answered once their chaincode returns.
      Request request = id % 2 == 0
                            ? make.make(true, "kvscc", {"put", "before" + std::to_string(id), "v"})
                            : make.make(false, "kvscc", {"get", "k"});
      request.set_request_id(id);
      ids.insert(id);
      stream += frame(request.SerializeAsString());
    }
    bad.send_raw(stream + frame(std::string("\xff\xff\xff", 3)));
    for (std::size_t index = 0; index < 8; ++index) {
      const Reply reply = bad.receive(reply_timeout);
      CAPTURE(reply.ShortDebugString());
      REQUIRE(ids.erase(reply.request_id()) == 1);
      REQUIRE(reply.has_invocation());
      CHECK(reply.invocation().in_block() == (reply.request_id() % 2 == 0));
    }
    CHECK(refusal(bad) == "undecodable frame: its 3 bytes are not an scc.peer.Request");
  }
  SUBCASE("a truncated frame: the client stops sending mid-frame") {
    client bad(peer.address());
    const std::string whole = frame(make.make(false, "kvscc", {"get", "k"}).SerializeAsString());
    bad.send_raw(whole.substr(0, whole.size() - 3));
    bad.shutdown_send();
    CHECK(refusal(bad).find("truncated frame: the header announces") == 0);
  }
  SUBCASE("a truncated header") {
    client bad(peer.address());
    bad.send_raw(std::string("\0\0", 2));
    bad.shutdown_send();
    CHECK(refusal(bad) == "truncated frame: the connection ended after 2 of the 4 header bytes");
  }
  SUBCASE("a client that disconnects mid-frame, and one that leaves with requests in flight") {
    {
      client gone(peer.address());
      gone.send_raw(frame(std::string(1000, 'x')).substr(0, 500));
    }
    {
      client gone(peer.address());
      for (int index = 0; index < 50; ++index) {
        Request request = make.make(true, "kvscc", {"put", "left" + std::to_string(index), "v"});
        request.set_request_id(static_cast<uint64_t>(index) + 1);
        gone.send(request);
      }
    }
  }
  SUBCASE("a request of no known kind is answered, and the connection stays") {
    client odd(peer.address());
    Request request;
    request.set_request_id(3);
    odd.send(request);
    const Reply reply = odd.receive(reply_timeout);
    CHECK(reply.request_id() == 3);
    CHECK(reply.error().message().find("request has no kind") == 0);
    CHECK(odd.call(make.make(false, "kvscc", {"get", "k"}), reply_timeout).has_invocation());
  }
  check_serving(peer, bystander, make);
  CHECK(peer.stop() == 0);
}
