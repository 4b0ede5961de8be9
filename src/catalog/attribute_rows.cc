#include "catalog/attribute_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

namespace parity::catalog_detail {

bool is_attribute_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '/' || c == '-';
  });
}

Status check_attributes(const std::vector<Attribute>& attributes, std::string_view where) {
  for (const Attribute& attribute : attributes) {
    if (!is_attribute_key(attribute.key)) {
      return invalid_argument(fmt::format(
          "{}: attribute key '{}' is invalid: expected [A-Za-z0-9_./-]+ so selectors can name it",
          where, attribute.key));
    }
    if (const auto* number = std::get_if<double>(&attribute.value);
        number && !std::isfinite(*number)) {
      return invalid_argument(fmt::format("{}: attribute '{}' is {}, expected a finite number",
                                          where, attribute.key, *number));
    }
  }
  return {};
}

void bind_attribute(sqlite::Statement& stmt, const std::string& owner, const Attribute& attribute) {
  stmt.bind(1, std::string_view(owner));
  stmt.bind(2, std::string_view(attribute.key));
  stmt.bind(3, attribute_type_name(attribute.value));
  stmt.bind(4, std::string_view(attribute_value_to_string(attribute.value)));
  if (const auto* number = std::get_if<double>(&attribute.value)) {
    stmt.bind(5, *number);
  } else {
    stmt.bind_null(5);
  }
  stmt.bind(6, std::string_view(attribute.origin));
}

}  // namespace parity::catalog_detail
