#include "parity/formats/recording.h"

namespace parity {

const StreamInfo* RecordingInfo::find_stream(std::uint32_t id) const {
  for (const StreamInfo& stream : streams) {
    if (stream.id == id) return &stream;
  }
  return nullptr;
}

EpisodeInfo whole_recording_episode(const RecordingInfo& info) {
  EpisodeInfo episode;
  episode.message_count = info.message_count;
  episode.start_ns = info.start_ns;
  episode.end_ns = info.end_ns;
  episode.streams.reserve(info.streams.size());
  for (const StreamInfo& stream : info.streams) {
    episode.streams.push_back({stream.id, stream.message_count, stream.start_ns, stream.end_ns});
  }
  return episode;
}

bool relative_clock(const StreamInfo& stream) {
  const auto it = stream.metadata.find("time_source");
  return it != stream.metadata.end() && (it->second == "synthetic" || it->second == "relative");
}

}  // namespace parity
