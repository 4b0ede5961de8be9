// Backward compatibility: src/profile/test/data/profile_v1.bin is a format-version-1 profile
// written once by the disabled generator below and checked in. Every later build must read it
// and find exactly the values the generator put in.
//
// To regenerate (only when deliberately changing what the file holds), from the source root:
//   build/<dir>/src/parity_profile_test --gtest_also_run_disabled_tests
//       --gtest_filter='ProfileGolden.DISABLED_WriteProfileV1'
// (one command line).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parity/profile/profile.h"

namespace parity::profile::golden_test {
namespace {

constexpr const char* kGoldenPath = "src/profile/test/data/profile_v1.bin";
constexpr std::size_t kEpisodes = 1000;
// Answers of the checked-in sketches (read once from the generated file).
constexpr double kGoldenDurationMedian = 55.4;
constexpr double kGoldenLumaP90 = 237.0;
constexpr std::size_t kGoldenDurationRetained = 155;

// The generator's values, as functions of the episode index.
double duration_s(std::size_t i) {
  return 5.0 + static_cast<double>(i * 37 % 1000) / 10.0;
}
bool has_luma(std::size_t i) {
  return i % 5 != 0;
}
double luma(std::size_t i) {
  return static_cast<double>(i * 7919 % 256);
}
bool has_vel(std::size_t i) {
  return i < 500;
}
double vel_rms(std::size_t i) {
  return 0.001 * static_cast<double>(i + 1);
}
std::string lighting(std::size_t i) {
  const char* values[] = {"dim", "normal", "bright"};
  return values[i % 3];
}
bool has_site(std::size_t i) {
  return i % 2 == 0;
}
std::string site(std::size_t i) {
  return "plant-" + std::to_string(i % 7);
}

Profile golden_profile() {
  ProfileOptions options;
  options.kll_k = 64;
  options.hll_precision = 8;
  Profile p = Profile::create(options).value();
  PARITY_CHECK(p.declare_feature("episode.duration_s", linear_edges(0.0, 120.0, 12).value()).ok());
  PARITY_CHECK(
      p.declare_feature("camera/front.luma_mean.p50", linear_edges(0.0, 255.0, 51).value()).ok());
  for (std::size_t i = 0; i < kEpisodes; ++i) {
    std::vector<std::pair<std::string, double>> features{{"episode.duration_s", duration_s(i)}};
    if (has_luma(i)) features.emplace_back("camera/front.luma_mean.p50", luma(i));
    if (has_vel(i)) features.emplace_back("joints.vel_rms", vel_rms(i));  // default edges
    std::vector<std::pair<std::string, std::string>> attributes{{"lighting", lighting(i)}};
    if (has_site(i)) attributes.emplace_back("site", site(i));
    PARITY_CHECK(p.add_episode("golden-" + std::to_string(i), features, attributes).ok());
  }
  p.set_metadata("selector", "domain = field");
  p.set_metadata("created_at", "2024-06-01T12:00:00Z");
  return p;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ProfileGolden, DISABLED_WriteProfileV1) {
  const Status status = golden_profile().write_file(kGoldenPath);
  ASSERT_TRUE(status.ok()) << status.to_string();
}

// Seeds for fuzz/profile_fuzz.cc: small profiles covering every section (run as above with
// --gtest_filter='ProfileGolden.DISABLED_WriteFuzzCorpus').
TEST(ProfileGolden, DISABLED_WriteFuzzCorpus) {
  const std::string dir = "fuzz/corpus/profile/";
  ProfileOptions small;
  small.kll_k = 8;
  small.hll_precision = 4;
  ASSERT_TRUE(Profile::create(small).value().write_file(dir + "empty.bin").ok());
  Profile one = Profile::create(small).value();
  ASSERT_TRUE(one.add_episode("e0", std::vector<std::pair<std::string, double>>{{"f", 0.25}},
                              std::vector<std::pair<std::string, std::string>>{{"a", "x"}})
                  .ok());
  ASSERT_TRUE(one.write_file(dir + "one_episode.bin").ok());
  Profile many = Profile::create(small).value();
  ASSERT_TRUE(many.declare_feature("g", log_edges(0.1, 100.0, 3).value()).ok());
  for (int i = 0; i < 60; ++i) {
    std::vector<std::pair<std::string, double>> features{{"f", i / 60.0}};
    if (i % 2 == 0) features.emplace_back("g", 0.05 * i * i);
    std::vector<std::pair<std::string, std::string>> attributes{{"a", std::to_string(i % 4)}};
    ASSERT_TRUE(many.add_episode("e" + std::to_string(i), features, attributes).ok());
  }
  many.set_metadata("selector", "domain = field");
  ASSERT_TRUE(many.write_file(dir + "compacted.bin").ok());
}

TEST(ProfileGolden, ReadsCheckedInVersion1Profile) {
  const std::vector<std::uint8_t> bytes = read_bytes(kGoldenPath);
  ASSERT_FALSE(bytes.empty()) << kGoldenPath << " is missing (tests run from the source root)";
  const auto read = Profile::read_file(kGoldenPath);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  const Profile& p = *read;

  // The writer of this build still writes version 1 byte for byte.
  EXPECT_EQ(p.serialize(), bytes);
  EXPECT_EQ(p.serialize(), golden_profile().serialize());

  EXPECT_EQ(p.options().kll_k, 64);
  EXPECT_EQ(p.options().hll_precision, 8);
  EXPECT_EQ(p.episode_count(), kEpisodes);
  EXPECT_EQ(p.metadata().size(), 2u);
  EXPECT_EQ(p.metadata().at("selector"), "domain = field");
  EXPECT_EQ(p.metadata().at("created_at"), "2024-06-01T12:00:00Z");
  EXPECT_EQ(p.episode_ids().precision(), 8);
  EXPECT_NEAR(p.distinct_episodes(), 1000.0, 3 * p.episode_ids().relative_standard_error() * 1000);

  // Features: histograms, counts, min, max, sums exactly as the generator's values give them.
  ASSERT_EQ(p.features().size(), 3u);
  struct Expected {
    std::string name;
    std::vector<double> values;
  };
  std::vector<Expected> expected(3);
  expected[0].name = "camera/front.luma_mean.p50";
  expected[1].name = "episode.duration_s";
  expected[2].name = "joints.vel_rms";
  for (std::size_t i = 0; i < kEpisodes; ++i) {
    if (has_luma(i)) expected[0].values.push_back(luma(i));
    expected[1].values.push_back(duration_s(i));
    if (has_vel(i)) expected[2].values.push_back(vel_rms(i));
  }
  for (const Expected& e : expected) {
    const FeatureSummary* f = p.feature(e.name);
    ASSERT_NE(f, nullptr) << e.name;
    auto histogram = FixedHistogram::create(f->histogram.edges()).value();
    for (double v : e.values) histogram.add(v);
    EXPECT_TRUE(histogram == f->histogram) << e.name;
    EXPECT_EQ(f->moments.count(), e.values.size()) << e.name;
    EXPECT_EQ(p.missing(e.name), kEpisodes - e.values.size()) << e.name;
    EXPECT_EQ(f->moments.min(), *std::min_element(e.values.begin(), e.values.end()));
    EXPECT_EQ(f->moments.max(), *std::max_element(e.values.begin(), e.values.end()));
    EXPECT_EQ(f->quantiles.count(), e.values.size());
    EXPECT_EQ(f->quantiles.min(), f->moments.min());
    EXPECT_EQ(f->quantiles.max(), f->moments.max());
    EXPECT_EQ(f->quantiles.k(), 64);
  }
  const FeatureSummary& luma_f = *p.feature("camera/front.luma_mean.p50");
  EXPECT_EQ(luma_f.histogram.edges(), linear_edges(0.0, 255.0, 51).value());
  const FeatureSummary& duration_f = *p.feature("episode.duration_s");
  EXPECT_EQ(duration_f.histogram.counts(),
            (std::vector<std::uint64_t>{50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50, 0}));
  EXPECT_NEAR(duration_f.moments.sum(), 54950.0, 1e-9);
  EXPECT_NEAR(duration_f.moments.mean(), 54.95, 1e-12);
  EXPECT_NEAR(duration_f.moments.variance(), 833.3325, 1e-9);
  const FeatureSummary& vel_f = *p.feature("joints.vel_rms");
  EXPECT_EQ(vel_f.histogram.edges(), default_feature_edges());
  EXPECT_EQ(vel_f.histogram.overflow(), 0u);
  EXPECT_EQ(vel_f.histogram.counts().back(), 0u);
  EXPECT_EQ(vel_f.histogram.counts()[15], 31u);  // [0.46875, 0.5): 0.469 ... 0.499
  EXPECT_EQ(vel_f.histogram.counts()[16], 1u);   // 0.5 itself

  // Quantile answers the stored sketches give (k = 64 compacted 1000 items).
  EXPECT_EQ(duration_f.quantiles.quantile(0.5), kGoldenDurationMedian);
  EXPECT_EQ(luma_f.quantiles.quantile(0.9), kGoldenLumaP90);
  EXPECT_EQ(duration_f.quantiles.num_retained(), kGoldenDurationRetained);

  // Attributes.
  ASSERT_EQ(p.attributes().size(), 2u);
  const AttributeSummary* light = p.attribute("lighting");
  ASSERT_NE(light, nullptr);
  EXPECT_EQ(light->values.count("dim"), 334u);
  EXPECT_EQ(light->values.count("normal"), 333u);
  EXPECT_EQ(light->values.count("bright"), 333u);
  EXPECT_EQ(light->distinct.precision(), 8);
  EXPECT_NEAR(light->distinct.estimate(), 3.0, 0.05);
  const AttributeSummary* site_a = p.attribute("site");
  ASSERT_NE(site_a, nullptr);
  EXPECT_EQ(site_a->values.total(), 500u);
  EXPECT_EQ(site_a->values.distinct(), 7u);
  EXPECT_EQ(site_a->values.count("plant-0"), 72u);
  EXPECT_EQ(p.attribute_missing("site"), 500u);
}

}  // namespace
}  // namespace parity::profile::golden_test
