// Learned image embeddings (`--embed-model model.onnx`): an ONNX image encoder run through
// OpenCV's DNN module on sampled frames.
//
// Preprocessing, in this order: the frame (8-bit RGB or grey; grey is replicated to three
// channels) is resized to input_width x input_height (area averaging when shrinking, bilinear
// when enlarging; the aspect ratio is not kept); each value becomes
// (pixel / 255 - mean[c]) / std[c] with c the RGB channel; the channels are ordered as the
// model expects (ChannelOrder) into a 1 x 3 x H x W float tensor (NCHW). The model's first
// output, flattened, is the embedding, L2-normalised when EmbedderOptions::l2_normalize is set.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "parity/core/status.h"

namespace parity::features {

// The channel order the model was trained with.
enum class ChannelOrder : std::uint8_t { kRgb, kBgr };

struct EmbedderOptions {
  std::uint32_t input_width = 224;  // pixels
  std::uint32_t input_height = 224;
  // Per RGB channel, on pixel values scaled to [0, 1]; the defaults are ImageNet's.
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
  ChannelOrder channel_order = ChannelOrder::kRgb;
  bool l2_normalize = true;  // divide the output by its L2 norm (a zero vector stays zero)
};

class ImageEmbedder {
 public:
  // Reads the ONNX model and runs it once on a mid-grey frame to learn dims().
  // Errors, each naming the file: kNotFound (no such file), kCorrupt (OpenCV cannot parse the
  // file as ONNX), kUnsupported (a valid model OpenCV cannot run, e.g. an unknown layer or an
  // input size the model rejects; the message carries OpenCV's text), kInvalidArgument (options:
  // an input size outside 1..4096 or a std of zero), kInternal (the model's output is empty).
  static Result<ImageEmbedder> load(const std::filesystem::path& path,
                                    const EmbedderOptions& options = {});

  ImageEmbedder(ImageEmbedder&&) noexcept;
  ImageEmbedder& operator=(ImageEmbedder&&) noexcept;
  ~ImageEmbedder();

  // Embeds one frame: rows top to bottom, width * channels bytes each, no padding.
  // Errors: kInvalidArgument (channels not 1 or 3, a zero size, pixels.size() !=
  // width * height * channels), kInternal (OpenCV failed during inference, or the output has
  // another size than dims() or a non-finite value; the message names the model file).
  // Thread-safe: concurrent calls share one network and run one at a time (OpenCV parallelises
  // inside a call); load one embedder per thread for concurrent inference.
  Result<std::vector<float>> embed(std::uint32_t width, std::uint32_t height,
                                   std::uint32_t channels,
                                   std::span<const std::uint8_t> pixels) const;

  // Number of values embed() returns.
  std::size_t dims() const { return dims_; }
  // xxh3-128 of the model file, 32 lower-case hex digits (parity/core/hash.h): identifies the
  // model in catalogs so that embeddings from different models are never compared.
  const std::string& model_hash() const { return model_hash_; }
  const std::filesystem::path& model_path() const { return path_; }
  const EmbedderOptions& options() const { return options_; }

 private:
  struct Net;
  ImageEmbedder(std::unique_ptr<Net> net, std::filesystem::path path, EmbedderOptions options,
                std::string model_hash);
  Result<std::vector<float>> run(std::uint32_t width, std::uint32_t height, std::uint32_t channels,
                                 std::span<const std::uint8_t> pixels) const;

  std::unique_ptr<Net> net_;  // the network and its mutex; keeps <opencv2/dnn.hpp> out of here
  std::filesystem::path path_;
  EmbedderOptions options_;
  std::string model_hash_;
  std::size_t dims_ = 0;
};

}  // namespace parity::features
