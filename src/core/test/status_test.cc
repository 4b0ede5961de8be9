#include "parity/core/status.h"

#include <gtest/gtest.h>

#include "parity/core/diagnostics.h"
#include "parity/core/hash.h"

namespace parity {
namespace {

Result<int> parse_positive(int x) {
  if (x <= 0) return invalid_argument("expected a positive number, found " + std::to_string(x));
  return x;
}

Result<int> doubled(int x) {
  PARITY_ASSIGN_OR_RETURN(const int value, parse_positive(x));
  return value * 2;
}

TEST(StatusTest, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status{}.ok());
  const Status status = corrupt("demo.mcap: offset 12: bad magic");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(status.to_string(), "corrupt: demo.mcap: offset 12: bad magic");
  EXPECT_EQ(status.with_context("ingest").message(), "ingest: demo.mcap: offset 12: bad magic");
}

TEST(StatusTest, ResultPropagatesThroughMacros) {
  EXPECT_EQ(*doubled(4), 8);
  const Result<int> bad = doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(StatusDeathTest, ValueOfErrorAborts) {
  EXPECT_DEATH({ (void)parse_positive(0).value(); }, "PARITY_CHECK failed");
}

TEST(DiagnosticsTest, CollectorCountsBySeverity) {
  DiagnosticCollector sink;
  sink.warn("a.mcap", 10, "bad CRC in chunk");
  sink.info("a.mcap", std::nullopt, "no summary");
  EXPECT_EQ(sink.size(), 2U);
  EXPECT_EQ(sink.count(Severity::kWarning), 1U);
  EXPECT_EQ(sink.diagnostics()[0].to_string(), "a.mcap: offset 10: bad CRC in chunk");
}

TEST(HashTest, MatchesKnownXxh3Vector) {
  // XXH3_128bits of the empty input (reference value from the xxHash test suite).
  EXPECT_EQ(hash_string("").to_hex(), "99aa06d3014798d86001c324468d497f");
  ContentHasher hasher;
  hasher.update("ab");
  hasher.update("c");
  EXPECT_EQ(hasher.digest(), hash_string("abc"));
}

}  // namespace
}  // namespace parity
