#include "catalog/selector_fields.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace parity::catalog_detail {
namespace {

constexpr SelectorField kFields[] = {
    {"id", "e.id", false},
    {"source", "(SELECT src.path FROM sources src WHERE src.id = e.source_id)", false},
    {"source_id", "e.source_id", false},
    {"domain", "(SELECT src.domain FROM sources src WHERE src.id = e.source_id)", false},
    {"kind", "(SELECT src.kind FROM sources src WHERE src.id = e.source_id)", false},
    {"format", "(SELECT src.format FROM sources src WHERE src.id = e.source_id)", false},
    {"task", "e.task", false},
    {"embodiment", "e.embodiment", false},
    {"outcome", "e.outcome", false},
    {"ingested", "e.ingested_at", false},
    {"duration_s", "e.duration_s", true},
    {"message_count", "e.message_count", true},
    {"index", "e.idx", true},
    {"start_ns", "e.start_ns", true},
    {"end_ns", "e.end_ns", true},
};

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace

const SelectorField* find_selector_field(std::string_view name) {
  for (const SelectorField& field : kFields) {
    if (equals_ignoring_case(field.name, name)) return &field;
  }
  return nullptr;
}

std::optional<std::variant<std::int64_t, double>> parse_selector_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  std::int64_t integer = 0;
  if (const auto [ptr, ec] = std::from_chars(first, last, integer);
      ec == std::errc() && ptr == last) {
    return integer;
  }
  double number = 0.0;
  if (const auto [ptr, ec] = std::from_chars(first, last, number);
      ec == std::errc() && ptr == last && std::isfinite(number)) {
    return number;
  }
  return std::nullopt;
}

}  // namespace parity::catalog_detail
