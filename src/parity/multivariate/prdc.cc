// k-NN precision, recall, density and coverage (Naeem et al. 2020) by exact blocked brute
// force (definitions in multivariate.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "parity/multivariate/inputs.h"
#include "parity/multivariate/pairwise.h"
#include "parity/multivariate/random.h"
#include "parity/parity/multivariate.h"

namespace parity::compare {

namespace {

using detail::PackedRows;

constexpr std::size_t kQueryBlock = 32;
constexpr std::size_t kRefBlock = 1024;  // a multiple of PackedRows::kPanel

// Squared distance from each row of `rows` to its k-th nearest other row (itself excluded by
// index; duplicates count). Precondition: k < rows.rows.
std::vector<double> kth_neighbour_d2(const Matrix& rows, std::size_t k, unsigned threads) {
  const std::size_t count = rows.rows;
  const std::size_t cols = rows.cols;
  const PackedRows packed(rows.values.data(), count, cols);
  std::vector<double> out(count);
  detail::parallel_chunks(count, kQueryBlock, threads, [&](std::size_t begin, std::size_t end) {
    const std::size_t nq = end - begin;
    std::vector<double> block(nq * kRefBlock);
    // Per query: the k smallest distances so far, ascending.
    std::vector<double> best(nq * k, std::numeric_limits<double>::infinity());
    for (std::size_t r0 = 0; r0 < count; r0 += kRefBlock) {
      const std::size_t r1 = std::min(count, r0 + kRefBlock);
      detail::squared_distances(rows.values.data() + begin * cols, nq, packed, r0, r1, block.data(),
                                kRefBlock);
      for (std::size_t q = 0; q < nq; ++q) {
        double* top = best.data() + q * k;
        const double* d = block.data() + q * kRefBlock;
        for (std::size_t j = r0; j < r1; ++j) {
          const double v = d[j - r0];
          if (v >= top[k - 1] || j == begin + q) continue;
          std::size_t pos = k - 1;
          while (pos > 0 && top[pos - 1] > v) {
            top[pos] = top[pos - 1];
            --pos;
          }
          top[pos] = v;
        }
      }
    }
    for (std::size_t q = 0; q < nq; ++q) out[begin + q] = best[q * k + k - 1];
  });
  return out;
}

struct CrossCounts {
  std::vector<std::size_t> fake_in_real_balls;   // per fake row: #{j : d < R(real j)}
  std::vector<unsigned char> real_in_fake_ball;  // per real row: some d < R(fake i)
  std::vector<double> nearest_fake_d2;           // per real row: min_i d^2
};

CrossCounts cross(const Matrix& fake, const std::vector<double>& fake_r2, const Matrix& real,
                  const std::vector<double>& real_r2, unsigned threads) {
  const std::size_t nf = fake.rows;
  const std::size_t nr = real.rows;
  const std::size_t cols = real.cols;
  const PackedRows packed(real.values.data(), nr, cols);
  CrossCounts out;
  out.fake_in_real_balls.assign(nf, 0);
  // One part per thread: min and "or" do not depend on how the fake rows were split.
  const std::size_t parts = std::max<std::size_t>(1, std::min<std::size_t>(threads, nf));
  const std::size_t part_rows = (nf + parts - 1) / parts;
  std::vector<std::vector<unsigned char>> in_ball(parts);
  std::vector<std::vector<double>> nearest(parts);
  detail::parallel_chunks(nf, part_rows, threads, [&](std::size_t begin, std::size_t end) {
    const std::size_t part = begin / part_rows;
    std::vector<unsigned char>& ball = in_ball[part];
    std::vector<double>& near = nearest[part];
    ball.assign(nr, 0);
    near.assign(nr, std::numeric_limits<double>::infinity());
    std::vector<double> block(kQueryBlock * kRefBlock);
    for (std::size_t q0 = begin; q0 < end; q0 += kQueryBlock) {
      const std::size_t nq = std::min(kQueryBlock, end - q0);
      for (std::size_t r0 = 0; r0 < nr; r0 += kRefBlock) {
        const std::size_t r1 = std::min(nr, r0 + kRefBlock);
        detail::squared_distances(fake.values.data() + q0 * cols, nq, packed, r0, r1, block.data(),
                                  kRefBlock);
        for (std::size_t q = 0; q < nq; ++q) {
          const double* d = block.data() + q * kRefBlock;
          const double fr2 = fake_r2[q0 + q];
          std::size_t inside = 0;
          for (std::size_t j = r0; j < r1; ++j) {
            const double v = d[j - r0];
            inside += v < real_r2[j] ? 1 : 0;
            if (v < fr2) ball[j] = 1;
            near[j] = std::min(near[j], v);
          }
          out.fake_in_real_balls[q0 + q] += inside;
        }
      }
    }
  });
  out.real_in_fake_ball.assign(nr, 0);
  out.nearest_fake_d2.assign(nr, std::numeric_limits<double>::infinity());
  for (std::size_t part = 0; part < parts; ++part) {
    if (in_ball[part].empty()) continue;
    for (std::size_t j = 0; j < nr; ++j) {
      out.real_in_fake_ball[j] |= in_ball[part][j];
      out.nearest_fake_d2[j] = std::min(out.nearest_fake_d2[j], nearest[part][j]);
    }
  }
  return out;
}

}  // namespace

double prdc_expected_coverage(std::size_t k, std::size_t n_real, std::size_t n_fake) {
  double product = 1.0;
  for (std::size_t i = 1; i <= k; ++i) {
    product *= static_cast<double>(n_real - i) / static_cast<double>(n_real + n_fake - i);
  }
  return 1.0 - product;
}

std::size_t prdc_k_for_coverage(std::size_t n_real, std::size_t n_fake, double target) {
  PARITY_CHECK(n_real >= 2 && n_fake >= 2);
  const std::size_t upper = std::min(n_real, n_fake) - 1;
  for (std::size_t k = 1; k < upper; ++k) {
    if (prdc_expected_coverage(k, n_real, n_fake) >= target) return k;
  }
  return upper;
}

Result<PrdcResult> prdc(const Matrix& train, std::span<const double> weights, const Matrix& target,
                        const PrdcOptions& options) {
  PARITY_RETURN_IF_ERROR(detail::validate_inputs("prdc", train, weights, target, false));
  if (!(options.expected_coverage > 0.0 && options.expected_coverage < 1.0)) {
    return invalid_argument(fmt::format("prdc: expected_coverage {}: expected a value in (0, 1)",
                                        options.expected_coverage));
  }
  detail::WeightedRows fake = detail::weighted_rows(train, weights);
  Matrix real = target;
  if (fake.rows.rows < 2 || real.rows < 2) {
    return invalid_argument(fmt::format(
        "prdc: needs at least 2 rows on each side, found {} train rows of non-zero weight and {} "
        "target rows",
        fake.rows.rows, real.rows));
  }
  const std::size_t cap = options.max_rows_per_side;
  if (cap >= 2 && real.rows > cap) {
    detail::Rng rng(options.seed);
    real = detail::select_rows(real, detail::subsample_indices(real.rows, cap, rng));
  }
  if (cap >= 2 && fake.rows.rows > cap) {
    detail::Rng rng(options.seed ^ 0x5bd1e9955bd1e995ULL);
    const std::vector<std::size_t> keep = detail::subsample_indices(fake.rows.rows, cap, rng);
    fake.rows = detail::select_rows(fake.rows, keep);
    std::vector<double> kept;
    double total = 0.0;
    for (const std::size_t i : keep) total += fake.weights[i];
    for (const std::size_t i : keep) kept.push_back(fake.weights[i] / total);
    fake.weights = std::move(kept);
  }
  const std::size_t nr = real.rows;
  const std::size_t nf = fake.rows.rows;
  std::size_t k = options.k;
  if (k == 0) {
    k = prdc_k_for_coverage(nr, nf, options.expected_coverage);
  } else if (k >= nr || k >= nf) {
    return invalid_argument(fmt::format(
        "prdc: k {}: expected less than the rows of each side ({} target rows, {} train rows of "
        "non-zero weight{})",
        k, nr, nf, cap >= 2 ? fmt::format(", at most {} each", cap) : ""));
  }
  const unsigned threads = detail::thread_count(options.threads);
  const std::vector<double> real_r2 = kth_neighbour_d2(real, k, threads);
  const std::vector<double> fake_r2 = kth_neighbour_d2(fake.rows, k, threads);
  const CrossCounts counts = cross(fake.rows, fake_r2, real, real_r2, threads);

  PrdcResult result;
  result.k = k;
  result.expected_coverage = prdc_expected_coverage(k, nr, nf);
  result.real_rows = nr;
  result.fake_rows = nf;
  // Sums of the normalised weights, or counts divided by nf when the weights are equal (the
  // rounding of a plain mean).
  const bool equal = fake.equal_weights;
  for (std::size_t i = 0; i < nf; ++i) {
    const double w = equal ? 1.0 : fake.weights[i];
    result.precision += counts.fake_in_real_balls[i] > 0 ? w : 0.0;
    result.density += w * static_cast<double>(counts.fake_in_real_balls[i]);
  }
  if (equal) {
    result.precision /= static_cast<double>(nf);
    result.density /= static_cast<double>(nf);
  }
  result.density /= static_cast<double>(k);
  std::size_t recalled = 0;
  std::size_t covered = 0;
  for (std::size_t j = 0; j < nr; ++j) {
    recalled += counts.real_in_fake_ball[j];
    covered += counts.nearest_fake_d2[j] < real_r2[j] ? 1 : 0;
  }
  result.recall = static_cast<double>(recalled) / static_cast<double>(nr);
  result.coverage = static_cast<double>(covered) / static_cast<double>(nr);
  return result;
}

}  // namespace parity::compare
