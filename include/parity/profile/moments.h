// Moments: count, mean, central moment sums M2..M4, min, max and sum of a stream of values,
// updated one value at a time and merged pairwise with the numerically stable formulas of
// Chan, Golub, LeVeque (1979) and Pebay, "Formulas for Robust, One-Pass Parallel Computation of
// Covariances and Arbitrary-Order Statistical Moments", Sandia SAND2008-6212 (eqs. 2.1, 3.1).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parity/core/status.h"

namespace parity::profile {

class Moments {
 public:
  static constexpr std::uint8_t kSerialVersion = 1;

  // Adds one value. Non-finite values (NaN, +-inf) are ignored.
  void add(double x);
  // Adds the values summarised by `other` (`other` may be *this). The result equals a one-pass
  // computation over both streams up to floating-point rounding.
  void merge(const Moments& other);

  std::uint64_t count() const { return count_; }
  double mean() const;  // NaN when empty
  double sum() const { return sum_; }
  double min() const;  // NaN when empty
  double max() const;  // NaN when empty
  // Central moment sums: M_p = sum over values of (x - mean)^p.
  double m2() const { return m2_; }
  double m3() const { return m3_; }
  double m4() const { return m4_; }

  // Population variance M2 / n (NumPy's var with ddof = 0); NaN when empty.
  double variance() const;
  // Sample variance M2 / (n - 1); NaN for fewer than two values.
  double sample_variance() const;
  // Population skewness g1 = sqrt(n) M3 / M2^1.5 (scipy.stats.skew, bias=True); NaN when empty
  // or when all values are equal.
  double skewness() const;
  // Excess kurtosis g2 = n M4 / M2^2 - 3 (scipy.stats.kurtosis, fisher=True, bias=True); NaN
  // when empty or when all values are equal.
  double kurtosis() const;

  // Layout: docs/formats/profile.md.
  void serialize_to(std::vector<std::uint8_t>& out) const;
  std::vector<std::uint8_t> serialize() const;
  // Reads moments that fill `bytes` exactly; offsets in messages are base_offset + the position
  // in `bytes`. Errors: kTruncated, kCorrupt (bad family; non-finite or negative M2 / M4,
  // min > max; non-zero fields in empty moments), kUnsupported (another serial version).
  static Result<Moments> deserialize(std::span<const std::uint8_t> bytes,
                                     std::uint64_t base_offset = 0);

  // Bitwise equality of every field.
  friend bool operator==(const Moments& a, const Moments& b);

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double m3_ = 0.0;
  double m4_ = 0.0;
  double min_ = 0.0;  // meaningful when count_ > 0; 0 otherwise
  double max_ = 0.0;
  double sum_ = 0.0;
};

}  // namespace parity::profile
