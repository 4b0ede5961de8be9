#include "parity/ingest/path_template.h"

#include <fmt/format.h>

#include <set>

namespace parity {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string regex_escape(char c) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  return kSpecial.find(c) != std::string::npos ? std::string("\\") + c : std::string(1, c);
}

}  // namespace

Result<PathTemplate> PathTemplate::parse(std::string_view text) {
  PathTemplate result;
  result.text_ = std::string(text);
  std::string_view rest = text;
  std::size_t base = 0;
  if (rest.substr(0, 3) == "**/") {
    rest.remove_prefix(3);
    base = 3;
  }
  std::set<std::string> seen;
  std::string pattern;
  std::vector<std::string> names;
  auto finish_component = [&](std::size_t position) -> Status {
    if (pattern.empty()) {
      return invalid_argument(
          fmt::format("path template '{}': position {}: empty path component", text, position + 1));
    }
    result.components_.emplace_back(pattern, std::regex::ECMAScript);
    result.names_.push_back(std::move(names));
    pattern.clear();
    names.clear();
    return {};
  };
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    const std::size_t position = base + i;
    if (c == '/') {
      PARITY_RETURN_IF_ERROR(finish_component(position));
    } else if (c == '{') {
      const std::size_t close = rest.find('}', i);
      if (close == std::string_view::npos) {
        return invalid_argument(fmt::format(
            "path template '{}': position {}: '{{' without a closing '}}'", text, position + 1));
      }
      const std::string name(rest.substr(i + 1, close - i - 1));
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
        return invalid_argument(fmt::format(
            "path template '{}': position {}: expected a name of letters, digits, '_', '.' or "
            "'-' inside braces, found '{}'",
            text, position + 2, name));
      }
      if (!seen.insert(name).second) {
        return invalid_argument(fmt::format("path template '{}': position {}: '{}' appears twice",
                                            text, position + 2, name));
      }
      names.push_back(name);
      pattern += "([^/]+)";
      i = close;
    } else if (c == '}') {
      return invalid_argument(
          fmt::format("path template '{}': position {}: '}}' without '{{'", text, position + 1));
    } else if (c == '*') {
      pattern += "[^/]*";
    } else if (c == '?') {
      pattern += "[^/]";
    } else {
      pattern += regex_escape(c);
    }
  }
  PARITY_RETURN_IF_ERROR(finish_component(base + rest.size()));
  return result;
}

std::optional<std::vector<std::pair<std::string, std::string>>> PathTemplate::match(
    const std::filesystem::path& path) const {
  std::vector<std::string> parts;
  for (const auto& part : path.lexically_normal()) {
    const std::string s = part.string();
    if (!s.empty() && s != "/") parts.push_back(s);
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() < components_.size()) return std::nullopt;
  const std::size_t offset = parts.size() - components_.size();
  std::vector<std::pair<std::string, std::string>> values;
  for (std::size_t c = 0; c < components_.size(); ++c) {
    std::smatch match;
    if (!std::regex_match(parts[offset + c], match, components_[c])) return std::nullopt;
    for (std::size_t n = 0; n < names_[c].size(); ++n) {
      values.emplace_back(names_[c][n], match[static_cast<int>(n + 1)].str());
    }
  }
  return values;
}

}  // namespace parity
