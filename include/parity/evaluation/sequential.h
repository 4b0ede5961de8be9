// Sequential comparison of two policies: after each trial, stop or continue.
//
// The choice: a mirrored pair of Wald sequential probability ratio tests on the discordant
// pairs (Wald 1947, section 5.5, "the double dichotomy"), not STEP (Snyder et al. 2025). STEP's
// decision regions come from a linear program solved at every step over a grid of worst-case
// nulls, and its stopping times in ../shared/bench/external depend on that solver's (HiGHS's)
// choice among optimal vertices and on NumPy PCG64 draws in its randomised region, so they
// cannot be reproduced without re-creating both; the SPRT below has closed-form boundaries and
// error bounds that hold exactly (not Wald's approximations), which its simulation test checks.
//
// The model. Trials come in pairs (a_i, b_i): A and B run from the same initial state (paired
// design), or the i-th trial of A matched with the i-th of B (unpaired, independent trials).
// Only discordant pairs carry information about which policy is better; among them,
// theta = P(B succeeds alone | discordant). p_b = p_a exactly when theta = 1/2, p_b > p_a when
// theta > 1/2 (paired: p_b - p_a = P(B alone) - P(A alone); unpaired: theta =
// p_b (1 - p_a) / (p_b (1 - p_a) + p_a (1 - p_b)), i.e. the odds ratio psi = theta / (1 - theta)).
//
// The test. The design effect is an odds ratio psi > 1, theta_1 = psi / (1 + psi). Test "B
// better": H0 theta <= 1/2 vs H1 theta >= theta_1, with likelihood ratio
// L_B = (2 theta_1)^(b_only) (2 (1 - theta_1))^(a_only); test "A better" is its mirror, L_A
// with a_only and b_only swapped. Each one-sided test rejects H0 when its L >= 2 / alpha and
// accepts H0 (stops) when its L <= beta. The combined test stops with
//   kBBetter / kABetter  when that side's test rejects,
//   kNoDifference        when both one-sided tests have accepted their nulls,
//   kTruncated           when max_pairs pairs are used up first (if set).
//
// Error guarantees (Ville's inequality: a nonnegative (super)martingale with mean <= 1 exceeds
// 1/c with probability <= c; L_B is one under theta <= 1/2, and 1 / L_B is one under
// theta >= theta_1), for every stopping time, hence with or without truncation, and for any
// number of concordant pairs in between:
//   type I:  P(kABetter or kBBetter | p_a = p_b) <= alpha; P(kBBetter | p_b <= p_a) <= alpha/2.
//   type II: P(not kBBetter | theta >= theta_1) <= beta + alpha / 2 without truncation
//            (L_B reaches beta with probability <= beta; kABetter has probability <= alpha/2;
//            the test ends with probability 1); with max_pairs set, kTruncated adds to it.
// Wald's boundaries (1 - beta) / alpha and beta / (1 - alpha) are not used: they only bound
// the errors approximately.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>

#include "parity/core/status.h"

namespace parity::eval {

enum class SequentialDecision : std::uint8_t {
  kContinue,
  kABetter,
  kBBetter,
  kNoDifference,  // neither is better by the design odds ratio
  kTruncated,     // max_pairs reached without a decision
};
// "continue", "a_better", "b_better", "no_difference", "truncated".
std::string_view sequential_decision_name(SequentialDecision decision);

struct SprtOptions {
  double alpha = 0.05;         // two-sided type-I error bound, in (0, 1)
  double beta = 0.2;           // type-II error bound at the design effect, in (0, 1)
  double odds_ratio = 3.0;     // design effect psi > 1 among discordant pairs
  std::int64_t max_pairs = 0;  // 0: no truncation
};

class PairedSprt {
 public:
  // Errors (kInvalidArgument): alpha or beta outside (0, 1), odds_ratio <= 1 or not finite,
  // max_pairs < 0.
  static Result<PairedSprt> create(const SprtOptions& options = {});

  // One pair of outcomes from the same initial state (or the i-th trials of each policy).
  // Returns the decision after it; once the test has stopped, further pairs are ignored and
  // the final decision is returned.
  SequentialDecision add_pair(bool a_success, bool b_success);

  // Unpaired streams: one trial of A or of B, in any interleaving. Trials are matched in
  // arrival order (the i-th of A with the i-th of B); a trial waits until its partner arrives.
  SequentialDecision add_a(bool success);
  SequentialDecision add_b(bool success);

  SequentialDecision decision() const { return decision_; }
  std::int64_t pairs() const { return pairs_; }  // pairs used so far (up to the decision)
  std::int64_t a_only() const { return a_only_; }
  std::int64_t b_only() const { return b_only_; }
  double log_lr_b_better() const;                  // log L_B
  double log_lr_a_better() const;                  // log L_A
  double log_upper() const { return log_upper_; }  // log(2 / alpha)
  double log_lower() const { return log_lower_; }  // log(beta)

 private:
  explicit PairedSprt(const SprtOptions& options);

  SprtOptions options_;
  double log_win_ = 0.0;   // log(2 theta_1)
  double log_lose_ = 0.0;  // log(2 (1 - theta_1))
  double log_upper_ = 0.0;
  double log_lower_ = 0.0;
  std::int64_t pairs_ = 0;
  std::int64_t a_only_ = 0;
  std::int64_t b_only_ = 0;
  bool a_side_accepted_ = false;  // "A better" test accepted its null
  bool b_side_accepted_ = false;
  SequentialDecision decision_ = SequentialDecision::kContinue;
  std::deque<bool> pending_a_;
  std::deque<bool> pending_b_;
};

}  // namespace parity::eval
