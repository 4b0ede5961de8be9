#include "cli/episode_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace parity::cli {

nlohmann::json attributes_json(const std::vector<Attribute>& attributes) {
  nlohmann::json out = nlohmann::json::object();
  for (const Attribute& attribute : attributes) {
    std::visit([&](const auto& value) { out[attribute.key] = value; }, attribute.value);
  }
  return out;
}

std::string format_time_ns(std::int64_t ns) {
  if (ns == 0) return "";
  const std::int64_t seconds = ns / 1'000'000'000;
  const std::int64_t millis = (ns % 1'000'000'000) / 1'000'000;
  const std::time_t t = static_cast<std::time_t>(seconds);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(t), millis);
}

nlohmann::json episode_summary_json(const EpisodeSummary& e) {
  return {{"id", e.id},
          {"source", e.source_path},
          {"source_id", e.source_id},
          {"format", e.format},
          {"index", e.index},
          {"domain", e.domain},
          {"kind", e.kind},
          {"task", e.task},
          {"outcome", e.outcome},
          {"start_ns", e.start_ns},
          {"end_ns", e.end_ns},
          {"duration_s", e.duration_s},
          {"message_count", e.message_count},
          {"stream_count", e.stream_count},
          {"ingested", e.ingested_at},
          {"attributes", attributes_json(e.attributes)}};
}

nlohmann::json episode_json(const EpisodeRecord& e, const SourceRecord& source) {
  nlohmann::json streams = nlohmann::json::array();
  for (const StreamRecord& s : e.streams) {
    streams.push_back({{"name", s.name},
                       {"role", s.role},
                       {"type", s.type},
                       {"encoding", s.encoding},
                       {"count", s.message_count},
                       {"start_ns", s.start_ns},
                       {"end_ns", s.end_ns},
                       {"rate_hz", s.rate_hz},
                       {"metadata", nlohmann::json::parse(s.metadata_json, nullptr, false)}});
  }
  nlohmann::json provenance = nlohmann::json::array();
  for (const ProvenanceRecord& p : e.provenance) {
    provenance.push_back({{"file", p.file},
                          {"file_hash", p.file_hash},
                          {"file_bytes", p.file_bytes},
                          {"byte_start", p.byte_start},
                          {"byte_end", p.byte_end},
                          {"reader", p.reader},
                          {"reader_version", p.reader_version},
                          {"options", nlohmann::json::parse(p.options_json, nullptr, false)}});
  }
  nlohmann::json origins = nlohmann::json::object();
  for (const Attribute& a : e.attributes) origins[a.key] = a.origin;
  return {
      {"id", e.id},
      {"source", source.path},
      {"source_id", e.source_id},
      {"format", source.format},
      {"content_hash", source.content_hash},
      {"source_current", source.current},
      {"previous_version_id",
       source.previous_version_id ? nlohmann::json(*source.previous_version_id) : nlohmann::json()},
      {"index", e.index},
      {"domain", source.domain},
      {"kind", source.kind},
      {"task", e.task},
      {"embodiment", e.embodiment},
      {"outcome", e.outcome},
      {"start_ns", e.start_ns},
      {"end_ns", e.end_ns},
      {"duration_s", e.duration_s()},
      {"message_count", e.message_count},
      {"ingested", source.ingested_at},
      {"attributes", attributes_json(e.attributes)},
      {"attribute_origins", origins},
      {"streams", streams},
      {"provenance", provenance}};
}

}  // namespace parity::cli
