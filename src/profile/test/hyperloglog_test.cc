#include "parity/profile/hyperloglog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace parity::profile::hll_test {
namespace {

HyperLogLog make(std::uint8_t p = HyperLogLog::kDefaultPrecision) {
  auto h = HyperLogLog::create(p);
  EXPECT_TRUE(h.ok()) << h.status().to_string();
  return std::move(h).value();
}

TEST(HyperLogLog, EstimateWithinThreeSigma) {
  for (std::uint8_t p : {std::uint8_t{10}, std::uint8_t{12}, std::uint8_t{14}}) {
    for (std::size_t n : {1000, 3000, 10000, 30000, 100000, 300000, 1000000}) {
      HyperLogLog h = make(p);
      for (std::size_t i = 0; i < n; ++i) h.update("episode-" + std::to_string(i));
      const double sigma = h.relative_standard_error();
      EXPECT_LE(std::abs(h.estimate() - static_cast<double>(n)),
                3.0 * sigma * static_cast<double>(n))
          << "p=" << int{p} << " n=" << n << " estimate=" << h.estimate();
    }
  }
}

TEST(HyperLogLog, SmallCountsAreNearlyExact) {
  HyperLogLog h = make();
  EXPECT_EQ(h.estimate(), 0.0);
  h.update("a");
  EXPECT_NEAR(h.estimate(), 1.0, 1e-3);
  for (int i = 0; i < 100; ++i) h.update("a");  // duplicates change nothing
  EXPECT_NEAR(h.estimate(), 1.0, 1e-3);
  h.update("");
  EXPECT_NEAR(h.estimate(), 2.0, 1e-3);
}

TEST(HyperLogLog, MergeEqualsTheSketchOfTheUnion) {
  HyperLogLog a = make();
  HyperLogLog b = make();
  HyperLogLog all = make();
  for (int i = 0; i < 50000; ++i) {
    const std::string v = "v" + std::to_string(i);
    (i % 3 == 0 ? a : b).update(v);
    if (i % 7 == 0) a.update(v);  // overlap
    all.update(v);
  }
  HyperLogLog ab = a;
  ASSERT_TRUE(ab.merge(b).ok());
  HyperLogLog ba = b;
  ASSERT_TRUE(ba.merge(a).ok());
  EXPECT_TRUE(ab == all);
  EXPECT_TRUE(ba == all);
  HyperLogLog twice = all;
  ASSERT_TRUE(twice.merge(twice).ok());
  EXPECT_TRUE(twice == all);

  HyperLogLog other = make(10);
  const Status status = ab.merge(other);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("precision 12 and 10"), std::string::npos) << status.message();
}

TEST(HyperLogLog, PrecisionRange) {
  EXPECT_EQ(HyperLogLog::create(3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HyperLogLog::create(19).status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(HyperLogLog::create(19).status().message().find("precision 19: expected 4 to 18"),
            std::string::npos);
  EXPECT_EQ(make(4).registers().size(), 16u);
  EXPECT_EQ(make(18).registers().size(), 262144u);
}

TEST(HyperLogLog, RankOfAllZeroBitsIsCapped) {
  HyperLogLog h = make(4);
  h.update_hash(0);  // register 0, the 60 remaining bits all zero: rank 61
  EXPECT_EQ(h.registers()[0], 61);
  h.update_hash(0xf000000000000000ULL | (1ULL << 59));  // register 15, rank 1
  EXPECT_EQ(h.registers()[15], 1);
}

TEST(HyperLogLog, SerializationRoundTripAndCorruption) {
  HyperLogLog h = make(8);
  for (int i = 0; i < 1000; ++i) h.update(std::to_string(i));
  const auto bytes = h.serialize();
  ASSERT_EQ(bytes.size(), 3u + 256u);
  const auto copy = HyperLogLog::deserialize(bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_TRUE(*copy == h);
  EXPECT_EQ(copy->serialize(), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(HyperLogLog::deserialize(std::span(bytes.data(), n)).status().code(),
              StatusCode::kTruncated);
  }
  std::vector<std::uint8_t> bad = bytes;
  bad[2] = 30;
  auto r = HyperLogLog::deserialize(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("offset 2: HyperLogLog precision 30"), std::string::npos);
  bad = bytes;
  bad[3 + 5] = 58;  // at most 65 - 8 = 57
  r = HyperLogLog::deserialize(bad, 100);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("offset 108: HyperLogLog register 5 is 58, at most 57"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace parity::profile::hll_test
