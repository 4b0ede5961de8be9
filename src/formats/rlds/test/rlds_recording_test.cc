// The RLDS reader on the real octo Bridge debug dataset (cross-checked with an independent
// pure-Python protobuf walk, tfrecord_oracle.py), on synthetic datasets written here, and on
// damaged shards.
#include "parity/formats/rlds/rlds_recording.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "formats/rlds/test/rlds_test_util.h"
#include "parity/formats/rlds/crc32c.h"
#include "parity/formats/rlds/tfrecord.h"
#include "parity/formats/tensor.h"
#include "parity/imaging/image_decode.h"
#include "testing/testing.h"

namespace parity::rlds {
namespace {

namespace fs = std::filesystem;
using testing::bytes_feature;
using ::testing::ElementsAre;
using testing::example_bytes;
using testing::float_feature;
using ::testing::HasSubstr;
using testing::int64_feature;

constexpr const char* kBridge = "rlds/octo-bridge-debug/bridge_dataset/1.0.0";
constexpr const char* kShard = "bridge_dataset-train.tfrecord-00000-of-00001";
constexpr std::int64_t kPeriodNs = 200'000'000;  // Bridge: 5 Hz

struct Message {
  std::string topic;
  std::int64_t log_time_ns;
  std::uint32_t episode;
  std::uint32_t sequence;
  std::vector<std::uint8_t> data;
};

Result<std::vector<Message>> read_all(Recording& recording, const ReadOptions& options = {}) {
  std::vector<Message> out;
  const Status status = recording.read_messages(options, [&](const MessageView& view) -> Status {
    out.push_back({view.stream->topic, view.log_time_ns, view.episode, view.sequence,
                   std::vector<std::uint8_t>(view.data.begin(), view.data.end())});
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

std::vector<float> floats(const std::vector<std::uint8_t>& data) {
  std::vector<float> out(data.size() / 4);
  std::memcpy(out.data(), data.data(), out.size() * 4);
  return out;
}

std::vector<std::string> messages_of(const DiagnosticCollector& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics.diagnostics()) out.push_back(d.to_string());
  return out;
}

// ------------------------------------------------------------------------ real data

TEST(RldsRealData, BridgeDebugDataset) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  ASSERT_TRUE(is_rlds_dir(dir));
  ASSERT_TRUE(is_rlds_dir(dir.parent_path()));  // the dataset dir with its one version
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  // Exactly two warnings: the val shard that was not copied, and the truncated episodes.
  ASSERT_EQ(diagnostics.size(), 2u) << ::testing::PrintToString(messages_of(diagnostics));
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("split 'val': shard file is missing; its 25 episodes are absent"));
  EXPECT_EQ(diagnostics.diagnostics()[0].file,
            (dir / "bridge_dataset-val.tfrecord-00000-of-00001").string());
  EXPECT_EQ(diagnostics.diagnostics()[1].severity, Severity::kWarning);
  EXPECT_EQ(diagnostics.diagnostics()[1].message,
            "25 of 25 episodes have no step with steps/is_last = 1: they are truncated (the "
            "recording stopped before the episode ended)");

  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "rlds");
  EXPECT_EQ(info.library, "tfds (bridge_dataset 1.0.0)");
  ASSERT_EQ(info.files.size(), 1u);
  EXPECT_EQ(info.files[0].filename(), kShard);
  EXPECT_EQ(info.size_bytes, 3475142u);
  ASSERT_EQ(info.streams.size(), 13u);
  std::vector<std::string> topics;
  for (const StreamInfo& s : info.streams) topics.push_back(s.topic);
  EXPECT_THAT(topics,
              ElementsAre("steps/action", "steps/discount", "steps/is_first", "steps/is_last",
                          "steps/is_terminal", "steps/language_embedding",
                          "steps/language_instruction", "steps/observation/image_0",
                          "steps/observation/image_1", "steps/observation/image_2",
                          "steps/observation/image_3", "steps/observation/state", "steps/reward"));
  const StreamInfo& action = info.streams[0];
  EXPECT_EQ(action.type, "parity/Tensor");
  EXPECT_EQ(action.message_encoding, "tensor");
  EXPECT_EQ(action.schema_encoding, "tensor");
  EXPECT_EQ(action.schema, "float32[7]");
  EXPECT_EQ(action.metadata.at("time_source"), "synthetic");
  EXPECT_EQ(action.metadata.at("rate_hz"), "5");
  EXPECT_EQ(action.metadata.at("source_key"), "steps/action");
  EXPECT_EQ(action.message_count, 250u);
  EXPECT_EQ(action.start_ns, 0);
  EXPECT_EQ(action.end_ns, 249 * kPeriodNs);
  EXPECT_EQ(info.streams[2].schema, "bool[]");
  EXPECT_EQ(info.streams[5].schema, "float32[512]");
  EXPECT_EQ(info.streams[6].type, "parity/String");
  EXPECT_EQ(info.streams[6].message_encoding, "text");
  EXPECT_EQ(info.streams[7].type, "parity/CompressedImage");
  EXPECT_EQ(info.streams[7].message_encoding, "image");
  EXPECT_EQ(info.streams[7].metadata.at("image_format"), "jpeg");
  EXPECT_EQ(info.message_count, 25u * 10 * 13);
  EXPECT_EQ(info.start_ns, 0);
  EXPECT_EQ(info.end_ns, 249 * kPeriodNs);

  ASSERT_EQ(info.episodes.size(), 25u);
  const EpisodeInfo& first = info.episodes[0];
  EXPECT_EQ(first.index, 0u);
  EXPECT_EQ(first.name, std::string(kShard) + ":0");
  EXPECT_EQ(first.message_count, 130u);
  EXPECT_EQ(first.start_ns, 0);
  EXPECT_EQ(first.end_ns, 9 * kPeriodNs);
  EXPECT_EQ(first.streams.size(), 13u);
  EXPECT_EQ(first.streams[0].message_count, 10u);
  EXPECT_THAT(
      first.attributes,
      ElementsAre(
          std::make_pair("episode_id", "5"),
          std::make_pair("file_path",
                         "/nfs/kun2/users/homer/datasets/bridge_data_all/numpy_256/bridge_data_v1/"
                         "berkeley/toysink2_bww/put_cup_from_counter_or_drying_rack_into_sink/val/"
                         "out.npy"),
          std::make_pair("has_image_0", "false"), std::make_pair("has_image_1", "false"),
          std::make_pair("has_image_2", "false"), std::make_pair("has_image_3", "false"),
          std::make_pair("has_language", "true"), std::make_pair("split", "train"),
          std::make_pair("task", "put cup from counter or drying rack into sink")));
  const EpisodeInfo& last = info.episodes[24];
  EXPECT_EQ(last.name, std::string(kShard) + ":24");
  EXPECT_EQ(last.start_ns, 240 * kPeriodNs);
  EXPECT_EQ(last.attributes.at("task"), "put carrot on plate");
  std::map<std::string, int> tasks;
  for (const EpisodeInfo& e : info.episodes) ++tasks[e.attributes.at("task")];
  EXPECT_THAT(tasks, ElementsAre(std::make_pair("flip pot upright which is in sink", 5),
                                 std::make_pair("put carrot on plate", 8),
                                 std::make_pair("put cup from counter or drying rack into sink", 6),
                                 std::make_pair("turn lever vertical to front", 6)));

  ASSERT_EQ(info.metadata.size(), 2u);
  EXPECT_EQ(info.metadata[0].name, "rlds");
  const auto& rlds = info.metadata[0].entries;
  EXPECT_EQ(rlds.at("name"), "bridge_dataset");
  EXPECT_EQ(rlds.at("version"), "1.0.0");
  EXPECT_EQ(rlds.at("split"), "train");
  EXPECT_EQ(rlds.at("splits.train.episodes"), "25");
  EXPECT_EQ(rlds.at("splits.val.num_bytes"), "3474742");
  EXPECT_EQ(rlds.at("rate_hz"), "5");
  EXPECT_EQ(rlds.at("rate_source"), "known dataset");
  EXPECT_EQ(rlds.at("module_name"), "bridge_dataset.bridge_dataset_dataset_builder");
  EXPECT_EQ(info.metadata[1].name, "attributes");
  EXPECT_EQ(info.metadata[1].entries.at("embodiment"), "widowx");
}

TEST(RldsRealData, EpisodeValuesAndImages) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  ReadOptions options;
  options.episode = 0;
  auto messages = read_all(**recording, options);
  ASSERT_TRUE(messages.ok()) << messages.status().to_string();
  ASSERT_EQ(messages->size(), 130u);
  // Step-major: step 0's thirteen streams, then step 1's, ...
  EXPECT_EQ((*messages)[0].topic, "steps/action");
  EXPECT_EQ((*messages)[0].sequence, 0u);
  EXPECT_EQ((*messages)[13].topic, "steps/action");
  EXPECT_EQ((*messages)[13].sequence, 1u);
  EXPECT_EQ((*messages)[13].log_time_ns, kPeriodNs);

  std::map<std::string, std::vector<const Message*>> by_topic;
  for (const Message& m : *messages) by_topic[m.topic].push_back(&m);
  // Values verified with the independent Python walk (tfrecord_oracle.py).
  EXPECT_THAT(
      floats(by_topic["steps/action"][0]->data),
      ElementsAre(3.6480773957237034e-10f, 3.3219260675565465e-11f, 1.9691270836119656e-10f,
                  -1.8636590937148867e-07f, -5.034904688727693e-07f, 7.502791987690216e-08f, 1.0f));
  EXPECT_THAT(
      floats(by_topic["steps/action"][9]->data),
      ElementsAre(-0.0024193888530135155f, 0.000707766623236239f, -0.011385094374418259f,
                  -0.018601831048727036f, 0.017061453312635422f, -0.0022784972097724676f, 1.0f));
  EXPECT_THAT(floats(by_topic["steps/observation/state"][0]->data),
              ElementsAre(0.2338147908449173f, 0.11244295537471771f, 0.17504854500293732f,
                          0.1000431627035141f, -0.21381886303424835f, 0.21333792805671692f,
                          1.0008161067962646f));
  const auto embedding = floats(by_topic["steps/language_embedding"][0]->data);
  ASSERT_EQ(embedding.size(), 512u);
  EXPECT_EQ(embedding[0], 0.050856877118349075f);
  EXPECT_EQ(embedding[2], 0.020134996622800827f);
  EXPECT_THAT(by_topic["steps/is_first"][0]->data, ElementsAre(1));
  EXPECT_THAT(by_topic["steps/is_first"][1]->data, ElementsAre(0));
  EXPECT_THAT(by_topic["steps/is_last"][9]->data, ElementsAre(0));
  EXPECT_EQ(floats(by_topic["steps/discount"][4]->data), std::vector<float>{1.0f});
  const auto& text = by_topic["steps/language_instruction"][3]->data;
  EXPECT_EQ(std::string(text.begin(), text.end()), "put cup from counter or drying rack into sink");
  EXPECT_EQ(by_topic["steps/observation/image_0"][0]->data.size(), 3807u);
  EXPECT_EQ(by_topic["steps/observation/image_3"][0]->data.size(), 691u);

  // Every image of every episode decodes to 64 x 64 RGB.
  ReadOptions images;
  images.topics = {"steps/observation/image_0", "steps/observation/image_1",
                   "steps/observation/image_2", "steps/observation/image_3"};
  std::size_t decoded = 0;
  const Status status = (*recording)->read_messages(images, [&](const MessageView& view) -> Status {
    PARITY_ASSIGN_OR_RETURN(const DecodedImage image, decode_image(view.data));
    EXPECT_EQ(image.width, 64u);
    EXPECT_EQ(image.height, 64u);
    EXPECT_EQ(image.channels, 3u);
    EXPECT_EQ(image.encoding, "rgb8");
    ++decoded;
    return {};
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(decoded, 25u * 10 * 4);
}

// Runs tfrecord_oracle.py and compares every record: offset, length, step count, file path and
// every action float (bit-exact) over all 25 episodes.
TEST(RldsRealData, MatchesIndependentPythonWalk) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  const fs::path script = fs::path(__FILE__).parent_path() / "tfrecord_oracle.py";
  if (!fs::exists(script) || std::system("python3 -c 'import struct' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3 or " << script << " is not available";
  }
  const std::string command = "python3 '" + script.string() + "' '" + (dir / kShard).string() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  ASSERT_EQ(pclose(pipe), 0) << output;

  DiagnosticCollector diagnostics;
  auto recording = open_rlds(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  ReadOptions options;
  options.topics = {"steps/action"};
  std::vector<std::vector<std::string>> actions(25);
  std::vector<std::uint64_t> offsets(25);
  const Status status =
      (*recording)->read_messages(options, [&](const MessageView& view) -> Status {
        for (std::size_t i = 0; i < view.data.size(); i += 4) {
          std::uint32_t bits;
          std::memcpy(&bits, view.data.data() + i, 4);
          actions.at(view.episode).push_back(fmt::format("{:08x}", bits));
        }
        offsets.at(view.episode) = view.file_offset;
        return {};
      });
  ASSERT_TRUE(status.ok()) << status.to_string();

  std::istringstream lines(output);
  std::string line;
  std::size_t record = 0;
  const RecordingInfo& info = (*recording)->info();
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::uint64_t steps = 0;
    std::string path;
    std::string action;
    fields >> offset >> length >> steps >> path >> action;
    ASSERT_LT(record, 25u);
    EXPECT_EQ(offsets[record], offset) << record;
    EXPECT_EQ(info.episodes[record].streams.at(0).message_count, steps) << record;
    EXPECT_EQ(info.episodes[record].attributes.at("file_path"), path) << record;
    EXPECT_EQ(fmt::format("{}", fmt::join(actions[record], ",")), action) << record;
    ++record;
  }
  EXPECT_EQ(record, 25u);
}

TEST(RldsRealData, ReadOptions) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  Recording& r = **recording;

  ReadOptions last;
  last.episode = 24;
  last.topics = {"steps/action"};
  auto episode = read_all(r, last);
  ASSERT_TRUE(episode.ok());
  ASSERT_EQ(episode->size(), 10u);
  EXPECT_EQ((*episode)[0].episode, 24u);
  EXPECT_EQ((*episode)[0].log_time_ns, 240 * kPeriodNs);
  EXPECT_THAT(floats((*episode)[0].data),
              ElementsAre(-5.551115123125783e-17f, 0.0f, 0.0f, 1.8333311757601223e-08f,
                          1.4154737471017143e-07f, 3.218551398731506e-07f, 1.0f));

  ReadOptions beyond;
  beyond.episode = 25;
  auto nothing = read_all(r, beyond);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());

  // Steps 5..14: the second half of episode 0 and the first half of episode 1.
  ReadOptions window;
  window.start_ns = 5 * kPeriodNs;
  window.end_ns = 15 * kPeriodNs;
  window.topics = {"steps/reward"};
  window.log_time_order = true;
  auto in_window = read_all(r, window);
  ASSERT_TRUE(in_window.ok());
  ASSERT_EQ(in_window->size(), 10u);
  EXPECT_EQ(in_window->front().episode, 0u);
  EXPECT_EQ(in_window->front().sequence, 5u);
  EXPECT_EQ(in_window->back().episode, 1u);
  EXPECT_EQ(in_window->back().sequence, 4u);

  ReadOptions limited;
  limited.limit = 20;
  auto twenty = read_all(r, limited);
  ASSERT_TRUE(twenty.ok());
  EXPECT_EQ(twenty->size(), 20u);
  EXPECT_EQ(twenty->back().sequence, 1u);

  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  ReadOptions with_progress;
  with_progress.topics = {"steps/is_first"};
  with_progress.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.emplace_back(done, total);
  };
  auto all = read_all(r, with_progress);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 250u);
  ASSERT_EQ(progress.size(), 25u);
  EXPECT_EQ(progress[0], std::make_pair(std::uint64_t{144660}, std::uint64_t{3475142}));
  EXPECT_EQ(progress.back(), std::make_pair(std::uint64_t{3475142}, std::uint64_t{3475142}));
}

// ------------------------------------------------------------------------ damaged shards

void copy_dataset(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const char* name : {"dataset_info.json", "features.json", kShard}) {
    fs::copy_file(from / name, to / name);
  }
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

constexpr std::uint64_t kRecord2 = 283789;  // offsets from the oracle
constexpr std::uint64_t kRecord3 = 283789 + 12 + 136744 + 4;

TEST(RldsDamage, FlippedDataByteSkipsThatEpisodeWhenRead) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  parity::testing::TempDir tmp;
  const fs::path copy = tmp / "bridge";
  copy_dataset(dir, copy);
  auto bytes = read_bytes(copy / kShard);
  bytes[kRecord3 + 12 + 100000] ^= 0x01;  // deep inside record 3 (image data)
  write_bytes(copy / kShard, bytes);
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(copy, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().episodes.size(), 25u);  // data CRCs are checked on read
  const std::size_t at_open = diagnostics.size();
  ReadOptions options;
  options.topics = {"steps/action"};
  auto messages = read_all(**recording, options);
  ASSERT_TRUE(messages.ok()) << messages.status().to_string();
  EXPECT_EQ(messages->size(), 240u);
  for (const Message& m : *messages) EXPECT_NE(m.episode, 3u);
  ASSERT_EQ(diagnostics.size(), at_open + 1);
  const Diagnostic d = diagnostics.diagnostics().back();
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.file, (copy / kShard).string());
  EXPECT_EQ(d.offset, kRecord3);
  EXPECT_THAT(d.message, HasSubstr(fmt::format("episode 3 ({}:3) skipped: ", kShard)));
  EXPECT_THAT(d.message, HasSubstr(fmt::format("offset {}: record data CRC mismatch", kRecord3)));
}

TEST(RldsDamage, TruncatedShardDropsTheIncompleteLastRecord) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  parity::testing::TempDir tmp;
  const fs::path copy = tmp / "bridge";
  copy_dataset(dir, copy);
  auto bytes = read_bytes(copy / kShard);
  bytes.resize(bytes.size() - 5000);
  write_bytes(copy / kShard, bytes);
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(copy, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().episodes.size(), 24u);
  const auto messages = messages_of(diagnostics);
  EXPECT_THAT(messages, ::testing::Contains(HasSubstr("last record incomplete")));
  EXPECT_THAT(messages,
              ::testing::Contains(HasSubstr("24 records, dataset_info.json shardLengths says 25")));
  auto all = read_all(**recording);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 24u * 130);
}

TEST(RldsDamage, BadLengthLosesTheFraming) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  parity::testing::TempDir tmp;
  const fs::path copy = tmp / "bridge";
  copy_dataset(dir, copy);
  auto bytes = read_bytes(copy / kShard);
  bytes[kRecord2 + 1] ^= 0x10;
  write_bytes(copy / kShard, bytes);
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(copy, diagnostics);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(recording.status().message(),
              HasSubstr(fmt::format("{}: offset {}: record length CRC mismatch",
                                    (copy / kShard).string(), kRecord2)));
}

TEST(RldsDamage, UnparseableRecordIsSkippedAtOpen) {
  PARITY_REQUIRE_SHARED_DATA(dir, kBridge);
  parity::testing::TempDir tmp;
  const fs::path copy = tmp / "bridge";
  copy_dataset(dir, copy);
  auto bytes = read_bytes(copy / kShard);
  bytes[kRecord2 + 12] = 0x0B;  // Example field 1 with wire type 3
  write_bytes(copy / kShard, bytes);
  DiagnosticCollector diagnostics;
  auto recording = open_rlds(copy, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.episodes.size(), 24u);
  EXPECT_EQ(info.episodes[2].name, std::string(kShard) + ":3");  // record 2 is gone
  EXPECT_EQ(info.episodes[2].start_ns, 20 * kPeriodNs);
  EXPECT_THAT(messages_of(diagnostics),
              ::testing::Contains(HasSubstr(fmt::format(
                  "offset {}: record 2 skipped: Example: offset 1: Example.features with wire "
                  "type 3",
                  kRecord2))));
}

// ------------------------------------------------------------------------ synthetic datasets

constexpr const char* kToyFeatures = R"({
  "featuresDict": {"features": {
    "steps": {"sequence": {"length": "-1", "feature": {"featuresDict": {"features": {
      "is_first": {"tensor": {"shape": {}, "dtype": "bool"}},
      "is_last": {"tensor": {"shape": {}, "dtype": "bool"}},
      "action": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "float32"}},
      "observation": {"featuresDict": {"features": {
        "joint": {"tensor": {"shape": {"dimensions": ["3"]}, "dtype": "int16"}}
      }}}
    }}}}},
    "episode_metadata": {"featuresDict": {"features": {
      "operator": {"text": {}}
    }}}
  }}
})";

std::string toy_info(const std::string& splits) {
  return R"({"name": "toy", "version": "0.1.0", "fileFormat": "tfrecord", "splits": [)" + splits +
         "]}";
}

std::vector<std::uint8_t> toy_episode(std::int64_t steps, float base, const std::string& who,
                                      bool last) {
  std::vector<std::int64_t> first(steps, 0);
  std::vector<std::int64_t> is_last(steps, 0);
  std::vector<float> action;
  std::vector<std::int64_t> joint;
  for (std::int64_t s = 0; s < steps; ++s) {
    action.push_back(base + static_cast<float>(s));
    action.push_back(-base);
    for (int j = 0; j < 3; ++j) joint.push_back(s * 10 + j);
  }
  if (steps > 0) first[0] = 1;
  if (steps > 0 && last) is_last.back() = 1;
  return example_bytes(
      {{"steps/is_first", int64_feature(first)},
       {"steps/is_last", int64_feature(is_last)},
       {"steps/action", float_feature(action)},
       {"steps/observation/joint", int64_feature(joint, /*packed=*/false)},
       {"episode_metadata/operator", bytes_feature(std::vector<std::string>{who})}});
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(RldsSynthetic, SplitsShardsAndEpisodeIndexes) {
  parity::testing::TempDir tmp;
  const fs::path dir = tmp / "toy" / "0.1.0";
  fs::create_directories(dir);
  write_text(dir / "features.json", kToyFeatures);
  write_text(dir / "dataset_info.json", toy_info(R"({"name": "train", "shardLengths": ["2", "1"]},
                         {"name": "test", "shardLengths": ["1"]})"));
  std::vector<std::uint8_t> shard0;
  append_tfrecord(shard0, toy_episode(3, 1.0f, "ana", true));
  append_tfrecord(shard0, toy_episode(2, 10.0f, "bo", false));
  std::vector<std::uint8_t> shard1;
  append_tfrecord(shard1, toy_episode(1, 20.0f, "cy", true));
  std::vector<std::uint8_t> test_shard;
  append_tfrecord(test_shard, toy_episode(4, 30.0f, "di", true));
  write_bytes(dir / "toy-train.tfrecord-00000-of-00002", shard0);
  write_bytes(dir / "toy-train.tfrecord-00001-of-00002", shard1);
  write_bytes(dir / "toy-test.tfrecord-00000-of-00001", test_shard);

  DiagnosticCollector diagnostics;
  auto recording = open_rlds(tmp / "toy", diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_THAT(messages_of(diagnostics),
              ElementsAre(HasSubstr("1 of 4 episodes have no step with steps/is_last = 1")));
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.files.size(), 3u);
  EXPECT_EQ(info.metadata[0].entries.at("split"), "train,test");
  EXPECT_EQ(info.metadata[0].entries.at("rate_hz"), "10");  // the default
  EXPECT_EQ(info.metadata[0].entries.at("rate_source"), "default");
  EXPECT_EQ(info.metadata.size(), 1u);  // not a known dataset: no embodiment
  ASSERT_EQ(info.streams.size(), 4u);
  EXPECT_EQ(info.streams[3].topic, "steps/observation/joint");
  EXPECT_EQ(info.streams[3].schema, "int16[3]");
  ASSERT_EQ(info.episodes.size(), 4u);
  EXPECT_EQ(info.episodes[1].name, "toy-train.tfrecord-00000-of-00002:1");
  EXPECT_EQ(info.episodes[2].name, "toy-train.tfrecord-00001-of-00002:0");
  EXPECT_EQ(info.episodes[3].attributes.at("split"), "test");
  EXPECT_EQ(info.episodes[3].attributes.at("operator"), "di");
  // Steps 0-2, 3-4, 5, 6-9 at 10 Hz.
  EXPECT_EQ(info.episodes[2].start_ns, 500'000'000);
  EXPECT_EQ(info.episodes[3].end_ns, 900'000'000);
  EXPECT_EQ(info.message_count, 10u * 4);

  ReadOptions options;
  options.episode = 2;
  options.topics = {"steps/observation/joint", "steps/action"};
  auto messages = read_all(**recording, options);
  ASSERT_TRUE(messages.ok()) << messages.status().to_string();
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].topic, "steps/action");
  EXPECT_THAT(floats((*messages)[0].data), ElementsAre(20.0f, -20.0f));
  EXPECT_THAT((*messages)[1].data, ElementsAre(0, 0, 1, 0, 2, 0));  // int16 LE 0, 1, 2

  // One split only, a rate option, a single shard.
  RldsOptions test_only;
  test_only.split = "test";
  test_only.rate_hz = 4.0;
  auto test = open_rlds(dir, diagnostics, test_only);
  ASSERT_TRUE(test.ok()) << test.status().to_string();
  EXPECT_EQ((*test)->info().episodes.size(), 1u);
  EXPECT_EQ((*test)->info().end_ns, 750'000'000);
  auto one_shard = open_rlds(dir / "toy-train.tfrecord-00001-of-00002", diagnostics);
  ASSERT_TRUE(one_shard.ok()) << one_shard.status().to_string();
  EXPECT_EQ((*one_shard)->info().episodes.size(), 1u);
  EXPECT_EQ((*one_shard)->info().files.size(), 1u);

  RldsOptions no_split;
  no_split.split = "validation";
  EXPECT_EQ(open_rlds(dir, diagnostics, no_split).status().code(), StatusCode::kNotFound);
  RldsOptions bad_rate;
  bad_rate.rate_hz = 0;
  EXPECT_EQ(open_rlds(dir, diagnostics, bad_rate).status().code(), StatusCode::kInvalidArgument);
}

TEST(RldsSynthetic, DirectoryErrors) {
  parity::testing::TempDir tmp;
  DiagnosticCollector diagnostics;
  EXPECT_FALSE(is_rlds_dir(tmp.path()));
  auto empty = open_rlds(tmp.path(), diagnostics);
  EXPECT_EQ(empty.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(empty.status().message(), HasSubstr("not an RLDS / TFDS dataset directory"));

  for (const char* version : {"1.0.0", "2.0.0"}) {
    fs::create_directories(tmp / "ds" / version);
    write_text(tmp / "ds" / version / "features.json", kToyFeatures);
    write_text(tmp / "ds" / version / "dataset_info.json", toy_info(""));
  }
  EXPECT_FALSE(is_rlds_dir(tmp / "ds"));
  auto two = open_rlds(tmp / "ds", diagnostics);
  EXPECT_EQ(two.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(two.status().message(), HasSubstr("several dataset versions (1.0.0, 2.0.0)"));

  const fs::path v1 = tmp / "ds" / "1.0.0";
  EXPECT_TRUE(is_rlds_dir(v1));
  auto no_shards = open_rlds(v1, diagnostics);
  EXPECT_EQ(no_shards.status().code(), StatusCode::kNotFound);

  write_text(v1 / "dataset_info.json",
             R"({"name": "toy", "fileFormat": "array_record", "splits": []})");
  EXPECT_FALSE(is_rlds_dir(v1));
  auto array_record = open_rlds(v1, diagnostics);
  EXPECT_EQ(array_record.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(array_record.status().message(), HasSubstr("'array_record' is not supported"));

  write_text(v1 / "dataset_info.json", "{nope");
  auto bad_json = open_rlds(v1, diagnostics);
  EXPECT_EQ(bad_json.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(bad_json.status().message(), HasSubstr("dataset_info.json: not valid JSON"));
}

}  // namespace
}  // namespace parity::rlds
