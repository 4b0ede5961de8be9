// Profile: a mergeable summary of a set of episodes. Shards profiled apart (threads, processes,
// machines) merge into the profile of their union:
//   - episode count, and a HyperLogLog of episode ids (distinct episodes, so overlapping
//     shards show up as count > distinct);
//   - per feature: a KLL quantile sketch, a histogram on fixed edges, moments, and the number
//     of episodes without a value;
//   - per attribute: exact value counts and a HyperLogLog of the values;
//   - free-form string metadata (the selector, created_at, ...).
// merge() is associative and commutative: exactly for counts, histograms, frequencies and
// HyperLogLogs; for moments up to floating-point rounding; for quantiles within the KLL error
// bound (kll_sketch.h). The binary format is described in docs/formats/profile.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parity/core/status.h"
#include "parity/profile/frequency.h"
#include "parity/profile/histogram.h"
#include "parity/profile/hyperloglog.h"
#include "parity/profile/kll_sketch.h"
#include "parity/profile/moments.h"

namespace parity::profile {

// Histogram edges for a feature first seen in an episode without a declare_feature() call.
using DefaultEdges = std::function<Result<std::vector<double>>(std::string_view feature_name)>;

struct ProfileOptions {
  std::uint16_t kll_k = KllSketch::kDefaultK;  // >= KllSketch::kMinK
  std::uint8_t hll_precision = HyperLogLog::kDefaultPrecision;
  // Edges of features never declared, asked once per feature on first sight. Empty: 32 equal
  // bins on [0, 1] (default_feature_edges()), which suits the fraction-valued features; callers
  // that know a feature's range (FeatureSpec::hist_lo / hist_hi) should declare it or supply a
  // callback. Not serialized: a profile read from bytes uses the default.
  DefaultEdges default_edges;
};

// 32 equal-width bins on [0, 1].
std::vector<double> default_feature_edges();

struct FeatureSummary {
  KllSketch quantiles;
  FixedHistogram histogram;
  Moments moments;
};

struct AttributeSummary {
  Frequency values;
  HyperLogLog distinct;
};

class Profile {
 public:
  static constexpr std::string_view kMagic = "PRTYPROF";
  static constexpr std::uint16_t kFormatVersion = 1;
  // read_file() refuses larger files before reading them.
  static constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;

  // A profile with default options.
  Profile();
  // Errors: kInvalidArgument (kll_k below KllSketch::kMinK, hll_precision outside
  // [HyperLogLog::kMinPrecision, kMaxPrecision]).
  static Result<Profile> create(ProfileOptions options);

  // Declares a feature with its histogram edges. Declaring a declared feature again with the
  // same edges does nothing. Errors: kInvalidArgument (invalid edges, or a feature declared with
  // other edges). A feature declared after episodes were added counts them as missing.
  Status declare_feature(std::string_view name, std::vector<double> edges);

  // Adds one episode. Every feature of the profile that `features` does not name, or names with
  // a non-finite value, counts as missing for this episode; names not yet declared are declared
  // with the default edges. Every attribute of the profile that `attributes` does not name is
  // missing for this episode. Errors (the profile is unchanged): kInvalidArgument for a feature
  // or attribute named twice, or when default_edges fails for a new feature.
  Status add_episode(std::string_view id, std::span<const std::pair<std::string, double>> features,
                     std::span<const std::pair<std::string, std::string>> attributes);

  // Adds `other` (which may be *this) to this profile. Features and attributes present on one
  // side only are taken over (missing in the other side's episodes). Metadata: keys of both;
  // where both hold a key with different values the larger value (bytewise) wins, which keeps
  // merge commutative and, for ISO-8601 timestamps, keeps the latest. The options of *this stay.
  // Errors (the profile is unchanged): kInvalidArgument when the HyperLogLog precisions differ
  // or a feature's histogram edges differ (the message names the feature).
  Status merge(const Profile& other);

  std::uint64_t episode_count() const { return episode_count_; }
  // Estimated number of distinct episode ids (HyperLogLog).
  double distinct_episodes() const { return episode_ids_.estimate(); }
  const HyperLogLog& episode_ids() const { return episode_ids_; }

  // Features ordered by name.
  const std::map<std::string, FeatureSummary, std::less<>>& features() const { return features_; }
  // nullptr when the feature is unknown.
  const FeatureSummary* feature(std::string_view name) const;
  // Episodes without a finite value of `name` (episode_count() for an unknown feature).
  std::uint64_t missing(std::string_view name) const;

  // Attributes ordered by key.
  const std::map<std::string, AttributeSummary, std::less<>>& attributes() const {
    return attributes_;
  }
  const AttributeSummary* attribute(std::string_view key) const;
  // Episodes without a value of attribute `key` (episode_count() for an unknown attribute).
  std::uint64_t attribute_missing(std::string_view key) const;

  const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }
  void set_metadata(std::string key, std::string value);

  const ProfileOptions& options() const { return options_; }

  // The binary form (docs/formats/profile.md). Equal profiles give equal bytes, and
  // deserialize(serialize()) re-serializes to the same bytes.
  std::vector<std::uint8_t> serialize() const;
  // Errors, each with the byte offset: kTruncated (the bytes end before the size the header
  // records, or inside a structure), kCorrupt (bad magic, checksum, section or sketch content,
  // counts that disagree), kUnsupported (a format or sketch version this build does not read).
  static Result<Profile> deserialize(std::span<const std::uint8_t> bytes);

  // Writes serialize() to "<path>.partial", then renames it over `path`, so readers never see
  // a partial profile. Errors: kIoError naming the file.
  Status write_file(const std::filesystem::path& path) const;
  // Errors: kNotFound, kIoError, kCorrupt (larger than kMaxFileBytes), and those of
  // deserialize(), each prefixed with the path.
  static Result<Profile> read_file(const std::filesystem::path& path);

 private:
  explicit Profile(ProfileOptions options);
  Result<std::vector<double>> edges_for_new_feature(std::string_view name) const;

  ProfileOptions options_;
  std::uint64_t episode_count_ = 0;
  HyperLogLog episode_ids_;
  std::map<std::string, FeatureSummary, std::less<>> features_;
  std::map<std::string, AttributeSummary, std::less<>> attributes_;
  std::map<std::string, std::string, std::less<>> metadata_;
};

}  // namespace parity::profile
