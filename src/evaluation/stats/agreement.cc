#include "parity/evaluation/agreement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <utility>

namespace parity::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status check_paired(std::string_view function, std::span<const double> x,
                    std::span<const double> y) {
  if (x.size() != y.size()) {
    return invalid_argument(std::string(function) + ": sizes differ: " + std::to_string(x.size()) +
                            " sim values, " + std::to_string(y.size()) + " real values");
  }
  if (x.size() < 2) {
    return invalid_argument(std::string(function) + ": needs at least 2 policies, got " +
                            std::to_string(x.size()));
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
      return invalid_argument(std::string(function) + ": value " + std::to_string(i) +
                              " is not finite");
    }
  }
  return {};
}

double pearson_unchecked(std::span<const double> x, std::span<const double> y) {
  const auto n = static_cast<double>(x.size());
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mean_x;
    const double dy = y[i] - mean_y;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0.0 || syy == 0.0) return kNaN;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

std::vector<double> mean_ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t t = i; t <= j; ++t) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman_unchecked(std::span<const double> x, std::span<const double> y) {
  const std::vector<double> rx = mean_ranks(x);
  const std::vector<double> ry = mean_ranks(y);
  return pearson_unchecked(rx, ry);
}

int sign(double v) {
  return (v > 0.0) - (v < 0.0);
}

double kendall_unchecked(std::span<const double> x, std::span<const double> y) {
  std::int64_t concordant = 0;
  std::int64_t discordant = 0;
  std::int64_t tied_x_only = 0;
  std::int64_t tied_y_only = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const int sx = sign(x[i] - x[j]);
      const int sy = sign(y[i] - y[j]);
      if (sx == 0 && sy == 0) continue;
      if (sx == 0) {
        ++tied_x_only;
      } else if (sy == 0) {
        ++tied_y_only;
      } else if (sx == sy) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  }
  const auto cd = static_cast<double>(concordant + discordant);
  const double denominator =
      std::sqrt((cd + static_cast<double>(tied_x_only)) * (cd + static_cast<double>(tied_y_only)));
  if (denominator == 0.0) return kNaN;
  return static_cast<double>(concordant - discordant) / denominator;
}

double mmrv_unchecked(std::span<const double> sim, std::span<const double> real,
                      MmrvConvention convention) {
  double total = 0.0;
  double worst = 0.0;
  for (std::size_t i = 0; i < sim.size(); ++i) {
    double violation = 0.0;
    for (std::size_t j = 0; j < sim.size(); ++j) {
      bool violated = false;
      if (convention == MmrvConvention::kStrictOpposite) {
        violated = sign(sim[i] - sim[j]) * sign(real[i] - real[j]) < 0;
      } else {
        violated = (sim[i] > sim[j]) != (real[i] > real[j]);
      }
      if (violated) violation = std::max(violation, std::fabs(real[i] - real[j]));
    }
    total += violation;
    worst = std::max(worst, violation);
  }
  if (convention == MmrvConvention::kMaxOverPolicies) return worst;
  return total / static_cast<double>(sim.size());
}

// NumPy's default percentile (linear interpolation at (n - 1) q).
double percentile(std::vector<double>& sorted_values, double q) {
  const double position = q * static_cast<double>(sorted_values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted_values.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return sorted_values[lower] + fraction * (sorted_values[upper] - sorted_values[lower]);
}

template <typename Statistic>
BootstrapInterval bootstrap(std::span<const double> x, std::span<const double> y,
                            std::int64_t resamples, double confidence, std::mt19937_64& rng,
                            Statistic statistic) {
  BootstrapInterval interval{kNaN, kNaN, 0, 0};
  if (resamples <= 0) return interval;
  std::vector<double> values;
  std::vector<double> bx(x.size());
  std::vector<double> by(y.size());
  const auto n = static_cast<double>(x.size());
  for (std::int64_t r = 0; r < resamples; ++r) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      const auto pick = std::min(
          x.size() - 1, static_cast<std::size_t>(static_cast<double>(rng() >> 11) * 0x1.0p-53 * n));
      bx[i] = x[pick];
      by[i] = y[pick];
    }
    const double value = statistic(bx, by);
    if (std::isnan(value)) {
      ++interval.skipped;
    } else {
      values.push_back(value);
    }
  }
  interval.used = static_cast<std::int64_t>(values.size());
  if (values.empty()) return interval;
  std::sort(values.begin(), values.end());
  const double tail = (1.0 - confidence) / 2.0;
  interval.low = percentile(values, tail);
  interval.high = percentile(values, 1.0 - tail);
  return interval;
}

}  // namespace

std::string_view mmrv_convention_name(MmrvConvention convention) {
  switch (convention) {
    case MmrvConvention::kSimpler: return "simpler";
    case MmrvConvention::kStrictOpposite: return "strict_opposite";
    case MmrvConvention::kMaxOverPolicies: return "max_over_policies";
  }
  return "simpler";
}

Result<MmrvConvention> parse_mmrv_convention(std::string_view name) {
  for (const MmrvConvention c : {MmrvConvention::kSimpler, MmrvConvention::kStrictOpposite,
                                 MmrvConvention::kMaxOverPolicies}) {
    if (name == mmrv_convention_name(c)) return c;
  }
  return invalid_argument(
      "MMRV convention: expected simpler, strict_opposite or max_over_policies, got '" +
      std::string(name) + "'");
}

Result<double> mmrv(std::span<const double> sim, std::span<const double> real,
                    MmrvConvention convention) {
  PARITY_RETURN_IF_ERROR(check_paired("mmrv", sim, real));
  return mmrv_unchecked(sim, real, convention);
}

Result<double> pearson(std::span<const double> x, std::span<const double> y) {
  PARITY_RETURN_IF_ERROR(check_paired("pearson", x, y));
  return pearson_unchecked(x, y);
}

Result<double> spearman(std::span<const double> x, std::span<const double> y) {
  PARITY_RETURN_IF_ERROR(check_paired("spearman", x, y));
  return spearman_unchecked(x, y);
}

Result<double> kendall_tau_b(std::span<const double> x, std::span<const double> y) {
  PARITY_RETURN_IF_ERROR(check_paired("kendall_tau_b", x, y));
  return kendall_unchecked(x, y);
}

std::vector<TaskPolicyCount> count_successes(std::span<const RolloutOutcome> rollouts) {
  std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> counts;
  std::pair<std::int64_t, std::int64_t>* last = nullptr;  // rollouts usually come in runs
  const RolloutOutcome* last_rollout = nullptr;
  for (const RolloutOutcome& r : rollouts) {
    if (last == nullptr || r.task != last_rollout->task || r.policy != last_rollout->policy) {
      last = &counts[{r.task, r.policy}];
    }
    last_rollout = &r;
    last->first += r.success ? 1 : 0;
    ++last->second;
  }
  std::vector<TaskPolicyCount> out;
  out.reserve(counts.size());
  for (const auto& [key, kn] : counts) out.push_back({key.first, key.second, kn.first, kn.second});
  return out;
}

Result<JoinedRates> join_rates(std::span<const TaskPolicyCount> sim,
                               std::span<const TaskPolicyCount> real) {
  using Key = std::pair<std::string, std::string>;
  const auto index = [](std::string_view side,
                        std::span<const TaskPolicyCount> counts) -> Result<std::map<Key, double>> {
    std::map<Key, double> rates;
    for (const TaskPolicyCount& c : counts) {
      if (c.n <= 0 || c.k < 0 || c.k > c.n) {
        return invalid_argument("join_rates: " + std::string(side) + " " + c.task + "/" + c.policy +
                                ": expected 0 <= k <= n and n >= 1, got k " + std::to_string(c.k) +
                                ", n " + std::to_string(c.n));
      }
      if (!rates.emplace(Key{c.task, c.policy}, static_cast<double>(c.k) / static_cast<double>(c.n))
               .second) {
        return invalid_argument("join_rates: " + std::string(side) + " " + c.task + "/" + c.policy +
                                " appears more than once");
      }
    }
    return rates;
  };
  PARITY_ASSIGN_OR_RETURN(const auto sim_rates, index("sim", sim));
  PARITY_ASSIGN_OR_RETURN(const auto real_rates, index("real", real));
  JoinedRates joined;
  for (const auto& [key, rate] : sim_rates) {
    const auto it = real_rates.find(key);
    if (it == real_rates.end()) {
      joined.sim_only.push_back(key.first + "/" + key.second);
    } else {
      joined.rates.push_back({key.first, key.second, rate, it->second});
    }
  }
  for (const auto& [key, rate] : real_rates) {
    if (!sim_rates.contains(key)) joined.real_only.push_back(key.first + "/" + key.second);
  }
  return joined;
}

Result<AgreementReport> sim_real_agreement(std::span<const PolicyRates> rates,
                                           const AgreementOptions& options) {
  if (rates.empty()) return invalid_argument("sim_real_agreement: no policy rates");
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return invalid_argument("sim_real_agreement: confidence must lie in (0, 1), got " +
                            std::to_string(options.confidence));
  }
  if (options.bootstrap_resamples < 0) {
    return invalid_argument("sim_real_agreement: bootstrap_resamples must be >= 0, got " +
                            std::to_string(options.bootstrap_resamples));
  }
  std::map<std::string, std::map<std::string, std::pair<double, double>>> by_task;
  for (const PolicyRates& r : rates) {
    if (!std::isfinite(r.sim) || !std::isfinite(r.real)) {
      return invalid_argument("sim_real_agreement: " + r.task + "/" + r.policy +
                              ": rates must be finite");
    }
    if (!by_task[r.task].emplace(r.policy, std::pair{r.sim, r.real}).second) {
      return invalid_argument("sim_real_agreement: " + r.task + "/" + r.policy +
                              " appears more than once");
    }
  }
  AgreementReport report;
  double sum_pearson = 0.0;
  double sum_mmrv = 0.0;
  std::uint64_t task_index = 0;
  for (const auto& [task, policies] : by_task) {
    if (policies.size() < 2) {
      return invalid_argument("sim_real_agreement: task '" + task +
                              "' has fewer than 2 policies with both sim and real results");
    }
    std::vector<double> sim;
    std::vector<double> real;
    for (const auto& [policy, sr] : policies) {
      sim.push_back(sr.first);
      real.push_back(sr.second);
    }
    TaskAgreement t;
    t.task = task;
    t.n_policies = static_cast<std::int64_t>(policies.size());
    t.pearson = pearson_unchecked(sim, real);
    t.mmrv = mmrv_unchecked(sim, real, options.mmrv_convention);
    t.spearman = spearman_unchecked(sim, real);
    t.kendall = kendall_unchecked(sim, real);
    std::mt19937_64 rng(options.seed + task_index);
    t.spearman_interval = bootstrap(sim, real, options.bootstrap_resamples, options.confidence, rng,
                                    spearman_unchecked);
    t.kendall_interval = bootstrap(sim, real, options.bootstrap_resamples, options.confidence, rng,
                                   kendall_unchecked);
    if (!std::isnan(t.pearson)) {
      sum_pearson += t.pearson;
      ++report.tasks_in_mean_pearson;
    }
    sum_mmrv += t.mmrv;
    report.tasks.push_back(std::move(t));
    ++task_index;
  }
  report.mean_pearson = report.tasks_in_mean_pearson > 0
                            ? sum_pearson / static_cast<double>(report.tasks_in_mean_pearson)
                            : kNaN;
  report.mean_mmrv = sum_mmrv / static_cast<double>(report.tasks.size());
  return report;
}

}  // namespace parity::eval
