// Univariate two-sample comparisons of a training selection against a target (deployment)
// selection: one numeric feature or one categorical attribute at a time (DESIGN.md
// "Statistics"). Definitions, references and defaults are in docs/metrics.md.
//
// Training samples carry non-negative weights (a weighted training mix, per source or per
// episode); an empty weight span means equal weights. Every statistic uses the weighted training
// distribution, i.e. the distribution that puts mass w_i / sum(w) on training sample i:
// weighted ECDFs (W1, KS), weighted bin shares (PSI), weighted category shares (JS, L-inf,
// chi-square), weighted median, weighted resampling (bootstrap). The target is unweighted.
// Where a statistic needs a sample size (KS p-value, chi-square, Cramér's V) the training side
// counts as its Kish effective sample size, n_eff = (sum w)^2 / sum w^2, which equals the count
// when the weights are equal.
//
// All functions are pure and thread-safe; results are deterministic for fixed inputs and seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parity/core/status.h"
#include "parity/parity/interval.h"
#include "parity/profile/kll_sketch.h"

namespace parity::compare {

// What w1_normalized divides by.
enum class SpreadSource : std::uint8_t {
  kTargetStd,  // population standard deviation of the target (the default)
  kTrainStd,   // the target is constant: weighted population standard deviation of training
  kUnit,       // both sides are constant: 1.0, so w1_normalized = w1 in the feature's units
};

struct NumericComparison {
  std::size_t n_train = 0;   // training samples (weight zero included)
  std::size_t n_target = 0;  // target samples
  double train_ess = 0;      // Kish effective sample size of the training weights
  // Exact Wasserstein-1 distance between the weighted training and the target empirical
  // distributions, integral of |F_train(x) - F_target(x)| dx (same value as
  // scipy.stats.wasserstein_distance(train, target, u_weights=w)). Feature units.
  double w1 = 0;
  // w1 / spread (see SpreadSource): dimensionless.
  double w1_normalized = 0;
  double spread = 0;
  SpreadSource spread_source = SpreadSource::kTargetStd;
  // Two-sided two-sample Kolmogorov-Smirnov statistic sup |F_train - F_target| of the
  // (weighted) right-continuous ECDFs, evaluated at every sample value (ties handled as in
  // scipy.stats.ks_2samp).
  double ks = 0;
  // Its p-value. Equal weights: as scipy.stats.ks_2samp(method='auto'), see
  // ks_two_sample_p_value(). Unequal weights: the asymptotic formula with n_train replaced by
  // train_ess, i.e. kolmogorov_smirnov_sf(round(n_eff * m / (n_eff + m)), ks).
  double ks_p = 1;
  // Population stability index on bins frozen on the target (the reference / "expected" side;
  // training is the "actual" side): sum_b (t_b - r_b) ln(t_b / r_b) with t_b the target share and
  // r_b the weighted training share of bin b, both floored at psi_epsilon. Bin edges are the
  // target quantiles at i / psi_bins, i = 1 .. psi_bins - 1 (NumPy's default linear
  // interpolation); equal edges (ties in the target) collapse into one, so fewer bins may be
  // used (psi_bins_used). Bins are right-closed: bin b holds edge[b-1] < x <= edge[b].
  double psi = 0;
  std::size_t psi_bins_used = 0;
  // Percentile bootstrap intervals at NumericOptions::confidence (low and high NaN when
  // bootstrap == 0).
  Interval w1_normalized_ci{};
  Interval ks_ci{};
  Interval psi_ci{};
  // Weighted medians (see weighted_median()).
  double train_p50 = 0;
  double target_p50 = 0;
  double train_mean = 0;  // weighted
  double target_mean = 0;
};

struct NumericOptions {
  std::size_t psi_bins = 10;  // >= 1
  double psi_epsilon = 1e-4;  // > 0: floor on both shares of a PSI bin
  // Bootstrap replicates; 0 skips the intervals. Each replicate draws n_train training samples
  // with probability proportional to their weight and n_target target samples uniformly, both
  // with replacement and independently, and recomputes w1_normalized (spread included), ks and
  // psi (on the original target's bin edges).
  std::size_t bootstrap = 200;
  double confidence = 0.95;  // in (0, 1)
  std::uint64_t seed = 1;
};

// Compares one numeric feature: weighted training values against target values.
// Cost: O((n + m) log(n + m)) for the point estimates, plus O(n + m) per bootstrap replicate.
// Errors: kInvalidArgument when train or target is empty, train_weights is neither empty nor
// of train's size, a value or weight is not finite, a weight is negative, all weights are zero,
// or an option is out of range. Messages name the offending index.
Result<NumericComparison> compare_numeric(std::span<const double> train,
                                          std::span<const double> train_weights,
                                          std::span<const double> target,
                                          const NumericOptions& options = {});

// W1 and KS between two quantile sketches, for data too large to compare exactly.
struct SketchComparison {
  std::uint64_t n_train = 0;
  std::uint64_t n_target = 0;
  double w1 = 0;  // feature units
  double ks = 0;
  // With probability >= 98% (both sketches within their 99% rank bound):
  //   |ks - ks_exact| <= ks_error_bound = eps_train + eps_target + grid_error,
  //   |w1 - w1_exact| <= w1_error_bound = ks_error_bound * (max - min over both sketches),
  // where eps is KllSketch::rank_error_bound() and grid_error = 2 / (grid points per sketch).
  double ks_error_bound = 0;
  double w1_error_bound = 0;
};

// Evaluates both sketches' CDFs on the union of their quantiles at i / G (G = 2 * the larger
// number of retained items, at least 64) and integrates the step functions: exact (up to
// floating-point rounding) when every item was retained, e.g. fewer items than k. The training
// sketch holds the (unweighted) training values.
// Errors: kInvalidArgument when a sketch is empty or holds an infinite item.
Result<SketchComparison> compare_numeric_sketch(const profile::KllSketch& train,
                                                const profile::KllSketch& target);

// One category of a categorical comparison.
struct CategoryShare {
  std::string name;        // "" is the category of missing values
  double train_share = 0;  // weighted
  double target_share = 0;
  std::size_t train_count = 0;  // training samples (whatever their weight)
  std::size_t target_count = 0;
};

struct CategoricalComparison {
  std::size_t n_train = 0;
  std::size_t n_target = 0;
  double train_ess = 0;
  // Jensen-Shannon distance (square root of the JS divergence, base-2 logarithms), in [0, 1];
  // same value as scipy.spatial.distance.jensenshannon(train_shares, target_shares, base=2).
  double js = 0;
  // max over categories of |train_share - target_share|, and that category (the first by name
  // among ties).
  double linf = 0;
  std::string linf_category;
  // Cramér's V of the 2 x K table, sqrt(chi2 / N) (min(2, K) - 1 = 1); 0 when K < 2.
  double cramers_v = 0;
  // Categories present in the target whose training weight is zero, sorted by name.
  std::vector<std::string> missing_in_train;
  // Pearson chi-square test of homogeneity on the 2 x K table (no continuity correction; same
  // as scipy.stats.chi2_contingency(table, correction=False)). Row 1 holds the weighted training
  // counts train_share * train_ess, row 2 the target counts; columns whose total is zero are
  // dropped. nullopt when fewer than two columns remain (chi2_dof is then 0).
  std::optional<double> chi2;
  std::optional<double> chi2_p;
  int chi2_dof = 0;
  // Cochran's rule: every expected count >= 1 and at least 80% of them >= 5. When false the
  // p-value's chi-square approximation is unreliable (chi2 and chi2_p are still reported).
  bool chi2_valid = false;
  // Every category seen on either side, sorted by name.
  std::vector<CategoryShare> categories;
};

// Compares one categorical attribute. Missing values are the category "" (callers map them).
// Errors: kInvalidArgument as compare_numeric (empty sides, mismatched or bad weights).
Result<CategoricalComparison> compare_categorical(std::span<const std::string> train,
                                                  std::span<const double> train_weights,
                                                  std::span<const std::string> target);

// Benjamini-Hochberg adjusted p-values (q-values), in the input order: q_(i) = min over j >= i
// of min(1, p_(j) * m / j) on the ascending order (same as
// scipy.stats.false_discovery_control(p, method='bh') and statsmodels' 'fdr_bh'). NaN inputs
// stay NaN and do not count in m. Precondition: every other input lies in [0, 1].
std::vector<double> benjamini_hochberg(std::span<const double> p_values);

// Distribution functions behind the tests above.

// How ks_two_sample_p_value() computes the two-sided p-value (as scipy.stats.ks_2samp).
enum class KsMethod : std::uint8_t {
  kAuto,   // kExact when max(n1, n2) <= 10000, else kAsymp
  kExact,  // exact null distribution (Hodges 1958; n1 == n2: reflection formula; otherwise a
           // lattice-path recursion on 1 - p, Viehmann 2021, arXiv:2102.08037); kAsymp when
           // lcm(n1, n2) does not fit in an int32, and (unlike SciPy, to bound the time) when
           // n1 != n2 and the recursion would visit more than 2.5e7 lattice cells (~2 d n1 n2),
           // which for n1, n2 <= 10000 only happens when p < 1e-60
  kAsymp,  // kolmogorov_smirnov_sf(round(n1 n2 / (n1 + n2)), d)
};

// p-value of a two-sided two-sample KS statistic d between samples of n1 and n2 values. The exact
// method rounds d to the nearest multiple of 1 / lcm(n1, n2) first. Preconditions: n1, n2 >= 1,
// 0 <= d <= 1.
double ks_two_sample_p_value(std::size_t n1, std::size_t n2, double d,
                             KsMethod method = KsMethod::kAuto);

// Survival function P(D_n >= x) of the one-sample two-sided Kolmogorov-Smirnov statistic
// (scipy.stats.kstwo.sf), after Simard & L'Ecuyer, J. Stat. Softw. 39(11), 2011: Ruben-Gambino
// closed forms near the ends, the Durbin matrix (Marsaglia, Tsang & Wang, J. Stat. Softw. 8(18),
// 2003) for small n x^2, twice the one-sided Smirnov tail (Birnbaum & Tingey 1951) for large
// n x^2, and the Pelz-Good (1976) expansion for large n. Precondition: n >= 1.
double kolmogorov_smirnov_sf(std::uint64_t n, double x);

// P(X > x) for X ~ chi-square with dof degrees of freedom: the regularized upper incomplete
// gamma function Q(dof / 2, x / 2) (series for x < a + 1, Lentz continued fraction otherwise).
// Preconditions: dof > 0, x not NaN.
double chi_square_sf(double x, double dof);

// Weighted median of `values` (weights as compare_numeric; empty = equal): with the values
// sorted and W the total weight, the first value whose cumulative weight reaches W / 2; when the
// cumulative weight equals W / 2 exactly there, the mean of it and the next value (so equal
// weights give numpy.median). Errors as compare_numeric.
Result<double> weighted_median(std::span<const double> values, std::span<const double> weights);

}  // namespace parity::compare
