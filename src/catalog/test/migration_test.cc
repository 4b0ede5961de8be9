// Opening, creating and migrating catalog files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "catalog/migrations.h"
#include "catalog/test/catalog_fixtures.h"
#include "parity/catalog/catalog.h"

namespace parity {
namespace {

using catalog_testing::options_with;
using catalog_testing::RawDb;
using catalog_testing::TestClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string read_bytes(const std::filesystem::path& path) {
  std::string bytes(std::filesystem::file_size(path), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(in.good()) << path;
  return bytes;
}

TEST(CatalogOpenTest, MissingFileWithoutCreateIsNotFoundAndCreatesNothing) {
  testing::TempDir dir;
  const auto result = Catalog::open(dir / "catalog.db");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("catalog.db: no catalog here"));
  EXPECT_THAT(result.status().message(), HasSubstr("run `parity init`"));
  EXPECT_FALSE(std::filesystem::exists(dir / "catalog.db"));
}

TEST(CatalogOpenTest, CreatesLatestSchemaWithWalAndForeignKeys) {
  testing::TempDir dir;
  auto clock = std::make_shared<TestClock>();
  const auto path = dir.path() / "nested" / "dir" / "catalog.db";
  {
    auto catalog = Catalog::open(path, options_with(clock));
    ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();
    EXPECT_EQ((*catalog)->schema_version(), Catalog::kSchemaVersion);
    EXPECT_EQ((*catalog)->path(), path);
  }
  RawDb raw(path);
  EXPECT_EQ(raw.scalar("PRAGMA user_version"), "2");
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");
  EXPECT_THAT(raw.rows("SELECT version, description, applied_at FROM schema_migrations"),
              ElementsAre("1|initial schema: sources, episodes, attributes, streams, provenance, "
                          "runs, snapshots|2026-01-10T00:00:00Z",
                          "2|features: feature_status, episode_features, frame_samples|"
                          "2026-01-10T00:00:00Z"));
  EXPECT_THAT(raw.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                       "'sqlite_%' ORDER BY name"),
              ElementsAre("episode_attributes", "episode_features", "episodes", "feature_status",
                          "frame_samples", "ingest_runs", "provenance", "schema_migrations",
                          "snapshot_episodes", "snapshot_files", "snapshots", "source_attributes",
                          "sources", "streams"));
}

TEST(CatalogOpenTest, ReopeningAnExistingCatalogKeepsItsVersionAndHistory) {
  testing::TempDir dir;
  auto clock = std::make_shared<TestClock>();
  ASSERT_TRUE(Catalog::open(dir / "c.db", options_with(clock)).ok());
  clock->now = catalog_testing::utc(2027, 5, 1);
  auto again = Catalog::open(dir / "c.db");  // no create flag needed
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ((*again)->schema_version(), 2);
  RawDb raw(dir / "c.db");
  EXPECT_EQ(raw.scalar("SELECT count(*) || ' ' || max(applied_at) FROM schema_migrations"),
            "2 2026-01-10T00:00:00Z");
}

TEST(CatalogMigrationTest, VersionZeroDatabaseIsMigratedToTheLatestVersion) {
  testing::TempDir dir;
  const auto path = dir / "old.db";
  {
    RawDb raw(path);  // an empty SQLite database: user_version 0, no tables
    raw.exec("PRAGMA user_version = 0");
  }
  auto clock = std::make_shared<TestClock>();
  auto catalog = Catalog::open(path, options_with(clock, /*create=*/false));
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();
  EXPECT_EQ((*catalog)->schema_version(), 2);
  RawDb raw(path);
  EXPECT_EQ(raw.scalar("PRAGMA user_version"), "2");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'episodes'"), "1");
}

TEST(CatalogMigrationTest, VersionOneCatalogGainsTheFeatureTablesAndKeepsItsRows) {
  testing::TempDir dir;
  const auto path = dir / "v1.db";
  {
    RawDb raw(path);
    const auto v1 = catalog_detail::catalog_migrations().first(1);
    ASSERT_TRUE(catalog_detail::migrate(raw.get(), v1, "2026-01-01T00:00:00Z").ok());
    raw.exec(
        "INSERT INTO sources VALUES ('s1', '/d/a.mcap', 'mcap', 'lab', '', 'h1', 10, "
        "'2026-01-01T00:00:00Z', 1, NULL, NULL)");
  }
  auto catalog = Catalog::open(path, options_with(std::make_shared<TestClock>(), false));
  ASSERT_TRUE(catalog.ok()) << catalog.status().to_string();
  EXPECT_EQ((*catalog)->schema_version(), 2);
  RawDb raw(path);
  EXPECT_EQ(raw.scalar("SELECT path FROM sources"), "/d/a.mcap");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM episode_features"), "0");
}

TEST(CatalogMigrationTest, PendingStepsApplyInOrderEachRecorded) {
  testing::TempDir dir;
  const auto path = dir / "c.db";
  ASSERT_TRUE(Catalog::open(path, options_with(std::make_shared<TestClock>())).ok());

  // A future build's step list: the real steps plus a v3 that adds a table and a column.
  const auto current = catalog_detail::catalog_migrations();
  std::vector<catalog_detail::Migration> steps(current.begin(), current.end());
  steps.push_back({3, "add quality tables",
                   "CREATE TABLE features (episode_id TEXT, name TEXT, value REAL);"
                   "ALTER TABLE episodes ADD COLUMN quality REAL NOT NULL DEFAULT 0;"});
  RawDb raw(path);
  const auto version = catalog_detail::migrate(raw.get(), steps, "2026-02-02T00:00:00Z");
  ASSERT_TRUE(version.ok()) << version.status().to_string();
  EXPECT_EQ(*version, 3);
  EXPECT_EQ(raw.scalar("PRAGMA user_version"), "3");
  EXPECT_THAT(
      raw.rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
      ElementsAre("1|2026-01-10T00:00:00Z", "2|2026-01-10T00:00:00Z", "3|2026-02-02T00:00:00Z"));
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM pragma_table_info('episodes') WHERE name = "
                       "'quality'"),
            "1");

  // This build (latest = 2) now refuses the file.
  const auto refused = Catalog::open(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
}

TEST(CatalogMigrationTest, FailingStepRollsBackCompletelyAndKeepsTheOldVersion) {
  testing::TempDir dir;
  const auto path = dir / "c.db";
  ASSERT_TRUE(Catalog::open(path, options_with(std::make_shared<TestClock>())).ok());
  RawDb raw(path);
  const auto before = raw.dump();
  const auto current = catalog_detail::catalog_migrations();
  std::vector<catalog_detail::Migration> steps(current.begin(), current.end());
  // The first statement succeeds, the second fails (episodes exists): nothing may remain.
  steps.push_back({3, "broken", "CREATE TABLE half_done (x); CREATE TABLE episodes (y);"});
  const auto version = catalog_detail::migrate(raw.get(), steps, "2026-02-02T00:00:00Z");
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.status().code(), StatusCode::kInternal);
  EXPECT_THAT(version.status().message(), HasSubstr("migration to schema version 3"));
  EXPECT_THAT(version.status().message(), HasSubstr("table episodes already exists"));
  EXPECT_EQ(raw.dump(), before);
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"), "0");
}

TEST(CatalogMigrationTest, NewerSchemaIsRefusedWithoutTouchingTheFile) {
  testing::TempDir dir;
  const auto path = dir / "c.db";
  ASSERT_TRUE(Catalog::open(path, options_with(std::make_shared<TestClock>())).ok());
  { RawDb(path).exec("PRAGMA user_version = 7"); }
  const std::string bytes = read_bytes(path);
  const auto result = Catalog::open(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(),
              HasSubstr("c.db: catalog schema version 7 is newer than this build of Parity "
                        "supports (version 2); upgrade Parity to open it"));
  EXPECT_EQ(read_bytes(path), bytes);
}

TEST(CatalogOpenTest, NonSqliteFileIsCorruptAndUntouched) {
  testing::TempDir dir;
  const auto path = dir / "notes.db";
  std::string text;
  for (int i = 0; i < 200; ++i) text += "this is not a database, just text\n";
  std::ofstream(path, std::ios::binary) << text;
  for (const bool create : {false, true}) {
    CatalogOptions options;
    options.create_if_missing = create;
    const auto result = Catalog::open(path, options);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
    EXPECT_THAT(result.status().message(), HasSubstr("notes.db: not a Parity catalog"));
    EXPECT_EQ(result.status().message(),
              path.string() + ": not a Parity catalog: file is not a database");
  }
  EXPECT_EQ(read_bytes(path), text);
}

TEST(CatalogOpenTest, SqliteDatabaseOfSomethingElseIsCorrupt) {
  testing::TempDir dir;
  const auto path = dir / "other.db";
  { RawDb(path).exec("CREATE TABLE topics (id INTEGER); CREATE TABLE messages (id INTEGER);"); }
  const auto result = Catalog::open(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(result.status().message(),
              HasSubstr("other.db: not a Parity catalog: the database has tables (messages, "
                        "topics) but no catalog schema version"));
}

TEST(CatalogOpenTest, RealRos2BagDatabaseIsNotACatalog) {
  PARITY_REQUIRE_SHARED_DATA(bag, "ros2-db3/evo-tf-example/tf_example.db3");
  testing::TempDir dir;
  const auto copy = dir / "tf_example.db3";  // never open shared data read-write
  std::filesystem::copy_file(bag, copy);
  const auto result = Catalog::open(copy);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(result.status().message(), HasSubstr("not a Parity catalog"));
  EXPECT_THAT(result.status().message(), HasSubstr("messages"));
  EXPECT_EQ(read_bytes(copy), read_bytes(bag));
}

TEST(CatalogOpenTest, DirectoryIsRefused) {
  testing::TempDir dir;
  const auto result = Catalog::open(dir.path());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("is a directory"));
}

}  // namespace
}  // namespace parity
