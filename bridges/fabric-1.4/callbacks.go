package main

/*
#include "bridge.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unsafe"

	"github.com/hyperledger/fabric/core/chaincode/shim"
)

// The Go side of every host operation bridge.cpp forwards. Each callback recovers from a panic
// (a Go panic must never unwind through the plugin's C++ frames, and must not take the peer
// down): the plugin sees SCC_STATUS_INTERNAL with the panic's text.

const (
	statusOK              = C.SCC_STATUS_OK
	statusNotFound        = C.SCC_STATUS_NOT_FOUND
	statusInvalidArgument = C.SCC_STATUS_INVALID_ARGUMENT
	statusUnsupported     = C.SCC_STATUS_UNSUPPORTED
	statusLedgerError     = C.SCC_STATUS_LEDGER_ERROR
	statusInternal        = C.SCC_STATUS_INTERNAL
	statusGrow            = C.SCCBRIDGE_GROW

	queryRange = 0
	queryRich  = 1

	// U+10FFFF in UTF-8: the shim ends a partial composite key range with it.
	maxUnicodeRune = "\U0010FFFF"
	// The shim's first byte of every composite key.
	compositeKeyNamespace = "\x00"
)

// pendingResult holds a result that did not fit the caller's buffers until it has grown them.
type pendingResult struct {
	status        C.int32_t
	first, second []byte
}

func stateOf(call C.uintptr_t) *callState {
	state := lookupCall(uint64(call))
	if state == nil {
		panic("a callback for a call that is not running")
	}
	return state
}

func goString(data *C.char, size C.size_t) string {
	if size == 0 {
		return ""
	}
	return C.GoStringN(data, C.int(size))
}

// viewString is the plugin's bytes as a string, without a copy, for an argument the stub reads
// during the call only and never keeps: a key it looks up (1.4's handler marshals it into the
// request, MockStub reads its map). The bytes stay valid until the callback returns.
func viewString(data *C.char, size C.size_t) string {
	if size == 0 {
		return ""
	}
	view := unsafe.Slice((*byte)(unsafe.Pointer(data)), int(size))
	return *(*string)(unsafe.Pointer(&view))
}

func goBytes(data *C.char, size C.size_t) []byte {
	if size == 0 {
		return []byte{}
	}
	return C.GoBytes(unsafe.Pointer(data), C.int(size))
}

func fits(buffer *C.sccbridge_buffer, value []byte) bool {
	return buffer == nil || len(value) <= int(buffer.capacity)
}

func write(buffer *C.sccbridge_buffer, value []byte) {
	if buffer == nil {
		return
	}
	if len(value) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(buffer.data)), len(value)), value)
	}
	buffer.size = C.size_t(len(value))
}

// reply writes status's results into the buffers, or keeps them for sccbridge_go_take_pending
// and asks the caller to grow the buffers.
func (state *callState) reply(status C.int32_t, first *C.sccbridge_buffer, firstValue []byte,
	second *C.sccbridge_buffer, secondValue []byte) C.int32_t {
	if fits(first, firstValue) && fits(second, secondValue) {
		write(first, firstValue)
		write(second, secondValue)
		return status
	}
	state.pending = pendingResult{status: status, first: firstValue, second: secondValue}
	if first != nil {
		first.size = C.size_t(len(firstValue))
	}
	if second != nil {
		second.size = C.size_t(len(secondValue))
	}
	return statusGrow
}

func (state *callState) fail(status C.int32_t, buffer *C.sccbridge_buffer, message string) C.int32_t {
	return state.reply(status, buffer, []byte(message), nil, nil)
}

// ledgerFailure reports an error the stub returned: the peer refused or failed the operation.
func (state *callState) ledgerFailure(buffer *C.sccbridge_buffer, err error) C.int32_t {
	return state.fail(statusLedgerError, buffer, err.Error())
}

// recoverInto turns a panic in a callback into SCC_STATUS_INTERNAL.
func recoverInto(result *C.int32_t, call C.uintptr_t, buffer *C.sccbridge_buffer, operation string) {
	failure := recover()
	if failure == nil {
		return
	}
	message := fmt.Sprintf("the Fabric stub panicked in %s: %v", operation, failure)
	if state := lookupCall(uint64(call)); state != nil {
		state.logger.Errorf("%s", message)
		*result = state.fail(statusInternal, buffer, message)
		return
	}
	*result = statusInternal
}

//export sccbridge_go_take_pending
func sccbridge_go_take_pending(call C.uintptr_t, first, second *C.sccbridge_buffer) C.int32_t {
	state := stateOf(call)
	pending := state.pending
	state.pending = pendingResult{}
	if !fits(first, pending.first) || !fits(second, pending.second) {
		return statusInternal
	}
	write(first, pending.first)
	write(second, pending.second)
	return pending.status
}

//export sccbridge_go_proposal_details
func sccbridge_go_proposal_details(call C.uintptr_t, details *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, details, "reading the proposal")
	state := stateOf(call)
	encoded, err := encodeDetails(state.stub, state.details)
	if err != nil {
		return state.fail(statusInternal, details, "scc bridge: reading the proposal: "+err.Error())
	}
	state.details = encoded
	return state.reply(statusOK, details, encoded, nil, nil)
}

//export sccbridge_go_apply_writes
func sccbridge_go_apply_writes(call C.uintptr_t, size C.size_t, message *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, message, "a buffered write")
	state := stateOf(call)
	status, text := state.applyWrites(int(size))
	if status != statusOK {
		return state.fail(status, message, text)
	}
	return statusOK
}

// applyWrites performs the first size bytes of the writes bridge.cpp buffered (see
// SCCBRIDGE_WRITE_PUT in bridge.h), in order, and stops at the first that fails: its status
// and message are what the plugin would have seen had the write gone at once.
func (state *callState) applyWrites(size int) (status C.int32_t, message string) {
	operation := "a buffered write"
	defer func() {
		if failure := recover(); failure != nil {
			message = fmt.Sprintf("the Fabric stub panicked in %s: %v", operation, failure)
			state.logger.Errorf("%s", message)
			status = statusInternal
		}
	}()
	data := state.writes[:size]
	for len(data) > 0 {
		kind := data[0]
		var key, value []byte
		key, data = splitSized(data[1:])
		if kind != C.SCCBRIDGE_WRITE_DEL {
			value, data = splitSized(data)
		}
		var err error
		switch kind {
		case C.SCCBRIDGE_WRITE_PUT:
			operation = "PutState"
			err = state.stub.PutState(keyAndValue(key, value))
		case C.SCCBRIDGE_WRITE_DEL:
			operation = "DelState"
			err = state.stub.DelState(string(key))
		case C.SCCBRIDGE_WRITE_EVENT:
			operation = "SetEvent"
			err = state.stub.SetEvent(keyAndValue(key, value))
		default:
			panic(fmt.Sprintf("unknown buffered write kind %d", kind))
		}
		if err != nil {
			return statusLedgerError, err.Error()
		}
	}
	return statusOK, ""
}

// splitSized reads a little-endian u32 size and that many bytes.
func splitSized(data []byte) (value, rest []byte) {
	size := binary.LittleEndian.Uint32(data)
	return data[4 : 4+size], data[4+size:]
}

// keyAndValue copies a buffered write's key and value, which the stub may keep (the buffer is
// reused), in one allocation: the key is its first bytes, the value the rest, capped so that
// appending to it cannot reach past it. The value is never nil, like C.GoBytes.
func keyAndValue(key, value []byte) (string, []byte) {
	joined := make([]byte, len(key)+len(value))
	copy(joined, key)
	copy(joined[len(key):], value)
	keyBytes := joined[:len(key):len(key)]
	return *(*string)(unsafe.Pointer(&keyBytes)), joined[len(key):len(joined):len(joined)]
}

//export sccbridge_go_deliver_answer
func sccbridge_go_deliver_answer(call C.uintptr_t, message *C.char, messageSize C.size_t,
	payload *C.char, payloadSize C.size_t) {
	state := stateOf(call)
	state.message = goBytes(message, messageSize)
	state.payload = goBytes(payload, payloadSize)
}

//export sccbridge_go_log
func sccbridge_go_log(call C.uintptr_t, level C.int32_t, message *C.char, messageSize C.size_t) {
	defer func() { recover() }() // logging never fails a plugin
	logger := pluginLogger
	if call != 0 {
		logger = stateOf(call).logger
	}
	text := goString(message, messageSize)
	switch level {
	case 0:
		logger.Debug(text)
	case 1:
		logger.Info(text)
	case 2:
		logger.Warning(text)
	default:
		logger.Error(text)
	}
}

//export sccbridge_go_get_state
func sccbridge_go_get_state(call C.uintptr_t, collection *C.char, collectionSize C.size_t,
	key *C.char, keySize C.size_t, value *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, value, "GetState")
	state := stateOf(call)
	var found []byte
	var err error
	if collectionSize == 0 {
		found, err = state.stub.GetState(viewString(key, keySize))
	} else {
		found, err = state.stub.GetPrivateData(viewString(collection, collectionSize), viewString(key, keySize))
	}
	if err != nil {
		return state.ledgerFailure(value, err)
	}
	// The 1.4 peer stores no empty values (writing one deletes the key): empty is absent.
	if len(found) == 0 {
		return statusNotFound
	}
	return state.reply(statusOK, value, found, nil, nil)
}

// emptyKey is the shim's own refusal of an empty key (PutState, DelState).
const emptyKey = "key must not be an empty string"

//export sccbridge_go_put_state
func sccbridge_go_put_state(call C.uintptr_t, collection *C.char, collectionSize C.size_t,
	key *C.char, keySize C.size_t, value *C.char, valueSize C.size_t,
	message *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, message, "PutState")
	state := stateOf(call)
	if keySize == 0 {
		return state.fail(statusInvalidArgument, message, emptyKey)
	}
	var err error
	if collectionSize == 0 {
		err = state.stub.PutState(goString(key, keySize), goBytes(value, valueSize))
	} else {
		err = state.stub.PutPrivateData(goString(collection, collectionSize), goString(key, keySize),
			goBytes(value, valueSize))
	}
	if err != nil {
		return state.ledgerFailure(message, err)
	}
	return statusOK
}

//export sccbridge_go_del_state
func sccbridge_go_del_state(call C.uintptr_t, collection *C.char, collectionSize C.size_t,
	key *C.char, keySize C.size_t, message *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, message, "DelState")
	state := stateOf(call)
	if keySize == 0 {
		return state.fail(statusInvalidArgument, message, emptyKey)
	}
	var err error
	if collectionSize == 0 {
		err = state.stub.DelState(goString(key, keySize))
	} else {
		err = state.stub.DelPrivateData(goString(collection, collectionSize), goString(key, keySize))
	}
	if err != nil {
		return state.ledgerFailure(message, err)
	}
	return statusOK
}

//export sccbridge_go_get_private_data_hash
func sccbridge_go_get_private_data_hash(call C.uintptr_t, collection *C.char,
	collectionSize C.size_t, key *C.char, keySize C.size_t,
	hash *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, hash, "GetPrivateDataHash")
	state := stateOf(call)
	if collectionSize == 0 {
		return state.fail(statusInvalidArgument, hash,
			"GetPrivateDataHash needs a private data collection; public state has no hashes")
	}
	found, err := state.stub.GetPrivateDataHash(goString(collection, collectionSize), goString(key, keySize))
	if err != nil {
		return state.ledgerFailure(hash, err)
	}
	if len(found) == 0 {
		return statusNotFound
	}
	return state.reply(statusOK, hash, found, nil, nil)
}

//export sccbridge_go_get_validation_parameter
func sccbridge_go_get_validation_parameter(call C.uintptr_t, collection *C.char,
	collectionSize C.size_t, key *C.char, keySize C.size_t,
	policy *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, policy, "GetStateValidationParameter")
	state := stateOf(call)
	var found []byte
	var err error
	if collectionSize == 0 {
		found, err = state.stub.GetStateValidationParameter(goString(key, keySize))
	} else {
		found, err = state.stub.GetPrivateDataValidationParameter(goString(collection, collectionSize),
			goString(key, keySize))
	}
	if err != nil {
		return state.ledgerFailure(policy, err)
	}
	if len(found) == 0 {
		return statusNotFound
	}
	return state.reply(statusOK, policy, found, nil, nil)
}

//export sccbridge_go_set_validation_parameter
func sccbridge_go_set_validation_parameter(call C.uintptr_t, collection *C.char,
	collectionSize C.size_t, key *C.char, keySize C.size_t, policy *C.char, policySize C.size_t,
	message *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, message, "SetStateValidationParameter")
	state := stateOf(call)
	var err error
	if collectionSize == 0 {
		err = state.stub.SetStateValidationParameter(goString(key, keySize), goBytes(policy, policySize))
	} else {
		err = state.stub.SetPrivateDataValidationParameter(goString(collection, collectionSize),
			goString(key, keySize), goBytes(policy, policySize))
	}
	if err != nil {
		return state.ledgerFailure(message, err)
	}
	return statusOK
}

// partialCompositeKey reads the literal range [prefix, prefix + U+10FFFF) the SDK sends for a
// partial composite key query back into the object type and attributes the shim wants: the 1.4
// shim refuses ranges whose bounds are composite keys, and offers them only this way.
func partialCompositeKey(start, end string) (objectType string, attributes []string, ok bool) {
	if !strings.HasPrefix(start, compositeKeyNamespace) || !strings.HasSuffix(start, "\x00") ||
		end != start+maxUnicodeRune {
		return "", nil, false
	}
	parts := strings.Split(start[1:len(start)-1], "\x00")
	return parts[0], parts[1:], true
}

func (state *callState) openRange(collection, start, end string, pageSize int32,
	bookmark string) (shim.StateQueryIteratorInterface, int32, string, C.int32_t, error) {
	paginated := pageSize != 0 || bookmark != ""
	if collection != "" && paginated {
		return nil, 0, "", statusUnsupported, fmt.Errorf(
			"Fabric 1.4 has no paginated private data queries: query collection %q without a page size", collection)
	}
	if strings.HasPrefix(start, compositeKeyNamespace) {
		objectType, attributes, ok := partialCompositeKey(start, end)
		if !ok {
			return nil, 0, "", statusInvalidArgument, fmt.Errorf(
				"the Fabric 1.4 shim queries composite keys only by partial composite key " +
					"([prefix, prefix + U+10FFFF)); this range starts with a composite key but is not such a query")
		}
		switch {
		case collection != "":
			rows, err := state.stub.GetPrivateDataByPartialCompositeKey(collection, objectType, attributes)
			return rows, 0, "", statusLedgerError, err
		case paginated:
			rows, metadata, err := state.stub.GetStateByPartialCompositeKeyWithPagination(objectType,
				attributes, pageSize, bookmark)
			if err != nil || metadata == nil {
				return rows, 0, "", statusLedgerError, err
			}
			return rows, metadata.FetchedRecordsCount, metadata.Bookmark, statusOK, nil
		default:
			rows, err := state.stub.GetStateByPartialCompositeKey(objectType, attributes)
			return rows, 0, "", statusLedgerError, err
		}
	}
	switch {
	case collection != "":
		rows, err := state.stub.GetPrivateDataByRange(collection, start, end)
		return rows, 0, "", statusLedgerError, err
	case paginated:
		rows, metadata, err := state.stub.GetStateByRangeWithPagination(start, end, pageSize, bookmark)
		if err != nil || metadata == nil {
			return rows, 0, "", statusLedgerError, err
		}
		return rows, metadata.FetchedRecordsCount, metadata.Bookmark, statusOK, nil
	default:
		rows, err := state.stub.GetStateByRange(start, end)
		return rows, 0, "", statusLedgerError, err
	}
}

func (state *callState) openRich(collection, query string, pageSize int32,
	bookmark string) (shim.StateQueryIteratorInterface, int32, string, C.int32_t, error) {
	paginated := pageSize != 0 || bookmark != ""
	switch {
	case collection != "" && paginated:
		return nil, 0, "", statusUnsupported, fmt.Errorf(
			"Fabric 1.4 has no paginated private data queries: query collection %q without a page size", collection)
	case collection != "":
		rows, err := state.stub.GetPrivateDataQueryResult(collection, query)
		return rows, 0, "", statusLedgerError, err
	case paginated:
		rows, metadata, err := state.stub.GetQueryResultWithPagination(query, pageSize, bookmark)
		if err != nil || metadata == nil {
			return rows, 0, "", statusLedgerError, err
		}
		return rows, metadata.FetchedRecordsCount, metadata.Bookmark, statusOK, nil
	default:
		rows, err := state.stub.GetQueryResult(query)
		return rows, 0, "", statusLedgerError, err
	}
}

func (state *callState) remember(iterator interface{}) uint64 {
	if state.iterators == nil {
		state.iterators = make(map[uint64]interface{})
	}
	state.nextID++
	state.iterators[state.nextID] = iterator
	return state.nextID
}

func (state *callState) closeIterator(id uint64) {
	iterator, ok := state.iterators[id]
	if !ok {
		return
	}
	delete(state.iterators, id)
	switch rows := iterator.(type) {
	case shim.StateQueryIteratorInterface:
		rows.Close()
	case shim.HistoryQueryIteratorInterface:
		rows.Close()
	}
}

//export sccbridge_go_query_open
func sccbridge_go_query_open(call C.uintptr_t, kind C.int32_t, collection *C.char,
	collectionSize C.size_t, start *C.char, startSize C.size_t, end *C.char, endSize C.size_t,
	pageSize C.int32_t, bookmark *C.char, bookmarkSize C.size_t, iterator *C.uint64_t,
	fetched *C.int32_t, outBookmark *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, outBookmark, "a query")
	state := stateOf(call)
	var rows shim.StateQueryIteratorInterface
	var count int32
	var next string
	var failStatus C.int32_t
	var err error
	if kind == queryRich {
		rows, count, next, failStatus, err = state.openRich(goString(collection, collectionSize),
			goString(start, startSize), int32(pageSize), goString(bookmark, bookmarkSize))
	} else {
		rows, count, next, failStatus, err = state.openRange(goString(collection, collectionSize),
			goString(start, startSize), goString(end, endSize), int32(pageSize),
			goString(bookmark, bookmarkSize))
	}
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		return state.fail(failStatus, outBookmark, err.Error())
	}
	if rows == nil {
		return state.fail(statusInternal, outBookmark, "the Fabric stub returned no iterator and no error")
	}
	*iterator = C.uint64_t(state.remember(rows))
	*fetched = C.int32_t(count)
	return state.reply(statusOK, outBookmark, []byte(next), nil, nil)
}

//export sccbridge_go_history_open
func sccbridge_go_history_open(call C.uintptr_t, key *C.char, keySize C.size_t,
	iterator *C.uint64_t, message *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, message, "GetHistoryForKey")
	state := stateOf(call)
	rows, err := state.stub.GetHistoryForKey(goString(key, keySize))
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		return state.ledgerFailure(message, err)
	}
	if rows == nil {
		return state.fail(statusInternal, message, "the Fabric stub returned no iterator and no error")
	}
	*iterator = C.uint64_t(state.remember(rows))
	return statusOK
}

//export sccbridge_go_iterator_next
func sccbridge_go_iterator_next(call C.uintptr_t, id C.uint64_t, first, second *C.sccbridge_buffer,
	seconds *C.int64_t, nanos *C.int32_t, isDelete *C.int32_t) (result C.int32_t) {
	defer recoverInto(&result, call, first, "an iterator's Next")
	state := stateOf(call)
	switch rows := state.iterators[uint64(id)].(type) {
	case shim.StateQueryIteratorInterface:
		if !rows.HasNext() {
			return statusNotFound
		}
		row, err := rows.Next()
		if err != nil {
			return state.ledgerFailure(first, err)
		}
		return state.reply(statusOK, first, []byte(row.Key), second, row.Value)
	case shim.HistoryQueryIteratorInterface:
		if !rows.HasNext() {
			return statusNotFound
		}
		row, err := rows.Next()
		if err != nil {
			return state.ledgerFailure(first, err)
		}
		if row.Timestamp != nil {
			*seconds = C.int64_t(row.Timestamp.Seconds)
			*nanos = C.int32_t(row.Timestamp.Nanos)
		}
		*isDelete = 0
		if row.IsDelete {
			*isDelete = 1
		}
		return state.reply(statusOK, first, []byte(row.TxId), second, row.Value)
	default:
		return state.fail(statusInvalidArgument, first, "unknown or closed iterator")
	}
}

//export sccbridge_go_iterator_close
func sccbridge_go_iterator_close(call C.uintptr_t, id C.uint64_t) {
	defer func() { recover() }() // closing never fails a plugin
	stateOf(call).closeIterator(uint64(id))
}

//export sccbridge_go_set_event
func sccbridge_go_set_event(call C.uintptr_t, name *C.char, nameSize C.size_t, payload *C.char,
	payloadSize C.size_t, message *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, message, "SetEvent")
	state := stateOf(call)
	if nameSize == 0 {
		// The shim's own refusal of an empty event name.
		return state.fail(statusInvalidArgument, message, "event name can not be nil string")
	}
	if err := state.stub.SetEvent(goString(name, nameSize), goBytes(payload, payloadSize)); err != nil {
		return state.ledgerFailure(message, err)
	}
	return statusOK
}

//export sccbridge_go_invoke_chaincode
func sccbridge_go_invoke_chaincode(call C.uintptr_t, name *C.char, nameSize C.size_t,
	channel *C.char, channelSize C.size_t, args *C.char, sizes *C.size_t, count C.size_t,
	status *C.int32_t, first, second *C.sccbridge_buffer) (result C.int32_t) {
	defer recoverInto(&result, call, first, "InvokeChaincode")
	state := stateOf(call)
	arguments := make([][]byte, int(count))
	if count > 0 {
		argSizes := unsafe.Slice(sizes, int(count))
		offset := uintptr(0)
		for i, size := range argSizes {
			arguments[i] = goBytes((*C.char)(unsafe.Pointer(uintptr(unsafe.Pointer(args))+offset)), size)
			offset += uintptr(size)
		}
	}
	// The callee's answer is passed on as it is, refusals included: the 1.4 shim reports them as
	// a response (status 500), not as an error, so there is nothing else to tell them apart by.
	response := state.stub.InvokeChaincode(goString(name, nameSize), arguments, goString(channel, channelSize))
	*status = C.int32_t(response.Status)
	return state.reply(statusOK, first, []byte(response.Message), second, response.Payload)
}
