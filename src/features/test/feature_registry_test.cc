#include "parity/features/feature_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "parity/features/taxonomy.h"

namespace parity::features {
namespace {

TEST(FeatureRegistryTest, EverySpecIsDocumentedWithAValidNameRangeAndEdges) {
  const std::regex name_pattern("([a-z0-9_]+|<joint>)(\\.([a-z0-9_]+|<joint>))*");
  for (const RoleFeatures& role : feature_registry()) {
    std::set<std::string_view> names;
    for (const FeatureSpec& spec : role.specs) {
      SCOPED_TRACE(std::string(role.role) + "." + std::string(spec.name));
      EXPECT_TRUE(std::regex_match(std::string(spec.name), name_pattern));
      EXPECT_TRUE(names.insert(spec.name).second) << "duplicate";
      EXPECT_FALSE(spec.unit.empty());
      EXPECT_GT(spec.definition.size(), 20u);
      EXPECT_LE(spec.min, spec.max);
      EXPECT_LT(spec.hist_lo, spec.hist_hi);
      EXPECT_TRUE(std::isfinite(spec.hist_lo) && std::isfinite(spec.hist_hi));
      if (spec.scale == HistogramScale::kLog) {
        EXPECT_GT(spec.hist_lo, 0.0);
      }
    }
  }
}

TEST(FeatureRegistryTest, FullNamesResolveToTheirSpecAndAggregate) {
  auto resolved = resolve_feature("camera/front.luma_mean.p50");
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->spec->name, "luma_mean");
  EXPECT_EQ(resolved->aggregate, "p50");
  EXPECT_EQ(resolved->role->role, "camera/<name>");
  resolved = resolve_feature("episode.duration_s");
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->aggregate, "");
  EXPECT_TRUE(resolve_feature("joints.vel_rms").has_value());
  EXPECT_TRUE(resolve_feature("scan.range_p50").has_value() ||
              resolve_feature("scan.range.p50").has_value());
  EXPECT_FALSE(resolve_feature("camera/front.no_such_feature").has_value());
  EXPECT_FALSE(resolve_feature("camera.luma_mean.p50").has_value());  // "camera" is no role
  EXPECT_FALSE(resolve_feature("nodot").has_value());
}

TEST(FeatureRegistryTest, HistogramEdgesFollowTheSpec) {
  const auto edges = histogram_edges("camera/front.luma_mean.p50");
  ASSERT_EQ(edges.size(), kHistogramBins + 1);
  const FeatureSpec& spec = *resolve_feature("camera/front.luma_mean.p50")->spec;
  EXPECT_DOUBLE_EQ(edges.front(), spec.hist_lo);
  EXPECT_DOUBLE_EQ(edges.back(), spec.hist_hi);
  EXPECT_TRUE(std::is_sorted(edges.begin(), edges.end()));
  const auto spread = histogram_edges("camera/front.luma_mean.std");
  EXPECT_DOUBLE_EQ(spread.front(), 0.0);
  EXPECT_DOUBLE_EQ(spread.back(), spec.hist_hi - spec.hist_lo);
  const auto unknown = histogram_edges("something.else");
  EXPECT_DOUBLE_EQ(unknown.front(), 0.0);
  EXPECT_DOUBLE_EQ(unknown.back(), 1.0);
}

// docs/features.md is generated from the registry; this keeps the two from drifting apart.
TEST(FeatureRegistryTest, DocsFeaturesMdIsUpToDate) {
  std::ifstream file("docs/features.md");
  ASSERT_TRUE(file) << "docs/features.md is missing: run "
                       "`build/release/parity features --markdown > docs/features.md`";
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(text.str() == features_markdown())
      << "docs/features.md differs from the registry: run "
         "`build/release/parity features --markdown > docs/features.md`";
}

}  // namespace
}  // namespace parity::features
