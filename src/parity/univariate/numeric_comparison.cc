// compare_numeric(): W1, KS, PSI and their bootstrap intervals on one sort of each side.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "parity/parity/univariate.h"
#include "parity/univariate/radix_sort.h"
#include "parity/univariate/sample_checks.h"

namespace parity::compare {
namespace {

constexpr double kNumericNaN = std::numeric_limits<double>::quiet_NaN();

// xoshiro256** (Blackman & Vigna, 2018) seeded through splitmix64: a fixed, portable stream so
// bootstrap intervals are the same on every platform for a given seed.
class BootstrapRng {
 public:
  explicit BootstrapRng(std::uint64_t seed) {
    for (std::uint64_t& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform index in [0, n): floor(uniform() * n); the bias is below 2^-53 * n.
  std::size_t index(std::size_t n) {
    const auto i = static_cast<std::size_t>(uniform() * static_cast<double>(n));
    return std::min(i, n - 1);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

// Walker's alias table (Vose's construction): O(1) draws from a discrete distribution.
class AliasTable {
 public:
  // An empty table: draw() must not be called.
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights)
      : probability_(weights.size()), alias_(weights.size()) {
    const std::size_t n = weights.size();
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<double> scaled(n);
    std::vector<std::size_t> small;
    std::vector<std::size_t> large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1.0 ? small : large).push_back(i);
    }
    while (!small.empty() && !large.empty()) {
      const std::size_t s = small.back();
      small.pop_back();
      const std::size_t l = large.back();
      probability_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // What is left has probability 1 up to rounding.
    for (const std::vector<std::size_t>* rest : {&large, &small}) {
      for (const std::size_t i : *rest) {
        probability_[i] = 1.0;
        alias_[i] = i;
      }
    }
  }
  bool empty() const { return probability_.empty(); }
  std::size_t draw(BootstrapRng& rng) const {
    const std::size_t i = rng.index(probability_.size());
    return rng.uniform() < probability_[i] ? i : alias_[i];
  }

 private:
  std::vector<double> probability_;
  std::vector<std::size_t> alias_;
};

struct NumericStatistics {
  double w1 = 0;
  double ks = 0;
  double psi = 0;
  double spread = 1;
  SpreadSource spread_source = SpreadSource::kTargetStd;
};

double weighted_total(std::span<const double> weights) {
  return std::accumulate(weights.begin(), weights.end(), 0.0);
}

// Population standard deviation of sorted `values` under `weights` (doubles, or bootstrap draw
// counts); 0 when the values with positive weight are all equal.
template <typename Weight>
double weighted_std(std::span<const double> values, std::span<const Weight> weights, double total) {
  const auto weight = [&](std::size_t i) { return static_cast<double>(weights[i]); };
  std::size_t first = 0;
  while (weight(first) <= 0.0) ++first;
  std::size_t last = values.size() - 1;
  while (weight(last) <= 0.0) --last;
  if (values[first] == values[last]) return 0.0;
  double mean = 0;
  for (std::size_t i = first; i <= last; ++i) mean += weight(i) * values[i];
  mean /= total;
  double sum_squares = 0;
  for (std::size_t i = first; i <= last; ++i) {
    const double d = values[i] - mean;
    sum_squares += weight(i) * d * d;
  }
  return std::sqrt(sum_squares / total);
}

// Shares of the PSI bins (right-closed, edges ascending) of sorted `values` under `weights`.
void bin_shares(std::span<const double> values, std::span<const double> weights, double total,
                std::span<const double> edges, std::vector<double>& shares) {
  shares.assign(edges.size() + 1, 0.0);
  std::size_t bin = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    while (bin < edges.size() && values[i] > edges[bin]) ++bin;
    shares[bin] += weights[i];
  }
  for (double& s : shares) s /= total;
}

// Everything but the intervals, for sorted samples under weights (training weights, or
// resampling counts). `scratch` holds bin shares between calls.
NumericStatistics evaluate(std::span<const double> train, std::span<const double> train_w,
                           std::span<const double> target, std::span<const double> target_w,
                           std::span<const double> edges, double epsilon,
                           std::vector<double>& train_bins, std::vector<double>& target_bins) {
  NumericStatistics out;
  const double total_u = weighted_total(train_w);
  const double total_v = weighted_total(target_w);
  // One merge walk over both sorted samples: the ECDFs are constant between consecutive distinct
  // values, so W1 is the sum of |F_u - F_v| times the gaps and KS the largest |F_u - F_v|.
  // The CDFs are cumulative weights times the reciprocal totals (within an ulp of dividing).
  const double inverse_u = 1.0 / total_u;
  const double inverse_v = 1.0 / total_v;
  std::size_t i = 0;
  std::size_t j = 0;
  double cum_u = 0;
  double cum_v = 0;
  double previous = 0;
  double gap = 0;  // |F_u - F_v| on [previous, next value)
  double area = 0;
  double ks = 0;
  const std::size_t nu = train.size();
  const std::size_t nv = target.size();
  while (i < nu || j < nv) {
    const double x = (j >= nv || (i < nu && train[i] <= target[j])) ? train[i] : target[j];
    area += gap * (x - previous);
    while (i < nu && train[i] == x) cum_u += train_w[i++];
    while (j < nv && target[j] == x) cum_v += target_w[j++];
    gap = std::abs(cum_u * inverse_u - cum_v * inverse_v);
    ks = std::max(ks, gap);
    previous = x;
  }
  out.w1 = area;
  out.ks = ks;

  bin_shares(train, train_w, total_u, edges, train_bins);
  bin_shares(target, target_w, total_v, edges, target_bins);
  double psi = 0;
  for (std::size_t b = 0; b < train_bins.size(); ++b) {
    const double t = std::max(target_bins[b], epsilon);
    const double r = std::max(train_bins[b], epsilon);
    psi += (t - r) * std::log(t / r);
  }
  out.psi = psi;

  out.spread = weighted_std(target, target_w, total_v);
  out.spread_source = SpreadSource::kTargetStd;
  if (out.spread == 0.0) {
    out.spread = weighted_std(train, train_w, total_u);
    out.spread_source = SpreadSource::kTrainStd;
    if (out.spread == 0.0) {
      out.spread = 1.0;
      out.spread_source = SpreadSource::kUnit;
    }
  }
  return out;
}

// The distinct values of both sorted samples, for the bootstrap: a replicate only changes how
// often each sample value is drawn, so the merge order, the ties and the PSI bin of every value
// are found once. Replicate counts are integers, so summing them per distinct value instead of
// per sample gives the same cumulative counts, and evaluate_counts() the same W1, KS and PSI as
// evaluate() on the same counts.
struct DistinctValues {
  std::vector<double> value;             // ascending, distinct over both samples
  std::vector<std::uint32_t> bin;        // PSI bin of each distinct value
  std::vector<std::uint32_t> of_train;   // distinct value of each sorted training sample
  std::vector<std::uint32_t> of_target;  // distinct value of each sorted target sample

  DistinctValues(std::span<const double> train, std::span<const double> target,
                 std::span<const double> edges) {
    of_train.resize(train.size());
    of_target.resize(target.size());
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t b = 0;
    while (i < train.size() || j < target.size()) {
      const double x = (j >= target.size() || (i < train.size() && train[i] <= target[j]))
                           ? train[i]
                           : target[j];
      const auto g = static_cast<std::uint32_t>(value.size());
      while (b < edges.size() && x > edges[b]) ++b;
      value.push_back(x);
      bin.push_back(static_cast<std::uint32_t>(b));
      while (i < train.size() && train[i] == x) of_train[i++] = g;
      while (j < target.size() && target[j] == x) of_target[j++] = g;
    }
  }
};

// W1, KS and PSI of one bootstrap replicate from its draw counts per distinct value (totals:
// the number of draws per side); the spread is left to the caller.
void evaluate_counts(const DistinctValues& distinct, std::span<const std::uint32_t> train_counts,
                     std::span<const std::uint32_t> target_counts, double total_u, double total_v,
                     double epsilon, std::vector<double>& train_bins,
                     std::vector<double>& target_bins, NumericStatistics& out) {
  const double inverse_u = 1.0 / total_u;
  const double inverse_v = 1.0 / total_v;
  double cum_u = 0;
  double cum_v = 0;
  double previous = 0;
  double gap = 0;
  double area = 0;
  double ks = 0;
  // train_bins[b] / target_bins[b]: first the cumulative counts up to the last value of bin b
  // (-1 when no value falls in it), then the counts of the bin.
  std::fill(train_bins.begin(), train_bins.end(), -1.0);
  std::fill(target_bins.begin(), target_bins.end(), -1.0);
  for (std::size_t g = 0; g < distinct.value.size(); ++g) {
    const double x = distinct.value[g];
    area += gap * (x - previous);
    cum_u += static_cast<double>(train_counts[g]);
    cum_v += static_cast<double>(target_counts[g]);
    train_bins[distinct.bin[g]] = cum_u;
    target_bins[distinct.bin[g]] = cum_v;
    gap = std::abs(cum_u * inverse_u - cum_v * inverse_v);
    ks = std::max(ks, gap);
    previous = x;
  }
  out.w1 = area;
  out.ks = ks;
  double below_u = 0;
  double below_v = 0;
  for (std::size_t b = 0; b < train_bins.size(); ++b) {
    if (train_bins[b] < 0) train_bins[b] = below_u;
    if (target_bins[b] < 0) target_bins[b] = below_v;
    const double through_u = train_bins[b];
    const double through_v = target_bins[b];
    train_bins[b] -= below_u;
    target_bins[b] -= below_v;
    below_u = through_u;
    below_v = through_v;
  }
  double psi = 0;
  for (std::size_t b = 0; b < train_bins.size(); ++b) {
    const double t = std::max(target_bins[b] / total_v, epsilon);
    const double r = std::max(train_bins[b] / total_u, epsilon);
    psi += (t - r) * std::log(t / r);
  }
  out.psi = psi;
}

// NumPy's default ("linear", Hyndman & Fan type 7) quantile of sorted values at p, with NumPy's
// two-sided interpolation so equal neighbours give exactly their value.
double linear_quantile(std::span<const double> sorted, double p) {
  const double position = p * static_cast<double>(sorted.size() - 1);
  const double below = std::floor(position);
  const auto lo = static_cast<std::size_t>(below);
  if (lo + 1 >= sorted.size()) return sorted.back();
  const double t = position - below;
  const double a = sorted[lo];
  const double b = sorted[lo + 1];
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Weighted median of sorted values (definition in univariate.h).
double sorted_weighted_median(std::span<const double> values, std::span<const double> weights) {
  const double half = weighted_total(weights) / 2.0;
  double cumulative = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    cumulative += weights[i];
    if (cumulative >= half && weights[i] > 0.0) {
      if (cumulative == half) {
        for (std::size_t k = i + 1; k < values.size(); ++k) {
          if (weights[k] > 0.0) return (values[i] + values[k]) / 2.0;
        }
      }
      return values[i];
    }
  }
  return values.back();
}

double weighted_mean(std::span<const double> values, std::span<const double> weights) {
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) sum += weights[i] * values[i];
  return sum / weighted_total(weights);
}

// Sorts values with their weights (all 1.0 when `weights` is empty).
void sort_with_weights(std::span<const double> values, std::span<const double> weights,
                       std::vector<double>& sorted_values, std::vector<double>& sorted_weights) {
  sorted_values.assign(values.begin(), values.end());
  if (weights.empty()) {
    detail::sort_values(sorted_values, nullptr);
    sorted_weights.assign(values.size(), 1.0);
    return;
  }
  sorted_weights.assign(weights.begin(), weights.end());
  detail::sort_values(sorted_values, &sorted_weights);
}

// Percentile interval of `replicates` (sorted in place) by linear interpolation.
Interval percentile_interval(std::vector<double>& replicates, double confidence) {
  std::sort(replicates.begin(), replicates.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {linear_quantile(replicates, tail), linear_quantile(replicates, 1.0 - tail)};
}

Status check_numeric_options(const NumericOptions& options) {
  if (options.psi_bins < 1) return invalid_argument("psi_bins must be >= 1, found 0");
  if (!(options.psi_epsilon > 0.0) || !std::isfinite(options.psi_epsilon)) {
    return invalid_argument("psi_epsilon must be finite and > 0, found " +
                            std::to_string(options.psi_epsilon));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return invalid_argument("confidence must lie in (0, 1), found " +
                            std::to_string(options.confidence));
  }
  return {};
}

}  // namespace

Result<double> weighted_median(std::span<const double> values, std::span<const double> weights) {
  PARITY_RETURN_IF_ERROR(detail::check_not_empty(values.size(), "values"));
  PARITY_RETURN_IF_ERROR(detail::check_finite(values, "values"));
  PARITY_RETURN_IF_ERROR(detail::check_weights(weights, values.size()));
  std::vector<double> sorted_values;
  std::vector<double> sorted_weights;
  sort_with_weights(values, weights, sorted_values, sorted_weights);
  return sorted_weighted_median(sorted_values, sorted_weights);
}

Result<NumericComparison> compare_numeric(std::span<const double> train,
                                          std::span<const double> train_weights,
                                          std::span<const double> target,
                                          const NumericOptions& options) {
  PARITY_RETURN_IF_ERROR(check_numeric_options(options));
  PARITY_RETURN_IF_ERROR(detail::check_not_empty(train.size(), "train"));
  PARITY_RETURN_IF_ERROR(detail::check_not_empty(target.size(), "target"));
  PARITY_RETURN_IF_ERROR(detail::check_finite(train, "train"));
  PARITY_RETURN_IF_ERROR(detail::check_finite(target, "target"));
  PARITY_RETURN_IF_ERROR(detail::check_weights(train_weights, train.size()));
  const bool equal = detail::equal_weights(train_weights);

  std::vector<double> u;
  std::vector<double> uw;
  sort_with_weights(train, equal ? std::span<const double>{} : train_weights, u, uw);
  std::vector<double> v;
  std::vector<double> vw;
  sort_with_weights(target, {}, v, vw);

  std::vector<double> edges;
  edges.reserve(options.psi_bins);
  for (std::size_t b = 1; b < options.psi_bins; ++b) {
    edges.push_back(
        linear_quantile(v, static_cast<double>(b) / static_cast<double>(options.psi_bins)));
  }
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

  NumericComparison out;
  out.n_train = train.size();
  out.n_target = target.size();
  out.train_ess = equal ? static_cast<double>(train.size())
                        : detail::kish_effective_size(train_weights, train.size());
  std::vector<double> train_bins;
  std::vector<double> target_bins;
  const NumericStatistics point =
      evaluate(u, uw, v, vw, edges, options.psi_epsilon, train_bins, target_bins);
  out.w1 = point.w1;
  out.spread = point.spread;
  out.spread_source = point.spread_source;
  out.w1_normalized = point.w1 / point.spread;
  out.ks = point.ks;
  out.psi = point.psi;
  out.psi_bins_used = edges.size() + 1;
  if (equal) {
    out.ks_p = ks_two_sample_p_value(u.size(), v.size(), std::min(point.ks, 1.0));
  } else {
    const double m = static_cast<double>(v.size());
    const double en = out.train_ess * m / (out.train_ess + m);
    const auto rounded = static_cast<std::uint64_t>(std::nearbyint(en));
    out.ks_p = kolmogorov_smirnov_sf(std::max<std::uint64_t>(rounded, 1), point.ks);
  }
  out.train_p50 = sorted_weighted_median(u, uw);
  out.target_p50 = sorted_weighted_median(v, vw);
  out.train_mean = weighted_mean(u, uw);
  out.target_mean = weighted_mean(v, vw);

  out.w1_normalized_ci = out.ks_ci = out.psi_ci = {kNumericNaN, kNumericNaN};
  if (options.bootstrap == 0) return out;

  BootstrapRng rng(options.seed);
  const AliasTable alias = equal ? AliasTable() : AliasTable(uw);
  const DistinctValues distinct(u, v, edges);
  // Draw counts (exact as doubles: at most 2^32 - 1 draws per side).
  std::vector<std::uint32_t> train_counts(u.size());
  std::vector<std::uint32_t> target_counts(v.size());
  std::vector<std::uint32_t> train_distinct(distinct.value.size());
  std::vector<std::uint32_t> target_distinct(distinct.value.size());
  const auto total_u = static_cast<double>(u.size());
  const auto total_v = static_cast<double>(v.size());
  std::vector<double> w1_replicates;
  std::vector<double> ks_replicates;
  std::vector<double> psi_replicates;
  w1_replicates.reserve(options.bootstrap);
  ks_replicates.reserve(options.bootstrap);
  psi_replicates.reserve(options.bootstrap);
  for (std::size_t r = 0; r < options.bootstrap; ++r) {
    std::fill(train_counts.begin(), train_counts.end(), 0u);
    std::fill(target_counts.begin(), target_counts.end(), 0u);
    std::fill(train_distinct.begin(), train_distinct.end(), 0u);
    std::fill(target_distinct.begin(), target_distinct.end(), 0u);
    for (std::size_t k = 0; k < u.size(); ++k) {
      const std::size_t i = alias.empty() ? rng.index(u.size()) : alias.draw(rng);
      ++train_counts[i];
      ++train_distinct[distinct.of_train[i]];
    }
    for (std::size_t k = 0; k < v.size(); ++k) {
      const std::size_t j = rng.index(v.size());
      ++target_counts[j];
      ++target_distinct[distinct.of_target[j]];
    }
    train_bins.resize(edges.size() + 1);
    target_bins.resize(edges.size() + 1);
    NumericStatistics s;
    evaluate_counts(distinct, train_distinct, target_distinct, total_u, total_v,
                    options.psi_epsilon, train_bins, target_bins, s);
    // The spread as evaluate() takes it, from the per-sample counts.
    s.spread = weighted_std(v, std::span<const std::uint32_t>(target_counts), total_v);
    if (s.spread == 0.0) {
      s.spread = weighted_std(u, std::span<const std::uint32_t>(train_counts), total_u);
      if (s.spread == 0.0) s.spread = 1.0;
    }
    w1_replicates.push_back(s.w1 / s.spread);
    ks_replicates.push_back(s.ks);
    psi_replicates.push_back(s.psi);
  }
  out.w1_normalized_ci = percentile_interval(w1_replicates, options.confidence);
  out.ks_ci = percentile_interval(ks_replicates, options.confidence);
  out.psi_ci = percentile_interval(psi_replicates, options.confidence);
  return out;
}

}  // namespace parity::compare
