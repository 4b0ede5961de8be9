#include "parity/parity/slices.h"

#include <algorithm>
#include <set>

namespace parity::compare {
namespace {

using Key = std::vector<std::pair<std::string, std::string>>;  // sorted by attribute

// The attributes worth slicing: present in the target, not excluded, few distinct values.
std::vector<std::string> sliceable_attributes(const Sample& train, const Sample& target,
                                              const SliceOptions& options) {
  std::map<std::string, std::set<std::string>> values;
  for (const Sample* sample : {&target, &train}) {
    for (const auto& attributes : sample->attributes) {
      for (const auto& [key, value] : attributes) values[key].insert(value);
    }
  }
  std::set<std::string> in_target;
  for (const auto& attributes : target.attributes) {
    for (const auto& entry : attributes) in_target.insert(entry.first);
  }
  std::vector<std::string> keys;
  for (const auto& [key, distinct] : values) {
    if (in_target.count(key) == 0 || distinct.size() > options.max_values) continue;
    if (std::find(options.exclude.begin(), options.exclude.end(), key) != options.exclude.end()) {
      continue;
    }
    keys.push_back(key);
  }
  return keys;
}

// Every combination of up to `order` attributes (in `keys` order) an episode has values for.
void slice_keys(const std::map<std::string, std::string>& attributes,
                const std::vector<std::string>& keys, std::size_t order, std::vector<Key>& out) {
  out.clear();
  std::vector<std::pair<std::string, std::string>> present;
  for (const std::string& key : keys) {
    const auto it = attributes.find(key);
    if (it != attributes.end()) present.emplace_back(key, it->second);
  }
  const std::size_t n = present.size();
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({present[i]});
    if (order < 2) continue;
    for (std::size_t j = i + 1; j < n; ++j) {
      out.push_back({present[i], present[j]});
      if (order < 3) continue;
      for (std::size_t k = j + 1; k < n; ++k) out.push_back({present[i], present[j], present[k]});
    }
  }
}

}  // namespace

SliceCoverage slice_coverage(const Sample& train, const Sample& target,
                             const SliceOptions& options) {
  SliceCoverage coverage;
  coverage.attributes = sliceable_attributes(train, target, options);
  const std::size_t order = std::clamp<std::size_t>(options.max_order, 1, 3);

  struct Tally {
    std::size_t target_count = 0, train_count = 0;
    double train_weight = 0;
  };
  std::map<Key, Tally> tallies;
  std::vector<Key> keys;
  std::vector<std::vector<Key>> target_keys(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    slice_keys(target.attributes[i], coverage.attributes, order, target_keys[i]);
    for (const Key& key : target_keys[i]) ++tallies[key].target_count;
  }
  double total_weight = 0;
  for (std::size_t i = 0; i < train.size(); ++i) {
    const double weight = train.weights.empty() ? 1.0 : train.weights[i];
    total_weight += weight;
    if (weight <= 0) continue;
    slice_keys(train.attributes[i], coverage.attributes, order, keys);
    for (const Key& key : keys) {
      auto it = tallies.find(key);
      if (it == tallies.end()) continue;  // only slices the target shows
      ++it->second.train_count;
      it->second.train_weight += weight;
    }
  }

  const double n_target = static_cast<double>(std::max<std::size_t>(1, target.size()));
  const double minimum = static_cast<double>(std::max<std::size_t>(1, options.min_train_count));
  for (const auto& [key, tally] : tallies) {
    Slice slice;
    for (const auto& [attribute, value] : key) slice.attributes[attribute] = value;
    slice.target_count = tally.target_count;
    slice.train_count = tally.train_count;
    slice.target_share = static_cast<double>(tally.target_count) / n_target;
    slice.train_share = total_weight > 0 ? tally.train_weight / total_weight : 0.0;
    slice.under_supported = tally.train_count < options.min_train_count;
    slice.gap =
        slice.target_share * std::max(0.0, 1.0 - static_cast<double>(tally.train_count) / minimum);
    coverage.slices.push_back(std::move(slice));
  }
  std::sort(coverage.slices.begin(), coverage.slices.end(), [](const Slice& a, const Slice& b) {
    if (a.gap != b.gap) return a.gap > b.gap;
    if (a.target_share != b.target_share) return a.target_share > b.target_share;
    return a.attributes < b.attributes;
  });

  coverage.target_supported.assign(target.size(), true);
  std::size_t unsupported = 0;
  for (std::size_t i = 0; i < target.size(); ++i) {
    for (const Key& key : target_keys[i]) {
      if (tallies.at(key).train_count < options.min_train_count) {
        coverage.target_supported[i] = false;
        break;
      }
    }
    if (!coverage.target_supported[i]) ++unsupported;
  }
  coverage.unsupported_target_mass = static_cast<double>(unsupported) / n_target;
  return coverage;
}

bool in_slice(const std::map<std::string, std::string>& attributes,
              const std::map<std::string, std::string>& slice) {
  for (const auto& [key, value] : slice) {
    const auto it = attributes.find(key);
    if (it == attributes.end() || it->second != value) return false;
  }
  return true;
}

std::string slice_text(const std::map<std::string, std::string>& slice,
                       std::string_view separator) {
  std::string text;
  for (const auto& [key, value] : slice) {
    if (!text.empty()) text += separator;
    text += key + " = " + value;
  }
  return text;
}

}  // namespace parity::compare
