package main

// Tests and benchmark of the bridge without a network, over the 1.4 shim's MockStub, with
// probescc as the plugin (pluginLibraryPath). bridges/fabric-1.4/test/fabric14_test.sh copies
// this file into a bridge package and runs go test there.

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hyperledger/fabric/core/chaincode/shim"
	pb "github.com/hyperledger/fabric/protos/peer"
)

var (
	loadOnce sync.Once
	loaded   *bridge
	loadErr  error
)

func probe(t testing.TB) *bridge {
	loadOnce.Do(func() { loaded, loadErr = load(pluginLibraryPath) })
	if loadErr != nil {
		t.Fatalf("loading %s: %s", pluginLibraryPath, loadErr)
	}
	return loaded
}

func args(values ...string) [][]byte {
	out := make([][]byte, len(values))
	for i, value := range values {
		out[i] = []byte(value)
	}
	return out
}

func expect(t *testing.T, what string, got pb.Response, status int32, message, payload string) {
	t.Helper()
	if got.Status != status || got.Message != message || string(got.Payload) != payload {
		t.Errorf("%s: got status %d message %q payload %q; want %d %q %q", what, got.Status,
			got.Message, truncate(string(got.Payload)), status, message, truncate(payload))
	}
}

func truncate(text string) string {
	if len(text) > 80 {
		return text[:80] + fmt.Sprintf("...(%d bytes)", len(text))
	}
	return text
}

func TestStateThroughTheBridge(t *testing.T) {
	stub := shim.NewMockStub("probescc", probe(t))
	expect(t, "put", stub.MockInvoke("tx1", args("put", "color", "blue")), 200, "", "")
	expect(t, "get", stub.MockInvoke("tx2", args("get", "color")), 200, "", "blue")
	expect(t, "get absent", stub.MockInvoke("tx3", args("get", "nothing")), 404, "absent: nothing", "")
	expect(t, "empty key", stub.MockInvoke("tx4", args("empty_key")), 200, "",
		"refused: key must not be an empty string")
	expect(t, "del", stub.MockInvoke("tx5", args("del", "color")), 200, "", "")
	expect(t, "get deleted", stub.MockInvoke("tx6", args("get", "color")), 404, "absent: color", "")
	stub.MockInvoke("tx7", args("put", "a", "1"))
	stub.MockInvoke("tx8", args("put", "b", "2"))
	// Not "" to "": MockStub, unlike the peer, reads an empty end key as an empty range.
	expect(t, "range", stub.MockInvoke("tx9", args("range", "a", "z")), 200, "", "a=1\nb=2\n")
	stub.MockInvoke("tx10", args("put_composite", "asset", "org1", "x", "10"))
	stub.MockInvoke("tx11", args("put_composite", "asset", "org2", "y", "20"))
	expect(t, "partial composite key", stub.MockInvoke("tx12", args("partial", "asset", "org1")), 200,
		"", "asset/org1/x=10\n")
	// MockStub has no history: its error reaches the plugin as a ledger error.
	got := stub.MockInvoke("tx13", args("history", "a"))
	if got.Status != 500 || !strings.Contains(got.Message, "not implemented") {
		t.Errorf("history on MockStub: got %d %q, want 500 with MockStub's 'not implemented'", got.Status, got.Message)
	}
}

func TestLargeValuesAndAnswers(t *testing.T) {
	stub := shim.NewMockStub("probescc", probe(t))
	for _, size := range []int{255, 256, 257, 4095, 4096, 4097, 100000} {
		want := strings.Repeat("x", size)
		key := fmt.Sprintf("big%d", size)
		expect(t, fmt.Sprintf("big answer %d", size), stub.MockInvoke("tx", args("big", key, fmt.Sprint(size))),
			200, "", want)
		expect(t, fmt.Sprintf("big value %d read back", size), stub.MockInvoke("tx", args("get", key)),
			200, "", want)
	}
}

func TestStatusesPassUnchanged(t *testing.T) {
	stub := shim.NewMockStub("probescc", probe(t))
	for _, status := range []int32{200, 201, 299, 399, 400, 404, 500, 599, 600, -1} {
		expect(t, fmt.Sprintf("status %d", status), stub.MockInvoke("tx", args("status", fmt.Sprint(status))),
			status, "status on request", "payload")
	}
	expect(t, "a C++ exception", stub.MockInvoke("tx", args("throw")), 500, "probescc threw on purpose", "")
}

// calleeChaincode answers every call with a status, message and payload the caller must see as they are.
type calleeChaincode struct{}

func (calleeChaincode) Init(shim.ChaincodeStubInterface) pb.Response { return shim.Success(nil) }
func (calleeChaincode) Invoke(stub shim.ChaincodeStubInterface) pb.Response {
	return pb.Response{Status: 250, Message: "callee says " + strings.Join(stub.GetStringArgs(), ","),
		Payload: []byte("callee payload")}
}

func TestInvokeChaincodeResponsePassesUnchanged(t *testing.T) {
	stub := shim.NewMockStub("probescc", probe(t))
	callee := shim.NewMockStub("callee", calleeChaincode{})
	stub.MockPeerChaincode("callee", callee)
	expect(t, "cc2cc", stub.MockInvoke("tx", args("call", "callee", "f", "x")), 200, "",
		"status=250 message=callee says f,x payload=callee payload")
}

// panickingStub is a stub whose GetState panics, as a buggy peer or shim might.
type panickingStub struct{ *shim.MockStub }

func (panickingStub) GetState(string) ([]byte, error) { panic("GetState exploded") }
func (panickingStub) GetArgs() [][]byte               { return args("get", "k") }

func TestPanicInTheStubDoesNotEscape(t *testing.T) {
	stub := panickingStub{shim.NewMockStub("probescc", probe(t))}
	stub.MockTransactionStart("tx")
	got := probe(t).Invoke(stub)
	stub.MockTransactionEnd("tx")
	if got.Status != 500 || !strings.Contains(got.Message, "the Fabric stub panicked in GetState: GetState exploded") {
		t.Errorf("panicking stub: got %d %q, want 500 naming the panic", got.Status, got.Message)
	}
}

func TestConcurrentCallsOnANonThreadSafePlugin(t *testing.T) {
	var wait sync.WaitGroup
	failures := make(chan string, 64)
	for worker := 0; worker < 8; worker++ {
		wait.Add(1)
		go func(worker int) {
			defer wait.Done()
			stub := shim.NewMockStub("probescc", probe(t))
			for i := 0; i < 200; i++ {
				key, value := fmt.Sprintf("k%d", i), fmt.Sprintf("w%d-%d", worker, i)
				// Not put: MockStub blocks on its 100th event, which nobody reads here.
				stub.MockInvoke("tx", args("getput", key, value))
				if got := stub.MockInvoke("tx", args("get", key)); string(got.Payload) != value {
					failures <- fmt.Sprintf("worker %d: got %q want %q", worker, got.Payload, value)
					return
				}
			}
		}(worker)
	}
	// The plugin is not thread-safe, so no two calls of it may overlap.
	for worker := 0; worker < 8; worker++ {
		wait.Add(1)
		go func(worker int) {
			defer wait.Done()
			stub := shim.NewMockStub("probescc", probe(t))
			for i := 0; i < 10; i++ {
				if got := stub.MockInvoke("tx", args("exclusive")); string(got.Payload) != "alone" {
					failures <- fmt.Sprintf("worker %d: calls overlapped: %d %q %q", worker, got.Status, got.Message, got.Payload)
					return
				}
			}
		}(worker)
	}
	wait.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
}

// recordingStub logs the ledger operations that reach the stub, in order, and refuses every
// PutState when refusePuts is set, as a peer refuses a write it cannot take.
type recordingStub struct {
	*shim.MockStub
	args           [][]byte
	operations     []string
	refusePuts     bool
	transientReads int
}

func (s *recordingStub) GetState(key string) ([]byte, error) {
	s.operations = append(s.operations, "GetState "+key)
	return s.MockStub.GetState(key)
}

func (s *recordingStub) PutState(key string, value []byte) error {
	s.operations = append(s.operations, "PutState "+key+"="+string(value))
	if s.refusePuts {
		return errors.New("the ledger refuses " + key)
	}
	return s.MockStub.PutState(key, value)
}

func (s *recordingStub) SetEvent(name string, payload []byte) error {
	s.operations = append(s.operations, "SetEvent "+name)
	return nil // MockStub's event channel blocks once full
}

func (s *recordingStub) GetTransient() (map[string][]byte, error) {
	s.transientReads++
	return map[string][]byte{"secret": []byte("s3cret")}, nil
}

func (s *recordingStub) GetArgs() [][]byte { return s.args }

func invokeOn(t *testing.T, stub *recordingStub, values ...string) pb.Response {
	t.Helper()
	stub.args = args(values...)
	stub.operations = nil
	stub.MockTransactionStart("tx")
	defer stub.MockTransactionEnd("tx")
	return probe(t).Invoke(stub)
}

func newRecordingStub(t *testing.T) *recordingStub {
	return &recordingStub{MockStub: shim.NewMockStub("probescc", probe(t))}
}

func expectOperations(t *testing.T, what string, stub *recordingStub, want ...string) {
	t.Helper()
	if strings.Join(stub.operations, "; ") != strings.Join(want, "; ") {
		t.Errorf("%s: the stub saw %q, want %q", what, stub.operations, want)
	}
}

// Writes wait in the bridge and reach the stub in one go, but in their order and before any
// other operation, so the stub sees what it saw when each went at once.
func TestBufferedWritesReachTheStubInOrder(t *testing.T) {
	stub := newRecordingStub(t)
	expect(t, "put", invokeOn(t, stub, "put", "k", "v"), 200, "", "")
	expectOperations(t, "put", stub, "PutState k=v", "SetEvent put")
	// MockStub reads its own writes: the write reaches it before the read.
	expect(t, "ryw", invokeOn(t, stub, "ryw", "r", "new"), 200, "", "new")
	expectOperations(t, "ryw", stub, "PutState r=new", "GetState r")
	expect(t, "getput", invokeOn(t, stub, "getput", "r", "newer"), 200, "", "new")
	expectOperations(t, "getput", stub, "GetState r", "PutState r=newer")
	// A failed invoke's writes still reach the stub (the peer discards them), as before.
	expect(t, "put_then_fail", invokeOn(t, stub, "put_then_fail", "f", "x"), 500,
		"failing on purpose after writing f", "")
	expectOperations(t, "put_then_fail", stub, "PutState f=x", "SetEvent never")
	expect(t, "empty key", invokeOn(t, stub, "empty_key"), 200, "", "refused: key must not be an empty string")
	expectOperations(t, "empty key", stub)
}

// A write the stub refuses after the plugin went on never lets the invoke answer success.
func TestRefusedBufferedWriteFailsTheInvoke(t *testing.T) {
	stub := newRecordingStub(t)
	stub.refusePuts = true
	// Refused when the invoke returns: the event after it is not set.
	expect(t, "put", invokeOn(t, stub, "put", "k", "v"), 500, "scc bridge: the ledger refuses k", "")
	expectOperations(t, "put", stub, "PutState k=v")
	// Refused before the read that follows it: the plugin gets the refusal there.
	got := invokeOn(t, stub, "ryw", "r", "new")
	if got.Status != 500 || !strings.Contains(got.Message, "the ledger refuses r") {
		t.Errorf("ryw with a refused write: got %d %q, want 500 with the refusal", got.Status, got.Message)
	}
	expectOperations(t, "ryw", stub, "PutState r=new")
	// A failed invoke's own answer stands.
	expect(t, "put_then_fail", invokeOn(t, stub, "put_then_fail", "f", "x"), 500,
		"failing on purpose after writing f", "")
}

// The proposal's details (creator, transient, ...) are read only by an invoke that asks for them.
func TestProposalDetailsOnlyWhenAsked(t *testing.T) {
	stub := newRecordingStub(t)
	expect(t, "getput", invokeOn(t, stub, "getput", "k", "v"), 200, "", "")
	if stub.transientReads != 0 {
		t.Errorf("getput read the transient map %d times, want 0", stub.transientReads)
	}
	expect(t, "transient", invokeOn(t, stub, "transient", "secret"), 200, "", "s3cret")
	if stub.transientReads != 1 {
		t.Errorf("transient read the transient map %d times, want 1", stub.transientReads)
	}
}

// ---- Benchmark: the same work (one get, one put) as a pure Go SCC and through the bridge ----

type pureGoGetPut struct{}

func (pureGoGetPut) Init(shim.ChaincodeStubInterface) pb.Response { return shim.Success(nil) }
func (pureGoGetPut) Invoke(stub shim.ChaincodeStubInterface) pb.Response {
	_, params := stub.GetFunctionAndParameters()
	value, err := stub.GetState(params[0])
	if err != nil {
		return shim.Error(err.Error())
	}
	if err := stub.PutState(params[0], []byte(params[1])); err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success(value)
}

func benchmarkGetPut(b *testing.B, chaincode shim.Chaincode) {
	stub := shim.NewMockStub("bench", chaincode)
	invocation := args("getput", "counter", "value")
	stub.MockInvoke("warm", invocation)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := stub.MockInvoke("tx", invocation); got.Status != 200 || string(got.Payload) != "value" {
			b.Fatalf("got %d %q", got.Status, got.Payload)
		}
	}
}

func BenchmarkGetPutPureGo(b *testing.B) { benchmarkGetPut(b, pureGoGetPut{}) }
func BenchmarkGetPutBridge(b *testing.B) { benchmarkGetPut(b, probe(b)) }

// cpuNanosPerInvoke runs n invokes and returns the process CPU time (user and system, every
// thread, the garbage collector's included) per invoke: unlike wall time, it does not count the
// time other programs on a busy machine (a shared CI runner) hold the cores.
func cpuNanosPerInvoke(t *testing.T, chaincode shim.Chaincode, n int) float64 {
	stub := shim.NewMockStub("bench", chaincode)
	invocation := args("getput", "counter", "value")
	stub.MockInvoke("warm", invocation)
	runtime.GC()
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	for i := 0; i < n; i++ {
		if got := stub.MockInvoke("tx", invocation); got.Status != 200 || string(got.Payload) != "value" {
			t.Fatalf("got %d %q", got.Status, got.Payload)
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	used := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) * time.Nanosecond
	return float64(used.Nanoseconds()) / float64(n)
}

// TestBridgeCostPerInvoke measures both in one run and reports the ratio; fabric14_test.sh reads
// the RATIO line. Rounds alternate between the two and each side's cheapest round counts.
func TestBridgeCostPerInvoke(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark")
	}
	const rounds, invokes = 7, 100000
	pureBest, bridgedBest := math.Inf(1), math.Inf(1)
	for round := 0; round < rounds; round++ {
		pure := cpuNanosPerInvoke(t, pureGoGetPut{}, invokes)
		bridged := cpuNanosPerInvoke(t, probe(t), invokes)
		pureBest, bridgedBest = math.Min(pureBest, pure), math.Min(bridgedBest, bridged)
		fmt.Printf("round %d: pure Go %.0f ns/invoke, bridge %.0f ns/invoke (CPU time)\n", round+1, pure, bridged)
	}
	fmt.Printf("best of %d: pure Go %.0f ns/invoke, bridge %.0f ns/invoke (CPU time)\n", rounds, pureBest, bridgedBest)
	fmt.Printf("RATIO %.2f\n", bridgedBest/pureBest)
}
