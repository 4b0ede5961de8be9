// Pure functions: layout detection and planning on hand-built trees, mapping parsing, glob and
// natural ordering, synthetic times.
#include "parity/formats/hdf5/hdf5_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parity/formats/hdf5/hdf5_mapping.h"

namespace parity::hdf5 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Hdf5Node group(std::string name, std::vector<Hdf5Node> children = {}) {
  Hdf5Node node;
  node.name = std::move(name);
  node.kind = Hdf5Node::Kind::kGroup;
  node.children = std::move(children);
  return node;
}

Hdf5Node dataset(std::string name, std::vector<std::uint64_t> dims,
                 Hdf5Class type_class = Hdf5Class::kFloat, std::uint32_t element_size = 8) {
  Hdf5Node node;
  node.name = std::move(name);
  node.kind = Hdf5Node::Kind::kDataset;
  node.dataset.type_class = type_class;
  node.dataset.element_size = element_size;
  node.dataset.is_signed = true;
  node.dataset.dims = std::move(dims);
  std::uint64_t bytes = element_size;
  for (const auto d : node.dataset.dims) bytes *= d;
  node.dataset.storage_bytes = bytes;
  return node;
}

Hdf5Node with_attribute(Hdf5Node node, std::string name, Hdf5Value::Kind kind, std::string text) {
  Hdf5Attribute attribute;
  attribute.name = std::move(name);
  attribute.value.kind = kind;
  attribute.value.text = std::move(text);
  attribute.value.full_size = attribute.value.text.size();
  if (kind == Hdf5Value::Kind::kInteger)
    attribute.value.numbers = {std::stod(attribute.value.text)};
  node.attributes.push_back(std::move(attribute));
  return node;
}

Hdf5Tree tree_of(std::vector<Hdf5Node> children) {
  Hdf5Tree tree;
  tree.root = group("", std::move(children));
  tree.file_bytes = 1 << 30;
  return tree;
}

TEST(Hdf5Layout, Detection) {
  const auto demo = group("demo_1", {dataset("actions", {3, 7}), dataset("states", {3, 5})});
  auto robosuite = with_attribute(group("data", {demo}), "repository_version",
                                  Hdf5Value::Kind::kString, "1.4.1");
  EXPECT_EQ(*detect_hdf5_layout(tree_of({robosuite}), "f.hdf5"), Hdf5Layout::kRobosuite);
  auto robomimic = with_attribute(robosuite, "env_args", Hdf5Value::Kind::kString, "{}");
  EXPECT_EQ(*detect_hdf5_layout(tree_of({robomimic}), "f.hdf5"), Hdf5Layout::kRobomimic);
  auto libero = with_attribute(robomimic, "problem_info", Hdf5Value::Kind::kString, "{}");
  EXPECT_EQ(*detect_hdf5_layout(tree_of({libero}), "f.hdf5"), Hdf5Layout::kLibero);
  auto mimic_demo = demo;
  mimic_demo.children.push_back(group("datagen_info", {dataset("eef_pose", {3, 4, 4})}));
  EXPECT_EQ(*detect_hdf5_layout(tree_of({group("data", {mimic_demo})}), "f.hdf5"),
            Hdf5Layout::kMimicgen);
  // No attributes at all: demo groups with arrays are read as robomimic.
  EXPECT_EQ(*detect_hdf5_layout(tree_of({group("data", {demo})}), "f.hdf5"),
            Hdf5Layout::kRobomimic);
  EXPECT_EQ(*detect_hdf5_layout(tree_of({group("observations", {dataset("qpos", {5, 14})}),
                                         dataset("action", {5, 14})}),
                                "f.hdf5"),
            Hdf5Layout::kAloha);
  const auto unknown = detect_hdf5_layout(
      tree_of({group("observations", {dataset("qpos", {5, 14})}), dataset("actions", {5, 14})}),
      "/x/episode.h5");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("/x/episode.h5: unrecognised HDF5 layout: the root holds groups "
                        "[observations] and datasets [actions float64(5,14)]"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("write a mapping file episode.parity.yaml"));
}

TEST(Hdf5Layout, PlanNumericDemoOrderAndTimes) {
  std::vector<Hdf5Node> demos;
  for (const char* name : {"demo_10", "demo_9", "demo_1"}) {
    demos.push_back(group(name, {dataset("actions", {3, 2}), dataset("rewards", {3})}));
  }
  demos.push_back(group("mask_like"));
  auto data = with_attribute(group("data", demos), "env", Hdf5Value::Kind::kString, "Lift");
  const Hdf5Tree tree = tree_of({data});
  DiagnosticCollector diagnostics;
  auto plan = plan_hdf5_recording(tree, nullptr, "f.hdf5", diagnostics);
  ASSERT_TRUE(plan.ok()) << plan.status().to_string();
  ASSERT_EQ(plan->info.episodes.size(), 3u);
  EXPECT_EQ(plan->info.episodes[0].name, "demo_1");
  EXPECT_EQ(plan->info.episodes[1].name, "demo_9");
  EXPECT_EQ(plan->info.episodes[2].name, "demo_10");
  EXPECT_EQ(plan->episodes[2].group_path, "data/demo_10");
  // 20 Hz default: each demo spans 100 ms; the next starts 50 ms after.
  EXPECT_EQ(plan->episodes[1].base_ns, 150'000'000);
  EXPECT_EQ(plan->info.episodes[2].end_ns, 400'000'000);
  EXPECT_EQ(plan->info.streams[1].schema, "float64[]");
  EXPECT_EQ(plan->info.message_count, 18u);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("data: 1 member(s) not named demo_<i> are not episodes: mask_like"));
}

TEST(Hdf5Layout, ConflictingShapesAcrossDemos) {
  auto data = with_attribute(group("data", {group("demo_1", {dataset("actions", {3, 7})}),
                                            group("demo_2", {dataset("actions", {3, 6})})}),
                             "env", Hdf5Value::Kind::kString, "Lift");
  DiagnosticCollector diagnostics;
  auto plan = plan_hdf5_recording(tree_of({data}), nullptr, "f.hdf5", diagnostics);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->info.episodes[1].message_count, 0u);
  ASSERT_EQ(diagnostics.count(Severity::kWarning), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("data/demo_2/actions: float64[6] per step here but float64[7] in "
                        "data/demo_1/actions (stream 'actions'); this dataset is not delivered"));
}

// Found by fuzz/hdf5_layout_fuzz.cc: a hand-built tree may repeat a name (HDF5 cannot); the plan
// must still give each episode at most one dataset per stream.
TEST(Hdf5Layout, RepeatedNamesInOneGroup) {
  auto data = with_attribute(
      group("data", {group("demo_1", {dataset("actions", {3, 7}), dataset("actions", {3, 7})})}),
      "env", Hdf5Value::Kind::kString, "Lift");
  DiagnosticCollector diagnostics;
  auto plan = plan_hdf5_recording(tree_of({data}), nullptr, "f.hdf5", diagnostics);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->episodes[0].datasets.size(), 1u);
  EXPECT_EQ(plan->info.message_count, 3u);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("data/demo_1/actions: a second dataset for stream 'actions' in "
                        "data/demo_1; not delivered"));
}

TEST(Hdf5Layout, StepTimesAndNaturalOrder) {
  EXPECT_EQ(hdf5_step_time_ns(0, 3, 20.0), 150'000'000);
  EXPECT_EQ(hdf5_step_time_ns(7, 1, 3.0), 7 + 333'333'333);
  EXPECT_EQ(hdf5_step_time_ns(0, 2, 3.0), 666'666'667);
  EXPECT_EQ(hdf5_step_time_ns(std::numeric_limits<std::int64_t>::max() - 10, 5, 1.0),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(hdf5_natural_less("demo_2", "demo_10"));
  EXPECT_FALSE(hdf5_natural_less("demo_10", "demo_2"));
  EXPECT_TRUE(hdf5_natural_less("demo_9", "demo_10a"));
  EXPECT_TRUE(hdf5_natural_less("a", "b"));
  EXPECT_TRUE(hdf5_natural_less("run_1/x", "run_1/y"));
  EXPECT_FALSE(hdf5_natural_less("demo_1", "demo_1"));
  EXPECT_TRUE(hdf5_natural_less("demo_01", "demo_1"));
}

TEST(Hdf5Mapping, ParsesEveryField) {
  auto mapping = parse_hdf5_mapping(R"(
episodes: "data/demo_*"
rate_hz: 15.5
streams:
  - path: obs/rgb
    name: camera/front
    type: image
    image_encoding: bgr8
  - path: obs/jpeg
    type: compressed_image
    image_format: jpeg
    rate_hz: 30
  - path: actions
attributes:
  task: stack
  embodiment: franka
)");
  ASSERT_TRUE(mapping.ok()) << mapping.status().to_string();
  EXPECT_EQ(mapping->episodes, "data/demo_*");
  EXPECT_EQ(mapping->rate_hz, 15.5);
  ASSERT_EQ(mapping->streams.size(), 3u);
  EXPECT_EQ(mapping->streams[0].name, "camera/front");
  EXPECT_EQ(mapping->streams[0].type, Hdf5StreamKind::kImage);
  EXPECT_EQ(mapping->streams[0].image_encoding, "bgr8");
  EXPECT_EQ(mapping->streams[1].name, "obs/jpeg");
  EXPECT_EQ(mapping->streams[1].type, Hdf5StreamKind::kCompressedImage);
  EXPECT_EQ(mapping->streams[1].rate_hz, 30.0);
  EXPECT_EQ(mapping->streams[2].type, std::nullopt);
  EXPECT_EQ(mapping->attributes.at("task"), "stack");
}

TEST(Hdf5Mapping, Errors) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"rate_hz: 10\n", "m.yaml: missing 'episodes'"},
      {"episodes: x\nfoo: 1\n",
       "m.yaml: line 2: unknown key 'foo' (expected episodes, rate_hz, "
       "streams, attributes)"},
      {"episodes: x\nrate_hz: 0\n", "m.yaml: line 2: rate_hz 0 is outside [0.5, 1000000]"},
      {"episodes: x\nrate_hz: fast\n", "m.yaml: line 2: rate_hz 'fast' is not a number"},
      {"episodes: x\nstreams:\n  - path: /abs\n",
       "m.yaml: line 3: stream path '/abs' must be a non-empty relative path"},
      {"episodes: x\nstreams:\n  - path: a\n    type: video\n",
       "m.yaml: line 4: stream type 'video' is not one of tensor, image, compressed_image"},
      {"episodes: x\nstreams:\n  - path: a\n  - path: a\n",
       "m.yaml: line 4: duplicate stream name 'a'"},
      {"episodes: x\nstreams:\n  - path: a\n    type: tensor\n    image_encoding: rgb8\n",
       "m.yaml: line 3: image_encoding applies only to type: image"},
      {"episodes: x\nstreams:\n  - path: a\n    image_encoding: yuv\n",
       "m.yaml: line 4: image_encoding 'yuv' is not one of"},
      {"episodes: [x\n", "m.yaml: not valid YAML"},
      {"- a\n- b\n", "m.yaml: line 1: a mapping file must be a YAML map"},
  };
  for (const Case& c : cases) {
    auto mapping = parse_hdf5_mapping(c.yaml, "m.yaml");
    ASSERT_FALSE(mapping.ok()) << c.yaml;
    EXPECT_EQ(mapping.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(mapping.status().message(), HasSubstr(c.message)) << c.yaml;
  }
}

TEST(Hdf5Mapping, GlobMatch) {
  EXPECT_TRUE(hdf5_glob_match("*", "demo_1"));
  EXPECT_TRUE(hdf5_glob_match("demo_*", "demo_12"));
  EXPECT_TRUE(hdf5_glob_match("demo_?", "demo_1"));
  EXPECT_FALSE(hdf5_glob_match("demo_?", "demo_12"));
  EXPECT_TRUE(hdf5_glob_match("*_a*b", "x_aab"));
  EXPECT_FALSE(hdf5_glob_match("run_*", "trial_1"));
  EXPECT_TRUE(hdf5_glob_match("", ""));
  EXPECT_FALSE(hdf5_glob_match("", "a"));
}

TEST(Hdf5Mapping, PlanWithMappingTypesAndMissingStreams) {
  Hdf5Mapping mapping;
  mapping.episodes = "trials/*";
  mapping.rate_hz = 10;
  Hdf5StreamMapping jpeg;
  jpeg.path = "jpeg";
  jpeg.name = "camera";
  jpeg.type = Hdf5StreamKind::kCompressedImage;
  jpeg.image_format = "jpeg";
  Hdf5StreamMapping depth;
  depth.path = "depth";
  depth.name = "depth";
  depth.type = Hdf5StreamKind::kImage;
  Hdf5StreamMapping absent;
  absent.path = "nothing";
  absent.name = "nothing";
  mapping.streams = {jpeg, depth, absent};
  Hdf5Node bytes = dataset("jpeg", {4, 1000}, Hdf5Class::kInteger, 1);
  bytes.dataset.is_signed = false;
  const Hdf5Tree tree = tree_of({group(
      "trials", {group("t1", {bytes, dataset("depth", {4, 8, 8, 1}, Hdf5Class::kFloat, 4)})})});
  DiagnosticCollector diagnostics;
  auto plan = plan_hdf5_recording(tree, &mapping, "f.hdf5", diagnostics);
  ASSERT_TRUE(plan.ok()) << plan.status().to_string();
  ASSERT_EQ(plan->info.streams.size(), 2u);
  EXPECT_EQ(plan->info.streams[0].topic, "camera");
  EXPECT_EQ(plan->info.streams[0].type, "parity/CompressedImage");
  EXPECT_EQ(plan->info.streams[1].type, "parity/Image");
  EXPECT_EQ(plan->info.streams[1].metadata.at("image_encoding"), "32FC1");
  EXPECT_EQ(plan->info.format, "hdf5-mapped");
  EXPECT_EQ(plan->info.episodes[0].name, "t1");
  EXPECT_EQ(diagnostics.count(Severity::kInfo), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("trials/t1/nothing: mapped stream 'nothing' has no dataset here"));
}

}  // namespace
}  // namespace parity::hdf5
