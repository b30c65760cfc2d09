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
	// The state of the call a slot runs, nil while it runs none: what a callback looks up.
	slots [maxConcurrentCalls]atomic.Pointer[callState]
	// The state each slot reuses from call to call, with its buffers, made on the slot's first
	// call. Unlike a sync.Pool, which the garbage collector empties, it needs no allocation per
	// call; it keeps one state per slot ever used at once, and the free list is a stack, so
	// calls reuse the same few.
	states [maxConcurrentCalls]*callState
}

// openCall starts a call on a free slot and returns the slot's number, which is never 0 (0
// means "no call" to sccbridge_go_log), and its state, reset, for the call to fill in before it
// reaches C++. ok is false when every slot is taken.
func openCall() (slot uint32, state *callState, ok bool) {
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
		return 0, nil, false
	}
	calls.mutex.Unlock()
	// The slot is this call's alone until closeCall: its state needs no lock.
	state = calls.states[slot]
	if state == nil {
		state = new(callState)
		calls.states[slot] = state
	}
	calls.slots[slot].Store(state)
	return slot, state, true
}

// closeCall ends the call on slot; its state must be reset already.
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
