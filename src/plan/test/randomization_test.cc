// randomization_spec / randomization_yaml on a hand-made plan over synthetic target episodes.
#include "parity/plan/randomization.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>

namespace parity::plan {
namespace {

struct SpecFixture {
  compare::Sample target;
  std::vector<std::string> features = {"camera/front.luma_mean.p50", "camera/wrist.luma_mean.p50"};
  std::vector<double> values;
  CollectionPlan plan;
  SpecFixture() {
    // 10 dim episodes: front luma 41..50, wrist 20 higher (the rule takes the min: front);
    // 10 normal ones at 120.
    for (int i = 0; i < 20; ++i) {
      const bool dim = i < 10;
      target.episode_ids.push_back(std::to_string(i));
      target.sources.push_back("/f");
      target.attributes.push_back({{"lighting", dim ? "dim" : "normal"},
                                   {"site", "plant-3"},
                                   {"drive_model", i % 2 == 0 ? "X14" : "A2"}});
      target.weights.push_back(1);
      const double front = dim ? 41.0 + i : 120.0;
      values.insert(values.end(), {front, front + 20});
    }
    for (const auto& slice : std::vector<std::map<std::string, std::string>>{
             {{"lighting", "dim"}},
             {{"drive_model", "X14"}, {"lighting", "dim"}},
             {{"site", "plant-3"}}}) {
      CollectionItem item;
      item.slice = slice;
      item.target_share = 0.5;
      item.episodes_needed = 7;
      plan.items.push_back(item);
    }
  }
};

TEST(RandomizationSpecTest, RuleDerivedAndCategoricalConditionsBecomeParameters) {
  SpecFixture f;
  const RandomizationSpec spec =
      randomization_spec(f.plan, f.target, f.features, f.values, features::default_taxonomy());
  ASSERT_EQ(spec.entries.size(), 2u);
  const RandomizationEntry& dim = spec.entries[0];
  ASSERT_EQ(dim.parameters.size(), 1u);
  const RandomizationParameter& light = dim.parameters[0];
  EXPECT_EQ(light.name, "lighting.intensity");
  EXPECT_EQ(light.feature, "camera/*.luma_mean.p50");
  EXPECT_TRUE(std::isnan(light.condition_low));
  EXPECT_DOUBLE_EQ(light.condition_high, 70.0);  // dim = luma p50 below 70
  // Front luma of the dim episodes: 41..50; p10 = 41.9, p90 = 49.1 (linear interpolation).
  EXPECT_NEAR(light.target_p10, 41.9, 1e-12);
  EXPECT_NEAR(light.target_p90, 49.1, 1e-12);
  const RandomizationEntry& model = spec.entries[1];
  ASSERT_EQ(model.parameters.size(), 2u);
  EXPECT_EQ(model.parameters[0].name, "drive_model");
  EXPECT_EQ(model.parameters[0].choices,
            (std::vector<std::pair<std::string, double>>{{"X14", 1.0}}));
  // Only the dim X14 episodes (41, 43, ..., 49): p10 = 41.8.
  EXPECT_NEAR(model.parameters[1].target_p10, 41.8, 1e-12);
  EXPECT_EQ(spec.not_simulatable, (std::vector<std::string>{"site=plant-3"}));
}

TEST(RandomizationSpecTest, YamlRoundTripsThroughAParser) {
  SpecFixture f;
  const RandomizationSpec spec =
      randomization_spec(f.plan, f.target, f.features, f.values, features::default_taxonomy());
  const std::string text = randomization_yaml(spec, "domain = field");
  const YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["version"].as<int>(), 1);
  EXPECT_EQ(doc["target"].as<std::string>(), "domain = field");
  ASSERT_EQ(doc["slices"].size(), 2u);
  const YAML::Node first = doc["slices"][0];
  EXPECT_EQ(first["condition"]["lighting"].as<std::string>(), "dim");
  EXPECT_EQ(first["episodes_needed"].as<int>(), 7);
  const YAML::Node knob = first["parameters"][0];
  EXPECT_EQ(knob["name"].as<std::string>(), "lighting.intensity");
  EXPECT_EQ(knob["distribution"].as<std::string>(), "uniform");
  EXPECT_NEAR(knob["min"].as<double>(), 41.9, 1e-9);
  EXPECT_TRUE(knob["condition"]["from"].IsNull());
  EXPECT_EQ(knob["condition"]["to"].as<double>(), 70.0);
  EXPECT_EQ(doc["slices"][1]["parameters"][0]["choices"]["X14"].as<double>(), 1.0);
  EXPECT_EQ(doc["not_simulatable"][0].as<std::string>(), "site=plant-3");
}

}  // namespace
}  // namespace parity::plan
