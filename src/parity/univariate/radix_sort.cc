#include "parity/univariate/radix_sort.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <numeric>

#include "parity/core/check.h"

namespace parity::compare::detail {
namespace {

constexpr std::size_t kRadixSortMin = 1024;
constexpr int kDigitBits = 11;
constexpr int kPasses = 6;  // 6 * 11 >= 64
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;

// IEEE-754 doubles as unsigned integers in the same order: negatives have every bit flipped,
// non-negatives only the sign bit.
std::uint64_t order_key(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits & kSignBit) != 0 ? ~bits : bits | kSignBit;
}

double from_order_key(std::uint64_t key) {
  return std::bit_cast<double>((key & kSignBit) != 0 ? key ^ kSignBit : ~key);
}

std::size_t digit(std::uint64_t key, int pass) {
  return static_cast<std::size_t>((key >> (pass * kDigitBits)) & (kBuckets - 1));
}

}  // namespace

void sort_values(std::vector<double>& values, std::vector<double>* payload) {
  const std::size_t n = values.size();
  PARITY_CHECK(payload == nullptr || payload->size() == n);
  if (n < kRadixSortMin) {
    if (payload == nullptr) {
      std::stable_sort(values.begin(), values.end());
      return;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> sorted_values(n);
    std::vector<double> sorted_payload(n);
    for (std::size_t i = 0; i < n; ++i) {
      sorted_values[i] = values[order[i]];
      sorted_payload[i] = (*payload)[order[i]];
    }
    values.swap(sorted_values);
    payload->swap(sorted_payload);
    return;
  }
  std::vector<std::uint64_t> keys(n);
  std::vector<std::uint64_t> keys_scratch(n);
  std::vector<double> payload_scratch(payload != nullptr ? n : 0);
  std::vector<std::array<std::uint32_t, kBuckets>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = order_key(values[i]);
    for (int pass = 0; pass < kPasses; ++pass) ++counts[pass][digit(keys[i], pass)];
  }
  for (int pass = 0; pass < kPasses; ++pass) {
    auto& count = counts[static_cast<std::size_t>(pass)];
    if (count[digit(keys[0], pass)] == n) continue;  // every key has this digit
    std::uint32_t offset = 0;
    for (std::uint32_t& c : count) {
      const std::uint32_t here = c;
      c = offset;
      offset += here;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t to = count[digit(keys[i], pass)]++;
      keys_scratch[to] = keys[i];
      if (payload != nullptr) payload_scratch[to] = (*payload)[i];
    }
    keys.swap(keys_scratch);
    if (payload != nullptr) payload->swap(payload_scratch);
  }
  for (std::size_t i = 0; i < n; ++i) values[i] = from_order_key(keys[i]);
}

}  // namespace parity::compare::detail
