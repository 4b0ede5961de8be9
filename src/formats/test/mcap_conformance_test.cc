// Golden test against the official foxglove/mcap conformance files (shared/data/mcap/
// foxglove-conformance): our record stream must equal the expected X.json exactly.
//
// The JSON lists what foxglove's "streamed" conformance reader yields: every record in file
// order, with the records inside a chunk in place of the Chunk record and without
// MessageIndex records. Numbers are decimal strings, bytes are arrays of decimal strings, maps
// are objects, and each record's fields are [name, value] pairs sorted by name.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/io/byte_source.h"
#include "testing/testing.h"

namespace parity::mcap {
namespace {

using nlohmann::json;

json number(std::uint64_t v) {
  return std::to_string(v);
}

json bytes(std::span<const std::uint8_t> data) {
  json out = json::array();
  for (std::uint8_t b : data) out.push_back(std::to_string(b));
  return out;
}

json string_map(const StringMap& map) {
  json out = json::object();
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

json id_map(const std::map<std::uint16_t, std::uint64_t>& map) {
  json out = json::object();
  for (const auto& [k, v] : map) out[std::to_string(k)] = number(v);
  return out;
}

json record_json(const std::string& type, const std::map<std::string, json>& fields) {
  json out = json::array();
  for (const auto& [name, value] : fields) out.push_back(json::array({name, value}));
  return json{{"type", type}, {"fields", out}};
}

// Converts one record to the conformance JSON form; nullopt for records the streamed reader
// does not list (Chunk, MessageIndex).
std::optional<json> to_json(const RecordView& view, const ByteSource& source) {
  return std::visit(
      [&](const auto& r) -> std::optional<json> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, Header>) {
          return record_json("Header", {{"library", r.library}, {"profile", r.profile}});
        } else if constexpr (std::is_same_v<T, Footer>) {
          return record_json("Footer", {{"summary_crc", number(r.summary_crc)},
                                        {"summary_offset_start", number(r.summary_offset_start)},
                                        {"summary_start", number(r.summary_start)}});
        } else if constexpr (std::is_same_v<T, Schema>) {
          return record_json("Schema", {{"data", bytes(r.data)},
                                        {"encoding", r.encoding},
                                        {"id", number(r.id)},
                                        {"name", r.name}});
        } else if constexpr (std::is_same_v<T, Channel>) {
          return record_json("Channel", {{"id", number(r.id)},
                                         {"message_encoding", r.message_encoding},
                                         {"metadata", string_map(r.metadata)},
                                         {"schema_id", number(r.schema_id)},
                                         {"topic", r.topic}});
        } else if constexpr (std::is_same_v<T, Message>) {
          return record_json("Message", {{"channel_id", number(r.channel_id)},
                                         {"data", bytes(r.data)},
                                         {"log_time", number(r.log_time)},
                                         {"publish_time", number(r.publish_time)},
                                         {"sequence", number(r.sequence)}});
        } else if constexpr (std::is_same_v<T, ChunkIndex>) {
          return record_json("ChunkIndex",
                             {{"chunk_length", number(r.chunk_length)},
                              {"chunk_start_offset", number(r.chunk_start_offset)},
                              {"compressed_size", number(r.compressed_size)},
                              {"compression", r.compression},
                              {"message_end_time", number(r.message_end_time)},
                              {"message_index_length", number(r.message_index_length)},
                              {"message_index_offsets", id_map(r.message_index_offsets)},
                              {"message_start_time", number(r.message_start_time)},
                              {"uncompressed_size", number(r.uncompressed_size)}});
        } else if constexpr (std::is_same_v<T, Attachment>) {
          auto data =
              source.read_vector(view.offset + kRecordPrefixSize + r.data_offset, r.data_size);
          EXPECT_TRUE(data.ok()) << data.status().to_string();
          return record_json("Attachment",
                             {{"create_time", number(r.create_time)},
                              {"data", bytes(data.ok() ? *data : std::vector<std::uint8_t>{})},
                              {"log_time", number(r.log_time)},
                              {"media_type", r.media_type},
                              {"name", r.name}});
        } else if constexpr (std::is_same_v<T, AttachmentIndex>) {
          return record_json("AttachmentIndex", {{"create_time", number(r.create_time)},
                                                 {"data_size", number(r.data_size)},
                                                 {"length", number(r.length)},
                                                 {"log_time", number(r.log_time)},
                                                 {"media_type", r.media_type},
                                                 {"name", r.name},
                                                 {"offset", number(r.offset)}});
        } else if constexpr (std::is_same_v<T, Statistics>) {
          return record_json("Statistics",
                             {{"attachment_count", number(r.attachment_count)},
                              {"channel_count", number(r.channel_count)},
                              {"channel_message_counts", id_map(r.channel_message_counts)},
                              {"chunk_count", number(r.chunk_count)},
                              {"message_count", number(r.message_count)},
                              {"message_end_time", number(r.message_end_time)},
                              {"message_start_time", number(r.message_start_time)},
                              {"metadata_count", number(r.metadata_count)},
                              {"schema_count", number(r.schema_count)}});
        } else if constexpr (std::is_same_v<T, Metadata>) {
          return record_json("Metadata", {{"metadata", string_map(r.metadata)}, {"name", r.name}});
        } else if constexpr (std::is_same_v<T, MetadataIndex>) {
          return record_json(
              "MetadataIndex",
              {{"length", number(r.length)}, {"name", r.name}, {"offset", number(r.offset)}});
        } else if constexpr (std::is_same_v<T, SummaryOffset>) {
          return record_json("SummaryOffset", {{"group_length", number(r.group_length)},
                                               {"group_opcode", number(r.group_opcode)},
                                               {"group_start", number(r.group_start)}});
        } else if constexpr (std::is_same_v<T, DataEnd>) {
          return record_json("DataEnd", {{"data_section_crc", number(r.data_section_crc)}});
        } else if constexpr (std::is_same_v<T, UnknownRecord>) {
          return record_json("Unknown", {{"opcode", number(r.opcode)}});
        } else {
          return std::nullopt;  // Chunk, MessageIndex
        }
      },
      *view.record);
}

std::string diff(const json& expected, const json& actual) {
  std::ostringstream out;
  const std::size_t n = std::max(expected.size(), actual.size());
  for (std::size_t i = 0; i < n; ++i) {
    const json e = i < expected.size() ? expected[i] : json();
    const json a = i < actual.size() ? actual[i] : json();
    if (e != a)
      out << "record " << i << ":\n  expected " << e.dump() << "\n  actual   " << a.dump() << "\n";
  }
  return out.str();
}

class McapConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(McapConformanceTest, RecordStreamMatchesGolden) {
  PARITY_REQUIRE_SHARED_DATA(dir, "mcap/foxglove-conformance");
  const std::filesystem::path mcap = dir / (GetParam() + ".mcap");
  std::ifstream golden_file(dir / (GetParam() + ".json"));
  ASSERT_TRUE(golden_file) << "cannot open the golden json for " << GetParam();
  const json expected = json::parse(golden_file)["records"];

  auto source = open_file_source(mcap);
  ASSERT_TRUE(source.ok()) << source.status().to_string();
  DiagnosticCollector diagnostics;
  auto reader = McapReader::open(**source, diagnostics);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();

  json actual = json::array();
  Status status = (*reader)->for_each_record([&](const RecordView& view) {
    if (auto j = to_json(view, **source)) actual.push_back(*j);
    return Status{};
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(expected, actual) << diff(expected, actual);
  for (const Diagnostic& d : diagnostics.diagnostics()) ADD_FAILURE() << d.to_string();
}

INSTANTIATE_TEST_SUITE_P(Golden, McapConformanceTest,
                         ::testing::Values("OneAttachment-ax-st-sum",
                                           "OneMessage-ch-chx-mx-rch-rsh-st-sum",
                                           "OneMessage-ch-chx-mx", "OneMessage-st-sum",
                                           "OneMetadata-mdx-st-sum", "TenMessages-ch-chx-mx-st-sum",
                                           "TenMessages-ch", "TenMessages"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace parity::mcap
