// Seeded synthetic samples for the multivariate tests: the shapes the oracle and calibration
// tests run on.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "parity/multivariate/random.h"
#include "parity/parity/multivariate.h"

namespace parity::compare::synthetic {

enum class Shape {
  kNormal,       // N(0, I)
  kMeanShift,    // column 0 shifted by `amount`
  kScaleShift,   // column 0 scaled by `amount`
  kCorrelation,  // columns 0 and 1 with correlation `amount` (unit marginals)
  kHeavyTailed,  // Student t with 3 degrees of freedom per column
  kDiscrete,     // integers 0..3 per column (many exact ties)
};

inline Matrix sample(Shape shape, std::size_t rows, std::size_t cols, double amount,
                     std::uint64_t seed) {
  detail::Rng rng(seed);
  Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.values.resize(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    double* x = m.values.data() + r * cols;
    for (std::size_t c = 0; c < cols; ++c) {
      switch (shape) {
        case Shape::kHeavyTailed: {
          double chi2 = 0.0;
          for (int i = 0; i < 3; ++i) {
            const double z = rng.normal();
            chi2 += z * z;
          }
          x[c] = rng.normal() / std::sqrt(chi2 / 3.0);
          break;
        }
        case Shape::kDiscrete: x[c] = static_cast<double>(rng.below(4)); break;
        default: x[c] = rng.normal(); break;
      }
    }
    switch (shape) {
      case Shape::kMeanShift: x[0] += amount; break;
      case Shape::kScaleShift: x[0] *= amount; break;
      case Shape::kCorrelation:
        x[1] = amount * x[0] + std::sqrt(1.0 - amount * amount) * x[1];
        break;
      default: break;
    }
  }
  return m;
}

}  // namespace parity::compare::synthetic
