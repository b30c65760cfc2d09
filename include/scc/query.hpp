// scc/query.hpp - iterating the rows of a range, partial-composite-key, rich or history query.
#ifndef SCC_QUERY_HPP
#define SCC_QUERY_HPP

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "scc/abi.h"
#include "scc/chaincode_error.hpp"
#include "scc/detail/abi_bytes.hpp"
#include "scc/types.hpp"

namespace scc {

namespace detail {

// Throws the host's message for a failed call.
[[noreturn]] inline void throw_host_error(const scc_host_api_v1* host, scc_tx* tx,
                                          scc_type_status status) {
  scc_type_bytes message{nullptr, 0};
  host->last_error(tx, &message);
  std::string text = copy(message);
  if (text.empty()) text = "host call failed with status " + std::to_string(status);
  throw chaincode_error(text, status);
}

inline void check(const scc_host_api_v1* host, scc_tx* tx, scc_type_status status) {
  if (status != SCC_STATUS_OK) throw_host_error(host, tx, status);
}

// How each kind of row is read from a host iterator.
template <class Row>
struct row_reader;

template <>
struct row_reader<kv> {
  static scc_type_status next(const scc_host_api_v1* host, scc_tx* tx, scc_iterator* it, kv& out) {
    scc_type_kv row{};
    const scc_type_status status = host->iterator_next_kv(tx, it, &row);
    if (status == SCC_STATUS_OK) out = kv{copy(row.key), copy(row.value)};
    return status;
  }
};

template <>
struct row_reader<key_modification> {
  static scc_type_status next(const scc_host_api_v1* host, scc_tx* tx, scc_iterator* it,
                              key_modification& out) {
    scc_type_key_modification row{};
    const scc_type_status status = host->iterator_next_modification(tx, it, &row);
    if (status == SCC_STATUS_OK) {
      out = key_modification{copy(row.tx_id), copy(row.value),
                             scc::timestamp{row.timestamp.seconds, row.timestamp.nanos},
                             row.is_delete != 0};
    }
    return status;
  }
};

}  // namespace detail

// The open result of a query. Iterate it with range-for, or Go-style with has_next()/next().
// Rows arrive lazily from the host, one at a time; the query closes itself when destroyed.
// Move-only, and valid only inside the init/invoke call that opened it.
template <class Row>
class basic_query {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using pointer = const Row*;
    using reference = const Row&;

    iterator() = default;
    explicit iterator(basic_query* query) : query_(query) {
      if (!query_->fetch()) query_ = nullptr;
    }
    reference operator*() const { return *query_->current_; }
    pointer operator->() const { return &*query_->current_; }
    iterator& operator++() {
      query_->current_.reset();
      if (!query_->fetch()) query_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.query_ == b.query_; }
    friend bool operator!=(const iterator& a, const iterator& b) { return !(a == b); }

   private:
    basic_query* query_ = nullptr;
  };

  basic_query(const scc_host_api_v1* host, scc_tx* tx, scc_iterator* handle) noexcept
      : host_(host), tx_(tx), handle_(handle) {}
  basic_query(basic_query&& other) noexcept
      : host_(other.host_),
        tx_(other.tx_),
        handle_(std::exchange(other.handle_, nullptr)),
        current_(std::move(other.current_)),
        exhausted_(other.exhausted_) {}
  basic_query& operator=(basic_query&& other) noexcept {
    if (this != &other) {
      close();
      host_ = other.host_;
      tx_ = other.tx_;
      handle_ = std::exchange(other.handle_, nullptr);
      current_ = std::move(other.current_);
      exhausted_ = other.exhausted_;
    }
    return *this;
  }
  basic_query(const basic_query&) = delete;
  basic_query& operator=(const basic_query&) = delete;
  ~basic_query() { close(); }

  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  // Fabric's HasNext/Next.
  bool has_next() { return fetch(); }
  Row next() {
    if (!fetch()) throw chaincode_error("no such key", SCC_STATUS_NOT_FOUND);
    Row row = std::move(*current_);
    current_.reset();
    return row;
  }

  // Releases the host's iterator; further rows read as exhausted.
  void close() noexcept {
    if (handle_ != nullptr) host_->iterator_close(tx_, std::exchange(handle_, nullptr));
    exhausted_ = true;
  }

  // The host handle, for scc::stub's pagination helpers.
  scc_iterator* handle() const noexcept { return handle_; }

 private:
  // Makes current_ hold the next row if there is one.
  bool fetch() {
    if (current_) return true;
    if (exhausted_ || handle_ == nullptr) return false;
    Row row;
    const scc_type_status status = detail::row_reader<Row>::next(host_, tx_, handle_, row);
    if (status == SCC_STATUS_NOT_FOUND) {
      exhausted_ = true;
      return false;
    }
    detail::check(host_, tx_, status);
    current_ = std::move(row);
    return true;
  }

  const scc_host_api_v1* host_;
  scc_tx* tx_;
  scc_iterator* handle_;
  std::optional<Row> current_;
  bool exhausted_ = false;
};

using state_query = basic_query<kv>;
using history_query = basic_query<key_modification>;

}  // namespace scc

#endif  // SCC_QUERY_HPP
