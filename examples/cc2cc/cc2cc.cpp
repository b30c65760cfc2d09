// cc2cc - a contract that calls other system chaincodes through invoke_chaincode.
//
//   call CHAINCODE FUNCTION [ARGS]      ARGS a JSON array of strings; answers exactly what the
//                                       callee answered, refusals included
//   pay_with_memo TO AMOUNT MEMO        tokenscc transfer TO AMOUNT, plus a memo kept here;
//                                       event PaymentWithMemo
//   memo_of TX_ID                       the memo a pay_with_memo transaction left
//   balance_of ACCOUNT                  tokenscc balance_of ACCOUNT, as a number
//
// What a call on the same channel means in Fabric, and what this example shows:
//   - The callee runs inside this transaction: its reads and writes join this transaction's
//     read/write set under its own namespace, and commit or fail together with ours.
//   - The callee's writes stay in the read/write set even when it answers an error, so a caller
//     must fail too (pay_with_memo does) or it commits half a change.
//   - Only the outermost chaincode's event is kept: tokenscc's Transfer event is dropped, so
//     pay_with_memo raises its own.
//   - The callee sees the same creator: tokenscc moves the tokens of whoever called cc2cc.
//   - A plugin configured with invokableCC2CC: false (registryscc in the examples' core.yaml)
//     refuses: "system chaincode registryscc cannot be invoked with a cc2cc invocation".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <scc/contract.hpp>

namespace cc2cc {

struct payment_memo {
  std::string payer;
  std::string to;
  uint64_t amount = 0;
  std::string memo;
};
SCC_OBJECT(payment_memo, payer, to, amount, memo);

class caller {
 public:
  scc::response call(scc::context& ctx, const std::string& chaincode, const std::string& function,
                     const std::optional<std::vector<std::string>>& args) {
    std::vector<std::string> invocation{function};
    if (args) invocation.insert(invocation.end(), args->begin(), args->end());
    return ctx.stub().invoke_chaincode(chaincode, invocation);
  }

  void pay_with_memo(scc::context& ctx, const std::string& to, uint64_t amount,
                     const std::string& memo) {
    const scc::response paid =
        ctx.stub().invoke_chaincode("tokenscc", {"transfer", to, std::to_string(amount)});
    if (!paid.ok()) {
      // Answering an error discards tokenscc's writes along with ours.
      throw scc::transaction_error(paid.status, "tokenscc refused the transfer: " + paid.message);
    }
    const payment_memo record{ctx.client_identity().msp_id(), to, amount, memo};
    ctx.put_state(memo_key(ctx, ctx.stub().get_tx_id()), record);
    ctx.set_event("PaymentWithMemo", record);
  }

  payment_memo memo_of(scc::context& ctx, const std::string& tx_id) {
    const std::optional<payment_memo> stored = ctx.get_state<payment_memo>(memo_key(ctx, tx_id));
    if (!stored) throw scc::transaction_error(404, "no memo for transaction " + tx_id);
    return *stored;
  }

  uint64_t balance_of(scc::context& ctx, const std::string& account) {
    const scc::response balance = ctx.stub().invoke_chaincode("tokenscc", {"balance_of", account});
    if (!balance.ok()) {
      throw scc::transaction_error(balance.status, "tokenscc balance_of: " + balance.message);
    }
    return scc::codec<uint64_t>::from_argument(balance.payload);
  }

 private:
  static std::string memo_key(scc::context& ctx, const std::string& tx_id) {
    return ctx.stub().create_composite_key("memo", {tx_id});
  }
};

}  // namespace cc2cc

// memo_of and balance_of are `evaluate`: read-only, tagged evaluateTx in the metadata. (A callee
// reached through invoke_chaincode is not bound by this: it may write.) One transaction per
// line, which the formatter would wrap mid-group.
// clang-format off
SCC_CONTRACT(cc2cc::caller, "cc2cc", "1.0.0",
             (call, chaincode, function, args)
             (pay_with_memo, to, amount, memo)
             (evaluate memo_of, tx_id)
             (evaluate balance_of, account));
// clang-format on
