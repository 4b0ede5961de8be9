// TimingFeatureExtractor: duration, rates, gaps and jitter over every stream of an episode
// (definitions in timing_feature_specs()).
#include <algorithm>
#include <cmath>
#include <limits>

#include "features/signals/append_value.h"
#include "parity/core/check.h"
#include "parity/features/frame_aggregate.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;
using signal_detail::append_value;

namespace {

// Period histogram: bin 0 holds periods below 1 us, bin b >= 1 periods in
// [1 us x 2^((b-1)/32), 1 us x 2^(b/32)), the last bin everything above.
constexpr double kPeriodFloorS = 1e-6;
constexpr double kBinsPerOctave = 32;
constexpr std::size_t kPeriodBins = 1 + 37 * 32;  // up to 2^37 us, about 1.6 days
// Stream indexes beyond this are a caller's bug (streams are dense small integers).
constexpr std::uint32_t kMaxStreams = 1u << 20;
// A period longer than this multiple of the stream's median period is a gap.
constexpr double kGapFactor = 3.0;

std::size_t period_bin(double period_s) {
  if (period_s < kPeriodFloorS) return 0;
  const double bin = 1.0 + std::floor(std::log2(period_s / kPeriodFloorS) * kBinsPerOctave);
  return static_cast<std::size_t>(std::min(bin, static_cast<double>(kPeriodBins - 1)));
}

double bin_lower_edge(std::size_t bin) {
  if (bin == 0) return 0.0;
  return kPeriodFloorS * std::exp2(static_cast<double>(bin - 1) / kBinsPerOctave);
}

}  // namespace

void TimingFeatureExtractor::add(std::uint32_t stream, std::int64_t log_time_ns) {
  PARITY_CHECK(stream < kMaxStreams);
  if (stream >= streams_.size()) streams_.resize(std::size_t{stream} + 1);
  Stream& s = streams_[stream];
  if (s.messages == 0) {
    s.messages = 1;
    s.first_ns = s.last_ns = s.min_ns = s.max_ns = log_time_ns;
    return;
  }
  ++s.messages;
  s.min_ns = std::min(s.min_ns, log_time_ns);
  s.max_ns = std::max(s.max_ns, log_time_ns);
  if (log_time_ns < s.last_ns) {
    ++non_monotonic_;
    return;
  }
  const double period = static_cast<double>(log_time_ns - s.last_ns) * 1e-9;
  s.last_ns = log_time_ns;
  if (s.bin_count.empty()) {
    s.bin_count.assign(kPeriodBins, 0);
    s.bin_sum.assign(kPeriodBins, 0.0);
  }
  const std::size_t bin = period_bin(period);
  ++s.bin_count[bin];
  s.bin_sum[bin] += period;
  s.max_period_s = std::max(s.max_period_s, period);
  // Welford's running mean and sum of squared deviations.
  ++s.periods;
  const double delta = period - s.period_mean;
  s.period_mean += delta / static_cast<double>(s.periods);
  s.period_m2 += delta * (period - s.period_mean);
}

void TimingFeatureExtractor::set_interventions(std::uint64_t count) {
  has_interventions_ = true;
  interventions_ = count;
}

FeatureValues TimingFeatureExtractor::finish() {
  FeatureValues out;
  std::uint64_t messages = 0, streams = 0, gaps = 0;
  std::int64_t start_ns = std::numeric_limits<std::int64_t>::max();
  std::int64_t end_ns = std::numeric_limits<std::int64_t>::min();
  double max_gap_s = -1;
  bool any_median = false;
  std::vector<double> jitters;
  for (const Stream& s : streams_) {
    if (s.messages == 0) continue;
    ++streams;
    messages += s.messages;
    start_ns = std::min(start_ns, s.min_ns);
    end_ns = std::max(end_ns, s.max_ns);
    if (s.periods == 0) continue;
    max_gap_s = std::max(max_gap_s, s.max_period_s);
    // The bin holding the lower median rank; its mean period is the median estimate.
    const std::uint64_t rank = (s.periods - 1) / 2;
    std::uint64_t seen = 0;
    std::size_t median_bin = 0;
    for (std::size_t b = 0; b < kPeriodBins; ++b) {
      seen += s.bin_count[b];
      if (seen > rank) {
        median_bin = b;
        break;
      }
    }
    const double median = s.bin_sum[median_bin] / static_cast<double>(s.bin_count[median_bin]);
    any_median = true;
    for (std::size_t b = median_bin + 1; b < kPeriodBins; ++b) {
      if (bin_lower_edge(b) > kGapFactor * median) gaps += s.bin_count[b];
    }
    if (s.periods >= 2 && median > 0) {
      jitters.push_back(std::sqrt(s.period_m2 / static_cast<double>(s.periods)) / median);
    }
  }
  append_count(out, "messages", messages);
  append_count(out, "streams", streams);
  append_count(out, "non_monotonic", non_monotonic_);
  if (has_interventions_) append_count(out, "interventions", interventions_);
  if (messages == 0) return out;
  const double duration_s = static_cast<double>(end_ns - start_ns) * 1e-9;
  append_value(out, "duration_s", duration_s);
  if (duration_s > 0) append_value(out, "rate_hz", static_cast<double>(messages) / duration_s);
  if (max_gap_s >= 0) append_value(out, "max_gap_s", max_gap_s);
  if (any_median) append_count(out, "gap_count", gaps);
  if (!jitters.empty()) append_value(out, "jitter", linear_quantile(jitters, 0.5));
  return out;
}

}  // namespace parity::features
