// Frames to analysis frames: raw sensor_msgs/Image encodings, packed pixels and JPEG / PNG files
// reduced to the analysis size with OpenCV's area resize.
#include <algorithm>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "parity/core/check.h"
#include "parity/features/camera_features.h"
#include "parity/imaging/image_decode.h"

namespace parity::features {
namespace {

enum class Layout : std::uint8_t { kRgb, kBgr, kRgba, kBgra, kMono8, kMono16, kBayer };

struct EncodingInfo {
  std::string_view name;
  Layout layout;
  std::uint32_t bytes_per_pixel;
  int bayer_code;  // cv::ColorConversionCodes for kBayer, else 0
};

// ROS names the Bayer pattern by its first two rows; OpenCV by the second row's second and
// third pixels, so ROS "rggb" is OpenCV "BG" (the mapping cv_bridge uses).
constexpr EncodingInfo kEncodings[] = {
    {"rgb8", Layout::kRgb, 3, 0},
    {"bgr8", Layout::kBgr, 3, 0},
    {"rgba8", Layout::kRgba, 4, 0},
    {"bgra8", Layout::kBgra, 4, 0},
    {"mono8", Layout::kMono8, 1, 0},
    {"mono16", Layout::kMono16, 2, 0},
    {"bayer_rggb8", Layout::kBayer, 1, cv::COLOR_BayerBG2RGB},
    {"bayer_bggr8", Layout::kBayer, 1, cv::COLOR_BayerRG2RGB},
    {"bayer_gbrg8", Layout::kBayer, 1, cv::COLOR_BayerGR2RGB},
    {"bayer_grbg8", Layout::kBayer, 1, cv::COLOR_BayerGB2RGB},
};

Status check_options(const AnalysisOptions& options) {
  if (options.max_side < kMinAnalysisSide || options.max_side > kMaxAnalysisSide) {
    return invalid_argument("analysis max_side must be in [" + std::to_string(kMinAnalysisSide) +
                            ", " + std::to_string(kMaxAnalysisSide) + "], got " +
                            std::to_string(options.max_side));
  }
  return Status{};
}

Status check_size(std::uint32_t width, std::uint32_t height) {
  if (width < 3 || height < 3) {
    return unsupported("frame of " + std::to_string(width) + "x" + std::to_string(height) +
                       " pixels is too small to analyse: need at least 3x3");
  }
  return Status{};
}

int as_int(std::uint32_t value) {
  return static_cast<int>(value);
}

struct Size {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

Size target_size(std::uint32_t width, std::uint32_t height, const AnalysisOptions& options) {
  Size size;
  analysis_size(width, height, options.max_side, size.width, size.height);
  return size;
}

// Area-resizes (or copies, dropping row padding) `src` into `out` as a width x height 8-bit
// frame with the same channel count. src must be CV_8UC1 or CV_8UC3.
void reduce_into(const cv::Mat& src, Size size, AnalysisFrame& out) {
  const auto [width, height] = size;
  out.width = width;
  out.height = height;
  out.channels = static_cast<std::uint32_t>(src.channels());
  out.pixels.resize(std::size_t{width} * height * out.channels);
  cv::Mat dst(as_int(height), as_int(width), src.type(), out.pixels.data());
  if (width == static_cast<std::uint32_t>(src.cols) &&
      height == static_cast<std::uint32_t>(src.rows)) {
    src.copyTo(dst);
  } else {
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_AREA);
  }
  PARITY_CHECK(dst.data == out.pixels.data());
}

// Reduces a frame with 4 channels or a swapped channel order to width x height: area resize
// first (per channel, so the order does not matter), then the channel conversion into `out`.
void reduce_convert_into(const cv::Mat& src, int code, Size size, AnalysisFrame& out) {
  const auto [width, height] = size;
  cv::Mat reduced = src;
  if (width != static_cast<std::uint32_t>(src.cols) ||
      height != static_cast<std::uint32_t>(src.rows)) {
    cv::resize(src, reduced, cv::Size(as_int(width), as_int(height)), 0, 0, cv::INTER_AREA);
  }
  out.width = width;
  out.height = height;
  out.channels = 3;
  out.pixels.resize(std::size_t{width} * height * 3);
  cv::Mat dst(as_int(height), as_int(width), CV_8UC3, out.pixels.data());
  cv::cvtColor(reduced, dst, code);
  PARITY_CHECK(dst.data == out.pixels.data());
}

}  // namespace

void analysis_size(std::uint32_t width, std::uint32_t height, std::uint32_t max_side,
                   std::uint32_t& out_width, std::uint32_t& out_height) {
  PARITY_CHECK(width >= 1 && height >= 1 && max_side >= 1);
  const std::uint32_t longer = std::max(width, height);
  if (longer <= max_side) {
    out_width = width;
    out_height = height;
    return;
  }
  const std::uint32_t shorter = std::min(width, height);
  const auto scaled =
      static_cast<std::uint32_t>((std::uint64_t{shorter} * max_side + longer / 2) / longer);
  const std::uint32_t reduced = std::max(scaled, std::min(shorter, std::uint32_t{3}));
  if (width >= height) {
    out_width = max_side;
    out_height = reduced;
  } else {
    out_width = reduced;
    out_height = max_side;
  }
}

Status analysis_frame_from_image(const ros2::Image& image, const AnalysisOptions& options,
                                 AnalysisFrame& out) {
  PARITY_RETURN_IF_ERROR(check_options(options));
  const EncodingInfo* info = nullptr;
  for (const EncodingInfo& candidate : kEncodings) {
    if (candidate.name == image.encoding) info = &candidate;
  }
  if (info == nullptr) {
    return unsupported("image encoding \"" + image.encoding +
                       "\" is not a camera frame encoding Parity analyses (rgb8, bgr8, rgba8, "
                       "bgra8, mono8, mono16, bayer_rggb8, bayer_bggr8, bayer_gbrg8, "
                       "bayer_grbg8)");
  }
  PARITY_RETURN_IF_ERROR(check_size(image.width, image.height));
  const std::uint64_t row_bytes = std::uint64_t{image.width} * info->bytes_per_pixel;
  if (image.step < row_bytes) {
    return corrupt("image " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                   " " + image.encoding + ": step " + std::to_string(image.step) +
                   " is shorter than a row of " + std::to_string(row_bytes) + " bytes");
  }
  const std::uint64_t full = std::uint64_t{image.step} * image.height;
  const std::uint64_t minimum = full - image.step + row_bytes;
  if (image.data.size() < minimum || image.data.size() > full) {
    return corrupt("image " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                   " " + image.encoding + " with step " + std::to_string(image.step) +
                   ": data holds " + std::to_string(image.data.size()) +
                   " bytes, expected step x height = " + std::to_string(full));
  }
  // The last row may lack its padding, so OpenCV never reads past `data`.
  auto* data = const_cast<std::uint8_t*>(image.data.data());  // cv::Mat wants non-const; read only
  const int rows = as_int(image.height);
  const int cols = as_int(image.width);
  const std::size_t step = image.step;
  const Size size = target_size(image.width, image.height, options);
  switch (info->layout) {
    case Layout::kRgb:
      reduce_into(cv::Mat(rows, cols, CV_8UC3, data, step), size, out);
      return Status{};
    case Layout::kMono8:
      reduce_into(cv::Mat(rows, cols, CV_8UC1, data, step), size, out);
      return Status{};
    case Layout::kBgr:
      reduce_convert_into(cv::Mat(rows, cols, CV_8UC3, data, step), cv::COLOR_BGR2RGB, size, out);
      return Status{};
    case Layout::kRgba:
      reduce_convert_into(cv::Mat(rows, cols, CV_8UC4, data, step), cv::COLOR_RGBA2RGB, size, out);
      return Status{};
    case Layout::kBgra:
      reduce_convert_into(cv::Mat(rows, cols, CV_8UC4, data, step), cv::COLOR_BGRA2RGB, size, out);
      return Status{};
    case Layout::kMono16: {
      cv::Mat high(rows, cols, CV_8UC1);
      const std::size_t high_byte = image.is_bigendian != 0 ? 0 : 1;
      for (int y = 0; y < rows; ++y) {
        const std::uint8_t* src = data + static_cast<std::size_t>(y) * step + high_byte;
        std::uint8_t* dst = high.ptr<std::uint8_t>(y);
        for (int x = 0; x < cols; ++x) dst[x] = src[2 * static_cast<std::size_t>(x)];
      }
      reduce_into(high, size, out);
      return Status{};
    }
    case Layout::kBayer: {
      cv::Mat rgb;
      cv::cvtColor(cv::Mat(rows, cols, CV_8UC1, data, step), rgb, info->bayer_code);
      reduce_into(rgb, size, out);
      return Status{};
    }
  }
  return internal_error("unhandled image layout");
}

Result<AnalysisFrame> analysis_frame_from_image(const ros2::Image& image,
                                                const AnalysisOptions& options) {
  AnalysisFrame frame;
  PARITY_RETURN_IF_ERROR(analysis_frame_from_image(image, options, frame));
  return frame;
}

Status analysis_frame_from_pixels(std::span<const std::uint8_t> pixels, std::uint32_t width,
                                  std::uint32_t height, std::uint32_t channels,
                                  const AnalysisOptions& options, AnalysisFrame& out) {
  PARITY_RETURN_IF_ERROR(check_options(options));
  if (channels != 1 && channels != 3) {
    return unsupported("frame with " + std::to_string(channels) +
                       " channels: expected 3 (RGB) or 1 (grey)");
  }
  PARITY_RETURN_IF_ERROR(check_size(width, height));
  const std::uint64_t expected = std::uint64_t{width} * height * channels;
  if (pixels.size() != expected) {
    return corrupt("frame " + std::to_string(width) + "x" + std::to_string(height) + "x" +
                   std::to_string(channels) + ": holds " + std::to_string(pixels.size()) +
                   " bytes, expected " + std::to_string(expected));
  }
  auto* data = const_cast<std::uint8_t*>(pixels.data());  // cv::Mat wants non-const; read only
  reduce_into(cv::Mat(as_int(height), as_int(width), channels == 3 ? CV_8UC3 : CV_8UC1, data),
              target_size(width, height, options), out);
  return Status{};
}

Result<AnalysisFrame> analysis_frame_from_compressed(std::span<const std::uint8_t> bytes,
                                                     const AnalysisOptions& options) {
  PARITY_RETURN_IF_ERROR(check_options(options));
  PARITY_ASSIGN_OR_RETURN(const ImageHeader header, probe_image(bytes));
  PARITY_RETURN_IF_ERROR(check_size(header.width, header.height));
  const Size size = target_size(header.width, header.height, options);
  DecodeOptions decode;
  for (const std::uint32_t d : {8u, 4u, 2u}) {
    if ((header.width + d - 1) / d >= size.width && (header.height + d - 1) / d >= size.height) {
      decode.scale_denominator = d;
      break;
    }
  }
  PARITY_ASSIGN_OR_RETURN(DecodedImage image, decode_image(bytes, decode));
  const int rows = as_int(image.height);
  const int cols = as_int(image.width);
  AnalysisFrame frame;
  if (image.encoding == "rgb8" || image.encoding == "mono8") {
    if (image.width == size.width && image.height == size.height) {
      frame.width = size.width;
      frame.height = size.height;
      frame.channels = image.channels;
      frame.pixels = std::move(image.pixels);
      return frame;
    }
    const int type = image.channels == 3 ? CV_8UC3 : CV_8UC1;
    reduce_into(cv::Mat(rows, cols, type, image.pixels.data()), size, frame);
  } else if (image.encoding == "rgba8") {
    reduce_convert_into(cv::Mat(rows, cols, CV_8UC4, image.pixels.data()), cv::COLOR_RGBA2RGB, size,
                        frame);
  } else if (image.encoding == "mono16") {
    cv::Mat high(rows, cols, CV_8UC1);
    const std::size_t count = std::size_t{image.width} * image.height;
    for (std::size_t i = 0; i < count; ++i) high.data[i] = image.pixels[2 * i + 1];
    reduce_into(high, size, frame);
  } else {
    return internal_error("decode_image() returned unexpected encoding " + image.encoding);
  }
  return frame;
}

}  // namespace parity::features
