// Joint (multivariate) two-sample tests between a weighted training sample and an unweighted
// target (deployment) sample of feature vectors: MMD^2 with an RBF kernel, a domain-classifier
// test, and k-NN precision / recall / density / coverage. Definitions, defaults and costs are
// stated next to each function; docs/metrics.md summarises them.
//
// Conventions shared by every function here:
// - Rows are samples (episodes), columns features; both matrices have the same columns.
// - `weights` weighs the training rows: empty = every row weighs the same; otherwise one finite
//   value >= 0 per training row, not all zero. Only ratios matter (weights are normalised to
//   sum to 1 inside). Rows of weight 0 take no part in a statistic (stated per function).
// - The tests expect finite values on a common scale: pass the output of standardize().
// - Errors (kInvalidArgument): an empty side, a matrix whose values do not hold rows x cols
//   entries, differing column counts, a weight count different from the training row count, a
//   negative or non-finite weight, all weights zero, a non-finite value, a bad option. Messages
//   name the function, the side, the row and column and the value found.
// - Randomness (permutations, subsamples, folds, random features) comes from `seed` alone:
//   equal inputs and options give bit-identical results, whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "parity/core/status.h"
#include "parity/parity/interval.h"

namespace parity::compare {

// A dense row-major matrix: value (r, c) is values[r * cols + c].
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;

  double at(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
  std::span<const double> row(std::size_t r) const {
    return std::span<const double>(values).subspan(r * cols, cols);
  }
};

// Both sides on the target's scale.
struct Standardized {
  Matrix train;
  Matrix target;
  std::vector<double> center;  // per column: the value subtracted
  std::vector<double> scale;   // per column: the divisor (1 for a constant column)
};

// Scales both sides by the TARGET's per-column mean and population standard deviation (ddof
// 0) over its finite values: x' = (x - mean) / std. NaN marks a missing feature; it is imputed
// by the target mean, i.e. becomes 0 after scaling. A column whose target values are all equal
// (std 0) is centred only (scale 1). A column with no finite target value falls back to the
// weighted mean and standard deviation of the training values (weights as above); with no
// finite value on either side it becomes all zeros.
// Errors: the common ones, except that NaN is allowed; +-inf is rejected.
Result<Standardized> standardize(const Matrix& train, std::span<const double> train_weights,
                                 const Matrix& target);

// ---------------------------------------------------------------------------------------------
// MMD^2 with the Gaussian RBF kernel k(x, y) = exp(-|x - y|^2 / (2 bandwidth^2)) (Gretton et
// al. 2012, "A Kernel Two-Sample Test", JMLR 13).
//
// Bandwidth (median heuristic): the median Euclidean distance over all pairs i < j of the
// pooled sample (training rows of non-zero weight, then target rows); when the pooled sample
// has more than `bandwidth_subsample` rows, over the pairs of a seeded uniform subsample of
// that many pooled rows (weights ignored). An even pair count takes the mean of the two middle
// distances (NumPy's median). A zero median (mostly duplicates) falls back to the mean of the
// positive pairwise distances, and to 1 when all are zero.
//
// Estimator "exact" (pooled rows <= exact_max_rows; O(N^2 d) time, N^2 floats of memory for
// the kernel matrix, plus O(N^2) per permutation): with training weights a_i normalised to sum
// 1 and target weights b_j = 1/m,
//   MMD^2 = (sum_{i!=i'} a_i a_i' k(x_i, x_i')) / (1 - sum a_i^2)
//         + (sum_{j!=j'} k(y_j, y_j')) / (m (m - 1))
//         - 2 sum_{i,j} a_i b_j k(x_i, y_j),
// the weighted U-statistic; with equal weights it is the unbiased MMD^2_u of Gretton et al.
// (eq. 3). Rows of weight 0 are dropped first. Requires >= 2 rows of non-zero weight on each
// side.
//
// Estimator "rff" (pooled rows > exact_max_rows; O(N d D) time and O(N D) memory, plus O(n D)
// per permutation): random Fourier features (Rahimi & Recht 2007, "Random Features for
// Large-Scale Kernel Machines") phi(x) = sqrt(2 / D) cos(W x + c), W ~ N(0, I / bandwidth^2),
// c ~ U[0, 2 pi), D = rff_features, replace k(x, y) by phi(x) . phi(y) in the same U-statistic
// (the diagonal terms use |phi(x)|^2). It estimates the same quantity with an extra error of
// order 1 / sqrt(D).
//
// p-value (both estimators): a permutation test that counts the observed statistic,
// p = (1 + #{permuted >= observed}) / (1 + permutations). A permutation reassigns the pooled
// rows to the n training slots and the m target slots; the i-th training slot keeps weight
// a_i (the weights belong to the slots, not the rows). Exact under the null with equal
// weights; with unequal weights it treats the weighted training mix as exchangeable with the
// target, an approximation. permutations = 0 skips the test (p_value = 1).
struct MmdOptions {
  double bandwidth = 0.0;                  // > 0: use it; 0: the median heuristic
  std::size_t bandwidth_subsample = 1000;  // pooled rows the median heuristic looks at (>= 2)
  std::size_t permutations = 200;
  std::size_t exact_max_rows = 5000;  // pooled rows up to which the exact estimator runs
  std::size_t rff_features = 256;     // D for the random-feature estimator (>= 1)
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0 = the hardware's thread count
};

struct MmdResult {
  double mmd2 = 0.0;
  double p_value = 1.0;
  double bandwidth = 0.0;
  std::size_t permutations = 0;
  std::string estimator;  // "exact" or "rff"
};

// Errors: the common ones; fewer than 2 rows of non-zero weight on a side; a negative or
// non-finite bandwidth; bandwidth_subsample < 2; rff_features 0.
Result<MmdResult> mmd_rbf(const Matrix& train, std::span<const double> weights,
                          const Matrix& target, const MmdOptions& options = {});

// The median-heuristic bandwidth as defined above, on the training rows of non-zero weight
// and the target rows. Errors: as mmd_rbf().
Result<double> median_heuristic_bandwidth(const Matrix& train, std::span<const double> weights,
                                          const Matrix& target, std::size_t subsample,
                                          std::uint64_t seed);

// ---------------------------------------------------------------------------------------------
// Domain-classifier two-sample test (Lopez-Paz & Oquab 2017, "Revisiting Classifier Two-Sample
// Tests"): an L2-regularised logistic regression learns to tell target (label 1) from training
// (label 0) rows; its cross-validated ROC AUC is ~0.5 when the sides match and -> 1 as they
// separate.
//
// Terms: the model sees the columns x_c, their squares x_c^2 (so that a change of spread is
// visible to a linear model) and, when there are at most quadratic_max_columns columns, every
// product x_c x_e (c < e; a change of correlation with unchanged marginals). Order: linear terms,
// squares, products in (c, e) lexicographic order. d columns give 2d terms (d(d+3)/2 with
// products).
//
// Model: minimises sum_i s_i logloss_i + |beta|^2 / (2 C) over the term coefficients beta and
// an unpenalised intercept (scikit-learn's LogisticRegression(C) with sample_weight s), by
// Newton's method with backtracking to a gradient max-norm below 1e-9 x (sum of s), at most 100
// iterations; above 32768 rows the Hessian is taken over an evenly strided subset of 32768 rows
// (the gradient always over all: the optimum is the same) until an iteration stalls (lowers the
// objective by no more than 1e-12 of it, or finds no decrease: a subsampled Hessian converges
// only linearly and can cycle above the tolerance), then over all rows. Sample weights are
// class-balanced: training rows s_i = a_i N / 2 (a the normalised training weights), target rows
// s_j = N / (2 m), N = n + m; with equal training weights that is class_weight="balanced". Cost
// per Newton iteration O(N T + min(N, 32768) T^2) for T terms (O(N T^2) for the last few above
// 32768 rows); the fold fits start from the all-rows fit.
//
// Folds: stratified_folds() below, `folds` folds. Each row's p(target | x) comes from the model
// fitted on the other folds (out-of-fold; the balanced weights make the prior 1/2). Rows of
// weight 0 get a prediction but neither train a model nor count in the AUC.
//
// AUC: the weighted Mann-Whitney statistic over the out-of-fold predictions: the sum over
// target rows j and training rows i of a_i [p_j > p_i] + a_i / 2 [p_j == p_i], divided by m.
// auc_ci: DeLong et al. (1988) normal interval, AUC +- z sqrt(S10 / m + S01 / n_eff), clipped
// to [0, 1], with S10 and S01 the (weighted) variances of the structural components and n_eff
// the Kish effective size of the training weights. Pitfall: under identical distributions the
// cross-validated AUC is biased slightly below 0.5 (about 0.48 at a few hundred rows per side:
// each held-out row is missing from its own fit), and the interval ignores the variation
// between fits; read AUC as an effect size (0.5 none, > 0.7 clear separation), and "auc_ci.low
// > 0.5" as a conservative test.
//
// Explanations, from a model fitted on all rows (same weights): `terms`, the top_features terms
// ranked by |coefficient| descending (ties: earlier term first); `top_features`, the columns
// ranked by their largest |coefficient| over the terms that involve them, each with that
// coefficient, at most top_features of them. On standardised inputs the coefficients are
// standardised: a positive linear one means larger values look more like the target, a positive
// square one that the target is more spread out along that column.
struct ClassifierOptions {
  std::size_t folds = 5;  // >= 2, and at most the smaller side's row count
  double c = 1.0;         // inverse regularisation strength (> 0)
  std::size_t quadratic_max_columns = 16;
  double confidence = 0.95;
  std::size_t top_features = 10;
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0 = the hardware's thread count
};

// A model term: x_column (other == kLinearTerm), x_column^2 (other == column) or
// x_column x_other.
struct ClassifierTerm {
  static constexpr std::size_t kLinearTerm = static_cast<std::size_t>(-1);
  std::size_t column = 0;
  std::size_t other = kLinearTerm;
  double coefficient = 0.0;
};

struct ClassifierResult {
  double auc = 0.5;
  Interval auc_ci;
  std::vector<double> p_target_train;   // out-of-fold p(target | x) per training row
  std::vector<double> p_target_target;  // out-of-fold p(target | x) per target row
  std::vector<std::pair<std::size_t, double>> top_features;
  std::vector<ClassifierTerm> terms;
  std::size_t folds = 0;
};

// Errors: the common ones; folds < 2 or more than the rows of either side (training rows of
// non-zero weight); c <= 0; confidence outside (0, 1).
Result<ClassifierResult> domain_classifier(const Matrix& train, std::span<const double> weights,
                                           const Matrix& target,
                                           const ClassifierOptions& options = {});

// The fold (0 .. folds-1) of every row for the classifier test: within each side separately,
// the rows are put in a seeded random order (Fisher-Yates with the generator of this library)
// and the r-th row in that order goes to fold r mod folds. Returns the training rows' folds
// followed by the target rows'. Precondition: folds >= 1.
std::vector<std::uint32_t> stratified_folds(std::size_t n_train, std::size_t n_target,
                                            std::size_t folds, std::uint64_t seed);

// ---------------------------------------------------------------------------------------------
// k-NN precision, recall, density and coverage (Naeem et al. 2020, "Reliable Fidelity and
// Diversity Metrics for Generative Models", ICML), with the TARGET as the reference ("real")
// set and the training rows as the "fake" set. Euclidean distances; R_k(x) is the distance
// from x to its k-th nearest neighbour in its own set (itself excluded). With r real rows,
// f fake rows:
//   precision = share of fake rows inside some real ball: exists j, |f - r_j| < R_k(r_j);
//   recall    = share of real rows inside some fake ball: exists i, |r - f_i| < R_k(f_i);
//   density   = (1 / k) x mean over fake rows of #{j : |f - r_j| < R_k(r_j)};
//   coverage  = share of real rows whose nearest fake row lies inside their ball:
//               min_i |r_j - f_i| < R_k(r_j).
// Training weights: rows of weight 0 are excluded; precision and density are weighted means
// over the fake rows (weights a_i); recall and coverage depend on the fake rows' positions
// only. k: when options.k = 0, the smallest k with expected coverage >= expected_coverage
// under identical distributions, E[coverage] = 1 - prod_{i=1..k} (N - i) / (N + M - i) for N
// real and M fake rows (Naeem et al., section 4), capped at N - 1 and M - 1.
// Large inputs: a side with more rows than max_rows_per_side is replaced by a seeded uniform
// subsample of that many rows (weights kept); 0 = never subsample. Nearest neighbours are
// exact (blocked brute force): O(r^2 + f^2 + r f) distance evaluations of O(d) each.
struct PrdcOptions {
  std::size_t k = 0;  // 0 = choose from expected_coverage
  double expected_coverage = 0.95;
  std::size_t max_rows_per_side = 10000;
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0 = the hardware's thread count
};

struct PrdcResult {
  double precision = 0.0;
  double recall = 0.0;
  double density = 0.0;
  double coverage = 0.0;
  std::size_t k = 0;
  double expected_coverage = 0.0;  // E[coverage] under identical distributions for this k
  std::size_t real_rows = 0;       // target rows used (after subsampling)
  std::size_t fake_rows = 0;       // training rows used (non-zero weight, after subsampling)
};

// Errors: the common ones; fewer than 2 rows on a side (after dropping zero weights); an
// explicit k >= the row count of a side; expected_coverage outside (0, 1).
Result<PrdcResult> prdc(const Matrix& train, std::span<const double> weights, const Matrix& target,
                        const PrdcOptions& options = {});

// E[coverage] for k, n_real and n_fake as above (n_real > k).
double prdc_expected_coverage(std::size_t k, std::size_t n_real, std::size_t n_fake);

// The smallest k in [1, min(n_real, n_fake) - 1] with prdc_expected_coverage >= target, or
// that upper bound when none reaches it. Precondition: n_real, n_fake >= 2.
std::size_t prdc_k_for_coverage(std::size_t n_real, std::size_t n_fake, double target);

}  // namespace parity::compare
