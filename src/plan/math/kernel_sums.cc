#include "plan/math/kernel_sums.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "parity/core/check.h"
#include "parity/multivariate/inputs.h"

namespace parity::plan::detail {

namespace {

// Reference rows per distance block (a multiple of PackedRows::kPanel) and query rows per task.
constexpr std::size_t kRefBlock = 512;
constexpr std::size_t kQueryBlock = 8;

// Eight doubles, one panel row of PackedRows (GCC vector extension, as in pairwise.cc).
typedef double Double8 __attribute__((vector_size(64)));  // NOLINT(modernize-use-using)

// acc[l] = |query - panel row l|^2, each lane summing its column terms in column order (the same
// values as compare::detail::squared_distances()).
__attribute__((target_clones("avx512f", "avx2", "default"))) void panel_distances(
    const double* query, const double* panel, std::size_t cols, double* acc) {
  static_assert(PackedRows::kPanel == 8);
  Double8 a = {};
  for (std::size_t t = 0; t < cols; ++t) {
    Double8 p;
    std::memcpy(&p, panel + t * PackedRows::kPanel, sizeof p);
    const Double8 e = query[t] - p;
    a += e * e;
  }
  std::memcpy(acc, &a, sizeof a);
}

}  // namespace

std::uint64_t stream_seed(std::uint64_t seed, Stream stream, std::uint64_t index) {
  return seed ^ (0x9e3779b97f4a7c15ULL * ((static_cast<std::uint64_t>(stream) << 32) | index));
}

Status validate(std::string_view function, const Matrix& train,
                std::span<const double> base_weights, const Matrix& target) {
  return compare::detail::validate_inputs(function, train, base_weights, target, false);
}

void kernel_sums(const double* queries, std::size_t nq, const PackedRows& refs,
                 std::span<const double> weight, std::span<const std::uint32_t> group,
                 std::size_t groups, std::span<const double> gammas, unsigned threads,
                 double* out) {
  const std::size_t nr = refs.count();
  const std::size_t cols = refs.cols();
  const std::size_t per_query = gammas.size() * groups;
  PARITY_CHECK(weight.empty() || weight.size() == nr);
  PARITY_CHECK(group.empty() || group.size() == nr);
  std::fill(out, out + nq * per_query, 0.0);
  const std::vector<double> ones(weight.empty() ? nr : 0, 1.0);
  const double* w = weight.empty() ? ones.data() : weight.data();
  compare::detail::parallel_chunks(
      nq, kQueryBlock, threads, [&](std::size_t begin, std::size_t end) {
        std::vector<double> block((end - begin) * kRefBlock);
        for (std::size_t j0 = 0; j0 < nr; j0 += kRefBlock) {
          const std::size_t j1 = std::min(nr, j0 + kRefBlock);
          const std::size_t len = j1 - j0;
          compare::detail::squared_distances(queries + begin * cols, end - begin, refs, j0, j1,
                                             block.data(), kRefBlock);
          for (std::size_t i = begin; i < end; ++i) {
            const double* dist = block.data() + (i - begin) * kRefBlock;
            for (std::size_t h = 0; h < gammas.size(); ++h) {
              double* sums = out + (i * gammas.size() + h) * groups;
              const double g = gammas[h];
              if (group.empty()) {
                double sum = sums[0];
                for (std::size_t j = 0; j < len; ++j) sum += w[j0 + j] * std::exp(-g * dist[j]);
                sums[0] = sum;
              } else {
                for (std::size_t j = 0; j < len; ++j) {
                  sums[group[j0 + j]] += w[j0 + j] * std::exp(-g * dist[j]);
                }
              }
            }
          }
        }
      });
}

void kernel_row(const double* query, const PackedRows& refs, double gamma, unsigned threads,
                double* out) {
  const std::size_t nr = refs.count();
  const std::size_t cols = refs.cols();
  compare::detail::parallel_chunks(
      refs.panels(), 1024, threads, [&](std::size_t begin, std::size_t end) {
        double acc[PackedRows::kPanel];
        for (std::size_t p = begin; p < end; ++p) {
          panel_distances(query, refs.panel(p), cols, acc);
          const std::size_t first = p * PackedRows::kPanel;
          const std::size_t count = std::min(PackedRows::kPanel, nr - first);
          for (std::size_t l = 0; l < count; ++l) out[first + l] = std::exp(-gamma * acc[l]);
        }
      });
}

double quantile(std::vector<double>& values, double q) {
  PARITY_CHECK(!values.empty());
  const double h = static_cast<double>(values.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double v_lo = values[lo];
  if (lo + 1 >= values.size()) return v_lo;
  const double v_hi =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return v_lo + (h - static_cast<double>(lo)) * (v_hi - v_lo);
}

}  // namespace parity::plan::detail
