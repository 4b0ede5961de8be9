// KLL quantile sketch over double (Karnin, Lang, Liberty, "Optimal Quantile Approximation in
// Streams", FOCS 2016, arXiv:1603.05346), with the lazy compaction scheme of
// apache/datasketches: level h holds items of weight 2^h; a level's capacity is
// max(8, round(k * (2/3)^depth)), depth counted down from the top level; when the sketch holds
// as many items as all levels' capacities together, the lowest level at or over its capacity
// is sorted and every second item (random offset 0 or 1) moves up a level.
//
// Accuracy: with probability 99%, every rank the sketch reports (rank(), cdf(), and the rank of
// quantile()'s answer) is within normalized_rank_error(k) of the exact rank over all items
// added to it or to any sketch merged into it (k is the smallest k among those sketches).
//
// Determinism: the compaction offsets come from a 64-bit generator seeded in the constructor
// and carried through serialization, so the same updates and merges in the same order give the
// same sketch, bit for bit. Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parity/core/status.h"

namespace parity::profile {

class KllSketch {
 public:
  static constexpr std::uint16_t kDefaultK = 200;
  static constexpr std::uint16_t kMinK = 8;
  static constexpr std::uint64_t kDefaultSeed = 0x5eed'ba5e'd0c5'0001ULL;
  // Serial version written by serialize_to() (layout in docs/formats/profile.md).
  static constexpr std::uint8_t kSerialVersion = 1;

  // Precondition: k >= kMinK (callers validate user-supplied values).
  explicit KllSketch(std::uint16_t k = kDefaultK, std::uint64_t seed = kDefaultSeed);

  // The single-sided normalized rank error (rank(), quantile(), cdf()) of a sketch with
  // parameter k at 99% confidence: 2.296 / k^0.9723, about 1.33% at k = 200 (datasketches'
  // empirical fit of the 99th percentile of the maximum rank error). With pmf = true the
  // double-sided error of a difference of two ranks (a histogram bin's mass): 2.446 / k^0.9433,
  // about 1.65% at k = 200.
  static double normalized_rank_error(std::uint16_t k, bool pmf = false);
  // normalized_rank_error() of this sketch (the smallest k merged into it).
  double rank_error_bound(bool pmf = false) const { return normalized_rank_error(min_k_, pmf); }

  // Adds one item. NaN is ignored; infinities are ordinary (extreme) items.
  void update(double x);
  // Adds every item of `other` (which may have another k). `other` may be *this.
  void merge(const KllSketch& other);

  bool empty() const { return n_ == 0; }
  std::uint64_t count() const { return n_; }  // items added, NaN excluded
  std::uint16_t k() const { return k_; }
  std::uint16_t min_k() const { return min_k_; }
  std::size_t num_retained() const;
  // Exact minimum and maximum of the items; NaN when empty.
  double min() const { return min_; }
  double max() const { return max_; }

  // An item whose normalized rank (fraction of items <= it) is approximately q: the smallest
  // retained item whose cumulative weight reaches q * count(); min() for q = 0 and max() for
  // q = 1. NaN when empty. Precondition: 0 <= q <= 1.
  double quantile(double q) const;
  // Approximate fraction of the items that are <= x (inclusive rank), in [0, 1]. NaN when
  // empty.
  double rank(double x) const;
  // rank() at each split point, then 1.0: split_points.size() + 1 values, non-decreasing; the
  // mass between two split points is the difference of neighbours. Empty when the sketch is.
  // Errors: kInvalidArgument when split points are not finite and strictly increasing.
  Result<std::vector<double>> cdf(std::span<const double> split_points) const;

  // Appends the serialized sketch to `out` / returns it. Layout: docs/formats/profile.md.
  void serialize_to(std::vector<std::uint8_t>& out) const;
  std::vector<std::uint8_t> serialize() const;
  // Reads a sketch that fills `bytes` exactly. Offsets in messages are base_offset + the
  // position in `bytes`. Errors: kTruncated, kCorrupt (bad family, k, level layout, unsorted
  // level, weights that do not add up to the count, min/max inconsistent with the items),
  // kUnsupported (another serial version).
  static Result<KllSketch> deserialize(std::span<const std::uint8_t> bytes,
                                       std::uint64_t base_offset = 0);

  // Bitwise state equality (items, order, generator state).
  friend bool operator==(const KllSketch& a, const KllSketch& b);

 private:
  std::uint32_t level_capacity(std::size_t level) const;
  std::size_t total_capacity() const;
  void compress_while_full();
  void compact_level(std::size_t level);
  bool next_bit();
  // (item, weight) pairs sorted by item.
  std::vector<std::pair<double, std::uint64_t>> sorted_view() const;

  std::uint16_t k_;
  std::uint16_t min_k_;
  std::uint64_t n_ = 0;
  double min_;
  double max_;
  std::uint64_t rng_state_;
  // levels_[h] holds items of weight 2^h; levels above 0 are sorted.
  std::vector<std::vector<double>> levels_;
};

}  // namespace parity::profile
