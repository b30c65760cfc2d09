// bridge.cpp - the C++ half of the Fabric 1.4 bridge: loads an scc plugin with the SDK's own
// loader and runs its init/invoke against a host transaction whose every operation calls back
// into the Go half (callbacks.go), which performs it on the shim's ChaincodeStubInterface.
//
// Nothing here may throw into Go: every entry point catches everything and reports it.
#include "bridge.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <scc/host/loader.hpp>

struct sccbridge_plugin {
  std::unique_ptr<scc::host::plugin_instance> instance;
};

namespace {

char* copy_to_malloc(const std::string& text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy != nullptr) std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

char* text_pointer(std::string_view text) { return const_cast<char*>(text.data()); }

// ---- The proposal, as encodeProposal (proposal.go) lays it out: little-endian u32 sizes ----

class proposal_reader {
 public:
  proposal_reader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  uint64_t number(std::size_t width) {
    need(width);
    uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value |= uint64_t{data_[offset_ + i]} << (8 * i);
    offset_ += width;
    return value;
  }

  std::string bytes() {
    const auto size = static_cast<std::size_t>(number(4));
    need(size);
    std::string value(reinterpret_cast<const char*>(data_ + offset_), size);
    offset_ += size;
    return value;
  }

  std::map<std::string, std::string> map() {
    std::map<std::string, std::string> entries;
    for (auto count = number(4); count > 0; --count) {
      std::string key = bytes();
      entries.insert_or_assign(std::move(key), bytes());
    }
    return entries;
  }

 private:
  void need(std::size_t width) const {
    if (size_ - offset_ < width)
      throw std::runtime_error("the bridge's proposal encoding is truncated");
  }

  const uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

scc::host::proposal decode_proposal(const uint8_t* data, std::size_t size) {
  proposal_reader in(data, size);
  scc::host::proposal context;
  const auto arg_count = static_cast<std::size_t>(in.number(4));
  if (arg_count > size / 4) throw std::runtime_error("the bridge's proposal encoding is corrupt");
  context.args.reserve(arg_count);
  for (std::size_t i = 0; i < arg_count; ++i) context.args.push_back(in.bytes());
  context.tx_id = in.bytes();
  context.channel_id = in.bytes();
  context.creator = in.bytes();
  context.signed_proposal = in.bytes();
  context.binding = in.bytes();
  context.transient = in.map();
  context.decorations = in.map();
  context.timestamp.seconds = static_cast<int64_t>(in.number(8));
  context.timestamp.nanos = static_cast<int32_t>(in.number(4));
  return context;
}

// ---- Results the Go side copies into C++ memory ----

// A buffer a Go callback writes one result into. The view it gives stays valid until the
// buffer's next use, which is what the ABI promises the plugin for every returned value. Small
// results stay inside the object: no allocation for them.
class result_buffer {
 public:
  sccbridge_buffer* prepare() {
    raw_ = {data(), capacity(), 0};
    return &raw_;
  }
  // After SCCBRIDGE_GROW: room for what the callback said it needs.
  sccbridge_buffer* grow() {
    if (capacity() < raw_.size) heap_.resize(raw_.size);
    raw_ = {data(), capacity(), 0};
    return &raw_;
  }
  std::string_view view() const {
    if (heap_.empty()) return {reinterpret_cast<const char*>(small_.data()), raw_.size};
    return {heap_.data(), raw_.size};
  }
  std::string text() const { return std::string(view()); }

 private:
  uint8_t* data() {
    return heap_.empty() ? small_.data() : reinterpret_cast<uint8_t*>(heap_.data());
  }
  std::size_t capacity() const { return heap_.empty() ? small_.size() : heap_.size(); }

  std::array<uint8_t, 256> small_;
  std::string heap_;
  sccbridge_buffer raw_{};
};

// Runs a callback that writes into one or two buffers, growing them if it asks to.
template <class Callback>
int32_t with_buffers(uintptr_t call, result_buffer& first, result_buffer* second,
                     Callback&& callback) {
  int32_t status = callback(first.prepare(), second != nullptr ? second->prepare() : nullptr);
  if (status == SCCBRIDGE_GROW) {
    status =
        sccbridge_go_take_pending(call, first.grow(), second != nullptr ? second->grow() : nullptr);
  }
  return status;
}

// Turns a failed status into the exception the SDK's adapter reports to the plugin.
void check(int32_t status, const result_buffer& message) {
  if (status == SCC_STATUS_OK) return;
  throw scc::host::error(status, message.text());
}

std::optional<std::string_view> value_or_absent(int32_t status, const result_buffer& value) {
  if (status == SCC_STATUS_NOT_FOUND) return std::nullopt;
  check(status, value);
  return value.view();
}

// ---- Queries ----

// One open Go iterator: fetches its next row into two buffers (key or tx id, and value) and
// closes the iterator with the cursor. Range and history cursors share it.
class go_rows {
 public:
  struct row_time {
    int64_t seconds = 0;
    int32_t nanos = 0;
    bool is_delete = false;
  };

  go_rows(uintptr_t call, uint64_t id) : call_(call), id_(id) {}
  ~go_rows() { sccbridge_go_iterator_close(call_, id_); }
  go_rows(const go_rows&) = delete;
  go_rows& operator=(const go_rows&) = delete;

  // False when the iterator is exhausted.
  bool next(row_time& time) {
    int32_t is_delete = 0;
    const int32_t status = with_buffers(call_, first_, &value_, [&](auto* first, auto* second) {
      return sccbridge_go_iterator_next(call_, id_, first, second, &time.seconds, &time.nanos,
                                        &is_delete);
    });
    if (status == SCC_STATUS_NOT_FOUND) return false;
    check(status, first_);
    time.is_delete = is_delete != 0;
    return true;
  }
  std::string_view first() const { return first_.view(); }
  std::string_view value() const { return value_.view(); }

 private:
  uintptr_t call_;
  uint64_t id_;
  result_buffer first_;
  result_buffer value_;
};

class go_kv_cursor : public scc::host::kv_cursor {
 public:
  go_kv_cursor(uintptr_t call, uint64_t id, int32_t fetched, std::string bookmark)
      : rows_(call, id), fetched_(fetched), bookmark_(std::move(bookmark)) {}

  std::optional<scc::host::kv_view> next() override {
    go_rows::row_time unused;
    if (!rows_.next(unused)) return std::nullopt;
    return scc::host::kv_view{rows_.first(), rows_.value()};
  }
  int32_t fetched_records_count() const override { return fetched_; }
  std::string_view bookmark() const override { return bookmark_; }

 private:
  go_rows rows_;
  int32_t fetched_;
  std::string bookmark_;
};

class go_history_cursor : public scc::host::history_cursor {
 public:
  go_history_cursor(uintptr_t call, uint64_t id) : rows_(call, id) {}

  std::optional<scc::host::modification_view> next() override {
    go_rows::row_time time;
    if (!rows_.next(time)) return std::nullopt;
    return scc::host::modification_view{
        rows_.first(), rows_.value(), {time.seconds, time.nanos}, time.is_delete};
  }

 private:
  go_rows rows_;
};

// ---- One init/invoke call, performed on the Go stub ----

class go_transaction : public scc::host::transaction {
 public:
  go_transaction(scc::host::proposal context, uintptr_t call)
      : transaction(std::move(context)), call_(call) {}

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override {
    const int32_t status = with_buffers(call_, value_, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_get_state(call_, text_pointer(collection), collection.size(),
                                    text_pointer(key), key.size(), first);
    });
    return value_or_absent(status, value_);
  }

  void put_state(std::string_view collection, std::string_view key,
                 std::string_view value) override {
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_put_state(
                             call_, text_pointer(collection), collection.size(), text_pointer(key),
                             key.size(), text_pointer(value), value.size(), first);
                       }),
          value_);
  }

  void del_state(std::string_view collection, std::string_view key) override {
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_del_state(call_, text_pointer(collection),
                                                       collection.size(), text_pointer(key),
                                                       key.size(), first);
                       }),
          value_);
  }

  void purge_private_data(std::string_view, std::string_view) override {
    throw scc::host::error(SCC_STATUS_UNSUPPORTED,
                           "PurgePrivateData does not exist in Fabric 1.4 (it came with Fabric "
                           "2.5); delete the key with DelPrivateData instead");
  }

  std::optional<std::string_view> get_private_data_hash(std::string_view collection,
                                                        std::string_view key) override {
    const int32_t status = with_buffers(call_, value_, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_get_private_data_hash(call_, text_pointer(collection), collection.size(),
                                                text_pointer(key), key.size(), first);
    });
    return value_or_absent(status, value_);
  }

  std::optional<std::string_view> get_validation_parameter(std::string_view collection,
                                                           std::string_view key) override {
    const int32_t status = with_buffers(call_, value_, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_get_validation_parameter(
          call_, text_pointer(collection), collection.size(), text_pointer(key), key.size(), first);
    });
    return value_or_absent(status, value_);
  }

  void set_validation_parameter(std::string_view collection, std::string_view key,
                                std::string_view policy) override {
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_set_validation_parameter(
                             call_, text_pointer(collection), collection.size(), text_pointer(key),
                             key.size(), text_pointer(policy), policy.size(), first);
                       }),
          value_);
  }

  std::unique_ptr<scc::host::kv_cursor> range_query(std::string_view collection,
                                                    std::string_view start_key,
                                                    std::string_view end_key, int32_t page_size,
                                                    std::string_view bookmark) override {
    return open_query(0, collection, start_key, end_key, page_size, bookmark);
  }

  std::unique_ptr<scc::host::kv_cursor> rich_query(std::string_view collection,
                                                   std::string_view query, int32_t page_size,
                                                   std::string_view bookmark) override {
    return open_query(1, collection, query, {}, page_size, bookmark);
  }

  std::unique_ptr<scc::host::history_cursor> history_query(std::string_view key) override {
    uint64_t id = 0;
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_history_open(call_, text_pointer(key), key.size(), &id,
                                                          first);
                       }),
          value_);
    try {
      return std::make_unique<go_history_cursor>(call_, id);
    } catch (...) {
      sccbridge_go_iterator_close(call_, id);
      throw;
    }
  }

  void set_event(std::string_view name, std::string_view payload) override {
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_set_event(call_, text_pointer(name), name.size(),
                                                       text_pointer(payload), payload.size(),
                                                       first);
                       }),
          value_);
  }

  scc::response invoke_chaincode(std::string_view chaincode_name, std::string_view channel,
                                 const std::vector<std::string>& args) override {
    std::string joined;
    std::vector<std::size_t> sizes;
    sizes.reserve(args.size());
    for (const std::string& arg : args) {
      joined += arg;
      sizes.push_back(arg.size());
    }
    int32_t response_status = 0;
    result_buffer payload;
    const int32_t status = with_buffers(call_, value_, &payload, [&](auto* first, auto* second) {
      return sccbridge_go_invoke_chaincode(call_, text_pointer(chaincode_name),
                                           chaincode_name.size(), text_pointer(channel),
                                           channel.size(), joined.data(), sizes.data(),
                                           sizes.size(), &response_status, first, second);
    });
    check(status, value_);
    return scc::response{response_status, value_.text(), payload.text()};
  }

  void log(scc::log_level level, std::string_view message) override {
    sccbridge_go_log(call_, static_cast<int32_t>(level), text_pointer(message), message.size());
  }

 private:
  std::unique_ptr<scc::host::kv_cursor> open_query(int32_t kind, std::string_view collection,
                                                   std::string_view start, std::string_view end,
                                                   int32_t page_size, std::string_view bookmark) {
    uint64_t id = 0;
    int32_t fetched = 0;
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_query_open(call_, kind, text_pointer(collection),
                                                        collection.size(), text_pointer(start),
                                                        start.size(), text_pointer(end), end.size(),
                                                        page_size, text_pointer(bookmark),
                                                        bookmark.size(), &id, &fetched, first);
                       }),
          value_);
    try {
      return std::make_unique<go_kv_cursor>(call_, id, fetched, value_.text());
    } catch (...) {
      sccbridge_go_iterator_close(call_, id);
      throw;
    }
  }

  uintptr_t call_;
  result_buffer value_;
};

// Log lines with no transaction (a plugin's destroy) go to the bridge's own logger.
void log_without_call(scc::log_level level, std::string_view, std::string_view message) {
  sccbridge_go_log(0, static_cast<int32_t>(level), text_pointer(message), message.size());
}

void answer_with(const scc::response& response, uint8_t* data, std::size_t capacity,
                 sccbridge_answer* answer, uintptr_t call) {
  answer->status = response.status;
  answer->message_size = response.message.size();
  answer->payload_size = response.payload.size();
  if (response.message.size() + response.payload.size() <= capacity) {
    if (!response.message.empty()) {
      std::memcpy(data, response.message.data(), response.message.size());
    }
    if (!response.payload.empty()) {
      std::memcpy(data + response.message.size(), response.payload.data(), response.payload.size());
    }
    answer->delivered = 1;
    return;
  }
  sccbridge_go_deliver_answer(call, text_pointer(response.message), response.message.size(),
                              text_pointer(response.payload), response.payload.size());
  answer->delivered = 0;
}

void answer_failure(const char* message, uint8_t* data, std::size_t capacity,
                    sccbridge_answer* answer, uintptr_t call) {
  const std::size_t size = std::strlen(message);
  answer->status = scc::status::error;
  answer->message_size = size;
  answer->payload_size = 0;
  if (size <= capacity) {
    std::memcpy(data, message, size);
    answer->delivered = 1;
  } else {
    sccbridge_go_deliver_answer(call, const_cast<char*>(message), size, nullptr, 0);
    answer->delivered = 0;
  }
}

}  // namespace

extern "C" sccbridge_plugin* sccbridge_load(const char* path, size_t path_size,
                                            sccbridge_plugin_info* info, char** error) {
  *error = nullptr;
  try {
    scc::host::global_log_sink() = &log_without_call;
    auto plugin = std::make_unique<sccbridge_plugin>();
    plugin->instance = scc::host::load_plugin(std::string(path, path_size));
    const scc::host::plugin_info& loaded = plugin->instance->info();
    *info = {loaded.name.c_str(),
             loaded.version.c_str(),
             loaded.sdk_version.c_str(),
             loaded.build_tag.c_str(),
             loaded.abi_major,
             loaded.abi_minor,
             loaded.flags};
    // Loaded plugins are never unloaded (see the loader), and neither is their instance.
    return plugin.release();
  } catch (const std::exception& failure) {
    *error = copy_to_malloc(failure.what());
  } catch (...) {
    *error = copy_to_malloc("loading the plugin failed with a non-standard exception");
  }
  return nullptr;
}

extern "C" void sccbridge_call(sccbridge_plugin* plugin, int32_t method, uintptr_t call,
                               const uint8_t* proposal, size_t proposal_size, uint8_t* answer_data,
                               size_t answer_capacity, sccbridge_answer* answer) {
  try {
    go_transaction tx(decode_proposal(proposal, proposal_size), call);
    const scc::response response =
        method == 0 ? plugin->instance->init(tx) : plugin->instance->invoke(tx);
    answer_with(response, answer_data, answer_capacity, answer, call);
  } catch (const std::bad_alloc&) {
    answer_failure("scc bridge: out of memory running the plugin", answer_data, answer_capacity,
                   answer, call);
  } catch (const std::exception& failure) {
    try {
      const std::string message = std::string("scc bridge: ") + failure.what();
      answer_failure(message.c_str(), answer_data, answer_capacity, answer, call);
    } catch (...) {
      answer_failure("scc bridge: the call failed", answer_data, answer_capacity, answer, call);
    }
  } catch (...) {
    answer_failure("scc bridge: the call failed with a non-standard exception", answer_data,
                   answer_capacity, answer, call);
  }
}
