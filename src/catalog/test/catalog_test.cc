// Storing and loading sources, episodes and ingest runs.
#include "parity/catalog/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "catalog/test/catalog_fixtures.h"

namespace parity {
namespace {

using catalog_testing::attr;
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
using ::testing::IsEmpty;

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::open(path_, options_with(clock_));
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    catalog_ = std::move(opened).value();
  }

  IngestOutcome store(const SourceRecord& source, const std::vector<EpisodeRecord>& episodes,
                      std::int64_t run_id = 0) {
    auto outcome = catalog_->store_source(source, episodes, run_id);
    EXPECT_TRUE(outcome.ok()) << outcome.status().to_string();
    return outcome.ok() ? *outcome : IngestOutcome{};
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_ / "catalog.db";
  std::shared_ptr<TestClock> clock_ = std::make_shared<TestClock>();
  std::unique_ptr<Catalog> catalog_;
};

// A source and two episodes that use every field of every record.
struct FullSample {
  SourceRecord source;
  std::vector<EpisodeRecord> episodes;
};

FullSample full_sample() {
  FullSample sample;
  SourceRecord& s = sample.source;
  s.id = "0123456789abcdef0123456789abcdef";
  s.content_hash = s.id;
  s.path = "/data/plant-3/run 7/log.mcap";
  s.format = "rosbag2-mcap";
  s.domain = "field";
  s.kind = "deployment";
  s.size_bytes = 9'007'199'254'740'993ULL;  // not representable as a double
  s.attributes = {attr("site", std::string("plant-3"), "sidecar"),
                  attr("ambient_lux", 12.5, "metadata"), attr("night", true, "path")};

  EpisodeRecord e0;
  e0.id = "aa000000000000000000000000000001";
  e0.source_id = s.id;
  e0.index = 0;
  e0.task = "Pick up the yellow bottle";
  e0.embodiment = "unitree_g1";
  e0.start_ns = -5;  // before the epoch: stored exactly
  e0.end_ns = 9'223'372'036'854'775'807LL;
  e0.message_count = 3513;
  e0.outcome = "partial";
  e0.attributes = {attr("lighting", std::string("dim"), "cli"),
                   attr("ambient_lux", 0.1, "derived")};  // overrides the source's value
  StreamRecord imu;
  imu.name = "/nissan/gps/duro/imu";
  imu.role = "imu";
  imu.type = "sensor_msgs/msg/Imu";
  imu.encoding = "cdr";
  imu.message_count = 1556;
  imu.start_ns = 1'700'000'000'123'456'789LL;
  imu.end_ns = 1'700'000'015'700'000'000LL;
  imu.rate_hz = 99.123456789012345;
  imu.metadata_json = R"({"qos":[{"reliability":1}],"md5sum":"abc"})";
  StreamRecord image = imu;
  image.name = "/camera/color/image_raw";
  image.role = "camera/front";
  image.type = "sensor_msgs/msg/Image";
  image.rate_hz = 0.0;
  image.metadata_json = "{}";
  e0.streams = {imu, image};
  ProvenanceRecord p;
  p.file = "/data/plant-3/run 7/log.mcap";
  p.file_hash = "ffeeddccbbaa99887766554433221100";
  p.file_bytes = 782'000;
  p.byte_start = 0;
  p.byte_end = 782'000;
  p.reader = "mcap";
  p.reader_version = "0.1.0";
  p.options_json = R"({"roles":{"/cam":"camera/front"}})";
  ProvenanceRecord p2 = p;
  p2.file = "/data/plant-3/run 7/metadata.yaml";
  p2.byte_start = 10;
  p2.byte_end = 20;
  e0.provenance = {p, p2};

  EpisodeRecord e1;
  e1.id = "aa000000000000000000000000000002";
  e1.source_id = "";  // filled in from the source
  e1.index = 1;
  e1.outcome = "unknown";
  sample.episodes = {e0, e1};
  return sample;
}

TEST_F(CatalogTest, StoreThenLoadRoundTripsEveryField) {
  FullSample sample = full_sample();
  clock_->now = utc(2026, 3, 4, 5);
  const IngestOutcome outcome = store(sample.source, sample.episodes);
  EXPECT_EQ(outcome.kind, IngestOutcomeKind::kInserted);
  EXPECT_EQ(outcome.source_id, sample.source.id);
  EXPECT_EQ(outcome.replaced_source_id, std::nullopt);
  EXPECT_EQ(outcome.episodes, 2U);

  SourceRecord expected_source = sample.source;
  expected_source.ingested_at = "2026-03-04T05:00:00Z";
  expected_source.current = true;
  // Attributes come back sorted by key.
  expected_source.attributes = {attr("ambient_lux", 12.5, "metadata"), attr("night", true, "path"),
                                attr("site", std::string("plant-3"), "sidecar")};
  const auto source = catalog_->get_source(sample.source.id);
  ASSERT_TRUE(source.ok()) << source.status().to_string();
  EXPECT_EQ(*source, expected_source);

  // Effective attributes: the source's, overridden by the episode's own, sorted by key.
  EpisodeRecord expected0 = sample.episodes[0];
  expected0.attributes = {attr("ambient_lux", 0.1, "derived"), attr("lighting", std::string("dim")),
                          attr("night", true, "path"),
                          attr("site", std::string("plant-3"), "sidecar")};
  const auto e0 = catalog_->get_episode(expected0.id);
  ASSERT_TRUE(e0.ok()) << e0.status().to_string();
  EXPECT_EQ(*e0, expected0);

  EpisodeRecord expected1 = sample.episodes[1];
  expected1.source_id = sample.source.id;
  expected1.attributes = expected_source.attributes;
  const auto e1 = catalog_->get_episode(expected1.id);
  ASSERT_TRUE(e1.ok()) << e1.status().to_string();
  EXPECT_EQ(*e1, expected1);

  const auto found = catalog_->find_source_by_hash(sample.source.content_hash);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::optional<SourceRecord>(expected_source));
  const auto by_path = catalog_->find_current_source_by_path(sample.source.path);
  ASSERT_TRUE(by_path.ok());
  EXPECT_EQ(*by_path, std::optional<SourceRecord>(expected_source));
  const auto none = catalog_->find_source_by_hash("feedface");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, std::nullopt);
}

TEST_F(CatalogTest, ListEpisodesSummarisesEachEpisode) {
  FullSample sample = full_sample();
  store(sample.source, sample.episodes);
  const auto listed = catalog_->list_episodes({});
  ASSERT_TRUE(listed.ok()) << listed.status().to_string();
  ASSERT_EQ(listed->size(), 2U);
  const EpisodeSummary& s = (*listed)[0];
  EXPECT_EQ(s.id, "aa000000000000000000000000000001");
  EXPECT_EQ(s.source_id, sample.source.id);
  EXPECT_EQ(s.source_path, "/data/plant-3/run 7/log.mcap");
  EXPECT_EQ(s.format, "rosbag2-mcap");
  EXPECT_EQ(s.domain, "field");
  EXPECT_EQ(s.kind, "deployment");
  EXPECT_EQ(s.task, "Pick up the yellow bottle");
  EXPECT_EQ(s.embodiment, "unitree_g1");
  EXPECT_EQ(s.index, 0);
  EXPECT_EQ(s.start_ns, -5);
  EXPECT_EQ(s.end_ns, 9'223'372'036'854'775'807LL);
  EXPECT_EQ(s.message_count, 3513U);
  EXPECT_DOUBLE_EQ(s.duration_s, sample.episodes[0].duration_s());
  EXPECT_EQ(s.outcome, "partial");
  EXPECT_EQ(s.ingested_at, "2026-01-10T00:00:00Z");
  EXPECT_EQ(s.stream_count, 2U);
  EXPECT_TRUE(s.current);
  ASSERT_EQ(s.attributes.size(), 4U);
  EXPECT_EQ(s.attributes[1], attr("lighting", std::string("dim")));
  EXPECT_EQ((*listed)[1].stream_count, 0U);
  EXPECT_EQ((*listed)[1].duration_s, 0.0);

  EpisodeFilter limited;
  limited.limit = 1;
  const auto one = catalog_->list_episodes(limited);
  ASSERT_TRUE(one.ok());
  EXPECT_THAT(ids_of(*one), ElementsAre("aa000000000000000000000000000001"));
}

TEST_F(CatalogTest, SameContentTwiceIsStoredOnceAndReportedUnchanged) {
  const auto source = make_source(hex_id("51"), "/data/a.mcap");
  const std::vector<EpisodeRecord> episodes = {make_episode(hex_id("e1"), source.id, 0),
                                               make_episode(hex_id("e2"), source.id, 1)};
  EXPECT_EQ(store(source, episodes).kind, IngestOutcomeKind::kInserted);
  RawDb raw(path_);
  const auto before = raw.dump();

  clock_->now = utc(2026, 6, 1);
  SourceRecord moved = source;
  moved.path = "/elsewhere/a.mcap";  // same bytes at another path: still the same source
  for (const SourceRecord& again : {source, moved}) {
    const IngestOutcome outcome = store(again, episodes);
    EXPECT_EQ(outcome.kind, IngestOutcomeKind::kUnchanged);
    EXPECT_EQ(outcome.source_id, source.id);
    EXPECT_EQ(outcome.replaced_source_id, std::nullopt);
    EXPECT_EQ(outcome.episodes, 2U);
  }
  EXPECT_EQ(raw.dump(), before);
  const auto sources = catalog_->list_sources(true);
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 1U);
  EXPECT_EQ((*sources)[0].ingested_at, "2026-01-10T00:00:00Z");
  EXPECT_EQ((*sources)[0].path, "/data/a.mcap");
}

TEST_F(CatalogTest, ChangedContentAtTheSamePathBecomesANewVersion) {
  const auto v1 = make_source(hex_id("51"), "/data/a.mcap");
  store(v1, {make_episode(hex_id("e1"), v1.id, 0), make_episode(hex_id("e2"), v1.id, 1)});
  const auto other = make_source(hex_id("59"), "/data/other.mcap");
  store(other, {make_episode(hex_id("f1"), other.id, 0)});

  clock_->now = utc(2026, 2, 1);
  auto v2 = make_source(hex_id("52"), "/data/a.mcap");
  const IngestOutcome outcome = store(v2, {make_episode(hex_id("e3"), v2.id, 0)});
  EXPECT_EQ(outcome.kind, IngestOutcomeKind::kNewVersion);
  EXPECT_EQ(outcome.source_id, v2.id);
  EXPECT_EQ(outcome.replaced_source_id, std::optional<std::string>(v1.id));
  EXPECT_EQ(outcome.episodes, 1U);

  const auto old_source = catalog_->get_source(v1.id);
  ASSERT_TRUE(old_source.ok());
  EXPECT_FALSE(old_source->current);
  EXPECT_EQ(old_source->previous_version_id, std::nullopt);
  const auto new_source = catalog_->get_source(v2.id);
  ASSERT_TRUE(new_source.ok());
  EXPECT_TRUE(new_source->current);
  EXPECT_EQ(new_source->previous_version_id, std::optional<std::string>(v1.id));
  EXPECT_EQ(new_source->ingested_at, "2026-02-01T00:00:00Z");

  const auto current = catalog_->find_current_source_by_path("/data/a.mcap");
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(current->has_value());
  EXPECT_EQ((*current)->id, v2.id);
  // The superseded version is still found by its hash.
  const auto by_hash = catalog_->find_source_by_hash(v1.content_hash);
  ASSERT_TRUE(by_hash.ok());
  ASSERT_TRUE(by_hash->has_value());
  EXPECT_FALSE((*by_hash)->current);

  const auto current_sources = catalog_->list_sources();
  ASSERT_TRUE(current_sources.ok());
  EXPECT_THAT(ids_of(*current_sources), ElementsAre(v2.id, other.id));
  const auto all_sources = catalog_->list_sources(true);
  ASSERT_TRUE(all_sources.ok());
  EXPECT_THAT(ids_of(*all_sources), ElementsAre(v1.id, v2.id, other.id));

  const auto listed = catalog_->list_episodes({});
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(ids_of(*listed), ElementsAre(hex_id("e3"), hex_id("f1")));
  EpisodeFilter all;
  all.include_superseded = true;
  const auto everything = catalog_->list_episodes(all);
  ASSERT_TRUE(everything.ok());
  EXPECT_THAT(ids_of(*everything),
              ElementsAre(hex_id("e1"), hex_id("e2"), hex_id("e3"), hex_id("f1")));
  EXPECT_FALSE((*everything)[0].current);
  EXPECT_TRUE((*everything)[2].current);

  // A third version links to the second.
  auto v3 = make_source(hex_id("53"), "/data/a.mcap");
  const IngestOutcome third = store(v3, {});
  EXPECT_EQ(third.kind, IngestOutcomeKind::kNewVersion);
  EXPECT_EQ(third.replaced_source_id, std::optional<std::string>(v2.id));
  EXPECT_EQ(third.episodes, 0U);
}

TEST_F(CatalogTest, FailureHalfWayThroughASourceLeavesTheCatalogExactlyAsBefore) {
  const auto a = make_source(hex_id("51"), "/data/a.mcap");
  store(a, {make_episode(hex_id("e1"), a.id, 0)});
  RawDb raw(path_);
  const auto before = raw.dump();

  // B's source row, attributes and first episode are written before its second episode
  // collides with A's episode id inside the database.
  auto b = make_source(hex_id("52"), "/data/b.mcap");
  b.attributes = {attr("site", std::string("x"))};
  auto first = make_episode(hex_id("e9"), b.id, 0);
  first.provenance.push_back({"/data/b.mcap", "00", 1, 0, 1, "mcap", "0.1.0", "{}"});
  const auto failed = catalog_->store_source(b, {first, make_episode(hex_id("e1"), b.id, 1)}, 0);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(failed.status().message(),
              HasSubstr("source /data/b.mcap: episode " + hex_id("e1") +
                        " (index 1) is already stored for another source"));
  EXPECT_EQ(raw.dump(), before);

  // The same failure in a new version of A must not leave A superseded.
  auto a2 = make_source(hex_id("53"), "/data/a.mcap");
  const auto failed_version = catalog_->store_source(
      a2, {make_episode(hex_id("e8"), a2.id, 0), make_episode(hex_id("e1"), a2.id, 1)}, 0);
  ASSERT_FALSE(failed_version.ok());
  EXPECT_EQ(failed_version.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(raw.dump(), before);
  const auto current = catalog_->find_current_source_by_path("/data/a.mcap");
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(current->has_value());
  EXPECT_EQ((*current)->id, a.id);

  // The catalog is still usable afterwards.
  EXPECT_EQ(store(b, {first}).kind, IngestOutcomeKind::kInserted);
}

TEST_F(CatalogTest, InvalidRecordsAreRefusedBeforeAnythingIsWritten) {
  RawDb raw(path_);
  const auto before = raw.dump();
  const auto source = make_source(hex_id("51"), "/data/a.mcap");

  struct Case {
    std::string name;
    SourceRecord source;
    std::vector<EpisodeRecord> episodes;
    std::string message;
  };
  std::vector<Case> cases;
  {
    Case c{"empty id", source, {}, "id, content_hash and path must be set"};
    c.source.id.clear();
    cases.push_back(c);
  }
  {
    Case c{"duplicate id in call", source, {}, "the episode id appears twice in this source"};
    c.episodes = {make_episode(hex_id("e1"), source.id, 0),
                  make_episode(hex_id("e1"), source.id, 1)};
    cases.push_back(c);
  }
  {
    Case c{"other source",
           source,
           {make_episode(hex_id("e1"), hex_id("99"), 0)},
           "belongs to source " + hex_id("99") + ", expected " + source.id};
    cases.push_back(c);
  }
  {
    Case c{
        "bad key", source, {}, "attribute key 'light level' is invalid: expected [A-Za-z0-9_./-]+"};
    c.source.attributes = {attr("light level", std::string("dim"))};
    cases.push_back(c);
  }
  {
    Case c{"nan",
           source,
           {make_episode(hex_id("e1"), source.id, 0)},
           "attribute 'lux' is nan, expected a finite number"};
    c.episodes[0].attributes = {attr("lux", std::nan(""))};
    cases.push_back(c);
  }
  {
    Case c{"huge count",
           source,
           {make_episode(hex_id("e1"), source.id, 0)},
           "message_count is 18446744073709551615, above the largest storable value"};
    c.episodes[0].message_count = std::numeric_limits<std::uint64_t>::max();
    cases.push_back(c);
  }
  {
    Case c{"metadata not object",
           source,
           {make_episode(hex_id("e1"), source.id, 0)},
           "stream /joint_states: metadata_json is not a JSON object: [1,2"};
    c.episodes[0].streams[0].metadata_json = "[1,2";
    cases.push_back(c);
  }
  {
    Case c{"infinite rate",
           source,
           {make_episode(hex_id("e1"), source.id, 0)},
           "rate_hz is inf, expected a finite number"};
    c.episodes[0].streams[0].rate_hz = std::numeric_limits<double>::infinity();
    cases.push_back(c);
  }
  for (const Case& c : cases) {
    const auto result = catalog_->store_source(c.source, c.episodes, 0);
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(result.status().message(), HasSubstr(c.message)) << c.name;
  }
  const auto unknown_run = catalog_->store_source(source, {}, 42);
  ASSERT_FALSE(unknown_run.ok());
  EXPECT_EQ(unknown_run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown_run.status().message(),
              HasSubstr("source /data/a.mcap: ingest run 42 does not exist"));
  EXPECT_EQ(raw.dump(), before);
}

TEST_F(CatalogTest, IngestRunsRecordStartFinishAndLinkSources) {
  clock_->now = utc(2026, 1, 10, 1);
  const auto run = catalog_->begin_ingest_run(R"({"paths":["/data"],"recursive":true})");
  ASSERT_TRUE(run.ok()) << run.status().to_string();
  const auto source = make_source(hex_id("51"), "/data/a.mcap");
  store(source, {make_episode(hex_id("e1"), source.id, 0)}, *run);
  clock_->now = utc(2026, 1, 10, 2);
  ASSERT_TRUE(catalog_->finish_ingest_run(*run, "ok", R"({"sources":1})").ok());
  const auto second = catalog_->begin_ingest_run("{}");
  ASSERT_TRUE(second.ok());

  const auto runs = catalog_->list_ingest_runs();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2U);
  const IngestRunInfo& first = (*runs)[0];
  EXPECT_EQ(first.id, *run);
  EXPECT_EQ(first.started_at, "2026-01-10T01:00:00Z");
  EXPECT_EQ(first.finished_at, "2026-01-10T02:00:00Z");
  EXPECT_EQ(first.status, "ok");
  EXPECT_EQ(first.args_json, R"({"paths":["/data"],"recursive":true})");
  EXPECT_EQ(first.summary_json, R"({"sources":1})");
  EXPECT_EQ((*runs)[1].id, *second);
  EXPECT_EQ((*runs)[1].status, "running");
  EXPECT_EQ((*runs)[1].finished_at, "");
  EXPECT_EQ((*runs)[1].summary_json, "{}");

  RawDb raw(path_);
  EXPECT_EQ(raw.scalar("SELECT run_id FROM sources WHERE id = '" + source.id + "'"),
            std::to_string(*run));

  const Status missing = catalog_->finish_ingest_run(999, "ok", "{}");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("no ingest run with id 999"));
  EXPECT_EQ(catalog_->finish_ingest_run(*second, "ok", "{oops").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->finish_ingest_run(*second, "", "{}").code(), StatusCode::kInvalidArgument);
  const auto bad_args = catalog_->begin_ingest_run("not json");
  ASSERT_FALSE(bad_args.ok());
  EXPECT_EQ(bad_args.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CatalogTest, EpisodesAreFoundByIdOrUniquePrefix) {
  const auto source = make_source(hex_id("51"), "/data/a.mcap");
  const std::string a = "abcd1111000000000000000000000000";
  const std::string b = "abcd2222000000000000000000000000";
  const std::string c = "abce0000000000000000000000000000";
  store(source, {make_episode(a, source.id, 0), make_episode(b, source.id, 1),
                 make_episode(c, source.id, 2)});

  for (const std::string& query :
       {a, std::string("abcd1"), std::string("ABCD1"), std::string("abcd1111")}) {
    const auto found = catalog_->get_episode(query);
    ASSERT_TRUE(found.ok()) << query << ": " << found.status().to_string();
    EXPECT_EQ(found->id, a) << query;
  }
  const auto abce = catalog_->get_episode("abce");
  ASSERT_TRUE(abce.ok());
  EXPECT_EQ(abce->id, c);

  const auto ambiguous = catalog_->get_episode("abcd");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ambiguous.status().message(), "episode id prefix 'abcd' is ambiguous: it matches " + a +
                                              ", " + b + " (give more digits)");

  const auto short_prefix = catalog_->get_episode("abc");
  ASSERT_FALSE(short_prefix.ok());
  EXPECT_EQ(short_prefix.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(short_prefix.status().message(),
              HasSubstr("no episode with id 'abc' (an id prefix needs at least 4 hex digits)"));
  const auto unknown = catalog_->get_episode("ffff");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "no episode with id or id prefix 'ffff'");

  const auto no_source = catalog_->get_source("nope");
  ASSERT_FALSE(no_source.ok());
  EXPECT_EQ(no_source.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(no_source.status().message(), "no source with id nope");
}

TEST_F(CatalogTest, EmptyCatalogListsNothing) {
  const auto episodes = catalog_->list_episodes({});
  ASSERT_TRUE(episodes.ok());
  EXPECT_THAT(*episodes, IsEmpty());
  const auto sources = catalog_->list_sources(true);
  ASSERT_TRUE(sources.ok());
  EXPECT_THAT(*sources, IsEmpty());
  const auto snapshots = catalog_->list_snapshots();
  ASSERT_TRUE(snapshots.ok());
  EXPECT_THAT(*snapshots, IsEmpty());
}

}  // namespace
}  // namespace parity
