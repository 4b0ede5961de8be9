// Path templates: attributes from directory and file names, e.g.
// `--attrs-from-path '{site}/{date}/*.mcap'` turns `.../plant-3/2026-03-01/run.mcap` into
// site=plant-3, date=2026-03-01.
#pragma once

#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parity/core/status.h"

namespace parity {

class PathTemplate {
 public:
  // Syntax: '/'-separated components matched against the *last* components of a path.
  // In a component, `{name}` captures one or more characters other than '/', `*` matches any
  // run of such characters, `?` one; everything else is literal. A leading `**/` is allowed
  // and ignored (matching is anchored at the end already).
  // Errors (kInvalidArgument, with the 1-based position): unbalanced braces, an empty or
  // invalid name (letters, digits, '_', '.', '-'), the same name twice, no component.
  static Result<PathTemplate> parse(std::string_view text);

  // (name, value) pairs in template order, or nullopt when `path` does not match.
  std::optional<std::vector<std::pair<std::string, std::string>>> match(
      const std::filesystem::path& path) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::regex> components_;
  std::vector<std::vector<std::string>> names_;  // capture names per component
};

}  // namespace parity
