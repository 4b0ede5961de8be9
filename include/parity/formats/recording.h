// The reader contract every container format implements (MCAP, ROS 1 bags, rosbag2 sqlite,
// HDF5 demonstrations, RLDS / TFRecord, LeRobot). Ingest, `parity info` and `parity dump` see
// recordings only through this interface.
//
// Message-oriented containers (MCAP, bags) deliver each message in its wire encoding (`cdr`,
// `ros1`, `json`, ...). Array-oriented containers (HDF5, RLDS, LeRobot) deliver one message
// per time step and stream in the encodings of parity/formats/tensor.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"

namespace parity {

// One channel of messages (an MCAP channel, a bag topic/connection).
struct StreamInfo {
  std::uint32_t id = 0;          // unique within the recording
  std::string topic;             // e.g. "/camera/color/image_raw"
  std::string type;              // schema name, e.g. "sensor_msgs/msg/Image"; "" if none
  std::string message_encoding;  // e.g. "cdr", "json", "protobuf", "ros1"
  std::string schema_encoding;   // e.g. "ros2msg", "jsonschema", "protobuf"; "" if none
  std::string schema;            // schema text (or bytes for binary encodings)
  std::map<std::string, std::string> metadata;  // channel metadata (QoS profiles, ...)
  std::uint64_t message_count = 0;
  std::int64_t start_ns = 0;  // log time of the first message; 0 when count == 0
  std::int64_t end_ns = 0;    // log time of the last message; 0 when count == 0
};

// Message count and log-time range of one stream within one episode.
struct StreamSpan {
  std::uint32_t stream_id = 0;
  std::uint64_t message_count = 0;
  std::int64_t start_ns = 0;  // 0 when message_count == 0
  std::int64_t end_ns = 0;
};

// One episode of a recording. A message container (an MCAP file, a ROS bag, a rosbag2 bag) is
// one episode covering everything; an HDF5 demo file, an RLDS shard or a LeRobot dataset holds
// one episode per demonstration.
struct EpisodeInfo {
  std::uint32_t index = 0;  // 0-based, dense, in the container's order
  std::string name;         // the container's own name ("demo_3", "episode_000012"); "" when
                            // the recording is a single episode
  std::uint64_t message_count = 0;
  std::int64_t start_ns = 0;  // log time of the first message; 0 when message_count == 0
  std::int64_t end_ns = 0;    // log time of the last message
  // Streams the episode uses, sorted by id (every stream of the recording for single-episode
  // containers, including those with no messages).
  std::vector<StreamSpan> streams;
  // Metadata the container keeps per episode (robomimic filter-key membership, RLDS episode
  // metadata, a LeRobot task, ...). Keys match [A-Za-z0-9_./-]+; ingest turns them into
  // catalog attributes (numbers and true/false become typed values).
  std::map<std::string, std::string> attributes;
};

// A named key/value record stored in the file (MCAP Metadata records).
struct MetadataRecord {
  std::string name;
  std::map<std::string, std::string> entries;
};

struct AttachmentInfo {
  std::string name;
  std::string media_type;
  std::int64_t log_time_ns = 0;
  std::int64_t create_time_ns = 0;
  std::uint64_t size_bytes = 0;
};

// What a recording holds. Complete and exact once open_recording() returns: counts and time
// ranges come from the file's summary/index when it has one and is consistent, else from a
// sequential scan.
struct RecordingInfo {
  std::string format;                        // "mcap", "rosbag2-mcap", ...
  std::string profile;                       // MCAP profile, e.g. "ros2"; "" if none
  std::string library;                       // writer library string, if recorded
  std::vector<std::filesystem::path> files;  // every file that makes up the recording, in order
  std::uint64_t size_bytes = 0;              // total bytes over `files`
  std::vector<StreamInfo> streams;           // sorted by id
  std::uint64_t message_count = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::vector<MetadataRecord> metadata;
  std::vector<AttachmentInfo> attachments;
  std::uint64_t chunk_count = 0;
  std::map<std::string, std::uint64_t> chunk_compression_counts;  // "zstd" -> n, "" = none
  bool indexed = false;  // true when the summary/index fast path was used
  // Never empty once open_recording() returns: single-episode containers hold one entry
  // (see whole_recording_episode()).
  std::vector<EpisodeInfo> episodes;

  const StreamInfo* find_stream(std::uint32_t id) const;
};

// One decoded-from-container message. The view (and `data`) is valid only for the duration
// of the callback that receives it.
struct MessageView {
  const StreamInfo* stream = nullptr;
  std::int64_t log_time_ns = 0;
  std::int64_t publish_time_ns = 0;
  std::uint32_t sequence = 0;
  std::span<const std::uint8_t> data;  // serialized message in stream->message_encoding
  std::size_t file_index = 0;          // index into RecordingInfo::files
  std::uint64_t file_offset = 0;       // byte offset of the record in its file (or of its chunk)
  std::uint32_t episode = 0;           // index into RecordingInfo::episodes
};

struct ReadOptions {
  std::vector<std::string> topics;       // empty = all topics
  std::optional<std::uint64_t> limit;    // stop after this many delivered messages
  std::optional<std::int64_t> start_ns;  // inclusive log-time bound
  std::optional<std::int64_t> end_ns;    // exclusive log-time bound
  std::optional<std::uint32_t> episode;  // only this episode's messages (readers of
                                         // multi-episode containers seek straight to it)
  // true: deliver in log-time order (costs memory bounded by the overlap of chunks); false:
  // file order. Multi-episode containers always deliver episode by episode in index order
  // (their episodes may each start at 0 on a synthetic clock), time-ordered within each.
  bool log_time_order = false;
  // false: the callback never looks at MessageView::data (ingest's validation pass counts
  // messages). Readers may then deliver empty data for streams whose bytes are costly to
  // produce (frames decoded from video), after checking what they can without decoding.
  bool need_data = true;
  // Streams decoded from video (LeRobot cameras): deliver every frame_stride-th frame of each
  // episode (frame 0, stride, 2 x stride, ...) and at most max_frames frames per episode and
  // stream. Other streams ignore both.
  std::uint32_t frame_stride = 1;
  std::optional<std::uint64_t> max_frames;
  // Streams decoded from video: frames scaled down (area averaging, aspect kept) so that
  // neither side exceeds this many pixels; 0 = native size. Consumers that analyse frames at a
  // reduced size (camera features) save the full-size conversion. Other streams ignore it.
  std::uint32_t video_max_side = 0;
  // Called with (bytes consumed so far, total bytes) as reading advances; may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

// Returning a non-ok Status from the callback stops reading and is passed through.
using MessageCallback = std::function<Status(const MessageView&)>;

class Recording {
 public:
  virtual ~Recording() = default;
  virtual const RecordingInfo& info() const = 0;

  // Streams messages to `on_message`. Recoverable damage (a bad chunk CRC, a truncated tail)
  // is reported to the diagnostics sink given to open_recording() and the rest is still
  // delivered; errors that stop reading are returned. Not thread-safe.
  virtual Status read_messages(const ReadOptions& options, const MessageCallback& on_message) = 0;
};

// The one episode of a single-episode recording: index 0, no name, the recording's counts and
// time range, one span per stream (from StreamInfo). Readers call it once `streams`,
// `message_count`, `start_ns` and `end_ns` are final.
EpisodeInfo whole_recording_episode(const RecordingInfo& info);

// True when the stream's log times are not wall-clock times: its metadata "time_source" is
// "synthetic" (step index x period) or "relative" (offsets the data records, such as LeRobot's
// `timestamp`, with episodes laid end to end from 0). Such times print as seconds.
bool relative_clock(const StreamInfo& stream);

// The format registry: picks a reader from the path (file magic first, then extension, then
// directory layout) and opens it. A rosbag2 directory (metadata.yaml + MCAP or sqlite3
// storage, or <name>_N.mcap files alone) and an RLDS dataset directory each open as one
// recording. Errors name the path: kNotFound, kUnsupported (no reader recognises it, the
// message lists the supported formats), kCorrupt / kTruncated from the reader.
// `diagnostics` must outlive the returned recording.
Result<std::unique_ptr<Recording>> open_recording(const std::filesystem::path& path,
                                                  DiagnosticSink& diagnostics);

// The formats open_recording() reads, as one sentence for error messages and --help.
std::string_view supported_formats();

// True when open_recording() would recognise `path` as a recording on its own (used by
// ingest to discover episodes under a directory). Cheap: looks at the name and magic only. A
// file with a recording's extension (.mcap, .bag, .db3, .hdf5, .h5) counts even when damaged or
// empty, so ingest reports it rather than skipping it; TFRecord shards count only through their
// dataset directory.
bool looks_like_recording(const std::filesystem::path& path);

}  // namespace parity
