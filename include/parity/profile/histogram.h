// FixedHistogram: exact counts on explicit, fixed bin edges, mergeable when the edges agree.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parity/core/status.h"

namespace parity::profile {

// Edges for `bins` equal-width bins on [lo, hi]: bins + 1 values, the first exactly lo and
// the last exactly hi. Errors: kInvalidArgument (lo, hi not finite, lo >= hi, bins outside
// [1, FixedHistogram::kMaxBins], or edges that round to equal values).
Result<std::vector<double>> linear_edges(double lo, double hi, std::uint32_t bins);
// Edges for `bins` bins equal in log10(x) on [lo, hi]: 10^(log10(lo) + i * step), the first
// exactly lo and the last exactly hi. Errors: as linear_edges(), and lo <= 0.
Result<std::vector<double>> log_edges(double lo, double hi, std::uint32_t bins);

class FixedHistogram {
 public:
  static constexpr std::uint32_t kMaxBins = 1u << 20;
  static constexpr std::uint8_t kSerialVersion = 1;

  // Errors: kInvalidArgument unless edges has 2 to kMaxBins + 1 finite, strictly increasing
  // values (the message names the first offending edge).
  static Result<FixedHistogram> create(std::vector<double> edges);

  // Bin i counts edges[i] <= x < edges[i + 1]; the last bin also counts x == edges.back().
  // x < edges.front() (and -inf) counts as underflow, x > edges.back() (and +inf) as overflow.
  // NaN is ignored.
  void add(double x, std::uint64_t count = 1);
  // Adds the counts of `other`. Errors: kInvalidArgument when the edges are not identical (the
  // histogram is unchanged). `other` may be *this.
  Status merge(const FixedHistogram& other);

  const std::vector<double>& edges() const { return edges_; }
  std::size_t bins() const { return counts_.size(); }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  std::uint64_t underflow() const { return underflow_; }
  std::uint64_t overflow() const { return overflow_; }
  // Every value added (NaN excluded): the bins plus underflow and overflow.
  std::uint64_t total() const;

  // Layout: docs/formats/profile.md.
  void serialize_to(std::vector<std::uint8_t>& out) const;
  std::vector<std::uint8_t> serialize() const;
  // Reads a histogram that fills `bytes` exactly; offsets in messages are base_offset + the
  // position in `bytes`. Errors: kTruncated, kCorrupt (bad family, edge count or edges, a total
  // that overflows 64 bits), kUnsupported (another serial version).
  static Result<FixedHistogram> deserialize(std::span<const std::uint8_t> bytes,
                                            std::uint64_t base_offset = 0);

  friend bool operator==(const FixedHistogram& a, const FixedHistogram& b);

 private:
  FixedHistogram() = default;

  std::vector<double> edges_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t underflow_ = 0;
  std::uint64_t overflow_ = 0;
};

}  // namespace parity::profile
