// Package escrow is escrow.cpp written against Fabric's Go shim: the Go side of
// bench/compile_time.sh, which times "change one line, go test" beside the C++ loop.
package escrow

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/golang/protobuf/proto"
	"github.com/hyperledger/fabric-chaincode-go/shim"
	"github.com/hyperledger/fabric-protos-go/msp"
	pb "github.com/hyperledger/fabric-protos-go/peer"
)

type Deal struct {
	Amount uint64 `json:"amount"`
	Buyer  string `json:"buyer"`
	ID     string `json:"id"`
	Seller string `json:"seller"`
	State  string `json:"state"`
}

type dealEvent struct {
	Amount uint64 `json:"amount"`
	ID     string `json:"id"`
	State  string `json:"state"`
}

type Escrow struct{}

func (Escrow) Init(shim.ChaincodeStubInterface) pb.Response { return shim.Success(nil) }

func (e Escrow) Invoke(stub shim.ChaincodeStubInterface) pb.Response {
	function, args := stub.GetFunctionAndParameters()
	payload, err := e.dispatch(stub, function, args)
	if err != nil {
		return shim.Error(function + ": " + err.Error())
	}
	return shim.Success(payload)
}

func (e Escrow) dispatch(stub shim.ChaincodeStubInterface, function string, args []string) ([]byte, error) {
	need := map[string]int{"open": 3, "fund": 1, "release": 1, "refund": 2, "deposit": 1,
		"balance": 1, "read": 2, "by_buyer": 1}
	n, known := need[function]
	if !known {
		return nil, fmt.Errorf("unknown function %q", function)
	}
	if len(args) != n {
		return nil, fmt.Errorf("takes %d arguments, got %d", n, len(args))
	}
	client, err := mspID(stub)
	if err != nil {
		return nil, err
	}
	switch function {
	case "open":
		amount, err := strconv.ParseUint(args[2], 10, 64)
		if err != nil || amount == 0 || args[0] == "" {
			return nil, fmt.Errorf("bad id or amount")
		}
		if existing, _ := stub.GetState(dealKey(stub, client, args[0])); existing != nil {
			return nil, fmt.Errorf("escrow %s already exists", args[0])
		}
		return store(stub, Deal{amount, client, args[0], args[1], "open"}, "Opened")
	case "fund", "release":
		d, err := read(stub, client, args[0])
		if err != nil {
			return nil, err
		}
		if function == "fund" {
			if d.State != "open" {
				return nil, fmt.Errorf("escrow %s is %s, not open", d.ID, d.State)
			}
			balance, _ := balanceOf(stub, d.Buyer)
			if balance < d.Amount {
				return nil, fmt.Errorf("the balance of %s is too low", d.Buyer)
			}
			stub.PutState(accountKey(stub, d.Buyer), []byte(strconv.FormatUint(balance-d.Amount, 10)))
			d.State = "funded"
			return store(stub, d, "Funded")
		}
		if d.State != "funded" {
			return nil, fmt.Errorf("escrow %s is %s, not funded", d.ID, d.State)
		}
		balance, _ := balanceOf(stub, d.Seller)
		stub.PutState(accountKey(stub, d.Seller), []byte(strconv.FormatUint(balance+d.Amount, 10)))
		d.State = "released"
		return store(stub, d, "Released")
	case "refund":
		d, err := read(stub, args[0], args[1])
		if err != nil {
			return nil, err
		}
		if d.Seller != client || d.State != "funded" {
			return nil, fmt.Errorf("only the seller refunds a funded escrow")
		}
		balance, _ := balanceOf(stub, d.Buyer)
		stub.PutState(accountKey(stub, d.Buyer), []byte(strconv.FormatUint(balance+d.Amount, 10)))
		d.State = "refunded"
		return store(stub, d, "Refunded")
	case "deposit":
		amount, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil {
			return nil, err
		}
		balance, _ := balanceOf(stub, client)
		return nil, stub.PutState(accountKey(stub, client), []byte(strconv.FormatUint(balance+amount, 10)))
	case "balance":
		balance, err := balanceOf(stub, args[0])
		return []byte(strconv.FormatUint(balance, 10)), err
	case "read":
		d, err := read(stub, args[0], args[1])
		if err != nil {
			return nil, err
		}
		return json.Marshal(d)
	default: // by_buyer
		rows, err := stub.GetStateByPartialCompositeKey("deal", []string{args[0]})
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		deals := []Deal{}
		for rows.HasNext() {
			row, err := rows.Next()
			if err != nil {
				return nil, err
			}
			var d Deal
			if err := json.Unmarshal(row.Value, &d); err != nil {
				return nil, err
			}
			deals = append(deals, d)
		}
		return json.Marshal(deals)
	}
}

func mspID(stub shim.ChaincodeStubInterface) (string, error) {
	creator, err := stub.GetCreator()
	if err != nil {
		return "", err
	}
	var id msp.SerializedIdentity
	if err := proto.Unmarshal(creator, &id); err != nil {
		return "", err
	}
	return id.Mspid, nil
}

func dealKey(stub shim.ChaincodeStubInterface, buyer, id string) string {
	key, _ := stub.CreateCompositeKey("deal", []string{buyer, id})
	return key
}

func accountKey(stub shim.ChaincodeStubInterface, account string) string {
	key, _ := stub.CreateCompositeKey("account", []string{account})
	return key
}

func balanceOf(stub shim.ChaincodeStubInterface, account string) (uint64, error) {
	stored, err := stub.GetState(accountKey(stub, account))
	if err != nil || stored == nil {
		return 0, err
	}
	return strconv.ParseUint(string(stored), 10, 64)
}

func read(stub shim.ChaincodeStubInterface, buyer, id string) (Deal, error) {
	var d Deal
	stored, err := stub.GetState(dealKey(stub, buyer, id))
	if err != nil {
		return d, err
	}
	if stored == nil {
		return d, fmt.Errorf("escrow %s/%s does not exist", buyer, id)
	}
	return d, json.Unmarshal(stored, &d)
}

func store(stub shim.ChaincodeStubInterface, d Deal, event string) ([]byte, error) {
	value, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	if err := stub.PutState(dealKey(stub, d.Buyer, d.ID), value); err != nil {
		return nil, err
	}
	payload, _ := json.Marshal(dealEvent{d.Amount, d.ID, d.State})
	return value, stub.SetEvent(event, payload)
}
