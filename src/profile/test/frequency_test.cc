#include "parity/profile/frequency.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parity::profile::frequency_test {
namespace {

TEST(Frequency, CountsAndMerge) {
  Frequency a;
  a.add("dim");
  a.add("dim");
  a.add("bright", 3);
  a.add("never", 0);
  EXPECT_EQ(a.count("dim"), 2u);
  EXPECT_EQ(a.count("bright"), 3u);
  EXPECT_EQ(a.count("never"), 0u);
  EXPECT_EQ(a.total(), 5u);
  EXPECT_EQ(a.distinct(), 2u);
  Frequency b;
  b.add("dim");
  b.add("");
  Frequency ab = a;
  ab.merge(b);
  Frequency ba = b;
  ba.merge(a);
  EXPECT_TRUE(ab == ba);
  EXPECT_EQ(ab.count("dim"), 3u);
  EXPECT_EQ(ab.count(""), 1u);
  EXPECT_EQ(ab.total(), 7u);
  ab.merge(ab);
  EXPECT_EQ(ab.count("bright"), 6u);
  EXPECT_EQ(ab.total(), 14u);
}

TEST(Frequency, SerializationRoundTripAndCorruption) {
  Frequency f;
  f.add("a", 2);
  f.add("bb", 1);
  const auto bytes = f.serialize();
  // family, version, count 2, ("a", 2), ("bb", 1)
  ASSERT_EQ(bytes.size(), 2u + 4u + (4u + 1u + 8u) + (4u + 2u + 8u));
  const auto copy = Frequency::deserialize(bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_TRUE(*copy == f);
  EXPECT_EQ(copy->serialize(), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(Frequency::deserialize(std::span(bytes.data(), n)).status().code(),
              StatusCode::kTruncated);
  }
  std::vector<std::uint8_t> bad = bytes;
  bad[10] = 'c';  // "c" then "bb": out of order
  auto r = Frequency::deserialize(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("offset 19: frequency value \"bb\" does not follow \"c\""),
            std::string::npos)
      << r.status().message();
  bad = bytes;
  for (std::size_t i = 11; i < 19; ++i) bad[i] = 0;
  r = Frequency::deserialize(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("frequency value \"a\" has count 0"), std::string::npos);
  bad = bytes;
  bad[2] = 0xff;  // 255 entries in 27 bytes
  r = Frequency::deserialize(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kTruncated);
}

}  // namespace
}  // namespace parity::profile::frequency_test
