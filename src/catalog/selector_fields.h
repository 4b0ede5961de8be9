// The built-in episode fields a selector can name, their SQL over the episodes table `e`,
// and how selector values are classified as numbers. Shared by the selector parser and the
// SQL compiler. Private to src/catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace parity::catalog_detail {

struct SelectorField {
  std::string_view name;  // canonical lower-case name
  std::string_view sql;   // SQL expression over `e`; never NULL
  bool numeric;           // compared as a number; requires numeric values
};

// The built-in field named `name` (ASCII case-insensitive), or nullptr for an attribute key.
const SelectorField* find_selector_field(std::string_view name);

// The value as a number when its whole text is a finite decimal number: int64 when it is an
// integer that fits, else double. nullopt for anything else ("2026-01-01", "inf", "").
std::optional<std::variant<std::int64_t, double>> parse_selector_number(std::string_view text);

}  // namespace parity::catalog_detail
