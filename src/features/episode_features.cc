#include "parity/features/episode_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_map>

#include "features/stream_handlers.h"
#include "parity/features/signal_features.h"

namespace parity::features {
namespace {

constexpr std::uint64_t kMaxFailuresPerStream = 10;

struct RoutedStream {
  std::string role;
  std::unique_ptr<StreamHandler> handler;
  std::uint64_t failures = 0;
};

}  // namespace

std::string ExtractionOptions::to_json() const {
  nlohmann::json json = {{"frame_stride", frame_stride},
                         {"analysis_max_side", analysis.max_side},
                         {"descriptor_samples", descriptor_samples},
                         {"extractor_version", kExtractorVersion}};
  if (max_frames) json["max_frames"] = *max_frames;
  if (embedder != nullptr) json["embed_samples"] = embed_samples;
  return json.dump();
}

Result<EpisodeFeatures> extract_episode_features(Recording& recording, std::uint32_t episode_index,
                                                 const std::map<std::string, std::string>& roles,
                                                 const ExtractionOptions& options,
                                                 DiagnosticSink& diagnostics,
                                                 std::optional<std::uint64_t> interventions) {
  const RecordingInfo& info = recording.info();
  if (episode_index >= info.episodes.size()) {
    return invalid_argument(fmt::format("episode {} is out of range: the recording has {}",
                                        episode_index, info.episodes.size()));
  }
  const EpisodeInfo& episode = info.episodes[episode_index];
  EpisodeFeatures out;

  // Pick, per role, the stream with the most messages in this episode; streams without a role
  // are each their own key.
  const auto role_of = [&](const StreamInfo& stream) {
    const auto it = roles.find(stream.topic);
    return it == roles.end() ? std::string() : it->second;
  };
  const auto key_of = [&](const StreamInfo& stream) {
    const std::string role = role_of(stream);
    return role.empty() ? "stream:" + stream.topic : role;
  };
  std::map<std::string, const StreamSpan*> chosen;
  for (const StreamSpan& span : episode.streams) {
    const StreamInfo* stream = info.find_stream(span.stream_id);
    if (stream == nullptr || span.message_count == 0) continue;
    const StreamSpan*& best = chosen[key_of(*stream)];
    if (best == nullptr || span.message_count > best->message_count) best = &span;
  }
  std::unordered_map<std::uint32_t, RoutedStream> routed;
  for (const StreamSpan& span : episode.streams) {
    const StreamInfo* stream = info.find_stream(span.stream_id);
    if (stream == nullptr || span.message_count == 0) continue;
    const std::string role = role_of(*stream);
    if (chosen.at(key_of(*stream)) != &span) {
      out.notes.push_back(
          fmt::format("{}: another stream with role '{}' has more messages", stream->topic, role));
      continue;
    }
    std::string why;
    auto handler = make_stream_handler(*stream, role, options, span.message_count, why);
    if (!handler.ok()) {
      out.notes.push_back(fmt::format("{}: {}", stream->topic, handler.status().message()));
    } else if (*handler == nullptr) {
      out.notes.push_back(fmt::format("{}: {}", stream->topic, why));
    } else {
      routed[stream->id] = RoutedStream{role, std::move(*handler), 0};
    }
  }

  // Every stream counts towards timing, except video streams the reader thins out (their
  // frame times are the data's own timestamps anyway); only routed streams need their bytes.
  const bool reader_thins = options.frame_stride > 1 || options.max_frames.has_value();
  const auto counts_for_timing = [&](const StreamInfo& stream) {
    return !reader_thins || stream.metadata.count("video_codec") == 0;
  };
  std::unordered_map<std::uint32_t, std::uint32_t> timing_index;
  TimingFeatureExtractor timing;
  if (interventions) timing.set_interventions(*interventions);
  ReadOptions read;
  read.episode = episode_index;
  read.log_time_order = true;
  read.frame_stride = std::max<std::uint32_t>(1, options.frame_stride);
  read.max_frames = options.max_frames;
  read.video_max_side = options.analysis.max_side;  // decoded straight to the analysis size
  const std::string file = info.files.empty() ? "" : info.files.front().string();
  PARITY_RETURN_IF_ERROR(recording.read_messages(read, [&](const MessageView& message) -> Status {
    if (counts_for_timing(*message.stream)) {
      const auto [slot, inserted] =
          timing_index.emplace(message.stream->id, static_cast<std::uint32_t>(timing_index.size()));
      timing.add(slot->second, message.log_time_ns);
    }
    const auto it = routed.find(message.stream->id);
    if (it == routed.end() || it->second.failures >= kMaxFailuresPerStream) return {};
    const Status status = it->second.handler->add(message);
    if (!status.ok()) {
      ++it->second.failures;
      diagnostics.warn(file, message.file_offset,
                       fmt::format("{}: message at {} ns skipped for features: {}{}",
                                   message.stream->topic, message.log_time_ns, status.message(),
                                   it->second.failures == kMaxFailuresPerStream
                                       ? " (no more messages of this stream are tried)"
                                       : ""));
    }
    return {};
  }));

  for (auto& [id, stream] : routed) stream.handler->finish(out);
  for (auto& [name, value] : timing.finish()) out.values.emplace_back("episode." + name, value);
  std::sort(out.values.begin(), out.values.end());
  std::sort(out.samples.begin(), out.samples.end(), [](const auto& a, const auto& b) {
    return std::tie(a.role, a.kind, a.position) < std::tie(b.role, b.kind, b.position);
  });
  std::sort(out.notes.begin(), out.notes.end());
  return out;
}

}  // namespace parity::features
