// Source mix: the proportions over training sources (lab, simulation, demonstrations,
// corrections, ...) whose mixture is closest to the target in MMD, and the quadratic program on
// the probability simplex behind it.
//
// Conventions as parity/plan/weights.h (standardised finite inputs, base weights, errors as
// kInvalidArgument naming the function, row and value; seeded, thread-count independent).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parity/core/status.h"
#include "parity/parity/multivariate.h"

namespace parity::plan {

using compare::Matrix;

// ---------------------------------------------------------------------------------------------
// Minimises f(pi) = pi' A pi - 2 b' pi over the simplex {pi >= 0, sum pi = 1}, A symmetric
// k x k (row-major), b of size k.
//
// Exact (k <= exact_max_size): every non-empty support S is tried: the KKT system
// [2 A_SS 1; 1' 0] [pi_S; -mu] = [2 b_S; 1] (Gaussian elimination with partial pivoting; a
// pivot below 1e-13 x the largest entry counts as singular and the support is skipped), and
// among the solutions with pi_S >= 0 the one of least f wins (ties: the support met first, in
// increasing bitmask order). For a positive semi-definite A that is the global minimum:
// a singular face's minimisers reach a smaller face. Cost O(2^k k^3).
// Iterative (larger k): accelerated projected gradient (FISTA with restarts; Euclidean
// projection onto the simplex, Duchi et al. 2008), step 1 / L with L = 2 max_s sum_t |A_st|,
// until the KKT residual is below kkt_tolerance or after max_iterations; then a primal
// active-set polish from the support found (pi_s > 1e-12): solve the face's KKT system, drop the
// most negative entry or add the most violated outside condition (g_s < mu), repeat (at most
// 4k steps); its solution replaces the iterate when it is not worse (up to 1e-12 relative).
// KKT residual (reported for both): with g = 2 A pi - 2 b and mu = pi' g, the largest of
// |g_s - mu| over pi_s > 0 and max(0, mu - g_s) over all s; 0 at an exact minimum.
struct SimplexQpOptions {
  std::size_t exact_max_size = 12;
  std::size_t max_iterations = 20000;
  double kkt_tolerance = 1e-12;
};

struct SimplexQpResult {
  std::vector<double> pi;
  double objective = 0.0;  // f(pi)
  double kkt_residual = 0.0;
  std::size_t iterations = 0;  // 0 for the exact solver
  std::string solver;          // "exact" or "projected_gradient"
};

// Errors: k = 0; A not k x k or not symmetric (|A_st - A_ts| > 1e-12 x max |A|); a non-finite
// entry; max_iterations 0 when k > exact_max_size; exact_max_size above 20.
Result<SimplexQpResult> minimize_on_simplex(std::span<const double> a, std::span<const double> b,
                                            const SimplexQpOptions& options = {});

// ---------------------------------------------------------------------------------------------
// The source mix. Each training row belongs to one of k sources (source[i] in [0, k)). P_s is
// source s's empirical distribution, rows weighted by their base weights within the source (a
// source whose base weights are all zero counts its rows equally, so that a source the
// current mix leaves out can still enter the optimal one). For the mixture sum_s pi_s P_s and
// the target Q, with the RBF kernel K(x, y) = exp(-|x - y|^2 / (2 sigma^2)) (Gretton et al.
// 2012),
//   MMD^2(pi) = pi' A pi - 2 b' pi + c,
//   A_st = E K(x, x'), x ~ P_s, x' ~ P_t;  b_s = E K(x, y), x ~ P_s, y ~ Q;  c = E K(y, y'),
// estimated without bias: A_st (s != t) and b_s by the weighted means over all pairs, A_ss and
// c by the weighted U-statistics (the pairs i != i', normalised by 1 - sum a_i^2 for the
// within-source weights a, as compare::mmd_rbf()); a source with a single row (of non-zero
// weight) has no pairs and keeps A_ss = K(x, x) = 1, the V-statistic (biased upwards: such a
// source looks farther from everything than it is). Otherwise MMD^2(pi) is an unbiased estimate of
// |sum_s pi_s mu_s - mu_Q|^2 for every pi (it can dip below 0 near a perfect match); a single
// source's MMD^2 equals compare::mmd_rbf()'s exact estimate for that source alone at the same
// bandwidth. The minimiser over the simplex is minimize_on_simplex(A, b).
//
// sigma: the median heuristic on all training rows and the target
// (compare::median_heuristic_bandwidth(), bandwidth_subsample rows, base weights ignored) when
// `bandwidth` is 0.
//
// Large inputs: each source with more than max_rows_per_source rows, and a target with more
// than max_target_rows, is replaced by a seeded uniform subsample of that many rows (weights
// kept). When the rows then used number at most exact_max_rows, A, b, c are exact sums over
// all pairs (O(N^2 d) time, O(N d) memory); above, they come from random Fourier features
// (Rahimi & Recht 2007) phi(x) = sqrt(2 / D) cos(W x + u), W ~ N(0, I / sigma^2),
// u ~ U[0, 2 pi), D = rff_features: A_st = phibar_s . phibar_t (within a source the diagonal
// terms |phi(x_i)|^2 removed as above), a Monte Carlo estimate of the same quantities with
// relative error of order 1 / sqrt(D) (up to 11% on a single source's MMD^2 in the tests at
// D = 1024, while the optimal proportions moved by 2e-4); O(N d D) time. At the defaults, with up
// to four sources the exact estimator runs on at most 6000 rows whatever the input size (3.6e7
// kernel values); more sources switch to the features (N = 1000 k + 2000 rows).
//
// Pitfall: with many columns and a difference confined to a few of them, the median-heuristic
// kernel is nearly flat along those columns and MMD^2(pi) varies by 1e-5 or less across the
// simplex, below the sampling error of A and b from 1000 rows per source: the optimum then moves
// with the subsample (seen at 64 columns with the sources differing in one). Compare `mmd2` with
// single_source_mmd2 and current_mmd2 before trusting the proportions; a smaller `bandwidth`
// or more rows per source sharpen them.
struct MixOptions {
  double bandwidth = 0.0;  // > 0: use it; 0: the median heuristic
  std::size_t bandwidth_subsample = 1000;
  std::size_t max_rows_per_source = 1000;  // >= 2
  std::size_t max_target_rows = 2000;      // >= 2
  std::size_t exact_max_rows = 6000;
  std::size_t rff_features = 1024;  // >= 1
  SimplexQpOptions solver;
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0 = the hardware's thread count
};

struct MixResult {
  std::vector<double> proportions;  // pi, per source
  double mmd2 = 0.0;                // MMD^2 at pi
  // MMD^2 of each source alone (pi = e_s), and of the current mix: pi_s = the share of the
  // base weight in source s (the source shares of the row count without base weights).
  std::vector<double> single_source_mmd2;
  std::vector<double> current_proportions;
  double current_mmd2 = 0.0;
  std::vector<std::size_t> source_rows;  // training rows per source (before subsampling)
  double bandwidth = 0.0;
  std::string estimator;         // "exact" or "rff"
  std::vector<double> gram;      // A, k x k row-major
  std::vector<double> affinity;  // b
  double target_self = 0.0;      // c
  double kkt_residual = 0.0;
  std::string solver;
};

// Errors: the common ones; a source label count other than the training row count; a label
// >= source_count; source_count 0; a source without rows; a target with fewer than 2 rows; a bad
// option (as above, plus rff_features 0, max_rows_per_source or max_target_rows < 2, a negative or
// non-finite bandwidth, bandwidth_subsample < 2).
Result<MixResult> source_mix(const Matrix& train, std::span<const std::size_t> source,
                             std::size_t source_count, std::span<const double> base_weights,
                             const Matrix& target, const MixOptions& options = {});

// Per-row training weights that realise the mix `proportions` over the sources: row i of source
// s gets proportions[s] x (its within-source weight as above, summing to 1 over the source) x
// n, so the weights sum to n (the row count) and compare::mmd_rbf() or `--train-weights file:`
// see the mixture. Errors: as source_mix() for the labels and base weights; a proportion count
// other than source_count; a negative or non-finite proportion; proportions summing to 0.
Result<std::vector<double>> mix_row_weights(std::span<const std::size_t> source,
                                            std::size_t source_count,
                                            std::span<const double> base_weights,
                                            std::span<const double> proportions);

}  // namespace parity::plan
