#include "parity/features/embedding.h"

#include <fmt/format.h>

#include <cmath>
#include <exception>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <utility>

#include "parity/core/hash.h"

namespace parity::features {
namespace {

constexpr std::uint32_t kMaxInputSide = 4096;

// OpenCV's description of an error on one line ("Failed to parse ONNX model: x.onnx").
std::string opencv_error_text(const cv::Exception& e) {
  std::string text = e.err.empty() ? std::string(e.what()) : e.err;
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

Status check_options(const EmbedderOptions& options) {
  if (options.input_width < 1 || options.input_width > kMaxInputSide || options.input_height < 1 ||
      options.input_height > kMaxInputSide) {
    return invalid_argument(fmt::format("embedding input size {}x{}: expected 1 to {} per side",
                                        options.input_width, options.input_height, kMaxInputSide));
  }
  for (std::size_t c = 0; c < 3; ++c) {
    if (!std::isfinite(options.mean[c]) || !std::isfinite(options.std[c]) ||
        options.std[c] == 0.0f) {
      return invalid_argument(
          fmt::format("embedding normalisation of channel {}: mean {}, std "
                      "{}: expected finite values and std != 0",
                      c, options.mean[c], options.std[c]));
    }
  }
  return {};
}

}  // namespace

struct ImageEmbedder::Net {
  std::mutex mutex;  // cv::dnn::Net::forward is not thread-safe
  cv::dnn::Net net;
};

ImageEmbedder::ImageEmbedder(std::unique_ptr<Net> net, std::filesystem::path path,
                             EmbedderOptions options, std::string model_hash)
    : net_(std::move(net)),
      path_(std::move(path)),
      options_(options),
      model_hash_(std::move(model_hash)) {}

ImageEmbedder::ImageEmbedder(ImageEmbedder&&) noexcept = default;
ImageEmbedder& ImageEmbedder::operator=(ImageEmbedder&&) noexcept = default;
ImageEmbedder::~ImageEmbedder() = default;

Result<ImageEmbedder> ImageEmbedder::load(const std::filesystem::path& path,
                                          const EmbedderOptions& options) {
  PARITY_RETURN_IF_ERROR(check_options(options));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return not_found(fmt::format("{}: no such model file", path.string()));
  }
  PARITY_ASSIGN_OR_RETURN(const Hash128 hash, hash_file(path));
  auto net = std::make_unique<Net>();
  try {
    net->net = cv::dnn::readNetFromONNX(path.string());
  } catch (const cv::Exception& e) {
    const std::string text = opencv_error_text(e);
    if (text.find("Failed to parse") != std::string::npos) {
      return corrupt(fmt::format("{}: not a readable ONNX model: {}", path.string(), text));
    }
    return unsupported(
        fmt::format("{}: OpenCV cannot build this ONNX model: {}", path.string(), text));
  } catch (const std::exception& e) {
    return corrupt(fmt::format("{}: not a readable ONNX model: {}", path.string(), e.what()));
  }
  if (net->net.empty()) {
    return corrupt(fmt::format("{}: the ONNX model has no layers", path.string()));
  }
  net->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);

  ImageEmbedder embedder(std::move(net), path, options, hash.to_hex());
  // One run on a mid-grey frame of the input size tells the output size.
  const std::vector<std::uint8_t> grey(std::size_t{options.input_width} * options.input_height * 3,
                                       128);
  auto probe = embedder.run(options.input_width, options.input_height, 3, grey);
  if (!probe.ok()) {
    return unsupported(fmt::format("{}: OpenCV cannot run the model on a 1x3x{}x{} input: {}",
                                   path.string(), options.input_height, options.input_width,
                                   probe.status().message()));
  }
  if (probe->empty()) {
    return internal_error(fmt::format("{}: the model's output is empty", path.string()));
  }
  embedder.dims_ = probe->size();
  return embedder;
}

Result<std::vector<float>> ImageEmbedder::embed(std::uint32_t width, std::uint32_t height,
                                                std::uint32_t channels,
                                                std::span<const std::uint8_t> pixels) const {
  if (channels != 1 && channels != 3) {
    return invalid_argument(
        fmt::format("embedding a frame with {} channels: expected 1 or 3", channels));
  }
  if (width == 0 || height == 0 ||
      pixels.size() != std::size_t{width} * std::size_t{height} * channels) {
    return invalid_argument(
        fmt::format("embedding a {}x{}x{} frame from {} bytes: expected "
                    "width * height * channels > 0 bytes",
                    width, height, channels, pixels.size()));
  }
  auto out = run(width, height, channels, pixels);
  if (!out.ok()) {
    return internal_error(fmt::format("{}: {}", path_.string(), out.status().message()));
  }
  if (out->size() != dims_) {
    return internal_error(fmt::format("{}: the model gave {} values, {} when loaded",
                                      path_.string(), out->size(), dims_));
  }
  for (std::size_t i = 0; i < out->size(); ++i) {
    if (!std::isfinite((*out)[i])) {
      return internal_error(
          fmt::format("{}: the model gave {} at dimension {}", path_.string(), (*out)[i], i));
    }
  }
  return out;
}

Result<std::vector<float>> ImageEmbedder::run(std::uint32_t width, std::uint32_t height,
                                              std::uint32_t channels,
                                              std::span<const std::uint8_t> pixels) const {
  const int w = static_cast<int>(options_.input_width);
  const int h = static_cast<int>(options_.input_height);
  try {
    // cv::Mat needs a non-const pointer; the data is only read.
    const cv::Mat frame(static_cast<int>(height), static_cast<int>(width),
                        channels == 3 ? CV_8UC3 : CV_8UC1,
                        const_cast<std::uint8_t*>(pixels.data()));  // NOLINT
    cv::Mat scaled;
    frame.convertTo(scaled, channels == 3 ? CV_32FC3 : CV_32FC1, 1.0 / 255.0);
    cv::Mat resized;
    if (scaled.cols == w && scaled.rows == h) {
      resized = scaled;
    } else {
      const bool shrinking = scaled.cols >= w && scaled.rows >= h;
      cv::resize(scaled, resized, cv::Size(w, h), 0, 0,
                 shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    const int dims[] = {1, 3, h, w};
    cv::Mat blob(4, dims, CV_32F);
    float* out = blob.ptr<float>();
    const std::size_t plane = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    for (std::size_t c = 0; c < 3; ++c) {
      const std::size_t model_channel = options_.channel_order == ChannelOrder::kRgb ? c : 2 - c;
      const std::size_t source_channel = channels == 3 ? c : 0;
      const float mean = options_.mean[c];
      const float inv_std = 1.0f / options_.std[c];
      float* dst = out + model_channel * plane;
      for (int y = 0; y < h; ++y) {
        const float* row = resized.ptr<float>(y);
        for (int x = 0; x < w; ++x) {
          const float v = row[static_cast<std::size_t>(x) * channels + source_channel];
          dst[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
              static_cast<std::size_t>(x)] = (v - mean) * inv_std;
        }
      }
    }
    cv::Mat result;
    {
      const std::lock_guard<std::mutex> lock(net_->mutex);
      net_->net.setInput(blob);
      result = net_->net.forward().clone();  // forward() may return the network's own buffer
    }
    std::vector<float> values;
    if (result.depth() != CV_32F) {
      return internal_error(
          fmt::format("the model's output has OpenCV depth {}, expected 32-bit "
                      "float",
                      result.depth()));
    }
    const cv::Mat flat = result.isContinuous() ? result : result.clone();
    values.assign(flat.ptr<float>(), flat.ptr<float>() + flat.total() * flat.channels());
    if (options_.l2_normalize) {
      double sum = 0.0;
      for (float v : values) sum += static_cast<double>(v) * v;
      if (sum > 0.0 && std::isfinite(sum)) {
        const double norm = std::sqrt(sum);
        for (float& v : values) v = static_cast<float>(v / norm);
      }
    }
    return values;
  } catch (const cv::Exception& e) {
    return internal_error(fmt::format("OpenCV failed: {}", opencv_error_text(e)));
  } catch (const std::exception& e) {
    return internal_error(fmt::format("inference failed: {}", e.what()));
  }
}

}  // namespace parity::features
