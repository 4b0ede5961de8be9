// LeRobot datasets built in the test (Parquet through Parity's writer, video through the
// video tests' fixture writer): segment seeking in shared v3.0 video files, meta/data
// disagreements, and the errors for data that cannot be read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "formats/video/test/video_fixture.h"
#include "parity/formats/lerobot/lerobot_recording.h"
#include "parity/formats/parquet/parquet_writer.h"
#include "testing/testing.h"

namespace parity::lerobot {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Rows of a data file: (episode_index, frame_index) pairs; state = {episode, frame}.
struct Rows {
  std::vector<std::int64_t> episode;
  std::vector<std::int64_t> frame;
  std::vector<std::uint64_t> state_offsets{0};
  std::vector<float> state;
};

Rows rows_for(const std::vector<std::pair<std::int64_t, std::int64_t>>& episodes_and_lengths) {
  Rows rows;
  for (const auto& [episode, length] : episodes_and_lengths) {
    for (std::int64_t f = 0; f < length; ++f) {
      rows.episode.push_back(episode);
      rows.frame.push_back(f);
      rows.state.push_back(static_cast<float>(episode));
      rows.state.push_back(static_cast<float>(f));
      rows.state_offsets.push_back(rows.state.size());
    }
  }
  return rows;
}

// Writes a LeRobot data file with episode_index, frame_index, index, task_index, timestamp
// (frame / fps) and observation.state (list<float>, two values per row unless `short_row`
// names a row that gets one).
void write_data_file(const fs::path& path, const Rows& rows, double fps,
                     std::optional<std::size_t> short_row = std::nullopt) {
  using parquet::WriterColumn;
  std::vector<WriterColumn> schema = {WriterColumn::float32_list("observation.state"),
                                      WriterColumn::float32("timestamp"),
                                      WriterColumn::int64("frame_index"),
                                      WriterColumn::int64("episode_index"),
                                      WriterColumn::int64("index"),
                                      WriterColumn::int64("task_index")};
  fs::create_directories(path.parent_path());
  auto writer = parquet::FileWriter::create(path, schema);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  const std::size_t n = rows.episode.size();
  std::vector<float> timestamps(n);
  std::vector<std::int64_t> index(n);
  std::vector<std::int64_t> task(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    timestamps[i] = static_cast<float>(static_cast<double>(rows.frame[i]) / fps);
    index[i] = static_cast<std::int64_t>(i);
  }
  std::vector<std::uint64_t> offsets = rows.state_offsets;
  if (short_row) {
    for (std::size_t r = *short_row + 1; r < offsets.size(); ++r) offsets[r] -= 1;
  }
  const std::vector<parquet::ColumnValues> columns = {
      {std::span<const float>(rows.state.data(), offsets.back()), {}, offsets, {}},
      {std::span<const float>(timestamps), {}, {}, {}},
      {std::span<const std::int64_t>(rows.frame), {}, {}, {}},
      {std::span<const std::int64_t>(rows.episode), {}, {}, {}},
      {std::span<const std::int64_t>(index), {}, {}, {}},
      {std::span<const std::int64_t>(task), {}, {}, {}}};
  ASSERT_TRUE((*writer)->write_batch(n, columns).ok());
  ASSERT_TRUE((*writer)->close().ok());
}

Json info_json(const std::string& version, double fps, bool with_video) {
  Json info = {{"codebase_version", version}, {"robot_type", "test_arm"}, {"fps", fps},
               {"total_episodes", 2},         {"total_frames", 40},       {"chunks_size", 1000},
               {"splits", {{"train", "0:2"}}}};
  info["features"]["observation.state"] = {
      {"dtype", "float32"}, {"shape", {2}}, {"names", {{"motors", {"episode", "frame"}}}}};
  for (const char* key : {"frame_index", "episode_index", "index", "task_index"}) {
    info["features"][key] = {{"dtype", "int64"}, {"shape", {1}}, {"names", nullptr}};
  }
  info["features"]["timestamp"] = {{"dtype", "float32"}, {"shape", {1}}, {"names", nullptr}};
  if (version.starts_with("v3")) {
    info["data_path"] = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
    info["video_path"] = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
  } else {
    info["data_path"] = "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet";
    info["video_path"] =
        "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4";
  }
  if (with_video) {
    info["features"]["observation.images.wrist"] = {
        {"dtype", "video"},
        {"shape", {48, 64, 3}},
        {"info", {{"video.codec", "mpeg4"}, {"video.is_depth_map", true}}}};
  }
  return info;
}

const StreamInfo* find_stream(const RecordingInfo& info, const std::string& topic) {
  for (const StreamInfo& s : info.streams) {
    if (s.topic == topic) return &s;
  }
  return nullptr;
}

std::vector<std::string> messages_of(const DiagnosticCollector& diagnostics, Severity severity) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics.diagnostics()) {
    if (d.severity == severity) out.push_back(d.to_string());
  }
  return out;
}

// The fixture frame whose colour the centre pixel of an RGB24 frame has.
int fixture_index_of(std::span<const std::uint8_t> rgb, int width, int height) {
  const std::size_t centre = (static_cast<std::size_t>(height / 2) * width + width / 2) * 3;
  int best = -1;
  int best_distance = 1 << 30;
  for (int i = 0; i < 44; ++i) {
    std::uint8_t expected[3];
    video::testing::expected_rgb(video::testing::fixture_colour(i), expected);
    int distance = 0;
    for (int c = 0; c < 3; ++c) distance += std::abs(int{rgb[centre + c]} - int{expected[c]});
    if (distance < best_distance) {
      best_distance = distance;
      best = i;
    }
  }
  return best;
}

// v3.0: two episodes of 20 rows in one data file and one shared 40-frame video; episode 1's
// segment starts at 1 s (frame 20). Reading episode 1 must show frames 20..39.
TEST(LeRobotSynthetic, SharedVideoSegmentsAreSeekedByTimestamp) {
  testing::TempDir dir;
  const double fps = 20;
  write_text(dir / "meta/info.json", info_json("v3.0", fps, true).dump());
  write_text(dir / "meta/tasks.jsonl", R"({"task_index": 0, "task": "stack the cubes"})");
  write_data_file(dir / "data/chunk-000/file-000.parquet", rows_for({{0, 20}, {1, 20}}), fps);
  video::testing::FixtureSpec spec;
  spec.frames = 40;
  spec.fps = 20;
  spec.gop = 8;
  const fs::path video_file = dir / "videos/observation.images.wrist/chunk-000/file-000.mp4";
  fs::create_directories(video_file.parent_path());
  const Status video = video::testing::write_fixture(video_file, spec);
  ASSERT_TRUE(video.ok()) << video.to_string();
  // The v3.0 episode table with the video segments.
  fs::create_directories(dir / "meta/episodes/chunk-000");
  {
    using parquet::WriterColumn;
    auto writer = parquet::FileWriter::create(
        dir / "meta/episodes/chunk-000/file-000.parquet",
        {WriterColumn::int64("episode_index"), WriterColumn::int64("length"),
         WriterColumn::int64("data/chunk_index"), WriterColumn::int64("data/file_index"),
         WriterColumn::int64("videos/observation.images.wrist/chunk_index"),
         WriterColumn::int64("videos/observation.images.wrist/file_index"),
         WriterColumn::float64("videos/observation.images.wrist/from_timestamp"),
         WriterColumn::float64("videos/observation.images.wrist/to_timestamp")});
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    const std::int64_t episodes[] = {0, 1};
    const std::int64_t lengths[] = {20, 21};  // episode 1's claim is wrong
    const std::int64_t zeros[] = {0, 0};
    const std::int64_t data_files[] = {0, 1};  // episode 1's rows are in file 0, not 1
    const double from[] = {0.0, 1.0};
    const double to[] = {1.0, 2.0};
    const std::vector<parquet::ColumnValues> columns = {
        {std::span<const std::int64_t>(episodes), {}, {}, {}},
        {std::span<const std::int64_t>(lengths), {}, {}, {}},
        {std::span<const std::int64_t>(zeros), {}, {}, {}},
        {std::span<const std::int64_t>(data_files), {}, {}, {}},
        {std::span<const std::int64_t>(zeros), {}, {}, {}},
        {std::span<const std::int64_t>(zeros), {}, {}, {}},
        {std::span<const double>(from), {}, {}, {}},
        {std::span<const double>(to), {}, {}, {}}};
    ASSERT_TRUE((*writer)->write_batch(2, columns).ok());
    ASSERT_TRUE((*writer)->close().ok());
  }

  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(dir.path(), diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.episodes.size(), 2u);
  const StreamInfo* camera = find_stream(info, "observation.images.wrist");
  ASSERT_NE(camera, nullptr);
  EXPECT_EQ(camera->schema, "uint8[48,64,3]");
  EXPECT_EQ(camera->metadata.at("is_depth_map"), "true");
  EXPECT_EQ(find_stream(info, "observation.state")->metadata.at("names"), "episode,frame");
  EXPECT_EQ(info.episodes[1].attributes.at("task"), "stack the cubes");
  EXPECT_THAT(messages_of(diagnostics, Severity::kWarning),
              ::testing::Contains(HasSubstr("episode 1: 20 rows, the episode table says 21")));
  EXPECT_THAT(messages_of(diagnostics, Severity::kWarning),
              ::testing::Contains(HasSubstr(
                  "not in the data file the episode table names (episode 1: listed in "
                  "data/chunk-000/file-001.parquet, found in data/chunk-000/file-000.parquet): "
                  "episode 1;")));

  ReadOptions options;
  options.episode = 1;
  options.topics = {"observation.images.wrist"};
  std::vector<int> frames;
  std::vector<double> times_s;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    frames.push_back(fixture_index_of(m.data, 64, 48));
                                    times_s.push_back(static_cast<double>(m.log_time_ns) * 1e-9);
                                    return Status{};
                                  })
                  .ok());
  ASSERT_EQ(frames.size(), 20u);
  for (int k = 0; k < 20; ++k) {
    EXPECT_EQ(frames[k], 20 + k) << "row " << k;
    // Episode 1 starts where episode 0's 20 rows end: 1 s, then 1/20 s per row.
    EXPECT_NEAR(times_s[k], 1.0 + k / fps, 1e-6);
  }
  EXPECT_TRUE(messages_of(diagnostics, Severity::kError).empty());
}

TEST(LeRobotSynthetic, MetaClaimsAreCheckedAgainstTheDataV20) {
  testing::TempDir dir;
  Json info = info_json("v2.0", 10, false);
  info["total_episodes"] = 3;
  write_text(dir / "meta/info.json", info.dump());
  write_text(dir / "meta/tasks.jsonl", "{\"task_index\": 0, \"task\": \"wipe\"}\nnot json\n");
  write_text(dir / "meta/episodes.jsonl",
             "{\"episode_index\": 0, \"tasks\": [\"wipe\"], \"length\": 5}\n"
             "{\"episode_index\": 1, \"tasks\": [\"wipe\", \"dry\"], \"length\": 6}\n"
             "{\"episode_index\": 2, \"tasks\": [\"wipe\"], \"length\": 6}\n");
  write_data_file(dir / "data/chunk-000/episode_000000.parquet", rows_for({{0, 5}}), 10);
  write_data_file(dir / "data/chunk-000/episode_000001.parquet", rows_for({{1, 6}}), 10);
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(dir.path(), diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info_read = (*recording)->info();
  ASSERT_EQ(info_read.episodes.size(), 2u);
  EXPECT_EQ(info_read.episodes[1].attributes.at("task"), "wipe");
  EXPECT_EQ(info_read.episodes[1].attributes.at("tasks"), "wipe | dry");
  const auto warnings = messages_of(diagnostics, Severity::kWarning);
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("line 2: skipped")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("in the episode table but without rows in "
                                                      "the data files (left out): episode 2")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("total_episodes is 3 but the data holds 2")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("total_frames is 40 but the data holds 11")));

  // The state values come through exactly: {episode, frame} per row.
  ReadOptions options;
  options.episode = 1;
  options.topics = {"observation.state"};
  std::vector<float> values;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    EXPECT_EQ(m.data.size(), 8u);
                                    float pair[2];
                                    std::memcpy(pair, m.data.data(), 8);
                                    values.insert(values.end(), pair, pair + 2);
                                    return Status{};
                                  })
                  .ok());
  EXPECT_THAT(values, ::testing::ElementsAre(1, 0, 1, 1, 1, 2, 1, 3, 1, 4, 1, 5));
}

TEST(LeRobotSynthetic, RowsWithTheWrongLengthAreReportedAndSkipped) {
  testing::TempDir dir;
  write_text(dir / "meta/info.json", info_json("v3.0", 10, false).dump());
  write_data_file(dir / "data/chunk-000/file-000.parquet", rows_for({{0, 4}}), 10, 2);
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(dir.path(), diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  std::size_t delivered = 0;
  ASSERT_TRUE((*recording)
                  ->read_messages({},
                                  [&](const MessageView&) {
                                    ++delivered;
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(delivered, 3u);
  EXPECT_THAT(messages_of(diagnostics, Severity::kError),
              ::testing::ElementsAre(
                  HasSubstr("row 2: observation.state holds 1 values, 2 expected; row skipped")));
}

TEST(LeRobotSynthetic, UnreadableDataIsAnErrorNamingTheFile) {
  {
    testing::TempDir dir;
    write_text(dir / "meta/info.json", info_json("v3.0", 10, false).dump());
    // Episode 0's rows are interrupted by episode 1's.
    write_data_file(dir / "data/chunk-000/file-000.parquet", rows_for({{0, 2}, {1, 2}, {0, 1}}),
                    10);
    DiagnosticCollector diagnostics;
    auto recording = open_lerobot(dir.path(), diagnostics);
    EXPECT_EQ(recording.status().code(), StatusCode::kCorrupt);
    EXPECT_THAT(recording.status().message(),
                HasSubstr("file-000.parquet: row 4: episode 0 continues here"));
  }
  {
    testing::TempDir dir;
    write_text(dir / "meta/info.json", info_json("v3.0", 10, false).dump());
    const fs::path file = dir / "data/chunk-000/file-000.parquet";
    write_data_file(file, rows_for({{0, 5}}), 10);
    fs::resize_file(file, fs::file_size(file) - 9);
    DiagnosticCollector diagnostics;
    auto recording = open_lerobot(dir.path(), diagnostics);
    EXPECT_FALSE(recording.ok());
    EXPECT_THAT(recording.status().message(), HasSubstr("file-000.parquet"));
  }
  {
    testing::TempDir dir;
    write_text(dir / "meta/info.json", info_json("v3.0", 10, false).dump());
    DiagnosticCollector diagnostics;
    EXPECT_EQ(open_lerobot(dir.path(), diagnostics).status().code(), StatusCode::kNotFound);
  }
  {
    testing::TempDir dir;
    write_text(dir / "meta/info.json", info_json("v1.6", 10, false).dump());
    DiagnosticCollector diagnostics;
    const auto status = open_lerobot(dir.path(), diagnostics).status();
    EXPECT_EQ(status.code(), StatusCode::kUnsupported);
    EXPECT_THAT(status.message(), HasSubstr("codebase_version 'v1.6'"));
    EXPECT_FALSE(is_lerobot_dataset(dir.path()));
  }
}

}  // namespace
}  // namespace parity::lerobot
