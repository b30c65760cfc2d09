// registryscc through the loader: the built registryscc.so, run against the stub-ledger
// harness.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <scc/testing.hpp>

namespace {

using nlohmann::json;
using scc::testing::identity;
using scc::testing::tx_options;

const identity org1{"Org1MSP", ""};
const identity org2{"Org2MSP", ""};

tx_options as(const identity& who) {
  tx_options options;
  options.creator = who;
  return options;
}

tx_options as_with_details(const identity& who, std::string details) {
  tx_options options = as(who);
  options.transient["details"] = std::move(details);
  return options;
}

scc::testing::harness with_registryscc() {
  scc::testing::harness h;
  h.install(REGISTRYSCC_PLUGIN_PATH);
  return h;
}

std::string asset_key(const std::string& owner, const std::string& id) {
  return std::string("\0asset\0", 7) + owner + std::string(1, '\0') + id + std::string(1, '\0');
}

json payload_of(const scc::testing::tx_result& result) {
  REQUIRE_MESSAGE(result.response.status == 200,
                  "answered " << result.response.status << ": " << result.response.message);
  return json::parse(result.response.payload);
}

}  // namespace

TEST_CASE("create_asset stores JSON under the composite key (owner, id) and raises AssetCreated") {
  auto h = with_registryscc();
  const auto created =
      h.invoke("registryscc", {"create_asset", "car1", "red car", "15000"}, as(org1));
  CHECK(created.committed());
  const json expected = {
      {"id", "car1"}, {"owner", "Org1MSP"}, {"description", "red car"}, {"appraised_value", 15000}};
  CHECK(json::parse(created.response.payload) == expected);
  REQUIRE(created.event.has_value());
  CHECK(created.event->name == "AssetCreated");
  CHECK(json::parse(created.event->payload) == expected);
  CHECK(json::parse(h.state("registryscc", asset_key("Org1MSP", "car1")).value()) == expected);

  CHECK(payload_of(h.query("registryscc", {"read_asset", "Org1MSP", "car1"}, as(org2))) ==
        expected);
}

TEST_CASE("an asset id is unique per owner; a missing asset is a 404") {
  auto h = with_registryscc();
  REQUIRE(h.invoke("registryscc", {"create_asset", "car1", "red", "1"}, as(org1)).committed());
  const auto again = h.invoke("registryscc", {"create_asset", "car1", "blue", "2"}, as(org1));
  CHECK(again.response.status == 409);
  CHECK(again.response.message == "create_asset: asset Org1MSP/car1 already exists");
  // Another owner's car1 is another asset.
  CHECK(h.invoke("registryscc", {"create_asset", "car1", "blue", "2"}, as(org2)).committed());

  const auto missing = h.query("registryscc", {"read_asset", "Org1MSP", "boat"});
  CHECK(missing.response.status == 404);
  CHECK(missing.response.message == "read_asset: asset Org1MSP/boat does not exist");
  CHECK(h.invoke("registryscc", {"create_asset", "", "x", "1"}, as(org1)).response.status == 400);
}

TEST_CASE("only the owning organisation may update or delete an asset") {
  auto h = with_registryscc();
  REQUIRE(h.invoke("registryscc", {"create_asset", "car1", "red", "100"}, as(org1)).committed());
  const auto foreign = h.invoke("registryscc", {"update_asset", "car1", "stolen", "1"}, as(org2));
  CHECK(foreign.response.status == 404);
  CHECK(foreign.response.message ==
        "update_asset: asset Org2MSP/car1 does not exist; only the owning organisation may "
        "change an asset");
  CHECK(h.invoke("registryscc", {"delete_asset", "car1"}, as(org2)).response.status == 404);

  const auto updated =
      h.invoke("registryscc", {"update_asset", "car1", "repainted", "120"}, as(org1));
  CHECK(updated.committed());
  CHECK(payload_of(h.query("registryscc", {"read_asset", "Org1MSP", "car1"})).at("description") ==
        "repainted");
  CHECK(h.invoke("registryscc", {"delete_asset", "car1"}, as(org1)).committed());
  CHECK(h.query("registryscc", {"read_asset", "Org1MSP", "car1"}).response.status == 404);
  CHECK_FALSE(h.state("registryscc", asset_key("Org1MSP", "car1")).has_value());
}

TEST_CASE("assets_by_owner pages through one owner's assets with bookmarks") {
  auto h = with_registryscc();
  for (const std::string id : {"a1", "a2", "a3", "a4", "a5"}) {
    REQUIRE(h.invoke("registryscc", {"create_asset", id, "thing", "1"}, as(org1)).committed());
  }
  REQUIRE(h.invoke("registryscc", {"create_asset", "b1", "other", "1"}, as(org2)).committed());

  std::vector<std::string> seen;
  std::vector<std::size_t> page_sizes;
  std::vector<std::string> request = {"assets_by_owner", "Org1MSP", "2"};
  while (true) {
    const json page = payload_of(h.query("registryscc", request));
    page_sizes.push_back(page.at("assets").size());
    for (const json& item : page.at("assets")) {
      CHECK(item.at("owner") == "Org1MSP");
      seen.push_back(item.at("id"));
    }
    const std::string bookmark = page.at("bookmark");
    if (bookmark.empty()) break;
    request = {"assets_by_owner", "Org1MSP", "2", bookmark};
  }
  CHECK(seen == std::vector<std::string>{"a1", "a2", "a3", "a4", "a5"});
  CHECK(page_sizes == std::vector<std::size_t>{2, 2, 1});

  CHECK(payload_of(h.query("registryscc", {"assets_by_owner", "Org2MSP", "10"}))
            .at("assets")
            .size() == 1);
  CHECK(h.query("registryscc", {"assets_by_owner", "Org1MSP", "0"}).response.message ==
        "assets_by_owner: page_size must be at least 1");
}

TEST_CASE("asset_history lists every committed version, newest first, with its transaction") {
  auto h = with_registryscc();
  const auto created = h.invoke("registryscc", {"create_asset", "car1", "new", "100"}, as(org1));
  const auto updated = h.invoke("registryscc", {"update_asset", "car1", "used", "80"}, as(org1));
  const auto deleted = h.invoke("registryscc", {"delete_asset", "car1"}, as(org1));
  REQUIRE(deleted.committed());
  // A failed transaction leaves no version.
  REQUIRE_FALSE(h.invoke("registryscc", {"update_asset", "car1", "x", "1"}, as(org1)).committed());

  const json history = payload_of(h.query("registryscc", {"asset_history", "Org1MSP", "car1"}));
  REQUIRE(history.size() == 3);
  CHECK(history[0].at("tx_id") == deleted.tx_id);
  CHECK(history[0].at("is_delete") == true);
  CHECK_FALSE(history[0].contains("value"));
  CHECK(history[1].at("tx_id") == updated.tx_id);
  CHECK(history[1].at("value").at("description") == "used");
  CHECK(history[2].at("tx_id") == created.tx_id);
  CHECK(history[2].at("value").at("appraised_value") == 100);
  CHECK(history[0].at("timestamp") > history[2].at("timestamp"));

  CHECK(h.query("registryscc", {"asset_history", "Org1MSP", "boat"}).response.status == 404);
}

TEST_CASE("private details travel in the transient map and live only in the collection") {
  auto h = with_registryscc();
  const std::string details = R"({"serial_number":"SN-123","purchase_price":9000})";
  const auto created = h.invoke("registryscc", {"create_asset", "car1", "red", "15000"},
                                as_with_details(org1, details));
  REQUIRE(created.committed());
  const std::string key = asset_key("Org1MSP", "car1");
  CHECK(json::parse(h.private_data("registryscc", "registryDetails", key).value()) ==
        json::parse(details));
  // The public asset does not carry them.
  CHECK(h.state("registryscc", key).value().find("SN-123") == std::string::npos);

  CHECK(payload_of(h.query("registryscc", {"read_private_details", "car1"}, as(org1))) ==
        json::parse(details));
  // Another organisation reads only its own details, and has none for car1.
  CHECK(h.query("registryscc", {"read_private_details", "car1"}, as(org2)).response.status == 404);
}

TEST_CASE("set_private_details replaces the details of an owned asset") {
  auto h = with_registryscc();
  REQUIRE(h.invoke("registryscc", {"create_asset", "car1", "red", "1"}, as(org1)).committed());
  CHECK(h.query("registryscc", {"read_private_details", "car1"}, as(org1)).response.status == 404);

  const auto without = h.invoke("registryscc", {"set_private_details", "car1"}, as(org1));
  CHECK(without.response.status == 400);
  CHECK(without.response.message ==
        "set_private_details: put the details in the transient map under \"details\", as JSON "
        "{\"serial_number\": ..., \"purchase_price\": ...}");
  const auto malformed = h.invoke("registryscc", {"set_private_details", "car1"},
                                  as_with_details(org1, R"({"serial_number":"SN-1"})"));
  CHECK(malformed.response.status == 400);
  CHECK(malformed.response.message ==
        "set_private_details: transient \"details\": missing field \"purchase_price\" of "
        "private_details");

  CHECK(h.invoke("registryscc", {"set_private_details", "car1"},
                 as_with_details(org1, R"({"serial_number":"SN-9","purchase_price":5})"))
            .committed());
  CHECK(payload_of(h.query("registryscc", {"read_private_details", "car1"}, as(org1)))
            .at("serial_number") == "SN-9");
  CHECK(h.invoke("registryscc", {"set_private_details", "car1"},
                 as_with_details(org2, R"({"serial_number":"SN-0","purchase_price":1})"))
            .response.status == 404);
}
