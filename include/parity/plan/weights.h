// Importance weights for training rows under covariate shift: per-row weights w_i such that the
// w-weighted training distribution approximates the target (deployment) distribution, i.e.
// w(x) ~ q(x) / p(x) for the target density q and the (base-weighted) training density p.
// Two estimators: the domain classifier's odds (density_ratio_weights) and KLIEP
// (kliep_weights). Both share the clipping, normalisation and effective-sample-size report
// described at WeightOptions / WeightResult.
//
// Conventions shared by every function here (those of parity/parity/multivariate.h):
// - Rows are samples (episodes), columns features; both matrices have the same columns, and hold
//   finite values on a common scale: pass the output of compare::standardize().
// - `base_weights` weighs the training rows: empty = every row weighs 1; otherwise one finite
//   value >= 0 per training row, not all zero. The estimated ratio corrects the base-weighted
//   training mix towards the target, and the returned weight of row i is base_i x ratio_i (so
//   a row of base weight 0 gets weight 0 and takes no part in any estimate).
// - Errors (kInvalidArgument): an empty side, a matrix whose values do not hold rows x cols
//   entries, differing column counts, a base-weight count different from the training row
//   count, a negative or non-finite base weight, all base weights zero, a non-finite value, a
//   bad option. Messages name the function, the side, the row and column or option, and the
//   value found.
// - Randomness (folds, centres, subsamples) comes from the seeds alone: equal inputs and options
//   give bit-identical results, whatever the thread count.
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

// Post-processing shared by both estimators, in this order:
// 1. ratio_i, the estimated q/p at training row i (>= 0);
// 2. raw_i = base_i x ratio_i, rescaled to mean 1 over the rows of non-zero base weight;
// 3. clipping: cap = min(quantile `clip_quantile` of raw over those rows (NumPy's default,
//    linear interpolation), max_ratio x 1); raw_i > cap becomes cap (counted in `clipped`).
//    clip_quantile = 1 and max_ratio = 0 disable the respective rule. Default: a cap at 20 x
//    the mean weight, no quantile: without a cap a handful of training rows that happen to sit
//    where the target is dense carry most of the mass and the weighted statistics become as
//    noisy as that handful (Cortes, Mansour & Mohri 2010 bound the error of importance
//    weighting by the weights' second moment). A quantile cap (e.g. 0.99) always caps that
//    share of the rows, even when the weights are benign, and biases the reweighted statistics
//    towards the training side: on a one-SD mean shift the 99th percentile cap left the
//    reweighted mean 0.07-0.09 SD short of the target's, the 20 x cap at most 0.07 SD;
// 4. weights rescaled to mean 1 over the rows of non-zero base weight again (after clipping the
//    largest weight can therefore lie slightly above the cap).
struct WeightOptions {
  double clip_quantile = 1.0;  // in (0, 1]; 1 = no quantile clipping
  double max_ratio = 20.0;     // 0 = no cap, else >= 1: the cap as a multiple of the mean
};

struct WeightResult {
  std::vector<double> weights;  // per training row; 0 where the base weight is 0
  std::vector<double> ratio;    // per training row: the estimated q/p before steps 2-4
  // Kish effective sample size (sum w)^2 / sum w^2 over the rows of non-zero base weight, and
  // its share of their count: 1 for equal weights, small when few rows carry the mass (then
  // weighting cannot fix the gap; collect data instead).
  double ess = 0.0;
  double ess_fraction = 0.0;
  double max_weight = 0.0;
  std::size_t clipped = 0;  // rows capped in step 3
  std::size_t rows = 0;     // training rows of non-zero base weight
  std::string method;       // "classifier" or "kliep"
  // classifier: the domain classifier's cross-validated AUC (0.5 = no detectable shift);
  // kliep: NaN.
  double auc = 0.0;
  // kliep: the chosen Gaussian bandwidth and the mean held-out log-likelihood of every
  // candidate (in KliepOptions::bandwidth_factors order; empty without cross-validation).
  double bandwidth = 0.0;
  std::vector<double> cv_log_likelihood;
};

// ---------------------------------------------------------------------------------------------
// Density-ratio weights from a probabilistic domain classifier (Bickel, Brückner & Scheffer
// 2009, "Discriminative Learning Under Covariate Shift", JMLR 10): with p(target | x) from a
// classifier of target (1) versus training (0) rows, Bayes' rule gives
//   q(x) / p(x) = p(target | x) / (1 - p(target | x)) x (n_train / n_target),
// the second factor undoing the class prior. compare::domain_classifier() balances its classes
// (the prior is 1/2), so the odds alone estimate the ratio; any constant factor cancels in the
// normalisation anyway. The model is that of compare::domain_classifier() (L2 logistic
// regression on the columns, their squares and, up to 16 columns, their pairwise products:
// exact for Gaussians, whose log-ratio is quadratic), fitted with the base weights as sample
// weights, so that it corrects the base-weighted mix.
//
// The probabilities are OUT-OF-FOLD (each row's from the model fitted without its fold): an
// in-sample fit has seen the row with its label and pushes its p(target | x) towards 0, most
// for the isolated training rows in target-dense regions that matter most, so the in-sample
// odds are biased towards 0 exactly where the weights should be large; out-of-fold
// probabilities are honest predictions at each row (cross-fitting). The cost is the
// classifier's (five Newton fits; above 32768 rows the Hessian is subsampled): about 9 s of CPU
// at 100k rows per side and 64 columns in a release build (KLIEP with its defaults: about 1.3 s). p
// is kept within [1e-9, 1 - 1e-9] so that a ratio stays finite; clipping handles the rest.
//
// Errors: the common ones; options as compare::domain_classifier() (folds >= 2 and at most the
// smaller side's row count, c > 0); clip_quantile outside (0, 1]; max_ratio neither 0 nor >= 1.
Result<WeightResult> density_ratio_weights(const Matrix& train,
                                           std::span<const double> base_weights,
                                           const Matrix& target, const WeightOptions& options = {},
                                           const compare::ClassifierOptions& classifier = {});

// ---------------------------------------------------------------------------------------------
// KLIEP, the Kullback-Leibler importance estimation procedure (Sugiyama, Nakajima, Kashima,
// von Bünau & Kawanabe 2008, "Direct Importance Estimation with Model Selection and Its
// Application to Covariate Shift Adaptation", NIPS 20). Model
//   ratio(x) = sum_l alpha_l K(x, c_l),  K(x, c) = exp(-|x - c|^2 / (2 sigma^2)),
// with b centres c_l drawn from the target. It maximises the target log-likelihood of
// ratio x p, i.e. J(alpha) = (1 / m') sum_j log ratio(y_j) over the m' objective target rows,
// subject to ratio being a density ratio: sum_i a_i ratio(x_i) = 1 (a = base weights
// normalised to sum 1, so the base-weighted training mean of the ratio is 1) and alpha >= 0.
//
// Rows used: one seeded shuffle of the target rows; its first min(centers, m / 2) rows are the
// centres, the next min(max_target_rows, the rest) rows the objective rows m'. Centres and
// objective rows are disjoint: a row that is its own centre would reward ever smaller
// bandwidths, in the fit and in the cross-validation. The constraint b_l = sum_i a_i
// K(x_i, c_l) runs over every training row of non-zero base weight. Cost: O((n + m') b d) for
// the kernel values plus O(m' b) per iteration; nothing quadratic in n or m.
//
// Optimiser. With beta_l = b_l alpha_l the feasible set is the probability simplex and
// ratio(x) = sum_l beta_l K(x, c_l) / b_l, so KLIEP is maximum-likelihood estimation of the
// mixture weights beta of the fixed components K(., c_l) / b_l (each a density ratio with
// training mean 1); J is concave in beta. It is maximised by accelerated projected gradient
// ascent in beta (FISTA with backtracking and monotone restarts, Beck & Teboulle 2009;
// O'Donoghue & Candes 2015; Euclidean projection onto the simplex, Duchi et al. 2008), from
// the uniform beta. The authors' scheme (fixed step sizes, a non-Euclidean projection) stops far
// from the optimum within a few hundred iterations, so it is not used. Stopping rule: with
// g = dJ/dbeta, sum_l beta_l g_l = 1 at every beta, and concavity bounds the gap to the
// optimum: J* - J(beta) <= max_l g_l - 1. The fit stops when that bound is at most `tolerance`
// (or after max_iterations; KliepModel::gap reports the bound reached). One iteration costs
// O(m' b).
//
// Start: beta uniform over the centres with b_l > 0. Centres with b_l = 0 (no training row
// within reach at this bandwidth: the ratio there is unbounded) keep alpha_l = 0; objective rows
// whose kernel value is zero at every centre with b_l > 0 are left out of the fit (their
// log-likelihood is -infinity for every alpha).
//
// Bandwidth: sigma_0 = `bandwidth` when > 0, else the median heuristic
// (compare::median_heuristic_bandwidth() on the training rows of non-zero base weight and the
// target, `bandwidth_subsample` rows, seed `seed`). The candidates are factor x sigma_0 over
// `bandwidth_factors`; with more than one, sigma is chosen by likelihood cross-validation,
// KLIEP's own model selection: the objective rows are split into folds = min(cv_folds, m') folds
// (position r of the shuffle above goes to fold r mod folds), each fold's mean log ratio is
// taken under the alpha fitted on the others (same centres, same constraint), and the factor
// with the largest mean over the folds wins (ties: the earlier factor; a fold with a zero ratio
// at a held-out row scores -infinity). A single factor skips the cross-validation, and so does a
// single objective row (targets of 2 or 3 rows), which takes the factor nearest 1. Cost: factors x
// folds + 1 fits. Default: the median heuristic times {0.25, 0.5, 1}, five folds (the factor 2 lost
// the cross-validation on every shifted sample tried: the median distance grows with the dimension
// while a shift along one column needs a narrower kernel). Pitfall: held-out likelihood is not
// the reweighting error; with a few hundred objective rows it can prefer the median bandwidth,
// which under-corrects a shift along one column in several dimensions. The classifier weights
// are the better default there; KLIEP suits low dimensions and shapes a quadratic log-ratio
// cannot follow (mixtures, multimodal shifts).
struct KliepOptions {
  std::size_t centers = 100;           // b (>= 1); Sugiyama et al. use 100
  std::size_t max_target_rows = 2000;  // m': target rows in the objective (>= 1)
  double bandwidth = 0.0;              // sigma_0: > 0 given, 0 = the median heuristic
  std::vector<double> bandwidth_factors = {0.25, 0.5, 1.0};  // > 0 each, not empty
  std::size_t cv_folds = 5;                // >= 2; fewer folds when there are fewer objective rows
  std::size_t bandwidth_subsample = 1000;  // >= 2
  std::size_t max_iterations = 1000;       // per fit (>= 1)
  // On the optimality-gap bound of J (>= 0); J's own sampling error is about 1 / sqrt(m').
  double tolerance = 1e-5;
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0 = the hardware's thread count
};

// Also returns, for tests and diagnostics, the fitted model.
struct KliepModel {
  std::vector<std::size_t> centers;         // target row of each centre
  std::vector<std::size_t> objective_rows;  // target rows of the objective, in fold order
  std::vector<double> alpha;                // per centre
  double log_likelihood = 0.0;              // J(alpha) at the optimum
  std::size_t iterations = 0;               // iterations of the final fit
  double gap = 0.0;                         // its bound max_l g_l - 1 on J* - J
};

struct KliepResult {
  WeightResult weights;
  KliepModel model;
};

// Errors: the common ones; fewer than 2 target rows; centers 0; max_target_rows 0; a negative
// or non-finite bandwidth; no bandwidth factor, or a non-positive or non-finite one; cv_folds < 2
// (with more than one factor); max_iterations 0; a negative or non-finite tolerance;
// bandwidth_subsample < 2; the clipping options as density_ratio_weights(). A fit in which every
// training row gets a zero kernel value at every centre (bandwidth far too small) is
// kInvalidArgument too, naming the bandwidth.
Result<KliepResult> kliep_weights(const Matrix& train, std::span<const double> base_weights,
                                  const Matrix& target, const WeightOptions& options = {},
                                  const KliepOptions& kliep = {});

// Steps 2-4 of WeightOptions on given ratios (one per training row, finite, >= 0), filling
// weights, ratio, ess, ess_fraction, max_weight, clipped and rows. Exposed for callers with
// ratios from elsewhere. Errors: the base-weight and clipping checks above, a ratio count other
// than the base-weight count (when base weights are given), a negative or non-finite ratio, or
// ratios that are zero on every row of non-zero base weight.
Result<WeightResult> finalize_weights(std::span<const double> ratio,
                                      std::span<const double> base_weights,
                                      const WeightOptions& options);

}  // namespace parity::plan
