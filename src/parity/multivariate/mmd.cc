// MMD^2 with an RBF kernel: median-heuristic bandwidth, the exact weighted U-statistic with a
// permutation test over a stored kernel matrix, and the random-Fourier-feature estimator for
// large inputs (definitions in multivariate.h).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>

#include "parity/multivariate/inputs.h"
#include "parity/multivariate/pairwise.h"
#include "parity/multivariate/random.h"
#include "parity/parity/multivariate.h"

namespace parity::compare {

namespace {

using detail::PackedRows;
using detail::Rng;

// Independent random streams per purpose (and per permutation).
enum class Stream : std::uint64_t { kBandwidth = 1, kFeatures = 2, kPermutation = 3 };
std::uint64_t stream_seed(std::uint64_t seed, Stream stream, std::uint64_t index = 0) {
  return seed ^ (0x9e3779b97f4a7c15ULL * ((static_cast<std::uint64_t>(stream) << 32) | index));
}

// Training rows of non-zero weight, then the target rows.
struct Pooled {
  Matrix rows;
  std::vector<double> a;  // normalised training weights (size n)
  std::size_t n = 0;
  std::size_t m = 0;
  bool equal_weights = true;
};

Result<Pooled> pool(std::string_view function, const Matrix& train, std::span<const double> weights,
                    const Matrix& target) {
  PARITY_RETURN_IF_ERROR(detail::validate_inputs(function, train, weights, target, false));
  detail::WeightedRows wr = detail::weighted_rows(train, weights);
  if (wr.rows.rows < 2 || target.rows < 2) {
    return invalid_argument(fmt::format(
        "{}: needs at least 2 rows on each side, found {} train rows of non-zero weight and {} "
        "target rows",
        function, wr.rows.rows, target.rows));
  }
  Pooled out;
  out.n = wr.rows.rows;
  out.m = target.rows;
  out.a = std::move(wr.weights);
  out.equal_weights = wr.equal_weights;
  out.rows.rows = out.n + out.m;
  out.rows.cols = train.cols;
  out.rows.values = std::move(wr.rows.values);
  out.rows.values.insert(out.rows.values.end(), target.values.begin(), target.values.end());
  return out;
}

double median_bandwidth(const Matrix& pooled, std::size_t subsample, std::uint64_t seed,
                        unsigned threads) {
  Matrix sample;
  if (pooled.rows > subsample) {
    Rng rng(stream_seed(seed, Stream::kBandwidth));
    sample = detail::select_rows(pooled, detail::subsample_indices(pooled.rows, subsample, rng));
  } else {
    sample = pooled;
  }
  const std::size_t s = sample.rows;
  const PackedRows packed(sample.values.data(), s, sample.cols);
  // Row i's distances to rows j > i go to offset i (2s - i - 1) / 2 of the flat pair list.
  std::vector<double> distances(s * (s - 1) / 2);
  detail::parallel_chunks(s, 16, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> row(s);
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t from = (i + 1) / PackedRows::kPanel * PackedRows::kPanel;
      detail::squared_distances(sample.values.data() + i * sample.cols, 1, packed, from, s,
                                row.data(), s);
      double* out = distances.data() + i * (2 * s - i - 1) / 2;
      for (std::size_t j = i + 1; j < s; ++j) *out++ = std::sqrt(row[j - from]);
    }
  });
  const std::size_t count = distances.size();
  const std::size_t half = count / 2;
  std::nth_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(half),
                   distances.end());
  double median = distances[half];
  if (count % 2 == 0) {
    median =
        0.5 * (median + *std::max_element(distances.begin(),
                                          distances.begin() + static_cast<std::ptrdiff_t>(half)));
  }
  if (median > 0.0) return median;
  double sum = 0.0;
  std::size_t positive = 0;
  for (const double d : distances) {
    if (d > 0.0) {
      sum += d;
      ++positive;
    }
  }
  return positive > 0 ? sum / static_cast<double>(positive) : 1.0;
}

// The first n entries of a seeded partial shuffle of 0..N-1: the pooled rows the n training
// slots receive in permutation `index`. `scratch` holds N entries.
void permutation_slots(std::uint64_t seed, std::size_t index, std::size_t n,
                       std::vector<std::size_t>& scratch) {
  Rng rng(stream_seed(seed, Stream::kPermutation, index));
  for (std::size_t i = 0; i < scratch.size(); ++i) scratch[i] = i;
  for (std::size_t i = 0; i < n; ++i) {
    const auto j = i + static_cast<std::size_t>(rng.below(scratch.size() - i));
    std::swap(scratch[i], scratch[j]);
  }
}

// The U-statistic from its sums (see multivariate.h): a_k_a = a'Ka, a_k_t = a'Kt, t_k_t = t'Kt,
// a_r = a'K1, t_r = t'K1, total = 1'K1 with t the training-slot indicator; diag_a = sum a_i^2
// K_ii, diag_b = sum over target slots of K_jj / m^2.
struct Sums {
  double a_k_a = 0, a_k_t = 0, t_k_t = 0, a_r = 0, t_r = 0;
};
double u_statistic(const Sums& s, double total, double sum_a2, double diag_a, double diag_b,
                   std::size_t m) {
  const double md = static_cast<double>(m);
  const double xx = (s.a_k_a - diag_a) / (1.0 - sum_a2);
  const double b_k_b = (total - 2.0 * s.t_r + s.t_k_t) / (md * md);
  const double yy = (b_k_b - diag_b) / (1.0 - 1.0 / md);
  const double a_k_b = (s.a_r - s.a_k_t) / md;
  return xx + yy - 2.0 * a_k_b;
}

constexpr std::size_t kBatchColumns = 32;

typedef double Double4 __attribute__((vector_size(32)));  // NOLINT(modernize-use-using)

// out[q] = sum_j k_row[j] c[j * kBatchColumns + q], each sum in j order (both clones agree).
__attribute__((target_clones("avx2", "default"))) void kernel_row_times(const float* k_row,
                                                                        const double* c,
                                                                        std::size_t count,
                                                                        double* out) {
  constexpr std::size_t kVectors = kBatchColumns / 4;
  Double4 acc[kVectors] = {};
  for (std::size_t j = 0; j < count; ++j) {
    const double k = k_row[j];
    const double* cj = c + j * kBatchColumns;
    for (std::size_t v = 0; v < kVectors; ++v) {
      Double4 cv;
      std::memcpy(&cv, cj + 4 * v, sizeof cv);
      acc[v] += k * cv;
    }
  }
  std::memcpy(out, acc, sizeof acc);
}

MmdResult exact_mmd(const Pooled& p, double bandwidth, const MmdOptions& options,
                    unsigned threads) {
  const std::size_t big_n = p.rows.rows;
  const std::size_t d = p.rows.cols;
  const double gamma = 1.0 / (2.0 * bandwidth * bandwidth);
  std::vector<float> kernel(big_n * big_n);
  std::vector<double> row_total(big_n);    // sum_j K_ij (of the stored floats)
  std::vector<double> row_train_a(big_n);  // sum_{j < n} a_j k_ij
  std::vector<double> row_target(big_n);   // sum_{j >= n} k_ij
  const PackedRows packed(p.rows.values.data(), big_n, d);
  constexpr std::size_t kRows = 8;
  detail::parallel_chunks(big_n, kRows, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> block((end - begin) * big_n);
    detail::squared_distances(p.rows.values.data() + begin * d, end - begin, packed, 0, big_n,
                              block.data(), big_n);
    for (std::size_t i = begin; i < end; ++i) {
      const double* dist = block.data() + (i - begin) * big_n;
      float* k_row = kernel.data() + i * big_n;
      double total = 0, train_a = 0, target = 0;
      for (std::size_t j = 0; j < big_n; ++j) {
        const double k = std::exp(-gamma * dist[j]);
        k_row[j] = static_cast<float>(k);
        total += static_cast<double>(k_row[j]);
        if (j < p.n) {
          train_a += p.a[j] * k;
        } else {
          target += k;
        }
      }
      row_total[i] = total;
      row_train_a[i] = train_a;
      row_target[i] = target;
    }
  });

  double sum_a2 = 0.0;
  for (const double a : p.a) sum_a2 += a * a;
  const double md = static_cast<double>(p.m);
  double xx = 0.0, yy = 0.0, xy = 0.0;
  for (std::size_t i = 0; i < p.n; ++i) {
    xx += p.a[i] * row_train_a[i];
    xy += p.a[i] * row_target[i];
  }
  for (std::size_t i = p.n; i < big_n; ++i) yy += row_target[i];
  MmdResult result;
  result.estimator = "exact";
  result.bandwidth = bandwidth;
  result.mmd2 = (xx - sum_a2) / (1.0 - sum_a2) + (yy - md) / (md * (md - 1.0)) - 2.0 * xy / md;
  result.permutations = options.permutations;
  if (options.permutations == 0) return result;

  double total = 0.0;
  for (const double r : row_total) total += r;
  const double diag_b = 1.0 / md;  // K_jj = 1
  // Per batch: columns [0, per) hold a (or t when the weights are equal, a = t / n), columns
  // [per, 2 per) hold t when the weights differ.
  const std::size_t per = p.equal_weights ? kBatchColumns : kBatchColumns / 2;
  std::vector<double> coefficients(big_n * kBatchColumns);
  std::vector<double> product(big_n * kBatchColumns);
  std::vector<std::size_t> scratch(big_n);
  std::size_t at_least = 0;
  for (std::size_t first = 0; first < options.permutations; first += per) {
    const std::size_t count = std::min(per, options.permutations - first);
    std::fill(coefficients.begin(), coefficients.end(), 0.0);
    for (std::size_t q = 0; q < count; ++q) {
      permutation_slots(options.seed, first + q, p.n, scratch);
      for (std::size_t s = 0; s < p.n; ++s) {
        double* c = coefficients.data() + scratch[s] * kBatchColumns;
        if (p.equal_weights) {
          c[q] = 1.0;
        } else {
          c[q] = p.a[s];
          c[per + q] = 1.0;
        }
      }
    }
    detail::parallel_chunks(big_n, 64, threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        kernel_row_times(kernel.data() + i * big_n, coefficients.data(), big_n,
                         product.data() + i * kBatchColumns);
      }
    });
    const double nd = static_cast<double>(p.n);
    for (std::size_t q = 0; q < count; ++q) {
      Sums s;
      const std::size_t t_col = p.equal_weights ? q : per + q;
      for (std::size_t i = 0; i < big_n; ++i) {
        const double* c = coefficients.data() + i * kBatchColumns;
        const double* k = product.data() + i * kBatchColumns;
        s.t_k_t += c[t_col] * k[t_col];
        s.t_r += c[t_col] * row_total[i];
        if (!p.equal_weights) {
          s.a_k_a += c[q] * k[q];
          s.a_k_t += c[q] * k[t_col];
          s.a_r += c[q] * row_total[i];
        }
      }
      if (p.equal_weights) {
        s.a_k_a = s.t_k_t / (nd * nd);
        s.a_k_t = s.t_k_t / nd;
        s.a_r = s.t_r / nd;
      }
      const double stat = u_statistic(s, total, sum_a2, sum_a2, diag_b, p.m);
      if (stat >= result.mmd2) ++at_least;
    }
  }
  result.p_value =
      static_cast<double>(1 + at_least) / static_cast<double>(1 + options.permutations);
  return result;
}

constexpr std::size_t kRffBatch = 32;
constexpr std::size_t kRffRowChunk = 4096;

// acc[f] += scale * row[f].
__attribute__((target_clones("avx2", "default"))) void add_row(double* acc, const float* row,
                                                               double scale, std::size_t count) {
  for (std::size_t f = 0; f < count; ++f) acc[f] += scale * static_cast<double>(row[f]);
}

constexpr std::size_t kProjectRows = 4;

// z[i] = cos(z[i]), to within 1e-12 absolute (the features are stored as floats): reduction to
// [-pi, pi] by a two-part 2 pi, then the Taylor series to the r^26 term (error below
// pi^28 / 28! < 1e-16). The rounding to a multiple of 2 pi uses the 1.5 x 2^52 trick, valid for
// |z| < 2^50; larger arguments take std::cos. Vectorises without -ffast-math.
__attribute__((target_clones("avx2", "default"))) void cosines(double* z, std::size_t count) {
  constexpr double kInvTwoPi = 0.15915494309189533577;
  constexpr double kTwoPiHi = 6.28318530717958623200;  // 2 pi rounded to double
  constexpr double kTwoPiLo = 2.44929359829470635445e-16;
  constexpr double kRound = 0x1.8p52;
  constexpr double kLarge = 0x1.0p40;
  bool large = false;
  for (std::size_t i = 0; i < count; ++i) large |= !(std::abs(z[i]) < kLarge);
  if (large) {
    for (std::size_t i = 0; i < count; ++i) z[i] = std::cos(z[i]);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const double k = (z[i] * kInvTwoPi + kRound) - kRound;
    const double r = (z[i] - k * kTwoPiHi) - k * kTwoPiLo;
    const double r2 = r * r;
    // cos r = sum_j (-1)^j r^2j / (2j)!, j = 0..13, by Horner in r^2.
    double c = -1.0 / 403291461126605635584000000.0;  // -1 / 26!
    c = c * r2 + 1.0 / 620448401733239439360000.0;    // 1 / 24!
    c = c * r2 - 1.0 / 1124000727777607680000.0;      // 22!
    c = c * r2 + 1.0 / 2432902008176640000.0;         // 20!
    c = c * r2 - 1.0 / 6402373705728000.0;            // 18!
    c = c * r2 + 1.0 / 20922789888000.0;              // 16!
    c = c * r2 - 1.0 / 87178291200.0;                 // 14!
    c = c * r2 + 1.0 / 479001600.0;                   // 12!
    c = c * r2 - 1.0 / 3628800.0;                     // 10!
    c = c * r2 + 1.0 / 40320.0;                       // 8!
    c = c * r2 - 1.0 / 720.0;                         // 6!
    c = c * r2 + 1.0 / 24.0;                          // 4!
    c = c * r2 - 0.5;                                 // 2!
    z[i] = c * r2 + 1.0;
  }
}

// z[r * features + f] = phase[f] + sum_t w_t[t * features + f] x[r * d + t] for rows r < rows
// (<= kProjectRows), each sum in t order.
__attribute__((target_clones("avx2", "default"))) void project(const double* w_t,
                                                               const double* phase, const double* x,
                                                               std::size_t rows, std::size_t d,
                                                               std::size_t features, double* z) {
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(phase, features, z + r * features);
  for (std::size_t t = 0; t < d; ++t) {
    const double* wt = w_t + t * features;
    for (std::size_t r = 0; r < rows; ++r) {
      const double xt = x[r * d + t];
      double* zr = z + r * features;
      for (std::size_t f = 0; f < features; ++f) zr[f] += wt[f] * xt;
    }
  }
}

MmdResult rff_mmd(const Pooled& p, double bandwidth, const MmdOptions& options, unsigned threads) {
  const std::size_t big_n = p.rows.rows;
  const std::size_t d = p.rows.cols;
  const std::size_t features = options.rff_features;
  // w_t[t * features + f]: column t of the frequency of feature f.
  std::vector<double> w_t(d * features);
  std::vector<double> phase(features);
  Rng rng(stream_seed(options.seed, Stream::kFeatures));
  for (std::size_t f = 0; f < features; ++f) {
    for (std::size_t t = 0; t < d; ++t) w_t[t * features + f] = rng.normal() / bandwidth;
  }
  for (double& x : phase) x = 2.0 * std::numbers::pi * rng.uniform();
  const double amplitude = std::sqrt(2.0 / static_cast<double>(features));
  std::vector<float> phi(big_n * features);
  std::vector<double> norm2(big_n);
  detail::parallel_chunks(big_n, 256, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> z(kProjectRows * features);
    for (std::size_t i0 = begin; i0 < end; i0 += kProjectRows) {
      const std::size_t rows = std::min(kProjectRows, end - i0);
      project(w_t.data(), phase.data(), p.rows.values.data() + i0 * d, rows, d, features, z.data());
      cosines(z.data(), rows * features);
      for (std::size_t r = 0; r < rows; ++r) {
        float* out = phi.data() + (i0 + r) * features;
        double sq = 0.0;
        for (std::size_t f = 0; f < features; ++f) {
          out[f] = static_cast<float>(amplitude * z[r * features + f]);
          sq += static_cast<double>(out[f]) * static_cast<double>(out[f]);
        }
        norm2[i0 + r] = sq;
      }
    }
  });
  std::vector<double> phi_total(features, 0.0);
  double norm2_total = 0.0;
  for (std::size_t i = 0; i < big_n; ++i) {
    for (std::size_t f = 0; f < features; ++f) {
      phi_total[f] += static_cast<double>(phi[i * features + f]);
    }
    norm2_total += norm2[i];
  }
  double sum_a2 = 0.0;
  for (const double a : p.a) sum_a2 += a * a;
  const double md = static_cast<double>(p.m);

  // Statistics of up to kBatch assignments at once, by one scan over the features:
  // slot[i * kBatch + q] is the training slot pooled row i fills in assignment q, or -1 (a
  // target slot). Sums run per fixed chunk of rows, then over the chunks in order, so that
  // results do not depend on the thread count.
  const bool equal = p.equal_weights;
  const std::size_t chunks = (big_n + kRffRowChunk - 1) / kRffRowChunk;
  std::vector<std::int32_t> slot(big_n * kRffBatch);
  std::vector<std::uint32_t> in_train(big_n);  // bit q: row i fills a training slot in q
  static_assert(kRffBatch <= 32);
  std::vector<double> part_t(chunks * kRffBatch * features);
  std::vector<double> part_a(equal ? 0 : chunks * kRffBatch * features);
  std::vector<double> part_diag(chunks * kRffBatch);
  std::vector<double> part_norm(chunks * kRffBatch);
  auto statistics = [&](std::size_t count) {
    std::fill(part_t.begin(), part_t.end(), 0.0);
    std::fill(part_a.begin(), part_a.end(), 0.0);
    std::fill(part_diag.begin(), part_diag.end(), 0.0);
    std::fill(part_norm.begin(), part_norm.end(), 0.0);
    detail::parallel_chunks(big_n, kRffRowChunk, threads, [&](std::size_t begin, std::size_t end) {
      const std::size_t c = begin / kRffRowChunk;
      for (std::size_t i = begin; i < end; ++i) {
        const float* row = phi.data() + i * features;
        for (std::uint32_t bits = in_train[i]; bits != 0; bits &= bits - 1) {
          const auto q = static_cast<std::size_t>(std::countr_zero(bits));
          const std::int32_t s = slot[i * kRffBatch + q];
          const std::size_t at = (c * kRffBatch + q) * features;
          const double a = p.a[static_cast<std::size_t>(s)];
          add_row(part_t.data() + at, row, 1.0, features);
          if (!equal) add_row(part_a.data() + at, row, a, features);
          part_diag[c * kRffBatch + q] += a * a * norm2[i];
          part_norm[c * kRffBatch + q] += norm2[i];
        }
      }
    });
    std::vector<double> out(count);
    std::vector<double> st(features), sa(features);
    for (std::size_t q = 0; q < count; ++q) {
      std::fill(st.begin(), st.end(), 0.0);
      std::fill(sa.begin(), sa.end(), 0.0);
      double diag_a = 0.0;
      double train_norm2 = 0.0;
      for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t at = (c * kRffBatch + q) * features;
        for (std::size_t f = 0; f < features; ++f) {
          st[f] += part_t[at + f];
          if (!equal) sa[f] += part_a[at + f];
        }
        diag_a += part_diag[c * kRffBatch + q];
        train_norm2 += part_norm[c * kRffBatch + q];
      }
      if (equal) {
        const double a = 1.0 / static_cast<double>(p.n);
        for (std::size_t f = 0; f < features; ++f) sa[f] = st[f] * a;
      }
      double a_a = 0.0, b_b = 0.0, a_b = 0.0;
      for (std::size_t f = 0; f < features; ++f) {
        const double b = (phi_total[f] - st[f]) / md;
        a_a += sa[f] * sa[f];
        b_b += b * b;
        a_b += sa[f] * b;
      }
      const double diag_b = (norm2_total - train_norm2) / (md * md);
      out[q] = (a_a - diag_a) / (1.0 - sum_a2) + (b_b - diag_b) / (1.0 - 1.0 / md) - 2.0 * a_b;
    }
    return out;
  };

  MmdResult result;
  result.estimator = "rff";
  result.bandwidth = bandwidth;
  result.permutations = options.permutations;
  for (std::size_t i = 0; i < big_n; ++i) {
    slot[i * kRffBatch] = i < p.n ? static_cast<std::int32_t>(i) : -1;
    in_train[i] = i < p.n ? 1u : 0u;
  }
  result.mmd2 = statistics(1)[0];
  if (options.permutations == 0) return result;
  std::size_t at_least = 0;
  for (std::size_t first = 0; first < options.permutations; first += kRffBatch) {
    const std::size_t count = std::min(kRffBatch, options.permutations - first);
    // Entries of slot whose in_train bit is clear are stale and never read.
    std::fill(in_train.begin(), in_train.end(), 0u);
    detail::parallel_chunks(count, 1, threads, [&](std::size_t begin, std::size_t end) {
      std::vector<std::size_t> scratch(big_n);
      for (std::size_t q = begin; q < end; ++q) {
        permutation_slots(options.seed, first + q, p.n, scratch);
        for (std::size_t s = 0; s < p.n; ++s) {
          slot[scratch[s] * kRffBatch + q] = static_cast<std::int32_t>(s);
          std::atomic_ref<std::uint32_t>(in_train[scratch[s]])
              .fetch_or(1u << q, std::memory_order_relaxed);
        }
      }
    });
    for (const double stat : statistics(count)) at_least += stat >= result.mmd2 ? 1 : 0;
  }
  result.p_value =
      static_cast<double>(1 + at_least) / static_cast<double>(1 + options.permutations);
  return result;
}

Status check_options(const MmdOptions& options) {
  if (!std::isfinite(options.bandwidth) || options.bandwidth < 0.0) {
    return invalid_argument(fmt::format(
        "mmd_rbf: bandwidth {}: expected a finite value > 0, or 0 for the median heuristic",
        options.bandwidth));
  }
  if (options.bandwidth_subsample < 2) {
    return invalid_argument(
        fmt::format("mmd_rbf: bandwidth_subsample {}: expected >= 2", options.bandwidth_subsample));
  }
  if (options.rff_features == 0) {
    return invalid_argument("mmd_rbf: rff_features 0: expected >= 1");
  }
  return {};
}

}  // namespace

Result<double> median_heuristic_bandwidth(const Matrix& train, std::span<const double> weights,
                                          const Matrix& target, std::size_t subsample,
                                          std::uint64_t seed) {
  if (subsample < 2) {
    return invalid_argument(
        fmt::format("median_heuristic_bandwidth: subsample {}: expected >= 2", subsample));
  }
  PARITY_ASSIGN_OR_RETURN(const Pooled p,
                          pool("median_heuristic_bandwidth", train, weights, target));
  return median_bandwidth(p.rows, subsample, seed, detail::thread_count(0));
}

Result<MmdResult> mmd_rbf(const Matrix& train, std::span<const double> weights,
                          const Matrix& target, const MmdOptions& options) {
  PARITY_RETURN_IF_ERROR(check_options(options));
  PARITY_ASSIGN_OR_RETURN(const Pooled p, pool("mmd_rbf", train, weights, target));
  const unsigned threads = detail::thread_count(options.threads);
  const double bandwidth =
      options.bandwidth > 0.0
          ? options.bandwidth
          : median_bandwidth(p.rows, options.bandwidth_subsample, options.seed, threads);
  if (p.rows.rows <= options.exact_max_rows) return exact_mmd(p, bandwidth, options, threads);
  return rff_mmd(p, bandwidth, options, threads);
}

}  // namespace parity::compare
