// The benchmark's chaincode on Fabric's own Go shim, served as chaincode as a service:
// "touch KEY VALUE" reads KEY and writes VALUE (one GET_STATE, one PUT_STATE).
package main

import (
	"fmt"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/shim"
	pb "github.com/hyperledger/fabric-protos-go/peer"
)

type touchChaincode struct{}

func (touchChaincode) Init(stub shim.ChaincodeStubInterface) pb.Response {
	return shim.Success(nil)
}

func (touchChaincode) Invoke(stub shim.ChaincodeStubInterface) pb.Response {
	function, params := stub.GetFunctionAndParameters()
	if function != "touch" || len(params) != 2 {
		return shim.Error("expected touch KEY VALUE")
	}
	if _, err := stub.GetState(params[0]); err != nil {
		return shim.Error(err.Error())
	}
	if err := stub.PutState(params[0], []byte(params[1])); err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success(nil)
}

func main() {
	server := &shim.ChaincodeServer{
		CCID:     os.Getenv("CHAINCODE_ID"),
		Address:  os.Getenv("CHAINCODE_SERVER_ADDRESS"),
		CC:       touchChaincode{},
		TLSProps: shim.TLSProperties{Disabled: true},
	}
	fmt.Fprintf(os.Stderr, "go shim: listening on %s\n", server.Address)
	if err := server.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "go shim: %v\n", err)
		os.Exit(1)
	}
}
