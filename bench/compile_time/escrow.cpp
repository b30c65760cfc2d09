// escrow - the contract bench/compile_time.sh builds: the size and shape of a first real
// contract (SCC_CONTRACT, SCC_OBJECT, composite keys, a range, history, events, identity).
//
//   open ID SELLER AMOUNT      the client (the buyer) opens an escrow; event Opened
//   fund ID                    the buyer funds it; event Funded
//   release ID                 the buyer releases the funds to the seller; event Released
//   refund ID                  the seller gives the funds back; event Refunded
//   read ID, by_buyer BUYER, changes ID, balance ACCOUNT
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <scc/contract.hpp>

namespace escrow {

struct deal {
  std::string id;
  std::string buyer;
  std::string seller;
  uint64_t amount = 0;
  std::string state;  // open, funded, released, refunded
};
SCC_OBJECT(deal, id, buyer, seller, amount, state);

struct deal_event {
  std::string id;
  std::string state;
  uint64_t amount = 0;
};
SCC_OBJECT(deal_event, id, state, amount);

struct deal_change {
  std::string tx_id;
  bool is_delete = false;
  std::optional<deal> value;
};
SCC_OBJECT(deal_change, tx_id, is_delete, value);

class escrow_contract {
 public:
  deal open(scc::context& ctx, const std::string& id, const std::string& seller,
            uint64_t amount) {
    if (id.empty()) throw scc::transaction_error(400, "the escrow id must not be empty");
    if (amount == 0) throw scc::transaction_error(400, "the amount must be positive");
    const std::string buyer = ctx.client_identity().msp_id();
    if (ctx.stub().get_state(deal_key(ctx, buyer, id))) {
      throw scc::transaction_error(409, "escrow " + id + " already exists");
    }
    const deal opened{id, buyer, seller, amount, "open"};
    store(ctx, opened, "Opened");
    return opened;
  }

  deal fund(scc::context& ctx, const std::string& id) {
    deal funded = own_deal(ctx, id, "open");
    const uint64_t balance = balance_of(ctx, funded.buyer);
    if (balance < funded.amount) {
      throw scc::transaction_error(402, "the balance of " + funded.buyer + " is too low");
    }
    ctx.stub().put_state(account_key(ctx, funded.buyer), std::to_string(balance - funded.amount));
    funded.state = "funded";
    store(ctx, funded, "Funded");
    return funded;
  }

  deal release(scc::context& ctx, const std::string& id) {
    deal released = own_deal(ctx, id, "funded");
    const uint64_t balance = balance_of(ctx, released.seller);
    ctx.stub().put_state(account_key(ctx, released.seller),
                         std::to_string(balance + released.amount));
    released.state = "released";
    store(ctx, released, "Released");
    return released;
  }

  deal refund(scc::context& ctx, const std::string& buyer, const std::string& id) {
    deal refunded = read(ctx, buyer, id);
    if (refunded.seller != ctx.client_identity().msp_id() || refunded.state != "funded") {
      throw scc::transaction_error(403, "only the seller refunds a funded escrow");
    }
    const uint64_t balance = balance_of(ctx, refunded.buyer);
    ctx.stub().put_state(account_key(ctx, refunded.buyer),
                         std::to_string(balance + refunded.amount));
    refunded.state = "refunded";
    store(ctx, refunded, "Refunded");
    return refunded;
  }

  void deposit(scc::context& ctx, uint64_t amount) {
    const std::string account = ctx.client_identity().msp_id();
    ctx.stub().put_state(account_key(ctx, account), std::to_string(balance_of(ctx, account) + amount));
  }

  uint64_t balance(scc::context& ctx, const std::string& account) { return balance_of(ctx, account); }

  deal read(scc::context& ctx, const std::string& buyer, const std::string& id) {
    const std::optional<std::string> stored = ctx.stub().get_state(deal_key(ctx, buyer, id));
    if (!stored) throw scc::transaction_error(404, "escrow " + buyer + "/" + id + " does not exist");
    return scc::codec<deal>::from_argument(*stored);
  }

  std::vector<deal> by_buyer(scc::context& ctx, const std::string& buyer) {
    std::vector<deal> deals;
    for (const scc::kv& row : ctx.stub().get_state_by_partial_composite_key("deal", {buyer})) {
      deals.push_back(scc::codec<deal>::from_argument(row.value));
    }
    return deals;
  }

  std::vector<deal_change> changes(scc::context& ctx, const std::string& buyer,
                                   const std::string& id) {
    std::vector<deal_change> out;
    for (const scc::key_modification& change :
         ctx.stub().get_history_for_key(deal_key(ctx, buyer, id))) {
      deal_change row{change.tx_id, change.is_delete, {}};
      if (!change.is_delete) row.value = scc::codec<deal>::from_argument(change.value);
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  static std::string deal_key(scc::context& ctx, const std::string& buyer, const std::string& id) {
    return ctx.stub().create_composite_key("deal", {buyer, id});
  }
  static std::string account_key(scc::context& ctx, const std::string& account) {
    return ctx.stub().create_composite_key("account", {account});
  }
  static uint64_t balance_of(scc::context& ctx, const std::string& account) {
    const std::optional<std::string> stored = ctx.stub().get_state(account_key(ctx, account));
    return stored ? std::stoull(*stored) : 0;
  }
  deal own_deal(scc::context& ctx, const std::string& id, const std::string& state) {
    deal found = read(ctx, ctx.client_identity().msp_id(), id);
    if (found.state != state) {
      throw scc::transaction_error(409, "escrow " + id + " is " + found.state + ", not " + state);
    }
    return found;
  }
  static void store(scc::context& ctx, const deal& value, const char* event) {
    ctx.stub().put_state(deal_key(ctx, value.buyer, value.id), scc::codec<deal>::to_payload(value));
    ctx.stub().set_event(event,
                         scc::codec<deal_event>::to_payload({value.id, value.state, value.amount}));
  }
};

}  // namespace escrow

SCC_CONTRACT(escrow::escrow_contract, "escrow", "1.0.0",
             (open, id, seller, amount)(fund, id)(release, id)(refund, buyer, id)(deposit, amount)(
                 balance, account)(read, buyer, id)(by_buyer, buyer)(changes, buyer, id));
