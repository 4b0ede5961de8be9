#include "parity/features/frame_aggregate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace parity::features {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(FrameAggregateTest, MatchesNumpyLinearPercentilesAndPopulationStd) {
  // numpy: a = [4, 1, 3, 2, 10]; a.mean() = 4; a.std() = sqrt(10); np.percentile(a, [10, 50, 90])
  // = [1.4, 3, 7.6].
  std::vector<double> values = {4, 1, 3, 2, 10};
  FeatureValues out;
  append_frame_aggregates("x", values, out);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].first, "x.mean");
  EXPECT_DOUBLE_EQ(out[0].second, 4.0);
  EXPECT_DOUBLE_EQ(out[1].second, std::sqrt(10.0));
  EXPECT_DOUBLE_EQ(out[2].second, 1.4);
  EXPECT_DOUBLE_EQ(out[3].second, 3.0);
  EXPECT_DOUBLE_EQ(out[4].second, 7.6);
  EXPECT_EQ(out[4].first, "x.p90");
}

TEST(FrameAggregateTest, NonFiniteValuesAreSkippedAndNothingIsEmittedWithoutData) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> values = {nan, 5.0, std::numeric_limits<double>::infinity()};
  FeatureValues out;
  append_frame_aggregates("y", values, out);
  EXPECT_THAT(out, ElementsAre(Pair("y.mean", 5.0), Pair("y.std", 0.0), Pair("y.p10", 5.0),
                               Pair("y.p50", 5.0), Pair("y.p90", 5.0)));
  std::vector<double> none = {nan};
  FeatureValues empty;
  append_frame_aggregates("z", none, empty);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace parity::features
