// Profile: episodes in, merge laws (order invariance, shards vs one pass), the binary format
// (bitwise round trip, truncation at every byte, byte flips, crafted sections with a valid
// checksum) and files.
#include "parity/profile/profile.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "testing/testing.h"

namespace parity::profile::profile_test {
namespace {

using Features = std::vector<std::pair<std::string, double>>;
using Attributes = std::vector<std::pair<std::string, std::string>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Episode {
  std::string id;
  Features features;
  Attributes attributes;
};

// Episodes with a mix of features (some only in part of the episodes) and attributes.
std::vector<Episode> make_episodes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> luma(120.0, 30.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const char* lighting[] = {"dim", "normal", "bright"};
  const char* sites[] = {"plant-1", "plant-2", "plant-3", "lab"};
  std::vector<Episode> out;
  for (std::size_t i = 0; i < n; ++i) {
    Episode e;
    e.id = "ep-" + std::to_string(seed) + "-" + std::to_string(i);
    e.features.emplace_back("camera/front.luma_mean.p50", luma(rng));
    e.features.emplace_back("camera/front.over_exposed.mean", unit(rng) * unit(rng));
    if (i % 3 != 0) e.features.emplace_back("joints.vel_rms", 0.1 + unit(rng));
    if (i % 11 == 5) e.features.emplace_back("imu.tilt_deg", kNaN);  // declared, missing
    e.attributes.emplace_back("lighting", lighting[rng() % 3]);
    if (i % 4 != 0) e.attributes.emplace_back("site", sites[rng() % 4]);
    out.push_back(std::move(e));
  }
  return out;
}

ProfileOptions options_with_callback() {
  ProfileOptions options;
  options.default_edges = [](std::string_view name) -> Result<std::vector<double>> {
    if (name.find("luma") != std::string_view::npos) return linear_edges(0.0, 255.0, 51);
    if (name.find("vel_rms") != std::string_view::npos) return log_edges(0.01, 10.0, 30);
    return default_feature_edges();
  };
  return options;
}

Profile profile_of(const std::vector<Episode>& episodes, std::size_t begin, std::size_t end) {
  auto profile = Profile::create(options_with_callback());
  EXPECT_TRUE(profile.ok());
  for (std::size_t i = begin; i < end; ++i) {
    const Episode& e = episodes[i];
    const Status status = profile->add_episode(e.id, e.features, e.attributes);
    EXPECT_TRUE(status.ok()) << status.to_string();
  }
  return std::move(profile).value();
}

// Equal, or both NaN (the min and max of a feature without values).
void expect_same(double a, double b, const std::string& what) {
  if (std::isnan(a) && std::isnan(b)) return;
  EXPECT_EQ(a, b) << what;
}

// The exact parts of two profiles agree: counts, histograms, frequencies, HyperLogLogs,
// missing counts, metadata; moments to rounding.
void expect_same_exact_parts(const Profile& a, const Profile& b) {
  EXPECT_EQ(a.episode_count(), b.episode_count());
  EXPECT_TRUE(a.episode_ids() == b.episode_ids());
  EXPECT_EQ(a.metadata(), b.metadata());
  ASSERT_EQ(a.features().size(), b.features().size());
  for (const auto& [name, fa] : a.features()) {
    const FeatureSummary* fb = b.feature(name);
    ASSERT_NE(fb, nullptr) << name;
    EXPECT_TRUE(fa.histogram == fb->histogram) << name;
    EXPECT_EQ(a.missing(name), b.missing(name)) << name;
    EXPECT_EQ(fa.moments.count(), fb->moments.count()) << name;
    expect_same(fa.moments.min(), fb->moments.min(), name);
    expect_same(fa.moments.max(), fb->moments.max(), name);
    EXPECT_EQ(fa.quantiles.count(), fb->quantiles.count()) << name;
    expect_same(fa.quantiles.min(), fb->quantiles.min(), name);
    expect_same(fa.quantiles.max(), fb->quantiles.max(), name);
    if (fa.moments.count() > 1) {
      EXPECT_NEAR(fa.moments.mean(), fb->moments.mean(), 1e-12 * std::abs(fa.moments.mean()));
      EXPECT_NEAR(fa.moments.variance(), fb->moments.variance(), 1e-10 * fa.moments.variance());
      EXPECT_NEAR(fa.moments.skewness(), fb->moments.skewness(), 1e-9);
      EXPECT_NEAR(fa.moments.kurtosis(), fb->moments.kurtosis(), 1e-9);
      EXPECT_NEAR(fa.moments.sum(), fb->moments.sum(), 1e-12 * std::abs(fa.moments.sum()));
    }
  }
  ASSERT_EQ(a.attributes().size(), b.attributes().size());
  for (const auto& [key, aa] : a.attributes()) {
    const AttributeSummary* ab = b.attribute(key);
    ASSERT_NE(ab, nullptr) << key;
    EXPECT_TRUE(aa.values == ab->values) << key;
    EXPECT_TRUE(aa.distinct == ab->distinct) << key;
    EXPECT_EQ(a.attribute_missing(key), b.attribute_missing(key)) << key;
  }
}

// Every KLL sketch of `p` answers within its bound against the exact values of `episodes`.
void expect_quantiles_within_bound(const Profile& p, const std::vector<Episode>& episodes) {
  for (const auto& [name, summary] : p.features()) {
    std::vector<double> exact;
    for (const Episode& e : episodes) {
      for (const auto& [n, v] : e.features) {
        if (n == name && std::isfinite(v)) exact.push_back(v);
      }
    }
    std::sort(exact.begin(), exact.end());
    ASSERT_EQ(summary.quantiles.count(), exact.size()) << name;
    if (exact.empty()) continue;
    const double eps = summary.quantiles.rank_error_bound();
    for (int i = 1; i < 100; ++i) {
      const double q = i / 100.0;
      const double x = summary.quantiles.quantile(q);
      const double lo =
          static_cast<double>(std::lower_bound(exact.begin(), exact.end(), x) - exact.begin()) /
          static_cast<double>(exact.size());
      const double hi =
          static_cast<double>(std::upper_bound(exact.begin(), exact.end(), x) - exact.begin()) /
          static_cast<double>(exact.size());
      EXPECT_GE(q, lo - eps) << name << " q=" << q;
      EXPECT_LE(q, hi + eps) << name << " q=" << q;
    }
  }
}

std::vector<std::uint8_t> restamp_checksum(std::vector<std::uint8_t> bytes) {
  const std::size_t end = bytes.size() - 8;
  const std::uint64_t sum = XXH3_64bits(bytes.data(), end);
  for (std::size_t i = 0; i < 8; ++i) bytes[end + i] = static_cast<std::uint8_t>(sum >> (8 * i));
  return bytes;
}

TEST(Profile, AddEpisodeCountsValuesMissingAndAttributes) {
  Profile p;
  ASSERT_TRUE(p.declare_feature("luma", linear_edges(0.0, 255.0, 5).value()).ok());
  ASSERT_TRUE(
      p.add_episode("e1", Features{{"luma", 10.0}, {"blur", 0.5}}, Attributes{{"lighting", "dim"}})
          .ok());
  ASSERT_TRUE(p.add_episode("e2", Features{{"luma", 200.0}, {"blur", kNaN}}, Attributes{}).ok());
  ASSERT_TRUE(p.add_episode("e3", Features{}, Attributes{{"lighting", "bright"}}).ok());
  EXPECT_EQ(p.episode_count(), 3u);
  EXPECT_NEAR(p.distinct_episodes(), 3.0, 0.01);
  ASSERT_EQ(p.features().size(), 2u);
  const FeatureSummary* luma = p.feature("luma");
  ASSERT_NE(luma, nullptr);
  EXPECT_EQ(luma->histogram.counts(), (std::vector<std::uint64_t>{1, 0, 0, 1, 0}));
  EXPECT_EQ(luma->moments.mean(), 105.0);
  EXPECT_EQ(luma->quantiles.quantile(0.5), 10.0);
  EXPECT_EQ(p.missing("luma"), 1u);
  const FeatureSummary* blur = p.feature("blur");
  ASSERT_NE(blur, nullptr);
  EXPECT_EQ(blur->histogram.edges(), default_feature_edges());
  EXPECT_EQ(blur->histogram.edges().size(), 33u);
  EXPECT_EQ(blur->histogram.counts()[16], 1u);
  EXPECT_EQ(p.missing("blur"), 2u);
  EXPECT_EQ(p.missing("never-seen"), 3u);
  const AttributeSummary* lighting = p.attribute("lighting");
  ASSERT_NE(lighting, nullptr);
  EXPECT_EQ(lighting->values.count("dim"), 1u);
  EXPECT_EQ(lighting->values.count("bright"), 1u);
  EXPECT_NEAR(lighting->distinct.estimate(), 2.0, 0.01);
  EXPECT_EQ(p.attribute_missing("lighting"), 1u);
  EXPECT_EQ(p.attribute_missing("site"), 3u);

  // Declaring later: earlier episodes count as missing.
  ASSERT_TRUE(p.declare_feature("late", linear_edges(0.0, 1.0, 2).value()).ok());
  EXPECT_EQ(p.missing("late"), 3u);
  ASSERT_TRUE(p.declare_feature("late", linear_edges(0.0, 1.0, 2).value()).ok());
  const Status redeclare = p.declare_feature("late", linear_edges(0.0, 1.0, 3).value());
  EXPECT_EQ(redeclare.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(redeclare.message().find("feature \"late\" is declared already"), std::string::npos);
  const Status bad_edges = p.declare_feature("x", {1.0, 0.0});
  EXPECT_EQ(bad_edges.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_edges.message().find("feature \"x\": histogram edges must increase"),
            std::string::npos)
      << bad_edges.message();
}

TEST(Profile, InvalidEpisodesLeaveTheProfileUnchanged) {
  Profile p = profile_of(make_episodes(20, 1), 0, 20);
  const auto before = p.serialize();
  Status s = p.add_episode("dup", Features{{"a", 1.0}, {"b", 2.0}, {"a", 3.0}}, Attributes{});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("episode \"dup\": feature \"a\" appears more than once"),
            std::string::npos)
      << s.message();
  s = p.add_episode("dup", Features{}, Attributes{{"k", "1"}, {"k", "2"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("attribute \"k\" appears more than once"), std::string::npos);
  EXPECT_EQ(p.serialize(), before);

  ProfileOptions options;
  options.default_edges = [](std::string_view name) -> Result<std::vector<double>> {
    if (name == "bad") return invalid_argument("no range known");
    return std::vector<double>{5.0, 1.0};
  };
  auto q = Profile::create(options);
  ASSERT_TRUE(q.ok());
  s = q->add_episode("e", Features{{"bad", 1.0}}, Attributes{});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "default edges of feature \"bad\": no range known");
  s = q->add_episode("e", Features{{"other", 1.0}}, Attributes{});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("default edges of feature \"other\": histogram edges must"),
            std::string::npos);
  EXPECT_EQ(q->episode_count(), 0u);
  EXPECT_TRUE(q->features().empty());
}

TEST(Profile, CreateValidatesOptions) {
  ProfileOptions options;
  options.kll_k = 4;
  EXPECT_EQ(Profile::create(options).status().code(), StatusCode::kInvalidArgument);
  options.kll_k = 200;
  options.hll_precision = 20;
  const auto r = Profile::create(options);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("precision 20: expected 4 to 18"), std::string::npos);
}

TEST(Profile, MergeIsAssociativeAndCommutative) {
  // Shards with different feature sets: b lacks joints.vel_rms and has an extra feature.
  const std::vector<Episode> episodes = make_episodes(3000, 7);
  Profile a = profile_of(episodes, 0, 1000);
  Profile b = profile_of(episodes, 1000, 1700);
  Profile c = profile_of(episodes, 1700, 3000);
  ASSERT_TRUE(b.declare_feature("only_in_b", linear_edges(0.0, 1.0, 4).value()).ok());
  a.set_metadata("selector", "domain = field");
  b.set_metadata("created_at", "2024-05-01T10:00:00Z");
  c.set_metadata("created_at", "2024-05-02T09:00:00Z");

  Profile ab_c = a;  // (a + b) + c
  ASSERT_TRUE(ab_c.merge(b).ok());
  ASSERT_TRUE(ab_c.merge(c).ok());
  Profile bc = b;  // a + (b + c)
  ASSERT_TRUE(bc.merge(c).ok());
  Profile a_bc = a;
  ASSERT_TRUE(a_bc.merge(bc).ok());
  Profile ab = a;  // c + (a + b)
  ASSERT_TRUE(ab.merge(b).ok());
  Profile c_ab = c;
  ASSERT_TRUE(c_ab.merge(ab).ok());

  expect_same_exact_parts(ab_c, a_bc);
  expect_same_exact_parts(ab_c, c_ab);
  EXPECT_EQ(ab_c.episode_count(), 3000u);
  EXPECT_EQ(ab_c.missing("only_in_b"), 3000u);
  EXPECT_EQ(ab_c.missing("joints.vel_rms"), 1000u);
  EXPECT_EQ(ab_c.metadata().at("created_at"), "2024-05-02T09:00:00Z");
  EXPECT_EQ(ab_c.metadata().at("selector"), "domain = field");
  for (const Profile& p : {std::cref(ab_c), std::cref(a_bc), std::cref(c_ab)})
    expect_quantiles_within_bound(p, episodes);
}

// The Done-when of issue 5: merging shard profiles equals the one-pass profile within the
// sketch's error bound (exactly for the exact parts).
TEST(Profile, EightShardMergeEqualsOnePass) {
  const std::vector<Episode> episodes = make_episodes(16000, 11);
  const Profile one_pass = profile_of(episodes, 0, episodes.size());
  Profile merged = profile_of(episodes, 0, 0);
  for (std::size_t s = 0; s < 8; ++s) {
    const std::size_t begin = s * 2000;
    ASSERT_TRUE(merged.merge(profile_of(episodes, begin, begin + 2000)).ok());
  }
  expect_same_exact_parts(one_pass, merged);
  expect_quantiles_within_bound(one_pass, episodes);
  expect_quantiles_within_bound(merged, episodes);
  for (const auto& [name, summary] : one_pass.features()) {
    if (summary.quantiles.empty()) continue;
    const KllSketch& m = merged.feature(name)->quantiles;
    const double eps = summary.quantiles.rank_error_bound();
    for (int i = 1; i < 20; ++i) {
      const double x = summary.quantiles.quantile(i / 20.0);
      EXPECT_LE(std::abs(m.rank(x) - summary.quantiles.rank(x)), 2 * eps) << name;
    }
  }
  EXPECT_NEAR(merged.distinct_episodes(), 16000.0,
              3 * merged.episode_ids().relative_standard_error() * 16000);
}

TEST(Profile, MergeWithItselfAndMismatches) {
  Profile p = profile_of(make_episodes(100, 3), 0, 100);
  Profile twice = p;
  ASSERT_TRUE(twice.merge(twice).ok());
  EXPECT_EQ(twice.episode_count(), 200u);
  EXPECT_TRUE(twice.episode_ids() == p.episode_ids());
  EXPECT_EQ(twice.attribute("lighting")->values.total(),
            2 * p.attribute("lighting")->values.total());

  Profile other;
  ASSERT_TRUE(other.declare_feature("camera/front.luma_mean.p50", {0.0, 1.0}).ok());
  const auto before = p.serialize();
  Status s = p.merge(other);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cannot merge profiles: feature \"camera/front.luma_mean.p50\": "
                             "cannot merge histograms with different edges"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(p.serialize(), before);

  ProfileOptions options;
  options.hll_precision = 10;
  Profile coarse = Profile::create(options).value();
  s = p.merge(coarse);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("HyperLogLog precision 12 and 10"), std::string::npos);
  EXPECT_EQ(p.serialize(), before);
}

TEST(Profile, SerializationRoundTripIsBitwise) {
  Profile p = profile_of(make_episodes(2500, 5), 0, 2500);
  p.set_metadata("selector", "site = plant-3");
  p.set_metadata("created_at", "2024-06-01T00:00:00Z");
  const auto bytes = p.serialize();
  ASSERT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "PRTYPROF");
  EXPECT_EQ(bytes[8], 1);
  EXPECT_EQ(bytes[9], 0);
  auto copy = Profile::deserialize(bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_EQ(copy->serialize(), bytes);
  expect_same_exact_parts(p, *copy);
  for (const auto& [name, summary] : p.features()) {
    EXPECT_TRUE(summary.quantiles == copy->feature(name)->quantiles) << name;
    EXPECT_TRUE(summary.moments == copy->feature(name)->moments) << name;
  }
  EXPECT_EQ(copy->options().kll_k, 200);
  EXPECT_EQ(copy->options().hll_precision, 12);

  const Profile empty;
  auto empty_copy = Profile::deserialize(empty.serialize());
  ASSERT_TRUE(empty_copy.ok()) << empty_copy.status().to_string();
  EXPECT_EQ(empty_copy->serialize(), empty.serialize());
}

TEST(Profile, TruncationAtEveryByteIsReported) {
  Profile p = profile_of(make_episodes(50, 2), 0, 50);
  p.set_metadata("k", "v");
  const auto bytes = p.serialize();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto r = Profile::deserialize(std::span(bytes.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_EQ(r.status().code(), StatusCode::kTruncated) << n << ": " << r.status().message();
    const std::string expected =
        n < 18 ? "profile header: needs 18 bytes, " + std::to_string(n) + " available"
               : "the profile is " + std::to_string(bytes.size()) + " bytes, only " +
                     std::to_string(n) + " available";
    ASSERT_NE(r.status().message().find(expected), std::string::npos) << r.status().message();
  }
}

TEST(Profile, ByteFlipsAreReported) {
  Profile p = profile_of(make_episodes(40, 4), 0, 40);
  const auto bytes = p.serialize();
  std::mt19937_64 rng(99);
  for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
    std::vector<std::uint8_t> flipped = bytes;
    flipped[pos] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    const auto r = Profile::deserialize(flipped);
    ASSERT_FALSE(r.ok()) << pos;
    const std::string message = r.status().message();
    if (pos < 8) {
      EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << pos;
      EXPECT_NE(message.find("offset 0: not a Parity profile: expected magic \"PRTYPROF\""),
                std::string::npos)
          << message;
    } else if (pos < 10) {
      EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << pos;
      EXPECT_NE(message.find("offset 8: profile format version"), std::string::npos) << message;
    } else if (pos < 18) {
      EXPECT_TRUE(r.status().code() == StatusCode::kTruncated ||
                  r.status().code() == StatusCode::kCorrupt)
          << pos << ": " << message;
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << pos;
      EXPECT_NE(message.find("offset " + std::to_string(bytes.size() - 8) +
                             ": profile checksum mismatch: expected 0x"),
                std::string::npos)
          << message;
    }
  }
  std::vector<std::uint8_t> longer = bytes;
  longer.push_back(0);
  const auto r = Profile::deserialize(longer);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("1 bytes after the end of the profile"), std::string::npos);
  std::vector<std::uint8_t> v2 = bytes;
  v2[8] = 2;
  EXPECT_EQ(Profile::deserialize(v2).status().message(),
            "offset 8: profile format version 2, this build reads version 1");
}

// Damage behind a valid checksum reaches the section parsers.
TEST(Profile, CraftedSectionsAreReported) {
  Profile p;
  ASSERT_TRUE(p.add_episode("e", Features{{"f", 0.5}}, Attributes{{"a", "x"}}).ok());
  const auto bytes = p.serialize();
  // Section 1 at 18: id, length (8 bytes), KLL k at 27, precision at 29, episode count at 30.
  auto expect = [&](std::vector<std::uint8_t> damaged, StatusCode code, const std::string& text) {
    const auto r = Profile::deserialize(restamp_checksum(std::move(damaged)));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), code) << r.status().message();
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
  };
  std::vector<std::uint8_t> d = bytes;
  d[18] = 2;
  expect(d, StatusCode::kCorrupt, "offset 18: expected section 1 (summary), found section id 2");
  d = bytes;
  d[26] = 0x01;  // the length's top byte
  expect(d, StatusCode::kCorrupt, "offset 18: section summary length 72057594037927947 runs past");
  d = bytes;
  d[27] = 3;
  d[28] = 0;
  expect(d, StatusCode::kCorrupt, "offset 27: profile options: profile KLL k 3");
  d = bytes;
  d[30] = 0;  // no episodes, but a feature with one value
  expect(d, StatusCode::kCorrupt,
         "feature \"f\": histogram total 1, KLL count 1 and moments count 1 must agree and be at "
         "most the episode count 0");
  // The episode id sketch precision must match the summary's.
  d = bytes;
  d[29] = 11;
  expect(d, StatusCode::kCorrupt, "episode id sketch precision 12, the profile's is 11");
  // Random damage behind a valid checksum: an error or a valid profile, never a crash.
  std::mt19937_64 rng(5);
  for (int i = 0; i < 3000; ++i) {
    d = bytes;
    const std::size_t pos = 18 + rng() % (bytes.size() - 26);
    d[pos] = static_cast<std::uint8_t>(rng());
    const auto r = Profile::deserialize(restamp_checksum(d));
    if (r.ok()) {
      EXPECT_EQ(r->serialize(), restamp_checksum(d)) << "a valid profile re-serializes as read";
    } else {
      EXPECT_TRUE(r.status().code() == StatusCode::kCorrupt ||
                  r.status().code() == StatusCode::kTruncated ||
                  r.status().code() == StatusCode::kUnsupported)
          << r.status().to_string();
    }
  }
}

TEST(Profile, FilesAreWrittenAtomically) {
  testing::TempDir dir;
  Profile p = profile_of(make_episodes(30, 8), 0, 30);
  const auto path = dir / "shard.prof";
  ASSERT_TRUE(p.write_file(path).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "shard.prof.partial"));
  auto read = Profile::read_file(path);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->serialize(), p.serialize());

  const auto missing = Profile::read_file(dir / "absent.prof");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("absent.prof: no such profile file"),
            std::string::npos);

  {
    std::ofstream out(dir / "bad.prof", std::ios::binary);
    out << "PRTYPROX";
  }
  const auto bad = Profile::read_file(dir / "bad.prof");
  EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(
      bad.status().message(),
      (dir / "bad.prof").string() +
          ": offset 0: not a Parity profile: expected magic \"PRTYPROF\", found \"PRTYPROX\"");

  const Status unwritable = p.write_file(dir / "no-such-dir" / "x.prof");
  EXPECT_EQ(unwritable.code(), StatusCode::kIoError);
  EXPECT_NE(unwritable.message().find("x.prof.partial: cannot create"), std::string::npos);
}

}  // namespace
}  // namespace parity::profile::profile_test
