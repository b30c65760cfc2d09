// The benchmark's chaincode on fabric-shim (npm), served as chaincode as a service:
// "touch KEY VALUE" reads KEY and writes VALUE (one GET_STATE, one PUT_STATE).
'use strict';
const shim = require('fabric-shim');

class TouchChaincode {
  async Init() {
    return shim.success();
  }

  async Invoke(stub) {
    const { fcn, params } = stub.getFunctionAndParameters();
    if (fcn !== 'touch' || params.length !== 2) return shim.error('expected touch KEY VALUE');
    await stub.getState(params[0]);
    await stub.putState(params[0], Buffer.from(params[1]));
    return shim.success();
  }
}

const address = process.env.CHAINCODE_SERVER_ADDRESS;
const server = shim.server(new TouchChaincode(), { ccid: process.env.CHAINCODE_ID, address });
server.start().then(
  () => process.stderr.write(`node shim: listening on ${address}\n`),
  (error) => {
    process.stderr.write(`node shim: ${error}\n`);
    process.exit(1);
  });
