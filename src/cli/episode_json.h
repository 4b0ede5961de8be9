// JSON and text renderings of catalog records shared by `ls`, `show` and `snapshot show`.
#pragma once

#include <nlohmann/json.hpp>

#include "parity/catalog/catalog.h"

namespace parity::cli {

nlohmann::json attributes_json(const std::vector<Attribute>& attributes);
nlohmann::json episode_summary_json(const EpisodeSummary& episode);
nlohmann::json episode_json(const EpisodeRecord& episode, const SourceRecord& source);
// "2026-03-01T10:00:00.123Z" for a time in ns since the Unix epoch; "" for 0.
std::string format_time_ns(std::int64_t ns);

}  // namespace parity::cli
