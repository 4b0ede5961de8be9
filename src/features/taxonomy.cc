#include "parity/features/taxonomy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "parity/io/byte_source.h"

namespace parity::features {
namespace {

constexpr std::string_view kTypes[] = {"categorical", "ordinal", "numeric", "boolean"};

bool is_attribute_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '/' || c == '-';
  });
}

Status at_node(std::string_view origin, const YAML::Node& node, std::string_view what) {
  const YAML::Mark mark = node.Mark();
  return invalid_argument(fmt::format("{}: line {}: {}", origin, mark.line + 1, what));
}

Status check_keys(std::string_view origin, const YAML::Node& map,
                  std::initializer_list<std::string_view> allowed, std::string_view where) {
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return at_node(origin, entry.first,
                     fmt::format("{}: unknown key '{}' (expected one of: {})", where, key,
                                 fmt::join(allowed, ", ")));
    }
  }
  return {};
}

Result<TaxonomyRule> parse_rule(std::string_view origin, const YAML::Node& node,
                                const std::string& attribute) {
  const std::string where = fmt::format("attribute '{}': rule", attribute);
  if (!node.IsMap()) return at_node(origin, node, where + " must be a mapping");
  PARITY_RETURN_IF_ERROR(check_keys(origin, node, {"feature", "reduce", "bins"}, where));
  TaxonomyRule rule;
  if (!node["feature"] || !node["feature"].IsScalar()) {
    return at_node(origin, node, where + " needs 'feature: <name or pattern>'");
  }
  rule.feature = node["feature"].as<std::string>();
  if (const YAML::Node reduce = node["reduce"]) {
    const std::string text = reduce.as<std::string>();
    if (text == "min") {
      rule.reduce = RuleReduce::kMin;
    } else if (text == "max") {
      rule.reduce = RuleReduce::kMax;
    } else if (text == "mean") {
      rule.reduce = RuleReduce::kMean;
    } else {
      return at_node(origin, reduce,
                     fmt::format("{}: reduce '{}' is not min, max or mean", where, text));
    }
  }
  if (const YAML::Node bins = node["bins"]) {
    if (!bins.IsSequence()) return at_node(origin, bins, where + ": bins must be a list");
    for (const auto& bin : bins) {
      double value = 0;
      if (!YAML::convert<double>::decode(bin, value) || !std::isfinite(value)) {
        return at_node(origin, bin, where + ": bins must be finite numbers");
      }
      if (!rule.bins.empty() && value <= rule.bins.back()) {
        return at_node(origin, bin, where + ": bins must be strictly ascending");
      }
      rule.bins.push_back(value);
    }
  }
  return rule;
}

Result<TaxonomyAttribute> parse_attribute(std::string_view origin, const YAML::Node& node) {
  if (!node.IsMap()) return at_node(origin, node, "each attribute must be a mapping");
  if (!node["name"] || !node["name"].IsScalar()) {
    return at_node(origin, node, "an attribute needs 'name'");
  }
  TaxonomyAttribute attribute;
  attribute.name = node["name"].as<std::string>();
  const std::string where = fmt::format("attribute '{}'", attribute.name);
  if (!is_attribute_name(attribute.name)) {
    return at_node(origin, node["name"], where + ": name must match [A-Za-z0-9_./-]+");
  }
  PARITY_RETURN_IF_ERROR(check_keys(
      origin, node, {"name", "type", "values", "unit", "description", "required", "rule"}, where));
  attribute.type = node["type"] ? node["type"].as<std::string>() : "categorical";
  if (std::find(std::begin(kTypes), std::end(kTypes), attribute.type) == std::end(kTypes)) {
    return at_node(origin, node["type"],
                   fmt::format("{}: type '{}' is not categorical, ordinal, numeric or boolean",
                               where, attribute.type));
  }
  if (const YAML::Node values = node["values"]) {
    if (!values.IsSequence()) return at_node(origin, values, where + ": values must be a list");
    std::set<std::string> seen;
    for (const auto& value : values) {
      if (!value.IsScalar()) return at_node(origin, value, where + ": values must be scalars");
      attribute.values.push_back(value.as<std::string>());
      if (!seen.insert(attribute.values.back()).second) {
        return at_node(
            origin, value,
            fmt::format("{}: value '{}' is listed twice", where, attribute.values.back()));
      }
    }
  }
  if (node["unit"]) attribute.unit = node["unit"].as<std::string>();
  if (node["description"]) attribute.description = node["description"].as<std::string>();
  if (node["required"]) attribute.required = node["required"].as<bool>();
  if (const YAML::Node rule = node["rule"]) {
    PARITY_ASSIGN_OR_RETURN(attribute.rule, parse_rule(origin, rule, attribute.name));
    const std::size_t bins = attribute.rule->bins.size();
    if (attribute.type == "numeric") {
      if (bins != 0) return at_node(origin, rule, where + ": a numeric rule takes no bins");
    } else if (attribute.type == "boolean") {
      if (bins != 1) {
        return at_node(origin, rule, where + ": a boolean rule takes one bin edge (true above)");
      }
    } else if (attribute.values.size() != bins + 1) {
      return at_node(origin, rule,
                     fmt::format("{}: {} bin edges need {} values, found {}", where, bins, bins + 1,
                                 attribute.values.size()));
    }
  }
  return attribute;
}

// Reduces the features matching the rule; nullopt when none matches.
std::optional<double> reduce_matches(const TaxonomyRule& rule,
                                     const std::vector<std::pair<std::string, double>>& values) {
  std::optional<double> result;
  std::size_t count = 0;
  for (const auto& [name, value] : values) {
    if (!std::isfinite(value) || !feature_pattern_matches(rule.feature, name)) continue;
    ++count;
    if (!result) {
      result = value;
    } else if (rule.reduce == RuleReduce::kMin) {
      result = std::min(*result, value);
    } else if (rule.reduce == RuleReduce::kMax) {
      result = std::max(*result, value);
    } else {
      *result += value;
    }
  }
  if (result && rule.reduce == RuleReduce::kMean) *result /= static_cast<double>(count);
  return result;
}

}  // namespace

const TaxonomyAttribute* Taxonomy::find(std::string_view attribute) const {
  for (const TaxonomyAttribute& entry : attributes) {
    if (entry.name == attribute) return &entry;
  }
  return nullptr;
}

Result<Taxonomy> parse_taxonomy(std::string_view text, std::string_view origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return invalid_argument(
        fmt::format("{}: line {}: YAML syntax error: {}", origin, e.mark.line + 1, e.msg));
  }
  try {
    if (!root.IsMap()) return invalid_argument(fmt::format("{}: expected a mapping", origin));
    PARITY_RETURN_IF_ERROR(check_keys(origin, root, {"version", "name", "attributes"}, "taxonomy"));
    if (!root["version"] || root["version"].as<std::string>() != "1") {
      return unsupported(fmt::format("{}: taxonomy version '{}' is not supported (expected 1)",
                                     origin,
                                     root["version"] ? root["version"].as<std::string>() : ""));
    }
    Taxonomy taxonomy;
    taxonomy.name = root["name"] ? root["name"].as<std::string>() : std::string(origin);
    const YAML::Node attributes = root["attributes"];
    if (!attributes || !attributes.IsSequence()) {
      return invalid_argument(fmt::format("{}: expected 'attributes:' with a list", origin));
    }
    std::set<std::string> names;
    for (const auto& node : attributes) {
      PARITY_ASSIGN_OR_RETURN(TaxonomyAttribute attribute, parse_attribute(origin, node));
      if (!names.insert(attribute.name).second) {
        return at_node(origin, node,
                       fmt::format("attribute '{}' is declared twice", attribute.name));
      }
      taxonomy.attributes.push_back(std::move(attribute));
    }
    return taxonomy;
  } catch (const YAML::Exception& e) {
    return invalid_argument(fmt::format("{}: line {}: {}", origin, e.mark.line + 1, e.msg));
  }
}

Result<Taxonomy> load_taxonomy(const std::filesystem::path& path) {
  PARITY_ASSIGN_OR_RETURN(const std::string text,
                          read_small_file(path, 1 << 20, "a taxonomy file"));
  return parse_taxonomy(text, path.string());
}

const Taxonomy& default_taxonomy() {
  static const Taxonomy taxonomy = [] {
    auto parsed = parse_taxonomy(default_taxonomy_yaml(), "default taxonomy");
    PARITY_CHECK(parsed.ok());  // compiled in and tested
    return std::move(*parsed);
  }();
  return taxonomy;
}

Taxonomy extend_taxonomy(const Taxonomy& base, const Taxonomy& extension) {
  Taxonomy merged = base;
  merged.name = base.name + " + " + extension.name;
  for (const TaxonomyAttribute& attribute : extension.attributes) {
    auto it = std::find_if(merged.attributes.begin(), merged.attributes.end(),
                           [&](const auto& a) { return a.name == attribute.name; });
    if (it != merged.attributes.end()) {
      *it = attribute;
    } else {
      merged.attributes.push_back(attribute);
    }
  }
  return merged;
}

bool feature_pattern_matches(std::string_view pattern, std::string_view name) {
  // Iterative glob with backtracking to the last '*'; '*' never crosses a '.'.
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos && name[resume] != '.') {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<Attribute> derive_attributes(
    const Taxonomy& taxonomy, const std::vector<std::pair<std::string, double>>& values) {
  std::vector<Attribute> derived;
  for (const TaxonomyAttribute& attribute : taxonomy.attributes) {
    if (!attribute.rule) continue;
    const std::optional<double> value = reduce_matches(*attribute.rule, values);
    if (!value) continue;
    const auto& bins = attribute.rule->bins;
    AttributeValue result;
    if (attribute.type == "numeric") {
      result = *value;
    } else if (attribute.type == "boolean") {
      result = *value >= bins.front();
    } else {
      const auto bin = static_cast<std::size_t>(std::upper_bound(bins.begin(), bins.end(), *value) -
                                                bins.begin());
      result = attribute.values[bin];
    }
    derived.push_back({attribute.name, std::move(result), "derived"});
  }
  return derived;
}

std::string taxonomy_markdown(const Taxonomy& taxonomy) {
  std::string out = "| attribute | type | values | rule | description |\n|---|---|---|---|---|\n";
  for (const TaxonomyAttribute& attribute : taxonomy.attributes) {
    std::string rule;
    if (attribute.rule) {
      const char* reduce = attribute.rule->reduce == RuleReduce::kMin   ? "min"
                           : attribute.rule->reduce == RuleReduce::kMax ? "max"
                                                                        : "mean";
      rule = fmt::format("{} of `{}`", reduce, attribute.rule->feature);
      const auto& bins = attribute.rule->bins;
      if (attribute.type == "boolean") {
        rule += fmt::format(": true when >= {:g}", bins.front());
      } else if (!bins.empty()) {
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < attribute.values.size(); ++i) {
          if (i == 0) {
            parts.push_back(fmt::format("`{}` < {:g}", attribute.values[i], bins[0]));
          } else if (i == bins.size()) {
            parts.push_back(fmt::format("`{}` >= {:g}", attribute.values[i], bins[i - 1]));
          } else {
            parts.push_back(
                fmt::format("`{}` in [{:g}, {:g})", attribute.values[i], bins[i - 1], bins[i]));
          }
        }
        rule += ": " + fmt::format("{}", fmt::join(parts, ", "));
      }
      if (!attribute.unit.empty()) rule += fmt::format(" ({})", attribute.unit);
    }
    out += fmt::format(
        "| `{}`{} | {} | {} | {} | {} |\n", attribute.name, attribute.required ? " (required)" : "",
        attribute.type,
        attribute.values.empty() ? "any" : fmt::format("{}", fmt::join(attribute.values, ", ")),
        rule.empty() ? "hand label" : rule, attribute.description);
  }
  return out;
}

}  // namespace parity::features
