// Damaged and hostile HDF5 files: truncation, garbage after a valid signature, absurd extents,
// deep nesting, object floods, links, external storage, corrupt chunks, row-count mismatches.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "formats/hdf5/test/hdf5_test_writer.h"
#include "parity/formats/hdf5/hdf5_recording.h"
#include "testing/testing.h"

namespace parity::hdf5 {
namespace {

using testing::H5Writer;
using ::testing::HasSubstr;
using testing::ramp;

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

bool has_message(const DiagnosticCollector& diagnostics, Severity severity,
                 const std::string& text) {
  for (const Diagnostic& d : diagnostics.diagnostics()) {
    if (d.severity == severity && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string all_messages(const DiagnosticCollector& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics.diagnostics()) out += d.to_string() + "\n";
  return out;
}

// A minimal raw-robosuite file: data attrs + demo_1 with actions and states.
void write_minimal(H5Writer& w, std::size_t n = 4) {
  w.group("data");
  w.string_attr("data", "repository_version", "1.4.1");
  w.string_attr("data", "env", "Lift");
  w.dataset<double>("data/demo_1/actions", {n, 7}, ramp(n, 7));
  w.dataset<double>("data/demo_1/states", {n, 32}, ramp(n, 32));
}

TEST(Hdf5Hostile, ZeroBytes) {
  parity::testing::TempDir dir;
  write_file(dir / "empty.hdf5", {});
  NullDiagnosticSink diagnostics;
  auto recording = open_hdf5_recording(dir / "empty.hdf5", diagnostics);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.status().code(), StatusCode::kTruncated);
  EXPECT_THAT(recording.status().message(), HasSubstr("empty.hdf5: empty file (0 bytes)"));
}

TEST(Hdf5Hostile, MissingFile) {
  parity::testing::TempDir dir;
  NullDiagnosticSink diagnostics;
  auto recording = open_hdf5_recording(dir / "nope.hdf5", diagnostics);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(recording.status().message(), HasSubstr("nope.hdf5: no such file"));
}

TEST(Hdf5Hostile, TruncatedRealFileAtSeveralOffsets) {
  PARITY_REQUIRE_SHARED_DATA(path, "hdf5/robosuite-v1.4.1-lift-panda-1710619576/demo.hdf5");
  const std::vector<std::uint8_t> bytes = read_file(path);
  ASSERT_EQ(bytes.size(), 770808u);
  parity::testing::TempDir dir;
  struct Case {
    std::size_t size;
    StatusCode code;
    const char* text;
  };
  const Case cases[] = {
      {4, StatusCode::kCorrupt, "not an HDF5 file: no HDF5 signature"},
      {100, StatusCode::kTruncated,
       "libhdf5 cannot open the file (100 bytes): unable to open file: truncated file: eof = 100"},
      {2048, StatusCode::kTruncated, "truncated file: eof = 2048"},
      {100000, StatusCode::kTruncated, "truncated file: eof = 100000"},
      {bytes.size() - 1, StatusCode::kTruncated, "truncated file: eof = 770807"},
  };
  for (const Case& c : cases) {
    const fs::path cut = dir / ("cut_" + std::to_string(c.size) + ".hdf5");
    write_file(cut, {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(c.size)});
    NullDiagnosticSink diagnostics;
    auto recording = open_hdf5_recording(cut, diagnostics);
    ASSERT_FALSE(recording.ok()) << c.size;
    EXPECT_EQ(recording.status().code(), c.code) << recording.status().to_string();
    EXPECT_THAT(recording.status().message(), HasSubstr(c.text));
    EXPECT_THAT(recording.status().message(), HasSubstr(cut.filename().string()));
  }
}

TEST(Hdf5Hostile, RandomBytesAfterASignature) {
  parity::testing::TempDir dir;
  std::mt19937 random(42);
  for (const std::size_t offset : {0u, 512u}) {
    std::vector<std::uint8_t> bytes(8192);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    std::copy(std::begin(kHdf5Signature), std::end(kHdf5Signature),
              bytes.begin() + static_cast<std::ptrdiff_t>(offset));
    const fs::path path = dir / ("random_" + std::to_string(offset) + ".hdf5");
    write_file(path, bytes);
    NullDiagnosticSink diagnostics;
    auto recording = open_hdf5_recording(path, diagnostics);
    ASSERT_FALSE(recording.ok());
    EXPECT_EQ(recording.status().code(), StatusCode::kCorrupt) << recording.status().to_string();
    EXPECT_THAT(recording.status().message(),
                HasSubstr("libhdf5 cannot open the file (8192 bytes)"));
  }
}

TEST(Hdf5Hostile, AbsurdDeclaredExtentsAreNotRead) {
  parity::testing::TempDir dir;
  const fs::path path = dir / "absurd.hdf5";
  {
    H5Writer w(path);
    write_minimal(w);
    // Chunked and never written: libhdf5 allocates nothing, reads would return fill values.
    w.dataset<double>("data/demo_1/endless", {hsize_t{1} << 40, 7}, {}, {1024, 7});
    w.dataset<double>("data/demo_1/huge", {hsize_t{1} << 31, 1000}, {}, {16, 1000});
    w.dataset<std::uint8_t>("data/demo_1/fat_row", {2, hsize_t{1} << 30}, {}, {1, 1 << 20});
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.streams.size(), 2u);
  EXPECT_EQ(info.streams[0].topic, "actions");
  EXPECT_EQ(info.streams[1].topic, "states");
  EXPECT_TRUE(
      has_message(diagnostics, Severity::kWarning,
                  "data/demo_1/endless: 1099511627776 steps, more than 4294967296; not read"))
      << all_messages(diagnostics);
  EXPECT_TRUE(has_message(diagnostics, Severity::kWarning,
                          "data/demo_1/huge: shape (2147483648,1000) declares 17179869184000 bytes "
                          "but only 0 are stored; not read"))
      << all_messages(diagnostics);
  EXPECT_TRUE(has_message(diagnostics, Severity::kWarning,
                          "data/demo_1/fat_row: one step is 1073741824 bytes, more than the "
                          "268435456 bytes Parity reads per step; not read"))
      << all_messages(diagnostics);
}

TEST(Hdf5Hostile, DeepNestingIsCut) {
  parity::testing::TempDir dir;
  const fs::path path = dir / "deep.hdf5";
  {
    H5Writer w(path);
    write_minimal(w);
    std::string deep = "deep";
    for (int i = 0; i < 60; ++i) deep += "/g";
    w.group(deep);
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().episodes.size(), 1u);
  EXPECT_TRUE(
      has_message(diagnostics, Severity::kWarning, "nesting deeper than max_depth (32) not walked"))
      << all_messages(diagnostics);
}

TEST(Hdf5Hostile, ObjectFloodStopsAtMaxObjects) {
  parity::testing::TempDir dir;
  const fs::path path = dir / "flood.hdf5";
  {
    H5Writer w(path);
    write_minimal(w);
    for (int i = 0; i < 3000; ++i) w.group("junk/g" + std::to_string(i));
  }
  DiagnosticCollector diagnostics;
  Hdf5OpenOptions options;
  options.limits.max_objects = 200;
  auto recording = open_hdf5_recording(path, diagnostics, options);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().episodes.size(), 1u);
  EXPECT_TRUE(has_message(diagnostics, Severity::kWarning,
                          "junk: max_objects (200) reached; the rest of the file is not listed"))
      << all_messages(diagnostics);

  auto tree = read_hdf5_tree(path, options.limits, diagnostics);
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(tree->object_count, 200u);
  ASSERT_NE(tree->find("junk"), nullptr);
  EXPECT_EQ(tree->find("junk")->children.size(),
            194u);  // 200 - root, data, demo_1, 2 datasets, junk
}

TEST(Hdf5Hostile, SoftAndExternalLinksAreNotFollowed) {
  parity::testing::TempDir dir;
  const fs::path other = dir / "other.hdf5";
  {
    H5Writer w(other);
    write_minimal(w);
  }
  const fs::path path = dir / "links.hdf5";
  {
    H5Writer w(path);
    write_minimal(w);
    ASSERT_GE(H5Lcreate_soft("/data/demo_1", w.file(), "data/demo_2", H5P_DEFAULT, H5P_DEFAULT), 0);
    ASSERT_GE(H5Lcreate_external(other.c_str(), "/data/demo_1", w.file(), "data/demo_3",
                                 H5P_DEFAULT, H5P_DEFAULT),
              0);
    ASSERT_GE(
        H5Lcreate_hard(w.file(), "/data", w.file(), "data/demo_1/loop", H5P_DEFAULT, H5P_DEFAULT),
        0);
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().episodes.size(), 1u);
  EXPECT_EQ(diagnostics.count(Severity::kWarning), 0u) << all_messages(diagnostics);
  EXPECT_TRUE(has_message(diagnostics, Severity::kInfo,
                          "3 link(s) not followed: data/demo_1/loop: hard link to an object "
                          "already listed; not walked again"))
      << all_messages(diagnostics);
  auto tree = read_hdf5_tree(path, {}, diagnostics);
  ASSERT_TRUE(tree.ok());
  ASSERT_EQ(tree->omissions.size(), 3u);
  EXPECT_EQ(tree->omissions[1], "data/demo_2: soft link not followed");
  EXPECT_EQ(tree->omissions[2], "data/demo_3: external or user-defined link not followed");
}

TEST(Hdf5Hostile, ExternalStorageIsNeverRead) {
  parity::testing::TempDir dir;
  write_file(dir / "secret.bin", std::vector<std::uint8_t>(4 * 8, 0x41));
  const fs::path path = dir / "external.hdf5";
  {
    H5Writer w(path);
    write_minimal(w);
    const hsize_t dims[2] = {4, 1};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    ASSERT_GE(H5Pset_external(dcpl, (dir / "secret.bin").c_str(), 0, 4 * 8), 0);
    const hid_t d = H5Dcreate2(w.file(), "data/demo_1/secret", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                               dcpl, H5P_DEFAULT);
    ASSERT_GE(d, 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  EXPECT_EQ((*recording)->info().streams.size(), 2u);
  EXPECT_TRUE(has_message(diagnostics, Severity::kWarning,
                          "data/demo_1/secret: not read: external storage (its data lives in "
                          "other files)"))
      << all_messages(diagnostics);
}

TEST(Hdf5Hostile, CorruptChunkIsReportedAndTheRestDelivered) {
  parity::testing::TempDir dir;
  const fs::path path = dir / "corrupt_chunk.hdf5";
  haddr_t address = 0;
  hsize_t size = 0;
  {
    H5Writer w(path);
    w.group("data");
    w.string_attr("data", "repository_version", "1.4.1");
    w.dataset<double>("data/demo_1/actions", {6, 7}, ramp(6, 7), {2, 7}, 6);
    w.dataset<double>("data/demo_1/states", {6, 3}, ramp(6, 3));
    const hid_t d = H5Dopen2(w.file(), "data/demo_1/actions", H5P_DEFAULT);
    const hsize_t coordinates[2] = {2, 0};  // the chunk with rows 2..3
    unsigned mask = 0;
    ASSERT_GE(H5Dget_chunk_info_by_coord(d, coordinates, &mask, &address, &size), 0);
    H5Dclose(d);
  }
  std::vector<std::uint8_t> bytes = read_file(path);
  ASSERT_LE(address + size, bytes.size());
  for (hsize_t i = 0; i < size; ++i) bytes[address + i] = 0xAB;
  write_file(path, bytes);

  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  std::vector<std::pair<std::string, std::uint32_t>> delivered;
  ReadOptions options;
  Hdf5OpenOptions defaults;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& view) {
                                    delivered.emplace_back(view.stream->topic, view.sequence);
                                    return Status{};
                                  })
                  .ok());
  // The first block of actions covers all 6 rows (whole chunks up to block_bytes), so the damaged
  // chunk fails that read and no action is delivered; states are unaffected.
  std::size_t states = 0;
  for (const auto& [topic, row] : delivered) states += topic == "states" ? 1 : 0;
  EXPECT_EQ(states, 6u);
  ASSERT_EQ(diagnostics.count(Severity::kError), 1u) << all_messages(diagnostics);
  EXPECT_TRUE(has_message(diagnostics, Severity::kError,
                          "data/demo_1/actions: reading rows 0..6 "
                          "failed"))
      << all_messages(diagnostics);
  EXPECT_TRUE(has_message(diagnostics, Severity::kError,
                          "rows 0..6 of stream 'actions' in data/demo_1 are not delivered"))
      << all_messages(diagnostics);

  // With 2-row blocks the chunk before the damage is delivered.
  DiagnosticCollector small_diagnostics;
  defaults.block_bytes = 2 * 7 * 8;
  auto small = open_hdf5_recording(path, small_diagnostics, defaults);
  ASSERT_TRUE(small.ok());
  std::vector<std::uint32_t> action_rows;
  ASSERT_TRUE((*small)
                  ->read_messages({},
                                  [&](const MessageView& view) {
                                    if (view.stream->topic == "actions") {
                                      action_rows.push_back(view.sequence);
                                    }
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(action_rows, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_TRUE(has_message(small_diagnostics, Severity::kError,
                          "data/demo_1/actions: reading rows 2..4 failed"))
      << all_messages(small_diagnostics);
}

TEST(Hdf5Hostile, RowCountMismatchWarnsAndStillReads) {
  parity::testing::TempDir dir;
  const fs::path path = dir / "mismatch.hdf5";
  {
    H5Writer w(path);
    w.group("data");
    w.string_attr("data", "env_args", "{not json");
    w.dataset<double>("data/demo_0/actions", {5, 2}, ramp(5, 2));
    w.dataset<double>("data/demo_0/obs/eef", {4, 3}, ramp(4, 3));
    w.int_attr("data/demo_0", "num_samples", 5);
    w.string_attr("data/demo_0", "huge", std::string(3 << 20, 'x'));
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-robomimic");
  EXPECT_EQ(info.episodes[0].message_count, 9u);
  EXPECT_EQ(info.episodes[0].attributes.count("huge"), 0u);
  EXPECT_TRUE(has_message(diagnostics, Severity::kWarning,
                          "data/demo_0/obs/eef: 4 rows but data/demo_0 has 5 steps; its 4 rows "
                          "are delivered"))
      << all_messages(diagnostics);
  EXPECT_TRUE(has_message(diagnostics, Severity::kWarning,
                          "data: attribute env_args is not valid JSON (9 bytes); ignored"))
      << all_messages(diagnostics);
  std::size_t count = 0;
  ASSERT_TRUE((*recording)
                  ->read_messages({},
                                  [&](const MessageView&) {
                                    ++count;
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(count, 9u);

  // The 3 MiB attribute is kept only up to max_value_bytes.
  auto tree = read_hdf5_tree(path, {}, diagnostics);
  ASSERT_TRUE(tree.ok());
  const Hdf5Attribute* huge = tree->find("data/demo_0")->attribute("huge");
  ASSERT_NE(huge, nullptr);
  EXPECT_TRUE(huge->value.truncated);
  EXPECT_EQ(huge->value.full_size, 3u << 20);
  EXPECT_EQ(huge->value.text.size(), 1u << 20);
}

TEST(Hdf5Hostile, LayoutWithoutDemos) {
  parity::testing::TempDir dir;
  const fs::path path = dir / "nodemos.hdf5";
  {
    H5Writer w(path);
    w.group("data/notademo");
    w.string_attr("data", "env_args", "{}");
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(recording.status().message(),
              HasSubstr("nodemos.hdf5: robomimic layout but data/ holds no demo_<i> groups"));
  EXPECT_TRUE(has_message(diagnostics, Severity::kInfo,
                          "data: 1 member(s) not named demo_<i> are not episodes: notademo"));
}

}  // namespace
}  // namespace parity::hdf5
