#include "peer_driver.hpp"

#include <cstdint>
#include <random>
#include <stdexcept>

#include "common/common.pb.h"
#include "ledger/queryresult/kv_query_result.pb.h"
#include "msp/identities.pb.h"
#include "peer/chaincode_shim.grpc.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"
#include <grpcpp/grpcpp.h>
#include <openssl/sha.h>

#include <scc/detail/hex.hpp>

namespace scc::ccaas::driver {

using protos::ChaincodeMessage;

namespace {

std::string tx_key(const std::string& channel, const std::string& tx_id) {
  return channel + '\0' + tx_id;
}

std::string sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

ChaincodeMessage reply_to(const ChaincodeMessage& request, ChaincodeMessage::Type type,
                          std::string payload) {
  ChaincodeMessage reply;
  reply.set_type(type);
  reply.set_payload(std::move(payload));
  reply.set_txid(request.txid());
  reply.set_channel_id(request.channel_id());
  return reply;
}

ChaincodeMessage error_reply(const ChaincodeMessage& request, const std::string& text) {
  return reply_to(request, ChaincodeMessage::ERROR, text);
}

// A PEM-shaped placeholder: enough for plugins that only read the MSP id.
constexpr const char* placeholder_certificate =
    "-----BEGIN CERTIFICATE-----\nMIIBdriver\n-----END CERTIFICATE-----\n";

}  // namespace

// One end of the chaincode stream: the client side of Connect, or the server side of Register.
grpc::WriteOptions options(bool more_follows) {
  grpc::WriteOptions out;
  if (more_follows) out.set_buffer_hint();
  return out;
}

class peer_driver::stream_end {
 public:
  virtual ~stream_end() = default;
  virtual bool read(ChaincodeMessage& message) = 0;
  virtual bool write(const ChaincodeMessage& message, bool more_follows) = 0;
  // Ends this side; read() returns false once the chaincode has ended its side too.
  virtual void close_writes() = 0;
  virtual void finish() = 0;
};

// The client side of Connect, on gRPC's asynchronous API so that the reading thread knows when
// it has read everything that has arrived: until then it holds back what is written (its own
// answers and other threads' transactions), and then writes it all at once, the way a peer's
// writer drains its queue. A message each costs a system call and a wake-up of the chaincode.
class peer_driver::client_end final : public stream_end {
 public:
  explicit client_end(protos::Chaincode::Stub& stub)
      : stream_(stub.PrepareAsyncConnect(&context_, &queue_)) {
    stream_->StartCall(tag(operation::started));
    wait_for(operation::started);
  }
  ~client_end() override {
    if (!finished_) {
      context_.TryCancel();
      finish();
    }
  }

  // The reading thread only (and before it starts, the thread that connects).
  bool read(ChaincodeMessage& message) override {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (read_ended_) return false;
      // Asking for the next message makes gRPC send a WINDOW_UPDATE at once. After a message
      // that came alone (this thread had slept for it), the answer goes first, so that the two
      // reach the chaincode together instead of waking it twice; in a burst, the next message
      // is read first, so that the answers leave together.
      if (last_read_waited_) {
        reader_busy_ = false;
        start_write_locked();
      }
    }
    stream_->Read(&message, tag(operation::read));
    bool waited = false;
    for (;;) {
      void* got = nullptr;
      bool ok = false;
      const auto status = queue_.AsyncNext(&got, &ok, gpr_time_0(GPR_CLOCK_MONOTONIC));
      if (status == grpc::CompletionQueue::SHUTDOWN) return false;
      if (status == grpc::CompletionQueue::TIMEOUT) {
        // Everything that has arrived is handled: what waits goes out before this thread sleeps.
        {
          const std::lock_guard<std::mutex> lock(mutex_);
          reader_busy_ = false;
          start_write_locked();
        }
        waited = true;
        if (!queue_.Next(&got, &ok)) return false;
      }
      if (on(got, ok) == operation::read) {
        const std::lock_guard<std::mutex> lock(mutex_);
        reader_busy_ = ok;
        last_read_waited_ = waited;
        if (!ok) read_ended_ = true;
        return ok;
      }
    }
  }

  bool write(const ChaincodeMessage& message, bool) override {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (write_failed_ || closing_) return false;
    outgoing_.push_back(message);
    // While the reader handles what it has read, it writes this out before it next sleeps.
    if (!reader_busy_) start_write_locked();
    return true;
  }

  void close_writes() override {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    closing_ = true;
    // With no reader any more (it has not started, or it has ended), nobody continues the
    // writes still queued: the stream closes without them.
    if (read_ended_) outgoing_.clear();
    if (!writing_ && outgoing_.empty()) start_writes_done_locked();
    // Else the last write's completion closes it.
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    stream_->Finish(&status_, tag(operation::finished));
    void* got = nullptr;
    bool ok = false;
    while (queue_.Next(&got, &ok)) {
      if (on(got, ok) == operation::finished) break;
    }
    queue_.Shutdown();
    while (queue_.Next(&got, &ok)) {
    }
  }

  std::string finish_message() {
    finish();
    return status_.error_message();
  }

 private:
  enum class operation : std::intptr_t { started = 1, read, wrote, writes_done, finished };
  static void* tag(operation what) {
    return reinterpret_cast<void*>(static_cast<std::intptr_t>(what));
  }

  void wait_for(operation what) {
    void* got = nullptr;
    bool ok = false;
    while (queue_.Next(&got, &ok)) {
      if (on(got, ok) == what) return;
    }
  }

  // Handles a completion; returns which operation it was.
  operation on(void* got, bool ok) {
    const auto what = static_cast<operation>(reinterpret_cast<std::intptr_t>(got));
    if (what != operation::wrote) return what;
    const std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    outgoing_.pop_front();
    if (!ok) {
      write_failed_ = true;
      outgoing_.clear();
    }
    // A run goes on at once, held back by the transport; its last message waits until the
    // reader has handled what it has read (more may join it), unless nobody reads any more.
    if (outgoing_.size() > 1 || !reader_busy_ || read_ended_) start_write_locked();
    if (outgoing_.empty() && !writing_ && closing_) start_writes_done_locked();
    return what;
  }

  void start_write_locked() {
    if (writing_ || outgoing_.empty()) return;
    writing_ = true;
    grpc::WriteOptions options;
    if (outgoing_.size() > 1) options.set_buffer_hint();
    stream_->Write(outgoing_.front(), options, tag(operation::wrote));
  }

  void start_writes_done_locked() {
    if (writes_done_) return;
    writes_done_ = true;
    stream_->WritesDone(tag(operation::writes_done));
  }

  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<ChaincodeMessage, ChaincodeMessage>> stream_;
  grpc::Status status_;
  bool finished_ = false;
  std::mutex mutex_;  // guards the members below
  std::deque<ChaincodeMessage> outgoing_;
  bool writing_ = false;
  bool write_failed_ = false;
  bool reader_busy_ = false;  // the reader handles messages: it writes the queue out afterwards
  bool last_read_waited_ = false;  // the reader slept for the message it handles
  bool read_ended_ = false;
  bool closing_ = false;
  bool writes_done_ = false;
};

class peer_driver::server_end final : public stream_end {
 public:
  server_end(grpc::ServerContext* context,
             grpc::ServerReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream)
      : context_(context), stream_(stream) {}
  bool read(ChaincodeMessage& message) override { return stream_->Read(&message); }
  bool write(const ChaincodeMessage& message, bool more_follows) override {
    return stream_->Write(message, options(more_follows));
  }
  // Cancelling ends a pending read while the handler, which owns the stream, still runs.
  void close_writes() override { context_->TryCancel(); }
  // Once nobody reads any more, the handler may return and end the call.
  void finish() override { closed_.set_value(); }
  void wait_closed() { closed_.get_future().wait(); }

 private:
  grpc::ServerContext* context_;
  grpc::ServerReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream_;
  std::promise<void> closed_;
};

// Accepts one Register stream and lends it to the driver until the driver closes it.
class peer_driver::register_service final : public protos::ChaincodeSupport::Service {
 public:
  grpc::Status Register(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream) override {
    auto end = std::make_shared<server_end>(context, stream);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (taken_)
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "one chaincode per driver");
      taken_ = true;
      pending_ = end;
    }
    arrived_.notify_all();
    end->wait_closed();
    return grpc::Status::OK;
  }

  std::shared_ptr<server_end> wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, timeout, [this] { return pending_ != nullptr; });
    return std::move(pending_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::shared_ptr<server_end> pending_;
  bool taken_ = false;
};

struct peer_driver::in_flight {
  std::promise<transaction_result> done;
  std::function<void(transaction_result)> on_done;  // instead of done when set
  transaction_result result;
  write_set writes;
  int64_t seconds = 0;
  int32_t nanos = 0;
};

peer_driver::peer_driver(driver_options options) : options_(std::move(options)) {}

peer_driver::~peer_driver() { close(); }

std::string peer_driver::serialized_identity(const std::string& msp_id,
                                             const std::string& id_bytes) {
  msp::SerializedIdentity identity;
  identity.set_mspid(msp_id);
  identity.set_id_bytes(id_bytes);
  return identity.SerializeAsString();
}

std::string peer_driver::build_signed_proposal(transaction_request& request) {
  if (request.creator.empty()) {
    request.creator = serialized_identity("Org1MSP", placeholder_certificate);
  }
  if (request.nonce.empty()) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    for (int i = 0; i < 24; ++i) request.nonce.push_back(static_cast<char>(random() & 0xFF));
  }
  if (request.tx_id.empty())
    request.tx_id = scc::detail::to_hex(sha256(request.nonce + request.creator));

  common::ChannelHeader channel_header;
  channel_header.set_type(common::ENDORSER_TRANSACTION);
  channel_header.mutable_timestamp()->set_seconds(request.seconds);
  channel_header.mutable_timestamp()->set_nanos(request.nanos);
  channel_header.set_channel_id(request.channel);
  channel_header.set_tx_id(request.tx_id);
  channel_header.set_epoch(request.epoch);
  common::SignatureHeader signature_header;
  signature_header.set_creator(request.creator);
  signature_header.set_nonce(request.nonce);
  common::Header header;
  header.set_channel_header(channel_header.SerializeAsString());
  header.set_signature_header(signature_header.SerializeAsString());

  protos::ChaincodeInvocationSpec invocation;
  protos::ChaincodeSpec* spec = invocation.mutable_chaincode_spec();
  spec->set_type(protos::ChaincodeSpec::GOLANG);
  spec->mutable_chaincode_id()->set_name("cc");
  for (const std::string& arg : request.args) spec->mutable_input()->add_args(arg);
  spec->mutable_input()->set_is_init(request.is_init);
  protos::ChaincodeProposalPayload payload;
  payload.set_input(invocation.SerializeAsString());
  for (const auto& [key, value] : request.transient) (*payload.mutable_transientmap())[key] = value;

  protos::Proposal proposal;
  proposal.set_header(header.SerializeAsString());
  proposal.set_payload(payload.SerializeAsString());
  protos::SignedProposal signed_proposal;
  signed_proposal.set_proposal_bytes(proposal.SerializeAsString());
  signed_proposal.set_signature("signature not checked by chaincode");
  return signed_proposal.SerializeAsString();
}

void peer_driver::connect(std::chrono::milliseconds timeout) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(100 * 1024 * 1024);
  if (!options_.root_cert_pem.empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = options_.root_cert_pem;
    tls.pem_private_key = options_.client_key_pem;
    tls.pem_cert_chain = options_.client_cert_pem;
    credentials = grpc::SslCredentials(tls);
    if (!options_.server_name_override.empty()) {
      arguments.SetSslTargetNameOverride(options_.server_name_override);
    }
  }
  channel_ = grpc::CreateCustomChannel(options_.address, credentials, arguments);
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    throw std::runtime_error("cannot connect to the chaincode server at " + options_.address);
  }
  auto stub = protos::Chaincode::NewStub(channel_);
  auto end = std::make_unique<client_end>(*stub);
  ChaincodeMessage first;
  if (!end->read(first)) {
    throw std::runtime_error("the chaincode server closed the stream before REGISTER: " +
                             end->finish_message());
  }
  stream_ = std::move(end);
  first_message_ = std::move(first);
  handshake();
}

std::string peer_driver::listen() {
  service_ = std::make_unique<register_service>();
  grpc::ServerBuilder builder;
  int port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options_.listen_key_pem.empty()) {
    grpc::SslServerCredentialsOptions tls(
        options_.listen_client_ca_pem.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    tls.pem_root_certs = options_.listen_client_ca_pem;
    tls.pem_key_cert_pairs.push_back({options_.listen_key_pem, options_.listen_cert_pem});
    credentials = grpc::SslServerCredentials(tls);
  }
  builder.AddListeningPort(options_.address, credentials, &port);
  builder.RegisterService(service_.get());
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) throw std::runtime_error("cannot listen on " + options_.address);
  return options_.address.substr(0, options_.address.rfind(':')) + ":" + std::to_string(port);
}

void peer_driver::accept(std::chrono::milliseconds timeout) {
  if (!service_) throw std::runtime_error("accept() needs listen() first");
  std::shared_ptr<server_end> end = service_->wait(timeout);
  if (!end) throw std::runtime_error("no chaincode registered within the timeout");
  // The service's handler owns the stream; this adapter shares it until close().
  struct borrowed final : stream_end {
    explicit borrowed(std::shared_ptr<server_end> e) : end(std::move(e)) {}
    bool read(ChaincodeMessage& m) override { return end->read(m); }
    bool write(const ChaincodeMessage& m, bool more) override { return end->write(m, more); }
    void close_writes() override { end->close_writes(); }
    void finish() override { end->finish(); }
    std::shared_ptr<server_end> end;
  };
  stream_ = std::make_unique<borrowed>(end);
  ChaincodeMessage first;
  if (!stream_->read(first))
    throw std::runtime_error("the chaincode closed the stream before REGISTER");
  first_message_ = std::move(first);
  handshake();
}

void peer_driver::handshake() {
  const ChaincodeMessage& registration = first_message_;
  protos::ChaincodeID id;
  if (registration.type() != ChaincodeMessage::REGISTER ||
      !id.ParseFromString(registration.payload())) {
    throw std::runtime_error("the chaincode's first message is not REGISTER");
  }
  registered_id_ = id.name();
  ChaincodeMessage registered;
  registered.set_type(ChaincodeMessage::REGISTERED);
  write(registered);
  ChaincodeMessage ready;
  ready.set_type(ChaincodeMessage::READY);
  write(ready);
  reader_ = std::thread([this] { read_loop(); });
}

// Whoever finds no write in progress writes the queue out, so that concurrent senders share
// flushes (as Fabric's Go peer does with its single writer per stream).
void peer_driver::write(const ChaincodeMessage& message) {
  std::unique_lock<std::mutex> lock(write_mutex_);
  if (!stream_ || write_failed_) return;
  outgoing_.push_back(message);
  if (writing_) return;
  writing_ = true;
  std::vector<ChaincodeMessage> batch;
  while (!outgoing_.empty() && !write_failed_) {
    batch.swap(outgoing_);
    lock.unlock();
    bool ok = true;
    for (std::size_t i = 0; i < batch.size() && ok; ++i)
      ok = stream_->write(batch[i], i + 1 < batch.size());
    batch.clear();
    lock.lock();
    if (!ok) write_failed_ = true;
  }
  writing_ = false;
}

void peer_driver::send_raw(const ChaincodeMessage& message) { write(message); }

std::future<transaction_result> peer_driver::submit(const transaction_request& request) {
  return submit_with(request, nullptr);
}

void peer_driver::submit(const transaction_request& request,
                         std::function<void(transaction_result)> done) {
  submit_with(request, std::move(done));
}

std::future<transaction_result> peer_driver::submit_with(
    const transaction_request& original, std::function<void(transaction_result)> on_done) {
  transaction_request request = original;
  ChaincodeMessage message;
  if (request.with_proposal) {
    message.mutable_proposal()->ParseFromString(
        request.signed_proposal.empty() ? build_signed_proposal(request) : request.signed_proposal);
  } else if (request.tx_id.empty()) {
    static std::atomic<uint64_t> counter{0};
    request.tx_id = "tx-" + std::to_string(++counter);
  }
  protos::ChaincodeInput input;
  for (const std::string& arg : request.args) input.add_args(arg);
  for (const auto& [key, value] : request.decorations) (*input.mutable_decorations())[key] = value;
  input.set_is_init(request.is_init);
  message.set_type(request.is_init ? ChaincodeMessage::INIT : ChaincodeMessage::TRANSACTION);
  message.set_payload(input.SerializeAsString());
  message.set_txid(request.tx_id);
  message.set_channel_id(request.channel);

  auto tx = std::make_shared<in_flight>();
  tx->on_done = std::move(on_done);
  tx->result.tx_id = request.tx_id;
  tx->result.signed_proposal = request.with_proposal ? message.proposal().SerializeAsString() : "";
  tx->seconds = request.seconds;
  tx->nanos = request.nanos;
  std::future<transaction_result> future = tx->done.get_future();
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (stream_ended_) {
      tx->result.message = "the chaincode stream has ended";
      if (tx->on_done) {
        tx->on_done(tx->result);
      } else {
        tx->done.set_value(tx->result);
      }
      return future;
    }
    transactions_[tx_key(request.channel, request.tx_id)] = tx;
  }
  write(message);
  return future;
}

transaction_result peer_driver::execute(const transaction_request& request,
                                        std::chrono::milliseconds timeout) {
  std::future<transaction_result> future = submit(request);
  if (future.wait_for(timeout) != std::future_status::ready) {
    throw std::runtime_error("no answer to transaction within the timeout");
  }
  return future.get();
}

std::optional<ChaincodeMessage> peer_driver::next_unsolicited(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [this] { return !unsolicited_.empty(); })) {
    return std::nullopt;
  }
  ChaincodeMessage message = std::move(unsolicited_.front());
  unsolicited_.pop_front();
  return message;
}

void peer_driver::set_reply_override(reply_override override_reply) {
  const std::lock_guard<std::mutex> lock(mutex_);
  override_reply_ = std::move(override_reply);
}

void peer_driver::set_invoke_handler(invoke_handler handler) {
  const std::lock_guard<std::mutex> lock(mutex_);
  invoke_handler_ = std::move(handler);
}

void peer_driver::read_loop() {
  ChaincodeMessage message;
  while (stream_->read(message)) handle(message);
  std::map<std::string, std::shared_ptr<in_flight>> orphans;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stream_ended_ = true;
    orphans.swap(transactions_);
  }
  for (auto& [key, tx] : orphans) {
    tx->result.message = "the chaincode stream ended before the transaction completed";
    if (tx->on_done) {
      tx->on_done(tx->result);
    } else {
      tx->done.set_value(tx->result);
    }
  }
  changed_.notify_all();
}

void peer_driver::handle(ChaincodeMessage& message) {
  switch (message.type()) {
    case ChaincodeMessage::COMPLETED:
    case ChaincodeMessage::ERROR:
      complete(message);
      return;
    case ChaincodeMessage::GET_STATE:
    case ChaincodeMessage::PUT_STATE:
    case ChaincodeMessage::DEL_STATE:
    case ChaincodeMessage::GET_STATE_BY_RANGE:
    case ChaincodeMessage::GET_QUERY_RESULT:
    case ChaincodeMessage::QUERY_STATE_NEXT:
    case ChaincodeMessage::QUERY_STATE_CLOSE:
    case ChaincodeMessage::GET_HISTORY_FOR_KEY:
    case ChaincodeMessage::GET_STATE_METADATA:
    case ChaincodeMessage::PUT_STATE_METADATA:
    case ChaincodeMessage::GET_PRIVATE_DATA_HASH:
    case ChaincodeMessage::PURGE_PRIVATE_DATA:
      answer_request(message);
      return;
    case ChaincodeMessage::INVOKE_CHAINCODE: {
      // The callee may take a while; keep reading the stream meanwhile.
      const std::lock_guard<std::mutex> lock(mutex_);
      helpers_.emplace_back([this, request = message] { answer_request(request); });
      return;
    }
    default: {
      const std::lock_guard<std::mutex> lock(mutex_);
      unsolicited_.push_back(message);
      changed_.notify_all();
    }
  }
}

void peer_driver::complete(ChaincodeMessage& message) {
  std::shared_ptr<in_flight> tx;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const std::string key = tx_key(message.channel_id(), message.txid());
    const auto found = transactions_.find(key);
    if (found == transactions_.end()) {
      unsolicited_.push_back(message);
      changed_.notify_all();
      return;
    }
    tx = found->second;
    transactions_.erase(found);
    for (auto it = queries_.begin(); it != queries_.end();) {
      it = it->second.tx_key == key ? queries_.erase(it) : std::next(it);
    }
  }
  transaction_result& result = tx->result;
  result.type = message.type();
  if (message.has_chaincode_event()) {
    result.has_event = true;
    result.event_name = message.chaincode_event().event_name();
    result.event_payload = message.chaincode_event().payload();
  }
  if (message.type() == ChaincodeMessage::COMPLETED) {
    protos::Response response;
    if (response.ParseFromString(message.payload())) {
      result.status = response.status();
      result.message = response.message();
      result.payload = response.payload();
    } else {
      result.status = 500;
      result.message = "COMPLETED payload is not a protos.Response";
    }
    if (result.status < 400) ledger_.commit(tx->writes, result.tx_id, tx->seconds, tx->nanos);
  } else {
    result.status = 500;
    result.message = message.payload();
  }
  if (tx->on_done) {
    tx->on_done(std::move(result));
  } else {
    tx->done.set_value(std::move(result));
  }
}

void peer_driver::answer_request(const ChaincodeMessage& request) {
  std::shared_ptr<in_flight> tx;
  reply_override override_reply;
  invoke_handler invoke;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = transactions_.find(tx_key(request.channel_id(), request.txid()));
    if (found != transactions_.end()) {
      tx = found->second;
      tx->result.requests.push_back(request.type());
    }
    override_reply = override_reply_;
    invoke = invoke_handler_;
  }
  if (!tx) {
    // Fabric's handler text for a request outside any transaction.
    write(error_reply(request, "[" + request.txid().substr(0, 8) + "] Failed to handle " +
                                   ChaincodeMessage::Type_Name(request.type()) +
                                   ". Transaction context not found for TxID: " + request.txid()));
    return;
  }
  if (override_reply) {
    if (std::optional<ChaincodeMessage> replaced = override_reply(request)) {
      // UNDEFINED: the test answers later, with send_raw.
      if (replaced->type() != ChaincodeMessage::UNDEFINED) write(*replaced);
      return;
    }
  }
  if (request.type() == ChaincodeMessage::INVOKE_CHAINCODE) {
    protos::ChaincodeSpec spec;
    if (!spec.ParseFromString(request.payload())) {
      write(error_reply(request, "INVOKE_CHAINCODE payload is not a protos.ChaincodeSpec"));
      return;
    }
    ChaincodeMessage callee;
    if (invoke) {
      callee = invoke(spec, request);
    } else {
      callee.set_type(ChaincodeMessage::ERROR);
      callee.set_payload("chaincode " + spec.chaincode_id().name() + " not found");
    }
    write(reply_to(request, ChaincodeMessage::RESPONSE, callee.SerializeAsString()));
    return;
  }
  write(serve_request(request, *tx));
}

protos::QueryResponse peer_driver::next_batch(const std::string& id, open_query& query) {
  protos::QueryResponse response;
  response.set_id(id);
  const std::size_t limit = static_cast<std::size_t>(options_.batch_size);
  std::size_t taken = 0;
  while (query.next < query.rows.size() && taken < limit) {
    response.add_results()->set_resultbytes(query.rows[query.next++]);
    ++taken;
  }
  response.set_has_more(query.next < query.rows.size());
  return response;
}

ChaincodeMessage peer_driver::serve_request(const ChaincodeMessage& request, in_flight& tx) {
  const std::string key_of_tx = tx_key(request.channel_id(), request.txid());
  const auto parse_failed = [&](const char* what) {
    return error_reply(request, std::string("failed to unmarshal ") + what);
  };
  // Reads see committed data only: Fabric has no read-your-writes.
  switch (request.type()) {
    case ChaincodeMessage::GET_STATE:
    case ChaincodeMessage::GET_PRIVATE_DATA_HASH: {
      protos::GetState get;
      if (!get.ParseFromString(request.payload())) return parse_failed("GetState");
      const std::optional<std::string> value = ledger_.get(get.collection(), get.key());
      std::string answer = value.value_or("");
      if (request.type() == ChaincodeMessage::GET_PRIVATE_DATA_HASH && value)
        answer = sha256(*value);
      return reply_to(request, ChaincodeMessage::RESPONSE, answer);
    }
    case ChaincodeMessage::PUT_STATE: {
      protos::PutState put;
      if (!put.ParseFromString(request.payload())) return parse_failed("PutState");
      if (put.key().empty()) return error_reply(request, "key must not be an empty string");
      const std::lock_guard<std::mutex> lock(mutex_);
      tx.writes.values[{put.collection(), put.key()}] = put.value();
      return reply_to(request, ChaincodeMessage::RESPONSE, "");
    }
    case ChaincodeMessage::DEL_STATE:
    case ChaincodeMessage::PURGE_PRIVATE_DATA: {
      protos::DelState del;
      if (!del.ParseFromString(request.payload())) return parse_failed("DelState");
      if (request.type() == ChaincodeMessage::PURGE_PRIVATE_DATA && del.collection().empty()) {
        return error_reply(request, "only private data can be purged");
      }
      const std::lock_guard<std::mutex> lock(mutex_);
      tx.writes.values[{del.collection(), del.key()}] = std::nullopt;
      return reply_to(request, ChaincodeMessage::RESPONSE, "");
    }
    case ChaincodeMessage::GET_STATE_METADATA: {
      protos::GetStateMetadata get;
      if (!get.ParseFromString(request.payload())) return parse_failed("GetStateMetadata");
      protos::StateMetadataResult result;
      for (const auto& [name, value] : ledger_.metadata(get.collection(), get.key())) {
        protos::StateMetadata* entry = result.add_entries();
        entry->set_metakey(name);
        entry->set_value(value);
      }
      return reply_to(request, ChaincodeMessage::RESPONSE, result.SerializeAsString());
    }
    case ChaincodeMessage::PUT_STATE_METADATA: {
      protos::PutStateMetadata put;
      if (!put.ParseFromString(request.payload())) return parse_failed("PutStateMetadata");
      const std::lock_guard<std::mutex> lock(mutex_);
      tx.writes.metadata[{put.collection(), put.key()}][put.metadata().metakey()] =
          put.metadata().value();
      return reply_to(request, ChaincodeMessage::RESPONSE, "");
    }
    case ChaincodeMessage::GET_QUERY_RESULT:
      // What a Fabric 2.5 peer with LevelDB answers.
      return error_reply(request, "GET_QUERY_RESULT failed: transaction ID: " + request.txid() +
                                      ": ExecuteQuery not supported for leveldb");
    case ChaincodeMessage::GET_STATE_BY_RANGE:
    case ChaincodeMessage::GET_HISTORY_FOR_KEY: {
      open_query query;
      query.tx_key = key_of_tx;
      std::string metadata_bytes;
      if (request.type() == ChaincodeMessage::GET_STATE_BY_RANGE) {
        protos::GetStateByRange range;
        if (!range.ParseFromString(request.payload())) return parse_failed("GetStateByRange");
        protos::QueryMetadata page;
        if (!range.metadata().empty() && !page.ParseFromString(range.metadata())) {
          return parse_failed("QueryMetadata");
        }
        const bool paginated = !range.metadata().empty();
        std::string start = range.startkey();
        if (paginated && !page.bookmark().empty() && page.bookmark() > start)
          start = page.bookmark();
        auto rows = ledger_.range(range.collection(), start, range.endkey());
        std::string bookmark;
        if (paginated && page.pagesize() > 0 &&
            rows.size() > static_cast<std::size_t>(page.pagesize())) {
          bookmark = rows[static_cast<std::size_t>(page.pagesize())].first;
          rows.resize(static_cast<std::size_t>(page.pagesize()));
        }
        for (const auto& [key, value] : rows) {
          queryresult::KV kv;
          kv.set_namespace_(options_.chaincode_name);
          kv.set_key(key);
          kv.set_value(value);
          query.rows.push_back(kv.SerializeAsString());
        }
        if (paginated) {
          // Fabric answers a page in one response, with its metadata.
          protos::QueryResponseMetadata metadata;
          metadata.set_fetched_records_count(static_cast<int32_t>(rows.size()));
          metadata.set_bookmark(bookmark);
          metadata_bytes = metadata.SerializeAsString();
        }
      } else {
        protos::GetHistoryForKey history;
        if (!history.ParseFromString(request.payload())) return parse_failed("GetHistoryForKey");
        for (const history_entry& entry : ledger_.history(history.key())) {
          queryresult::KeyModification row;
          row.set_tx_id(entry.tx_id);
          row.set_value(entry.value);
          row.mutable_timestamp()->set_seconds(entry.seconds);
          row.mutable_timestamp()->set_nanos(entry.nanos);
          row.set_is_delete(entry.is_delete);
          query.rows.push_back(row.SerializeAsString());
        }
      }
      const std::lock_guard<std::mutex> lock(mutex_);
      const std::string id = "query-" + std::to_string(next_query_id_++);
      protos::QueryResponse response;
      if (!metadata_bytes.empty()) {
        response.set_id(id);
        for (const std::string& row : query.rows) response.add_results()->set_resultbytes(row);
        response.set_metadata(metadata_bytes);
      } else {
        response = next_batch(id, query);
        if (response.has_more()) queries_[id] = std::move(query);
      }
      return reply_to(request, ChaincodeMessage::RESPONSE, response.SerializeAsString());
    }
    case ChaincodeMessage::QUERY_STATE_NEXT: {
      protos::QueryStateNext next;
      if (!next.ParseFromString(request.payload())) return parse_failed("QueryStateNext");
      const std::lock_guard<std::mutex> lock(mutex_);
      const auto found = queries_.find(next.id());
      if (found == queries_.end() || found->second.tx_key != key_of_tx) {
        return error_reply(request, "query iterator not found");
      }
      protos::QueryResponse response = next_batch(next.id(), found->second);
      if (!response.has_more()) queries_.erase(found);
      return reply_to(request, ChaincodeMessage::RESPONSE, response.SerializeAsString());
    }
    case ChaincodeMessage::QUERY_STATE_CLOSE: {
      protos::QueryStateClose close;
      if (!close.ParseFromString(request.payload())) return parse_failed("QueryStateClose");
      const std::lock_guard<std::mutex> lock(mutex_);
      queries_.erase(close.id());
      protos::QueryResponse response;
      response.set_id(close.id());
      return reply_to(request, ChaincodeMessage::RESPONSE, response.SerializeAsString());
    }
    default:
      return error_reply(request,
                         "unsupported request " + ChaincodeMessage::Type_Name(request.type()));
  }
}

void peer_driver::close() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  if (stream_) {
    {
      // After any write in progress: WritesDone must not overlap a Write.
      std::unique_lock<std::mutex> lock(write_mutex_);
      while (writing_) {
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
      }
      write_failed_ = true;  // nothing more goes out
      stream_->close_writes();
    }
    if (reader_.joinable()) reader_.join();
    stream_->finish();
  }
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  std::vector<std::thread> helpers;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    helpers.swap(helpers_);
  }
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace scc::ccaas::driver
