// The simulator randomization spec: for the collection plan's slices a simulator can produce,
// the parameter ranges that would fill the gaps, as a YAML document a domain-randomization script
// reads. Format and field meanings: docs/plan.md "Randomization spec".
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "parity/features/taxonomy.h"
#include "parity/parity/selection.h"
#include "parity/plan/collection.h"

namespace parity::plan {

struct RandomizationOptions {
  // Hand-labelled categorical attributes a simulator can set (object models, textures, camera
  // poses, ...); their values become a weighted choice. Attributes with a taxonomy rule on a
  // feature a renderer can reproduce (lighting, glare, blur, noise, clutter, occlusion, motion)
  // are simulatable anyway.
  std::vector<std::string> categorical = {"object_variant", "drive_model", "texture",
                                          "camera_pose",    "background",  "terrain",
                                          "distractors"};
};

// One randomized parameter of a slice.
struct RandomizationParameter {
  std::string name;       // the simulator knob, e.g. "lighting.intensity", "camera.noise_sigma"
  std::string attribute;  // the condition it realises ("lighting")
  std::string value;      // the condition's value ("dim")
  // Numeric knobs: the measured feature (rule pattern) and its unit, the condition's bounds from
  // the taxonomy bins (NaN = open), and the range the target's episodes in the slice show
  // (p10 and p90 of the rule-reduced feature; NaN when none has the feature).
  std::string feature;
  std::string unit;
  double condition_low = 0, condition_high = 0;
  double target_p10 = 0, target_p90 = 0;
  // Categorical knobs: values with their target shares within the slice.
  std::vector<std::pair<std::string, double>> choices;
};

struct RandomizationEntry {
  std::map<std::string, std::string> slice;
  double target_share = 0;
  std::size_t episodes_needed = 0;
  std::vector<RandomizationParameter> parameters;
};

struct RandomizationSpec {
  std::vector<RandomizationEntry> entries;  // in the collection plan's order
  // Planned slices a simulator cannot produce (an attribute neither rule-derived from a
  // renderable feature nor listed in RandomizationOptions::categorical), as "key=value & ...".
  std::vector<std::string> not_simulatable;
};

// `target` carries the target episodes' attributes; `target_values` their features
// (target.size() x feature_names.size(), NaN = missing).
RandomizationSpec randomization_spec(const CollectionPlan& plan, const compare::Sample& target,
                                     const std::vector<std::string>& feature_names,
                                     const std::vector<double>& target_values,
                                     const features::Taxonomy& taxonomy,
                                     const RandomizationOptions& options = {});

// The spec as a document (`version: 1`, `generated_by`, `target`, `slices: [...]`,
// `not_simulatable`; docs/plan.md), keys in that order; unknown numbers are null.
nlohmann::ordered_json randomization_json(const RandomizationSpec& spec,
                                          const std::string& target_selector);
// The same document as YAML, with a comment line on top.
std::string randomization_yaml(const RandomizationSpec& spec, const std::string& target_selector);

}  // namespace parity::plan
