// Camera features: per-frame image statistics at a fixed analysis resolution, aggregated per
// episode, and a compact training-free frame descriptor for embedding-level comparisons.
//
// Frames are analysed at a fixed size so that cameras of different resolutions are comparable:
// the longer side is reduced to AnalysisOptions::max_side (JPEG in the DCT domain first, then an
// area resize); smaller frames are used as they are. Pixels are 8-bit RGB or grey.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/features/feature_spec.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::features {

struct AnalysisOptions {
  // Pixels; frames are reduced until max(width, height) <= this. Valid range
  // [kMinAnalysisSide, kMaxAnalysisSide]; other values give kInvalidArgument.
  std::uint32_t max_side = 320;
};

inline constexpr std::uint32_t kMinAnalysisSide = 3;
inline constexpr std::uint32_t kMaxAnalysisSide = 4096;

// One frame ready for analysis: rows top to bottom, width * channels bytes each, no padding.
struct AnalysisFrame {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 0;  // 3 = RGB, 1 = grey
  std::vector<std::uint8_t> pixels;
};

// The analysis size of a width x height frame: unchanged when max(width, height) <= max_side;
// otherwise the longer side becomes max_side and the shorter one round(short * max_side / long)
// (half up), at least min(short, 3) so that a very elongated frame keeps an interior.
// Precondition: width, height >= 1.
void analysis_size(std::uint32_t width, std::uint32_t height, std::uint32_t max_side,
                   std::uint32_t& out_width, std::uint32_t& out_height);

// A sensor_msgs/Image (or parity/Image) in rgb8, bgr8, rgba8, bgra8 (alpha dropped), mono8,
// mono16 (the high byte of each sample, is_bigendian honoured, then reduced) or bayer_rggb8 /
// bayer_bggr8 / bayer_gbrg8 / bayer_grbg8 (bilinear demosaicing at full size, then reduced),
// reduced to the analysis size with an area resize (cv::resize INTER_AREA). `step` is honoured.
// Errors: kUnsupported (another encoding, e.g. 16UC1 depth: the message names it; a frame
// smaller than 3 x 3), kCorrupt (step shorter than a row, or data.size() not between
// step * (height - 1) + row bytes and step * height: the message gives both), kInvalidArgument
// (options.max_side out of range).
Result<AnalysisFrame> analysis_frame_from_image(const ros2::Image& image,
                                                const AnalysisOptions& options = {});
// The same into `out`, reusing its pixel buffer. On error `out` is unspecified.
Status analysis_frame_from_image(const ros2::Image& image, const AnalysisOptions& options,
                                 AnalysisFrame& out);

// A packed 8-bit frame (rows of width * channels bytes, channels 3 = RGB or 1 = grey; e.g. a
// decoded video frame) reduced to the analysis size into `out`. Errors: kUnsupported (other
// channel counts, a frame smaller than 3 x 3), kCorrupt (pixels.size() != width * height *
// channels), kInvalidArgument (options.max_side out of range).
Status analysis_frame_from_pixels(std::span<const std::uint8_t> pixels, std::uint32_t width,
                                  std::uint32_t height, std::uint32_t channels,
                                  const AnalysisOptions& options, AnalysisFrame& out);

// A JPEG or PNG file (sensor_msgs/CompressedImage data, parity/CompressedImage), decoded at the
// largest scale 1/d (d in 1, 2, 4, 8: JPEG in the DCT domain) that keeps both sides at least the
// analysis size, then area-resized to it. rgba8 drops alpha; mono16 keeps the high byte.
// Errors: those of decode_image() (parity/imaging/image_decode.h); kUnsupported for a frame
// smaller than 3 x 3; kInvalidArgument (options.max_side out of range).
Result<AnalysisFrame> analysis_frame_from_compressed(std::span<const std::uint8_t> bytes,
                                                     const AnalysisOptions& options = {});

// Statistics of one analysis frame (definitions in camera_feature_specs()). Luma is
// Y = 0.299 R + 0.587 G + 0.114 B, computed exactly (as the integer 1000 Y) so that every
// luma-derived statistic is reproducible to rounding. The colour statistics (hue_mean,
// saturation_mean, rb_ratio) are NaN for grey frames, and hue_mean / rb_ratio also when they are
// undefined (no pixel with saturation >= 0.1 or hues that cancel out; mean B == 0):
// append_frame_aggregates() skips NaN, so they are left out of the episode values.
struct FrameStats {
  double luma_mean = 0, luma_std = 0, luma_p10 = 0, luma_p50 = 0, luma_p90 = 0;
  double over_exposed = 0, under_exposed = 0;
  double hue_mean = 0, saturation_mean = 0, rb_ratio = 0;
  double sharpness = 0, noise_sigma = 0, edge_density = 0, entropy = 0;
};

// Dimensions of compute_frame_descriptor()'s output.
inline constexpr std::size_t kFrameDescriptorDims = 128;

// Computes statistics and descriptors with buffers kept between frames (no allocation per frame
// once the largest frame has been seen). Not thread-safe: one per thread.
class FrameAnalyzer {
 public:
  // Precondition: frame.width, frame.height >= 3, channels 1 or 3 and
  // pixels.size() == width * height * channels. When `descriptor` is not null it receives the
  // frame's descriptor (kFrameDescriptorDims values), computed in the same pass.
  void analyze(const AnalysisFrame& frame, FrameStats& stats, std::vector<float>* descriptor);

 private:
  std::vector<std::int32_t> luma_;    // 1000 x luma, row-major
  std::vector<std::int32_t> rows_;    // per-row scratch
  std::vector<std::uint8_t> planes_;  // R, G, B planes of the frame
};

// One-shot forms of FrameAnalyzer::analyze() (same precondition).
FrameStats compute_frame_stats(const AnalysisFrame& frame);

// A training-free descriptor of colour, gradients and layout (frame_descriptor_definition()),
// L2-normalised.
std::vector<float> compute_frame_descriptor(const AnalysisFrame& frame);

// The descriptor's definition, for docs/features.md.
std::string_view frame_descriptor_definition();

// Descriptor of one sampled frame of an episode.
struct FrameSample {
  std::int64_t log_time_ns = 0;
  std::vector<float> vector;
};

// Accumulates the frames of one camera stream of one episode. Not thread-safe.
class CameraFeatureExtractor {
 public:
  // Keeps the descriptor of at most max_descriptor_samples (>= 1) frames spread evenly over the
  // episode without knowing its length: frames 0, s, 2s, ... are kept, and when more than the
  // maximum are held every other one is dropped and s doubles. Descriptors are computed only
  // for frames that are kept at the time they arrive.
  explicit CameraFeatureExtractor(std::size_t max_descriptor_samples = 16);

  void add_frame(std::int64_t log_time_ns, const AnalysisFrame& frame);
  std::uint64_t frame_count() const { return frame_count_; }

  // Per-episode values: every per-frame spec aggregated (frame_aggregate.h), plus "frames"
  // (analysed frame count). Empty when no frame was added. Sorts the descriptor samples by
  // time. Call once.
  FeatureValues finish();
  // The kept descriptor samples (in arrival order; in time order after finish()).
  const std::vector<FrameSample>& descriptor_samples() const { return samples_; }

 private:
  std::size_t max_samples_;
  std::uint64_t frame_count_ = 0;
  std::uint64_t sample_every_ = 1;
  std::vector<FrameStats> stats_;
  std::vector<FrameSample> samples_;
  FrameAnalyzer analyzer_;
};

// Specs of everything CameraFeatureExtractor::finish() may emit (names relative to the role).
std::span<const FeatureSpec> camera_feature_specs();

}  // namespace parity::features
