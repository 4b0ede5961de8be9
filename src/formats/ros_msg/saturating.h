// Size arithmetic that saturates at UINT64_MAX instead of wrapping, for minimum-size bounds
// computed from message definitions a file supplies.
#pragma once

#include <cstdint>
#include <limits>

namespace parity::ros2 {

inline constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();

inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > kSaturated - b ? kSaturated : a + b;
}

inline std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSaturated / b ? kSaturated : a * b;
}

}  // namespace parity::ros2
