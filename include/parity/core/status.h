// Status and Result<T>: how every fallible call in Parity reports failure.
//
// Input-dependent failures (a corrupt file, a bad selector, a missing path) are returned as
// values; only the edges (CLI main, HTTP handlers, bindings) turn them into exit codes or
// responses, exactly once. Programmer errors use PARITY_CHECK (parity/core/check.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "parity/core/check.h"

namespace parity {

// A closed set of failure kinds. Each maps to one CLI exit code (see docs/cli.md).
enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,     // a bad option, selector or value supplied by the user
  kNotFound,            // a path, episode, snapshot or key that does not exist
  kAlreadyExists,       // creating something that is there already
  kCorrupt,             // input bytes that violate their format (bad magic, CRC, length)
  kTruncated,           // input that ends before a record or structure is complete
  kUnsupported,         // a valid input that uses a feature Parity does not read
  kIoError,             // the operating system failed a read, write or open
  kFailedPrecondition,  // the operation cannot run in the current state (e.g. no catalog)
  kInternal,            // a failure of Parity itself or a library it calls
  kCancelled,           // the user or a callback stopped the operation
};

// Stable lower-case name of a code, e.g. "corrupt"; used in JSON error objects.
std::string_view status_code_name(StatusCode code);

// The outcome of an operation: ok, or a code plus a human-readable message that names the
// file, the byte offset or row, what was expected and what was found.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corrupt: demo.mcap: offset 120: bad chunk CRC ..." style rendering.
  std::string to_string() const;

  // Returns a copy whose message is "<context>: <message>". Keeps the code. No-op when ok.
  Status with_context(std::string_view context) const;

  // Marks a status as deliberately ignored (e.g. a best-effort cleanup).
  void ignore() const {}

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status not_found(std::string message) {
  return {StatusCode::kNotFound, std::move(message)};
}
inline Status already_exists(std::string message) {
  return {StatusCode::kAlreadyExists, std::move(message)};
}
inline Status corrupt(std::string message) {
  return {StatusCode::kCorrupt, std::move(message)};
}
inline Status truncated(std::string message) {
  return {StatusCode::kTruncated, std::move(message)};
}
inline Status unsupported(std::string message) {
  return {StatusCode::kUnsupported, std::move(message)};
}
inline Status io_error(std::string message) {
  return {StatusCode::kIoError, std::move(message)};
}
inline Status failed_precondition(std::string message) {
  return {StatusCode::kFailedPrecondition, std::move(message)};
}
inline Status internal_error(std::string message) {
  return {StatusCode::kInternal, std::move(message)};
}
inline Status cancelled(std::string message) {
  return {StatusCode::kCancelled, std::move(message)};
}

// Either a value of type T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    PARITY_CHECK_MSG(!std::get<Status>(data_).ok(), "Result constructed from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }

  // The error; an ok Status when the result holds a value.
  Status status() const { return ok() ? Status{} : std::get<Status>(data_); }

  // Precondition: ok().
  T& value() & {
    PARITY_CHECK_MSG(ok(), "Result::value() on error");
    return std::get<T>(data_);
  }
  const T& value() const& {
    PARITY_CHECK_MSG(ok(), "Result::value() on error");
    return std::get<T>(data_);
  }
  T&& value() && {
    PARITY_CHECK_MSG(ok(), "Result::value() on error");
    return std::get<T>(std::move(data_));
  }
  T value_or(T fallback) const& { return ok() ? std::get<T>(data_) : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace parity

#define PARITY_STATUS_CONCAT_INNER(a, b) a##b
#define PARITY_STATUS_CONCAT(a, b) PARITY_STATUS_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function when it is not ok.
// The temporary's name is unique per line, so nested uses (a lambda inside another macro's
// argument) do not shadow each other.
#define PARITY_RETURN_IF_ERROR(expr) \
  PARITY_RETURN_IF_ERROR_IMPL(PARITY_STATUS_CONCAT(parity_status_, __LINE__), expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `tmp` is a fresh variable name.
#define PARITY_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                         \
    ::parity::Status tmp = (expr);             \
    if (!tmp.ok()) return tmp;                 \
  } while (false)
// NOLINTEND(bugprone-macro-parentheses)

// `lhs = value of expr` or returns its Status. `lhs` may declare a variable: `auto x`.
#define PARITY_ASSIGN_OR_RETURN(lhs, expr) \
  PARITY_ASSIGN_OR_RETURN_IMPL(PARITY_STATUS_CONCAT(parity_result_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` may be a declaration, `tmp` a fresh name.
#define PARITY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
