// compare_categorical(): shares, Jensen-Shannon distance, L-inf, chi-square and Cramér's V.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parity/parity/univariate.h"
#include "parity/univariate/sample_checks.h"

namespace parity::compare {
namespace {

struct CategoryTally {
  double train_weight = 0;
  std::size_t train_count = 0;
  std::size_t target_count = 0;
};

// p ln(p / q) with 0 ln 0 = 0 (scipy.special.rel_entr); q > 0 wherever p > 0 here.
double relative_entropy_term(double p, double q) {
  return p > 0.0 ? p * std::log(p / q) : 0.0;
}

}  // namespace

Result<CategoricalComparison> compare_categorical(std::span<const std::string> train,
                                                  std::span<const double> train_weights,
                                                  std::span<const std::string> target) {
  PARITY_RETURN_IF_ERROR(detail::check_not_empty(train.size(), "train"));
  PARITY_RETURN_IF_ERROR(detail::check_not_empty(target.size(), "target"));
  PARITY_RETURN_IF_ERROR(detail::check_weights(train_weights, train.size()));
  const bool equal = detail::equal_weights(train_weights);

  std::unordered_map<std::string_view, CategoryTally> tally_map;
  for (std::size_t i = 0; i < train.size(); ++i) {
    CategoryTally& t = tally_map[train[i]];
    t.train_weight += equal ? 1.0 : train_weights[i];
    ++t.train_count;
  }
  for (const std::string& name : target) ++tally_map[name].target_count;
  // Ordered by name: a deterministic category order for the output and for ties.
  std::vector<std::pair<std::string_view, CategoryTally>> tallies(tally_map.begin(),
                                                                  tally_map.end());
  std::sort(tallies.begin(), tallies.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  CategoricalComparison out;
  out.n_train = train.size();
  out.n_target = target.size();
  out.train_ess = equal ? static_cast<double>(train.size())
                        : detail::kish_effective_size(train_weights, train.size());
  double train_total = 0;
  for (const auto& [name, t] : tallies) train_total += t.train_weight;
  const double target_total = static_cast<double>(target.size());

  out.categories.reserve(tallies.size());
  for (const auto& [name, t] : tallies) {
    CategoryShare share;
    share.name = std::string(name);
    share.train_share = t.train_weight / train_total;
    share.target_share = static_cast<double>(t.target_count) / target_total;
    share.train_count = t.train_count;
    share.target_count = t.target_count;
    if (t.target_count > 0 && t.train_weight == 0.0) out.missing_in_train.push_back(share.name);
    out.categories.push_back(std::move(share));
  }

  // Jensen-Shannon distance, base 2 (Lin, IEEE Trans. Inf. Theory 37(1), 1991; Endres & Schindelin
  // 2003 for the square root as a metric).
  double divergence = 0;
  for (const CategoryShare& c : out.categories) {
    const double mid = (c.train_share + c.target_share) / 2.0;
    divergence += relative_entropy_term(c.train_share, mid);
    divergence += relative_entropy_term(c.target_share, mid);
  }
  out.js = std::sqrt(std::max(0.0, divergence / 2.0 / std::log(2.0)));

  bool first = true;
  for (const CategoryShare& c : out.categories) {
    const double gap = std::abs(c.train_share - c.target_share);
    if (first || gap > out.linf) {
      out.linf = gap;
      out.linf_category = c.name;
      first = false;
    }
  }

  // Pearson chi-square on the 2 x K table: training row = share * n_eff, target row = counts.
  const double train_row = out.train_ess;
  const double grand = train_row + target_total;
  double chi2 = 0;
  int columns = 0;
  std::size_t expected_cells = 0;
  std::size_t cells_at_least_five = 0;
  bool any_below_one = false;
  for (const CategoryShare& c : out.categories) {
    const double observed_train = c.train_share * train_row;
    const double observed_target = static_cast<double>(c.target_count);
    const double column = observed_train + observed_target;
    if (!(column > 0.0)) continue;
    ++columns;
    for (const auto& [observed, row] :
         {std::pair{observed_train, train_row}, std::pair{observed_target, target_total}}) {
      const double expected = row * column / grand;
      const double d = observed - expected;
      chi2 += d * d / expected;
      ++expected_cells;
      if (expected >= 5.0) ++cells_at_least_five;
      if (expected < 1.0) any_below_one = true;
    }
  }
  if (columns >= 2) {
    out.chi2 = chi2;
    out.chi2_dof = columns - 1;
    out.chi2_p = chi_square_sf(chi2, static_cast<double>(out.chi2_dof));
    out.chi2_valid = !any_below_one && static_cast<double>(cells_at_least_five) >=
                                           0.8 * static_cast<double>(expected_cells);
    out.cramers_v = std::sqrt(chi2 / grand);
  }
  return out;
}

}  // namespace parity::compare
