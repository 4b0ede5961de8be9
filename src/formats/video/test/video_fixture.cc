#include "formats/video/test/video_fixture.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cmath>

#include "formats/video/libav.h"

namespace parity::video::testing {
namespace {

std::uint8_t clamp_round(double value) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(value), 0L, 255L));
}

Status libav_failure(const std::string& what, int code) {
  return internal_error(fmt::format("{}: {}", what, libav_error_text(code)));
}

// Closes the output file of a muxing context (avio_open) when it goes out of scope.
struct OutputFile {
  AVFormatContext* format = nullptr;
  ~OutputFile() {
    if (format != nullptr && format->pb != nullptr) avio_closep(&format->pb);
  }
};

Status drain(AVCodecContext* codec, AVFormatContext* format, AVStream* stream, AVPacket* packet) {
  while (true) {
    const int rc = avcodec_receive_packet(codec, packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return libav_failure("avcodec_receive_packet", rc);
    // One frame long (the encoder leaves it 0): without it the MP4 muxer's edit list ends
    // before the last frame and demuxers drop that frame.
    if (packet->duration == 0) packet->duration = 1;
    av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
    packet->stream_index = stream->index;
    if (const int write_rc = av_interleaved_write_frame(format, packet); write_rc < 0) {
      return libav_failure("av_interleaved_write_frame", write_rc);
    }
  }
}

}  // namespace

Yuv fixture_colour(int i) {
  return {static_cast<std::uint8_t>(16 + 5 * i), static_cast<std::uint8_t>(100 + (i * 7) % 56),
          static_cast<std::uint8_t>(150 - (i * 3) % 40)};
}

void expected_rgb(Yuv yuv, std::uint8_t rgb[3]) {
  const double y = 1.164383 * (yuv.y - 16);
  const double u = yuv.u - 128.0;
  const double v = yuv.v - 128.0;
  rgb[0] = clamp_round(y + 1.596027 * v);
  rgb[1] = clamp_round(y - 0.391762 * u - 0.812968 * v);
  rgb[2] = clamp_round(y + 2.017232 * u);
}

std::uint8_t expected_gray(Yuv yuv) {
  return clamp_round((yuv.y - 16) * 255.0 / 219.0);
}

Status write_fixture(const std::filesystem::path& path, const FixtureSpec& spec) {
  const std::string file = path.string();
  install_libav_log();
  const AVCodec* encoder = avcodec_find_encoder_by_name(spec.encoder.c_str());
  if (encoder == nullptr) {
    return unsupported(fmt::format("encoder '{}' is not in this FFmpeg build", spec.encoder));
  }
  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_alloc_output_context2(&raw, nullptr, nullptr, file.c_str()); rc < 0) {
    return libav_failure(file, rc);
  }
  OutputFormatPtr format(raw);
  AVStream* stream = avformat_new_stream(raw, nullptr);
  CodecContextPtr codec(avcodec_alloc_context3(encoder));
  FramePtr frame(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (stream == nullptr || codec == nullptr || frame == nullptr || packet == nullptr) {
    return internal_error("out of memory");
  }
  codec->width = spec.width;
  codec->height = spec.height;
  codec->pix_fmt = AV_PIX_FMT_YUV420P;
  codec->time_base = AVRational{1, spec.fps};
  codec->framerate = AVRational{spec.fps, 1};
  codec->gop_size = spec.gop;
  codec->max_b_frames = spec.max_b_frames;
  codec->thread_count = 1;
  if (spec.encoder == "mpeg4") {
    codec->flags |= AV_CODEC_FLAG_QSCALE;
    codec->global_quality = FF_QP2LAMBDA * 2;
  } else if (spec.encoder == "libx264") {
    av_opt_set(codec->priv_data, "preset", "veryfast", 0);
    av_opt_set(codec->priv_data, "crf", "8", 0);
    // Keyframes exactly every `gop` frames (no scene-cut keyframes, closed GOPs).
    av_opt_set(codec->priv_data, "x264-params", "scenecut=0:open-gop=0", 0);
    codec->keyint_min = spec.gop;
  }
  if ((raw->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
    codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  if (const int rc = avcodec_open2(codec.get(), encoder, nullptr); rc < 0) {
    return libav_failure("avcodec_open2 " + spec.encoder, rc);
  }
  if (const int rc = avcodec_parameters_from_context(stream->codecpar, codec.get()); rc < 0) {
    return libav_failure("avcodec_parameters_from_context", rc);
  }
  stream->time_base = codec->time_base;
  OutputFile output{raw};
  if (const int rc = avio_open(&raw->pb, file.c_str(), AVIO_FLAG_WRITE); rc < 0) {
    return libav_failure(file, rc);
  }
  AVDictionary* options = nullptr;
  if (spec.faststart) av_dict_set(&options, "movflags", "faststart", 0);
  const int header_rc = avformat_write_header(raw, &options);
  av_dict_free(&options);
  if (header_rc < 0) return libav_failure("avformat_write_header", header_rc);

  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = spec.width;
  frame->height = spec.height;
  if (const int rc = av_frame_get_buffer(frame.get(), 0); rc < 0) {
    return libav_failure("av_frame_get_buffer", rc);
  }
  for (int i = 0; i < spec.frames; ++i) {
    if (const int rc = av_frame_make_writable(frame.get()); rc < 0) {
      return libav_failure("av_frame_make_writable", rc);
    }
    const Yuv colour = fixture_colour(i);
    const std::uint8_t values[3] = {colour.y, colour.u, colour.v};
    for (int plane = 0; plane < 3; ++plane) {
      const int rows = plane == 0 ? spec.height : (spec.height + 1) / 2;
      const int columns = plane == 0 ? spec.width : (spec.width + 1) / 2;
      for (int row = 0; row < rows; ++row) {
        std::fill_n(frame->data[plane] + static_cast<std::ptrdiff_t>(row) * frame->linesize[plane],
                    columns, values[plane]);
      }
    }
    frame->pts = spec.first_index + i;
    if (const int rc = avcodec_send_frame(codec.get(), frame.get()); rc < 0) {
      return libav_failure("avcodec_send_frame", rc);
    }
    PARITY_RETURN_IF_ERROR(drain(codec.get(), raw, stream, packet.get()));
  }
  if (const int rc = avcodec_send_frame(codec.get(), nullptr); rc < 0) {
    return libav_failure("avcodec_send_frame (flush)", rc);
  }
  PARITY_RETURN_IF_ERROR(drain(codec.get(), raw, stream, packet.get()));
  if (const int rc = av_write_trailer(raw); rc < 0) return libav_failure("av_write_trailer", rc);
  return {};
}

}  // namespace parity::video::testing
