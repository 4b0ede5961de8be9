#include "parity/profile/kll_sketch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "profile/byte_codec.h"

namespace parity::profile {
namespace {

constexpr std::uint32_t kKllMinLevelWidth = 8;  // "m" in the KLL paper: smallest capacity
// The deepest level a sketch may have: 2^60 items of weight one would be needed to fill it.
constexpr std::size_t kKllMaxLevels = 61;
constexpr double kKllNaN = std::numeric_limits<double>::quiet_NaN();

// round(k * (2/3)^depth) in integer arithmetic (exact for depth <= 30, where k * 2^depth and
// 3^depth fit in 64 bits; deeper levels are below the minimum width for every 16-bit k).
std::uint32_t kll_scaled_capacity(std::uint16_t k, std::size_t depth) {
  if (depth > 30) return 0;
  std::uint64_t power_of_three = 1;
  for (std::size_t i = 0; i < depth; ++i) power_of_three *= 3;
  const std::uint64_t twice = (std::uint64_t{k} << (depth + 1)) / power_of_three;
  return static_cast<std::uint32_t>((twice + 1) / 2);
}

}  // namespace

KllSketch::KllSketch(std::uint16_t k, std::uint64_t seed)
    : k_(k), min_k_(k), min_(kKllNaN), max_(kKllNaN), rng_state_(seed), levels_(1) {
  PARITY_CHECK_MSG(k >= kMinK, "KLL k must be at least 8");
}

double KllSketch::normalized_rank_error(std::uint16_t k, bool pmf) {
  const double kd = static_cast<double>(k);
  return pmf ? 2.446 / std::pow(kd, 0.9433) : 2.296 / std::pow(kd, 0.9723);
}

std::size_t KllSketch::num_retained() const {
  std::size_t total = 0;
  for (const auto& level : levels_) total += level.size();
  return total;
}

std::uint32_t KllSketch::level_capacity(std::size_t level) const {
  const std::size_t depth = levels_.size() - level - 1;
  return std::max(kKllMinLevelWidth, kll_scaled_capacity(k_, depth));
}

std::size_t KllSketch::total_capacity() const {
  std::size_t total = 0;
  for (std::size_t h = 0; h < levels_.size(); ++h) total += level_capacity(h);
  return total;
}

bool KllSketch::next_bit() {
  // splitmix64 (Steele, Lea, Flood 2014): one output per compaction.
  rng_state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = rng_state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (z >> 63) != 0;
}

void KllSketch::update(double x) {
  if (std::isnan(x)) return;
  if (n_ == 0) {
    min_ = x;
    max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  ++n_;
  levels_[0].push_back(x);
  compress_while_full();
}

void KllSketch::compress_while_full() {
  std::size_t retained = num_retained();
  std::size_t capacity = total_capacity();
  while (retained >= capacity) {
    std::size_t h = 0;
    while (levels_[h].size() < level_capacity(h)) ++h;  // exists: retained >= sum of capacities
    const std::size_t before = levels_[h].size();
    compact_level(h);
    retained -= before / 2;  // every pair became one item
    capacity = total_capacity();
  }
}

void KllSketch::compact_level(std::size_t h) {
  if (h + 1 == levels_.size()) levels_.emplace_back();
  std::vector<double>& level = levels_[h];
  if (h == 0) std::sort(level.begin(), level.end());
  const std::size_t keep = level.size() % 2;  // an odd level keeps its smallest item
  std::vector<double> promoted;
  promoted.reserve(level.size() / 2);
  for (std::size_t i = keep + (next_bit() ? 1 : 0); i < level.size(); i += 2) {
    promoted.push_back(level[i]);
  }
  level.resize(keep);
  std::vector<double>& above = levels_[h + 1];
  const auto middle = static_cast<std::ptrdiff_t>(above.size());
  above.insert(above.end(), promoted.begin(), promoted.end());
  std::inplace_merge(above.begin(), above.begin() + middle, above.end());
}

void KllSketch::merge(const KllSketch& other) {
  if (&other == this) {
    // The copy is needed: `other` is *this, which the merge modifies.
    // NOLINTNEXTLINE(performance-unnecessary-copy-initialization)
    const KllSketch copy = other;
    merge(copy);
    return;
  }
  if (other.n_ == 0) return;
  if (n_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  n_ += other.n_;
  min_k_ = std::min(min_k_, other.min_k_);
  if (levels_.size() < other.levels_.size()) levels_.resize(other.levels_.size());
  levels_[0].insert(levels_[0].end(), other.levels_[0].begin(), other.levels_[0].end());
  for (std::size_t h = 1; h < other.levels_.size(); ++h) {
    std::vector<double>& level = levels_[h];
    const auto middle = static_cast<std::ptrdiff_t>(level.size());
    level.insert(level.end(), other.levels_[h].begin(), other.levels_[h].end());
    std::inplace_merge(level.begin(), level.begin() + middle, level.end());
  }
  compress_while_full();
}

std::vector<std::pair<double, std::uint64_t>> KllSketch::sorted_view() const {
  std::vector<std::pair<double, std::uint64_t>> view;
  view.reserve(num_retained());
  for (std::size_t h = 0; h < levels_.size(); ++h) {
    for (double x : levels_[h]) view.emplace_back(x, std::uint64_t{1} << h);
  }
  std::sort(view.begin(), view.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return view;
}

double KllSketch::quantile(double q) const {
  PARITY_CHECK_MSG(q >= 0.0 && q <= 1.0, "KLL quantile q must lie in [0, 1]");
  if (n_ == 0) return kKllNaN;
  if (q == 0.0) return min_;
  if (q == 1.0) return max_;
  const double target = q * static_cast<double>(n_);
  std::uint64_t cumulative = 0;
  const auto view = sorted_view();
  for (const auto& [item, weight] : view) {
    cumulative += weight;
    if (static_cast<double>(cumulative) >= target) return item;
  }
  return max_;
}

double KllSketch::rank(double x) const {
  if (n_ == 0) return kKllNaN;
  std::uint64_t below = 0;
  for (std::size_t h = 0; h < levels_.size(); ++h) {
    for (double item : levels_[h]) {
      if (item <= x) below += std::uint64_t{1} << h;
    }
  }
  return static_cast<double>(below) / static_cast<double>(n_);
}

Result<std::vector<double>> KllSketch::cdf(std::span<const double> split_points) const {
  for (std::size_t i = 0; i < split_points.size(); ++i) {
    if (!std::isfinite(split_points[i])) {
      return invalid_argument(fmt::format("KLL cdf: split point {} is {}, expected a finite value",
                                          i, split_points[i]));
    }
    if (i > 0 && !(split_points[i - 1] < split_points[i])) {
      return invalid_argument(
          fmt::format("KLL cdf: split points must increase strictly: {} at {} follows {}",
                      split_points[i], i, split_points[i - 1]));
    }
  }
  std::vector<double> out;
  if (n_ == 0) return out;
  out.reserve(split_points.size() + 1);
  const auto view = sorted_view();
  std::size_t next = 0;
  std::uint64_t cumulative = 0;
  for (double split : split_points) {
    while (next < view.size() && view[next].first <= split) cumulative += view[next++].second;
    out.push_back(static_cast<double>(cumulative) / static_cast<double>(n_));
  }
  out.push_back(1.0);
  return out;
}

void KllSketch::serialize_to(std::vector<std::uint8_t>& out) const {
  detail::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(detail::Family::kKll));
  w.u8(kSerialVersion);
  w.u16(k_);
  w.u16(min_k_);
  w.u8(static_cast<std::uint8_t>(levels_.size()));
  w.u64(n_);
  w.f64(min_);
  w.f64(max_);
  w.u64(rng_state_);
  for (const auto& level : levels_) {
    w.u32(static_cast<std::uint32_t>(level.size()));
    for (double x : level) w.f64(x);
  }
}

std::vector<std::uint8_t> KllSketch::serialize() const {
  std::vector<std::uint8_t> out;
  serialize_to(out);
  return out;
}

Result<KllSketch> KllSketch::deserialize(std::span<const std::uint8_t> bytes,
                                         std::uint64_t base_offset) {
  detail::ByteReader r(bytes, base_offset);
  PARITY_RETURN_IF_ERROR(r.preamble(detail::Family::kKll, kSerialVersion, "KLL sketch"));
  std::uint16_t k = 0;
  std::uint16_t min_k = 0;
  std::uint8_t num_levels = 0;
  const std::size_t k_at = r.position();
  PARITY_RETURN_IF_ERROR(r.u16(k, "KLL k"));
  PARITY_RETURN_IF_ERROR(r.u16(min_k, "KLL min k"));
  if (k < kMinK || min_k < kMinK || min_k > k) {
    return r.corrupt_at(
        k_at, fmt::format("KLL k {} / min k {}: expected {} <= min k <= k", k, min_k, kMinK));
  }
  const std::size_t levels_at = r.position();
  PARITY_RETURN_IF_ERROR(r.u8(num_levels, "KLL level count"));
  if (num_levels == 0 || num_levels > kKllMaxLevels) {
    return r.corrupt_at(
        levels_at, fmt::format("KLL level count {}: expected 1 to {}", num_levels, kKllMaxLevels));
  }
  KllSketch sketch(k);
  sketch.min_k_ = min_k;
  const std::size_t n_at = r.position();
  PARITY_RETURN_IF_ERROR(r.u64(sketch.n_, "KLL count"));
  PARITY_RETURN_IF_ERROR(r.f64(sketch.min_, "KLL min"));
  PARITY_RETURN_IF_ERROR(r.f64(sketch.max_, "KLL max"));
  PARITY_RETURN_IF_ERROR(r.u64(sketch.rng_state_, "KLL generator state"));
  sketch.levels_.assign(num_levels, {});
  std::uint64_t weight = 0;
  for (std::size_t h = 0; h < num_levels; ++h) {
    std::uint32_t count = 0;
    const std::size_t level_at = r.position();
    PARITY_RETURN_IF_ERROR(r.u32(count, "KLL level size"));
    PARITY_RETURN_IF_ERROR(r.check_count(count, 8, "KLL level items"));
    if (count > ((UINT64_MAX - weight) >> h)) {
      return r.corrupt_at(level_at, fmt::format("KLL level {} holds {} items of weight 2^{}: "
                                                "the total weight overflows 64 bits",
                                                h, count, h));
    }
    weight += std::uint64_t{count} << h;
    std::vector<double>& level = sketch.levels_[h];
    level.resize(count);
    for (double& x : level) {
      const std::size_t item_at = r.position();
      PARITY_RETURN_IF_ERROR(r.f64(x, "KLL item"));
      if (std::isnan(x) || !(x >= sketch.min_ && x <= sketch.max_)) {
        return r.corrupt_at(item_at, fmt::format("KLL level {} item {} lies outside [min {}, "
                                                 "max {}]",
                                                 h, x, sketch.min_, sketch.max_));
      }
    }
    if (h > 0 && !std::is_sorted(level.begin(), level.end())) {
      return r.corrupt_at(level_at, fmt::format("KLL level {} is not sorted", h));
    }
  }
  PARITY_RETURN_IF_ERROR(r.expect_end("KLL sketch"));
  if (weight != sketch.n_) {
    return r.corrupt_at(n_at, fmt::format("KLL count {} differs from the {} items the levels "
                                          "weigh",
                                          sketch.n_, weight));
  }
  if (sketch.n_ == 0) {
    if (!std::isnan(sketch.min_) || !std::isnan(sketch.max_)) {
      return r.corrupt_at(n_at, "empty KLL sketch with a min or max");
    }
  } else if (!(sketch.min_ <= sketch.max_)) {
    return r.corrupt_at(n_at, fmt::format("KLL min {} above max {}", sketch.min_, sketch.max_));
  }
  if (sketch.num_retained() >= sketch.total_capacity()) {
    return r.corrupt_at(levels_at, fmt::format("KLL sketch retains {} items, its capacity is {}",
                                               sketch.num_retained(), sketch.total_capacity()));
  }
  return sketch;
}

bool operator==(const KllSketch& a, const KllSketch& b) {
  return a.serialize() == b.serialize();
}

}  // namespace parity::profile
