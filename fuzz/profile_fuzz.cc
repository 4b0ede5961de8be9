// libFuzzer target for the profile format (docs/formats/profile.md): deserializes arbitrary
// bytes, and once more with the size field and checksum made consistent so that mutations reach
// the section and sketch parsers. A profile that reads must re-serialize to the same bytes,
// merge with itself, and read back after the merge; its sketches must answer queries. Any crash,
// sanitizer report, failed PARITY_CHECK or unbounded allocation is a bug.
// Seeds: fuzz/corpus/profile/ and src/profile/test/data/*.bin.
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "parity/core/check.h"
#include "parity/profile/profile.h"

namespace {

using parity::profile::Profile;

void exercise(std::span<const std::uint8_t> bytes) {
  auto read = Profile::deserialize(bytes);
  if (!read.ok()) return;
  const Profile& profile = *read;
  const std::vector<std::uint8_t> again = profile.serialize();
  PARITY_CHECK_MSG(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()),
                   "a profile that reads re-serializes to the bytes it was read from");

  double sink = profile.distinct_episodes();
  for (const auto& [name, summary] : profile.features()) {
    sink += profile.missing(name) + summary.moments.variance() + summary.moments.kurtosis();
    if (!summary.quantiles.empty()) {
      const double median = summary.quantiles.quantile(0.5);
      sink += median + summary.quantiles.rank(median) + summary.quantiles.quantile(0.99);
    }
    const auto cdf = summary.quantiles.cdf(summary.histogram.edges());
    PARITY_CHECK(cdf.ok());
  }
  for (const auto& [key, summary] : profile.attributes()) {
    sink += static_cast<double>(summary.values.distinct()) + summary.distinct.estimate();
  }
  (void)std::isnan(sink);

  // Counts are 64-bit and merging does not guard against wrapping them; real profiles are
  // nowhere near 2^62 episodes.
  if (profile.episode_count() > (std::uint64_t{1} << 62)) return;
  Profile merged = profile;
  PARITY_CHECK(merged.merge(profile).ok());
  PARITY_CHECK(merged.episode_count() == 2 * profile.episode_count());
  const std::vector<std::uint8_t> merged_bytes = merged.serialize();
  auto back = Profile::deserialize(merged_bytes);
  PARITY_CHECK_MSG(back.ok(), "a merged profile reads back");
  PARITY_CHECK(back->serialize() == merged_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  exercise(input);
  // Header: magic (8), version (2), total size (8); checksum in the last 8 bytes.
  if (size >= 26) {
    std::vector<std::uint8_t> fixed(input.begin(), input.end());
    for (std::size_t i = 0; i < 8; ++i) fixed[10 + i] = static_cast<std::uint8_t>(size >> (8 * i));
    const std::uint64_t sum = XXH3_64bits(fixed.data(), size - 8);
    for (std::size_t i = 0; i < 8; ++i) {
      fixed[size - 8 + i] = static_cast<std::uint8_t>(sum >> (8 * i));
    }
    exercise(fixed);
  }
  return 0;
}
