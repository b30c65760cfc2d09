// block_store.hpp - scc-peer's durable ledger: LevelDB under peer.fileSystemPath/ledgersData.
//
// Each committed block is written as one WriteBatch with sync: the block itself, the state and
// version of every key its valid transactions wrote, their history entries and the channel's
// new height. LevelDB applies a batch completely or not at all, also after a crash, so no half-
// written block is ever visible; once the write returns the block survives kill -9 and power
// loss. A restart re-applies the stored blocks in order to rebuild the in-memory channels.
#ifndef SCC_PEER_BLOCK_STORE_HPP
#define SCC_PEER_BLOCK_STORE_HPP

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <scc/ledger/block.hpp>

namespace leveldb {
class DB;
}

namespace scc::peer {

class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class block_store {
 public:
  // Opens or creates the store in folder. Throws store_error (another process holds it, the
  // folder cannot be created, the store is corrupt).
  explicit block_store(const std::filesystem::path& folder);
  ~block_store();
  block_store(const block_store&) = delete;
  block_store& operator=(const block_store&) = delete;

  const std::filesystem::path& folder() const noexcept { return folder_; }

  // Channels ever created on this peer, in name order.
  std::vector<std::string> channels() const;
  // Records a channel (synced) so that it exists after a restart even before its first block.
  void add_channel(const std::string& name);

  // Hands the channel's stored blocks to apply in order (block 1 first: the genesis block is
  // implicit) and returns the channel's height. Throws store_error if blocks are missing or
  // cannot be decoded.
  uint64_t load_blocks(const std::string& channel,
                       const std::function<void(ledger::block)>& apply) const;

  // Writes a validated block durably (one synced batch). Throws store_error.
  void append_block(const std::string& channel, const ledger::block& block);

  // ---- Reads of what append_block wrote, for tests and tools ----
  std::optional<std::string> state(const std::string& channel, const std::string& ns,
                                   const std::string& key) const;
  uint64_t stored_height(const std::string& channel) const;

  static std::string encode_block(const ledger::block& block);
  static ledger::block decode_block(const std::string& bytes);

 private:
  std::filesystem::path folder_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace scc::peer

#endif  // SCC_PEER_BLOCK_STORE_HPP
