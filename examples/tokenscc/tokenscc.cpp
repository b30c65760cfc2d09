// tokenscc - a fungible token written as a typed contract (scc/contract.hpp).
//
// Accounts are organisations: the account of a client is its MSP id, which Fabric has already
// authenticated when it checked the proposal's signature. Only the minter organisation
// (TOKENSCC_MINTER_MSP, "SampleOrg" by default) may mint. Amounts are uint64: a negative or
// non-numeric amount never reaches the code, and every addition is checked for overflow.
//
//   mint AMOUNT                     credits the minter's account; event Transfer from ""
//   transfer TO AMOUNT              from the client's account; event Transfer
//   approve SPENDER AMOUNT          lets SPENDER move up to AMOUNT of the client's tokens;
//                                   event Approval
//   transfer_from FROM TO AMOUNT    the client spends FROM's allowance; event Transfer
//   balance_of ACCOUNT, allowance OWNER SPENDER, total_supply, client_account, info
//
// A system chaincode is not covered by the channel's ACLs: every write below checks who asks.
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include <scc/contract.hpp>

#ifndef TOKENSCC_MINTER_MSP
#define TOKENSCC_MINTER_MSP "SampleOrg"
#endif

namespace tokenscc {

struct token_info {
  std::string name;
  std::string symbol;
  std::string minter;
};
SCC_OBJECT(token_info, name, symbol, minter);

// The payloads of the two events, as in ERC-20. A mint is a transfer from "".
struct transfer_event {
  std::string from;
  std::string to;
  uint64_t value = 0;
};
SCC_OBJECT(transfer_event, from, to, value);

struct approval_event {
  std::string owner;
  std::string spender;
  uint64_t value = 0;
};
SCC_OBJECT(approval_event, owner, spender, value);

class token {
 public:
  token_info info(scc::context&) { return {"scc example token", "SCCT", TOKENSCC_MINTER_MSP}; }

  uint64_t mint(scc::context& ctx, uint64_t amount) {
    const std::string minter = ctx.client_identity().msp_id();
    if (minter != TOKENSCC_MINTER_MSP) {
      throw scc::transaction_error(403, "only " + std::string(TOKENSCC_MINTER_MSP) +
                                            " may mint; the client belongs to " + minter);
    }
    require_positive(amount);
    const uint64_t supply = read_amount(ctx, total_supply_key);
    const uint64_t new_supply = checked_add(supply, amount, "the total supply");
    const uint64_t balance = checked_add(balance_of(ctx, minter), amount, "the minter's balance");
    ctx.put_state(total_supply_key, new_supply);
    write_balance(ctx, minter, balance);
    emit_transfer(ctx, "", minter, amount);
    return balance;
  }

  void transfer(scc::context& ctx, const std::string& to, uint64_t amount) {
    move_tokens(ctx, ctx.client_identity().msp_id(), to, amount);
  }

  void approve(scc::context& ctx, const std::string& spender, uint64_t amount) {
    const std::string owner = ctx.client_identity().msp_id();
    require_account(spender, "spender");
    ctx.put_state(allowance_key(ctx, owner, spender), amount);
    ctx.set_event("Approval", approval_event{owner, spender, amount});
  }

  void transfer_from(scc::context& ctx, const std::string& from, const std::string& to,
                     uint64_t amount) {
    const std::string spender = ctx.client_identity().msp_id();
    const uint64_t allowed = allowance(ctx, from, spender);
    if (allowed < amount) {
      throw std::runtime_error("insufficient allowance: " + from + " allows " + spender +
                               " to spend " + std::to_string(allowed) + ", not " +
                               std::to_string(amount));
    }
    move_tokens(ctx, from, to, amount);
    ctx.put_state(allowance_key(ctx, from, spender), allowed - amount);
  }

  uint64_t balance_of(scc::context& ctx, const std::string& account) {
    require_account(account, "account");
    return read_amount(ctx, balance_key(ctx, account));
  }

  uint64_t allowance(scc::context& ctx, const std::string& owner, const std::string& spender) {
    require_account(owner, "owner");
    require_account(spender, "spender");
    return read_amount(ctx, allowance_key(ctx, owner, spender));
  }

  uint64_t total_supply(scc::context& ctx) { return read_amount(ctx, total_supply_key); }

  // The account of the client that asks: its MSP id.
  std::string client_account(scc::context& ctx) { return ctx.client_identity().msp_id(); }

 private:
  static constexpr const char* total_supply_key = "total_supply";

  static std::string balance_key(scc::context& ctx, const std::string& account) {
    return ctx.stub().create_composite_key("balance", {account});
  }
  static std::string allowance_key(scc::context& ctx, const std::string& owner,
                                   const std::string& spender) {
    return ctx.stub().create_composite_key("allowance", {owner, spender});
  }

  // Strict: a stored "-1" or "12abc" fails the transaction instead of reading as a number.
  static uint64_t read_amount(scc::context& ctx, const std::string& key) {
    return ctx.get_state<uint64_t>(key).value_or(0);
  }
  static void write_balance(scc::context& ctx, const std::string& account, uint64_t balance) {
    // An empty value deletes the key, so a zero balance is written as "0", not "".
    ctx.put_state(balance_key(ctx, account), balance);
  }

  static void require_positive(uint64_t amount) {
    if (amount == 0) throw scc::transaction_error(400, "the amount must be greater than 0");
  }
  static void require_account(const std::string& account, const char* role) {
    if (account.empty()) {
      throw scc::transaction_error(
          400, std::string("the ") + role + " must name an account (an MSP id), not be empty");
    }
  }

  static uint64_t checked_add(uint64_t a, uint64_t b, const char* what) {
    if (b > std::numeric_limits<uint64_t>::max() - a) {
      throw std::overflow_error(std::string("overflow: ") + what + " would exceed " +
                                std::to_string(std::numeric_limits<uint64_t>::max()) + " (" +
                                std::to_string(a) + " + " + std::to_string(b) + ")");
    }
    return a + b;
  }

  void move_tokens(scc::context& ctx, const std::string& from, const std::string& to,
                   uint64_t amount) {
    require_account(to, "recipient");
    require_positive(amount);
    // Reads see committed state only, never this transaction's writes: a transfer to oneself
    // would read the same balance twice and the credit would overwrite the debit.
    if (from == to) {
      throw scc::transaction_error(400, "cannot transfer from " + from + " to itself");
    }
    const uint64_t from_balance = balance_of(ctx, from);
    if (from_balance < amount) {
      throw std::runtime_error("insufficient balance: " + from + " has " +
                               std::to_string(from_balance) + ", needs " + std::to_string(amount));
    }
    const uint64_t to_balance = checked_add(balance_of(ctx, to), amount, "the recipient's balance");
    write_balance(ctx, from, from_balance - amount);
    write_balance(ctx, to, to_balance);
    emit_transfer(ctx, from, to, amount);
  }

  static void emit_transfer(scc::context& ctx, const std::string& from, const std::string& to,
                            uint64_t amount) {
    ctx.set_event("Transfer", transfer_event{from, to, amount});
  }
};

}  // namespace tokenscc

// The queries are `evaluate`: read-only, tagged evaluateTx in the metadata. One transaction per
// line, which the formatter would wrap mid-group.
// clang-format off
SCC_CONTRACT(tokenscc::token, "tokenscc", "1.0.0",
             (evaluate info)
             (mint, amount)
             (transfer, to, amount)
             (approve, spender, amount)
             (transfer_from, from, to, amount)
             (evaluate balance_of, account)
             (evaluate allowance, owner, spender)
             (evaluate total_supply)
             (evaluate client_account));
// clang-format on
