#include "parity/profile/profile.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "profile/byte_codec.h"

namespace parity::profile {
namespace {

// Layout constants (docs/formats/profile.md, "File layout").
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kTotalSizeOffset = 10;
constexpr std::size_t kHeaderBytes = 18;  // magic, version, total size
constexpr std::size_t kChecksumBytes = 8;

enum class SectionId : std::uint8_t {
  kSummary = 1,     // kll_k u16, hll_precision u8, episode_count u64
  kMetadata = 2,    // u32 count, (string key, string value)*
  kEpisodeIds = 3,  // blob: HyperLogLog
  kFeatures = 4,    // u32 count, (string name, blob histogram, blob moments, blob KLL)*
  kAttributes = 5,  // u32 count, (string key, blob frequency, blob HyperLogLog)*
};

constexpr std::string_view section_name(SectionId id) {
  switch (id) {
    case SectionId::kSummary: return "summary";
    case SectionId::kMetadata: return "metadata";
    case SectionId::kEpisodeIds: return "episode ids";
    case SectionId::kFeatures: return "features";
    case SectionId::kAttributes: return "attributes";
  }
  return "unknown";
}

// A u64 length then the serialized sketch.
template <typename Sketch>
void write_blob(std::vector<std::uint8_t>& out, const Sketch& sketch) {
  detail::ByteWriter w(out);
  const std::size_t at = w.size();
  w.u64(0);
  sketch.serialize_to(out);
  w.patch_u64(at, out.size() - at - 8);
}

// Reads a u64 length and the blob it announces, then T::deserialize on exactly those bytes
// (offsets in its messages stay absolute).
template <typename T>
Result<T> read_blob(detail::ByteReader& r, std::string_view what) {
  std::uint64_t length = 0;
  const std::size_t at = r.position();
  PARITY_RETURN_IF_ERROR(r.u64(length, what));
  if (length > r.remaining()) {
    return r.corrupt_at(at, fmt::format("{}: length {} runs past the end of its section ({} "
                                        "bytes left)",
                                        what, length, r.remaining()));
  }
  const std::uint64_t blob_offset = r.offset();
  std::span<const std::uint8_t> blob;
  PARITY_RETURN_IF_ERROR(r.bytes(static_cast<std::size_t>(length), blob, what));
  return T::deserialize(blob, blob_offset);
}

std::string escaped_prefix(std::span<const std::uint8_t> bytes, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < std::min(n, bytes.size()); ++i) {
    const auto c = static_cast<char>(bytes[i]);
    if (bytes[i] >= 0x20 && bytes[i] < 0x7f) {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", bytes[i]);
    }
  }
  return out;
}

}  // namespace

std::vector<double> default_feature_edges() {
  return linear_edges(0.0, 1.0, 32).value();
}

Profile::Profile() : Profile(ProfileOptions{}) {}

Profile::Profile(ProfileOptions options)
    : options_(std::move(options)),
      episode_ids_(HyperLogLog::create(options_.hll_precision).value()) {}

Result<Profile> Profile::create(ProfileOptions options) {
  if (options.kll_k < KllSketch::kMinK) {
    return invalid_argument(
        fmt::format("profile KLL k {}: expected at least {}", options.kll_k, KllSketch::kMinK));
  }
  if (options.hll_precision < HyperLogLog::kMinPrecision ||
      options.hll_precision > HyperLogLog::kMaxPrecision) {
    return invalid_argument(fmt::format("profile HyperLogLog precision {}: expected {} to {}",
                                        options.hll_precision, HyperLogLog::kMinPrecision,
                                        HyperLogLog::kMaxPrecision));
  }
  return Profile(std::move(options));
}

Result<std::vector<double>> Profile::edges_for_new_feature(std::string_view name) const {
  if (!options_.default_edges) return default_feature_edges();
  return options_.default_edges(name);
}

Status Profile::declare_feature(std::string_view name, std::vector<double> edges) {
  const auto it = features_.find(name);
  if (it != features_.end()) {
    if (it->second.histogram.edges() == edges) return {};
    return invalid_argument(
        fmt::format("feature {:?} is declared already with {} other histogram edges", name,
                    it->second.histogram.edges().size()));
  }
  auto histogram = FixedHistogram::create(std::move(edges));
  if (!histogram.ok()) return histogram.status().with_context(fmt::format("feature {:?}", name));
  features_.emplace(std::string(name), FeatureSummary{KllSketch(options_.kll_k),
                                                      std::move(histogram).value(), Moments{}});
  return {};
}

Status Profile::add_episode(std::string_view id,
                            std::span<const std::pair<std::string, double>> features,
                            std::span<const std::pair<std::string, std::string>> attributes) {
  // Validate everything first so that an error leaves the profile unchanged.
  std::vector<std::string_view> names;
  names.reserve(features.size());
  for (const auto& entry : features) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  if (const auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
    return invalid_argument(
        fmt::format("episode {:?}: feature {:?} appears more than once", id, *dup));
  }
  names.clear();
  for (const auto& entry : attributes) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  if (const auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
    return invalid_argument(
        fmt::format("episode {:?}: attribute {:?} appears more than once", id, *dup));
  }
  std::vector<std::pair<std::string_view, FixedHistogram>> new_features;
  for (const auto& [name, value] : features) {
    if (features_.find(name) != features_.end()) continue;
    auto edges = edges_for_new_feature(name);
    if (!edges.ok()) {
      return edges.status().with_context(fmt::format("default edges of feature {:?}", name));
    }
    auto histogram = FixedHistogram::create(std::move(edges).value());
    if (!histogram.ok()) {
      return histogram.status().with_context(fmt::format("default edges of feature {:?}", name));
    }
    new_features.emplace_back(name, std::move(histogram).value());
  }

  ++episode_count_;
  episode_ids_.update(id);
  for (auto& [name, histogram] : new_features) {
    features_.emplace(std::string(name),
                      FeatureSummary{KllSketch(options_.kll_k), std::move(histogram), Moments{}});
  }
  for (const auto& [name, value] : features) {
    if (!std::isfinite(value)) continue;
    FeatureSummary& summary = features_.find(name)->second;
    summary.quantiles.update(value);
    summary.histogram.add(value);
    summary.moments.add(value);
  }
  for (const auto& [key, value] : attributes) {
    auto it = attributes_.find(key);
    if (it == attributes_.end()) {
      it = attributes_
               .emplace(key, AttributeSummary{Frequency{},
                                              HyperLogLog::create(options_.hll_precision).value()})
               .first;
    }
    it->second.values.add(value);
    it->second.distinct.update(value);
  }
  return {};
}

Status Profile::merge(const Profile& other) {
  if (&other == this) {
    // The copy is needed: `other` is *this, which the merge modifies.
    // NOLINTNEXTLINE(performance-unnecessary-copy-initialization)
    const Profile copy = other;
    return merge(copy);
  }
  if (other.options_.hll_precision != options_.hll_precision) {
    return invalid_argument(
        fmt::format("cannot merge profiles with HyperLogLog precision {} and {}",
                    options_.hll_precision, other.options_.hll_precision));
  }
  for (const auto& [name, theirs] : other.features_) {
    const auto it = features_.find(name);
    if (it != features_.end() && it->second.histogram.edges() != theirs.histogram.edges()) {
      return it->second.histogram.merge(theirs.histogram)
          .with_context(fmt::format("cannot merge profiles: feature {:?}", name));
    }
  }

  episode_count_ += other.episode_count_;
  PARITY_CHECK(episode_ids_.merge(other.episode_ids_).ok());
  for (const auto& [name, theirs] : other.features_) {
    const auto it = features_.find(name);
    if (it == features_.end()) {
      features_.emplace(name, theirs);
      continue;
    }
    it->second.quantiles.merge(theirs.quantiles);
    PARITY_CHECK(it->second.histogram.merge(theirs.histogram).ok());
    it->second.moments.merge(theirs.moments);
  }
  for (const auto& [key, theirs] : other.attributes_) {
    const auto it = attributes_.find(key);
    if (it == attributes_.end()) {
      attributes_.emplace(key, theirs);
      continue;
    }
    it->second.values.merge(theirs.values);
    PARITY_CHECK(it->second.distinct.merge(theirs.distinct).ok());
  }
  for (const auto& [key, value] : other.metadata_) {
    const auto it = metadata_.find(key);
    if (it == metadata_.end()) {
      metadata_.emplace(key, value);
    } else if (it->second < value) {
      it->second = value;
    }
  }
  return {};
}

const FeatureSummary* Profile::feature(std::string_view name) const {
  const auto it = features_.find(name);
  return it == features_.end() ? nullptr : &it->second;
}

std::uint64_t Profile::missing(std::string_view name) const {
  const FeatureSummary* summary = feature(name);
  return summary == nullptr ? episode_count_ : episode_count_ - summary->moments.count();
}

const AttributeSummary* Profile::attribute(std::string_view key) const {
  const auto it = attributes_.find(key);
  return it == attributes_.end() ? nullptr : &it->second;
}

std::uint64_t Profile::attribute_missing(std::string_view key) const {
  const AttributeSummary* summary = attribute(key);
  return summary == nullptr ? episode_count_ : episode_count_ - summary->values.total();
}

void Profile::set_metadata(std::string key, std::string value) {
  metadata_[std::move(key)] = std::move(value);
}

std::vector<std::uint8_t> Profile::serialize() const {
  std::vector<std::uint8_t> out;
  detail::ByteWriter w(out);
  w.bytes({reinterpret_cast<const std::uint8_t*>(kMagic.data()), kMagic.size()});
  w.u16(kFormatVersion);
  w.u64(0);  // total size, patched below

  auto section = [&](SectionId id, auto&& body) {
    w.u8(static_cast<std::uint8_t>(id));
    const std::size_t at = w.size();
    w.u64(0);
    body();
    w.patch_u64(at, w.size() - at - 8);
  };
  section(SectionId::kSummary, [&] {
    w.u16(options_.kll_k);
    w.u8(options_.hll_precision);
    w.u64(episode_count_);
  });
  section(SectionId::kMetadata, [&] {
    w.u32(static_cast<std::uint32_t>(metadata_.size()));
    for (const auto& [key, value] : metadata_) {
      w.string(key);
      w.string(value);
    }
  });
  section(SectionId::kEpisodeIds, [&] { write_blob(out, episode_ids_); });
  section(SectionId::kFeatures, [&] {
    w.u32(static_cast<std::uint32_t>(features_.size()));
    for (const auto& [name, summary] : features_) {
      w.string(name);
      write_blob(out, summary.histogram);
      write_blob(out, summary.moments);
      write_blob(out, summary.quantiles);
    }
  });
  section(SectionId::kAttributes, [&] {
    w.u32(static_cast<std::uint32_t>(attributes_.size()));
    for (const auto& [key, summary] : attributes_) {
      w.string(key);
      write_blob(out, summary.values);
      write_blob(out, summary.distinct);
    }
  });
  w.patch_u64(kTotalSizeOffset, out.size() + kChecksumBytes);
  w.u64(XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<Profile> Profile::deserialize(std::span<const std::uint8_t> bytes) {
  // Header: magic, version, total size; then the checksum over everything before it.
  const std::size_t magic_seen = std::min(bytes.size(), kMagic.size());
  if (magic_seen > 0 && std::memcmp(bytes.data(), kMagic.data(), magic_seen) != 0) {
    return corrupt(
        fmt::format("offset 0: not a Parity profile: expected magic \"{}\", found "
                    "\"{}\"",
                    kMagic, escaped_prefix(bytes, kMagic.size())));
  }
  if (bytes.size() < kHeaderBytes) {
    return truncated(fmt::format("offset {}: profile header: needs {} bytes, {} available",
                                 bytes.size(), kHeaderBytes, bytes.size()));
  }
  detail::ByteReader header(bytes.subspan(kVersionOffset, kHeaderBytes - kVersionOffset),
                            kVersionOffset);
  std::uint16_t version = 0;
  std::uint64_t total_size = 0;
  PARITY_RETURN_IF_ERROR(header.u16(version, "profile format version"));
  PARITY_RETURN_IF_ERROR(header.u64(total_size, "profile size"));
  if (version != kFormatVersion) {
    return unsupported(
        fmt::format("offset {}: profile format version {}, this build reads "
                    "version {}",
                    kVersionOffset, version, kFormatVersion));
  }
  if (total_size < kHeaderBytes + kChecksumBytes) {
    return corrupt(fmt::format("offset {}: profile size {} is below the minimum of {} bytes",
                               kTotalSizeOffset, total_size, kHeaderBytes + kChecksumBytes));
  }
  if (total_size > bytes.size()) {
    return truncated(fmt::format("offset {}: the profile is {} bytes, only {} available",
                                 bytes.size(), total_size, bytes.size()));
  }
  if (total_size < bytes.size()) {
    return corrupt(fmt::format("offset {}: {} bytes after the end of the profile", total_size,
                               bytes.size() - total_size));
  }
  const std::size_t body_end = bytes.size() - kChecksumBytes;
  detail::ByteReader trailer(bytes.subspan(body_end), body_end);
  std::uint64_t stored = 0;
  PARITY_RETURN_IF_ERROR(trailer.u64(stored, "profile checksum"));
  const std::uint64_t computed = XXH3_64bits(bytes.data(), body_end);
  if (stored != computed) {
    return corrupt(
        fmt::format("offset {}: profile checksum mismatch: expected {:#018x}, computed "
                    "{:#018x}",
                    body_end, stored, computed));
  }

  detail::ByteReader body(bytes.subspan(kHeaderBytes, body_end - kHeaderBytes), kHeaderBytes);
  // Returns a reader over the next section's body, which must have id `expected`.
  auto open_section = [&](SectionId expected) -> Result<detail::ByteReader> {
    const std::size_t at = body.position();
    std::uint8_t id = 0;
    std::uint64_t length = 0;
    PARITY_RETURN_IF_ERROR(body.u8(id, "section id"));
    if (id != static_cast<std::uint8_t>(expected)) {
      return body.corrupt_at(at,
                             fmt::format("expected section {} ({}), found section id {}",
                                         static_cast<int>(expected), section_name(expected), id));
    }
    PARITY_RETURN_IF_ERROR(body.u64(length, "section length"));
    if (length > body.remaining()) {
      return body.corrupt_at(at, fmt::format("section {} length {} runs past the end of the "
                                             "profile ({} bytes left)",
                                             section_name(expected), length, body.remaining()));
    }
    const std::uint64_t offset = body.offset();
    std::span<const std::uint8_t> span;
    PARITY_RETURN_IF_ERROR(body.bytes(static_cast<std::size_t>(length), span, "section"));
    return detail::ByteReader(span, offset);
  };

  // Summary: the options and the episode count.
  PARITY_ASSIGN_OR_RETURN(detail::ByteReader summary, open_section(SectionId::kSummary));
  ProfileOptions options;
  std::uint64_t episode_count = 0;
  const std::size_t options_at = summary.position();
  PARITY_RETURN_IF_ERROR(summary.u16(options.kll_k, "KLL k"));
  PARITY_RETURN_IF_ERROR(summary.u8(options.hll_precision, "HyperLogLog precision"));
  PARITY_RETURN_IF_ERROR(summary.u64(episode_count, "episode count"));
  PARITY_RETURN_IF_ERROR(summary.expect_end("summary section"));
  auto created = create(options);
  if (!created.ok()) {
    return summary.corrupt_at(options_at, "profile options: " + created.status().message());
  }
  Profile profile = std::move(created).value();
  profile.episode_count_ = episode_count;

  // Metadata.
  PARITY_ASSIGN_OR_RETURN(detail::ByteReader meta, open_section(SectionId::kMetadata));
  std::uint32_t meta_count = 0;
  PARITY_RETURN_IF_ERROR(meta.u32(meta_count, "metadata count"));
  PARITY_RETURN_IF_ERROR(meta.check_count(meta_count, 8, "metadata entries"));
  for (std::uint32_t i = 0; i < meta_count; ++i) {
    const std::size_t at = meta.position();
    std::string key;
    std::string value;
    PARITY_RETURN_IF_ERROR(meta.string(key, "metadata key"));
    PARITY_RETURN_IF_ERROR(meta.string(value, "metadata value"));
    if (!profile.metadata_.empty() && !(profile.metadata_.rbegin()->first < key)) {
      return meta.corrupt_at(at, fmt::format("metadata key {:?} does not follow {:?} in order", key,
                                             profile.metadata_.rbegin()->first));
    }
    profile.metadata_.emplace_hint(profile.metadata_.end(), std::move(key), std::move(value));
  }
  PARITY_RETURN_IF_ERROR(meta.expect_end("metadata section"));

  // Episode ids.
  PARITY_ASSIGN_OR_RETURN(detail::ByteReader ids, open_section(SectionId::kEpisodeIds));
  const std::size_t ids_at = ids.position();
  PARITY_ASSIGN_OR_RETURN(profile.episode_ids_, read_blob<HyperLogLog>(ids, "episode id sketch"));
  if (profile.episode_ids_.precision() != options.hll_precision) {
    return ids.corrupt_at(ids_at,
                          fmt::format("episode id sketch precision {}, the profile's is {}",
                                      profile.episode_ids_.precision(), options.hll_precision));
  }
  PARITY_RETURN_IF_ERROR(ids.expect_end("episode ids section"));

  // Features.
  PARITY_ASSIGN_OR_RETURN(detail::ByteReader feats, open_section(SectionId::kFeatures));
  std::uint32_t feature_count = 0;
  PARITY_RETURN_IF_ERROR(feats.u32(feature_count, "feature count"));
  // A feature is at least a 4-byte name length and three 8-byte blob lengths.
  PARITY_RETURN_IF_ERROR(feats.check_count(feature_count, 28, "features"));
  for (std::uint32_t i = 0; i < feature_count; ++i) {
    const std::size_t at = feats.position();
    std::string name;
    PARITY_RETURN_IF_ERROR(feats.string(name, "feature name"));
    if (!profile.features_.empty() && !(profile.features_.rbegin()->first < name)) {
      return feats.corrupt_at(at, fmt::format("feature {:?} does not follow {:?} in order", name,
                                              profile.features_.rbegin()->first));
    }
    const std::string context = fmt::format("feature {:?}", name);
    auto histogram = read_blob<FixedHistogram>(feats, "histogram");
    if (!histogram.ok()) return histogram.status().with_context(context);
    auto moments = read_blob<Moments>(feats, "moments");
    if (!moments.ok()) return moments.status().with_context(context);
    auto quantiles = read_blob<KllSketch>(feats, "KLL sketch");
    if (!quantiles.ok()) return quantiles.status().with_context(context);
    const std::uint64_t n = moments->count();
    if (histogram->total() != n || quantiles->count() != n || n > episode_count) {
      return feats.corrupt_at(
          at, fmt::format("feature {:?}: histogram total {}, KLL count {} and moments count {} "
                          "must agree and be at most the episode count {}",
                          name, histogram->total(), quantiles->count(), n, episode_count));
    }
    profile.features_.emplace_hint(
        profile.features_.end(), std::move(name),
        FeatureSummary{std::move(quantiles).value(), std::move(histogram).value(),
                       std::move(moments).value()});
  }
  PARITY_RETURN_IF_ERROR(feats.expect_end("features section"));

  // Attributes.
  PARITY_ASSIGN_OR_RETURN(detail::ByteReader attrs, open_section(SectionId::kAttributes));
  std::uint32_t attribute_count = 0;
  PARITY_RETURN_IF_ERROR(attrs.u32(attribute_count, "attribute count"));
  // An attribute is at least a 4-byte key length and two 8-byte blob lengths.
  PARITY_RETURN_IF_ERROR(attrs.check_count(attribute_count, 20, "attributes"));
  for (std::uint32_t i = 0; i < attribute_count; ++i) {
    const std::size_t at = attrs.position();
    std::string key;
    PARITY_RETURN_IF_ERROR(attrs.string(key, "attribute key"));
    if (!profile.attributes_.empty() && !(profile.attributes_.rbegin()->first < key)) {
      return attrs.corrupt_at(at, fmt::format("attribute {:?} does not follow {:?} in order", key,
                                              profile.attributes_.rbegin()->first));
    }
    const std::string context = fmt::format("attribute {:?}", key);
    auto values = read_blob<Frequency>(attrs, "value counts");
    if (!values.ok()) return values.status().with_context(context);
    auto distinct = read_blob<HyperLogLog>(attrs, "value sketch");
    if (!distinct.ok()) return distinct.status().with_context(context);
    if (values->total() > episode_count || distinct->precision() != options.hll_precision) {
      return attrs.corrupt_at(
          at, fmt::format("attribute {:?}: {} values in {} episodes, sketch precision {} (the "
                          "profile's is {})",
                          key, values->total(), episode_count, distinct->precision(),
                          options.hll_precision));
    }
    profile.attributes_.emplace_hint(
        profile.attributes_.end(), std::move(key),
        AttributeSummary{std::move(values).value(), std::move(distinct).value()});
  }
  PARITY_RETURN_IF_ERROR(attrs.expect_end("attributes section"));
  PARITY_RETURN_IF_ERROR(body.expect_end("profile"));
  return profile;
}

Status Profile::write_file(const std::filesystem::path& path) const {
  const std::vector<std::uint8_t> bytes = serialize();
  std::filesystem::path partial = path;
  partial += ".partial";
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (file == nullptr) {
    return io_error(fmt::format("{}: cannot create: {}", partial.string(), std::strerror(errno)));
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  std::error_code ec;
  if (!written || !closed) {
    std::filesystem::remove(partial, ec);
    return io_error(fmt::format("{}: cannot write {} bytes: {}", partial.string(), bytes.size(),
                                std::strerror(written ? errno : write_errno)));
  }
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return io_error(fmt::format("{}: cannot rename {} over it: {}", path.string(), partial.string(),
                                ec.message()));
  }
  return {};
}

Result<Profile> Profile::read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return not_found(fmt::format("{}: no such profile file", path.string()));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return io_error(fmt::format("{}: cannot read: {}", path.string(), ec.message()));
  if (size > kMaxFileBytes) {
    return corrupt(fmt::format("{}: {} bytes: larger than the {} bytes a profile may have",
                               path.string(), size, kMaxFileBytes));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    return io_error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (std::fread(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
    return io_error(fmt::format("{}: cannot read {} bytes", path.string(), bytes.size()));
  }
  auto profile = deserialize(bytes);
  if (!profile.ok()) return profile.status().with_context(path.string());
  return profile;
}

}  // namespace parity::profile
