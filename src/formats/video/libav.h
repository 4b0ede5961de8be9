// Ownership of libav (FFmpeg) objects and the text of libav errors, for the video stage and
// its tests. Private to src/formats/video.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>

namespace parity::video {

struct FormatInputCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct FormatOutputFreer {  // for muxing contexts (avformat_alloc_output_context2)
  void operator()(AVFormatContext* context) const { avformat_free_context(context); }
};
struct CodecContextFreer {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwsFreer {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};

using InputFormatPtr = std::unique_ptr<AVFormatContext, FormatInputCloser>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, FormatOutputFreer>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFreer>;

// av_strerror's text for a libav return code, e.g. "Invalid data found when processing input";
// followed by " (<libav's last error log line on this thread>)" when libav logged one since
// the last clear_libav_log() on this thread (e.g. "moov atom not found").
std::string libav_error_text(int code);

// Routes libav's log through Parity once per process: lines at AV_LOG_ERROR or worse are kept
// per thread for libav_error_text(); nothing reaches stderr unless $PARITY_LIBAV_LOG is set
// (then every line goes to libav's default logger as well). Errors reach callers as Status.
void install_libav_log();

// Forgets the last error line logged on this thread.
void clear_libav_log();

}  // namespace parity::video
