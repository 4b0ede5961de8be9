// Helpers shared by the MCAP tests: a deterministic sample recording written with McapWriter
// and a record of what was written, to compare a read-back against.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "parity/formats/mcap/mcap_writer.h"

namespace parity::mcap::testing {

struct WrittenMessage {
  std::uint16_t channel_id = 0;
  std::uint32_t sequence = 0;
  std::uint64_t log_time = 0;
  std::uint64_t publish_time = 0;
  std::vector<std::uint8_t> data;
};

struct WrittenAttachment {
  std::string name;
  std::string media_type;
  std::uint64_t log_time = 0;
  std::uint64_t create_time = 0;
  std::vector<std::uint8_t> data;
};

struct SampleContent {
  std::vector<WrittenMessage> messages;
  std::vector<Metadata> metadata;
  std::vector<WrittenAttachment> attachments;
};

// Writes a sample: schemas "pkg/msg/A" (ros2msg) and "B" (jsonschema); channels /a (schema 1,
// cdr, with metadata), /b (schema 2, json), /raw (no schema); `message_count` messages with
// payloads of 0..300 bytes (random when `incompressible`, else repetitive), log times that
// mostly increase but sometimes step back; 2 metadata records and 2 attachments (one empty)
// interleaved with the messages. Deterministic for a given seed.
inline SampleContent write_sample(McapWriter& writer, std::size_t message_count,
                                  std::uint32_t seed = 7, bool incompressible = false) {
  SampleContent content;
  std::mt19937 rng(seed);
  const std::string msg_def = "int32 x\nstring name\n";
  const std::vector<std::uint8_t> schema_a(msg_def.begin(), msg_def.end());
  const std::string json_schema = R"({"type":"object"})";
  const std::vector<std::uint8_t> schema_b(json_schema.begin(), json_schema.end());
  const std::uint16_t sa = writer.add_schema("pkg/msg/A", "ros2msg", schema_a).value();
  const std::uint16_t sb = writer.add_schema("B", "jsonschema", schema_b).value();
  const std::uint16_t ca =
      writer.add_channel(sa, "/a", "cdr", {{"offered_qos_profiles", "- depth: 10"}}).value();
  const std::uint16_t cb = writer.add_channel(sb, "/b", "json").value();
  const std::uint16_t cr = writer.add_channel(0, "/raw", "application/octet-stream").value();
  const std::uint16_t channels[] = {ca, cb, cr};
  std::uint64_t t = 1'000'000'000;
  for (std::size_t i = 0; i < message_count; ++i) {
    WrittenMessage m;
    m.channel_id = channels[rng() % 3];
    m.sequence = static_cast<std::uint32_t>(i);
    t += rng() % 1000;
    m.log_time = (rng() % 10 == 0) ? t - 1500 : t;  // occasional out-of-order message
    m.publish_time = m.log_time - 7;
    m.data.resize(rng() % 300);
    for (std::size_t k = 0; k < m.data.size(); ++k) {
      m.data[k] = incompressible ? static_cast<std::uint8_t>(rng())
                                 : static_cast<std::uint8_t>((k + i) % 7);
    }
    if (!writer.write_message(m.channel_id, m.sequence, m.log_time, m.publish_time, m.data).ok()) {
      return content;
    }
    content.messages.push_back(std::move(m));
    if (i == message_count / 3) {
      Metadata md{"calibration", {{"camera", "front"}, {"fx", "615.2"}}};
      if (!writer.write_metadata(md.name, md.metadata).ok()) return content;
      content.metadata.push_back(md);
      WrittenAttachment a{"notes.txt", "text/plain", t, t - 100, {'h', 'i', '!'}};
      if (!writer.write_attachment(a.name, a.media_type, a.log_time, a.create_time, a.data).ok()) {
        return content;
      }
      content.attachments.push_back(a);
    }
    if (i == 2 * message_count / 3) {
      Metadata md{"rosbag2", {{"ROS_DISTRO", "humble"}}};
      if (!writer.write_metadata(md.name, md.metadata).ok()) return content;
      content.metadata.push_back(md);
      WrittenAttachment a{"empty.bin", "application/octet-stream", t, 0, {}};
      if (!writer.write_attachment(a.name, a.media_type, a.log_time, a.create_time, a.data).ok()) {
        return content;
      }
      content.attachments.push_back(a);
    }
  }
  return content;
}

}  // namespace parity::mcap::testing
