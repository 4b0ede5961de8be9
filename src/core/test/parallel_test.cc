#include "parity/core/parallel.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace parity {
namespace {

TEST(ParallelConsumeTest, EveryItemIsProducedOnceAndConsumedOnTheCallingThread) {
  for (unsigned threads : {1u, 2u, 4u}) {
    const auto caller = std::this_thread::get_id();
    std::set<std::size_t> seen;
    long long sum = 0;
    const Status status = parallel_consume<long long>(
        1000, threads, [](std::size_t i) { return static_cast<long long>(i * i); },
        [&](std::size_t i, long long&& value) {
          EXPECT_EQ(std::this_thread::get_id(), caller);
          EXPECT_TRUE(seen.insert(i).second);
          sum += value;
          return Status();
        });
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(seen.size(), 1000u);
    EXPECT_EQ(sum, 332'833'500LL);  // sum of i^2 for i < 1000
  }
}

TEST(ParallelConsumeTest, AConsumerErrorStopsTheWorkAndIsReturned) {
  for (unsigned threads : {1u, 3u}) {
    std::atomic<std::size_t> produced{0};
    std::size_t consumed = 0;
    const Status status = parallel_consume<std::string>(
        100'000, threads,
        [&](std::size_t i) {
          ++produced;
          return std::to_string(i);
        },
        [&](std::size_t, std::string&&) {
          return ++consumed == 10 ? io_error("disk full") : Status();
        });
    EXPECT_EQ(status.code(), StatusCode::kIoError);
    EXPECT_EQ(consumed, 10u);
    EXPECT_LT(produced.load(), 100u);  // stopped soon after, not at the end
  }
}

}  // namespace
}  // namespace parity
