// Forward-only schema migrations of the catalog database (policy in docs/catalog.md).
// Private to src/catalog; tests use migrate() with their own step lists.
#pragma once

#include <sqlite3.h>

#include <span>

#include "parity/core/status.h"

namespace parity::catalog_detail {

// One step: brings a version `version - 1` database to `version`.
struct Migration {
  int version;
  const char* description;
  const char* sql;  // one or more statements, run with sqlite3_exec
};

// The catalog's migrations in version order (versions 1, 2, ... without gaps).
std::span<const Migration> catalog_migrations();

// Reads PRAGMA user_version. Errors: as sqlite::error_status (kCorrupt for a non-database).
Result<int> read_user_version(sqlite3* db);

// Applies every step of `steps` whose version is above the database's user_version, in
// order, each in its own write transaction that also records the step in schema_migrations
// and sets user_version; a failing step is rolled back and leaves the previous version.
// Returns the resulting version. Errors: kFailedPrecondition when the database version is
// above the last step's (written by a newer build); kCorrupt when a version-0 database
// already has tables (not a Parity catalog); SQLite errors otherwise.
// `applied_at` is the ISO-8601 UTC time recorded for the applied steps.
Result<int> migrate(sqlite3* db, std::span<const Migration> steps, const std::string& applied_at);

}  // namespace parity::catalog_detail
