// Shared by the catalog tests: a fixed clock, sample records, raw SQLite access and a full
// dump of a catalog's tables (to assert that a failed call changed nothing).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "parity/catalog/catalog.h"
#include "testing/testing.h"

namespace parity {

inline void PrintTo(const Attribute& a, std::ostream* os) {
  *os << a.key << "=" << attribute_value_to_string(a.value) << " (" << attribute_type_name(a.value)
      << ", " << a.origin << ")";
}

inline void PrintTo(const EpisodeRecord& e, std::ostream* os) {
  *os << "episode " << e.id << " source " << e.source_id << " index " << e.index << " task '"
      << e.task << "' " << e.start_ns << ".." << e.end_ns << " n=" << e.message_count << " "
      << e.outcome << " attrs=" << e.attributes.size() << " streams=" << e.streams.size()
      << " provenance=" << e.provenance.size();
}

inline void PrintTo(const SourceRecord& s, std::ostream* os) {
  *os << "source " << s.id << " " << s.path << " " << s.format << " " << s.domain << "/" << s.kind
      << " hash " << s.content_hash << " attrs=" << s.attributes.size() << " at " << s.ingested_at
      << (s.current ? " current" : " superseded")
      << " previous=" << s.previous_version_id.value_or("none");
}

namespace catalog_testing {

// 2026-01-10T00:00:00Z and a settable clock for ingested_at / created_at.
inline std::chrono::system_clock::time_point utc(int year, unsigned month, unsigned day,
                                                 int hour = 0) {
  const std::chrono::sys_days days{std::chrono::year{year} / std::chrono::month{month} /
                                   std::chrono::day{day}};
  return std::chrono::system_clock::time_point(days) + std::chrono::hours(hour);
}

struct TestClock {
  std::chrono::system_clock::time_point now = utc(2026, 1, 10);
};

inline CatalogOptions options_with(const std::shared_ptr<TestClock>& clock, bool create = true) {
  CatalogOptions options;
  options.create_if_missing = create;
  options.clock = [clock] { return clock->now; };
  return options;
}

// A 32-hex-digit id: `prefix` padded with zeros.
inline std::string hex_id(const std::string& prefix) {
  return prefix + std::string(32 - prefix.size(), '0');
}

inline Attribute attr(std::string key, AttributeValue value, std::string origin = "cli") {
  return {std::move(key), std::move(value), std::move(origin)};
}

inline SourceRecord make_source(const std::string& id, const std::string& path,
                                const std::string& domain = "lab") {
  SourceRecord source;
  source.id = id;
  source.content_hash = id;
  source.path = path;
  source.format = "mcap";
  source.domain = domain;
  source.kind = "teleop";
  source.size_bytes = 1234;
  return source;
}

// An episode of `source_id` lasting `duration_s` seconds, with one stream.
inline EpisodeRecord make_episode(const std::string& id, const std::string& source_id,
                                  std::int64_t index, double duration_s = 10.0) {
  EpisodeRecord episode;
  episode.id = id;
  episode.source_id = source_id;
  episode.index = index;
  episode.task = "pick";
  episode.start_ns = 1'000'000'000;
  episode.end_ns = episode.start_ns + static_cast<std::int64_t>(duration_s * 1e9);
  episode.message_count = 100;
  episode.outcome = "success";
  StreamRecord stream;
  stream.name = "/joint_states";
  stream.role = "joints";
  stream.type = "sensor_msgs/msg/JointState";
  stream.encoding = "cdr";
  stream.message_count = 100;
  stream.start_ns = episode.start_ns;
  stream.end_ns = episode.end_ns;
  stream.rate_hz = 9.9;
  episode.streams.push_back(stream);
  return episode;
}

// A raw SQLite connection to an existing catalog file, for checks the API does not expose.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    EXPECT_EQ(
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error != nullptr ? error : "");
    sqlite3_free(error);
  }

  // Every row of `sql`, each as its columns joined with '|' (NULL as "<null>").
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        if (i > 0) row += '|';
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row += text != nullptr ? reinterpret_cast<const char*>(text) : "<null>";
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return out;
  }

  std::string scalar(const std::string& sql) {
    const auto r = rows(sql);
    return r.empty() ? "<no row>" : r.front();
  }

  // All tables and their rows (sorted), plus user_version: equal dumps = equal catalogs.
  std::vector<std::string> dump() {
    std::vector<std::string> out = {"user_version=" + scalar("PRAGMA user_version")};
    for (const std::string& table :
         rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      std::vector<std::string> table_rows = rows("SELECT * FROM \"" + table + "\"");
      std::sort(table_rows.begin(), table_rows.end());
      out.push_back("table " + table + " rows=" + std::to_string(table_rows.size()));
      for (auto& row : table_rows) out.push_back(table + ": " + row);
    }
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

template <typename T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

}  // namespace catalog_testing
}  // namespace parity
