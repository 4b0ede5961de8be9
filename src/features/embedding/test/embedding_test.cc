// ImageEmbedder on tiny ONNX models generated at run time by tests/oracles/make_onnx_models.py
// (python3 with Debian's python3-onnx): a global average pool gives per-channel means that test
// preprocessing exactly, a strided convolution with known weights tests the NCHW layout, a Log
// model tests non-finite outputs, a Hardmax model an operator OpenCV cannot run. Those tests skip
// with a message when python3 or onnx is missing; missing and corrupt files need neither.
#include "parity/features/embedding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "parity/core/hash.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::features::embedding_test {
namespace {

constexpr const char* kModelScript = "tests/oracles/make_onnx_models.py";

class EmbeddingModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kModelScript)) {
      skip_reason_ = std::string(kModelScript) + " not found (tests run from the source root)";
      return;
    }
    const std::string python = testing::python_with("onnx, numpy").value_or("");
    if (python.empty()) {
      skip_reason_ = "python3 with the onnx module (Debian python3-onnx) is not installed";
      return;
    }
    dir_ = std::make_unique<testing::TempDir>();
    const std::string command = testing::shell_quote(python) + " " + kModelScript + " " +
                                testing::shell_quote(dir_->path().string()) + " > /dev/null";
    if (std::system(command.c_str()) != 0) {
      generation_failed_ = "model generation failed: " + command;
    }
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << "ONNX test models unavailable: " << skip_reason_;
    ASSERT_TRUE(generation_failed_.empty()) << generation_failed_;
  }

  static std::filesystem::path model(const std::string& name) { return dir_->path() / name; }

  static ImageEmbedder load(const std::string& name, const EmbedderOptions& options) {
    auto embedder = ImageEmbedder::load(model(name), options);
    EXPECT_TRUE(embedder.ok()) << embedder.status().to_string();
    return std::move(embedder).value();
  }

  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::string skip_reason_;
  static inline std::string generation_failed_;
};

// Mean 0, std 1, no L2 normalisation: the model sees pixel / 255.
EmbedderOptions raw_options(std::uint32_t side) {
  EmbedderOptions options;
  options.input_width = side;
  options.input_height = side;
  options.mean = {0.0f, 0.0f, 0.0f};
  options.std = {1.0f, 1.0f, 1.0f};
  options.l2_normalize = false;
  return options;
}

std::vector<std::uint8_t> constant_rgb(std::uint32_t w, std::uint32_t h, std::uint8_t r,
                                       std::uint8_t g, std::uint8_t b) {
  std::vector<std::uint8_t> pixels;
  pixels.reserve(std::size_t{w} * h * 3);
  for (std::size_t i = 0; i < std::size_t{w} * h; ++i) {
    pixels.push_back(r);
    pixels.push_back(g);
    pixels.push_back(b);
  }
  return pixels;
}

TEST(ImageEmbedder, MissingFile) {
  testing::TempDir dir;
  const auto path = dir / "absent.onnx";
  const auto r = ImageEmbedder::load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), path.string() + ": no such model file");
}

TEST(ImageEmbedder, CorruptFile) {
  testing::TempDir dir;
  const auto path = dir / "corrupt.onnx";
  {
    std::ofstream out(path, std::ios::binary);
    out << "this is not an ONNX protobuf \x01\x02\x03";
  }
  const auto r = ImageEmbedder::load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find(path.string() +
                                      ": not a readable ONNX model: Failed to parse ONNX model"),
            std::string::npos)
      << r.status().message();
}

TEST(ImageEmbedder, InvalidOptions) {
  testing::TempDir dir;
  EmbedderOptions options;
  options.std[1] = 0.0f;
  auto r = ImageEmbedder::load(dir / "x.onnx", options);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("channel 1: mean 0.456, std 0"), std::string::npos)
      << r.status().message();
  options = {};
  options.input_width = 0;
  r = ImageEmbedder::load(dir / "x.onnx", options);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("input size 0x224"), std::string::npos);
}

TEST_F(EmbeddingModelTest, GlobalAveragePoolGivesChannelMeans) {
  ImageEmbedder embedder = load("gap.onnx", raw_options(16));
  EXPECT_EQ(embedder.dims(), 3u);
  const auto hash = hash_file(model("gap.onnx"));
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(embedder.model_hash(), hash->to_hex());
  EXPECT_EQ(embedder.model_hash().size(), 32u);

  const auto out = embedder.embed(16, 16, 3, constant_rgb(16, 16, 51, 102, 204));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_NEAR((*out)[0], 0.2, 1e-5);
  EXPECT_NEAR((*out)[1], 0.4, 1e-5);
  EXPECT_NEAR((*out)[2], 0.8, 1e-5);
}

TEST_F(EmbeddingModelTest, ImageNetNormalisationAfterAreaResize) {
  EmbedderOptions options;
  options.input_width = 16;
  options.input_height = 16;
  options.l2_normalize = false;
  ImageEmbedder embedder = load("gap.onnx", options);
  // 64 x 64 random pixels: an exact 4 x 4 area reduction keeps each channel's mean.
  std::mt19937 rng(3);
  std::vector<std::uint8_t> pixels(64 * 64 * 3);
  double sums[3] = {0, 0, 0};
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = static_cast<std::uint8_t>(rng() % 256);
    sums[i % 3] += pixels[i];
  }
  const auto out = embedder.embed(64, 64, 3, pixels);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  const double mean[] = {0.485, 0.456, 0.406};
  const double std_dev[] = {0.229, 0.224, 0.225};
  for (std::size_t c = 0; c < 3; ++c) {
    const double channel_mean = sums[c] / (64.0 * 64.0) / 255.0;
    EXPECT_NEAR((*out)[c], (channel_mean - mean[c]) / std_dev[c], 1e-5) << c;
  }
}

TEST_F(EmbeddingModelTest, ChannelOrderGreyAndL2Normalisation) {
  EmbedderOptions bgr = raw_options(16);
  bgr.channel_order = ChannelOrder::kBgr;
  ImageEmbedder swapped = load("gap.onnx", bgr);
  auto out = swapped.embed(16, 16, 3, constant_rgb(16, 16, 51, 102, 204));
  ASSERT_TRUE(out.ok());
  EXPECT_NEAR((*out)[0], 0.8, 1e-5);
  EXPECT_NEAR((*out)[2], 0.2, 1e-5);

  // A small grey frame is enlarged and replicated to three channels.
  ImageEmbedder raw = load("gap.onnx", raw_options(16));
  const std::vector<std::uint8_t> grey(100 * 50, 255);
  out = raw.embed(100, 50, 1, grey);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  for (float v : *out) EXPECT_NEAR(v, 1.0, 1e-5);

  EmbedderOptions unit = raw_options(16);
  unit.l2_normalize = true;
  ImageEmbedder normalised = load("gap.onnx", unit);
  out = normalised.embed(16, 16, 3, constant_rgb(16, 16, 51, 102, 204));
  ASSERT_TRUE(out.ok());
  const double norm = std::sqrt(0.2 * 0.2 + 0.4 * 0.4 + 0.8 * 0.8);
  EXPECT_NEAR((*out)[0], 0.2 / norm, 1e-5);
  EXPECT_NEAR((*out)[1], 0.4 / norm, 1e-5);
  EXPECT_NEAR((*out)[2], 0.8 / norm, 1e-5);
}

TEST_F(EmbeddingModelTest, ConvolutionWithKnownWeightsMatchesNchwLayout) {
  ImageEmbedder embedder = load("conv.onnx", raw_options(4));
  ASSERT_EQ(embedder.dims(), 8u);
  // Pixel (y, x, c) = 10 (4y + x) + 3c.
  std::vector<std::uint8_t> pixels;
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      for (int c = 0; c < 3; ++c)
        pixels.push_back(static_cast<std::uint8_t>(10 * (4 * y + x) + 3 * c));
    }
  }
  const auto out = embedder.embed(4, 4, 3, pixels);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  const double bias[] = {0.5, -0.25};
  for (int o = 0; o < 2; ++o) {
    for (int oy = 0; oy < 2; ++oy) {
      for (int ox = 0; ox < 2; ++ox) {
        double expected = bias[o];
        for (int c = 0; c < 3; ++c) {
          for (int ky = 0; ky < 2; ++ky) {
            for (int kx = 0; kx < 2; ++kx) {
              const double w = (o + 1) * (c + 1) / 4.0 * ((ky + kx) % 2 == 0 ? 1.0 : -1.0);
              const int y = 2 * oy + ky;
              const int x = 2 * ox + kx;
              expected += w * (10 * (4 * y + x) + 3 * c) / 255.0;
            }
          }
        }
        EXPECT_NEAR((*out)[static_cast<std::size_t>(o * 4 + oy * 2 + ox)], expected, 1e-5)
            << o << " " << oy << " " << ox;
      }
    }
  }
}

TEST_F(EmbeddingModelTest, NonFiniteOutputIsAnError) {
  EmbedderOptions options;  // ImageNet normalisation: black pixels become negative
  options.input_width = 2;
  options.input_height = 2;
  options.l2_normalize = false;
  ImageEmbedder embedder = load("log.onnx", options);
  EXPECT_EQ(embedder.dims(), 12u);
  const auto out = embedder.embed(2, 2, 3, std::vector<std::uint8_t>(12, 0));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInternal);
  EXPECT_EQ(out.status().message().rfind(model("log.onnx").string() + ": the model gave ", 0), 0u)
      << out.status().message();
  EXPECT_NE(out.status().message().find("nan at dimension 0"), std::string::npos);
  const auto fine = embedder.embed(2, 2, 3, std::vector<std::uint8_t>(12, 255));
  ASSERT_TRUE(fine.ok()) << fine.status().to_string();
  EXPECT_NEAR((*fine)[0], std::log((1.0 - 0.485) / 0.229), 1e-5);
}

TEST_F(EmbeddingModelTest, UnsupportedOperator) {
  const auto r = ImageEmbedder::load(model("unsupported.onnx"), raw_options(8));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find(model("unsupported.onnx").string() +
                                      ": OpenCV cannot build this ONNX model: "),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("Hardmax"), std::string::npos) << r.status().message();
}

TEST_F(EmbeddingModelTest, ConcurrentCallsShareOneEmbedder) {
  const ImageEmbedder embedder = load("gap.onnx", raw_options(16));
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const auto value = static_cast<std::uint8_t>(t * 60 + i);
        const auto out = embedder.embed(16, 16, 3, constant_rgb(16, 16, value, value, 0));
        if (!out.ok() || std::abs((*out)[0] - value / 255.0) > 1e-5 || (*out)[2] != 0.0f) {
          ++wrong[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, (std::vector<int>{0, 0, 0, 0}));
}

TEST_F(EmbeddingModelTest, BadFramesAreRejected) {
  ImageEmbedder embedder = load("gap.onnx", raw_options(16));
  auto r = embedder.embed(2, 2, 4, std::vector<std::uint8_t>(16, 0));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "embedding a frame with 4 channels: expected 1 or 3");
  r = embedder.embed(2, 2, 3, std::vector<std::uint8_t>(11, 0));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("a 2x2x3 frame from 11 bytes"), std::string::npos);
  r = embedder.embed(0, 2, 3, {});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  // The embedder stays usable after rejected frames, and after being moved.
  ImageEmbedder moved = std::move(embedder);
  r = moved.embed(1, 1, 1, std::vector<std::uint8_t>{255});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_NEAR((*r)[1], 1.0, 1e-5);
}

}  // namespace
}  // namespace parity::features::embedding_test
