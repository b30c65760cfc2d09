#include "block_store.hpp"

#include <system_error>
#include <utility>

#include "scc_ledger.pb.h"
#include <fmt/core.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>

namespace scc::peer {

namespace {

// Key layout (LevelDB orders keys bytewise):
//   'c' name                                  channel marker
//   'h' lp(channel)                           height, 8 bytes big-endian
//   'b' lp(channel) be64(number)              ledger.Block
//   's' lp(channel) lp(ns) key                ledger.StateValue
//   'k' lp(channel) lp(ns) lp(key) be64(block) be64(tx)   ledger.KeyModification
// lp() is a 4-byte big-endian length and the bytes, so any name or key (composite keys hold
// NUL bytes) stays unambiguous.
void append_be64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint64_t read_be64(const char* bytes) {
  uint64_t value = 0;
  for (int index = 0; index < 8; ++index) {
    value = (value << 8) | static_cast<unsigned char>(bytes[index]);
  }
  return value;
}

void append_lp(std::string& out, const std::string& text) {
  const auto size = static_cast<uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(size >> shift));
  out.append(text);
}

std::string channel_key(char tag, const std::string& channel) {
  std::string key(1, tag);
  append_lp(key, channel);
  return key;
}

std::string state_key(const std::string& channel, const std::string& ns, const std::string& key) {
  std::string out = channel_key('s', channel);
  append_lp(out, ns);
  out.append(key);
  return out;
}

void check(const leveldb::Status& status, const std::string& what) {
  if (!status.ok()) throw store_error(what + ": " + status.ToString());
}

// ---- ledger::block <-> ledger.Block ----

void to_proto(const ledger::kv_read& read, ledger::KVRead& out) {
  out.set_key(read.key);
  if (read.version) {
    out.mutable_version()->set_block_num(read.version->block);
    out.mutable_version()->set_tx_num(read.version->tx);
  }
}

ledger::kv_read from_proto(const ledger::KVRead& read) {
  ledger::kv_read out{read.key(), std::nullopt};
  if (read.has_version())
    out.version = ledger::version{read.version().block_num(), read.version().tx_num()};
  return out;
}

void to_proto(const ledger::kv_write& write, ledger::KVWrite& out) {
  out.set_key(write.key);
  out.set_is_delete(write.is_delete);
  out.set_value(write.value);
}

ledger::kv_write from_proto(const ledger::KVWrite& write) {
  return ledger::kv_write{write.key(), write.value(), write.is_delete()};
}

void to_proto(const ledger::kv_metadata_write& write, ledger::KVMetadataWrite& out) {
  out.set_key(write.key);
  out.set_validation_parameter(write.validation_parameter);
}

ledger::kv_metadata_write from_proto(const ledger::KVMetadataWrite& write) {
  return ledger::kv_metadata_write{write.key(), write.validation_parameter()};
}

void to_proto(const ledger::ns_rwset& ns, ledger::NsRWSet& out) {
  out.set_namespace_(ns.ns);
  for (const auto& read : ns.reads) to_proto(read, *out.add_reads());
  for (const auto& range : ns.range_queries) {
    ledger::RangeQueryInfo& info = *out.add_range_queries_info();
    info.set_start_key(range.start_key);
    info.set_end_key(range.end_key);
    info.set_itr_exhausted(range.itr_exhausted);
    for (const auto& read : range.reads) to_proto(read, *info.add_reads());
  }
  for (const auto& write : ns.writes) to_proto(write, *out.add_writes());
  for (const auto& write : ns.metadata_writes) to_proto(write, *out.add_metadata_writes());
  for (const auto& collection : ns.collections) {
    ledger::CollectionRWSet& set = *out.add_collections();
    set.set_collection(collection.collection);
    for (const auto& read : collection.reads) to_proto(read, *set.add_reads());
    for (const auto& write : collection.writes) to_proto(write, *set.add_writes());
    for (const auto& write : collection.metadata_writes) {
      to_proto(write, *set.add_metadata_writes());
    }
    for (const auto& key : collection.purges) set.add_purges(key);
  }
}

ledger::ns_rwset from_proto(const ledger::NsRWSet& ns) {
  ledger::ns_rwset out;
  out.ns = ns.namespace_();
  for (const auto& read : ns.reads()) out.reads.push_back(from_proto(read));
  for (const auto& info : ns.range_queries_info()) {
    ledger::range_query_info range;
    range.start_key = info.start_key();
    range.end_key = info.end_key();
    range.itr_exhausted = info.itr_exhausted();
    for (const auto& read : info.reads()) range.reads.push_back(from_proto(read));
    out.range_queries.push_back(std::move(range));
  }
  for (const auto& write : ns.writes()) out.writes.push_back(from_proto(write));
  for (const auto& write : ns.metadata_writes()) out.metadata_writes.push_back(from_proto(write));
  for (const auto& set : ns.collections()) {
    ledger::collection_rwset collection;
    collection.collection = set.collection();
    for (const auto& read : set.reads()) collection.reads.push_back(from_proto(read));
    for (const auto& write : set.writes()) collection.writes.push_back(from_proto(write));
    for (const auto& write : set.metadata_writes()) {
      collection.metadata_writes.push_back(from_proto(write));
    }
    for (const auto& key : set.purges()) collection.purges.push_back(key);
    out.collections.push_back(std::move(collection));
  }
  return out;
}

}  // namespace

std::string block_store::encode_block(const ledger::block& block) {
  ledger::Block out;
  out.set_number(block.number);
  for (const ledger::transaction_record& tx : block.transactions) {
    ledger::Transaction& stored = *out.add_transactions();
    stored.set_tx_id(tx.tx_id);
    stored.set_chaincode(tx.chaincode);
    stored.mutable_timestamp()->set_seconds(tx.timestamp.seconds);
    stored.mutable_timestamp()->set_nanos(tx.timestamp.nanos);
    stored.set_validation_code(static_cast<int32_t>(tx.code));
    for (const ledger::ns_rwset& ns : tx.rwset->namespaces) to_proto(ns, *stored.add_rwset());
    if (tx.event) {
      stored.mutable_event()->set_event_name(tx.event->name);
      stored.mutable_event()->set_payload(tx.event->payload);
    }
  }
  return out.SerializeAsString();
}

ledger::block block_store::decode_block(const std::string& bytes) {
  ledger::Block stored;
  if (!stored.ParseFromString(bytes)) throw store_error("a stored block cannot be decoded");
  ledger::block out;
  out.number = stored.number();
  for (const ledger::Transaction& tx : stored.transactions()) {
    ledger::transaction_record record;
    record.tx_id = tx.tx_id();
    record.chaincode = tx.chaincode();
    record.timestamp = scc::timestamp{tx.timestamp().seconds(), tx.timestamp().nanos()};
    record.code = static_cast<ledger::validation_code>(tx.validation_code());
    auto rwset = std::make_shared<ledger::tx_rwset>();
    for (const ledger::NsRWSet& ns : tx.rwset()) rwset->namespaces.push_back(from_proto(ns));
    record.rwset = std::move(rwset);
    if (tx.has_event()) {
      record.event = ledger::chaincode_event{tx.event().event_name(), tx.event().payload()};
    }
    out.transactions.push_back(std::move(record));
  }
  return out;
}

block_store::block_store(const std::filesystem::path& folder) : folder_(folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    throw store_error(
        fmt::format("cannot create the ledger folder '{}': {}", folder.string(), ec.message()));
  }
  leveldb::Options options;
  options.create_if_missing = true;
  options.write_buffer_size = 16 * 1024 * 1024;
  leveldb::DB* db = nullptr;
  const leveldb::Status status = leveldb::DB::Open(options, folder.string(), &db);
  if (!status.ok()) {
    std::string cause = status.ToString();
    if (cause.find("lock") != std::string::npos) {
      cause += " (is another scc-peer using this peer.fileSystemPath?)";
    }
    throw store_error(fmt::format("cannot open the ledger in '{}': {}", folder.string(), cause));
  }
  db_.reset(db);
}

block_store::~block_store() = default;

std::vector<std::string> block_store::channels() const {
  std::vector<std::string> out;
  std::unique_ptr<leveldb::Iterator> row(db_->NewIterator(leveldb::ReadOptions()));
  for (row->Seek("c"); row->Valid() && row->key().starts_with("c"); row->Next()) {
    out.push_back(row->key().ToString().substr(1));
  }
  check(row->status(), "cannot list channels");
  return out;
}

void block_store::add_channel(const std::string& name) {
  leveldb::WriteBatch batch;
  batch.Put("c" + name, "");
  std::string height;
  append_be64(height, 1);
  batch.Put(channel_key('h', name), height);
  leveldb::WriteOptions sync;
  sync.sync = true;
  check(db_->Write(sync, &batch), "cannot record channel " + name);
}

uint64_t block_store::load_blocks(const std::string& channel,
                                  const std::function<void(ledger::block)>& apply) const {
  const std::string prefix = channel_key('b', channel);
  uint64_t expected = 1;
  std::unique_ptr<leveldb::Iterator> row(db_->NewIterator(leveldb::ReadOptions()));
  for (row->Seek(prefix); row->Valid() && row->key().starts_with(prefix); row->Next()) {
    const uint64_t number = read_be64(row->key().data() + prefix.size());
    if (number != expected) {
      throw store_error(fmt::format("channel {}: block {} is missing from the ledger in '{}'",
                                    channel, expected, folder_.string()));
    }
    ledger::block block = decode_block(row->value().ToString());
    if (block.number != number) {
      throw store_error(fmt::format("channel {}: the record of block {} holds block {}", channel,
                                    number, block.number));
    }
    apply(std::move(block));
    ++expected;
  }
  check(row->status(), "cannot read the blocks of channel " + channel);
  const uint64_t recorded = stored_height(channel);
  if (recorded != 0 && recorded != expected) {
    throw store_error(fmt::format("channel {}: the ledger records height {} but holds {} blocks",
                                  channel, recorded, expected));
  }
  return expected;
}

void block_store::append_block(const std::string& channel, const ledger::block& block) {
  leveldb::WriteBatch batch;
  std::string key = channel_key('b', channel);
  append_be64(key, block.number);
  batch.Put(key, encode_block(block));
  for (uint64_t tx_number = 0; tx_number < block.transactions.size(); ++tx_number) {
    const ledger::transaction_record& tx = block.transactions[tx_number];
    if (tx.code != ledger::validation_code::valid) continue;
    for (const ledger::ns_rwset& ns : tx.rwset->namespaces) {
      for (const ledger::kv_write& write : ns.writes) {
        const std::string at = state_key(channel, ns.ns, write.key);
        if (write.is_delete) {
          batch.Delete(at);
        } else {
          ledger::StateValue value;
          value.set_value(write.value);
          value.mutable_version()->set_block_num(block.number);
          value.mutable_version()->set_tx_num(tx_number);
          batch.Put(at, value.SerializeAsString());
        }
        std::string history = channel_key('k', channel);
        append_lp(history, ns.ns);
        append_lp(history, write.key);
        append_be64(history, block.number);
        append_be64(history, tx_number);
        ledger::KeyModification change;
        change.set_tx_id(tx.tx_id);
        if (!write.is_delete) change.set_value(write.value);
        change.mutable_timestamp()->set_seconds(tx.timestamp.seconds);
        change.mutable_timestamp()->set_nanos(tx.timestamp.nanos);
        change.set_is_delete(write.is_delete);
        batch.Put(history, change.SerializeAsString());
      }
    }
  }
  std::string height;
  append_be64(height, block.number + 1);
  batch.Put(channel_key('h', channel), height);
  leveldb::WriteOptions sync;
  sync.sync = true;
  check(db_->Write(sync, &batch),
        fmt::format("cannot store block {} of channel {}", block.number, channel));
}

std::optional<std::string> block_store::state(const std::string& channel, const std::string& ns,
                                              const std::string& key) const {
  std::string bytes;
  const leveldb::Status status =
      db_->Get(leveldb::ReadOptions(), state_key(channel, ns, key), &bytes);
  if (status.IsNotFound()) return std::nullopt;
  check(status, "cannot read state");
  ledger::StateValue value;
  if (!value.ParseFromString(bytes)) throw store_error("a stored state value cannot be decoded");
  return value.value();
}

uint64_t block_store::stored_height(const std::string& channel) const {
  std::string bytes;
  const leveldb::Status status =
      db_->Get(leveldb::ReadOptions(), channel_key('h', channel), &bytes);
  if (status.IsNotFound()) return 0;
  check(status, "cannot read the height of channel " + channel);
  if (bytes.size() != 8) throw store_error("channel " + channel + ": bad height record");
  return read_be64(bytes.data());
}

}  // namespace scc::peer
