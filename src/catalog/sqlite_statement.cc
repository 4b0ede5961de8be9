#include "catalog/sqlite_statement.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

namespace parity::sqlite {

Status error_status(sqlite3* db, int rc, std::string_view context) {
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message =
      fmt::format("{}: {}: {}", file != nullptr && *file != '\0' ? file : "catalog", context,
                  detail != nullptr ? detail : sqlite3_errstr(rc));
  const int primary = rc & 0xff;
  switch (primary) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return corrupt(std::move(message));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        return already_exists(std::move(message));
      }
      return invalid_argument(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return failed_precondition(message + " (the catalog is locked by another process)");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM: return io_error(std::move(message));
    default: return internal_error(std::move(message));
  }
}

Status exec(sqlite3* db, const char* sql, std::string_view context) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error_status(db, sqlite3_extended_errcode(db), context);
  return {};
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  PARITY_CHECK(sql.size() < static_cast<std::size_t>(std::numeric_limits<int>::max()));
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error_status(db, sqlite3_extended_errcode(db), "preparing a query");
  }
  PARITY_CHECK_MSG(stmt != nullptr, "empty SQL statement");
  return Statement(db, stmt);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::record_bind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::bind(int index, std::string_view text) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    record_bind(SQLITE_TOOBIG);
    return;
  }
  record_bind(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                SQLITE_TRANSIENT));
}

void Statement::bind_blob(int index, std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    record_bind(SQLITE_TOOBIG);
    return;
  }
  record_bind(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                                SQLITE_TRANSIENT));
}

void Statement::bind(int index, std::int64_t value) {
  record_bind(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::bind(int index, double value) {
  record_bind(sqlite3_bind_double(stmt_, index, value));
}

void Statement::bind(int index, const std::optional<std::string>& text) {
  if (text) {
    bind(index, std::string_view(*text));
  } else {
    bind_null(index);
  }
}

void Statement::bind_null(int index) {
  record_bind(sqlite3_bind_null(stmt_, index));
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) {
    return internal_error(fmt::format("binding a query parameter: {}", sqlite3_errstr(bind_rc_)));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error_status(db_, sqlite3_extended_errcode(db_), "running a query");
}

Status Statement::run() {
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, step());
    if (!row) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::string Statement::blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string Statement::text(int column) const {
  const unsigned char* data = sqlite3_column_text(stmt_, column);
  if (data == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<Transaction> Transaction::begin(sqlite3* db, Mode mode) {
  PARITY_RETURN_IF_ERROR(
      exec(db, mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN", "starting a transaction"));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) {
    exec(db_, "ROLLBACK", "rolling back").ignore();
  }
}

Status Transaction::commit() {
  PARITY_CHECK_MSG(db_ != nullptr, "commit() on a finished transaction");
  PARITY_RETURN_IF_ERROR(exec(db_, "COMMIT", "committing a transaction"));
  db_ = nullptr;
  return {};
}

}  // namespace parity::sqlite
