// registryscc - an asset registry written as a typed contract (scc/contract.hpp).
//
// An asset belongs to the organisation (MSP id) of the client that created it and is stored as
// JSON under the composite key ("asset", owner, id). Only the owning organisation may change or
// delete it; anyone on the channel may read it. Private details (serial number, purchase price)
// arrive in the transient map, so they never appear in the proposal or the block, and live in
// the private data collection "registryDetails"; only the owner may read them back.
//
//   create_asset ID DESCRIPTION APPRAISED_VALUE   transient "details" optional; event AssetCreated
//   update_asset ID DESCRIPTION APPRAISED_VALUE
//   delete_asset ID
//   read_asset OWNER ID
//   assets_by_owner OWNER PAGE_SIZE [BOOKMARK]    one page; pass the bookmark back for the next
//   asset_history OWNER ID                        every committed version, newest first
//   set_private_details ID                        transient "details"
//   read_private_details ID
//
// A system chaincode is not covered by the channel's ACLs: the checks below are the only ones.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <scc/contract.hpp>

namespace registryscc {

struct asset {
  std::string id;
  std::string owner;
  std::string description;
  uint64_t appraised_value = 0;
};
SCC_OBJECT(asset, id, owner, description, appraised_value);

struct private_details {
  std::string serial_number;
  uint64_t purchase_price = 0;
};
SCC_OBJECT(private_details, serial_number, purchase_price);

struct asset_page {
  std::vector<asset> assets;
  // Empty on the last page.
  std::string bookmark;
};
SCC_OBJECT(asset_page, assets, bookmark);

// One committed version of an asset. value is absent for the delete.
struct asset_version {
  std::string tx_id;
  int64_t timestamp = 0;  // seconds, the submitting client's clock as Fabric records it
  bool is_delete = false;
  std::optional<asset> value;
};
SCC_OBJECT(asset_version, tx_id, timestamp, is_delete, value);

class registry {
 public:
  asset create_asset(scc::context& ctx, const std::string& id, const std::string& description,
                     uint64_t appraised_value) {
    const asset created{id, owner_of(ctx), description, appraised_value};
    require_id(id);
    const std::string key = asset_key(ctx, created.owner, id);
    if (ctx.get_state<asset>(key)) {
      throw scc::transaction_error(409, "asset " + created.owner + "/" + id + " already exists");
    }
    ctx.put_state(key, created);
    // Details may come with the asset; a separate set_private_details could not, since reads
    // never see this transaction's own writes.
    if (std::optional<private_details> details = transient_details(ctx, false)) {
      ctx.stub().put_private_data(details_collection, key,
                                  scc::codec<private_details>::to_payload(*details));
    }
    ctx.set_event("AssetCreated", created);
    return created;
  }

  asset update_asset(scc::context& ctx, const std::string& id, const std::string& description,
                     uint64_t appraised_value) {
    asset changed = owned_asset(ctx, id);
    changed.description = description;
    changed.appraised_value = appraised_value;
    ctx.put_state(asset_key(ctx, changed.owner, id), changed);
    return changed;
  }

  void delete_asset(scc::context& ctx, const std::string& id) {
    const asset existing = owned_asset(ctx, id);
    const std::string key = asset_key(ctx, existing.owner, id);
    ctx.stub().del_state(key);
    ctx.stub().del_private_data(details_collection, key);
  }

  asset read_asset(scc::context& ctx, const std::string& owner, const std::string& id) {
    const std::optional<asset> stored = ctx.get_state<asset>(asset_key(ctx, owner, id));
    if (!stored) throw scc::transaction_error(404, "asset " + owner + "/" + id + " does not exist");
    return *stored;
  }

  // A paginated query: Fabric allows it only in a transaction that writes nothing.
  asset_page assets_by_owner(scc::context& ctx, const std::string& owner, int32_t page_size,
                             const std::optional<std::string>& bookmark) {
    if (page_size <= 0) throw scc::transaction_error(400, "page_size must be at least 1");
    const scc::page page = ctx.stub().get_state_by_partial_composite_key_with_pagination(
        "asset", {owner}, page_size, bookmark.value_or(""));
    asset_page out;
    for (const scc::kv& row : page.items) out.assets.push_back(parse_asset(row.value));
    out.bookmark = page.bookmark;
    return out;
  }

  std::vector<asset_version> asset_history(scc::context& ctx, const std::string& owner,
                                           const std::string& id) {
    std::vector<asset_version> versions;
    for (const scc::key_modification& change :
         ctx.stub().get_history_for_key(asset_key(ctx, owner, id))) {
      asset_version version{change.tx_id, change.timestamp.seconds, change.is_delete, {}};
      if (!change.is_delete) version.value = parse_asset(change.value);
      versions.push_back(std::move(version));
    }
    if (versions.empty()) {
      throw scc::transaction_error(404, "asset " + owner + "/" + id + " never existed");
    }
    return versions;
  }

  void set_private_details(scc::context& ctx, const std::string& id) {
    const asset existing = owned_asset(ctx, id);
    const std::optional<private_details> details = transient_details(ctx, true);
    ctx.stub().put_private_data(details_collection, asset_key(ctx, existing.owner, id),
                                scc::codec<private_details>::to_payload(*details));
  }

  private_details read_private_details(scc::context& ctx, const std::string& id) {
    const std::string owner = owner_of(ctx);
    const std::optional<std::string> stored =
        ctx.stub().get_private_data(details_collection, asset_key(ctx, owner, id));
    if (!stored) {
      throw scc::transaction_error(404, "no private details for asset " + owner + "/" + id);
    }
    return scc::codec<private_details>::from_argument(*stored);
  }

 private:
  static constexpr const char* details_collection = "registryDetails";
  static constexpr const char* details_transient_key = "details";

  static std::string owner_of(scc::context& ctx) { return ctx.client_identity().msp_id(); }

  static std::string asset_key(scc::context& ctx, const std::string& owner, const std::string& id) {
    return ctx.stub().create_composite_key("asset", {owner, id});
  }

  static void require_id(const std::string& id) {
    if (id.empty()) throw scc::transaction_error(400, "the asset id must not be empty");
  }

  static asset parse_asset(const std::string& stored) {
    return scc::codec<asset>::from_argument(stored);
  }

  // The client's own asset: the key holds the owner, so another organisation's asset of the
  // same id is simply not found.
  asset owned_asset(scc::context& ctx, const std::string& id) {
    const std::string owner = owner_of(ctx);
    const std::optional<asset> stored = ctx.get_state<asset>(asset_key(ctx, owner, id));
    if (!stored) {
      throw scc::transaction_error(404, "asset " + owner + "/" + id +
                                            " does not exist; only the owning organisation may "
                                            "change an asset");
    }
    return *stored;
  }

  static std::optional<private_details> transient_details(scc::context& ctx, bool required) {
    const std::map<std::string, std::string> transient = ctx.stub().get_transient();
    const auto found = transient.find(details_transient_key);
    if (found == transient.end()) {
      if (!required) return std::nullopt;
      throw scc::transaction_error(
          400,
          "put the details in the transient map under \"details\", as JSON "
          "{\"serial_number\": ..., \"purchase_price\": ...}");
    }
    try {
      return scc::codec<private_details>::from_argument(found->second);
    } catch (const scc::argument_error& bad) {
      throw scc::transaction_error(400, std::string("transient \"details\": ") + bad.what());
    }
  }
};

}  // namespace registryscc

// The queries are `evaluate`: read-only, tagged evaluateTx in the metadata. One transaction per
// line, which the formatter would wrap mid-group.
// clang-format off
SCC_CONTRACT(registryscc::registry, "registryscc", "1.0.0",
             (create_asset, id, description, appraised_value)
             (update_asset, id, description, appraised_value)
             (delete_asset, id)
             (evaluate read_asset, owner, id)
             (evaluate assets_by_owner, owner, page_size, bookmark)
             (evaluate asset_history, owner, id)
             (set_private_details, id)
             (evaluate read_private_details, id));
// clang-format on
