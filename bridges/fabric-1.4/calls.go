package main

import (
	"sync"
	"sync/atomic"
)

// The registry of running calls: the C++ half knows a call only by its slot number, handed back
// to every Go callback (cgo forbids C to hold Go pointers). A fixed table of atomic slots makes
// the lookup on every callback lock-free; runtime/cgo.Handle's sync.Map cost more than the rest
// of a small invoke's bridging.

// maxConcurrentCalls bounds the calls in flight at once, nested chaincode-to-chaincode calls
// included; the peer runs far fewer.
const maxConcurrentCalls = 1 << 14

var calls struct {
	mutex sync.Mutex
	free  []uint32
	next  uint32
	slots [maxConcurrentCalls]atomic.Pointer[callState]
}

var callStates = sync.Pool{New: func() interface{} { return new(callState) }}

// openCall registers state and returns its slot number, which is never 0 (0 means "no call"
// to sccbridge_go_log). ok is false when every slot is taken.
func openCall(state *callState) (slot uint32, ok bool) {
	calls.mutex.Lock()
	switch {
	case len(calls.free) > 0:
		slot = calls.free[len(calls.free)-1]
		calls.free = calls.free[:len(calls.free)-1]
	case calls.next+1 < maxConcurrentCalls:
		calls.next++
		slot = calls.next
	default:
		calls.mutex.Unlock()
		return 0, false
	}
	calls.mutex.Unlock()
	calls.slots[slot].Store(state)
	return slot, true
}

func closeCall(slot uint32) {
	calls.slots[slot].Store(nil)
	calls.mutex.Lock()
	calls.free = append(calls.free, slot)
	calls.mutex.Unlock()
}

// lookupCall returns the state of a running call, or nil for a slot no call holds.
func lookupCall(slot uint64) *callState {
	if slot == 0 || slot >= maxConcurrentCalls {
		return nil
	}
	return calls.slots[slot].Load()
}
