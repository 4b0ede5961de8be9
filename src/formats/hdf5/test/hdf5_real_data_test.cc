// The four raw robosuite demo.hdf5 files under ../shared/data/hdf5, checked against h5dump
// values and against an independent whole-dataset read with libhdf5.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstring>
#include <map>

#include "formats/hdf5/test/hdf5_test_writer.h"
#include "parity/formats/hdf5/hdf5_recording.h"
#include "testing/testing.h"

namespace parity::hdf5 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Message;
using ::testing::Pair;
using testing::read_all;

double element(const std::vector<std::uint8_t>& data, std::size_t i) {
  double v = 0;
  std::memcpy(&v, data.data() + i * sizeof(double), sizeof(double));
  return v;
}

// The whole dataset with plain H5Dread (an independent path from the reader's hyperslabs).
std::vector<double> read_whole(const std::filesystem::path& path, const std::string& dataset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(file, 0);
  const hid_t d = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << dataset;
  const hid_t space = H5Dget_space(d);
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(file);
  return values;
}

const StreamInfo& real_stream(const RecordingInfo& info, const std::string& topic) {
  for (const StreamInfo& s : info.streams) {
    if (s.topic == topic) return s;
  }
  ADD_FAILURE() << "no stream " << topic;
  static const StreamInfo kNone;
  return kNone;
}

std::vector<std::string> real_topics(const RecordingInfo& info) {
  std::vector<std::string> out;
  for (const StreamInfo& s : info.streams) out.push_back(s.topic);
  return out;
}

TEST(Hdf5RealData, Robosuite141FourDemos) {
  PARITY_REQUIRE_SHARED_DATA(path, "hdf5/robosuite-v1.4.1-lift-panda-1710619576/demo.hdf5");
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-robosuite");
  EXPECT_EQ(info.library, "robosuite 1.4.1");
  EXPECT_EQ(info.size_bytes, 770808u);
  EXPECT_THAT(real_topics(info), ElementsAre("actions", "states"));
  EXPECT_EQ(real_stream(info, "actions").schema, "float64[7]");
  EXPECT_EQ(real_stream(info, "actions").type, "parity/Tensor");
  EXPECT_EQ(real_stream(info, "states").schema, "float64[32]");
  EXPECT_EQ(real_stream(info, "states").metadata.at("rate_hz"), "20");
  EXPECT_EQ(real_stream(info, "states").metadata.at("time_source"), "synthetic");
  EXPECT_EQ(real_stream(info, "states").metadata.at("source_key"), "data/demo_1/states");
  ASSERT_EQ(info.episodes.size(), 4u);
  const std::uint64_t rows[] = {226, 1143, 285, 296};
  for (std::size_t e = 0; e < 4; ++e) {
    EXPECT_EQ(info.episodes[e].name, "demo_" + std::to_string(e + 1));
    EXPECT_EQ(info.episodes[e].message_count, 2 * rows[e]);
    EXPECT_EQ(info.episodes[e].attributes.at("num_samples"), std::to_string(rows[e]));
    EXPECT_EQ(info.episodes[e].attributes.count("model_file"), 0u);
    EXPECT_GT(std::stoul(info.episodes[e].attributes.at("model_file_bytes")), 1000u);
    EXPECT_EQ(info.episodes[e].attributes.at("model_file_hash").size(), 32u);
  }
  EXPECT_EQ(info.message_count, 2u * (226 + 1143 + 285 + 296));
  // demo_1 spans 0 .. 225 * 50 ms; demo_2 starts one period later.
  EXPECT_EQ(info.episodes[0].start_ns, 0);
  EXPECT_EQ(info.episodes[0].end_ns, 225 * 50'000'000LL);
  EXPECT_EQ(info.episodes[1].start_ns, 226 * 50'000'000LL);
  EXPECT_EQ(info.start_ns, 0);

  std::map<std::string, std::string> robosuite;
  std::map<std::string, std::string> attributes;
  for (const MetadataRecord& record : info.metadata) {
    if (record.name == "robosuite") robosuite = record.entries;
    if (record.name == "attributes") attributes = record.entries;
  }
  EXPECT_THAT(attributes, ElementsAre(Pair("embodiment", "Panda"), Pair("task", "Lift")));
  EXPECT_EQ(robosuite.at("repository_version"), "1.4.1");
  EXPECT_EQ(robosuite.at("date"), "3-16-2024");
  EXPECT_EQ(robosuite.at("time"), "15:7:5");
  EXPECT_EQ(robosuite.at("env"), "Lift");
  EXPECT_EQ(robosuite.at("controller"), "OSC_POSE");
  EXPECT_EQ(robosuite.at("num_demos"), "4");
  EXPECT_EQ(diagnostics.size(), 0u);

  // Episode 0 only, independent read of every row of both datasets.
  ReadOptions options;
  options.episode = 0;
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 2u * 226);
  const std::vector<double> actions = read_whole(path, "/data/demo_1/actions");
  const std::vector<double> states = read_whole(path, "/data/demo_1/states");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    const std::size_t row = i / 2;
    EXPECT_EQ(m.topic, i % 2 == 0 ? "actions" : "states");
    EXPECT_EQ(m.time_ns, static_cast<std::int64_t>(row) * 50'000'000);
    EXPECT_EQ(m.sequence, row);
    const std::vector<double>& whole = i % 2 == 0 ? actions : states;
    const std::size_t width = i % 2 == 0 ? 7 : 32;
    ASSERT_EQ(m.data.size(), width * 8);
    EXPECT_EQ(std::memcmp(m.data.data(), whole.data() + row * width, width * 8), 0) << i;
  }
  // h5dump -m %.17g -d /data/demo_1/states -s 5,0 -c 1,2
  EXPECT_EQ(element(messages[11].data, 0), 0.25000000000000017);
  EXPECT_EQ(element(messages[11].data, 1), -0.019082854217174046);
}

TEST(Hdf5RealData, Robosuite140ThreeDemos) {
  PARITY_REQUIRE_SHARED_DATA(path, "hdf5/robosuite-v1.4.0-lift-panda/demo.hdf5");
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-robosuite");
  EXPECT_EQ(info.library, "robosuite 1.4.0");
  ASSERT_EQ(info.episodes.size(), 3u);
  EXPECT_EQ(info.episodes[0].attributes.at("num_samples"), "482");
  EXPECT_EQ(info.episodes[1].attributes.at("num_samples"), "510");
  EXPECT_EQ(info.episodes[2].attributes.at("num_samples"), "392");
  EXPECT_EQ(real_stream(info, "actions").schema, "float64[7]");
  EXPECT_EQ(real_stream(info, "states").schema, "float64[32]");
  EXPECT_EQ(real_stream(info, "states").message_count, 482u + 510 + 392);

  ReadOptions options;
  options.topics = {"states"};
  options.limit = 6;
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 6u);
  // h5dump -m %.17g -d /data/demo_1/states -s 5,0 -c 1,2
  EXPECT_EQ(element(messages[5].data, 0), 0.25000000000000017);
  EXPECT_EQ(element(messages[5].data, 1), 0.0052357794935974393);
}

TEST(Hdf5RealData, Robosuite10OneDemoWithJointTorques) {
  PARITY_REQUIRE_SHARED_DATA(path, "hdf5/robosuite-v1.0-lift-panda/demo.hdf5");
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.library, "robosuite 1.0.0");
  EXPECT_THAT(real_topics(info), ElementsAre("actions", "joint_torques", "states"));
  ASSERT_EQ(info.episodes.size(), 1u);
  EXPECT_EQ(info.episodes[0].name, "demo_1");
  EXPECT_EQ(real_stream(info, "states").message_count, 412u);
  EXPECT_EQ(real_stream(info, "states").schema, "float64[32]");
  EXPECT_EQ(real_stream(info, "joint_torques").schema, "float64[7]");
  // model_file is only the file name "model_1.xml" in robosuite 1.0.
  EXPECT_EQ(info.episodes[0].attributes.at("model_file_bytes"), "11");

  ReadOptions options;
  options.topics = {"states"};
  options.start_ns = 5 * 50'000'000;  // step 5
  options.limit = 1;
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].sequence, 5u);
  EXPECT_EQ(element(messages[0].data, 0), 0.30200000000000021);
  EXPECT_EQ(element(messages[0].data, 1), 0.02426450547239593);
}

TEST(Hdf5RealData, Robosuite01SawyerLiftSkipsZeroWidthArms) {
  PARITY_REQUIRE_SHARED_DATA(path, "hdf5/robosuite-v0.1-sawyer-lift/demo.hdf5");
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-robosuite");
  EXPECT_EQ(info.library, "robosuite 0.1.0");
  EXPECT_THAT(real_topics(info), ElementsAre("gripper_actuations", "joint_velocities", "right_dpos",
                                             "right_dquat", "states"));
  EXPECT_EQ(real_stream(info, "states").schema, "float64[34]");
  EXPECT_EQ(real_stream(info, "gripper_actuations").schema, "float64[1]");
  EXPECT_EQ(real_stream(info, "right_dquat").schema, "float64[4]");
  ASSERT_EQ(info.episodes.size(), 2u);
  EXPECT_EQ(info.episodes[0].attributes.at("num_samples"), "1058");
  EXPECT_EQ(info.episodes[1].attributes.at("num_samples"), "837");
  EXPECT_EQ(info.message_count, 5u * (1058 + 837));
  std::map<std::string, std::string> attributes;
  for (const MetadataRecord& record : info.metadata) {
    if (record.name == "attributes") attributes = record.entries;
  }
  // robosuite 0.x names environments <Robot><Task> and has no env_info.
  EXPECT_THAT(attributes, ElementsAre(Pair("embodiment", "Sawyer"), Pair("task", "Lift")));
  // left_dpos / left_dquat are (N, 0): reported (info), not streams.
  std::size_t zero_width = 0;
  for (const Diagnostic& d : diagnostics.diagnostics()) {
    EXPECT_EQ(d.severity, Severity::kInfo) << d.to_string();
    if (d.message.find("zero-width steps") != std::string::npos) ++zero_width;
  }
  EXPECT_EQ(zero_width, 4u);  // 2 datasets x 2 demos
  EXPECT_THAT(diagnostics.diagnostics().front().message,
              HasSubstr("data/demo_1/left_dpos: shape (1058,0) has zero-width steps"));

  ReadOptions options;
  options.topics = {"states", "joint_velocities"};
  options.limit = 12;
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 12u);
  EXPECT_EQ(messages[10].topic, "joint_velocities");
  EXPECT_EQ(messages[11].topic, "states");
  // h5dump -m %.17g -s 5,0 -c 1,2 on states and joint_velocities
  EXPECT_EQ(element(messages[11].data, 0), 0.060000000000000039);
  EXPECT_EQ(element(messages[11].data, 1), 0.00011648466654681296);
  EXPECT_EQ(element(messages[10].data, 0), 0.0078535953453702945);
  EXPECT_EQ(element(messages[0].data, 0), 0.011019798873293865);
}

}  // namespace
}  // namespace parity::hdf5
