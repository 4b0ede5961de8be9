// The reader contract (parity/formats/recording.h), checked the same way for every format on
// real recordings: counts and time ranges agree between info() and what read_messages()
// delivers, per stream and per episode; episode boundaries; every ReadOptions filter; lazy
// access to one image; decodable messages; and truncated copies that either fail with an error
// naming the file or recover with a diagnostic, never crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "parity/core/diagnostics.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/imaging/image_decode.h"
#include "testing/testing.h"

namespace parity {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct ContractCase {
  const char* name;
  const char* path;  // under ../shared/data
  const char* format;
  std::size_t episodes;
  std::uint64_t messages;
  const char* image_topic;  // "" when the recording has no image stream
  std::uint32_t image_width;
  std::uint32_t image_height;
  const char* truncate_file;     // file inside `path` (a directory) to truncate; "" = path itself
  std::size_t open_diagnostics;  // warnings a clean open gives (known quirks of the file)
  std::uint64_t max_read_percent = 100;  // of the recording's bytes, to reach one image
  int image_episode = -1;                // the episode whose first image is read; -1 = the last one
};

const ContractCase kCases[] = {
    {"mcap", "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap", "mcap", 1, 194,
     "/image", 0, 0, "", 0},
    {"rosbag2_mcap", "mcap/rosbag2-multiple-files", "rosbag2-mcap", 1, 3177, "", 0, 0,
     "multiple_files_2.mcap", 0},
    {"ros1_lz4", "ros1-bag/lerobot-realsense/test_rs.bag", "ros1-bag", 1, 375,
     "/device_0/sensor_1/Color_0/image/data", 0, 0, "", 0, 25},
    {"ros1_bz2", "ros1-bag/rosbag.js/example-bz2.bag", "ros1-bag", 1, 8647, "", 0, 0, "", 0},
    {"rosbag2_sqlite3", "ros2-db3/evo-tf-example", "rosbag2-sqlite3", 1, 518, "", 0, 0,
     "tf_example.db3", 0},
    {"hdf5_robosuite", "hdf5/robosuite-v1.4.1-lift-panda-1710619576/demo.hdf5", "hdf5-robosuite", 4,
     3900, "", 0, 0, "", 0},
    {"rlds", "rlds/octo-bridge-debug/bridge_dataset", "rlds", 25, 3250, "steps/observation/image_0",
     64, 64,
     // Two known warnings: the val split's shard was not copied, and the debug shard's
     // episodes were cut short (no step has is_last = 1).
     "1.0.0/bridge_dataset-train.tfrecord-00000-of-00001", 2, 10},
    // LeRobot: only some episodes ship their video (one warning per camera says which).
    {"lerobot_v21", "lerobot/v2.1-unitree-g1", "lerobot", 100, 72666, "observation.images.cam_high",
     640, 480, "data/chunk-000/episode_000002.parquet", 1, 10, 2},
    {"lerobot_v30", "lerobot/v3.0-lingzu-open50", "lerobot", 50, 42055, "image", 640, 480,
     "video/image/chunk-000/file-000.mp4", 4, 10, 0},
};

// One delivered message, reduced to what the checks compare.
struct Seen {
  std::uint32_t episode;
  std::uint32_t stream;
  std::int64_t log_time_ns;
  std::uint64_t size;
  friend auto operator<=>(const Seen&, const Seen&) = default;
};

Result<std::vector<Seen>> read_all(Recording& recording, const ReadOptions& options) {
  std::vector<Seen> out;
  PARITY_RETURN_IF_ERROR(recording.read_messages(options, [&](const MessageView& m) {
    out.push_back({m.episode, m.stream->id, m.log_time_ns, m.data.size()});
    return Status{};
  }));
  return out;
}

class ReaderContract : public ::testing::TestWithParam<ContractCase> {
 protected:
  void SetUp() override {
    const auto data = testing::shared_data(GetParam().path);
    if (!data) GTEST_SKIP() << "../shared/data is absent: skipping the reader contract suite";
    path_ = *data;
    auto recording = open_recording(path_, diagnostics_);
    ASSERT_TRUE(recording.ok()) << recording.status().to_string();
    recording_ = std::move(recording).value();
  }

  const RecordingInfo& info() const { return recording_->info(); }

  fs::path path_;
  DiagnosticCollector diagnostics_;
  std::unique_ptr<Recording> recording_;
};

TEST_P(ReaderContract, InfoIsSelfConsistent) {
  const ContractCase& c = GetParam();
  EXPECT_EQ(info().format, c.format);
  EXPECT_EQ(info().message_count, c.messages);
  ASSERT_EQ(info().episodes.size(), c.episodes);
  EXPECT_FALSE(info().files.empty());
  std::set<std::uint32_t> ids;
  for (std::size_t i = 0; i < info().streams.size(); ++i) {
    const StreamInfo& stream = info().streams[i];
    EXPECT_TRUE(ids.insert(stream.id).second) << "duplicate stream id " << stream.id;
    if (i > 0) {
      EXPECT_LT(info().streams[i - 1].id, stream.id) << "streams not sorted by id";
    }
    EXPECT_EQ(info().find_stream(stream.id), &stream);
  }
  std::uint64_t total = 0;
  std::map<std::uint32_t, std::uint64_t> per_stream;
  for (std::size_t i = 0; i < info().episodes.size(); ++i) {
    const EpisodeInfo& episode = info().episodes[i];
    EXPECT_EQ(episode.index, i) << "episode indexes are dense and in order";
    std::uint64_t in_spans = 0;
    for (const StreamSpan& span : episode.streams) {
      ASSERT_NE(info().find_stream(span.stream_id), nullptr) << "span of an unknown stream";
      per_stream[span.stream_id] += span.message_count;
      in_spans += span.message_count;
      if (span.message_count > 0) {
        EXPECT_LE(span.start_ns, span.end_ns);
        EXPECT_LE(episode.start_ns, span.start_ns);
        EXPECT_GE(episode.end_ns, span.end_ns);
      }
    }
    EXPECT_EQ(in_spans, episode.message_count) << "episode " << i;
    total += episode.message_count;
  }
  EXPECT_EQ(total, info().message_count);
  for (const StreamInfo& stream : info().streams) {
    EXPECT_EQ(per_stream[stream.id], stream.message_count) << stream.topic;
  }
  if (c.episodes > 1) {
    for (const EpisodeInfo& episode : info().episodes) EXPECT_FALSE(episode.name.empty());
  }
}

TEST_P(ReaderContract, DeliveredMessagesMatchCountsAndTimeRangesPerEpisode) {
  auto all = read_all(*recording_, {});
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), info().message_count);
  // (episode, stream) -> count, min time, max time.
  std::map<std::pair<std::uint32_t, std::uint32_t>,
           std::tuple<std::uint64_t, std::int64_t, std::int64_t>>
      seen;
  for (const Seen& m : *all) {
    ASSERT_LT(m.episode, info().episodes.size());
    auto [it, inserted] = seen.try_emplace({m.episode, m.stream}, 0, m.log_time_ns, m.log_time_ns);
    auto& [count, first, last] = it->second;
    ++count;
    first = std::min(first, m.log_time_ns);
    last = std::max(last, m.log_time_ns);
  }
  for (const EpisodeInfo& episode : info().episodes) {
    for (const StreamSpan& span : episode.streams) {
      const auto it = seen.find({episode.index, span.stream_id});
      if (span.message_count == 0) {
        EXPECT_EQ(it, seen.end());
        continue;
      }
      ASSERT_NE(it, seen.end()) << "episode " << episode.index << " stream " << span.stream_id;
      const auto& [count, first, last] = it->second;
      EXPECT_EQ(count, span.message_count) << "episode " << episode.index;
      EXPECT_EQ(first, span.start_ns) << "episode " << episode.index;
      EXPECT_EQ(last, span.end_ns) << "episode " << episode.index;
    }
  }
  EXPECT_EQ(diagnostics_.size(), GetParam().open_diagnostics)
      << "a clean file reads without diagnostics beyond its known quirks";
}

TEST_P(ReaderContract, LogTimeOrderIsSortedWithinEpisodesAndKeepsEveryMessage) {
  auto file_order = read_all(*recording_, {});
  ReadOptions ordered;
  ordered.log_time_order = true;
  auto time_order = read_all(*recording_, ordered);
  ASSERT_TRUE(file_order.ok() && time_order.ok());
  for (std::size_t i = 1; i < time_order->size(); ++i) {
    const Seen& a = (*time_order)[i - 1];
    const Seen& b = (*time_order)[i];
    ASSERT_LE(a.episode, b.episode) << "episodes come in index order";
    if (a.episode == b.episode) {
      ASSERT_LE(a.log_time_ns, b.log_time_ns) << "at message " << i;
    }
  }
  std::sort(file_order->begin(), file_order->end());
  std::sort(time_order->begin(), time_order->end());
  EXPECT_EQ(*file_order, *time_order);
}

TEST_P(ReaderContract, EpisodeTopicLimitAndTimeFiltersSelectExactlyTheirMessages) {
  auto all = read_all(*recording_, {});
  ASSERT_TRUE(all.ok());
  const auto expect_subset = [&](const ReadOptions& options, auto predicate, const char* what) {
    auto got = read_all(*recording_, options);
    ASSERT_TRUE(got.ok()) << what << ": " << got.status().to_string();
    std::vector<Seen> want;
    std::copy_if(all->begin(), all->end(), std::back_inserter(want), predicate);
    std::sort(got->begin(), got->end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got->size(), want.size()) << what;
    EXPECT_EQ(*got, want) << what;
  };
  const std::uint32_t last_episode = static_cast<std::uint32_t>(info().episodes.size() - 1);
  ReadOptions by_episode;
  by_episode.episode = last_episode;
  expect_subset(
      by_episode, [&](const Seen& m) { return m.episode == last_episode; }, "episode");

  ReadOptions past_the_end;
  past_the_end.episode = last_episode + 1;
  auto none = read_all(*recording_, past_the_end);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  const StreamInfo* busiest = &info().streams.front();
  for (const StreamInfo& s : info().streams) {
    if (s.message_count > busiest->message_count) busiest = &s;
  }
  ReadOptions by_topic;
  by_topic.topics = {busiest->topic};
  expect_subset(
      by_topic, [&](const Seen& m) { return m.stream == busiest->id; }, "topic");

  // A window in the middle of the first episode's time range.
  const EpisodeInfo& first = info().episodes.front();
  const std::int64_t from = first.start_ns + (first.end_ns - first.start_ns) / 3;
  const std::int64_t to = first.start_ns + 2 * (first.end_ns - first.start_ns) / 3;
  ReadOptions window;
  window.episode = 0;
  window.start_ns = from;
  window.end_ns = to;
  expect_subset(
      window,
      [&](const Seen& m) { return m.episode == 0 && m.log_time_ns >= from && m.log_time_ns < to; },
      "time window");

  ReadOptions limited;
  limited.limit = 7;
  auto seven = read_all(*recording_, limited);
  ASSERT_TRUE(seven.ok());
  EXPECT_EQ(seven->size(), std::min<std::uint64_t>(7, info().message_count));
}

TEST_P(ReaderContract, ProgressIsReportedAndEndsAtTheTotal) {
  std::uint64_t last_done = 0;
  std::uint64_t last_total = 0;
  std::size_t calls = 0;
  ReadOptions options;
  options.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_GE(done, last_done) << "progress never goes back";
    last_done = done;
    last_total = total;
    ++calls;
  };
  ASSERT_TRUE(read_all(*recording_, options).ok());
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(last_done, last_total);
}

TEST_P(ReaderContract, EveryStreamDecodesOrSaysWhyNot) {
  std::map<std::uint32_t, Result<ros2::MessageDecoder>> decoders;
  std::map<std::uint32_t, std::size_t> decoded;
  ReadOptions options;
  options.episode = 0;
  const Status status = recording_->read_messages(options, [&](const MessageView& m) {
    auto it = decoders.find(m.stream->id);
    if (it == decoders.end()) {
      it = decoders.emplace(m.stream->id, ros2::MessageDecoder::for_stream(*m.stream)).first;
    }
    if (!it->second.ok()) {
      EXPECT_EQ(it->second.status().code(), StatusCode::kUnsupported)
          << m.stream->topic << ": " << it->second.status().to_string();
      return Status{};
    }
    if (decoded[m.stream->id]++ >= 3) return Status{};  // a few per stream is enough
    auto value = it->second->decode(m.data);
    EXPECT_TRUE(value.ok()) << m.stream->topic << ": " << value.status().to_string();
    return Status{};
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_FALSE(decoded.empty()) << "at least one stream decodes";
}

// Bytes this process has read through read(2) / pread(2) so far (Linux /proc/self/io rchar):
// what every reader's library (stdio, SQLite, libhdf5) goes through.
std::uint64_t bytes_read_by_process() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return 0;
}

TEST_P(ReaderContract, OneImageIsReachedWithoutReadingTheRest) {
  const ContractCase& c = GetParam();
  if (std::string_view(c.image_topic).empty()) GTEST_SKIP() << "no image stream in this file";
  ReadOptions options;
  options.topics = {c.image_topic};
  options.episode = c.image_episode >= 0 ? static_cast<std::uint32_t>(c.image_episode)
                                         : static_cast<std::uint32_t>(info().episodes.size() - 1);
  options.limit = 1;
  std::vector<std::uint8_t> bytes;
  const std::uint64_t read_before = bytes_read_by_process();
  const StreamInfo* stream = nullptr;
  ASSERT_TRUE(recording_
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    bytes.assign(m.data.begin(), m.data.end());
                                    stream = m.stream;
                                    return Status{};
                                  })
                  .ok());
  const std::uint64_t read_bytes = bytes_read_by_process() - read_before;
  ASSERT_NE(stream, nullptr);
  EXPECT_LT(read_bytes, info().size_bytes * c.max_read_percent / 100)
      << "one image of the last episode must not read the whole recording";
  auto decoder = ros2::MessageDecoder::for_stream(*stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  auto value = decoder->decode(bytes);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  const std::string_view type = stream->type;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  if (type.ends_with("CompressedImage")) {
    auto image = ros2::extract<ros2::CompressedImage>(*value);
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    auto pixels = decode_image(image->data);
    ASSERT_TRUE(pixels.ok()) << pixels.status().to_string();
    width = pixels->width;
    height = pixels->height;
    EXPECT_EQ(pixels->pixels.size(), std::size_t{width} * height * pixels->channels);
  } else {
    auto image = ros2::extract<ros2::Image>(*value);
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    width = image->width;
    height = image->height;
    EXPECT_EQ(image->data.size(), std::size_t{image->step} * image->height);
  }
  std::printf("[          ] %s: one image after reading %llu of %llu bytes\n", c.name,
              static_cast<unsigned long long>(read_bytes),
              static_cast<unsigned long long>(info().size_bytes));
  EXPECT_GT(width, 0u);
  EXPECT_GT(height, 0u);
  if (c.image_width != 0) {
    EXPECT_EQ(width, c.image_width);
    EXPECT_EQ(height, c.image_height);
  }
}

// Copies the case's file or directory to `dir` and returns the copy and the file to damage.
std::pair<fs::path, fs::path> copy_case(const fs::path& source, const ContractCase& c,
                                        const fs::path& dir) {
  const fs::path copy = dir / source.filename();
  fs::copy(source, copy, fs::copy_options::recursive);
  const std::string_view inner = c.truncate_file;
  return {copy, inner.empty() ? copy : copy / inner};
}

TEST_P(ReaderContract, TruncatedCopiesFailWithTheFileNamedOrRecoverWithADiagnostic) {
  const ContractCase& c = GetParam();
  for (const double fraction : {0.97, 0.6, 0.25, 0.02}) {
    testing::TempDir dir;
    const auto [copy, victim] = copy_case(path_, c, dir.path());
    const std::uint64_t size = fs::file_size(victim);
    const auto cut = static_cast<std::uint64_t>(static_cast<double>(size) * fraction);
    fs::resize_file(victim, cut);
    SCOPED_TRACE(::testing::Message() << c.name << " cut at " << cut << " of " << size);
    DiagnosticCollector diagnostics;
    auto recording = open_recording(copy, diagnostics);
    if (!recording.ok()) {
      const StatusCode code = recording.status().code();
      EXPECT_TRUE(code == StatusCode::kTruncated || code == StatusCode::kCorrupt ||
                  code == StatusCode::kNotFound)
          << recording.status().to_string();
      EXPECT_THAT(recording.status().message(), HasSubstr(victim.filename().string()));
      continue;
    }
    std::uint64_t delivered = 0;
    const Status status = (*recording)->read_messages({}, [&](const MessageView&) {
      ++delivered;
      return Status{};
    });
    if (!status.ok()) {
      EXPECT_THAT(status.message(), HasSubstr(victim.filename().string()));
      continue;
    }
    EXPECT_LE(delivered, c.messages);
    if (delivered < c.messages) {
      EXPECT_GT(diagnostics.size(), 0u) << "lost messages must be reported";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, ReaderContract, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ContractCase>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace parity
