// Comparing two policies (or two versions of one) on binary success: A succeeded k_a of n_a
// times, B k_b of n_b times. Exact and asymptotic two-sided tests, the exact McNemar test for
// paired designs, the Bayesian probability that B is better, and multiplicity adjustments
// across slices.
//
// Conventions as parity/evaluation/intervals.h. The p-values of the exact tests follow SciPy's
// definitions (scipy.stats.fisher_exact, barnard_exact, boschloo_exact), so that results can be
// checked against it; where SciPy's definition involves a numerical tolerance, the same
// tolerance is used and named below.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parity/core/status.h"

namespace parity::eval {

// k successes in n trials. A valid count has n >= 1 and 0 <= k <= n.
struct Counts {
  std::int64_t k = 0;
  std::int64_t n = 0;
};

// Fisher's exact test, two-sided, conditional on both margins: the hypergeometric probability
// of every table whose probability is at most the observed one's, with SciPy's relative
// tolerance (scipy.stats.fisher_exact: a table counts when pmf <= pmf_observed (1 + 1e-14)).
// Capped at 1. Errors (kInvalidArgument): an invalid count (the message names "a" or "b").
Result<double> fisher_exact_two_sided(Counts a, Counts b);

// Which margins the unconditional tests (Barnard, Boschloo) hold fixed. SciPy's
// barnard_exact / boschloo_exact treat the two COLUMNS of their 2x2 table as the two binomial
// samples whose sizes are fixed.
enum class FixedMargins : std::uint8_t {
  // Each policy's number of trials is fixed (the evaluation design): SciPy's table
  // [[k_a, k_b], [n_a - k_a, n_b - k_b]], policies as columns. The default.
  kTrialsPerPolicy,
  // The totals of successes and of failures are fixed: SciPy called on
  // [[k_a, n_a - k_a], [k_b, n_b - k_b]] (policies as rows), i.e. the samples are "the
  // successes" (k_a of k_a + k_b from A) and "the failures". Not the evaluation design; it is
  // how the Barnard and Boschloo columns of ../shared/bench/stats_reference.csv were computed,
  // and is kept so that those published numbers can be reproduced.
  kSuccessesAndFailures,
};

// The nuisance parameter search of the unconditional tests. Their p-value is
// sup over pi in [0, 1] of P_pi(T), T the tables at least as extreme as the observed one, both
// samples binomial with success probability pi. SciPy maximises with shgo over n Sobol points
// refined by a local optimiser (the "scipy n=200" of the reference tables); here P_pi(T) is
// evaluated on the uniform grid pi = i / grid_points, i = 0..grid_points, and every grid peak
// within 1 (in log P) of the best grid value is refined by golden-section search on log P
// inside its two neighbouring cells until the bracket is narrower than 1e-12. Both find the
// global maximum whenever their sampling reaches its basin; P_pi(T) is a polynomial of degree
// n_a + n_b. When one sample is empty (kSuccessesAndFailures with no successes or no failures
// at all) the p-value is 1 (SciPy: 1 for Barnard, NaN for Boschloo).
struct UnconditionalOptions {
  int grid_points = 400;  // >= 2
  FixedMargins margins = FixedMargins::kTrialsPerPolicy;
};

// Barnard's exact test, two-sided, with the pooled-variance Wald statistic (as
// scipy.stats.barnard_exact(pooled=True)). For samples (x_1 of n_1, x_2 of n_2):
// W = (p_1 - p_2) / sqrt(p (1 - p) (1 / n_1 + 1 / n_2)), p = (x_1 + x_2) / (n_1 + n_2), W = 0
// where p_1 = p_2; T = tables with |W| >= |W_observed|, computed with SciPy's floating-point
// operations in SciPy's order so that ties fall alike (with kSuccessesAndFailures that
// arithmetic is not exactly symmetric, so swapping A and B can change the p-value, as it does
// in SciPy). Errors: an invalid count; grid_points < 2.
Result<double> barnard_exact_two_sided(Counts a, Counts b,
                                       const UnconditionalOptions& options = {});

// Boschloo's exact test, two-sided, as scipy.stats.boschloo_exact: each one-sided version
// orders tables by Fisher's one-sided p-value (T = tables with p_Fisher <= p_Fisher_observed
// (1 + 1e-13), SciPy's tolerance) and maximises over pi; the two-sided p-value is twice the
// smaller one-sided p-value, capped at 1. Errors as barnard_exact_two_sided().
Result<double> boschloo_exact_two_sided(Counts a, Counts b,
                                        const UnconditionalOptions& options = {});

// Pooled two-proportion z-test: z = (p_b - p_a) / sqrt(p (1 - p) (1 / n_a + 1 / n_b)),
// p = (k_a + k_b) / (n_a + n_b), two-sided p = erfc(|z| / sqrt 2). When p is 0 or 1 (no
// variance) z = 0 and p_value = 1. Errors: an invalid count.
struct ZTest {
  double z = 0.0;
  double p_value = 1.0;
};
Result<ZTest> pooled_z_test(Counts a, Counts b);

// Exact McNemar test for a paired design (both policies run from the same initial states):
// only the discordant pairs count, a_only = pairs where only A succeeded, b_only = only B. The
// p-value is min(1, 2 P(X <= min(a_only, b_only))), X ~ Binomial(a_only + b_only, 1/2), as
// statsmodels' mcnemar(exact=True); 1 without discordant pairs. Errors: a negative count.
struct McNemar {
  std::int64_t a_only = 0;
  std::int64_t b_only = 0;
  std::int64_t both = 0;     // pairs where both succeeded (0 when built from discordant counts)
  std::int64_t neither = 0;  // pairs where both failed
  double p_value = 1.0;
};
Result<McNemar> mcnemar_exact(std::int64_t a_only, std::int64_t b_only);

// One pair: the outcomes of A and B from the same initial state.
struct PairedOutcome {
  bool a_success = false;
  bool b_success = false;
};
// The same test on the pairs themselves. Errors: no pairs.
Result<McNemar> mcnemar_exact(std::span<const PairedOutcome> pairs);

// P(p_b > p_a) under independent Beta(1, 1) priors: the posteriors are Beta(k + 1, n - k + 1)
// and the probability is the exact finite sum (Miller 2015, from the integer-parameter
// identity) P = sum_{i=0}^{alpha_b - 1} B(alpha_a + i, beta_a + beta_b) /
// ((beta_b + i) B(1 + i, beta_b) B(alpha_a, beta_a)), summed in log space (error ~1e-13).
// Errors: an invalid count.
Result<double> probability_b_better(Counts a, Counts b);

// Everything above for one comparison.
struct Comparison {
  double fisher_p = 1.0;
  double barnard_p = 1.0;
  double boschloo_p = 1.0;
  ZTest z;
  double prob_b_better = 0.5;
};
Result<Comparison> compare_proportions(Counts a, Counts b,
                                       const UnconditionalOptions& options = {});

// Holm's step-down adjustment (Holm 1979): with p sorted ascending, adjusted p_(i) =
// max_{j <= i} min(1, (m - j + 1) p_(j)). Returned in input order. Controls the family-wise
// error rate under any dependence. Errors: a value outside [0, 1] or NaN (naming its index).
Result<std::vector<double>> holm_adjust(std::span<const double> p_values);

// Benjamini-Hochberg step-up adjustment (1995): adjusted p_(i) = min_{j >= i} min(1,
// m p_(j) / j). Returned in input order. Controls the false discovery rate for independent or
// positively dependent tests. Errors as holm_adjust().
Result<std::vector<double>> benjamini_hochberg_adjust(std::span<const double> p_values);

}  // namespace parity::eval
