// Attribute rows shared by the catalog's tables (source_attributes, episode_attributes):
// validation before writing and binding (owner, key, type, text_value, num_value, origin).
// Private to src/catalog.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/sqlite_statement.h"
#include "parity/catalog/model.h"
#include "parity/core/status.h"

namespace parity::catalog_detail {

// True for keys matching [A-Za-z0-9_./-]+ (what selectors can name).
bool is_attribute_key(std::string_view key);

// kInvalidArgument "<where>: attribute key '<key>' is invalid ..." or "... expected a finite
// number" for the first bad attribute.
Status check_attributes(const std::vector<Attribute>& attributes, std::string_view where);

// Binds parameters 1..6 of an INSERT into an attribute table.
void bind_attribute(sqlite::Statement& stmt, const std::string& owner, const Attribute& attribute);

}  // namespace parity::catalog_detail
