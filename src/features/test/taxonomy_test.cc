#include "parity/features/taxonomy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "parity/features/feature_registry.h"
#include "testing/testing.h"

namespace parity::features {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string value_of(const std::vector<Attribute>& attributes, const std::string& key) {
  for (const Attribute& a : attributes) {
    if (a.key == key) return attribute_value_to_string(a.value);
  }
  return "<absent>";
}

TEST(TaxonomyTest, DefaultTaxonomyParsesAndEveryRuleNamesARegisteredFeature) {
  const Taxonomy& taxonomy = default_taxonomy();
  EXPECT_EQ(taxonomy.name, "default");
  ASSERT_NE(taxonomy.find("lighting"), nullptr);
  EXPECT_THAT(taxonomy.find("lighting")->values, ElementsAre("dim", "normal", "bright"));
  for (const TaxonomyAttribute& attribute : taxonomy.attributes) {
    if (!attribute.rule) continue;
    // Replace each '*' by a concrete role segment and resolve the name.
    std::string name = attribute.rule->feature;
    for (auto at = name.find('*'); at != std::string::npos; at = name.find('*')) {
      name.replace(at, 1, "front");
    }
    EXPECT_TRUE(resolve_feature(name).has_value())
        << attribute.name << ": rule feature " << attribute.rule->feature << " is not registered";
  }
}

TEST(TaxonomyTest, RulesBinValuesAndReduceOverMatchingFeatures) {
  const Taxonomy& taxonomy = default_taxonomy();
  const std::vector<std::pair<std::string, double>> values = {
      {"camera/front.luma_mean.p50", 150.0},
      {"camera/wrist.luma_mean.p50", 40.0},  // min over cameras: dim
      {"camera/front.sharpness.p50", 300.0},
      {"camera/wrist.sharpness.p50", 250.0},  // exactly on an edge: the upper bin
      {"joints.vel_rms", 1.5}};
  const auto derived = derive_attributes(taxonomy, values);
  EXPECT_EQ(value_of(derived, "lighting"), "dim");
  EXPECT_EQ(value_of(derived, "blur"), "low");
  EXPECT_EQ(value_of(derived, "motion"), "fast");
  EXPECT_EQ(value_of(derived, "occlusion"), "<absent>");  // no depth feature: no attribute
  for (const Attribute& a : derived) EXPECT_EQ(a.origin, "derived");
}

TEST(TaxonomyTest, PatternsMatchOneSegmentPerStar) {
  EXPECT_TRUE(feature_pattern_matches("camera/*.luma_mean.p50", "camera/front.luma_mean.p50"));
  EXPECT_FALSE(feature_pattern_matches("camera/*.luma_mean.p50", "camera/front.luma_mean.p90"));
  EXPECT_FALSE(feature_pattern_matches("camera/*.p50", "camera/front.luma_mean.p50"));
  EXPECT_TRUE(feature_pattern_matches("joints.*.range", "joints.elbow.range"));
  EXPECT_TRUE(feature_pattern_matches("*", "episode"));
  EXPECT_FALSE(feature_pattern_matches("*", "episode.duration_s"));
  EXPECT_TRUE(feature_pattern_matches("episode.duration_s", "episode.duration_s"));
}

TEST(TaxonomyTest, UserTaxonomyExtendsOrReplacesTheDefault) {
  const auto mine = parse_taxonomy(R"(version: 1
name: cell
attributes:
  - name: lighting
    type: ordinal
    values: [dark, ok]
    rule: {feature: "camera/*.luma_mean.p50", reduce: max, bins: [30]}
  - name: long_episode
    type: boolean
    rule: {feature: episode.duration_s, bins: [60]}
  - name: duration
    type: numeric
    unit: s
    rule: {feature: episode.duration_s}
)",
                                   "cell.yaml");
  ASSERT_TRUE(mine.ok()) << mine.status().to_string();
  const Taxonomy merged = extend_taxonomy(default_taxonomy(), *mine);
  EXPECT_EQ(merged.attributes.size(), default_taxonomy().attributes.size() + 2);
  const auto derived = derive_attributes(
      merged, {{"camera/front.luma_mean.p50", 40.0}, {"episode.duration_s", 75.5}});
  EXPECT_EQ(value_of(derived, "lighting"), "ok");
  EXPECT_EQ(value_of(derived, "long_episode"), "true");
  EXPECT_EQ(value_of(derived, "duration"), "75.5");
}

TEST(TaxonomyTest, BadDocumentsNameTheFileLineAndProblem) {
  const auto expect_error = [](const std::string& text, const std::string& message) {
    const auto result = parse_taxonomy(text, "t.yaml");
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_THAT(result.status().message(), HasSubstr(message)) << text;
  };
  expect_error("version: 2\nattributes: []\n", "taxonomy version '2' is not supported");
  expect_error("version: 1\nattributes:\n  - name: a\n    typ: ordinal\n",
               "t.yaml: line 4: attribute 'a': unknown key 'typ'");
  expect_error("version: 1\nattributes:\n  - name: a\n    type: colour\n",
               "type 'colour' is not categorical, ordinal, numeric or boolean");
  expect_error(
      "version: 1\nattributes:\n  - name: a\n    values: [x, y]\n    rule: {feature: f.g, bins: "
      "[1, 2]}\n",
      "2 bin edges need 3 values, found 2");
  expect_error(
      "version: 1\nattributes:\n  - name: a\n    values: [x, y, z]\n    rule: {feature: f.g, "
      "bins: [2, 1]}\n",
      "bins must be strictly ascending");
  expect_error("version: 1\nattributes:\n  - name: a\n  - name: a\n", "declared twice");
  expect_error("version: 1\nattributes: [\n", "t.yaml: line");
  expect_error("version: 1\nattributes:\n  - name: 'bad key'\n", "must match");
}

TEST(TaxonomyTest, LoadsFromAFileAndReportsMissingFiles) {
  testing::TempDir dir;
  std::ofstream(dir / "t.yaml") << "version: 1\nattributes:\n  - name: site\n";
  const auto loaded = load_taxonomy(dir / "t.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->attributes.size(), 1u);
  EXPECT_EQ(load_taxonomy(dir / "absent.yaml").status().code(), StatusCode::kNotFound);
}

TEST(TaxonomyTest, MarkdownListsRulesInWords) {
  const std::string text = taxonomy_markdown(default_taxonomy());
  EXPECT_THAT(text, HasSubstr("| `lighting` | ordinal | dim, normal, bright | min of "
                              "`camera/*.luma_mean.p50`: `dim` < 70, `normal` in [70, 170), "
                              "`bright` >= 170 (0-255 luma) |"));
  EXPECT_THAT(text, HasSubstr("| `site` | categorical | any | hand label |"));
}

}  // namespace
}  // namespace parity::features
