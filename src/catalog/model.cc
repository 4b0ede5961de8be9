#include "parity/catalog/model.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace parity {

AttributeValue parse_attribute_value(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  double number = 0.0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty()) {
    const auto [ptr, ec] = std::from_chars(first, last, number);
    if (ec == std::errc() && ptr == last && std::isfinite(number)) return number;
  }
  return text;
}

std::string attribute_value_to_string(const AttributeValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  return fmt::format("{}", std::get<double>(value));
}

std::string_view attribute_type_name(const AttributeValue& value) {
  if (std::holds_alternative<std::string>(value)) return "string";
  if (std::holds_alternative<bool>(value)) return "bool";
  return "number";
}

}  // namespace parity
