// Sim-to-real agreement across policies: does simulation rank policies the way reality does?
//
// Per task, over the policies evaluated in both domains: Pearson r and the mean maximum rank
// violation (MMRV) exactly as SIMPLER defines them (Li et al. 2024, "Evaluating Real-World Robot
// Manipulation Policies in Simulation", section IV-A and simpler_env/utils/metrics.py), plus
// Spearman's rho and Kendall's tau-b with seeded percentile-bootstrap intervals over policies;
// then the mean over tasks. Conventions as parity/evaluation/intervals.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/evaluation/intervals.h"

namespace parity::eval {

// MMRV conventions. For policies i, j with sim success s and real success r, a rank violation
// is a pair ordered differently by the two domains, weighted by the real gap |r_i - r_j|; each
// policy keeps its worst (largest) violation.
enum class MmrvConvention : std::uint8_t {
  // SIMPLER: violation when (s_i > s_j) != (r_i > r_j), strict comparisons, so a tie in one
  // domain against a strict order in the other counts; MMRV = mean over policies of the
  // per-policy maximum. The default; the only one the published numbers use.
  kSimpler,
  // Ties never violate: only pairs strictly ordered in both domains, in opposite directions.
  kStrictOpposite,
  // As kSimpler, but the maximum (not the mean) over policies of the per-policy maximum.
  kMaxOverPolicies,
};
std::string_view mmrv_convention_name(MmrvConvention convention);  // "simpler", ...
Result<MmrvConvention> parse_mmrv_convention(std::string_view name);

// MMRV of paired sim / real success rates (one entry per policy, in [0, 1] or any real scale).
// Errors (kInvalidArgument): sizes differ, fewer than 2 policies, a non-finite value.
Result<double> mmrv(std::span<const double> sim, std::span<const double> real,
                    MmrvConvention convention = MmrvConvention::kSimpler);

// Pearson's r. NaN when either side has zero variance (SIMPLER's code adds 1e-8 to the
// denominator, which moves r by less than 1e-7 on its tables, and returns 1 when the centred
// vectors are equal). Errors as mmrv().
Result<double> pearson(std::span<const double> x, std::span<const double> y);

// Spearman's rho: Pearson's r of the ranks, ties given their mean rank (scipy.stats.spearmanr).
// NaN when either side is constant. Errors as mmrv().
Result<double> spearman(std::span<const double> x, std::span<const double> y);

// Kendall's tau-b (scipy.stats.kendalltau's default): (C - D) / sqrt((C + D + T_x)(C + D + T_y)),
// T_x the pairs tied only in x, T_y only in y. NaN when either side is constant. Errors as
// mmrv().
Result<double> kendall_tau_b(std::span<const double> x, std::span<const double> y);

// Success counts of one policy on one task in one domain.
struct TaskPolicyCount {
  std::string task;
  std::string policy;
  std::int64_t k = 0;
  std::int64_t n = 0;
};

// One rollout's outcome (after the caller has picked the domain).
struct RolloutOutcome {
  std::string task;
  std::string policy;
  bool success = false;
};

// Counts per (task, policy), sorted by task then policy.
std::vector<TaskPolicyCount> count_successes(std::span<const RolloutOutcome> rollouts);

// One policy's success rates on one task in both domains.
struct PolicyRates {
  std::string task;
  std::string policy;
  double sim = 0.0;
  double real = 0.0;
};

// Joins sim and real counts on (task, policy). Keys present on one side only are listed in
// `sim_only` / `real_only` ("task/policy") and left out of `rates`. Errors: a count with n <= 0
// or k outside [0, n], or a (task, policy) key repeated on one side (naming it).
struct JoinedRates {
  std::vector<PolicyRates> rates;  // sorted by task then policy
  std::vector<std::string> sim_only;
  std::vector<std::string> real_only;
};
Result<JoinedRates> join_rates(std::span<const TaskPolicyCount> sim,
                               std::span<const TaskPolicyCount> real);

struct AgreementOptions {
  MmrvConvention mmrv_convention = MmrvConvention::kSimpler;
  // Percentile bootstrap over policies (resampled with replacement within each task) for the
  // Spearman and Kendall intervals; 0 resamples leaves the intervals NaN.
  std::int64_t bootstrap_resamples = 2000;
  double confidence = 0.95;
  std::uint64_t seed = 20240501;
};

// A bootstrap interval: percentiles (linear interpolation between order statistics, NumPy's
// default) of the statistic over the resamples where it is defined; resamples where one side
// is constant (the statistic undefined) are skipped and counted.
struct BootstrapInterval {
  double low = 0.0;
  double high = 0.0;
  std::int64_t used = 0;
  std::int64_t skipped = 0;
};

struct TaskAgreement {
  std::string task;
  std::int64_t n_policies = 0;
  double pearson = 0.0;
  double mmrv = 0.0;
  double spearman = 0.0;
  double kendall = 0.0;
  BootstrapInterval spearman_interval;
  BootstrapInterval kendall_interval;
};

// `mean_pearson` and `mean_mmrv` average over the tasks where the statistic is defined (not
// NaN); `tasks_in_mean_pearson` says how many.
struct AgreementReport {
  std::vector<TaskAgreement> tasks;  // sorted by task
  double mean_pearson = 0.0;
  double mean_mmrv = 0.0;
  std::int64_t tasks_in_mean_pearson = 0;
};

// Agreement per task over its policies, then the means over tasks. The bootstrap of the task
// at index t of the sorted task order draws from std::mt19937_64(seed + t). Errors: no rows; a
// task with fewer than 2 policies (naming it); a (task, policy) repeated; a non-finite rate;
// confidence outside (0, 1); negative resamples.
Result<AgreementReport> sim_real_agreement(std::span<const PolicyRates> rates,
                                           const AgreementOptions& options = {});

}  // namespace parity::eval
