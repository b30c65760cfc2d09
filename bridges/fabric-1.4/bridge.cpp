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

// The 1.4 shim's refusals, word for word (PutState and DelState, SetEvent).
constexpr const char* empty_key = "key must not be an empty string";
constexpr const char* empty_event_name = "event name can not be nil string";

// ---- The proposal, as encodeProposal (proposal.go) lays it out: little-endian u32 sizes ----

class proposal_reader {
 public:
  proposal_reader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  uint64_t number(std::size_t width) {
    need(width);
    uint64_t value = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(&value, data_ + offset_, width);
#else
    for (std::size_t i = 0; i < width; ++i) value |= uint64_t{data_[offset_ + i]} << (8 * i);
#endif
    offset_ += width;
    return value;
  }

  std::string_view bytes() {
    const auto size = static_cast<std::size_t>(number(4));
    need(size);
    const std::string_view value(reinterpret_cast<const char*>(data_ + offset_), size);
    offset_ += size;
    return value;
  }

  std::map<std::string, std::string> map() {
    std::map<std::string, std::string> entries;
    for (auto count = number(4); count > 0; --count) {
      const std::string_view key = bytes();
      entries.insert_or_assign(std::string(key), std::string(bytes()));
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

// The argument strings of the last call on this thread, kept so that the next one reuses their
// memory instead of allocating it again. Only a modest amount is kept.
thread_local std::vector<std::string> spare_args;
constexpr std::size_t spare_args_limit = 64 * 1024;

// What every call gets: the arguments, tx id and channel id (encodeProposal).
void decode_proposal(const uint8_t* data, std::size_t size, scc::host::proposal& context) {
  proposal_reader in(data, size);
  const auto arg_count = static_cast<std::size_t>(in.number(4));
  if (arg_count > size / 4) throw std::runtime_error("the bridge's proposal encoding is corrupt");
  std::vector<std::string>& args = context.args;
  args.swap(spare_args);
  if (args.size() > arg_count) args.resize(arg_count);
  for (std::size_t i = 0; i < arg_count; ++i) {
    if (i < args.size()) {
      args[i] = in.bytes();
    } else {
      args.emplace_back(in.bytes());
    }
  }
  context.tx_id = in.bytes();
  context.channel_id = in.bytes();
}

// Gives the arguments' memory back for the next call on this thread, unless it is large.
void recycle_args(std::vector<std::string>& args) noexcept {
  std::size_t kept = args.capacity() * sizeof(std::string);
  for (const std::string& arg : args) kept += arg.capacity();
  if (kept <= spare_args_limit) spare_args.swap(args);
}

// The rest, read when the plugin first asks for it (encodeDetails).
void decode_details(std::string_view encoded, scc::host::proposal& context) {
  proposal_reader in(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size());
  context.creator = in.bytes();
  context.signed_proposal = in.bytes();
  context.binding = in.bytes();
  context.transient = in.map();
  context.decorations = in.map();
  context.timestamp.seconds = static_cast<int64_t>(in.number(8));
  context.timestamp.nanos = static_cast<int32_t>(in.number(4));
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

// ---- Writes, handed to Go in batches ----

// The transaction's public writes and its event, kept in a buffer the Go half lends for the
// call (encoded as applyWrites in callbacks.go reads them) instead of one cgo callback each:
// Go applies what is left when the call returns, with no crossing. The stub is never touched
// while writes wait: flush() runs before every other operation that reaches it, so the stub sees
// the same operations in the same order as if each write had gone at once. A write fails
// late, then: at the next operation, which throws the write's error, as does every later one,
// and the call does not answer success. A write too large for the buffer goes at once.
class write_buffer {
 public:
  write_buffer(uintptr_t call, uint8_t* data, std::size_t capacity)
      : call_(call), data_(data), capacity_(capacity) {}

  // SCC_STATUS_OK, or the status of the first write that failed (the message is in failure()).
  int32_t status() const noexcept { return status_; }
  const std::string& failure() const noexcept { return failure_; }
  std::size_t size() const noexcept { return size_; }

  // Throws the failure of an earlier write, if one failed.
  void check_failed() const {
    if (status_ != SCC_STATUS_OK) throw scc::host::error(status_, failure_);
  }

  // Hands the waiting writes to Go; throws the first one's failure.
  void flush() {
    check_failed();
    if (size_ == 0) return;
    const std::size_t size = size_;
    size_ = 0;
    result_buffer message;
    const int32_t status = with_buffers(call_, message, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_apply_writes(call_, size, first);
    });
    if (status != SCC_STATUS_OK) {
      status_ = status;
      failure_ = message.text();
      check_failed();
    }
  }

  // Appends one write; false when it is too large for the buffer even once flushed.
  bool add(uint8_t kind, std::string_view key, std::string_view value) {
    check_failed();
    const bool has_value = kind != SCCBRIDGE_WRITE_DEL;
    const std::size_t needed = 1 + 4 + key.size() + (has_value ? 4 + value.size() : 0);
    if (needed > capacity_ || key.size() > UINT32_MAX || value.size() > UINT32_MAX) return false;
    if (needed > capacity_ - size_) flush();
    data_[size_++] = kind;
    append(key);
    if (has_value) append(value);
    return true;
  }

 private:
  void append(std::string_view bytes) {
    const auto size = static_cast<uint32_t>(bytes.size());
    for (int i = 0; i < 4; ++i) data_[size_++] = static_cast<uint8_t>(size >> (8 * i));
    if (!bytes.empty()) std::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }

  uintptr_t call_;
  uint8_t* data_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  int32_t status_ = SCC_STATUS_OK;
  std::string failure_;
};

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

  go_rows(uintptr_t call, uint64_t id, write_buffer& writes)
      : call_(call), id_(id), writes_(writes) {}
  ~go_rows() { sccbridge_go_iterator_close(call_, id_); }
  go_rows(const go_rows&) = delete;
  go_rows& operator=(const go_rows&) = delete;

  // False when the iterator is exhausted.
  bool next(row_time& time) {
    writes_.flush();
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
  write_buffer& writes_;
  result_buffer first_;
  result_buffer value_;
};

class go_kv_cursor : public scc::host::kv_cursor {
 public:
  go_kv_cursor(uintptr_t call, uint64_t id, write_buffer& writes, int32_t fetched,
               std::string bookmark)
      : rows_(call, id, writes), fetched_(fetched), bookmark_(std::move(bookmark)) {}

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
  go_history_cursor(uintptr_t call, uint64_t id, write_buffer& writes) : rows_(call, id, writes) {}

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
  go_transaction(const uint8_t* proposal, std::size_t proposal_size, uintptr_t call,
                 uint8_t* writes, std::size_t writes_capacity)
      : call_(call), writes_(call, writes, writes_capacity) {
    decode_proposal(proposal, proposal_size, mutable_context());
  }
  ~go_transaction() override { recycle_args(mutable_context().args); }
  go_transaction(const go_transaction&) = delete;
  go_transaction& operator=(const go_transaction&) = delete;

  const write_buffer& writes() const noexcept { return writes_; }

  std::optional<std::string_view> get_state(std::string_view collection,
                                            std::string_view key) override {
    writes_.flush();
    const int32_t status = with_buffers(call_, value_, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_get_state(call_, text_pointer(collection), collection.size(),
                                    text_pointer(key), key.size(), first);
    });
    return value_or_absent(status, value_);
  }

  void put_state(std::string_view collection, std::string_view key,
                 std::string_view value) override {
    if (collection.empty()) {
      // The shim's own refusal, which the buffer must not delay.
      if (key.empty()) throw scc::host::error(SCC_STATUS_INVALID_ARGUMENT, empty_key);
      if (writes_.add(SCCBRIDGE_WRITE_PUT, key, value)) return;
    }
    writes_.flush();
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_put_state(
                             call_, text_pointer(collection), collection.size(), text_pointer(key),
                             key.size(), text_pointer(value), value.size(), first);
                       }),
          value_);
  }

  void del_state(std::string_view collection, std::string_view key) override {
    if (collection.empty()) {
      if (key.empty()) throw scc::host::error(SCC_STATUS_INVALID_ARGUMENT, empty_key);
      if (writes_.add(SCCBRIDGE_WRITE_DEL, key, {})) return;
    }
    writes_.flush();
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
    writes_.flush();
    const int32_t status = with_buffers(call_, value_, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_get_private_data_hash(call_, text_pointer(collection), collection.size(),
                                                text_pointer(key), key.size(), first);
    });
    return value_or_absent(status, value_);
  }

  std::optional<std::string_view> get_validation_parameter(std::string_view collection,
                                                           std::string_view key) override {
    writes_.flush();
    const int32_t status = with_buffers(call_, value_, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_get_validation_parameter(
          call_, text_pointer(collection), collection.size(), text_pointer(key), key.size(), first);
    });
    return value_or_absent(status, value_);
  }

  void set_validation_parameter(std::string_view collection, std::string_view key,
                                std::string_view policy) override {
    writes_.flush();
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
    writes_.flush();
    uint64_t id = 0;
    check(with_buffers(call_, value_, nullptr,
                       [&](auto* first, auto*) {
                         return sccbridge_go_history_open(call_, text_pointer(key), key.size(), &id,
                                                          first);
                       }),
          value_);
    try {
      return std::make_unique<go_history_cursor>(call_, id, writes_);
    } catch (...) {
      sccbridge_go_iterator_close(call_, id);
      throw;
    }
  }

  void set_event(std::string_view name, std::string_view payload) override {
    // The shim's own refusal of an empty event name.
    if (name.empty()) throw scc::host::error(SCC_STATUS_INVALID_ARGUMENT, empty_event_name);
    if (writes_.add(SCCBRIDGE_WRITE_EVENT, name, payload)) return;
    writes_.flush();
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
    writes_.flush();
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

 protected:
  void load_details(scc::host::proposal& context) override {
    result_buffer details;
    const int32_t status = with_buffers(call_, details, nullptr, [&](auto* first, auto*) {
      return sccbridge_go_proposal_details(call_, first);
    });
    check(status, details);
    decode_details(details.view(), context);
  }

 private:
  std::unique_ptr<scc::host::kv_cursor> open_query(int32_t kind, std::string_view collection,
                                                   std::string_view start, std::string_view end,
                                                   int32_t page_size, std::string_view bookmark) {
    writes_.flush();
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
      return std::make_unique<go_kv_cursor>(call_, id, writes_, fetched, value_.text());
    } catch (...) {
      sccbridge_go_iterator_close(call_, id);
      throw;
    }
  }

  uintptr_t call_;
  result_buffer value_;
  write_buffer writes_;
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
                               const uint8_t* proposal, size_t proposal_size, uint8_t* writes,
                               size_t writes_capacity, uint8_t* answer_data, size_t answer_capacity,
                               sccbridge_answer* answer) {
  answer->writes_size = 0;
  try {
    go_transaction tx(proposal, proposal_size, call, writes, writes_capacity);
    scc::response response =
        method == 0 ? plugin->instance->init(tx) : plugin->instance->invoke(tx);
    // Applied whatever happens next, as they would have been one by one.
    answer->writes_size = tx.writes().size();
    // A write failed after the plugin went on: it never answers success.
    if (tx.writes().status() != SCC_STATUS_OK && response.ok()) {
      response = scc::error("scc bridge: " + tx.writes().failure());
    }
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
