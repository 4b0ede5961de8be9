// Helpers shared by the ROS 1 bag tests: reading a recording into comparable records, building
// synthetic bags with BagWriter, and serializing ROS 1 messages by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros1/bag_writer.h"
#include "parity/formats/ros1/ros1_bag.h"
#include "parity/io/byte_source.h"

namespace parity::ros1::testing {

// One delivered message, comparable across files whatever their connection ids.
struct Msg {
  std::string topic;
  std::string type;
  std::int64_t time_ns = 0;
  std::vector<std::uint8_t> data;
  std::uint64_t file_offset = 0;

  // Equality ignores file_offset (chunks sit at different offsets in different files).
  friend bool operator==(const Msg& a, const Msg& b) {
    return std::tie(a.topic, a.type, a.time_ns, a.data) ==
           std::tie(b.topic, b.type, b.time_ns, b.data);
  }
  friend bool operator<(const Msg& a, const Msg& b) {
    return std::tie(a.time_ns, a.topic, a.type, a.data) <
           std::tie(b.time_ns, b.topic, b.type, b.data);
  }
};

inline std::vector<Msg> read_all(Recording& recording, const ReadOptions& options = {},
                                 Status* status_out = nullptr) {
  std::vector<Msg> out;
  Status status = recording.read_messages(options, [&](const MessageView& view) {
    out.push_back({view.stream->topic, view.stream->type, view.log_time_ns,
                   std::vector<std::uint8_t>(view.data.begin(), view.data.end()),
                   view.file_offset});
    return Status{};
  });
  if (status_out != nullptr) {
    *status_out = status;
  } else {
    EXPECT_TRUE(status.ok()) << status.to_string();
  }
  return out;
}

inline Result<std::unique_ptr<Recording>> open_bytes(std::vector<std::uint8_t> bytes,
                                                     DiagnosticSink& diagnostics,
                                                     Ros1BagOptions options = {},
                                                     std::string name = "synthetic.bag") {
  return open_ros1_bag(memory_source(std::move(bytes), std::move(name)), diagnostics, options);
}

// Little-endian ROS 1 serialization for hand-built messages.
class Ros1Bytes {
 public:
  Ros1Bytes& u8(std::uint8_t v) { return raw(&v, 1); }
  Ros1Bytes& i8(std::int8_t v) { return raw(&v, 1); }
  Ros1Bytes& u16(std::uint16_t v) { return raw(&v, 2); }
  Ros1Bytes& i16(std::int16_t v) { return raw(&v, 2); }
  Ros1Bytes& u32(std::uint32_t v) { return raw(&v, 4); }
  Ros1Bytes& i32(std::int32_t v) { return raw(&v, 4); }
  Ros1Bytes& u64(std::uint64_t v) { return raw(&v, 8); }
  Ros1Bytes& i64(std::int64_t v) { return raw(&v, 8); }
  Ros1Bytes& f32(float v) { return raw(&v, 4); }
  Ros1Bytes& f64(double v) { return raw(&v, 8); }
  Ros1Bytes& str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    return raw(s.data(), s.size());
  }
  // std_msgs/Header (ROS 1): seq, stamp {secs, nsecs}, frame_id.
  Ros1Bytes& header(std::uint32_t seq, std::uint32_t secs, std::uint32_t nsecs,
                    std::string_view frame) {
    return u32(seq).u32(secs).u32(nsecs).str(frame);
  }
  Ros1Bytes& raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    return *this;
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

inline std::vector<std::uint8_t> ros1_string(std::string_view s) {
  return Ros1Bytes().str(s).bytes();
}

// A synthetic bag: /chatter std_msgs/String from two publishers (two connections, one stream),
// /count std_msgs/UInt32, and /late std_msgs/String that starts halfway. `messages` messages in
// total, 10 ms apart from t = 100 s, cycling over the connections; small chunks so the bag has
// several.
inline std::vector<std::uint8_t> synthetic_bag(
    BagWriterOptions options, int messages = 60,
    std::vector<std::uint64_t>* record_offsets = nullptr) {
  auto writer = BagWriter::to_memory(options);
  const std::uint32_t a =
      writer->add_connection({"/chatter", "std_msgs/String", "992ce8a1687cec8c8bd883ec73ca41d1",
                              "string data\n", "/talker_a", false});
  const std::uint32_t b =
      writer->add_connection({"/chatter", "std_msgs/String", "992ce8a1687cec8c8bd883ec73ca41d1",
                              "string data\n", "/talker_b", true});
  const std::uint32_t c =
      writer->add_connection({"/count", "std_msgs/UInt32", "304a39449588c7f8ce2df6e8001c5fce",
                              "uint32 data\n", "/counter", false});
  const std::uint32_t d = writer->add_connection(
      {"/late", "std_msgs/String", "992ce8a1687cec8c8bd883ec73ca41d1", "string data\n", "", false});
  for (int i = 0; i < messages; ++i) {
    const std::int64_t t = 100'000'000'000 + std::int64_t{i} * 10'000'000;
    Status s;
    switch (i % 3) {
      case 0: s = writer->write(a, t, ros1_string("a" + std::to_string(i))); break;
      case 1: s = writer->write(b, t, ros1_string("b" + std::to_string(i))); break;
      default: s = writer->write(c, t, Ros1Bytes().u32(static_cast<std::uint32_t>(i)).bytes());
    }
    EXPECT_TRUE(s.ok()) << s.to_string();
    if (i >= messages / 2 && i % 5 == 0) {
      EXPECT_TRUE(writer->write(d, t + 1, ros1_string("late" + std::to_string(i))).ok());
    }
  }
  EXPECT_TRUE(writer->close().ok());
  if (record_offsets != nullptr) *record_offsets = writer->record_offsets();
  return writer->bytes();
}

// Messages synthetic_bag(options, messages) holds.
inline std::uint64_t synthetic_message_count(int messages) {
  std::uint64_t n = static_cast<std::uint64_t>(messages);
  for (int i = messages / 2; i < messages; ++i) n += i % 5 == 0 ? 1 : 0;
  return n;
}

}  // namespace parity::ros1::testing
