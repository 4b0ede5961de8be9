// The two sides of a comparison, read from the catalog: each selected episode's feature row,
// categorical attributes and (training side) weight. Everything downstream of this file works on
// these arrays, never on the catalog or on recordings.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/core/status.h"

namespace parity::compare {

struct Sample {
  std::vector<std::string> episode_ids;
  std::vector<std::string> sources;  // source path of each episode
  // Where each episode sits in its source: its index (LeRobot / RLDS episode_index, or the
  // catalog's episode number) and its time range (ns, on the source's clock).
  std::vector<std::int64_t> indices;
  std::vector<std::pair<std::int64_t, std::int64_t>> time_ranges;
  // Categorical attributes of each episode as text: the catalog attributes (hand labels and
  // derived ones) plus domain, kind, task, embodiment and outcome when set.
  std::vector<std::map<std::string, std::string>> attributes;
  std::vector<double> weights;  // one per episode, >= 0, summing to the episode count
  std::size_t size() const { return episode_ids.size(); }
};

// Both sides on one set of feature columns: the union of the names either side has, sorted;
// NaN where an episode lacks a feature.
struct ComparedSamples {
  Sample train, target;
  std::vector<std::string> features;
  std::vector<double> train_values;   // train.size() x features.size(), row-major
  std::vector<double> target_values;  // target.size() x features.size()
};

// How the training episodes are weighted (a training mix):
//   ""                           every episode weighs the same;
//   "KEY=V1:W1,V2:W2,..."        a mix over the values of an attribute or catalog field (domain,
//                                kind, source, task, any attribute): the episodes with value Vi
//                                share weight Wi in proportion (normalised over the listed
//                                values; episodes with an unlisted value get 0);
//   "file:PATH"                  per-episode weights from a CSV (columns id or episode_id, and
//                                weight) or JSON Lines file with the same keys (what `parity
//                                weights` writes); episodes the file does not name get 0.
struct WeightSpec {
  std::string text;
};

// Loads the selections. Errors: kInvalidArgument (a bad selector or weight spec, an empty
// selection, all training weights zero, a negative or non-finite weight), kNotFound (a weights
// file that does not exist), catalog errors.
Result<ComparedSamples> load_compared_samples(const Catalog& catalog, const EpisodeFilter& train,
                                              const EpisodeFilter& target,
                                              const WeightSpec& weights);

// Applies a weight spec to a sample (sets sample.weights). Errors as load_compared_samples().
Status apply_weight_spec(const WeightSpec& spec, Sample& sample);

}  // namespace parity::compare
