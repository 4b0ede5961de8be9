// Snapshot create / list / show / verify.
#include "parity/catalog/snapshot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "catalog/test/catalog_fixtures.h"
#include "parity/catalog/catalog.h"
#include "parity/core/hash.h"

namespace parity {
namespace {

using catalog_testing::hex_id;
using catalog_testing::ids_of;
using catalog_testing::make_episode;
using catalog_testing::make_source;
using catalog_testing::options_with;
using catalog_testing::RawDb;
using catalog_testing::TestClock;
using catalog_testing::utc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string hash_of(const std::filesystem::path& path) {
  const auto hash = hash_file(path);
  EXPECT_TRUE(hash.ok()) << hash.status().to_string();
  return hash.ok() ? hash->to_hex() : "";
}

ProvenanceRecord provenance_of(const std::filesystem::path& file) {
  ProvenanceRecord record;
  record.file = file.string();
  record.file_hash = hash_of(file);
  record.file_bytes = std::filesystem::file_size(file);
  record.byte_end = record.file_bytes;
  record.reader = "mcap";
  record.reader_version = "0.1.0";
  return record;
}

// Source A (lab): e1 reads f1; e2 reads f1 and f2. Source B (field): e3 reads f3.
class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::open(dir_ / "catalog.db", options_with(clock_));
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    catalog_ = std::move(opened).value();
    write_file(f1_, "first file bytes");
    write_file(f2_, "second file bytes, a little longer");
    write_file(f3_, "third");

    a_ = make_source(hex_id("51"), "/data/a");
    auto e1 = make_episode(hex_id("e1"), a_.id, 0);
    e1.provenance = {provenance_of(f1_)};
    auto e2 = make_episode(hex_id("e2"), a_.id, 1);
    e2.provenance = {provenance_of(f1_), provenance_of(f2_)};
    ASSERT_TRUE(catalog_->store_source(a_, {e1, e2}, 0).ok());
    b_ = make_source(hex_id("52"), "/data/b", "field");
    auto e3 = make_episode(hex_id("e3"), b_.id, 0);
    e3.provenance = {provenance_of(f3_)};
    ASSERT_TRUE(catalog_->store_source(b_, {e3}, 0).ok());
    clock_->now = utc(2026, 3, 1, 12);
  }

  testing::TempDir dir_;
  std::filesystem::path f1_ = dir_ / "f1.bin";
  std::filesystem::path f2_ = dir_ / "f2.bin";
  std::filesystem::path f3_ = dir_ / "f3.bin";
  std::shared_ptr<TestClock> clock_ = std::make_shared<TestClock>();
  std::unique_ptr<Catalog> catalog_;
  SourceRecord a_, b_;
};

TEST_F(SnapshotTest, CreateListAndShowFreezeEpisodesAndFiles) {
  const auto created = catalog_->create_snapshot("train-v1", "domain = lab", "lab episodes");
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_EQ(created->name, "train-v1");
  EXPECT_EQ(created->where, "domain = lab");
  EXPECT_EQ(created->description, "lab episodes");
  EXPECT_EQ(created->created_at, "2026-03-01T12:00:00Z");
  EXPECT_EQ(created->episode_count, 2U);
  EXPECT_EQ(created->file_count, 2U);

  clock_->now = utc(2026, 3, 2);
  const auto everything = catalog_->create_snapshot("all.2026-03_02", "", "");
  ASSERT_TRUE(everything.ok()) << everything.status().to_string();
  EXPECT_EQ(everything->episode_count, 3U);
  EXPECT_EQ(everything->file_count, 3U);

  const auto listed = catalog_->list_snapshots();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].name, "train-v1");
  EXPECT_EQ((*listed)[0].episode_count, 2U);
  EXPECT_EQ((*listed)[1].name, "all.2026-03_02");
  EXPECT_EQ((*listed)[1].created_at, "2026-03-02T00:00:00Z");

  const auto detail = catalog_->get_snapshot("train-v1");
  ASSERT_TRUE(detail.ok()) << detail.status().to_string();
  EXPECT_EQ(detail->info.name, "train-v1");
  ASSERT_EQ(detail->episodes.size(), 2U);
  const SnapshotFile file1{f1_.string(), hash_of(f1_), 16};
  const SnapshotFile file2{f2_.string(), hash_of(f2_), 34};
  EXPECT_EQ(detail->episodes[0].episode_id, hex_id("e1"));
  EXPECT_EQ(detail->episodes[0].source_id, a_.id);
  EXPECT_EQ(detail->episodes[0].content_hash, a_.content_hash);
  EXPECT_THAT(detail->episodes[0].files, ElementsAre(file1));
  EXPECT_EQ(detail->episodes[1].episode_id, hex_id("e2"));
  EXPECT_THAT(detail->episodes[1].files, ElementsAre(file1, file2));
  EXPECT_THAT(detail->files, ElementsAre(file1, file2));
}

TEST_F(SnapshotTest, InvalidTakenOrEmptySnapshotsAreRefusedAndLeaveNoTrace) {
  ASSERT_TRUE(catalog_->create_snapshot("s", "domain = lab", "").ok());
  RawDb raw(dir_ / "catalog.db");
  const auto before = raw.dump();

  const auto taken = catalog_->create_snapshot("s", "", "");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(taken.status().message(),
            "snapshot 's' already exists (created 2026-03-01T12:00:00Z, where 'domain = lab')");

  for (const std::string name : {"", "bad name", "a/b", "x;y"}) {
    const auto bad = catalog_->create_snapshot(name, "", "");
    ASSERT_FALSE(bad.ok()) << name;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(bad.status().message(),
              "snapshot name '" + name + "' is invalid: expected [A-Za-z0-9._-]+");
  }

  const auto empty = catalog_->create_snapshot("empty", "domain = nowhere", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(),
            "snapshot 'empty': the selector 'domain = nowhere' selects no episodes; a snapshot "
            "needs at least one");

  const auto syntax = catalog_->create_snapshot("x", "domain =", "");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(syntax.status().message(), HasSubstr("position 9: expected a value after '='"));

  const auto unknown = catalog_->create_snapshot("x", "snapshot:nope", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);

  EXPECT_EQ(raw.dump(), before);
  EXPECT_EQ(catalog_->get_snapshot("empty").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->get_snapshot("nope").status().message(),
            "no snapshot named 'nope' (see `parity snapshot list`)");
  EXPECT_EQ(catalog_->verify_snapshot("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(SnapshotTest, VerifyReportsOkChangedAndMissingFiles) {
  ASSERT_TRUE(catalog_->create_snapshot("train-v1", "domain = lab", "").ok());
  const std::string h1 = hash_of(f1_);
  const std::string h2 = hash_of(f2_);

  auto verified = catalog_->verify_snapshot("train-v1");
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_TRUE(verified->ok);
  EXPECT_EQ(verified->name, "train-v1");
  EXPECT_EQ(verified->episode_count, 2U);
  ASSERT_EQ(verified->files.size(), 2U);
  for (const FileVerification& file : verified->files) {
    EXPECT_EQ(file.state, FileState::kOk) << file.file;
    EXPECT_EQ(file.found_hash, file.expected_hash) << file.file;
  }

  write_file(f2_, "second file bytes, A little longer");  // same size, one byte differs
  const std::string changed_hash = hash_of(f2_);
  verified = catalog_->verify_snapshot("train-v1");
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->ok);
  EXPECT_EQ(verified->files[0].state, FileState::kOk);
  EXPECT_EQ(verified->files[1].file, f2_.string());
  EXPECT_EQ(verified->files[1].state, FileState::kChanged);
  EXPECT_EQ(verified->files[1].expected_hash, h2);
  EXPECT_EQ(verified->files[1].found_hash, changed_hash);
  EXPECT_EQ(verified->files[1].expected_bytes, 34U);
  EXPECT_NE(changed_hash, h2);

  std::filesystem::remove(f1_);
  verified = catalog_->verify_snapshot("train-v1");
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->ok);
  EXPECT_EQ(verified->files[0].file, f1_.string());
  EXPECT_EQ(verified->files[0].state, FileState::kMissing);
  EXPECT_EQ(verified->files[0].expected_hash, h1);
  EXPECT_EQ(verified->files[0].found_hash, "");
  EXPECT_EQ(verified->files[1].state, FileState::kChanged);
  EXPECT_TRUE(verified->missing_episode_ids.empty());

  EXPECT_EQ(file_state_name(FileState::kOk), "ok");
  EXPECT_EQ(file_state_name(FileState::kChanged), "changed");
  EXPECT_EQ(file_state_name(FileState::kMissing), "missing");
  EXPECT_EQ(file_state_name(FileState::kUnreadable), "unreadable");
}

TEST_F(SnapshotTest, VerifyReportsEpisodesThatLeftTheCatalog) {
  ASSERT_TRUE(catalog_->create_snapshot("all", "", "").ok());
  {
    RawDb raw(dir_ / "catalog.db");
    raw.exec("PRAGMA foreign_keys = ON; DELETE FROM sources WHERE id = '" + b_.id + "'");
  }
  const auto verified = catalog_->verify_snapshot("all");
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_FALSE(verified->ok);
  EXPECT_THAT(verified->missing_episode_ids, ElementsAre(hex_id("e3")));
  EXPECT_EQ(verified->episode_count, 3U);
  // The frozen record itself is unchanged.
  const auto detail = catalog_->get_snapshot("all");
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->episodes.size(), 3U);
}

TEST_F(SnapshotTest, SnapshotSelectorKeepsFrozenEpisodesAfterTheirSourceIsSuperseded) {
  ASSERT_TRUE(catalog_->create_snapshot("train-v1", "domain = lab", "").ok());
  auto a2 = make_source(hex_id("53"), "/data/a");  // new bytes at A's path
  const auto outcome = catalog_->store_source(a2, {make_episode(hex_id("e4"), a2.id, 0)}, 0);
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(outcome->kind, IngestOutcomeKind::kNewVersion);

  EpisodeFilter filter;
  filter.where = "domain = lab";
  auto listed = catalog_->list_episodes(filter);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(ids_of(*listed), ElementsAre(hex_id("e4")));

  filter.where = "snapshot:train-v1";
  listed = catalog_->list_episodes(filter);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(ids_of(*listed), ElementsAre(hex_id("e1"), hex_id("e2")));
  EXPECT_FALSE((*listed)[0].current);

  filter.where = "snapshot:train-v1 or domain = field";
  listed = catalog_->list_episodes(filter);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(ids_of(*listed), ElementsAre(hex_id("e1"), hex_id("e2"), hex_id("e3")));

  // A snapshot of a snapshot freezes the same episodes.
  const auto copy = catalog_->create_snapshot("train-v1-copy", "snapshot:train-v1", "");
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_EQ(copy->episode_count, 2U);
  EXPECT_EQ(copy->file_count, 2U);
}

TEST_F(SnapshotTest, RealRecordingVerifiesAgainstItsHash) {
  PARITY_REQUIRE_SHARED_DATA(talker, "mcap/rosbag2-talker/talker.mcap");
  auto source = make_source(hex_id("5a"), talker.string(), "lab");
  auto episode = make_episode(hex_id("ea"), source.id, 0);
  episode.provenance = {provenance_of(talker)};
  ASSERT_TRUE(catalog_->store_source(source, {episode}, 0).ok());
  const auto created = catalog_->create_snapshot("talker", "id = " + hex_id("ea"), "");
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_EQ(created->file_count, 1U);
  const auto verified = catalog_->verify_snapshot("talker");
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok);
  ASSERT_EQ(verified->files.size(), 1U);
  EXPECT_EQ(verified->files[0].found_hash, hash_of(talker));
  EXPECT_EQ(verified->files[0].expected_bytes, std::filesystem::file_size(talker));
}

TEST(SnapshotNameTest, NamesAreLettersDigitsDotsUnderscoresAndDashes) {
  EXPECT_TRUE(is_valid_snapshot_name("train-v1.2_final"));
  EXPECT_FALSE(is_valid_snapshot_name(""));
  EXPECT_FALSE(is_valid_snapshot_name("with space"));
  EXPECT_FALSE(is_valid_snapshot_name("a:b"));
  EXPECT_FALSE(is_valid_snapshot_name("é"));
}

}  // namespace
}  // namespace parity
