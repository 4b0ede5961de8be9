// Video files (MP4 / MKV / WebM holding AV1, H.264, HEVC or MPEG-4 Part 2) decoded through
// FFmpeg's libavformat / libavcodec, for LeRobot camera streams. Frames come out as packed
// RGB24 (or GRAY8), in presentation order, with their presentation time in seconds.
// docs/formats/video.md describes times, seeking and errors in full.
//
// Opening a reader or probing routes libav's log through Parity (once per process): libav
// prints nothing on stderr unless $PARITY_LIBAV_LOG is set; its error lines end up in the
// Status messages instead.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"

namespace parity::video {

// The first video stream of a file, as the container and the codec parameters describe it
// (not what any side metadata claims).
struct VideoStreamInfo {
  std::string container;        // libavformat's name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;            // libavcodec's short name: "av1", "h264", "hevc", "mpeg4", ...
  std::string codec_long_name;  // "Alliance for Open Media AV1", ...
  std::string decoder;          // the libavcodec decoder that reads it, e.g. "libdav1d"
  std::string pixel_format;     // "yuv420p", ...; "" when unknown
  int width = 0;                // pixels
  int height = 0;
  // The average frame rate (libavformat's avg_frame_rate), else the base rate the container
  // implies (r_frame_rate, e.g. Matroska without a default duration); 0 when neither is known.
  double frame_rate_hz = 0;
  double start_s = 0;            // presentation time of the first frame
  double duration_s = 0;         // 0 when unknown
  std::int64_t frame_count = 0;  // from the container (nb_frames); 0 when it does not say
  int time_base_num = 0;         // the stream's time base (seconds per pts unit = num / den)
  int time_base_den = 0;
};

enum class PixelLayout : std::uint8_t {
  kRgb24,  // 3 bytes per pixel, R G B
  kGray8,  // 1 byte per pixel: full-range luma (as `ffmpeg -pix_fmt gray`)
};

// One decoded frame. `pixels` is row-major, tightly packed (stride = width * channels).
// RGB24 is full range, converted with the frame's colour matrix and range (BT.601 limited
// range when the file does not say), bicubic at native size: the same bytes as the ffmpeg
// CLI's `-pix_fmt rgb24`.
struct VideoFrame {
  double pts_s = 0;        // presentation time in seconds (stream time base applied)
  std::int64_t pts = 0;    // the same in stream time-base units (VideoStreamInfo::time_base_*)
  bool key_frame = false;  // the decoder flagged this frame as a keyframe
  bool concealed = false;  // the decoder found damage in this frame and concealed it
  int width = 0;
  int height = 0;
  PixelLayout layout = PixelLayout::kRgb24;
  std::vector<std::uint8_t> pixels;
};

struct VideoReaderOptions {
  PixelLayout layout = PixelLayout::kRgb24;
  // Scale frames down so that neither side exceeds this (aspect kept, sizes rounded, area
  // averaging); 0 = native size. Negative values are rejected by open() (kInvalidArgument).
  int max_side = 0;
  // Decoder threads; 0 lets libavcodec choose, 1 = single-threaded (deterministic output
  // order and timing). Negative values are rejected by open() (kInvalidArgument).
  int threads = 1;
  // Receives one kError diagnostic per packet or frame the decoder rejects and per frame it
  // delivers with concealed damage (file, packet byte offset when known, presentation time).
  // May be null. Must outlive the reader.
  DiagnosticSink* diagnostics = nullptr;
};

// Pull-style decoder over one file. Not thread-safe; open one per thread.
class VideoReader {
 public:
  // Opens `path` (a local file; no URL is ever opened) and its first video stream (cover art
  // excluded). Errors name the file: kNotFound; kIoError (a directory, unreadable); kCorrupt
  // ("<file>: not a readable video container: <libav reason>", also for a truncated MP4 whose
  // index was at the end); kUnsupported (no video stream, or no decoder for its codec in this
  // FFmpeg build, naming the codec); kInvalidArgument (negative threads or max_side).
  static Result<std::unique_ptr<VideoReader>> open(const std::filesystem::path& path,
                                                   const VideoReaderOptions& options = {});
  virtual ~VideoReader() = default;

  virtual const VideoStreamInfo& info() const = 0;

  // Positions the decoder so that the next frame returned by next() is the first frame whose
  // presentation time is >= `time_s` minus half a frame period (seeks to the keyframe at or
  // before it and decodes forward, discarding earlier frames; if that keyframe presents after
  // `time_s` + half a period, seeks further back). seek(k / fps) gives frame k; a time before
  // the start gives the first frame; past the last frame, next() returns false. Works in any
  // direction and after the end or an error. Errors: kInvalidArgument for a non-finite time;
  // kCorrupt when the container cannot seek there; the errors of next() met while decoding
  // forward.
  virtual Status seek(double time_s) = 0;

  // Decodes the next frame into `frame` (buffers reused). Returns false at the end of the
  // stream. A packet the decoder rejects is skipped and counted (see skipped_packets()); only
  // a failure to read the container further is an error (kCorrupt / kIoError naming the file
  // and the presentation time reached). A file that ends before the packets its index lists
  // (a truncated MP4 whose index comes first) delivers every frame that is there, then
  // kTruncated naming the byte sizes and the time reached instead of false.
  virtual Result<bool> next(VideoFrame& frame) = 0;

  // Packets (or frames) the decoder rejected so far (damage inside the stream).
  virtual std::uint64_t skipped_packets() const = 0;

  // Frames delivered so far in which the decoder found damage and concealed it (error
  // resilience: the picture is complete but parts are guessed). See VideoFrame::concealed.
  virtual std::uint64_t concealed_frames() const = 0;
};

// Reads the stream parameters without opening a decoder (same errors as VideoReader::open,
// except the option checks).
Result<VideoStreamInfo> probe_video(const std::filesystem::path& path);

}  // namespace parity::video
