// message_stream.hpp - one bidirectional stream of ChaincodeMessages, whoever opened it.
//
// The chaincode side speaks the same protocol whether the peer dialled it (Chaincode/Connect,
// the server side of a gRPC call) or it dialled the peer (ChaincodeSupport/Register, the client
// side): both are a reader and a writer of protos::ChaincodeMessage.
#ifndef SCC_CCAAS_MESSAGE_STREAM_HPP
#define SCC_CCAAS_MESSAGE_STREAM_HPP

#include "peer/chaincode_shim.pb.h"
#include <grpcpp/support/sync_stream.h>

namespace scc::ccaas {

class message_stream {
 public:
  virtual ~message_stream() = default;
  // Blocks for the next message; false once the stream has ended.
  virtual bool read(protos::ChaincodeMessage& message) = 0;
  // One writer at a time: the session serialises calls. more_follows lets the transport hold
  // the message back to send it with the next one. The message is the stream's to keep (a
  // transport that queues it moves it). False once the stream is broken.
  virtual bool write(protos::ChaincodeMessage&& message, bool more_follows = false) = 0;
};

// Either end of a gRPC bidirectional stream (ServerReaderWriter or ClientReaderWriter).
template <class GrpcStream>
class grpc_message_stream final : public message_stream {
 public:
  explicit grpc_message_stream(GrpcStream& stream) : stream_(stream) {}
  bool read(protos::ChaincodeMessage& message) override { return stream_.Read(&message); }
  bool write(protos::ChaincodeMessage&& message, bool more_follows) override {
    grpc::WriteOptions options;
    if (more_follows) options.set_buffer_hint();
    return stream_.Write(message, options);
  }

 private:
  GrpcStream& stream_;
};

}  // namespace scc::ccaas

#endif  // SCC_CCAAS_MESSAGE_STREAM_HPP
