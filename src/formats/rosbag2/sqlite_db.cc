#include "formats/rosbag2/sqlite_db.h"

#include <fmt/format.h>

#include <utility>

namespace parity::rosbag2 {
namespace fs = std::filesystem;

namespace {

// RFC 3986 percent-encoding of a path for an SQLite `file:` URI (SQLite decodes %HH).
std::string uri_path(const fs::path& path) {
  const std::string raw = fs::absolute(path).string();
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace

StatusCode status_code_for_sqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
    case SQLITE_RANGE: return StatusCode::kCorrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY: return StatusCode::kIoError;
    case SQLITE_NOMEM: return StatusCode::kInternal;
    case SQLITE_IOERR:
      return rc == SQLITE_IOERR_SHORT_READ ? StatusCode::kCorrupt : StatusCode::kIoError;
    default: return StatusCode::kCorrupt;
  }
}

SqliteDb::~SqliteDb() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), file_(std::move(other.file_)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    file_ = std::move(other.file_);
  }
  return *this;
}

Result<SqliteDb> SqliteDb::open_read_only(const fs::path& path) {
  SqliteDb db;
  db.file_ = path.string();
  std::error_code ec;
  const bool has_wal = fs::exists(fs::path(path.string() + "-wal"), ec);
  const std::string uri =
      fmt::format("file:{}?mode=ro{}", uri_path(path), has_wal ? "" : "&immutable=1");
  const int rc =
      sqlite3_open_v2(uri.c_str(), &db.db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db.db_ != nullptr ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return Status(status_code_for_sqlite(rc),
                  fmt::format("{}: cannot open as SQLite database: {}", db.file_, message));
  }
  sqlite3_extended_result_codes(db.db_, 1);
  return db;
}

Status SqliteDb::error(int rc, std::string_view what) const {
  const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  return Status(status_code_for_sqlite(rc),
                fmt::format("{}: {}: SQLite error {}: {}", file_, what, rc, message));
}

Result<SqliteStatement> SqliteDb::prepare(std::string_view sql, std::string_view what) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
    return error(rc, what);
  }
  return SqliteStatement(this, stmt, std::string(what));
}

Result<bool> SqliteDb::has_table(std::string_view name) const {
  PARITY_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", "list tables"));
  PARITY_RETURN_IF_ERROR(stmt.bind_text(1, name));
  return stmt.step();
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), what_(std::move(other.what_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    what_ = std::move(other.what_);
  }
  return *this;
}

Result<bool> SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc, what_);
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
}

Status SqliteStatement::bind_int64(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) return db_->error(rc, what_);
  return {};
}

Status SqliteStatement::bind_text(int index, std::string_view value) {
  const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) return db_->error(rc, what_);
  return {};
}

std::int64_t SqliteStatement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::text(int column) const {
  const auto bytes = blob(column);
  return std::string(bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> SqliteStatement::blob(int column) const {
  // sqlite3_column_blob() before sqlite3_column_bytes(), as the SQLite docs require.
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)};
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string SqliteStatement::column_name(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name == nullptr ? std::string() : std::string(name);
}

int SqliteStatement::column_count() const {
  return sqlite3_column_count(stmt_);
}

}  // namespace parity::rosbag2
