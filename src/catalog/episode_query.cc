#include "catalog/episode_query.h"

#include <fmt/format.h>

namespace parity::catalog_detail {

Result<WhereClause> episode_where(sqlite3* db, const SelectorAst& ast, bool include_superseded) {
  const std::vector<std::string> snapshots = referenced_snapshots(ast);
  PARITY_ASSIGN_OR_RETURN(auto exists,
                          sqlite::Statement::prepare(db, "SELECT 1 FROM snapshots WHERE name = ?"));
  for (const std::string& name : snapshots) {
    exists.reset();
    exists.bind(1, std::string_view(name));
    PARITY_ASSIGN_OR_RETURN(const bool found, exists.step());
    if (!found) {
      return not_found(fmt::format(
          "the selector names snapshot '{}', which does not exist (see `parity snapshot list`)",
          name));
    }
  }
  PARITY_ASSIGN_OR_RETURN(CompiledSelector compiled, compile_selector(ast));
  WhereClause where;
  if (include_superseded) {
    where.sql = "(" + compiled.sql + ")";
  } else if (snapshots.empty()) {
    where.sql = "s.current = 1 AND (" + compiled.sql + ")";
  } else {
    where.sql =
        "(s.current = 1 OR e.id IN (SELECT v.episode_id FROM snapshot_episodes v WHERE "
        "v.snapshot IN (";
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      where.sql += i > 0 ? ", ?" : "?";
      where.params.emplace_back(snapshots[i]);
    }
    where.sql += "))) AND (" + compiled.sql + ")";
  }
  for (auto& param : compiled.params) where.params.push_back(std::move(param));
  return where;
}

void bind_params(sqlite::Statement& stmt, int first_index, const std::vector<SqlParam>& params) {
  int index = first_index;
  for (const SqlParam& param : params) {
    if (const auto* text = std::get_if<std::string>(&param)) {
      stmt.bind(index, std::string_view(*text));
    } else if (const auto* integer = std::get_if<std::int64_t>(&param)) {
      stmt.bind(index, *integer);
    } else {
      stmt.bind(index, std::get<double>(param));
    }
    ++index;
  }
}

}  // namespace parity::catalog_detail
