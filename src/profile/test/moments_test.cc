// Moments against two-pass formulas in long double (the NumPy / SciPy definitions: var with
// ddof 0, scipy.stats.skew and kurtosis with bias=True, fisher=True), one value at a time and
// through merges of shards.
#include "parity/profile/moments.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace parity::profile::moments_test {
namespace {

struct TwoPass {
  long double mean = 0, m2 = 0, m3 = 0, m4 = 0, sum = 0;
  double min = 0, max = 0;
};

TwoPass two_pass(const std::vector<double>& xs) {
  TwoPass t;
  for (double x : xs) t.sum += x;
  t.mean = t.sum / static_cast<long double>(xs.size());
  for (double x : xs) {
    const long double d = x - t.mean;
    t.m2 += d * d;
    t.m3 += d * d * d;
    t.m4 += d * d * d * d;
  }
  t.min = *std::min_element(xs.begin(), xs.end());
  t.max = *std::max_element(xs.begin(), xs.end());
  return t;
}

void expect_matches(const Moments& m, const std::vector<double>& xs, double rel) {
  const TwoPass t = two_pass(xs);
  const auto n = static_cast<long double>(xs.size());
  ASSERT_EQ(m.count(), xs.size());
  EXPECT_EQ(m.min(), t.min);
  EXPECT_EQ(m.max(), t.max);
  auto near = [rel](long double expected, double actual, const char* what) {
    EXPECT_NEAR(actual, static_cast<double>(expected),
                rel * std::max(1.0, std::abs(static_cast<double>(expected))))
        << what;
  };
  near(t.mean, m.mean(), "mean");
  near(t.sum, m.sum(), "sum");
  near(t.m2 / n, m.variance(), "variance");
  near(t.m2 / (n - 1), m.sample_variance(), "sample variance");
  near(std::sqrt(n) * t.m3 / std::pow(t.m2, 1.5L), m.skewness(), "skewness");
  near(n * t.m4 / (t.m2 * t.m2) - 3, m.kurtosis(), "kurtosis");
}

std::vector<double> lognormal_data(std::size_t n, std::uint64_t seed, double shift) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(0.0, 0.8);
  std::vector<double> xs(n);
  for (double& x : xs) x = shift + dist(rng);
  return xs;
}

TEST(Moments, KnownSmallSample) {
  Moments m;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) m.add(x);
  EXPECT_EQ(m.count(), 8u);
  EXPECT_DOUBLE_EQ(m.mean(), 5.0);
  EXPECT_DOUBLE_EQ(m.variance(), 4.0);
  EXPECT_DOUBLE_EQ(m.sample_variance(), 32.0 / 7.0);
  EXPECT_EQ(m.sum(), 40.0);
  EXPECT_DOUBLE_EQ(m.m2(), 32.0);
  EXPECT_DOUBLE_EQ(m.m3(), 42.0);
  EXPECT_DOUBLE_EQ(m.m4(), 356.0);
  EXPECT_DOUBLE_EQ(m.skewness(), std::sqrt(8.0) * 42.0 / std::pow(32.0, 1.5));
  EXPECT_DOUBLE_EQ(m.kurtosis(), 8.0 * 356.0 / (32.0 * 32.0) - 3.0);
}

TEST(Moments, EmptyAndConstant) {
  Moments m;
  EXPECT_TRUE(std::isnan(m.mean()));
  EXPECT_TRUE(std::isnan(m.variance()));
  EXPECT_TRUE(std::isnan(m.min()));
  m.add(std::numeric_limits<double>::quiet_NaN());
  m.add(std::numeric_limits<double>::infinity());
  EXPECT_EQ(m.count(), 0u);
  m.add(3.0);
  EXPECT_TRUE(std::isnan(m.sample_variance()));
  m.add(3.0);
  EXPECT_EQ(m.variance(), 0.0);
  EXPECT_TRUE(std::isnan(m.skewness()));
  EXPECT_TRUE(std::isnan(m.kurtosis()));
}

TEST(Moments, OnePassMatchesTwoPass) {
  // A large offset makes the naive sum-of-powers formulas lose every digit.
  const std::vector<double> xs = lognormal_data(200000, 3, 1e6);
  Moments m;
  for (double x : xs) m.add(x);
  expect_matches(m, xs, 1e-9);
}

TEST(Moments, ShardMergesMatchTwoPass) {
  std::vector<double> all;
  std::vector<Moments> shards;
  for (int s = 0; s < 8; ++s) {
    const auto xs = lognormal_data(1000 + 3000 * s, 10 + s, s * 2.0);
    Moments m;
    for (double x : xs) m.add(x);
    shards.push_back(m);
    all.insert(all.end(), xs.begin(), xs.end());
  }
  Moments sequential;
  for (const Moments& m : shards) sequential.merge(m);
  expect_matches(sequential, all, 1e-10);
  Moments reversed;
  for (auto it = shards.rbegin(); it != shards.rend(); ++it) reversed.merge(*it);
  expect_matches(reversed, all, 1e-10);
  EXPECT_EQ(sequential.count(), reversed.count());
  EXPECT_EQ(sequential.min(), reversed.min());
  EXPECT_EQ(sequential.max(), reversed.max());

  Moments self = shards[2];
  self.merge(self);
  std::vector<double> doubled = lognormal_data(1000 + 3000 * 2, 12, 4.0);
  const std::vector<double> once = doubled;
  doubled.insert(doubled.end(), once.begin(), once.end());
  expect_matches(self, doubled, 1e-10);
}

TEST(Moments, SerializationRoundTripAndCorruption) {
  Moments m;
  for (double x : lognormal_data(1000, 1, 0.0)) m.add(x);
  const auto bytes = m.serialize();
  ASSERT_EQ(bytes.size(), 2u + 8u * 8u);
  const auto copy = Moments::deserialize(bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_TRUE(*copy == m);
  EXPECT_EQ(copy->serialize(), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(Moments::deserialize(std::span(bytes.data(), n)).status().code(),
              StatusCode::kTruncated);
  }
  const Moments empty;
  ASSERT_TRUE(Moments::deserialize(empty.serialize()).ok());
  // Layout: family, version, count at 2, mean 10, M2 18, M3 26, M4 34, min 42, max 50, sum 58.
  std::vector<std::uint8_t> bad = bytes;
  bad[18 + 7] |= 0x80;  // M2 negative
  auto r = Moments::deserialize(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("offset 2: moments with M2 -"), std::string::npos)
      << r.status().message();
  bad = empty.serialize();
  bad[10] = 1;
  r = Moments::deserialize(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("empty moments with non-zero fields"), std::string::npos);
}

}  // namespace
}  // namespace parity::profile::moments_test
