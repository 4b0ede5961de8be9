#include "parity/ingest/path_template.h"

#include <gtest/gtest.h>

namespace parity {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PathTemplateTest, CapturesNamedComponentsFromTheEnd) {
  const auto tmpl = PathTemplate::parse("{site}/{date}/*.mcap");
  ASSERT_TRUE(tmpl.ok()) << tmpl.status().to_string();
  EXPECT_EQ(tmpl->match("/data/field/plant-3/2026-03-01/run_07.mcap"),
            (Pairs{{"site", "plant-3"}, {"date", "2026-03-01"}}));
  EXPECT_EQ(tmpl->match("plant-3/2026-03-01/run.bag"), std::nullopt);
  EXPECT_EQ(tmpl->match("run.mcap"), std::nullopt);
}

TEST(PathTemplateTest, MixedLiteralsAndWildcards) {
  const auto tmpl = PathTemplate::parse("**/lighting_{lighting}/run_{run}_?.mcap");
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(tmpl->match("x/lighting_dim/run_12_a.mcap"),
            (Pairs{{"lighting", "dim"}, {"run", "12"}}));
  EXPECT_EQ(tmpl->match("x/lighting_dim/run_12_ab.mcap"), std::nullopt);
  // Regex metacharacters in the template are literal.
  const auto dots = PathTemplate::parse("{a}.(b)+");
  ASSERT_TRUE(dots.ok());
  EXPECT_EQ(dots->match("x.(b)+"), (Pairs{{"a", "x"}}));
  EXPECT_EQ(dots->match("x.bbb"), std::nullopt);
}

TEST(PathTemplateTest, ErrorsGivePositions) {
  const auto unclosed = PathTemplate::parse("{site/x");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unclosed.status().message().find("position 1"), std::string::npos);
  const auto twice = PathTemplate::parse("{a}/{a}");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("appears twice"), std::string::npos);
  const auto bad_name = PathTemplate::parse("x/{a b}");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.status().message().find("position 4"), std::string::npos);
  EXPECT_FALSE(PathTemplate::parse("a//b").ok());
}

}  // namespace
}  // namespace parity
