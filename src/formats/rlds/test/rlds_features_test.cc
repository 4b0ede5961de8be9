// features.json layouts and the splitting of an episode Example into steps.
#include "parity/formats/rlds/rlds_features.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "formats/rlds/test/rlds_test_util.h"
#include "testing/testing.h"

namespace parity::rlds {
namespace {

using testing::bytes_feature;
using ::testing::ElementsAre;
using testing::example_bytes;
using testing::float_feature;
using ::testing::HasSubstr;
using testing::int64_feature;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> keys(const FeatureLayout& layout, bool per_step) {
  std::vector<std::string> out;
  for (const FeatureSpec& spec : layout.features) {
    if (spec.per_step == per_step) out.push_back(spec.key);
  }
  return out;
}

TEST(RldsFeatures, BridgeLayout) {
  PARITY_REQUIRE_SHARED_DATA(dir, "rlds/octo-bridge-debug/bridge_dataset/1.0.0");
  auto layout = parse_features_json(read_file(dir / "features.json"));
  ASSERT_TRUE(layout.ok()) << layout.status().to_string();
  EXPECT_THAT(keys(*layout, true),
              ElementsAre("steps/action", "steps/discount", "steps/is_first", "steps/is_last",
                          "steps/is_terminal", "steps/language_embedding",
                          "steps/language_instruction", "steps/observation/image_0",
                          "steps/observation/image_1", "steps/observation/image_2",
                          "steps/observation/image_3", "steps/observation/state", "steps/reward"));
  EXPECT_THAT(keys(*layout, false),
              ElementsAre("episode_metadata/episode_id", "episode_metadata/file_path",
                          "episode_metadata/has_image_0", "episode_metadata/has_image_1",
                          "episode_metadata/has_image_2", "episode_metadata/has_image_3",
                          "episode_metadata/has_language"));
  for (const FeatureSpec& spec : layout->features) EXPECT_EQ(spec.unsupported, "") << spec.key;
  const FeatureSpec* action = layout->find("steps/action");
  EXPECT_EQ(action->kind, LeafKind::kTensor);
  EXPECT_EQ(action->tensor_spec().to_string(), "float32[7]");
  EXPECT_THAT(action->description, HasSubstr("Robot action"));
  EXPECT_EQ(layout->find("steps/is_first")->tensor_spec().to_string(), "bool[]");
  EXPECT_EQ(layout->find("steps/language_embedding")->elements(), 512u);
  const FeatureSpec* image = layout->find("steps/observation/image_0");
  EXPECT_EQ(image->kind, LeafKind::kImage);
  EXPECT_EQ(image->image_format, "jpeg");
  EXPECT_THAT(image->shape, ElementsAre(64, 64, 3));
  EXPECT_EQ(layout->find("steps/language_instruction")->kind, LeafKind::kText);
  EXPECT_EQ(layout->find("episode_metadata/episode_id")->tfds_dtype, "int32");
  ASSERT_TRUE(layout->step_count_feature.has_value());
  EXPECT_EQ(layout->features[*layout->step_count_feature].key, "steps/is_first");
}

constexpr const char* kSyntheticFeatures = R"({
  "featuresDict": {"features": {
    "steps": {"sequence": {"length": "-1", "feature": {"featuresDict": {"features": {
      "pos": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "float64"}},
      "mode": {"tensor": {"shape": {}, "dtype": "int32", "encoding": "none"}},
      "raw": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "uint16", "encoding": "bytes"}},
      "packed": {"tensor": {"shape": {"dimensions": ["3"]}, "dtype": "uint8", "encoding": "zlib"}},
      "ragged": {"tensor": {"shape": {"dimensions": ["-1"]}, "dtype": "float32"}},
      "cam": {"image": {"shape": {"dimensions": ["2", "2", "1"]}, "dtype": "uint8"}},
      "language_instruction": {"text": {}},
      "label": {"classLabel": {"numClasses": "3"}},
      "nested": {"sequence": {"feature": {"tensor": {"shape": {}, "dtype": "float32"}}}},
      "video": {"pythonClassName": "tensorflow_datasets.core.features.video_feature.Video"}
    }}}}},
    "episode_metadata": {"featuresDict": {"features": {
      "id": {"tensor": {"shape": {}, "dtype": "int64"}},
      "ok": {"tensor": {"shape": {}, "dtype": "bool"}},
      "gain": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "float32"}},
      "name": {"text": {}},
      "long": {"text": {}},
      "big": {"tensor": {"shape": {"dimensions": ["20"]}, "dtype": "float32"}}
    }}}
  }}
})";

TEST(RldsFeatures, LeafKindsAndUnsupportedLeaves) {
  auto layout = parse_features_json(kSyntheticFeatures);
  ASSERT_TRUE(layout.ok()) << layout.status().to_string();
  EXPECT_EQ(layout->find("steps/pos")->tensor_spec().to_string(), "float32[2]");
  EXPECT_EQ(layout->find("steps/pos")->tfds_dtype, "float64");
  EXPECT_EQ(layout->find("steps/raw")->encoding, "bytes");
  EXPECT_EQ(layout->find("steps/cam")->image_format, "png");  // TFDS default
  EXPECT_EQ(layout->find("steps/label")->tensor_spec().to_string(), "int64[]");
  EXPECT_EQ(layout->find("steps/packed")->unsupported, "tensor encoding 'zlib'");
  EXPECT_EQ(layout->find("steps/ragged")->unsupported, "per-step tensor of variable shape [-1]");
  EXPECT_EQ(layout->find("steps/nested")->unsupported, "a sequence inside steps");
  EXPECT_EQ(layout->find("steps/video")->unsupported,
            "feature type 'tensorflow_datasets.core.features.video_feature.Video' is not read");
  // No is_first: the readable per-step tensor with the fewest elements counts the steps.
  EXPECT_EQ(layout->features[*layout->step_count_feature].key, "steps/label");

  auto not_json = parse_features_json("{");
  EXPECT_EQ(not_json.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(not_json.status().message(), HasSubstr("features.json: not valid JSON"));
  auto not_dict = parse_features_json(R"({"tensor": {}})");
  EXPECT_THAT(not_dict.status().message(), HasSubstr("expected a TFDS FeaturesDict"));
  auto bad_dict = parse_features_json(R"({"featuresDict": {"features": 3}})");
  EXPECT_EQ(bad_dict.status().code(), StatusCode::kCorrupt);
}

std::string as_string(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

TEST(RldsFeatures, SplitEpisodeIntoSteps) {
  auto layout = parse_features_json(kSyntheticFeatures);
  ASSERT_TRUE(layout.ok());
  const std::vector<std::uint8_t> raw0 = {1, 0, 2, 0};
  const std::vector<std::uint8_t> raw1 = {0xFF, 0xFF, 0, 1};
  const auto bytes = example_bytes({
      {"steps/label", int64_feature({0, 2})},
      {"steps/pos", float_feature({1.0f, 2.0f, 3.0f, 4.0f}, /*packed=*/false)},
      {"steps/mode", int64_feature({-1, std::int64_t{1} << 33})},  // the second does not fit
      {"steps/raw", bytes_feature(std::vector<std::vector<std::uint8_t>>{raw0, raw1})},
      {"steps/cam", bytes_feature(std::vector<std::string>{"png0", "png1"})},
      {"steps/language_instruction", bytes_feature(std::vector<std::string>{"", "stack it"})},
      {"episode_metadata/id", int64_feature({42})},
      {"episode_metadata/ok", int64_feature({1})},
      {"episode_metadata/gain", float_feature({0.5f, 0.25f})},
      {"episode_metadata/name", bytes_feature(std::vector<std::string>{"run 7"})},
      {"episode_metadata/long", bytes_feature(std::vector<std::string>{std::string(300, 'x')})},
      {"episode_metadata/big", float_feature(std::vector<float>(20, 1.0f))},
  });
  auto example = parse_example(bytes);
  ASSERT_TRUE(example.ok()) << example.status().to_string();
  EXPECT_EQ(count_steps(*example, *layout), 2u);
  DiagnosticCollector diagnostics;
  const SplitEpisode split = split_episode(*example, *layout, diagnostics, "ep.tfrecord", 16);
  EXPECT_EQ(split.steps, 2u);
  const auto at = [&](std::string_view key) -> const StepData& {
    for (std::size_t i = 0; i < layout->features.size(); ++i) {
      if (layout->features[i].key == key) return split.features[i];
    }
    static const StepData kNone;
    return kNone;
  };
  ASSERT_EQ(at("steps/pos").steps.size(), 2u);
  float pos[2];
  std::memcpy(pos, at("steps/pos").steps[1].data(), 8);
  EXPECT_THAT(pos, ElementsAre(3.0f, 4.0f));
  ASSERT_EQ(at("steps/mode").steps.size(), 2u);
  EXPECT_THAT(
      std::vector<std::uint8_t>(at("steps/mode").steps[0].begin(), at("steps/mode").steps[0].end()),
      ElementsAre(0xFF, 0xFF, 0xFF, 0xFF));  // int32 -1, little-endian
  ASSERT_EQ(at("steps/raw").steps.size(), 2u);
  EXPECT_EQ(as_string(at("steps/raw").steps[1]), as_string(raw1));
  EXPECT_EQ(as_string(at("steps/cam").steps[0]), "png0");
  EXPECT_EQ(as_string(at("steps/language_instruction").steps[1]), "stack it");
  ASSERT_EQ(at("steps/label").steps.size(), 2u);
  EXPECT_EQ(at("steps/label").steps[1][0], 2);
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics.diagnostics()) {
    EXPECT_EQ(d.file, "ep.tfrecord");
    EXPECT_EQ(d.offset, 16u);
    messages.push_back(d.message);
  }
  EXPECT_THAT(messages,
              ElementsAre("feature 'steps/mode': 1 values do not fit int32 and were wrapped"));

  DiagnosticCollector attribute_notes;
  const auto attributes = episode_attributes(*example, *layout, attribute_notes, "ep.tfrecord");
  EXPECT_THAT(attributes,
              ElementsAre(std::make_pair("gain", "0.5,0.25"), std::make_pair("id", "42"),
                          std::make_pair("name", "run 7"), std::make_pair("ok", "true"),
                          std::make_pair("task", "stack it")));
  std::vector<std::string> notes;
  for (const Diagnostic& d : attribute_notes.diagnostics()) {
    EXPECT_EQ(d.severity, Severity::kInfo);
    notes.push_back(d.message);
  }
  EXPECT_THAT(notes, ElementsAre("episode value 'episode_metadata/big' is not kept as an "
                                 "attribute: float_list of 20 values (attributes take 1 to 16 "
                                 "numbers)",
                                 "episode value 'episode_metadata/long' is not kept as an "
                                 "attribute: 300 bytes of text (limit 256)"));
}

TEST(RldsFeatures, MalformedFeaturesGetNoSteps) {
  auto layout = parse_features_json(kSyntheticFeatures);
  ASSERT_TRUE(layout.ok());
  const auto bytes = example_bytes({
      {"steps/label", int64_feature({0, 1, 2})},
      {"steps/pos", float_feature({1.0f, 2.0f, 3.0f})},   // 3 values, 6 needed
      {"steps/mode", float_feature({1.0f, 2.0f, 3.0f})},  // floats for an int32
      {"steps/raw", bytes_feature(std::vector<std::string>{"ab", "cdef", "ghij"})},  // 2 != 4
      {"steps/cam", bytes_feature(std::vector<std::string>{"a", "b"})},              // 2 != 3
  });
  auto example = parse_example(bytes);
  ASSERT_TRUE(example.ok());
  DiagnosticCollector diagnostics;
  const SplitEpisode split = split_episode(*example, *layout, diagnostics, "x");
  EXPECT_EQ(split.steps, 3u);
  for (const StepData& data : split.features) {
    if (!data.steps.empty()) {
      EXPECT_EQ(data.steps.size(), 3u);
    }
  }
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics.diagnostics()) messages.push_back(d.message);
  EXPECT_THAT(
      messages,
      ElementsAre("feature 'steps/cam': expected a bytes_list of 3 values (one per step), found "
                  "bytes_list of 2 values; no messages for it",
                  "feature 'steps/language_instruction' is missing: no messages for it",
                  "feature 'steps/mode': expected a int64_list of 3 values (3 steps x 1), found "
                  "float_list of 3 values; no messages for it",
                  "feature 'steps/pos': expected a float_list of 6 values (3 steps x 2), found "
                  "float_list of 3 values; no messages for it",
                  "feature 'steps/raw': step 0: encoded tensor of 2 bytes, uint16[2] needs 4; no "
                  "messages for it"));

  // Without the step-count feature nothing is split.
  auto no_count = parse_example(example_bytes({{"steps/pos", float_feature({1, 2})}}));
  ASSERT_TRUE(no_count.ok());
  DiagnosticCollector none;
  EXPECT_EQ(split_episode(*no_count, *layout, none, "y").steps, 0u);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_THAT(none.diagnostics()[0].message,
              HasSubstr("cannot count the steps: feature 'steps/label' is missing"));
}

}  // namespace
}  // namespace parity::rlds
