// rosbag2 sqlite3 reader: the real evo tf_example bag, synthetic bags written here with the
// SQLite C API (with and without message_definitions, an unknown type, split bags), and
// damaged files.
//
// The expected values of the real bag were obtained independently of this code: a throwaway
// Python script read the rows with the `sqlite3` module and unpacked the CDR bytes with
// struct.unpack_from('<...') (4-byte header, alignment from offset 4, u32-prefixed strings).
#include "parity/formats/rosbag2/rosbag2_sqlite.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>

#include "parity/formats/recording.h"
#include "parity/formats/ros1/ros1_bag.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "testing/testing.h"

namespace parity::rosbag2 {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kEvoDir = "ros2-db3/evo-tf-example";
constexpr std::int64_t kEvoStart = 1714741164111822142;
constexpr std::int64_t kEvoEnd = 1714741215796545476;

struct Delivered {
  std::string topic;
  std::int64_t log_time_ns = 0;
  std::size_t file_index = 0;
  std::uint64_t row = 0;
  std::vector<std::uint8_t> data;
};

Result<std::vector<Delivered>> read_all(Recording& recording, const ReadOptions& options = {}) {
  std::vector<Delivered> out;
  const Status status = recording.read_messages(options, [&](const MessageView& view) -> Status {
    out.push_back({view.stream->topic, view.log_time_ns, view.file_index, view.file_offset,
                   std::vector<std::uint8_t>(view.data.begin(), view.data.end())});
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

std::vector<std::string> diagnostic_messages(const DiagnosticCollector& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics.diagnostics()) out.push_back(d.to_string());
  return out;
}

// ------------------------------------------------------------------------ the real bag

TEST(Rosbag2SqliteRealData, EvoTfExampleStreamsCountsAndMetadata) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  ASSERT_TRUE(is_rosbag2_sqlite_dir(dir));
  EXPECT_TRUE(is_rosbag2_sqlite_file(dir / "tf_example.db3"));
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ(diagnostics.size(), 0u) << ::testing::PrintToString(diagnostic_messages(diagnostics));
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "rosbag2-sqlite3");
  EXPECT_EQ(info.profile, "ros2");
  EXPECT_EQ(info.library, "rosbag2 (sqlite3)");
  ASSERT_EQ(info.files.size(), 1u);
  EXPECT_EQ(info.files[0].filename(), "tf_example.db3");
  EXPECT_EQ(info.size_bytes, 106496u);
  EXPECT_EQ(info.message_count, 518u);
  EXPECT_EQ(info.start_ns, kEvoStart);
  EXPECT_EQ(info.end_ns, kEvoEnd);
  ASSERT_EQ(info.streams.size(), 2u);
  // Topic rows in id order: /tf_static (1), /tf (2).
  EXPECT_EQ(info.streams[0].id, 0u);
  EXPECT_EQ(info.streams[0].topic, "/tf_static");
  EXPECT_EQ(info.streams[0].message_count, 1u);
  EXPECT_EQ(info.streams[0].start_ns, kEvoStart);
  EXPECT_EQ(info.streams[0].end_ns, kEvoStart);
  EXPECT_EQ(info.streams[1].id, 1u);
  EXPECT_EQ(info.streams[1].topic, "/tf");
  EXPECT_EQ(info.streams[1].message_count, 517u);
  EXPECT_EQ(info.streams[1].start_ns, 1714741164196592603);
  EXPECT_EQ(info.streams[1].end_ns, kEvoEnd);
  for (const StreamInfo& stream : info.streams) {
    EXPECT_EQ(stream.type, "tf2_msgs/msg/TFMessage");
    EXPECT_EQ(stream.message_encoding, "cdr");
    EXPECT_EQ(stream.schema_encoding, "ros2msg");
    EXPECT_THAT(stream.schema, ::testing::StartsWith("geometry_msgs/TransformStamped[] transforms\n"
                                                     "========"));
    EXPECT_EQ(stream.metadata.at("schema_source"), "message_definitions");
    EXPECT_EQ(stream.metadata.at("type_description_hash"),
              "RIHS01_e369d0f05a23ae52508854b66f6aa0437f3449d652e8cbf22d5abe85d020f087");
    EXPECT_EQ(stream.metadata.count("offered_qos_profiles"), 0u);  // stored as ''
  }
  ASSERT_EQ(info.metadata.size(), 1u);
  EXPECT_EQ(info.metadata[0].name, "rosbag2");
  const auto& entries = info.metadata[0].entries;
  EXPECT_EQ(entries.at("ros_distro"), "rosbags");
  EXPECT_EQ(entries.at("version"), "8");
  EXPECT_EQ(entries.at("storage_identifier"), "sqlite3");
  EXPECT_EQ(entries.at("duration_ns"), "51684723334");
  EXPECT_EQ(entries.at("starting_time_ns"), "1714741164111822142");
  EXPECT_EQ(entries.at("schema_version"), "4");
  ASSERT_EQ(info.episodes.size(), 1u);
  EXPECT_EQ(info.episodes[0].message_count, 518u);
  EXPECT_EQ(info.episodes[0].streams.size(), 2u);
}

TEST(Rosbag2SqliteRealData, DecodesEveryTfMessage) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  std::map<std::uint32_t, ros2::MessageDecoder> decoders;
  for (const StreamInfo& stream : (*recording)->info().streams) {
    auto decoder = ros2::MessageDecoder::for_stream(stream);
    ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
    decoders.emplace(stream.id, std::move(decoder).value());
  }
  std::vector<std::pair<std::string, ros2::TFMessage>> messages;
  ReadOptions options;
  options.log_time_order = true;
  std::int64_t previous = 0;
  const Status status =
      (*recording)->read_messages(options, [&](const MessageView& view) -> Status {
        EXPECT_GE(view.log_time_ns, previous);
        previous = view.log_time_ns;
        PARITY_ASSIGN_OR_RETURN(auto value, decoders.at(view.stream->id).decode(view.data));
        PARITY_ASSIGN_OR_RETURN(auto tf, ros2::extract<ros2::TFMessage>(value));
        messages.emplace_back(view.stream->topic, std::move(tf));
        return {};
      });
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(messages.size(), 518u);
  std::size_t transforms = 0;
  for (const auto& [topic, tf] : messages) transforms += tf.transforms.size();
  EXPECT_EQ(transforms, 518u);

  // First message: /tf_static base_footprint -> base_link, identity.
  ASSERT_EQ(messages[0].first, "/tf_static");
  ASSERT_EQ(messages[0].second.transforms.size(), 1u);
  const ros2::TransformStamped& s = messages[0].second.transforms[0];
  EXPECT_EQ(s.header.stamp_ns, 1714740908048476938);
  EXPECT_EQ(s.header.frame_id, "base_footprint");
  EXPECT_EQ(s.child_frame_id, "base_link");
  EXPECT_EQ(s.transform.rotation.w, 1.0);
  // Second: the first /tf message, odom -> base_footprint.
  ASSERT_EQ(messages[1].first, "/tf");
  const ros2::TransformStamped& t = messages[1].second.transforms.at(0);
  EXPECT_EQ(t.header.stamp_ns, 1714741164177519307);
  EXPECT_EQ(t.header.frame_id, "odom");
  EXPECT_EQ(t.child_frame_id, "base_footprint");
  EXPECT_DOUBLE_EQ(t.transform.translation.x, 1.1603796887148006);
  EXPECT_DOUBLE_EQ(t.transform.translation.y, -2.942426888388735);
  EXPECT_DOUBLE_EQ(t.transform.rotation.z, 0.6808039454578293);
  EXPECT_DOUBLE_EQ(t.transform.rotation.w, 0.7324656905610344);
  // Last /tf message.
  const ros2::TransformStamped& last = messages.back().second.transforms.at(0);
  EXPECT_EQ(last.header.stamp_ns, 1714741215784817334);
  EXPECT_DOUBLE_EQ(last.transform.translation.x, 0.4409785886185202);
  EXPECT_DOUBLE_EQ(last.transform.translation.y, -0.1300152062732442);
  EXPECT_DOUBLE_EQ(last.transform.rotation.z, -0.026197894229220066);
}

// Decodes every TFMessage of a recording in log-time order.
Result<std::vector<std::pair<std::string, ros2::TFMessage>>> tf_messages(Recording& recording) {
  std::map<std::uint32_t, ros2::MessageDecoder> decoders;
  for (const StreamInfo& stream : recording.info().streams) {
    PARITY_ASSIGN_OR_RETURN(auto decoder, ros2::MessageDecoder::for_stream(stream));
    decoders.emplace(stream.id, std::move(decoder));
  }
  std::vector<std::pair<std::string, ros2::TFMessage>> out;
  ReadOptions options;
  options.log_time_order = true;
  PARITY_RETURN_IF_ERROR(recording.read_messages(options, [&](const MessageView& view) -> Status {
    PARITY_ASSIGN_OR_RETURN(auto value, decoders.at(view.stream->id).decode(view.data));
    PARITY_ASSIGN_OR_RETURN(auto tf, ros2::extract<ros2::TFMessage>(value));
    out.emplace_back(view.stream->topic, std::move(tf));
    return {};
  }));
  return out;
}

// The evo tf_example data exists as a ROS 1 bag too: every transform must agree.
TEST(Rosbag2SqliteRealData, SameTransformsAsTheRos1Bag) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  PARITY_REQUIRE_SHARED_DATA(bag, "ros1-bag/evo/tf_example.bag");
  DiagnosticCollector diagnostics;
  auto db3 = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_TRUE(db3.ok()) << db3.status().to_string();
  auto ros1 = ros1::open_ros1_bag(bag, diagnostics);
  ASSERT_TRUE(ros1.ok()) << ros1.status().to_string();
  auto from_db3 = tf_messages(**db3);
  ASSERT_TRUE(from_db3.ok()) << from_db3.status().to_string();
  auto from_ros1 = tf_messages(**ros1);
  ASSERT_TRUE(from_ros1.ok()) << from_ros1.status().to_string();
  ASSERT_EQ(from_db3->size(), 518u);
  ASSERT_EQ(from_ros1->size(), from_db3->size());
  std::size_t transforms = 0;
  for (std::size_t i = 0; i < from_db3->size(); ++i) {
    EXPECT_EQ((*from_db3)[i].first, (*from_ros1)[i].first) << i;
    EXPECT_EQ((*from_db3)[i].second, (*from_ros1)[i].second) << i;
    transforms += (*from_db3)[i].second.transforms.size();
  }
  EXPECT_EQ(transforms, 518u);
}

TEST(Rosbag2SqliteRealData, ReadOptionsFilterInSql) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  Recording& r = **recording;

  auto all = read_all(r);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 518u);
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].row, i + 1);  // row ids

  ReadOptions only_tf;
  only_tf.topics = {"/tf"};
  auto tf = read_all(r, only_tf);
  ASSERT_TRUE(tf.ok());
  EXPECT_EQ(tf->size(), 517u);
  EXPECT_EQ(tf->front().topic, "/tf");

  ReadOptions window;  // [start of /tf, +1 s)
  window.start_ns = 1714741164196592603;
  window.end_ns = 1714741165196592603;
  for (const bool ordered : {false, true}) {
    window.log_time_order = ordered;
    auto in_window = read_all(r, window);
    ASSERT_TRUE(in_window.ok());
    EXPECT_EQ(in_window->size(), 10u) << "ordered=" << ordered;
    for (const Delivered& d : *in_window) {
      EXPECT_GE(d.log_time_ns, *window.start_ns);
      EXPECT_LT(d.log_time_ns, *window.end_ns);
    }
  }

  ReadOptions limited;
  limited.limit = 3;
  limited.log_time_order = true;
  auto three = read_all(r, limited);
  ASSERT_TRUE(three.ok());
  ASSERT_EQ(three->size(), 3u);
  EXPECT_EQ((*three)[0].topic, "/tf_static");
  EXPECT_EQ((*three)[2].log_time_ns, 1714741164296657044);

  ReadOptions other_episode;
  other_episode.episode = 1;
  auto none = read_all(r, other_episode);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  other_episode.episode = 0;
  auto whole = read_all(r, other_episode);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->size(), 518u);

  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  ReadOptions with_progress;
  with_progress.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.emplace_back(done, total);
  };
  ASSERT_TRUE(read_all(r, with_progress).ok());
  ASSERT_EQ(progress.size(), 3u);  // rows 256 and 512, then the end
  EXPECT_EQ(progress[0].second, 106496u);
  EXPECT_EQ(progress[0].first, 106496u * 256 / 518);
  EXPECT_EQ(progress.back(), std::make_pair(std::uint64_t{106496}, std::uint64_t{106496}));
}

TEST(Rosbag2SqliteRealData, LoneDb3File) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(dir / "tf_example.db3", diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.message_count, 518u);
  EXPECT_EQ(info.streams.size(), 2u);
  // Facts from the `schema` table only: this bag's `metadata` table is empty.
  EXPECT_THAT(info.metadata.at(0).entries,
              ::testing::UnorderedElementsAre(std::make_pair("ros_distro", "rosbags"),
                                              std::make_pair("schema_version", "4")));
}

// ------------------------------------------------------------------------ synthetic bags

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

struct SyntheticTopic {
  std::int64_t id;
  std::string name;
  std::string type;
};
struct SyntheticMessage {
  std::int64_t topic_id;
  std::int64_t timestamp;
  std::vector<std::uint8_t> data;
};
struct SyntheticDefinition {
  std::string type;
  std::string encoding;
  std::string text;
};

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "") << " in " << sql;
}

// Writes a .db3 with the rosbag2 (Jazzy) schema. `definitions` nullopt: no message_definitions
// table at all (older rosbag2).
void write_db3(const fs::path& path, const std::vector<SyntheticTopic>& topics,
               const std::vector<SyntheticMessage>& messages,
               const std::optional<std::vector<SyntheticDefinition>>& definitions) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.string().c_str(), &db), SQLITE_OK);
  exec(db,
       "CREATE TABLE schema(schema_version INTEGER PRIMARY KEY, ros_distro TEXT NOT NULL);"
       "INSERT INTO schema VALUES (4, 'jazzy');"
       "CREATE TABLE topics(id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,"
       " serialization_format TEXT NOT NULL, offered_qos_profiles TEXT NOT NULL,"
       " type_description_hash TEXT NOT NULL);"
       "CREATE TABLE messages(id INTEGER PRIMARY KEY, topic_id INTEGER NOT NULL,"
       " timestamp INTEGER NOT NULL, data BLOB NOT NULL);"
       "CREATE INDEX timestamp_idx ON messages (timestamp ASC);");
  for (const SyntheticTopic& t : topics) {
    exec(db, "INSERT INTO topics VALUES (" + std::to_string(t.id) + ", '" + t.name + "', '" +
                 t.type + "', 'cdr', '- history: 1\n  depth: 10\n', '')");
  }
  if (definitions) {
    exec(db,
         "CREATE TABLE message_definitions(id INTEGER PRIMARY KEY, topic_type TEXT NOT NULL,"
         " encoding TEXT NOT NULL, encoded_message_definition TEXT NOT NULL,"
         " type_description_hash TEXT NOT NULL);");
    for (const SyntheticDefinition& d : *definitions) {
      exec(db,
           "INSERT INTO message_definitions(topic_type, encoding, "
           "encoded_message_definition, type_description_hash) VALUES ('" +
               d.type + "', '" + d.encoding + "', '" + d.text + "', '')");
    }
  }
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO messages(topic_id, timestamp, data) VALUES (?,?,?)",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  for (const SyntheticMessage& m : messages) {
    sqlite3_bind_int64(stmt, 1, m.topic_id);
    sqlite3_bind_int64(stmt, 2, m.timestamp);
    sqlite3_bind_blob(stmt, 3, m.data.data(), static_cast<int>(m.data.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}

std::vector<std::uint8_t> string_message(const std::string& text) {
  return ros2::encode_cdr(ros2::String{text});
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string decode_string(const StreamInfo& stream, std::span<const std::uint8_t> data) {
  auto decoder = ros2::MessageDecoder::for_stream(stream);
  if (!decoder.ok()) return "error: " + decoder.status().to_string();
  auto value = decoder->decode(data);
  if (!value.ok()) return "error: " + value.status().to_string();
  auto s = ros2::extract<ros2::String>(*value);
  return s.ok() ? s->data : "error: " + s.status().to_string();
}

TEST(Rosbag2SqliteSynthetic, DefinitionsFromTableBundledOrMissing) {
  testing::TempDir tmp;
  const fs::path file = tmp / "bag.db3";
  write_db3(file,
            {{1, "/chatter", "std_msgs/msg/String"},
             {2, "/label", "my_pkg/msg/Label"},
             {3, "/mystery", "my_pkg/msg/Mystery"}},
            {{1, 100, string_message("hello")},
             {2, 50, string_message("cup")},
             {3, 75, {0, 1, 0, 0, 1, 2, 3, 4}},
             {1, 200, string_message("world")}},
            std::vector<SyntheticDefinition>{{"my_pkg/msg/Label", "ros2msg", "string data\n"}});
  EXPECT_TRUE(is_rosbag2_sqlite_file(file));
  const std::vector<std::uint8_t> before = read_bytes(file);
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(file, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.streams.size(), 3u);
  EXPECT_EQ(info.start_ns, 50);
  EXPECT_EQ(info.end_ns, 200);
  EXPECT_EQ(info.metadata.at(0).entries.at("ros_distro"), "jazzy");
  const StreamInfo& chatter = info.streams[0];
  EXPECT_EQ(chatter.metadata.at("schema_source"), "built-in");
  EXPECT_EQ(chatter.schema_encoding, "ros2msg");
  EXPECT_EQ(chatter.schema, "string data\n");
  EXPECT_EQ(chatter.metadata.at("offered_qos_profiles"), "- history: 1\n  depth: 10\n");
  EXPECT_EQ(chatter.message_count, 2u);
  EXPECT_EQ(chatter.start_ns, 100);
  EXPECT_EQ(chatter.end_ns, 200);
  const StreamInfo& label = info.streams[1];
  EXPECT_EQ(label.metadata.at("schema_source"), "message_definitions");
  EXPECT_EQ(label.schema, "string data\n");
  const StreamInfo& mystery = info.streams[2];
  EXPECT_EQ(mystery.metadata.at("schema_source"), "none");
  EXPECT_EQ(mystery.schema_encoding, "");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("topic /mystery: no message definition for type 'my_pkg/msg/Mystery'"));
  // The reader opens; the decoder names the type.
  auto decoder = ros2::MessageDecoder::for_stream(mystery);
  ASSERT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(decoder.status().message(), HasSubstr("'my_pkg/msg/Mystery'"));

  // File order = row ids; log-time order = timestamps.
  auto rows = read_all(**recording);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].topic, "/chatter");
  EXPECT_EQ((*rows)[1].topic, "/label");
  EXPECT_EQ(decode_string(chatter, (*rows)[0].data), "hello");
  EXPECT_EQ(decode_string(label, (*rows)[1].data), "cup");
  EXPECT_EQ(decode_string(chatter, (*rows)[3].data), "world");
  ReadOptions ordered;
  ordered.log_time_order = true;
  auto by_time = read_all(**recording, ordered);
  ASSERT_TRUE(by_time.ok());
  std::vector<std::int64_t> times;
  for (const Delivered& d : *by_time) times.push_back(d.log_time_ns);
  EXPECT_THAT(times, ElementsAre(50, 75, 100, 200));
  EXPECT_EQ((*by_time)[1].data, std::vector<std::uint8_t>({0, 1, 0, 0, 1, 2, 3, 4}));

  // Read-only: the file is byte-identical afterwards and no journal or WAL appeared.
  recording->reset();
  EXPECT_EQ(read_bytes(file), before);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(names, ElementsAre("bag.db3"));
}

TEST(Rosbag2SqliteSynthetic, NoMessageDefinitionsTableAndOrphanRows) {
  testing::TempDir tmp;
  const fs::path file = tmp / "old.db3";
  write_db3(file, {{1, "/chatter", "std_msgs/msg/String"}},
            {{1, 10, string_message("a")}, {7, 20, string_message("orphan")}}, std::nullopt);
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(file, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().message_count, 1u);
  EXPECT_EQ((*recording)->info().streams.at(0).metadata.at("schema_source"), "built-in");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("1 messages have topic_id 7, which is not in the topics table"));
  auto rows = read_all(**recording);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(decode_string((*recording)->info().streams[0], (*rows)[0].data), "a");
}

TEST(Rosbag2SqliteSynthetic, SplitBagWithMetadataYaml) {
  testing::TempDir tmp;
  const fs::path dir = tmp / "bag";
  fs::create_directory(dir);
  // Topic ids differ between the files; timestamps interleave.
  write_db3(dir / "bag_0.db3", {{1, "/a", "std_msgs/msg/String"}, {2, "/b", "std_msgs/msg/String"}},
            {{1, 10, string_message("a10")},
             {2, 30, string_message("b30")},
             {1, 50, string_message("a50")}},
            std::vector<SyntheticDefinition>{});
  write_db3(dir / "bag_1.db3", {{5, "/b", "std_msgs/msg/String"}, {6, "/c", "std_msgs/msg/String"}},
            {{5, 20, string_message("b20")},
             {6, 40, string_message("c40")},
             {5, 60, string_message("b60")}},
            std::vector<SyntheticDefinition>{});
  write_text(dir / "metadata.yaml",
             "rosbag2_bagfile_information:\n"
             "  version: 9\n"
             "  storage_identifier: sqlite3\n"
             "  relative_file_paths:\n"
             "    - bag_0.db3\n"
             "    - bag_1.db3\n"
             "  duration:\n"
             "    nanoseconds: 50\n"
             "  starting_time:\n"
             "    nanoseconds_since_epoch: 10\n"
             "  message_count: 7\n"
             "  ros_distro: jazzy\n"
             "  custom_data:\n"
             "    operator: ana\n");
  ASSERT_TRUE(is_rosbag2_sqlite_dir(dir));
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.files.size(), 2u);
  ASSERT_EQ(info.streams.size(), 3u);
  EXPECT_EQ(info.streams[0].topic, "/a");
  EXPECT_EQ(info.streams[1].topic, "/b");
  EXPECT_EQ(info.streams[1].message_count, 3u);
  EXPECT_EQ(info.streams[1].start_ns, 20);
  EXPECT_EQ(info.streams[1].end_ns, 60);
  EXPECT_EQ(info.streams[2].topic, "/c");
  EXPECT_EQ(info.message_count, 6u);
  EXPECT_EQ(info.metadata.at(0).entries.at("custom_data.operator"), "ana");
  EXPECT_EQ(info.metadata.at(0).entries.at("version"), "9");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message,
              HasSubstr("rosbag2 metadata says 7 messages, the .db3 files hold 6"));

  auto file_order = read_all(**recording);
  ASSERT_TRUE(file_order.ok());
  std::vector<std::string> texts;
  for (const Delivered& d : *file_order) {
    texts.push_back(decode_string(*(*recording)->info().find_stream(0), d.data));
  }
  EXPECT_THAT(texts, ElementsAre("a10", "b30", "a50", "b20", "c40", "b60"));
  EXPECT_EQ((*file_order)[3].file_index, 1u);

  ReadOptions ordered;
  ordered.log_time_order = true;
  ordered.topics = {"/b", "/c"};
  auto merged = read_all(**recording, ordered);
  ASSERT_TRUE(merged.ok());
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const Delivered& d : *merged) got.emplace_back(d.topic, d.log_time_ns);
  EXPECT_THAT(got, ElementsAre(std::make_pair("/b", 20), std::make_pair("/b", 30),
                               std::make_pair("/c", 40), std::make_pair("/b", 60)));
}

TEST(Rosbag2SqliteSynthetic, SplitSeriesWithoutMetadataYaml) {
  testing::TempDir tmp;
  const fs::path dir = tmp / "bag";
  fs::create_directory(dir);
  write_db3(dir / "run_0.db3", {{1, "/a", "std_msgs/msg/String"}}, {{1, 1, string_message("x")}},
            std::nullopt);
  write_db3(dir / "run_1.db3", {{1, "/a", "std_msgs/msg/String"}}, {{1, 2, string_message("y")}},
            std::nullopt);
  ASSERT_TRUE(is_rosbag2_sqlite_dir(dir));
  DiagnosticCollector diagnostics;
  auto recording = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().files.size(), 2u);
  EXPECT_EQ((*recording)->info().message_count, 2u);
  EXPECT_EQ((*recording)->info().streams.size(), 1u);

  write_db3(dir / "run_3.db3", {{1, "/a", "std_msgs/msg/String"}}, {}, std::nullopt);
  EXPECT_FALSE(is_rosbag2_sqlite_dir(dir));
  auto gap = open_rosbag2_sqlite(dir, diagnostics);
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(gap.status().message(), HasSubstr("missing _2"));
}

TEST(Rosbag2SqliteSynthetic, DirectoryErrors) {
  testing::TempDir tmp;
  DiagnosticCollector diagnostics;
  const fs::path mcap_bag = tmp / "mcap_bag";
  fs::create_directory(mcap_bag);
  write_text(mcap_bag / "metadata.yaml",
             "rosbag2_bagfile_information:\n  storage_identifier: mcap\n"
             "  relative_file_paths: [x_0.mcap]\n");
  EXPECT_FALSE(is_rosbag2_sqlite_dir(mcap_bag));
  auto mcap = open_rosbag2_sqlite(mcap_bag, diagnostics);
  EXPECT_EQ(mcap.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(mcap.status().message(), HasSubstr("storage 'mcap' is not sqlite3"));

  const fs::path missing = tmp / "missing";
  fs::create_directory(missing);
  write_text(missing / "metadata.yaml",
             "rosbag2_bagfile_information:\n  storage_identifier: sqlite3\n"
             "  relative_file_paths: [gone_0.db3]\n");
  auto gone = open_rosbag2_sqlite(missing, diagnostics);
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(gone.status().message(), HasSubstr("listed file 'gone_0.db3' does not exist"));

  const fs::path compressed = tmp / "compressed";
  fs::create_directory(compressed);
  write_text(compressed / "metadata.yaml",
             "rosbag2_bagfile_information:\n  storage_identifier: sqlite3\n"
             "  compression_mode: FILE\n  compression_format: zstd\n"
             "  relative_file_paths: [c_0.db3.zstd]\n");
  auto zstd = open_rosbag2_sqlite(compressed, diagnostics);
  EXPECT_EQ(zstd.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(zstd.status().message(), HasSubstr("compression_mode 'FILE'"));

  const fs::path bad_yaml = tmp / "bad_yaml";
  fs::create_directory(bad_yaml);
  write_text(bad_yaml / "metadata.yaml", "rosbag2_bagfile_information: [unclosed\n");
  auto yaml = open_rosbag2_sqlite(bad_yaml, diagnostics);
  EXPECT_EQ(yaml.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(yaml.status().message(), HasSubstr("metadata.yaml: cannot parse YAML"));

  auto nothing = open_rosbag2_sqlite(tmp / "nope", diagnostics);
  EXPECT_EQ(nothing.status().code(), StatusCode::kNotFound);
}

// ------------------------------------------------------------------------ damaged files

TEST(Rosbag2SqliteDamage, TruncatedFileIsCorruptAndNamed) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  testing::TempDir tmp;
  std::vector<std::uint8_t> bytes = read_bytes(dir / "tf_example.db3");
  ASSERT_EQ(bytes.size(), 106496u);
  DiagnosticCollector diagnostics;
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{50}, std::size_t{4096}, std::size_t{53248}, bytes.size() - 1}) {
    const fs::path file = tmp / ("cut_" + std::to_string(keep) + ".db3");
    write_bytes(file,
                std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(keep)));
    auto recording = open_rosbag2_sqlite(file, diagnostics);
    ASSERT_FALSE(recording.ok()) << keep;
    EXPECT_EQ(recording.status().code(), StatusCode::kCorrupt) << keep;
    EXPECT_THAT(recording.status().message(), HasSubstr(file.string())) << keep;
    if (keep >= 4096) {
      EXPECT_THAT(recording.status().message(),
                  HasSubstr(fmt::format("truncated: the SQLite header declares 26 pages of 4096 "
                                        "bytes (106496 bytes), the file has {} bytes",
                                        keep)));
    }
    EXPECT_FALSE(is_rosbag2_sqlite_file(file));
  }
}

TEST(Rosbag2SqliteDamage, CorruptPagesGiveSqliteMessage) {
  PARITY_REQUIRE_SHARED_DATA(dir, kEvoDir);
  testing::TempDir tmp;
  const std::vector<std::uint8_t> bytes = read_bytes(dir / "tf_example.db3");
  DiagnosticCollector diagnostics;

  // Not a database after the magic: page size 0 in the header.
  std::vector<std::uint8_t> bad_header = bytes;
  bad_header[16] = 0;
  bad_header[17] = 3;
  write_bytes(tmp / "header.db3", bad_header);
  auto header = open_rosbag2_sqlite(tmp / "header.db3", diagnostics);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(header.status().message(), HasSubstr("header.db3"));
  EXPECT_THAT(header.status().message(), HasSubstr("SQLite error"));

  // Every page after the schema page overwritten in turn: open or read fails cleanly with
  // SQLite's message, or (a page of message data) succeeds; never a crash.
  std::size_t failures = 0;
  for (std::size_t page = 1; page < bytes.size() / 4096; ++page) {
    std::vector<std::uint8_t> damaged = bytes;
    for (std::size_t i = 0; i < 4096; ++i) {
      damaged[page * 4096 + i] = static_cast<std::uint8_t>(0xA5 ^ (i * 31));
    }
    const fs::path file = tmp / ("page_" + std::to_string(page) + ".db3");
    write_bytes(file, damaged);
    auto recording = open_rosbag2_sqlite(file, diagnostics);
    Status status = recording.status();
    if (recording.ok()) {
      status = (*recording)->read_messages({}, [](const MessageView&) { return Status{}; });
      if (status.ok()) {
        ReadOptions ordered;
        ordered.log_time_order = true;
        status = (*recording)->read_messages(ordered, [](const MessageView&) { return Status{}; });
      }
    }
    if (status.ok()) continue;
    ++failures;
    EXPECT_EQ(status.code(), StatusCode::kCorrupt) << status.to_string();
    EXPECT_THAT(status.message(), HasSubstr(file.string()));
    EXPECT_THAT(status.message(), HasSubstr("SQLite error"));
  }
  EXPECT_GT(failures, 10u);

  // A valid SQLite database that is no bag.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp / "catalog.db").string().c_str(), &db), SQLITE_OK);
  exec(db, "CREATE TABLE episodes(id INTEGER PRIMARY KEY);");
  sqlite3_close(db);
  EXPECT_FALSE(is_rosbag2_sqlite_file(tmp / "catalog.db"));
  auto catalog = open_rosbag2_sqlite(tmp / "catalog.db", diagnostics);
  EXPECT_EQ(catalog.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(catalog.status().message(), HasSubstr("without a 'topics' table"));
}

TEST(Rosbag2SqliteMagic, HasSqliteMagic) {
  const std::string magic("SQLite format 3\0extra", 21);
  const auto* p = reinterpret_cast<const std::uint8_t*>(magic.data());
  EXPECT_TRUE(has_sqlite_magic({p, 21}));
  EXPECT_TRUE(has_sqlite_magic({p, 16}));
  EXPECT_FALSE(has_sqlite_magic({p, 15}));
  const std::string other("SQLite format 2\0", 16);
  EXPECT_FALSE(has_sqlite_magic({reinterpret_cast<const std::uint8_t*>(other.data()), 16}));
}

}  // namespace
}  // namespace parity::rosbag2
