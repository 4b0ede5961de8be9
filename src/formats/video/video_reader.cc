#include "parity/formats/video/video_reader.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>
#include <utility>

#include "formats/video/libav.h"
#include "formats/video/yuv420_half.h"

namespace parity::video {
namespace {

namespace fs = std::filesystem;

// A decoder that fails this many times in a row without taking a packet or giving a frame is
// given up on (each error normally consumes one queued frame; a decoder queues a few per
// thread): the end when draining, kCorrupt otherwise.
constexpr int kMaxErrorsInARow = 256;
// send_packet answering EAGAIN this many times in a row without a frame coming out means the
// decoder is stuck; libavcodec guarantees this cannot happen, so it is reported as internal.
constexpr int kMaxStalls = 1024;
// seek(): how often the keyframe search moves further back when the keyframe found lies
// after the requested time (B-frame reordering, or an index keyed by decode time).
constexpr int kMaxSeekRetries = 12;
// Presentation times compared in seconds tolerate this much rounding (time-base arithmetic).
constexpr double kTimeEpsilonS = 1e-9;

double to_seconds(std::int64_t ts, AVRational time_base) {
  return static_cast<double>(ts) * static_cast<double>(time_base.num) /
         static_cast<double>(time_base.den);
}

// Seconds to time-base units, rounded, saturated to the int64 range.
std::int64_t to_time_base(double seconds, AVRational time_base) {
  const double ts =
      std::round(seconds * static_cast<double>(time_base.den) / static_cast<double>(time_base.num));
  constexpr double kMax = 9.2e18;
  if (ts >= kMax) return static_cast<std::int64_t>(kMax);
  if (ts <= -kMax) return -static_cast<std::int64_t>(kMax);
  return static_cast<std::int64_t>(ts);
}

std::string media_type_name(AVMediaType type) {
  const char* name = av_get_media_type_string(type);
  return name != nullptr ? name : "unknown";
}

// Everything open() and probe_video() learn from the container before any decoding.
struct Container {
  InputFormatPtr format;
  int stream_index = -1;
  const AVCodec* decoder = nullptr;
  VideoStreamInfo info;
};

Status open_input_error(const std::string& file, int code) {
  if (code == AVERROR(ENOENT)) return not_found(fmt::format("{}: no such file", file));
  if (code == AVERROR(EACCES) || code == AVERROR(EIO) || code == AVERROR(EISDIR)) {
    return io_error(fmt::format("{}: cannot open: {}", file, libav_error_text(code)));
  }
  return corrupt(
      fmt::format("{}: not a readable video container: {}", file, libav_error_text(code)));
}

Result<Container> open_container(const fs::path& path) {
  install_libav_log();
  clear_libav_log();
  const std::string file = path.string();
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return not_found(fmt::format("{}: no such file", file));
  if (fs::is_directory(status)) {
    return io_error(fmt::format("{}: is a directory, not a video file", file));
  }

  // Only the local file protocol: a path must never make libav open a URL, and a playlist or
  // concat script inside the file must not pull in other files.
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  AVFormatContext* raw = nullptr;
  const std::string url = "file:" + file;
  const int open_rc = avformat_open_input(&raw, url.c_str(), nullptr, &options);
  av_dict_free(&options);
  if (open_rc < 0) return open_input_error(file, open_rc);
  Container container;
  container.format.reset(raw);

  clear_libav_log();
  if (const int rc = avformat_find_stream_info(raw, nullptr); rc < 0) {
    return corrupt(
        fmt::format("{}: not a readable video container: {}", file, libav_error_text(rc)));
  }
  std::vector<std::string> kinds;
  for (unsigned i = 0; i < raw->nb_streams; ++i) {
    const AVStream* stream = raw->streams[i];
    kinds.push_back(media_type_name(stream->codecpar->codec_type));
    if (container.stream_index < 0 && stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      container.stream_index = static_cast<int>(i);
    }
  }
  if (container.stream_index < 0) {
    return unsupported(fmt::format("{}: no video stream ({} streams{}{})", file, kinds.size(),
                                   kinds.empty() ? "" : ": ", fmt::join(kinds, ", ")));
  }
  const AVStream* stream = raw->streams[container.stream_index];
  const AVCodecParameters* par = stream->codecpar;
  const char* codec_name = avcodec_get_name(par->codec_id);
  container.decoder = avcodec_find_decoder(par->codec_id);
  if (container.decoder == nullptr) {
    return unsupported(
        fmt::format("{}: stream {}: no decoder for video codec '{}' in this FFmpeg "
                    "build",
                    file, container.stream_index, codec_name));
  }
  if (par->width <= 0 || par->height <= 0) {
    return corrupt(fmt::format("{}: stream {}: video codec '{}' without a frame size ({}x{})", file,
                               container.stream_index, codec_name, par->width, par->height));
  }
  const AVRational time_base = stream->time_base;
  if (time_base.num <= 0 || time_base.den <= 0) {
    return corrupt(fmt::format("{}: stream {}: invalid time base {}/{}", file,
                               container.stream_index, time_base.num, time_base.den));
  }

  VideoStreamInfo& info = container.info;
  info.container = raw->iformat->name;
  info.codec = codec_name;
  const AVCodecDescriptor* descriptor = avcodec_descriptor_get(par->codec_id);
  info.codec_long_name =
      descriptor != nullptr && descriptor->long_name != nullptr ? descriptor->long_name : "";
  info.decoder = container.decoder->name;
  const char* pixel_format = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
  info.pixel_format = pixel_format != nullptr ? pixel_format : "";
  info.width = par->width;
  info.height = par->height;
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) {
    info.frame_rate_hz = av_q2d(stream->avg_frame_rate);
  } else if (stream->r_frame_rate.num > 0 && stream->r_frame_rate.den > 0) {
    info.frame_rate_hz = av_q2d(stream->r_frame_rate);
  }
  if (stream->start_time != AV_NOPTS_VALUE)
    info.start_s = to_seconds(stream->start_time, time_base);
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    info.duration_s = to_seconds(stream->duration, time_base);
  } else if (raw->duration != AV_NOPTS_VALUE && raw->duration > 0) {
    info.duration_s = static_cast<double>(raw->duration) / AV_TIME_BASE;
  }
  info.frame_count = std::max<std::int64_t>(stream->nb_frames, 0);
  info.time_base_num = time_base.num;
  info.time_base_den = time_base.den;
  return container;
}

// YUVJ* formats are YUV* in full range; libswscale wants the range said separately.
AVPixelFormat without_jpeg_range(AVPixelFormat format, bool& full_range) {
  switch (format) {
    case AV_PIX_FMT_YUVJ420P: full_range = true; return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: full_range = true; return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: full_range = true; return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: full_range = true; return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: full_range = true; return AV_PIX_FMT_YUV411P;
    default: return format;
  }
}

class FfmpegVideoReader final : public VideoReader {
 public:
  FfmpegVideoReader(std::string file, Container container, CodecContextPtr codec,
                    const VideoReaderOptions& options)
      : file_(std::move(file)),
        options_(options),
        format_(std::move(container.format)),
        stream_index_(container.stream_index),
        info_(std::move(container.info)),
        codec_(std::move(codec)),
        frame_(av_frame_alloc()),
        packet_(av_packet_alloc()) {
    time_base_ = format_->streams[stream_index_]->time_base;
    const AVStream* stream = format_->streams[stream_index_];
    AVRational rate = stream->avg_frame_rate;
    if (rate.num <= 0 || rate.den <= 0) rate = stream->r_frame_rate;
    if (rate.num > 0 && rate.den > 0) period_s_ = 1.0 / av_q2d(rate);
    start_ts_ = stream->start_time;
  }

  bool allocated() const { return frame_ != nullptr && packet_ != nullptr; }

  const VideoStreamInfo& info() const override { return info_; }

  Status seek(double time_s) override;
  Result<bool> next(VideoFrame& frame) override;
  std::uint64_t skipped_packets() const override { return skipped_; }
  std::uint64_t concealed_frames() const override { return concealed_; }

 private:
  // Decodes the next frame into frame_ and stamps current_ts_. Returns false at the end.
  Result<bool> decode_one();
  // Converts frame_ into `out` (layout, max_side).
  Status convert(VideoFrame& out);
  void reset_decoder();
  // Called at the end of the container: notes when its index lists packets past the end of
  // the file (truncated_end_).
  void check_index_within_file();
  // kTruncated naming the sizes and the last frame delivered, once the decoder is drained.
  Status truncated_status() const;
  void report_skip(const char* what, int code, std::int64_t byte_offset);
  double current_s() const { return to_seconds(current_ts_, time_base_); }
  // Presentation time of the last frame decoded (the stream start before the first).
  double reached_s() const {
    return last_ts_ != AV_NOPTS_VALUE ? to_seconds(last_ts_, time_base_) : info_.start_s;
  }
  Status sws_for(int src_w, int src_h, AVPixelFormat src_format, bool full_range,
                 AVColorSpace colorspace, int dst_w, int dst_h);

  std::string file_;
  VideoReaderOptions options_;
  InputFormatPtr format_;
  int stream_index_;
  VideoStreamInfo info_;
  CodecContextPtr codec_;
  FramePtr frame_;
  PacketPtr packet_;
  AVRational time_base_{};
  double period_s_ = 0;  // 1 / frame rate; 0 when the container does not say
  std::int64_t start_ts_ = AV_NOPTS_VALUE;

  bool packet_pending_ = false;  // packet_ holds a packet the decoder has not accepted yet
  bool draining_ = false;        // end of the container reached, decoder flushed
  bool finished_ = false;        // decoder drained: no more frames until a seek
  bool frame_pending_ = false;   // frame_ holds the frame seek() landed on
  std::int64_t current_ts_ = 0;  // pts of frame_
  std::int64_t last_ts_ = AV_NOPTS_VALUE;
  std::uint64_t skipped_ = 0;
  std::uint64_t concealed_ = 0;
  // Set when the container ended before its index says it should: the file size, the end of
  // the last packet the index lists and that packet's pts.
  struct TruncatedEnd {
    std::int64_t file_size = 0;
    std::int64_t indexed_end = 0;
    std::int64_t indexed_end_ts = 0;
  };
  std::optional<TruncatedEnd> truncated_end_;

  SwsPtr sws_;
  struct SwsKey {
    int src_w = 0, src_h = 0;
    AVPixelFormat src_format = AV_PIX_FMT_NONE;
    bool full_range = false;
    AVColorSpace colorspace = AVCOL_SPC_UNSPECIFIED;
    int dst_w = 0, dst_h = 0;
    friend bool operator==(const SwsKey&, const SwsKey&) = default;
  } sws_key_;
  std::vector<std::uint8_t> scratch_;  // conversion target when rows cannot be written in place
};

void FfmpegVideoReader::report_skip(const char* what, int code, std::int64_t byte_offset) {
  ++skipped_;
  if (options_.diagnostics == nullptr) return;
  options_.diagnostics->error(
      file_, byte_offset >= 0 ? std::optional<std::uint64_t>(byte_offset) : std::nullopt,
      fmt::format("{} decoder rejected a {} after t={:.6f} s: {}", info_.decoder, what, reached_s(),
                  libav_error_text(code)));
}

void FfmpegVideoReader::reset_decoder() {
  avcodec_flush_buffers(codec_.get());
  av_packet_unref(packet_.get());
  packet_pending_ = false;
  draining_ = false;
  finished_ = false;
  frame_pending_ = false;
  last_ts_ = AV_NOPTS_VALUE;
  truncated_end_.reset();
}

Result<bool> FfmpegVideoReader::decode_one() {
  int errors_in_a_row = 0;
  int stalls = 0;
  while (!finished_) {
    clear_libav_log();
    int rc = avcodec_receive_frame(codec_.get(), frame_.get());
    if (rc == 0) {
      std::int64_t ts = frame_->best_effort_timestamp;
      if (ts == AV_NOPTS_VALUE) ts = frame_->pts;
      if (ts == AV_NOPTS_VALUE) {
        // No time at all: one frame period after the previous frame (or the stream start).
        ts = last_ts_ != AV_NOPTS_VALUE
                 ? last_ts_ + std::max<std::int64_t>(1, to_time_base(period_s_, time_base_))
             : start_ts_ != AV_NOPTS_VALUE ? start_ts_
                                           : 0;
      }
      current_ts_ = ts;
      last_ts_ = ts;
      return true;
    }
    if (rc == AVERROR_EOF) {
      finished_ = true;
      break;
    }
    if (rc != AVERROR(EAGAIN)) {
      report_skip("frame", rc, -1);
      if (++errors_in_a_row > kMaxErrorsInARow) {
        if (draining_) {
          finished_ = true;
          break;
        }
        return corrupt(fmt::format("{}: {} decoder failed {} times in a row after t={:.6f} s: {}",
                                   file_, info_.decoder, errors_in_a_row, reached_s(),
                                   libav_error_text(rc)));
      }
      continue;
    }
    if (draining_) {  // EAGAIN after the flush packet: nothing more will come
      finished_ = true;
      break;
    }

    if (!packet_pending_) {
      clear_libav_log();
      rc = av_read_frame(format_.get(), packet_.get());
      if (rc == AVERROR_EOF) {
        check_index_within_file();
        draining_ = true;
        if (const int flush_rc = avcodec_send_packet(codec_.get(), nullptr); flush_rc < 0) {
          finished_ = true;
        }
        continue;
      }
      if (rc < 0) {
        const std::string message = fmt::format("{}: cannot read packets after t={:.6f} s: {}",
                                                file_, reached_s(), libav_error_text(rc));
        return rc == AVERROR(EIO) ? io_error(message) : corrupt(message);
      }
      if (packet_->stream_index != stream_index_) {
        av_packet_unref(packet_.get());
        continue;
      }
      packet_pending_ = true;
    }
    const std::int64_t byte_offset = packet_->pos;
    rc = avcodec_send_packet(codec_.get(), packet_.get());
    if (rc == AVERROR(EAGAIN)) {  // take a frame out first; the packet stays pending
      if (++stalls > kMaxStalls) {
        return internal_error(fmt::format("{}: {} decoder accepts neither packets nor gives frames",
                                          file_, info_.decoder));
      }
      continue;
    }
    stalls = 0;
    errors_in_a_row = 0;
    av_packet_unref(packet_.get());
    packet_pending_ = false;
    if (rc < 0) report_skip("packet", rc, byte_offset);
  }
  if (truncated_end_) return truncated_status();
  return false;
}

void FfmpegVideoReader::check_index_within_file() {
  AVStream* stream = format_->streams[stream_index_];
  const int entries = avformat_index_get_entries_count(stream);
  if (entries <= 0 || format_->pb == nullptr) return;
  const std::int64_t file_size = avio_size(format_->pb);
  if (file_size <= 0) return;
  // The furthest byte any packet of the index reaches (entries are sorted by time, not by
  // position; the index time is the decode time in MP4).
  std::int64_t end = 0;
  std::int64_t end_ts = 0;
  for (int i = 0; i < entries; ++i) {
    const AVIndexEntry* entry = avformat_index_get_entry(stream, i);
    if (entry == nullptr || entry->pos < 0) continue;
    if (entry->pos + entry->size > end) {
      end = entry->pos + entry->size;
      end_ts = entry->timestamp;
    }
  }
  if (end > file_size) truncated_end_ = TruncatedEnd{file_size, end, end_ts};
}

Status FfmpegVideoReader::truncated_status() const {
  return truncated(fmt::format(
      "{}: file ends at byte {} but its index lists packets up to byte {} (t={:.6f} s); frames "
      "after t={:.6f} s are missing",
      file_, truncated_end_->file_size, truncated_end_->indexed_end,
      to_seconds(truncated_end_->indexed_end_ts, time_base_), reached_s()));
}

Status FfmpegVideoReader::sws_for(int src_w, int src_h, AVPixelFormat src_format, bool full_range,
                                  AVColorSpace colorspace, int dst_w, int dst_h) {
  const SwsKey key{src_w, src_h, src_format, full_range, colorspace, dst_w, dst_h};
  if (sws_ != nullptr && key == sws_key_) return {};
  sws_.reset();
  const bool rgb = options_.layout == PixelLayout::kRgb24;
  const AVPixelFormat dst_format = rgb ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
  // Same size: bicubic, the flags of the ffmpeg CLI's format conversion (so both give the same
  // pixels); downscaling: area averaging.
  const int flags = (dst_w == src_w && dst_h == src_h) ? SWS_BICUBIC : SWS_AREA;
  SwsPtr context(sws_alloc_context());
  if (context == nullptr) return internal_error(fmt::format("{}: out of memory", file_));
  SwsContext* c = context.get();
  av_opt_set_int(c, "sws_flags", flags, 0);
  av_opt_set_int(c, "srcw", src_w, 0);
  av_opt_set_int(c, "srch", src_h, 0);
  av_opt_set_int(c, "src_format", src_format, 0);
  av_opt_set_int(c, "src_range", full_range ? 1 : 0, 0);
  av_opt_set_int(c, "dstw", dst_w, 0);
  av_opt_set_int(c, "dsth", dst_h, 0);
  av_opt_set_int(c, "dst_format", dst_format, 0);
  clear_libav_log();
  if (const int rc = sws_init_context(c, nullptr, nullptr); rc < 0) {
    const char* name = av_get_pix_fmt_name(src_format);
    return unsupported(fmt::format("{}: cannot convert {} {}x{} frames to {} {}x{}: {}", file_,
                                   name != nullptr ? name : "unknown", src_w, src_h,
                                   rgb ? "rgb24" : "gray", dst_w, dst_h, libav_error_text(rc)));
  }
  if (rgb) {
    // The frame's matrix (BT.601 when unspecified) and range; RGB output is full range.
    sws_setColorspaceDetails(c, sws_getCoefficients(colorspace), full_range ? 1 : 0,
                             sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
  }
  sws_ = std::move(context);
  sws_key_ = key;
  return {};
}

Status FfmpegVideoReader::convert(VideoFrame& out) {
  const AVFrame& in = *frame_;
  const double at_s = current_s();
  if (in.width <= 0 || in.height <= 0 || in.format < 0) {
    return corrupt(fmt::format("{}: frame at t={:.6f} s: decoder returned no picture ({}x{})",
                               file_, at_s, in.width, in.height));
  }
  bool full_range = in.color_range == AVCOL_RANGE_JPEG;
  const AVPixelFormat src_format =
      without_jpeg_range(static_cast<AVPixelFormat>(in.format), full_range);
  int dst_w = in.width;
  int dst_h = in.height;
  if (options_.max_side > 0 && std::max(dst_w, dst_h) > options_.max_side) {
    const double scale = static_cast<double>(options_.max_side) / std::max(dst_w, dst_h);
    dst_w = std::max(1, static_cast<int>(std::lround(in.width * scale)));
    dst_h = std::max(1, static_cast<int>(std::lround(in.height * scale)));
  }
  const int channels = options_.layout == PixelLayout::kRgb24 ? 3 : 1;
  const std::size_t row_bytes = static_cast<std::size_t>(dst_w) * channels;
  out.width = dst_w;
  out.height = dst_h;
  out.layout = options_.layout;
  out.pts = current_ts_;
  out.pts_s = at_s;
  out.key_frame = in.key_frame != 0;
  out.concealed = in.decode_error_flags != 0 || (in.flags & AV_FRAME_FLAG_CORRUPT) != 0;
  out.pixels.resize(row_bytes * static_cast<std::size_t>(dst_h));
  // Halving an 8-bit 4:2:0 picture into RGB (the camera features' usual case) takes one pass
  // over the planes instead of a full-size libswscale conversion and an area filter.
  if (options_.layout == PixelLayout::kRgb24 && src_format == AV_PIX_FMT_YUV420P &&
      in.width == 2 * dst_w && in.height == 2 * dst_h) {
    const Yuv420Planes planes{in.data[0],     in.data[1],     in.data[2],
                              in.linesize[0], in.linesize[1], in.linesize[2]};
    yuv420_to_rgb24_half(planes, dst_w, dst_h, in.colorspace, full_range, out.pixels.data());
    return {};
  }
  PARITY_RETURN_IF_ERROR(
      sws_for(in.width, in.height, src_format, full_range, in.colorspace, dst_w, dst_h));
  // libswscale's SIMD paths write whole blocks of 8 or 16 pixels per row; rows whose width is
  // a multiple of 16 end on a block boundary and are written in place, other widths go
  // through a padded buffer.
  const bool in_place = dst_w % 16 == 0;
  std::uint8_t* target = out.pixels.data();
  int stride = static_cast<int>(row_bytes);
  if (!in_place) {
    stride = static_cast<int>((row_bytes + 63) / 64 * 64);
    scratch_.resize(static_cast<std::size_t>(stride) * static_cast<std::size_t>(dst_h + 1));
    target = scratch_.data();
  }
  std::uint8_t* const dst_planes[4] = {target, nullptr, nullptr, nullptr};
  const int dst_strides[4] = {stride, 0, 0, 0};
  const int rows =
      sws_scale(sws_.get(), in.data, in.linesize, 0, in.height, dst_planes, dst_strides);
  if (rows != dst_h) {
    return internal_error(
        fmt::format("{}: frame at t={:.6f} s: converted {} of {} rows", file_, at_s, rows, dst_h));
  }
  if (!in_place) {
    for (int y = 0; y < dst_h; ++y) {
      std::memcpy(out.pixels.data() + static_cast<std::size_t>(y) * row_bytes,
                  scratch_.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(stride),
                  row_bytes);
    }
  }
  return {};
}

Result<bool> FfmpegVideoReader::next(VideoFrame& frame) {
  if (frame_pending_) {
    frame_pending_ = false;
  } else {
    PARITY_ASSIGN_OR_RETURN(const bool got, decode_one());
    if (!got) return false;
  }
  PARITY_RETURN_IF_ERROR(convert(frame));
  if (frame.concealed) {
    ++concealed_;
    if (options_.diagnostics != nullptr) {
      options_.diagnostics->error(
          file_, std::nullopt,
          fmt::format("{} decoder concealed damage in the frame at t={:.6f} s "
                      "(decode_error_flags 0x{:x})",
                      info_.decoder, frame.pts_s,
                      static_cast<unsigned>(frame_->decode_error_flags)));
    }
  }
  return true;
}

Status FfmpegVideoReader::seek(double time_s) {
  if (!std::isfinite(time_s)) {
    return invalid_argument(fmt::format("{}: seek to a non-finite time ({})", file_, time_s));
  }
  const double half_period_s = period_s_ / 2;
  const double keep_from_s = time_s - half_period_s - kTimeEpsilonS;
  std::int64_t seek_ts = to_time_base(time_s, time_base_);
  std::int64_t back_ts = std::max<std::int64_t>(1, to_time_base(1.0, time_base_));
  const std::int64_t floor_ts = start_ts_ != AV_NOPTS_VALUE ? start_ts_ : 0;
  for (int attempt = 0;; ++attempt) {
    clear_libav_log();
    if (const int rc = av_seek_frame(format_.get(), stream_index_, seek_ts, AVSEEK_FLAG_BACKWARD);
        rc < 0) {
      return corrupt(
          fmt::format("{}: cannot seek to t={:.6f} s: {}", file_, time_s, libav_error_text(rc)));
    }
    reset_decoder();
    PARITY_ASSIGN_OR_RETURN(bool got, decode_one());
    if (!got) return {};  // no frame at or after that keyframe: next() returns false
    // The keyframe found presents after the requested time: frames before it (in
    // presentation order) may still be at or after the time, so look further back.
    const bool overshot = current_s() > time_s + half_period_s + kTimeEpsilonS;
    if (!overshot || seek_ts <= floor_ts || attempt >= kMaxSeekRetries) break;
    seek_ts = seek_ts - back_ts > floor_ts ? seek_ts - back_ts : floor_ts;
    back_ts = back_ts > std::numeric_limits<std::int64_t>::max() / 2 ? back_ts : back_ts * 2;
  }
  while (current_s() < keep_from_s) {
    PARITY_ASSIGN_OR_RETURN(const bool got, decode_one());
    if (!got) return {};
  }
  frame_pending_ = true;
  return {};
}

}  // namespace

Result<std::unique_ptr<VideoReader>> VideoReader::open(const std::filesystem::path& path,
                                                       const VideoReaderOptions& options) {
  const std::string file = path.string();
  if (options.threads < 0) {
    return invalid_argument(fmt::format("{}: threads must be >= 0, got {}", file, options.threads));
  }
  if (options.max_side < 0) {
    return invalid_argument(
        fmt::format("{}: max_side must be >= 0, got {}", file, options.max_side));
  }
  PARITY_ASSIGN_OR_RETURN(Container container, open_container(path));
  const AVStream* stream = container.format->streams[container.stream_index];
  CodecContextPtr codec(avcodec_alloc_context3(container.decoder));
  if (codec == nullptr) return internal_error(fmt::format("{}: out of memory", file));
  clear_libav_log();
  if (const int rc = avcodec_parameters_to_context(codec.get(), stream->codecpar); rc < 0) {
    return corrupt(fmt::format("{}: stream {}: bad {} codec parameters: {}", file,
                               container.stream_index, container.info.codec, libav_error_text(rc)));
  }
  codec->pkt_timebase = stream->time_base;
  codec->thread_count = options.threads;
  if (const int rc = avcodec_open2(codec.get(), container.decoder, nullptr); rc < 0) {
    return corrupt(fmt::format("{}: stream {}: cannot open the {} decoder for {}: {}", file,
                               container.stream_index, container.decoder->name,
                               container.info.codec, libav_error_text(rc)));
  }
  auto reader =
      std::make_unique<FfmpegVideoReader>(file, std::move(container), std::move(codec), options);
  if (!reader->allocated()) return internal_error(fmt::format("{}: out of memory", file));
  return std::unique_ptr<VideoReader>(std::move(reader));
}

Result<VideoStreamInfo> probe_video(const std::filesystem::path& path) {
  PARITY_ASSIGN_OR_RETURN(Container container, open_container(path));
  return std::move(container.info);
}

}  // namespace parity::video
