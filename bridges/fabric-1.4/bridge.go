// The Go half of the Fabric 1.4 bridge: a Go system-chaincode plugin (New() shim.Chaincode, as
// Fabric 1.1-1.4's plugin loader wants) that forwards Init and Invoke to an scc plugin through
// the scc C ABI. bridge.cpp loads the plugin with the SDK's own loader and implements the host
// side; callbacks.go performs each host operation on the shim's ChaincodeStubInterface.
//
// Each bridged plugin is built as its own Go package (Go refuses a second plugin with the same
// package path), by scripts/fabric14-bridge.sh, which also writes plugin_location.go.
package main

/*
#cgo CXXFLAGS: -std=c++17 -fvisibility=hidden -fvisibility-inlines-hidden -DBOOST_DLL_USE_STD_FS
#cgo LDFLAGS: -ldl -lstdc++
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/hyperledger/fabric/common/flogging"
	"github.com/hyperledger/fabric/core/chaincode/shim"
	pb "github.com/hyperledger/fabric/protos/peer"
)

const (
	methodInit   = 0
	methodInvoke = 1
	// Answers up to this size come back without a callback.
	answerBufferSize = 4096
	// Public writes and events up to this size in all wait for the call's end, or for its next
	// other operation, and cross in one go (bridge.cpp, write_buffer).
	writeBufferSize = 8192
)

// bridge is the shim.Chaincode the peer runs: one instance of one scc plugin.
type bridge struct {
	plugin *C.sccbridge_plugin
	name   string
	logger *flogging.FabricLogger
}

// pluginLogger receives what the plugin logs outside a call (its destructor).
var pluginLogger = flogging.MustGetLogger("sccbridge")

// New is the factory Fabric's plugin loader looks up and calls once, at peer start. A plugin the
// SDK's loader refuses makes it panic with the loader's message, as Fabric itself does for a
// plugin it cannot open: the peer does not start with a system chaincode missing.
func New() shim.Chaincode {
	loaded, err := load(pluginLibraryPath)
	if err != nil {
		pluginLogger.Errorf("%s", err)
		panic(err)
	}
	return loaded
}

func load(path string) (*bridge, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var info C.sccbridge_plugin_info
	var failure *C.char
	plugin := C.sccbridge_load(cpath, C.size_t(len(path)), &info, &failure)
	if plugin == nil {
		message := "scc bridge: the plugin could not be loaded"
		if failure != nil {
			message = C.GoString(failure)
			C.free(unsafe.Pointer(failure))
		}
		return nil, fmt.Errorf("%s", message)
	}
	name := C.GoString(info.name)
	loaded := &bridge{plugin: plugin, name: name, logger: flogging.MustGetLogger("scc." + name)}
	pluginLogger = loaded.logger
	threading := "not thread-safe: calls are serialised"
	if info.flags&C.SCC_PLUGIN_FLAG_THREAD_SAFE != 0 {
		threading = "thread-safe"
	}
	loaded.logger.Infof("scc plugin '%s' %s (SDK %s, ABI %d.%d, %s, build %s) loaded from %s",
		name, C.GoString(info.version), C.GoString(info.sdk_version), int(info.abi_major),
		int(info.abi_minor), threading, C.GoString(info.build_tag), path)
	return loaded, nil
}

func (b *bridge) Init(stub shim.ChaincodeStubInterface) pb.Response {
	return b.call(methodInit, stub)
}

func (b *bridge) Invoke(stub shim.ChaincodeStubInterface) pb.Response {
	return b.call(methodInvoke, stub)
}

// callState is what the Go callbacks of one init/invoke call share.
type callState struct {
	stub      shim.ChaincodeStubInterface
	logger    *flogging.FabricLogger
	iterators map[uint64]interface{}
	nextID    uint64
	pending   pendingResult
	// An answer too large for the answer buffer, delivered by callback.
	message []byte
	payload []byte
	// Kept with the state (which its slot reuses) to spare allocations per call.
	encoded      []byte
	details      []byte
	answerHeader C.sccbridge_answer
	answer       [answerBufferSize]byte
	writes       [writeBufferSize]byte
}

// reset clears a finished call's state for reuse, keeping its buffers (the answer buffer is
// overwritten by the next call, so it is not cleared).
func (state *callState) reset() {
	state.stub, state.logger = nil, nil
	state.iterators, state.nextID = nil, 0
	state.pending = pendingResult{}
	state.message, state.payload = nil, nil
	state.encoded = state.encoded[:0]
	state.details = state.details[:0]
}

func (b *bridge) call(method int32, stub shim.ChaincodeStubInterface) (response pb.Response) {
	slot, state, ok := openCall()
	if !ok {
		return shim.Error(fmt.Sprintf("scc bridge: more than %d calls at once", maxConcurrentCalls))
	}
	state.stub, state.logger = stub, b.logger
	defer func() {
		state.closeIterators()
		if failure := recover(); failure != nil {
			b.logger.Errorf("scc plugin '%s': the bridge failed: %v", b.name, failure)
			response = shim.Error(fmt.Sprintf("scc bridge: %v", failure))
		}
		state.reset()
		closeCall(slot)
	}()

	proposal := encodeProposal(stub, state.encoded)
	state.encoded = proposal
	answer := &state.answerHeader
	C.sccbridge_call(b.plugin, C.int32_t(method), C.uintptr_t(slot),
		(*C.uint8_t)(unsafe.Pointer(&proposal[0])), C.size_t(len(proposal)),
		(*C.uint8_t)(unsafe.Pointer(&state.writes[0])), C.size_t(writeBufferSize),
		(*C.uint8_t)(unsafe.Pointer(&state.answer[0])), C.size_t(answerBufferSize), answer)

	response.Status = int32(answer.status)
	if answer.delivered != 0 {
		messageSize := int(answer.message_size)
		if messageSize > 0 {
			response.Message = string(state.answer[:messageSize])
		}
		if payloadSize := int(answer.payload_size); payloadSize > 0 {
			response.Payload = append([]byte(nil), state.answer[messageSize:messageSize+payloadSize]...)
		}
	} else {
		response.Message = string(state.message)
		if len(state.payload) > 0 {
			response.Payload = state.payload
		}
	}
	// The writes still waiting in the buffer, applied whatever the plugin answered, as they
	// would have been one by one. One that fails turns a success into a failure.
	if size := int(answer.writes_size); size > 0 {
		if status, message := state.applyWrites(size); status != statusOK {
			b.logger.Errorf("scc plugin '%s': a write failed after the plugin returned: %s", b.name, message)
			if response.Status < shim.ERRORTHRESHOLD {
				response = shim.Error("scc bridge: " + message)
			}
		}
	}
	return response
}

func (state *callState) closeIterators() {
	for id := range state.iterators {
		state.closeIterator(id)
	}
}
