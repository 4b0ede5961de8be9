// KLL sketch: exact answers before the first compaction, quantiles and ranks against exact
// sorted data (several distributions, up to 10^6 items) within normalized_rank_error(k), shard
// merges against the one-pass sketch, determinism, serialization and hostile bytes.
#include "parity/profile/kll_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace parity::profile::kll_test {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Exact rank interval of x in sorted data: [fraction < x, fraction <= x].
std::pair<double, double> exact_rank(const std::vector<double>& sorted, double x) {
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
  const auto hi = std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
  const double n = static_cast<double>(sorted.size());
  return {static_cast<double>(lo) / n, static_cast<double>(hi) / n};
}

// Distance from q to the exact rank interval of `x`.
double rank_distance(const std::vector<double>& sorted, double x, double q) {
  const auto [lo, hi] = exact_rank(sorted, x);
  if (q < lo) return lo - q;
  if (q > hi) return q - hi;
  return 0.0;
}

// Largest rank error of the sketch over quantile() at q = 0.005 ... 0.995 and rank() at the
// exact quantiles of the data.
double max_rank_error(const KllSketch& sketch, const std::vector<double>& sorted) {
  double worst = 0.0;
  for (int i = 1; i < 200; ++i) {
    const double q = i / 200.0;
    worst = std::max(worst, rank_distance(sorted, sketch.quantile(q), q));
    const double x = sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size()))];
    const auto [lo, hi] = exact_rank(sorted, x);
    const double r = sketch.rank(x);
    // The sketch's rank is inclusive: compare with the fraction of items <= x.
    worst = std::max(worst, std::abs(r - hi));
    (void)lo;
  }
  return worst;
}

std::vector<double> make_data(const std::string& kind, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> data(n);
  std::normal_distribution<double> normal(3.0, 2.0);
  std::exponential_distribution<double> exponential(0.5);
  std::lognormal_distribution<double> lognormal(0.0, 1.5);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::uniform_int_distribution<int> small_int(0, 9);
  for (std::size_t i = 0; i < n; ++i) {
    if (kind == "uniform") {
      data[i] = uniform(rng);
    } else if (kind == "normal") {
      data[i] = normal(rng);
    } else if (kind == "exponential") {
      data[i] = exponential(rng);
    } else if (kind == "lognormal") {
      data[i] = lognormal(rng);
    } else if (kind == "ties") {
      data[i] = small_int(rng);
    } else if (kind == "ascending") {
      data[i] = static_cast<double>(i);
    } else if (kind == "descending") {
      data[i] = static_cast<double>(n - i);
    }
  }
  return data;
}

TEST(KllSketch, ErrorBoundMatchesDatasketchesFit) {
  EXPECT_NEAR(KllSketch::normalized_rank_error(200), 0.0133, 0.0001);
  EXPECT_NEAR(KllSketch::normalized_rank_error(200, /*pmf=*/true), 0.0165, 0.0001);
  EXPECT_GT(KllSketch::normalized_rank_error(100), KllSketch::normalized_rank_error(200));
}

TEST(KllSketch, EmptySketch) {
  const KllSketch sketch;
  EXPECT_TRUE(sketch.empty());
  EXPECT_EQ(sketch.count(), 0u);
  EXPECT_TRUE(std::isnan(sketch.min()));
  EXPECT_TRUE(std::isnan(sketch.max()));
  EXPECT_TRUE(std::isnan(sketch.quantile(0.5)));
  EXPECT_TRUE(std::isnan(sketch.rank(1.0)));
  const double splits[] = {1.0, 2.0};
  const auto cdf = sketch.cdf(splits);
  ASSERT_TRUE(cdf.ok());
  EXPECT_TRUE(cdf->empty());
}

TEST(KllSketch, ExactBeforeTheFirstCompaction) {
  KllSketch sketch;
  // 1..100 shuffled, plus NaN which is ignored.
  std::vector<double> values;
  for (int i = 1; i <= 100; ++i) values.push_back(i);
  std::mt19937_64 rng(7);
  std::shuffle(values.begin(), values.end(), rng);
  for (double v : values) sketch.update(v);
  sketch.update(kNaN);
  EXPECT_EQ(sketch.count(), 100u);
  EXPECT_EQ(sketch.num_retained(), 100u);
  EXPECT_EQ(sketch.min(), 1.0);
  EXPECT_EQ(sketch.max(), 100.0);
  EXPECT_EQ(sketch.quantile(0.0), 1.0);
  EXPECT_EQ(sketch.quantile(0.25), 25.0);
  EXPECT_EQ(sketch.quantile(0.255), 26.0);
  EXPECT_EQ(sketch.quantile(0.5), 50.0);
  EXPECT_EQ(sketch.quantile(1.0), 100.0);
  EXPECT_EQ(sketch.rank(0.5), 0.0);
  EXPECT_EQ(sketch.rank(50.0), 0.5);
  EXPECT_EQ(sketch.rank(50.5), 0.5);
  EXPECT_EQ(sketch.rank(1000.0), 1.0);
  const double splits[] = {10.0, 10.5, 90.0};
  const auto cdf = sketch.cdf(splits);
  ASSERT_TRUE(cdf.ok());
  EXPECT_EQ(*cdf, (std::vector<double>{0.10, 0.10, 0.90, 1.0}));
}

TEST(KllSketch, CdfRejectsBadSplitPoints) {
  KllSketch sketch;
  sketch.update(1.0);
  const double unordered[] = {1.0, 1.0};
  const auto a = sketch.cdf(unordered);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("increase strictly: 1 at 1 follows 1"), std::string::npos)
      << a.status().message();
  const double infinite[] = {0.0, std::numeric_limits<double>::infinity()};
  const auto b = sketch.cdf(infinite);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("split point 1 is inf"), std::string::npos);
}

TEST(KllSketch, InfinitiesAreOrdinaryItems) {
  KllSketch sketch;
  sketch.update(-std::numeric_limits<double>::infinity());
  sketch.update(0.0);
  sketch.update(std::numeric_limits<double>::infinity());
  EXPECT_EQ(sketch.count(), 3u);
  EXPECT_EQ(sketch.min(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(sketch.quantile(0.5), 0.0);
}

class KllDistributionTest : public ::testing::TestWithParam<std::pair<const char*, std::size_t>> {};

TEST_P(KllDistributionTest, QuantilesAndRanksWithinTheBound) {
  const auto [kind, n] = GetParam();
  const std::vector<double> data = make_data(kind, n, 42);
  KllSketch sketch;
  for (double v : data) sketch.update(v);
  std::vector<double> sorted = data;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sketch.count(), n);
  EXPECT_EQ(sketch.min(), sorted.front());
  EXPECT_EQ(sketch.max(), sorted.back());
  EXPECT_LT(sketch.num_retained(), 1000u) << "a KLL sketch with k = 200 stays small";
  const double eps = sketch.rank_error_bound();
  EXPECT_LE(max_rank_error(sketch, sorted), eps) << kind;
  // cdf() agrees with rank() at the same points.
  const double splits[] = {sorted[n / 10], sorted[n / 2], sorted[9 * n / 10]};
  const auto cdf = sketch.cdf(splits);
  ASSERT_TRUE(cdf.ok());
  ASSERT_EQ(cdf->size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*cdf)[i], sketch.rank(splits[i]));
  EXPECT_EQ((*cdf)[3], 1.0);
}

INSTANTIATE_TEST_SUITE_P(Distributions, KllDistributionTest,
                         ::testing::Values(std::make_pair("uniform", std::size_t{1000000}),
                                           std::make_pair("normal", std::size_t{1000000}),
                                           std::make_pair("exponential", std::size_t{200000}),
                                           std::make_pair("lognormal", std::size_t{200000}),
                                           std::make_pair("ties", std::size_t{200000}),
                                           std::make_pair("ascending", std::size_t{300000}),
                                           std::make_pair("descending", std::size_t{300000}),
                                           std::make_pair("normal", std::size_t{5000})),
                         [](const auto& param_info) {
                           return std::string(param_info.param.first) + "_" +
                                  std::to_string(param_info.param.second);
                         });

// The Done-when of issue 5: merging shard sketches equals the one-pass sketch within the
// sketch's error bound.
TEST(KllSketch, EightShardMergeMatchesOnePassWithinTheBound) {
  // Shards with different distributions, so that each shard alone is far from the union.
  std::vector<std::vector<double>> shards;
  std::mt19937_64 rng(2024);
  for (int s = 0; s < 8; ++s) {
    std::normal_distribution<double> normal(s * 1.5, 1.0 + s * 0.25);
    std::vector<double> shard(50000 + s * 10000);
    for (double& v : shard) v = normal(rng);
    shards.push_back(std::move(shard));
  }
  KllSketch one_pass;
  std::vector<double> all;
  std::vector<KllSketch> shard_sketches;
  for (std::size_t s = 0; s < shards.size(); ++s) {
    KllSketch sketch(KllSketch::kDefaultK, 1000 + s);
    for (double v : shards[s]) {
      sketch.update(v);
      one_pass.update(v);
      all.push_back(v);
    }
    shard_sketches.push_back(std::move(sketch));
  }
  std::sort(all.begin(), all.end());

  KllSketch sequential = shard_sketches[0];
  for (std::size_t s = 1; s < shard_sketches.size(); ++s) sequential.merge(shard_sketches[s]);
  // Pairwise tree: ((0+1)+(2+3))+((4+5)+(6+7)).
  std::vector<KllSketch> level = shard_sketches;
  while (level.size() > 1) {
    std::vector<KllSketch> next;
    for (std::size_t i = 0; i < level.size(); i += 2) {
      next.push_back(level[i]);
      next.back().merge(level[i + 1]);
    }
    level = std::move(next);
  }
  const KllSketch& tree = level[0];

  const double eps = one_pass.rank_error_bound();
  for (const KllSketch* sketch : {&std::as_const(one_pass), &std::as_const(sequential), &tree}) {
    EXPECT_EQ(sketch->count(), all.size());
    EXPECT_EQ(sketch->min(), all.front());
    EXPECT_EQ(sketch->max(), all.back());
    EXPECT_LE(max_rank_error(*sketch, all), eps);
  }
  // Merged and one-pass sketches answer rank queries alike (both within eps of the truth).
  for (int i = 1; i < 100; ++i) {
    const double x = all[all.size() * static_cast<std::size_t>(i) / 100];
    EXPECT_LE(std::abs(sequential.rank(x) - one_pass.rank(x)), 2 * eps);
    EXPECT_LE(std::abs(tree.rank(x) - one_pass.rank(x)), 2 * eps);
  }
}

TEST(KllSketch, MergeKeepsTheSmallestK) {
  KllSketch a(200);
  KllSketch b(100);
  for (int i = 0; i < 5000; ++i) {
    a.update(i);
    b.update(-i);
  }
  a.merge(b);
  EXPECT_EQ(a.k(), 200);
  EXPECT_EQ(a.min_k(), 100);
  EXPECT_EQ(a.count(), 10000u);
  EXPECT_EQ(a.min(), -4999.0);
  EXPECT_EQ(a.max(), 4999.0);
  EXPECT_EQ(a.rank_error_bound(), KllSketch::normalized_rank_error(100));
  EXPECT_NEAR(a.rank(0.0), 0.5, a.rank_error_bound());
}

TEST(KllSketch, MergeWithItselfDoublesTheCount) {
  KllSketch a;
  for (int i = 0; i < 3000; ++i) a.update(i % 100);
  a.merge(a);
  EXPECT_EQ(a.count(), 6000u);
  EXPECT_NEAR(a.rank(49.0), 0.5, a.rank_error_bound());
}

TEST(KllSketch, MergingEmptySketches) {
  KllSketch a;
  KllSketch b;
  a.merge(b);
  EXPECT_TRUE(a.empty());
  b.update(3.0);
  a.merge(b);
  EXPECT_EQ(a.count(), 1u);
  EXPECT_EQ(a.min(), 3.0);
  EXPECT_EQ(a.max(), 3.0);
}

TEST(KllSketch, DeterministicGivenTheSeed) {
  const std::vector<double> data = make_data("normal", 100000, 5);
  KllSketch a(200, 77);
  KllSketch b(200, 77);
  KllSketch c(200, 78);
  for (double v : data) {
    a.update(v);
    b.update(v);
    c.update(v);
  }
  EXPECT_EQ(a.serialize(), b.serialize());
  EXPECT_NE(a.serialize(), c.serialize()) << "another seed picks other compaction offsets";
}

TEST(KllSketch, SerializationRoundTripIsBitwise) {
  const std::vector<double> data = make_data("lognormal", 50000, 9);
  KllSketch sketch;
  for (double v : data) sketch.update(v);
  const std::vector<std::uint8_t> bytes = sketch.serialize();
  auto copy = KllSketch::deserialize(bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_EQ(copy->serialize(), bytes);
  EXPECT_TRUE(*copy == sketch);
  EXPECT_EQ(copy->quantile(0.3), sketch.quantile(0.3));
  // The generator state travels too: both continue identically.
  for (int i = 0; i < 20000; ++i) {
    sketch.update(i);
    copy->update(i);
  }
  EXPECT_EQ(copy->serialize(), sketch.serialize());

  const KllSketch empty;
  auto empty_copy = KllSketch::deserialize(empty.serialize());
  ASSERT_TRUE(empty_copy.ok()) << empty_copy.status().to_string();
  EXPECT_TRUE(empty_copy->empty());
  EXPECT_EQ(empty_copy->serialize(), empty.serialize());
}

TEST(KllSketch, TruncationAtEveryByteIsReported) {
  KllSketch sketch(8);
  for (int i = 0; i < 100; ++i) sketch.update(i);
  const std::vector<std::uint8_t> bytes = sketch.serialize();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto result = KllSketch::deserialize(std::span(bytes.data(), n), 1000);
    ASSERT_FALSE(result.ok()) << n;
    EXPECT_EQ(result.status().code(), StatusCode::kTruncated)
        << n << " " << result.status().message();
    const std::string message = result.status().message();
    ASSERT_EQ(message.rfind("offset ", 0), 0u) << message;
    EXPECT_GE(std::stoul(message.substr(7)), 1000u)
        << "offsets include the base offset: " << message;
  }
  std::vector<std::uint8_t> longer = bytes;
  longer.push_back(0);
  const auto trailing = KllSketch::deserialize(longer);
  EXPECT_EQ(trailing.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(trailing.status().message().find("1 unexpected bytes after the end"),
            std::string::npos);
}

TEST(KllSketch, CorruptFieldsAreReported) {
  KllSketch sketch(8);
  for (int i = 0; i < 100; ++i) sketch.update(i);
  const std::vector<std::uint8_t> good = sketch.serialize();
  // Layout: family 0, version 1, k 2-3, min k 4-5, levels 6, n 7-14, min 15-22, max 23-30,
  // generator 31-38, then the levels.
  auto expect = [&](std::vector<std::uint8_t> bytes, StatusCode code, const std::string& text) {
    const auto result = KllSketch::deserialize(bytes);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_EQ(result.status().code(), code) << result.status().message();
    EXPECT_NE(result.status().message().find(text), std::string::npos) << result.status().message();
  };
  std::vector<std::uint8_t> bytes = good;
  bytes[0] = 2;
  expect(bytes, StatusCode::kCorrupt, "offset 0: KLL sketch: expected sketch family 1, found 2");
  bytes = good;
  bytes[1] = 9;
  expect(bytes, StatusCode::kUnsupported, "offset 1: KLL sketch: serial version 9");
  bytes = good;
  bytes[2] = 4;
  expect(bytes, StatusCode::kCorrupt, "offset 2: KLL k 4 / min k 8");
  bytes = good;
  bytes[6] = 0;
  expect(bytes, StatusCode::kCorrupt, "offset 6: KLL level count 0");
  bytes = good;
  bytes[7] ^= 1;  // n off by one
  expect(bytes, StatusCode::kCorrupt, "differs from the 100 items the levels weigh");
  bytes = good;
  bytes[23 + 7] = 0x40;  // max = 2.0: items above it
  bytes[23 + 6] = 0x00;
  bytes[23 + 5] = 0x00;
  expect(bytes, StatusCode::kCorrupt, "lies outside [min 0, max 2]");
}

TEST(KllSketch, UnsortedUpperLevelIsCorrupt) {
  KllSketch sketch(8);
  for (int i = 0; i < 1000; ++i) sketch.update(i);
  std::vector<std::uint8_t> bytes = sketch.serialize();
  // Levels start at 39: a u32 count, then the items.
  std::size_t pos = 39;
  std::size_t level = 0;
  std::uint32_t count = 0;
  for (;; ++level) {
    ASSERT_LT(pos + 4, bytes.size()) << "no level above 0 holds two items";
    std::memcpy(&count, &bytes[pos], 4);
    if (level > 0 && count >= 2) break;
    pos += 4 + std::size_t{count} * 8;
  }
  const std::size_t first = pos + 4;
  std::swap_ranges(bytes.begin() + static_cast<std::ptrdiff_t>(first),
                   bytes.begin() + static_cast<std::ptrdiff_t>(first + 8),
                   bytes.begin() + static_cast<std::ptrdiff_t>(first + 8));
  const auto result = KllSketch::deserialize(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(result.status().message().find("offset " + std::to_string(pos) + ": KLL level " +
                                           std::to_string(level) + " is not sorted"),
            std::string::npos)
      << result.status().message();
}

TEST(KllSketch, HugeLevelCountsNeverAllocate) {
  KllSketch sketch(8);
  sketch.update(1.0);
  std::vector<std::uint8_t> bytes = sketch.serialize();
  // Level 0 claims 2^32 - 1 items.
  bytes[39] = bytes[40] = bytes[41] = bytes[42] = 0xff;
  const auto result = KllSketch::deserialize(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kTruncated);
  EXPECT_NE(result.status().message().find("4294967295 entries of at least 8 bytes"),
            std::string::npos)
      << result.status().message();
}

}  // namespace
}  // namespace parity::profile::kll_test
