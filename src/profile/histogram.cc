#include "parity/profile/histogram.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "profile/byte_codec.h"

namespace parity::profile {
namespace {

Status check_edge_range(double lo, double hi, std::uint32_t bins) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    return invalid_argument(
        fmt::format("histogram range [{}, {}]: expected finite lo < hi", lo, hi));
  }
  if (bins < 1 || bins > FixedHistogram::kMaxBins) {
    return invalid_argument(
        fmt::format("histogram bins {}: expected 1 to {}", bins, FixedHistogram::kMaxBins));
  }
  return {};
}

// The index of the first edge that is not finite or not above its predecessor, or
// edges.size() when all are fine.
std::size_t first_bad_edge(const std::vector<double>& edges) {
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i]) || (i > 0 && !(edges[i - 1] < edges[i]))) return i;
  }
  return edges.size();
}

Status check_generated_edges(const std::vector<double>& edges, double lo, double hi) {
  if (first_bad_edge(edges) != edges.size()) {
    return invalid_argument(fmt::format(
        "histogram range [{}, {}] is too narrow for {} distinct edges", lo, hi, edges.size()));
  }
  return {};
}

}  // namespace

Result<std::vector<double>> linear_edges(double lo, double hi, std::uint32_t bins) {
  PARITY_RETURN_IF_ERROR(check_edge_range(lo, hi, bins));
  std::vector<double> edges(bins + std::size_t{1});
  const double width = hi - lo;
  for (std::uint32_t i = 0; i <= bins; ++i) {
    edges[i] = lo + (width * static_cast<double>(i)) / static_cast<double>(bins);
  }
  edges.front() = lo;
  edges.back() = hi;
  PARITY_RETURN_IF_ERROR(check_generated_edges(edges, lo, hi));
  return edges;
}

Result<std::vector<double>> log_edges(double lo, double hi, std::uint32_t bins) {
  PARITY_RETURN_IF_ERROR(check_edge_range(lo, hi, bins));
  if (!(lo > 0.0)) {
    return invalid_argument(fmt::format("log histogram range [{}, {}]: lo must be > 0", lo, hi));
  }
  const double log_lo = std::log10(lo);
  const double step = (std::log10(hi) - log_lo) / static_cast<double>(bins);
  std::vector<double> edges(bins + std::size_t{1});
  for (std::uint32_t i = 0; i <= bins; ++i) {
    edges[i] = std::pow(10.0, log_lo + step * static_cast<double>(i));
  }
  edges.front() = lo;
  edges.back() = hi;
  PARITY_RETURN_IF_ERROR(check_generated_edges(edges, lo, hi));
  return edges;
}

Result<FixedHistogram> FixedHistogram::create(std::vector<double> edges) {
  if (edges.size() < 2 || edges.size() > std::size_t{kMaxBins} + 1) {
    return invalid_argument(fmt::format("histogram with {} edges: expected 2 to {}", edges.size(),
                                        std::size_t{kMaxBins} + 1));
  }
  const std::size_t bad = first_bad_edge(edges);
  if (bad != edges.size()) {
    if (!std::isfinite(edges[bad])) {
      return invalid_argument(
          fmt::format("histogram edge {} is {}, expected a finite value", bad, edges[bad]));
    }
    return invalid_argument(
        fmt::format("histogram edges must increase strictly: edge {} ({}) follows {}", bad,
                    edges[bad], edges[bad - 1]));
  }
  FixedHistogram h;
  h.counts_.assign(edges.size() - 1, 0);
  h.edges_ = std::move(edges);
  return h;
}

void FixedHistogram::add(double x, std::uint64_t count) {
  if (std::isnan(x)) return;
  if (x < edges_.front()) {
    underflow_ += count;
  } else if (x > edges_.back()) {
    overflow_ += count;
  } else if (x == edges_.back()) {
    counts_.back() += count;
  } else {
    const auto it = std::upper_bound(edges_.begin(), edges_.end(), x);
    counts_[static_cast<std::size_t>(it - edges_.begin()) - 1] += count;
  }
}

Status FixedHistogram::merge(const FixedHistogram& other) {
  if (other.edges_ != edges_) {
    return invalid_argument(fmt::format(
        "cannot merge histograms with different edges: {} edges on [{}, {}] vs {} on [{}, {}]",
        edges_.size(), edges_.front(), edges_.back(), other.edges_.size(), other.edges_.front(),
        other.edges_.back()));
  }
  // Index loops: `other` may be *this.
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  const std::uint64_t under = other.underflow_;
  const std::uint64_t over = other.overflow_;
  underflow_ += under;
  overflow_ += over;
  return {};
}

std::uint64_t FixedHistogram::total() const {
  std::uint64_t total = underflow_ + overflow_;
  for (std::uint64_t c : counts_) total += c;
  return total;
}

void FixedHistogram::serialize_to(std::vector<std::uint8_t>& out) const {
  detail::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(detail::Family::kHistogram));
  w.u8(kSerialVersion);
  w.u32(static_cast<std::uint32_t>(edges_.size()));
  for (double e : edges_) w.f64(e);
  w.u64(underflow_);
  w.u64(overflow_);
  for (std::uint64_t c : counts_) w.u64(c);
}

std::vector<std::uint8_t> FixedHistogram::serialize() const {
  std::vector<std::uint8_t> out;
  serialize_to(out);
  return out;
}

Result<FixedHistogram> FixedHistogram::deserialize(std::span<const std::uint8_t> bytes,
                                                   std::uint64_t base_offset) {
  detail::ByteReader r(bytes, base_offset);
  PARITY_RETURN_IF_ERROR(r.preamble(detail::Family::kHistogram, kSerialVersion, "histogram"));
  std::uint32_t num_edges = 0;
  const std::size_t count_at = r.position();
  PARITY_RETURN_IF_ERROR(r.u32(num_edges, "histogram edge count"));
  if (num_edges < 2 || num_edges > kMaxBins + 1) {
    return r.corrupt_at(count_at, fmt::format("histogram edge count {}: expected 2 to {}",
                                              num_edges, kMaxBins + 1));
  }
  // Each edge is 8 bytes, and each bin and the two flow counters 8 more.
  PARITY_RETURN_IF_ERROR(r.check_count(num_edges, 16, "histogram edges and counts"));
  FixedHistogram h;
  h.edges_.resize(num_edges);
  for (std::uint32_t i = 0; i < num_edges; ++i) {
    const std::size_t at = r.position();
    PARITY_RETURN_IF_ERROR(r.f64(h.edges_[i], "histogram edge"));
    if (!std::isfinite(h.edges_[i]) || (i > 0 && !(h.edges_[i - 1] < h.edges_[i]))) {
      return r.corrupt_at(at, fmt::format("histogram edge {} ({}) is not finite and above the "
                                          "previous edge",
                                          i, h.edges_[i]));
    }
  }
  const std::size_t counts_at = r.position();
  PARITY_RETURN_IF_ERROR(r.u64(h.underflow_, "histogram underflow"));
  PARITY_RETURN_IF_ERROR(r.u64(h.overflow_, "histogram overflow"));
  h.counts_.resize(num_edges - 1);
  for (std::uint64_t& c : h.counts_) PARITY_RETURN_IF_ERROR(r.u64(c, "histogram count"));
  PARITY_RETURN_IF_ERROR(r.expect_end("histogram"));
  std::uint64_t total = h.underflow_;
  bool overflowed = false;
  for (std::uint64_t c : h.counts_) overflowed |= __builtin_add_overflow(total, c, &total);
  overflowed |= __builtin_add_overflow(total, h.overflow_, &total);
  if (overflowed) return r.corrupt_at(counts_at, "histogram counts add up to more than 2^64");
  return h;
}

bool operator==(const FixedHistogram& a, const FixedHistogram& b) {
  return a.edges_ == b.edges_ && a.counts_ == b.counts_ && a.underflow_ == b.underflow_ &&
         a.overflow_ == b.overflow_;
}

}  // namespace parity::profile
