// The frame descriptor's layout on frames with known content, the extractor's aggregation and
// descriptor thinning, and the specs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "parity/features/camera_features.h"
#include "parity/features/frame_aggregate.h"

namespace parity::features {
namespace {

using ::testing::ElementsAre;

AnalysisFrame flat_grey(std::uint32_t width, std::uint32_t height, std::uint8_t value) {
  return AnalysisFrame{width, height, 1,
                       std::vector<std::uint8_t>(std::size_t{width} * height, value)};
}

template <typename Pixel>
AnalysisFrame make_rgb(std::uint32_t width, std::uint32_t height, Pixel pixel) {
  AnalysisFrame frame{width, height, 3, {}};
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      const std::array<std::uint8_t, 3> p = pixel(x, y);
      frame.pixels.insert(frame.pixels.end(), p.begin(), p.end());
    }
  }
  return frame;
}

double norm(const std::vector<float>& v) {
  double sum = 0;
  for (const float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

// Indices of the non-zero dims.
std::vector<std::size_t> support(const std::vector<float>& v, std::size_t begin, std::size_t end) {
  std::vector<std::size_t> out;
  for (std::size_t i = begin; i < end; ++i) {
    if (v[i] != 0.0f) out.push_back(i);
  }
  return out;
}

TEST(FrameDescriptor, ConstantGreyFrame) {
  const std::vector<float> d = compute_frame_descriptor(flat_grey(40, 32, 128));
  ASSERT_EQ(d.size(), kFrameDescriptorDims);
  EXPECT_NEAR(norm(d), 1.0, 1e-6);
  // Colour part: 48 equal values (unit norm), gradient part zero, histogram part: luma bin
  // 128 / 64 = 2 of the grey bins; the two non-zero parts weigh 1 / sqrt(2) each.
  for (std::size_t i = 0; i < 48; ++i) EXPECT_NEAR(d[i], 1.0 / std::sqrt(96.0), 1e-6) << i;
  EXPECT_TRUE(support(d, 48, 112).empty());
  EXPECT_THAT(support(d, 112, 128), ElementsAre(126));
  EXPECT_NEAR(d[126], 1.0 / std::sqrt(2.0), 1e-6);
}

TEST(FrameDescriptor, ColourLayoutAndHueBins) {
  // Left half pure red (hue 0 -> bin 0), right half pure blue (hue 240 -> bin 8).
  const std::vector<float> d = compute_frame_descriptor(make_rgb(40, 32, [](std::uint32_t x, auto) {
    return x < 20 ? std::array<std::uint8_t, 3>{255, 0, 0} : std::array<std::uint8_t, 3>{0, 0, 255};
  }));
  EXPECT_NEAR(norm(d), 1.0, 1e-6);
  std::vector<std::size_t> colour;
  for (std::size_t cell = 0; cell < 16; ++cell) {
    colour.push_back(cell % 4 < 2 ? 3 * cell : 3 * cell + 2);
  }
  std::sort(colour.begin(), colour.end());
  EXPECT_EQ(support(d, 0, 48), colour);
  EXPECT_THAT(support(d, 112, 128), ElementsAre(112, 120));
  EXPECT_FLOAT_EQ(d[112], d[120]);
  // Hue bin edges: hue exactly 30 (R 200, G 150, B 100) falls in bin 1, hue 60 in bin 2.
  EXPECT_THAT(
      support(compute_frame_descriptor(make_rgb(8, 8,
                                                [](auto, auto) {
                                                  return std::array<std::uint8_t, 3>{200, 150, 100};
                                                })),
              112, 128),
      ElementsAre(113));
  EXPECT_THAT(
      support(compute_frame_descriptor(make_rgb(8, 8,
                                                [](auto, auto) {
                                                  return std::array<std::uint8_t, 3>{200, 200, 0};
                                                })),
              112, 128),
      ElementsAre(114));
}

TEST(FrameDescriptor, GradientOrientationBinsAndCells) {
  const auto gradient_support = [](auto pixel) {
    return support(compute_frame_descriptor(make_rgb(40, 40, pixel)), 48, 112);
  };
  const auto step = [](bool bright) {
    const std::uint8_t v = bright ? 200 : 20;
    return std::array<std::uint8_t, 3>{v, v, v};
  };
  // A vertical step at x = 20 (cell edges 0, 10, 20, 30): pixels 19 and 20, cells 1 and 2 of
  // every grid row, horizontal gradient -> bin 0.
  std::vector<std::size_t> vertical;
  for (std::size_t row = 0; row < 4; ++row) {
    vertical.push_back(48 + 4 * (4 * row + 1));
    vertical.push_back(48 + 4 * (4 * row + 2));
  }
  EXPECT_EQ(gradient_support([&](std::uint32_t x, auto) { return step(x >= 20); }), vertical);
  // A horizontal step -> bin 2 in grid rows 1 and 2.
  std::vector<std::size_t> horizontal;
  for (std::size_t cell = 4; cell < 12; ++cell) horizontal.push_back(48 + 4 * cell + 2);
  EXPECT_EQ(gradient_support([&](auto, std::uint32_t y) { return step(y >= 20); }), horizontal);
  // Brighter towards the bottom right (gx, gy > 0): bin 1 only; towards the top right: bin 3.
  for (const std::size_t bin :
       gradient_support([&](std::uint32_t x, std::uint32_t y) { return step(x + y >= 40); })) {
    EXPECT_EQ((bin - 48) % 4, 1u) << bin;
  }
  const auto anti =
      gradient_support([&](std::uint32_t x, std::uint32_t y) { return step(x >= y); });
  EXPECT_FALSE(anti.empty());
  for (const std::size_t bin : anti) EXPECT_EQ((bin - 48) % 4, 3u) << bin;
}

TEST(FrameDescriptor, SmallestFrames) {
  const std::vector<float> d = compute_frame_descriptor(flat_grey(3, 3, 0));
  ASSERT_EQ(d.size(), kFrameDescriptorDims);
  // Black: the colour part is zero, only the histogram part (luma bin 0) remains.
  EXPECT_THAT(support(d, 0, 128), ElementsAre(124));
  EXPECT_FLOAT_EQ(d[124], 1.0f);
  const FrameStats s = compute_frame_stats(flat_grey(3, 3, 0));
  EXPECT_EQ(s.under_exposed, 1.0);
  EXPECT_EQ(s.entropy, 0.0);
}

std::map<std::string, double> as_map(const FeatureValues& values) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : values) {
    EXPECT_TRUE(out.emplace(name, value).second) << "duplicate " << name;
  }
  return out;
}

TEST(CameraFeatureExtractor, AggregatesFrameStatistics) {
  CameraFeatureExtractor extractor;
  EXPECT_TRUE(CameraFeatureExtractor().finish().empty());
  for (const std::uint8_t v :
       {std::uint8_t{10}, std::uint8_t{20}, std::uint8_t{30}, std::uint8_t{60}}) {
    extractor.add_frame(v * 1000, flat_grey(16, 12, v));
  }
  EXPECT_EQ(extractor.frame_count(), 4u);
  const auto values = as_map(extractor.finish());
  EXPECT_EQ(values.at("frames"), 4.0);
  EXPECT_DOUBLE_EQ(values.at("luma_mean.mean"), 30.0);
  EXPECT_DOUBLE_EQ(values.at("luma_mean.std"), std::sqrt((400.0 + 100.0 + 0.0 + 900.0) / 4.0));
  EXPECT_DOUBLE_EQ(values.at("luma_mean.p50"), 25.0);
  EXPECT_DOUBLE_EQ(values.at("luma_mean.p10"), 13.0);
  EXPECT_DOUBLE_EQ(values.at("luma_mean.p90"), 51.0);
  EXPECT_EQ(values.at("sharpness.mean"), 0.0);
  // Grey frames: no colour statistics at all.
  EXPECT_EQ(values.count("hue_mean.mean"), 0u);
  EXPECT_EQ(values.count("saturation_mean.p50"), 0u);
  EXPECT_EQ(values.count("rb_ratio.mean"), 0u);
  EXPECT_EQ(values.size(), 1 + 11 * 5u);
  for (const auto& [name, value] : values) EXPECT_TRUE(std::isfinite(value)) << name;
}

TEST(CameraFeatureExtractor, ColourStatisticsOnlyFromFramesThatHaveThem) {
  CameraFeatureExtractor extractor;
  const auto constant = [](std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    return make_rgb(8, 8, [=](auto, auto) { return std::array<std::uint8_t, 3>{r, g, b}; });
  };
  extractor.add_frame(0, constant(200, 100, 50));  // hue 20, rb 4
  extractor.add_frame(1, constant(90, 90, 90));    // achromatic: no hue, rb 1
  extractor.add_frame(2, constant(255, 0, 0));     // hue 0, no rb
  const auto values = as_map(extractor.finish());
  EXPECT_NEAR(values.at("hue_mean.mean"), 10.0, 1e-5);
  EXPECT_DOUBLE_EQ(values.at("rb_ratio.mean"), 2.5);
  EXPECT_DOUBLE_EQ(values.at("saturation_mean.mean"), (0.75 + 0.0 + 1.0) / 3.0);
  EXPECT_EQ(values.size(), 1 + 14 * 5u);
}

TEST(CameraFeatureExtractor, DescriptorSamplesAreThinnedEvenly) {
  CameraFeatureExtractor extractor(4);
  for (std::int64_t i = 0; i < 10; ++i) {
    extractor.add_frame(i, flat_grey(8, 8, static_cast<std::uint8_t>(i * 20)));
  }
  std::vector<std::int64_t> times;
  for (const FrameSample& sample : extractor.descriptor_samples()) {
    times.push_back(sample.log_time_ns);
    EXPECT_EQ(sample.vector.size(), kFrameDescriptorDims);
  }
  EXPECT_THAT(times, ElementsAre(0, 4, 8));
  EXPECT_EQ(extractor.descriptor_samples()[1].vector,
            compute_frame_descriptor(flat_grey(8, 8, 80)));

  // Up to 33 frames with at most 16 samples: 0, 2, ..., 32 would be 17, so 0, 4, ..., 32.
  CameraFeatureExtractor many;
  for (std::int64_t i = 0; i < 33; ++i) many.add_frame(100 - i, flat_grey(4, 4, 1));
  (void)many.finish();
  times.clear();
  for (const FrameSample& sample : many.descriptor_samples()) times.push_back(sample.log_time_ns);
  EXPECT_THAT(times, ElementsAre(68, 72, 76, 80, 84, 88, 92, 96, 100));  // sorted by time
}

TEST(CameraFeatureSpecs, CoverEveryEmittedValue) {
  std::set<std::string> names;
  for (const FeatureSpec& spec : camera_feature_specs()) {
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << spec.name;
    EXPECT_FALSE(spec.unit.empty()) << spec.name;
    EXPECT_GT(spec.definition.size(), 40u) << spec.name;
    EXPECT_LT(spec.min, spec.max) << spec.name;
    EXPECT_LT(spec.hist_lo, spec.hist_hi) << spec.name;
    if (spec.scale == HistogramScale::kLog) {
      EXPECT_GT(spec.hist_lo, 0.0) << spec.name;
    }
    for (const char c : spec.name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << spec.name;
    }
  }
  EXPECT_EQ(names.size(), 15u);
  CameraFeatureExtractor extractor;
  extractor.add_frame(0, make_rgb(8, 8, [](std::uint32_t x, std::uint32_t y) {
                        return std::array<std::uint8_t, 3>{static_cast<std::uint8_t>(x * 30),
                                                           static_cast<std::uint8_t>(y * 20), 70};
                      }));
  std::set<std::string> emitted_bases;
  for (const auto& [name, value] : extractor.finish()) {
    const std::string base = name.substr(0, name.find('.'));
    ASSERT_TRUE(names.count(base)) << name;
    const FeatureSpec* spec = nullptr;
    for (const FeatureSpec& s : camera_feature_specs()) {
      if (s.name == base) spec = &s;
    }
    const bool aggregate = name != base;
    EXPECT_EQ(aggregate, spec->per_frame) << name;
    if (aggregate) {
      const std::string suffix = name.substr(base.size() + 1);
      EXPECT_TRUE(std::find(std::begin(kFrameAggregates), std::end(kFrameAggregates), suffix) !=
                  std::end(kFrameAggregates))
          << name;
    }
    if (name.ends_with(".std")) continue;
    EXPECT_GE(value, spec->min) << name;
    EXPECT_LE(value, spec->max) << name;
    emitted_bases.insert(base);
  }
  EXPECT_EQ(emitted_bases, names);
  EXPECT_THAT(std::string(frame_descriptor_definition()), ::testing::HasSubstr("128 values"));
}

}  // namespace
}  // namespace parity::features
