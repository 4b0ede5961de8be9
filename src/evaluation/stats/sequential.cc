#include "parity/evaluation/sequential.h"

#include <cmath>
#include <string>

namespace parity::eval {

std::string_view sequential_decision_name(SequentialDecision decision) {
  switch (decision) {
    case SequentialDecision::kContinue: return "continue";
    case SequentialDecision::kABetter: return "a_better";
    case SequentialDecision::kBBetter: return "b_better";
    case SequentialDecision::kNoDifference: return "no_difference";
    case SequentialDecision::kTruncated: return "truncated";
  }
  return "continue";
}

Result<PairedSprt> PairedSprt::create(const SprtOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    return invalid_argument("sequential test: alpha must lie in (0, 1), got " +
                            std::to_string(options.alpha));
  }
  if (!(options.beta > 0.0 && options.beta < 1.0)) {
    return invalid_argument("sequential test: beta must lie in (0, 1), got " +
                            std::to_string(options.beta));
  }
  if (!(options.odds_ratio > 1.0 && std::isfinite(options.odds_ratio))) {
    return invalid_argument("sequential test: odds_ratio must be a finite number above 1, got " +
                            std::to_string(options.odds_ratio));
  }
  if (options.max_pairs < 0) {
    return invalid_argument("sequential test: max_pairs must be >= 0, got " +
                            std::to_string(options.max_pairs));
  }
  return PairedSprt(options);
}

PairedSprt::PairedSprt(const SprtOptions& options) : options_(options) {
  const double theta = options.odds_ratio / (1.0 + options.odds_ratio);
  log_win_ = std::log(2.0 * theta);
  log_lose_ = std::log(2.0 * (1.0 - theta));
  log_upper_ = std::log(2.0 / options.alpha);
  log_lower_ = std::log(options.beta);
}

double PairedSprt::log_lr_b_better() const {
  return static_cast<double>(b_only_) * log_win_ + static_cast<double>(a_only_) * log_lose_;
}

double PairedSprt::log_lr_a_better() const {
  return static_cast<double>(a_only_) * log_win_ + static_cast<double>(b_only_) * log_lose_;
}

SequentialDecision PairedSprt::add_pair(bool a_success, bool b_success) {
  if (decision_ != SequentialDecision::kContinue) return decision_;
  ++pairs_;
  if (a_success != b_success) {
    if (a_success) {
      ++a_only_;
    } else {
      ++b_only_;
    }
    const double lr_b = log_lr_b_better();
    const double lr_a = log_lr_a_better();
    if (!b_side_accepted_ && lr_b >= log_upper_) {
      decision_ = SequentialDecision::kBBetter;
      return decision_;
    }
    if (!a_side_accepted_ && lr_a >= log_upper_) {
      decision_ = SequentialDecision::kABetter;
      return decision_;
    }
    if (lr_b <= log_lower_) b_side_accepted_ = true;
    if (lr_a <= log_lower_) a_side_accepted_ = true;
    if (a_side_accepted_ && b_side_accepted_) {
      decision_ = SequentialDecision::kNoDifference;
      return decision_;
    }
  }
  if (options_.max_pairs > 0 && pairs_ >= options_.max_pairs) {
    decision_ = SequentialDecision::kTruncated;
  }
  return decision_;
}

SequentialDecision PairedSprt::add_a(bool success) {
  if (decision_ != SequentialDecision::kContinue) return decision_;
  if (pending_b_.empty()) {
    pending_a_.push_back(success);
    return decision_;
  }
  const bool b = pending_b_.front();
  pending_b_.pop_front();
  return add_pair(success, b);
}

SequentialDecision PairedSprt::add_b(bool success) {
  if (decision_ != SequentialDecision::kContinue) return decision_;
  if (pending_a_.empty()) {
    pending_b_.push_back(success);
    return decision_;
  }
  const bool a = pending_a_.front();
  pending_a_.pop_front();
  return add_pair(a, success);
}

}  // namespace parity::eval
