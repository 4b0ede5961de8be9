// Thin RAII wrappers over the SQLite3 C API for reading rosbag2 .db3 files: a read-only
// connection and prepared statements whose failures become parity::Status values naming the
// file and carrying SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "parity/core/status.h"

namespace parity::rosbag2 {

// Maps an SQLite result code to a StatusCode: SQLITE_CORRUPT, SQLITE_NOTADB and short reads are
// kCorrupt (a damaged or truncated file), SQLITE_CANTOPEN kIoError, SQLITE_NOMEM kInternal,
// other I/O errors kIoError, everything else kCorrupt.
StatusCode status_code_for_sqlite(int rc);

class SqliteStatement;

// A read-only connection. Opened with the URI `file:<path>?mode=ro&immutable=1` (SQLite then
// takes no locks and never writes, not even a journal) unless a `-wal` file sits next to the
// database, in which case it opens with `mode=ro` so the write-ahead log is honoured. The file is
// never modified.
class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Errors: kIoError / kCorrupt naming `path` with SQLite's message.
  static Result<SqliteDb> open_read_only(const std::filesystem::path& path);

  // Prepares `sql`. Errors: the mapped code with "<file>: <what>: <sqlite message>".
  Result<SqliteStatement> prepare(std::string_view sql, std::string_view what) const;

  // True when a table named `name` exists. Errors as prepare().
  Result<bool> has_table(std::string_view name) const;

  // A Status for the connection's last error: "<file>: <what>: <sqlite message>".
  Status error(int rc, std::string_view what) const;

  const std::string& file() const { return file_; }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string file_;
};

// A prepared statement. Column accessors follow sqlite3_column_*; a view returned by blob()
// stays valid until the next step(), reset() or destruction.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(const SqliteDb* db, sqlite3_stmt* stmt, std::string what)
      : db_(db), stmt_(stmt), what_(std::move(what)) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Advances to the next row: true when a row is available, false when done.
  // Errors: the mapped code naming the file and the statement's purpose.
  Result<bool> step();
  void reset();
  Status bind_int64(int index, std::int64_t value);
  Status bind_text(int index, std::string_view value);

  std::int64_t int64(int column) const;
  // The column as text (blobs are returned as their bytes; NULL as "").
  std::string text(int column) const;
  // The column as bytes (text as its UTF-8 bytes; NULL as empty).
  std::span<const std::uint8_t> blob(int column) const;
  bool is_null(int column) const;
  // The name of result column `column` ("" when out of range).
  std::string column_name(int column) const;
  int column_count() const;

 private:
  const SqliteDb* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string what_;
};

}  // namespace parity::rosbag2
