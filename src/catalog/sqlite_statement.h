// Thin RAII wrappers over the SQLite C API used by the catalog: prepared statements with
// bound parameters, transactions that roll back unless committed, and the mapping of SQLite
// result codes onto parity::Status. Private to src/catalog.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parity/core/status.h"

namespace parity::sqlite {

// Maps a SQLite result code to a Status whose message is
// "<database file>: <context>: <sqlite message>". Codes: SQLITE_NOTADB/CORRUPT -> kCorrupt,
// PRIMARY KEY/UNIQUE constraint -> kAlreadyExists, other constraints -> kInvalidArgument,
// BUSY/LOCKED -> kFailedPrecondition, I/O, permission, full disk -> kIoError, else kInternal.
// Precondition: rc is not SQLITE_OK/ROW/DONE.
Status error_status(sqlite3* db, int rc, std::string_view context);

// Runs SQL text without parameters (schema scripts, PRAGMAs, BEGIN/COMMIT). Never pass text
// that contains user input: use Statement with bound parameters instead.
Status exec(sqlite3* db, const char* sql, std::string_view context);

// One prepared statement. Binding errors are remembered and reported by the next step().
// Column indexes are 0-based, parameter indexes 1-based (SQLite convention). Not copyable.
class Statement {
 public:
  // Errors: as error_status() (e.g. kCorrupt when the file is not a database).
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void bind(int index, std::string_view text);
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, const std::optional<std::string>& text);  // nullopt binds NULL
  void bind_null(int index);
  void bind_blob(int index, std::string_view bytes);  // binds a BLOB (not TEXT)

  // Executes one step. Returns true when a row is available, false when done.
  Result<bool> step();
  // Steps until done, ignoring rows. For INSERT/UPDATE/DELETE.
  Status run();
  // Resets the statement and clears its bindings so it can run again.
  void reset();

  // Column accessors for the current row. text() returns "" for NULL.
  std::string text(int column) const;
  std::string blob(int column) const;  // the raw bytes; "" for NULL
  std::int64_t int64(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void record_bind(int rc);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE (write) or BEGIN (read) ... COMMIT; rolls back on destruction unless
// commit() succeeded. Not nestable.
class Transaction {
 public:
  enum class Mode : std::uint8_t { kRead, kWrite };
  static Result<Transaction> begin(sqlite3* db, Mode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;  // null once committed or moved from
};

}  // namespace parity::sqlite
