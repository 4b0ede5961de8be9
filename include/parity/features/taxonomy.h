// Taxonomies (DESIGN.md "Data model"): the attributes a team describes its conditions with,
// Operational-Design-Domain style, and the rules that derive them from features so episodes
// without hand labels still get conditions ("auto-tagging"). Format: docs/taxonomy.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parity/catalog/model.h"
#include "parity/core/status.h"

namespace parity::features {

// How a rule combines the features its pattern matches (several cameras, say).
enum class RuleReduce : std::uint8_t { kMin, kMax, kMean };

// attribute = values[i] where bins[i-1] <= reduce(matching features) < bins[i].
struct TaxonomyRule {
  std::string feature;  // a feature name; '*' matches any run of characters except '.'
  RuleReduce reduce = RuleReduce::kMean;
  std::vector<double> bins;  // ascending; values.size() == bins.size() + 1 (none: numeric)
};

struct TaxonomyAttribute {
  std::string name;                 // [A-Za-z0-9_./-]+
  std::string type;                 // "categorical", "ordinal", "numeric" or "boolean"
  std::vector<std::string> values;  // allowed values (ordinal: in order); empty = open
  std::string unit;                 // numeric attributes and rule features
  std::string description;
  bool required = false;  // every episode should carry it (hand label or rule)
  std::optional<TaxonomyRule> rule;
};

struct Taxonomy {
  std::string name;  // "default", or the file it came from
  std::vector<TaxonomyAttribute> attributes;

  const TaxonomyAttribute* find(std::string_view attribute) const;
};

// Parses a taxonomy document (`version: 1`, `attributes: [...]`). `origin` names the text in
// errors. Errors: kInvalidArgument "<origin>: line L: <what>" for YAML syntax errors, unknown
// keys, a bad type or name, unsorted bins, values.size() != bins.size() + 1, a duplicate
// attribute; kUnsupported for another version.
Result<Taxonomy> parse_taxonomy(std::string_view text, std::string_view origin);
// Errors: kNotFound / kIoError for the file, then those of parse_taxonomy().
Result<Taxonomy> load_taxonomy(const std::filesystem::path& path);

// The taxonomy that ships with Parity (src/features/default_taxonomy.yaml, compiled in).
std::string_view default_taxonomy_yaml();
const Taxonomy& default_taxonomy();

// `base` with `extension`'s attributes added; an attribute of the same name replaces base's.
Taxonomy extend_taxonomy(const Taxonomy& base, const Taxonomy& extension);

// The attributes the rules derive from one episode's features (full names, finite values):
// one per attribute with a rule whose pattern matches at least one feature, origin "derived".
// Numeric attributes take the reduced value itself.
std::vector<Attribute> derive_attributes(const Taxonomy& taxonomy,
                                         const std::vector<std::pair<std::string, double>>& values);

// True when `name` matches `pattern` ('*' = any run of characters except '.').
bool feature_pattern_matches(std::string_view pattern, std::string_view name);

// The taxonomy as a Markdown table (docs/taxonomy.md includes the default one).
std::string taxonomy_markdown(const Taxonomy& taxonomy);

}  // namespace parity::features
