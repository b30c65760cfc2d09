package escrow

import (
	"strings"
	"testing"

	"github.com/golang/protobuf/proto"
	"github.com/hyperledger/fabric-chaincode-go/shimtest"
	"github.com/hyperledger/fabric-protos-go/msp"
	pb "github.com/hyperledger/fabric-protos-go/peer"
)

type ledger struct {
	t     *testing.T
	stub  *shimtest.MockStub
	count int
}

func newLedger(t *testing.T) *ledger {
	return &ledger{t: t, stub: shimtest.NewMockStub("escrow", Escrow{})}
}

func (l *ledger) as(mspID string) *ledger {
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID})
	if err != nil {
		l.t.Fatal(err)
	}
	l.stub.Creator = creator
	return l
}

func (l *ledger) invoke(args ...string) pb.Response {
	l.count++
	raw := make([][]byte, len(args))
	for i, arg := range args {
		raw[i] = []byte(arg)
	}
	return l.stub.MockInvoke("tx"+string(rune('a'+l.count)), raw)
}

func (l *ledger) ok(args ...string) pb.Response {
	l.t.Helper()
	response := l.invoke(args...)
	if response.Status != 200 {
		l.t.Fatalf("%v answered %d: %s", args, response.Status, response.Message)
	}
	return response
}

func (l *ledger) state(key string) string {
	value, _ := l.stub.GetState(key)
	return string(value)
}

func (l *ledger) event() *pb.ChaincodeEvent {
	select {
	case event := <-l.stub.ChaincodeEventsChannel:
		return event
	default:
		return nil
	}
}

func dealJSON(id, state string) string {
	return `{"amount":100,"buyer":"BuyerMSP","id":"` + id + `","seller":"SellerMSP","state":"` + state + `"}`
}

func dealKeyOf(buyer, id string) string { return "\x00deal\x00" + buyer + "\x00" + id + "\x00" }

func accountKeyOf(account string) string { return "\x00account\x00" + account + "\x00" }

func funded(t *testing.T) *ledger {
	l := newLedger(t).as("BuyerMSP")
	l.ok("deposit", "500")
	l.ok("open", "e1", "SellerMSP", "100")
	l.ok("fund", "e1")
	return l
}

func TestOpenStoresTheDealAndRaisesOpened(t *testing.T) {
	l := newLedger(t).as("BuyerMSP")
	opened := l.ok("open", "e1", "SellerMSP", "100")
	if string(opened.Payload) != dealJSON("e1", "open") {
		t.Errorf("payload %s", opened.Payload)
	}
	if l.state(dealKeyOf("BuyerMSP", "e1")) != dealJSON("e1", "open") {
		t.Errorf("state %s", l.state(dealKeyOf("BuyerMSP", "e1")))
	}
	if event := l.event(); event == nil || event.EventName != "Opened" ||
		string(event.Payload) != `{"amount":100,"id":"e1","state":"open"}` {
		t.Errorf("event %v", event)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	l := newLedger(t).as("BuyerMSP")
	for _, args := range [][]string{{"open", "", "SellerMSP", "100"}, {"open", "e1", "SellerMSP", "0"},
		{"open", "e1", "SellerMSP", "-5"}, {"open", "e1", "SellerMSP"}} {
		if response := l.invoke(args...); response.Status != 500 {
			t.Errorf("%v answered %d", args, response.Status)
		}
	}
	l.ok("open", "e1", "SellerMSP", "100")
	again := l.invoke("open", "e1", "SellerMSP", "7")
	if again.Message != "open: escrow e1 already exists" {
		t.Errorf("message %q", again.Message)
	}
}

func TestFundMovesTheAmount(t *testing.T) {
	l := funded(t)
	if l.state(accountKeyOf("BuyerMSP")) != "400" {
		t.Errorf("balance %s", l.state(accountKeyOf("BuyerMSP")))
	}
	if read := l.ok("read", "BuyerMSP", "e1"); string(read.Payload) != dealJSON("e1", "funded") {
		t.Errorf("read %s", read.Payload)
	}
}

func TestFundWithTooLowABalanceFails(t *testing.T) {
	l := newLedger(t).as("BuyerMSP")
	l.ok("deposit", "50")
	l.ok("open", "e1", "SellerMSP", "100")
	if fund := l.invoke("fund", "e1"); fund.Status != 500 {
		t.Errorf("fund answered %d", fund.Status)
	}
	if l.state(dealKeyOf("BuyerMSP", "e1")) != dealJSON("e1", "open") {
		t.Errorf("state %s", l.state(dealKeyOf("BuyerMSP", "e1")))
	}
}

func TestReleaseAndRefund(t *testing.T) {
	l := funded(t)
	l.ok("release", "e1")
	if l.state(accountKeyOf("SellerMSP")) != "100" {
		t.Errorf("seller %s", l.state(accountKeyOf("SellerMSP")))
	}
	r := funded(t)
	r.as("SellerMSP").ok("refund", "BuyerMSP", "e1")
	if r.state(accountKeyOf("BuyerMSP")) != "500" {
		t.Errorf("buyer %s", r.state(accountKeyOf("BuyerMSP")))
	}
}

func TestOnlyTheRightPartiesAct(t *testing.T) {
	l := funded(t)
	if l.as("StrangerMSP").invoke("release", "e1").Status != 500 {
		t.Error("a stranger released")
	}
	if l.as("BuyerMSP").invoke("refund", "BuyerMSP", "e1").Status != 500 {
		t.Error("the buyer refunded")
	}
}

func TestByBuyerListsInKeyOrder(t *testing.T) {
	l := newLedger(t).as("BuyerMSP")
	for _, id := range []string{"b", "a", "c"} {
		l.ok("open", id, "SellerMSP", "100")
	}
	l.as("StrangerMSP").ok("open", "z", "BuyerMSP", "1")
	listed := l.ok("by_buyer", "BuyerMSP")
	want := "[" + strings.Join([]string{dealJSON("a", "open"), dealJSON("b", "open"), dealJSON("c", "open")}, ",") + "]"
	if string(listed.Payload) != want {
		t.Errorf("listed %s", listed.Payload)
	}
	if empty := l.ok("by_buyer", "NobodyMSP"); string(empty.Payload) != "[]" {
		t.Errorf("empty %s", empty.Payload)
	}
}

func TestReadOfAMissingDeal(t *testing.T) {
	l := newLedger(t).as("BuyerMSP")
	if missing := l.invoke("read", "BuyerMSP", "nope"); missing.Message != "read: escrow BuyerMSP/nope does not exist" {
		t.Errorf("message %q", missing.Message)
	}
	if unknown := l.invoke("nothing"); unknown.Status != 500 {
		t.Errorf("unknown answered %d", unknown.Status)
	}
}
