#include "parity/plan/randomization.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace parity::plan {
namespace {

using compare::in_slice;

// Renderable features (the name part after the role) and the simulator knob each maps to.
struct Knob {
  std::string_view feature;
  std::string_view name;
};
constexpr Knob kKnobs[] = {
    {"luma_mean", "lighting.intensity"},
    {"luma_p50", "lighting.intensity"},
    {"over_exposed", "lighting.glare"},
    {"sharpness", "camera.motion_blur"},
    {"noise_sigma", "camera.noise_sigma"},
    {"edge_density", "scene.clutter"},
    {"entropy", "scene.clutter"},
    {"near_occupancy", "scene.occluders"},
    {"vel_rms", "robot.speed"},
    {"saturation_mean", "lighting.colour_saturation"},
};

// "camera/*.luma_mean.p50" -> "luma_mean"; "joints.vel_rms" -> "vel_rms".
std::string feature_base(const std::string& pattern) {
  std::string rest = pattern;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    const auto dot = rest.find('.', slash);
    rest = dot == std::string::npos ? rest : rest.substr(dot + 1);
  } else if (const auto dot = rest.find('.'); dot != std::string::npos) {
    rest = rest.substr(dot + 1);
  }
  const auto last = rest.find('.');
  return last == std::string::npos ? rest : rest.substr(0, last);
}

const Knob* knob_for(const features::TaxonomyAttribute& attribute) {
  if (!attribute.rule) return nullptr;
  const std::string base = feature_base(attribute.rule->feature);
  for (const Knob& knob : kKnobs) {
    if (knob.feature == base) return &knob;
  }
  return nullptr;
}

// NumPy-style linear-interpolation quantile of sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

RandomizationParameter numeric_parameter(const features::TaxonomyAttribute& attribute,
                                         const Knob& knob, const std::string& value,
                                         const std::vector<std::size_t>& episodes,
                                         const std::vector<std::string>& feature_names,
                                         const std::vector<double>& target_values) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const features::TaxonomyRule& rule = *attribute.rule;
  RandomizationParameter parameter;
  parameter.name = std::string(knob.name);
  parameter.attribute = attribute.name;
  parameter.value = value;
  parameter.feature = rule.feature;
  parameter.unit = attribute.unit;
  parameter.condition_low = parameter.condition_high = kNaN;
  const auto at = std::find(attribute.values.begin(), attribute.values.end(), value);
  if (at != attribute.values.end() && !rule.bins.empty()) {
    const auto index = static_cast<std::size_t>(at - attribute.values.begin());
    if (index > 0) parameter.condition_low = rule.bins[index - 1];
    if (index < rule.bins.size()) parameter.condition_high = rule.bins[index];
  }
  std::vector<std::size_t> columns;
  for (std::size_t c = 0; c < feature_names.size(); ++c) {
    if (features::feature_pattern_matches(rule.feature, feature_names[c])) columns.push_back(c);
  }
  std::vector<double> reduced;
  for (const std::size_t e : episodes) {
    double combined = kNaN;
    std::size_t count = 0;
    for (const std::size_t c : columns) {
      const double v = target_values[e * feature_names.size() + c];
      if (!std::isfinite(v)) continue;
      if (count == 0) {
        combined = v;
      } else if (rule.reduce == features::RuleReduce::kMin) {
        combined = std::min(combined, v);
      } else if (rule.reduce == features::RuleReduce::kMax) {
        combined = std::max(combined, v);
      } else {
        combined += v;
      }
      ++count;
    }
    if (count == 0) continue;
    if (rule.reduce == features::RuleReduce::kMean) combined /= static_cast<double>(count);
    reduced.push_back(combined);
  }
  parameter.target_p10 = parameter.target_p90 = kNaN;
  if (!reduced.empty()) {
    std::sort(reduced.begin(), reduced.end());
    parameter.target_p10 = quantile(reduced, 0.1);
    parameter.target_p90 = quantile(reduced, 0.9);
  }
  return parameter;
}

// Writes a JSON value as YAML: objects in block style, except small objects of scalars (a
// condition, choices), which read better in flow style.
void emit(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  if (value.is_object()) {
    const bool flow = std::all_of(value.begin(), value.end(),
                                  [](const auto& item) { return item.is_primitive(); }) &&
                      value.size() <= 4;
    if (flow) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_null()) {
    out << YAML::Null;
  } else if (value.is_string()) {
    out << value.get<std::string>();
  } else if (value.is_boolean()) {
    out << value.get<bool>();
  } else if (value.is_number_integer() || value.is_number_unsigned()) {
    out << value.get<std::int64_t>();
  } else {
    out << value.get<double>();
  }
}

}  // namespace

RandomizationSpec randomization_spec(const CollectionPlan& plan, const compare::Sample& target,
                                     const std::vector<std::string>& feature_names,
                                     const std::vector<double>& target_values,
                                     const features::Taxonomy& taxonomy,
                                     const RandomizationOptions& options) {
  RandomizationSpec spec;
  for (const CollectionItem& item : plan.items) {
    std::vector<std::size_t> episodes;
    for (std::size_t e = 0; e < target.size(); ++e) {
      if (in_slice(target.attributes[e], item.slice)) episodes.push_back(e);
    }
    RandomizationEntry entry;
    entry.slice = item.slice;
    entry.target_share = item.target_share;
    entry.episodes_needed = item.episodes_needed;
    bool simulatable = true;
    for (const auto& [key, value] : item.slice) {
      const features::TaxonomyAttribute* attribute = taxonomy.find(key);
      const Knob* knob = attribute != nullptr ? knob_for(*attribute) : nullptr;
      if (knob != nullptr) {
        entry.parameters.push_back(
            numeric_parameter(*attribute, *knob, value, episodes, feature_names, target_values));
      } else if (std::find(options.categorical.begin(), options.categorical.end(), key) !=
                 options.categorical.end()) {
        RandomizationParameter parameter;
        parameter.name = key;
        parameter.attribute = key;
        parameter.value = value;
        parameter.choices = {{value, 1.0}};
        entry.parameters.push_back(std::move(parameter));
      } else {
        simulatable = false;
      }
    }
    if (simulatable) {
      spec.entries.push_back(std::move(entry));
    } else {
      std::string text;
      for (const auto& [key, value] : item.slice) {
        text += (text.empty() ? "" : " & ") + key + "=" + value;
      }
      spec.not_simulatable.push_back(std::move(text));
    }
  }
  return spec;
}

nlohmann::ordered_json randomization_json(const RandomizationSpec& spec,
                                          const std::string& target_selector) {
  const auto number = [](double v) {
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
  };
  nlohmann::ordered_json slices = nlohmann::ordered_json::array();
  for (const RandomizationEntry& entry : spec.entries) {
    nlohmann::ordered_json parameters = nlohmann::ordered_json::array();
    for (const RandomizationParameter& p : entry.parameters) {
      nlohmann::ordered_json parameter = {{"name", p.name},
                                          {"realises", p.attribute + " = " + p.value}};
      if (p.choices.empty()) {
        parameter["distribution"] = "uniform";
        parameter["measured_as"] = p.feature;
        parameter["unit"] = p.unit;
        parameter["min"] = number(p.target_p10);
        parameter["max"] = number(p.target_p90);
        parameter["condition"] = {{"from", number(p.condition_low)},
                                  {"to", number(p.condition_high)}};
      } else {
        nlohmann::ordered_json choices = nlohmann::ordered_json::object();
        for (const auto& [value, share] : p.choices) choices[value] = share;
        parameter["distribution"] = "choice";
        parameter["choices"] = std::move(choices);
      }
      parameters.push_back(std::move(parameter));
    }
    nlohmann::ordered_json condition = nlohmann::ordered_json::object();
    for (const auto& [key, value] : entry.slice) condition[key] = value;
    slices.push_back({{"condition", std::move(condition)},
                      {"target_share", entry.target_share},
                      {"episodes_needed", entry.episodes_needed},
                      {"parameters", std::move(parameters)}});
  }
  return {{"version", 1},
          {"generated_by", "parity plan"},
          {"target", target_selector},
          {"slices", std::move(slices)},
          {"not_simulatable", spec.not_simulatable}};
}

std::string randomization_yaml(const RandomizationSpec& spec, const std::string& target_selector) {
  YAML::Emitter out;
  out << YAML::Comment(
      "Domain-randomization spec from `parity plan` (docs/plan.md \"Randomization spec\"): per "
      "field condition the training data lacks, the simulator parameters that reproduce it.");
  out << YAML::Newline;
  emit(out, randomization_json(spec, target_selector));
  return std::string(out.c_str()) + "\n";
}

}  // namespace parity::plan
