#include "parity/multivariate/inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace parity::compare::detail {

namespace {

Status check_shape(std::string_view function, std::string_view side, const Matrix& m) {
  if (m.rows == 0) return invalid_argument(fmt::format("{}: {} has no rows", function, side));
  if (m.cols == 0) return invalid_argument(fmt::format("{}: {} has no columns", function, side));
  if (m.values.size() / m.cols != m.rows || m.values.size() % m.cols != 0) {
    return invalid_argument(fmt::format("{}: {} holds {} values: expected {} rows x {} columns",
                                        function, side, m.values.size(), m.rows, m.cols));
  }
  return {};
}

Status check_values(std::string_view function, std::string_view side, const Matrix& m,
                    bool allow_nan) {
  for (std::size_t i = 0; i < m.values.size(); ++i) {
    const double v = m.values[i];
    if (std::isfinite(v) || (allow_nan && std::isnan(v))) continue;
    return invalid_argument(fmt::format(
        "{}: {} row {} column {}: expected a finite value{}, found {}", function, side, i / m.cols,
        i % m.cols, allow_nan ? " or NaN (missing)" : " (standardize() imputes missing values)",
        v));
  }
  return {};
}

}  // namespace

Status validate_inputs(std::string_view function, const Matrix& train,
                       std::span<const double> weights, const Matrix& target, bool allow_nan) {
  PARITY_RETURN_IF_ERROR(check_shape(function, "train", train));
  PARITY_RETURN_IF_ERROR(check_shape(function, "target", target));
  if (train.cols != target.cols) {
    return invalid_argument(
        fmt::format("{}: train has {} columns, target has {}", function, train.cols, target.cols));
  }
  if (!weights.empty()) {
    if (weights.size() != train.rows) {
      return invalid_argument(fmt::format("{}: {} train weights for {} train rows", function,
                                          weights.size(), train.rows));
    }
    double total = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (!std::isfinite(weights[i]) || weights[i] < 0.0) {
        return invalid_argument(fmt::format(
            "{}: train weight {} is {}: expected a finite value >= 0", function, i, weights[i]));
      }
      total += weights[i];
    }
    if (!(total > 0.0)) {
      return invalid_argument(fmt::format("{}: train weights are all zero", function));
    }
  }
  PARITY_RETURN_IF_ERROR(check_values(function, "train", train, allow_nan));
  PARITY_RETURN_IF_ERROR(check_values(function, "target", target, allow_nan));
  return {};
}

WeightedRows weighted_rows(const Matrix& train, std::span<const double> weights) {
  WeightedRows out;
  if (weights.empty()) {
    out.rows = train;
    out.weights.assign(train.rows, 1.0 / static_cast<double>(train.rows));
    out.original.resize(train.rows);
    for (std::size_t i = 0; i < train.rows; ++i) out.original[i] = i;
    return out;
  }
  double total = 0.0;
  for (std::size_t i = 0; i < train.rows; ++i) {
    if (weights[i] > 0.0) {
      out.original.push_back(i);
      total += weights[i];
    }
  }
  out.rows = select_rows(train, out.original);
  out.weights.reserve(out.original.size());
  for (const std::size_t i : out.original) {
    out.weights.push_back(weights[i] / total);
    out.equal_weights = out.equal_weights && weights[i] == weights[out.original.front()];
  }
  return out;
}

Matrix select_rows(const Matrix& m, std::span<const std::size_t> rows) {
  Matrix out;
  out.rows = rows.size();
  out.cols = m.cols;
  out.values.resize(rows.size() * m.cols);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::copy_n(m.values.begin() + static_cast<std::ptrdiff_t>(rows[r] * m.cols), m.cols,
                out.values.begin() + static_cast<std::ptrdiff_t>(r * m.cols));
  }
  return out;
}

double kish_effective_size(std::span<const double> weights) {
  double sum = 0.0;
  double sum2 = 0.0;
  for (const double w : weights) {
    sum += w;
    sum2 += w * w;
  }
  return sum2 > 0.0 ? sum * sum / sum2 : 0.0;
}

unsigned thread_count(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_chunks(std::size_t count, std::size_t chunk, unsigned threads,
                     const std::function<void(std::size_t begin, std::size_t end)>& body) {
  chunk = std::max<std::size_t>(1, chunk);
  const std::size_t chunks = (count + chunk - 1) / chunk;
  threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), chunks));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    while (true) {
      const std::size_t c = next.fetch_add(1);
      if (c >= chunks) return;
      body(c * chunk, std::min(count, (c + 1) * chunk));
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace parity::compare::detail
