// The WHERE clause shared by episode listing and snapshot creation: which episodes are
// visible (current sources, or all) combined with a compiled selector. Private to
// src/catalog.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "catalog/sqlite_statement.h"
#include "parity/catalog/selector.h"
#include "parity/core/status.h"

namespace parity::catalog_detail {

using SqlParam = std::variant<std::string, double, std::int64_t>;

struct WhereClause {
  std::string sql;  // boolean SQL over episodes `e` joined with their source `s`
  std::vector<SqlParam> params;
};

// Visibility: with !include_superseded only episodes of current sources, plus the episodes
// frozen in any snapshot the selector names. Errors: kNotFound when a named snapshot does not
// exist; compile_selector errors.
Result<WhereClause> episode_where(sqlite3* db, const SelectorAst& ast, bool include_superseded);

// Binds params to consecutive parameter indexes starting at first_index.
void bind_params(sqlite::Statement& stmt, int first_index, const std::vector<SqlParam>& params);

}  // namespace parity::catalog_detail
