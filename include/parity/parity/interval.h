// A two-sided interval for an estimate (a confidence or bootstrap interval), shared by the
// univariate and multivariate comparisons.
#pragma once

namespace parity::compare {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

}  // namespace parity::compare
