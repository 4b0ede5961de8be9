#include "parity/profile/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace parity::profile::histogram_test {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

FixedHistogram make(std::vector<double> edges) {
  auto h = FixedHistogram::create(std::move(edges));
  EXPECT_TRUE(h.ok()) << h.status().to_string();
  return std::move(h).value();
}

TEST(FixedHistogram, BinsUnderflowOverflow) {
  FixedHistogram h = make({0.0, 1.0, 2.0, 4.0});
  for (double x : {-0.5, -kInf, 0.0, 0.5, 0.999, 1.0, 3.9, 4.0, 4.0001, kInf, 100.0}) h.add(x);
  h.add(std::numeric_limits<double>::quiet_NaN());
  h.add(1.5, 10);
  EXPECT_EQ(h.bins(), 3u);
  EXPECT_EQ(h.underflow(), 2u);
  EXPECT_EQ(h.counts(), (std::vector<std::uint64_t>{3, 11, 2}));
  EXPECT_EQ(h.overflow(), 3u);
  EXPECT_EQ(h.total(), 21u);
}

TEST(FixedHistogram, CreateRejectsBadEdges) {
  auto expect = [](std::vector<double> edges, const std::string& text) {
    const auto h = FixedHistogram::create(std::move(edges));
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(h.status().message().find(text), std::string::npos) << h.status().message();
  };
  expect({1.0}, "histogram with 1 edges: expected 2 to");
  expect({0.0, 2.0, 1.0}, "edge 2 (1) follows 2");
  expect({0.0, 0.0}, "edge 1 (0) follows 0");
  expect({0.0, std::numeric_limits<double>::quiet_NaN()}, "edge 1 is nan");
  expect({-kInf, 0.0}, "edge 0 is -inf");
}

TEST(FixedHistogram, LinearAndLogEdges) {
  const auto lin = linear_edges(0.0, 1.0, 4);
  ASSERT_TRUE(lin.ok());
  EXPECT_EQ(*lin, (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
  const auto lin3 = linear_edges(-1.0, 2.0, 3);
  ASSERT_TRUE(lin3.ok());
  EXPECT_EQ(*lin3, (std::vector<double>{-1.0, 0.0, 1.0, 2.0}));
  const auto log = log_edges(1.0, 1000.0, 3);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 4u);
  EXPECT_EQ((*log)[0], 1.0);
  EXPECT_DOUBLE_EQ((*log)[1], 10.0);
  EXPECT_DOUBLE_EQ((*log)[2], 100.0);
  EXPECT_EQ((*log)[3], 1000.0);
  const auto log2 = log_edges(0.01, 100.0, 8);
  ASSERT_TRUE(log2.ok());
  EXPECT_DOUBLE_EQ((*log2)[2], 0.1);
  EXPECT_DOUBLE_EQ((*log2)[4], 1.0);

  EXPECT_EQ(linear_edges(1.0, 1.0, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(linear_edges(0.0, 1.0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(linear_edges(0.0, kInf, 4).status().code(), StatusCode::kInvalidArgument);
  const auto nonpositive = log_edges(0.0, 1.0, 4);
  EXPECT_EQ(nonpositive.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(nonpositive.status().message().find("lo must be > 0"), std::string::npos);
  const auto narrow = linear_edges(1.0, std::nextafter(1.0, 2.0), 4);
  EXPECT_EQ(narrow.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(narrow.status().message().find("too narrow for 5 distinct edges"), std::string::npos)
      << narrow.status().message();
}

TEST(FixedHistogram, MergeNeedsIdenticalEdges) {
  FixedHistogram a = make({0.0, 1.0, 2.0});
  FixedHistogram b = make({0.0, 1.0, 2.0});
  a.add(0.5);
  a.add(-1.0);
  b.add(1.5);
  b.add(5.0);
  ASSERT_TRUE(a.merge(b).ok());
  EXPECT_EQ(a.counts(), (std::vector<std::uint64_t>{1, 1}));
  EXPECT_EQ(a.underflow(), 1u);
  EXPECT_EQ(a.overflow(), 1u);
  ASSERT_TRUE(a.merge(a).ok());
  EXPECT_EQ(a.counts(), (std::vector<std::uint64_t>{2, 2}));
  EXPECT_EQ(a.total(), 8u);

  const FixedHistogram other = make({0.0, 1.0, 3.0});
  const FixedHistogram before = a;
  const Status status = a.merge(other);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("different edges: 3 edges on [0, 2] vs 3 on [0, 3]"),
            std::string::npos)
      << status.message();
  EXPECT_TRUE(a == before);
}

TEST(FixedHistogram, SerializationRoundTrip) {
  FixedHistogram h = make(linear_edges(-2.0, 2.0, 16).value());
  for (int i = -300; i < 300; ++i) h.add(i / 100.0);
  const auto bytes = h.serialize();
  EXPECT_EQ(bytes.size(), 2u + 4u + 17u * 8u + 2u * 8u + 16u * 8u);
  const auto copy = FixedHistogram::deserialize(bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_TRUE(*copy == h);
  EXPECT_EQ(copy->serialize(), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto cut = FixedHistogram::deserialize(std::span(bytes.data(), n));
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.status().code(), StatusCode::kTruncated) << n;
  }
}

TEST(FixedHistogram, CorruptBytes) {
  const FixedHistogram h = make({0.0, 1.0, 2.0});
  const auto good = h.serialize();
  // Layout: family, version, u32 edge count at 2, edges at 6, 14, 22.
  std::vector<std::uint8_t> bytes = good;
  bytes[2] = 1;
  auto r = FixedHistogram::deserialize(bytes);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("offset 2: histogram edge count 1"), std::string::npos)
      << r.status().message();
  bytes = good;
  bytes[2] = 0xff;
  bytes[3] = 0xff;
  r = FixedHistogram::deserialize(bytes);
  EXPECT_EQ(r.status().code(), StatusCode::kTruncated) << r.status().message();
  bytes = good;
  bytes[14 + 7] = 0xbf;  // edge 1 = -1.0 (0xbff0...)
  bytes[14 + 6] = 0xf0;
  r = FixedHistogram::deserialize(bytes);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("offset 14: histogram edge 1 (-1)"), std::string::npos)
      << r.status().message();
  // Counts whose total overflows 64 bits.
  bytes = good;
  for (std::size_t i = 30; i < 46; ++i) bytes[i] = 0xff;
  r = FixedHistogram::deserialize(bytes);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("more than 2^64"), std::string::npos);
}

}  // namespace
}  // namespace parity::profile::histogram_test
