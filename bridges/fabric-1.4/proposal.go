package main

import (
	"encoding/binary"

	"github.com/golang/protobuf/proto"
	"github.com/hyperledger/fabric/core/chaincode/shim"
)

// encodeProposal lays out what every call needs, for proposal_reader (bridge.cpp) to read in
// one go: sizes are little-endian u32.
//
//	args: count, then each as size+bytes
//	tx id, channel id: size+bytes each
//
// The rest of the proposal costs more to gather (the signed proposal is marshalled again) and
// most invokes never look at it: encodeDetails gives it when the plugin first asks for it.
func encodeProposal(stub shim.ChaincodeStubInterface, buffer []byte) []byte {
	args := stub.GetArgs()
	txID, channelID := stub.GetTxID(), stub.GetChannelID()
	size := 4 + 2*4 + len(txID) + len(channelID)
	for _, arg := range args {
		size += 4 + len(arg)
	}
	out := buffer[:0]
	if cap(out) < size {
		out = make([]byte, 0, size)
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(args)))
	for _, arg := range args {
		out = appendBytes(out, arg)
	}
	out = appendString(out, txID)
	return appendString(out, channelID)
}

// encodeDetails lays out the rest of the proposal, in the same encoding, for decode_details
// (bridge.cpp); the timestamp is i64 seconds then i32 nanos.
//
//	creator, signed proposal, binding: size+bytes each
//	transient, decorations: count, then key and value as size+bytes each
//	timestamp
func encodeDetails(stub shim.ChaincodeStubInterface, buffer []byte) ([]byte, error) {
	creator, binding, signedProposal, transient, decorations, seconds, nanos, err := proposalFields(stub)
	if err != nil {
		return nil, err
	}
	size := 3*4 + len(creator) + len(signedProposal) + len(binding) + 4 + 4 + 8 + 4
	for key, value := range transient {
		size += 8 + len(key) + len(value)
	}
	for key, value := range decorations {
		size += 8 + len(key) + len(value)
	}
	out := buffer[:0]
	if cap(out) < size {
		out = make([]byte, 0, size)
	}
	out = appendBytes(out, creator)
	out = appendBytes(out, signedProposal)
	out = appendBytes(out, binding)
	out = appendMap(out, transient)
	out = appendMap(out, decorations)
	out = binary.LittleEndian.AppendUint64(out, uint64(seconds))
	out = binary.LittleEndian.AppendUint32(out, uint32(nanos))
	return out, nil
}

func appendBytes(out, value []byte) []byte {
	out = binary.LittleEndian.AppendUint32(out, uint32(len(value)))
	return append(out, value...)
}

func appendString(out []byte, value string) []byte {
	out = binary.LittleEndian.AppendUint32(out, uint32(len(value)))
	return append(out, value...)
}

func appendMap(out []byte, entries map[string][]byte) []byte {
	out = binary.LittleEndian.AppendUint32(out, uint32(len(entries)))
	for key, value := range entries {
		out = appendString(out, key)
		out = appendBytes(out, value)
	}
	return out
}

// proposalFields reads what the proposal tells beyond the arguments. The peer's init of a system
// chaincode at start has no proposal, and some getters of the 1.4 stub then fail or panic: what
// they cannot tell is left empty.
func proposalFields(stub shim.ChaincodeStubInterface) (creator, binding, signedProposal []byte,
	transient, decorations map[string][]byte, seconds int64, nanos int32, err error) {
	defer func() {
		if recover() != nil {
			creator, binding, signedProposal, transient, decorations, seconds, nanos, err =
				proposalFieldsOneByOne(stub)
		}
	}()
	creator, _ = stub.GetCreator()
	binding, _ = stub.GetBinding()
	transient, _ = stub.GetTransient()
	decorations = stub.GetDecorations()
	if timestamp, failure := stub.GetTxTimestamp(); failure == nil && timestamp != nil {
		seconds, nanos = timestamp.Seconds, timestamp.Nanos
	}
	if signed, failure := stub.GetSignedProposal(); failure == nil && signed != nil {
		signedProposal, err = proto.Marshal(signed)
	}
	return
}

// proposalFieldsOneByOne is proposalFields for a stub with a getter that panics.
func proposalFieldsOneByOne(stub shim.ChaincodeStubInterface) (creator, binding, signedProposal []byte,
	transient, decorations map[string][]byte, seconds int64, nanos int32, err error) {
	tolerate(func() { creator, _ = stub.GetCreator() })
	tolerate(func() { binding, _ = stub.GetBinding() })
	tolerate(func() { transient, _ = stub.GetTransient() })
	tolerate(func() { decorations = stub.GetDecorations() })
	tolerate(func() {
		if timestamp, failure := stub.GetTxTimestamp(); failure == nil && timestamp != nil {
			seconds, nanos = timestamp.Seconds, timestamp.Nanos
		}
	})
	tolerate(func() {
		if signed, failure := stub.GetSignedProposal(); failure == nil && signed != nil {
			signedProposal, err = proto.Marshal(signed)
		}
	})
	return
}

func tolerate(getter func()) {
	defer func() { recover() }()
	getter()
}
