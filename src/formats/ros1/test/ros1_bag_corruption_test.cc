// Damage handling of the ROS 1 bag reader: truncation at every record boundary and at random
// offsets (synthetic and real bags), bit flips in record headers, bad compressed data, a bad
// index. Every case either reads with exactly the recoverable messages plus a diagnostic, or
// fails with kCorrupt / kTruncated naming the file and the offset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <random>

#include "formats/ros1/bag_records.h"
#include "formats/ros1/test/ros1_test_util.h"
#include "testing/testing.h"

namespace parity::ros1 {
namespace {

using ::testing::HasSubstr;
using testing::Msg;
using testing::open_bytes;
using testing::read_all;
using ::testing::StartsWith;
using testing::synthetic_bag;
using testing::synthetic_message_count;

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An independent walk of an intact bag, used as the oracle for truncated copies: the messages
// recoverable from the first `cut` bytes are those of compressed chunks whose record ends by the
// cut, plus the message records of uncompressed chunks that end by the cut.
class Oracle {
 public:
  Oracle(const std::vector<std::uint8_t>& bag,
         const std::map<std::uint64_t, std::uint64_t>& per_chunk) {
    std::uint64_t pos = 13;
    header_end_ = 0;
    while (pos + 8 <= bag.size()) {
      const std::uint32_t hl = load_u32(bag.data() + pos);
      const std::uint64_t header_at = pos + 4;
      const std::uint32_t dl = load_u32(bag.data() + header_at + hl);
      const std::uint64_t data_at = header_at + hl + 4;
      HeaderFields h;
      EXPECT_TRUE(parse_header({bag.data() + header_at, hl}, h).ok());
      if (header_end_ == 0) header_data_len_at_ = header_at + hl, header_end_ = data_at + dl;
      if (h.op == static_cast<std::uint8_t>(Op::kChunk)) {
        Chunk c;
        c.end = data_at + dl;
        c.compressed = h.compression.text() != "none";
        c.count = per_chunk.count(pos) ? per_chunk.at(pos) : 0;
        if (!c.compressed) {
          std::uint64_t inner = 0;
          while (inner < dl) {
            const std::uint32_t ihl = load_u32(bag.data() + data_at + inner);
            const std::uint32_t idl = load_u32(bag.data() + data_at + inner + 4 + ihl);
            HeaderFields ih;
            EXPECT_TRUE(parse_header({bag.data() + data_at + inner + 4, ihl}, ih).ok());
            inner += 8 + ihl + idl;
            if (ih.op == static_cast<std::uint8_t>(Op::kMessageData)) {
              c.message_ends.push_back(data_at + inner);
            }
          }
          EXPECT_EQ(c.message_ends.size(), c.count);
        }
        chunks_.push_back(std::move(c));
      }
      pos = data_at + dl;
    }
  }

  // Bytes the bag header record needs before its padding (a shorter file cannot be opened).
  std::uint64_t min_openable() const { return header_data_len_at_ + 4; }

  std::uint64_t recoverable(std::uint64_t cut) const {
    std::uint64_t n = 0;
    for (const Chunk& c : chunks_) {
      if (c.end <= cut) {
        n += c.count;
      } else if (!c.compressed) {
        for (std::uint64_t end : c.message_ends) n += end <= cut ? 1 : 0;
      }
    }
    return n;
  }

 private:
  struct Chunk {
    std::uint64_t end = 0;
    bool compressed = false;
    std::uint64_t count = 0;
    std::vector<std::uint64_t> message_ends;
  };
  std::uint64_t header_end_ = 0;
  std::uint64_t header_data_len_at_ = 0;
  std::vector<Chunk> chunks_;
};

std::map<std::uint64_t, std::uint64_t> messages_per_chunk(const std::vector<std::uint8_t>& bag) {
  DiagnosticCollector diag;
  auto r = open_bytes(bag, diag);
  EXPECT_TRUE(r.ok());
  std::map<std::uint64_t, std::uint64_t> out;
  for (const Msg& m : read_all(**r)) ++out[m.file_offset];
  return out;
}

// Opens bag[0, cut) in both modes and checks the outcome against the oracle.
void check_cut(const std::vector<std::uint8_t>& bag, const Oracle& oracle, std::uint64_t cut,
               const std::string& name) {
  SCOPED_TRACE("cut at " + std::to_string(cut));
  const std::vector<std::uint8_t> head(bag.begin(), bag.begin() + static_cast<std::ptrdiff_t>(cut));
  for (bool scan : {false, true}) {
    DiagnosticCollector diag;
    Ros1BagOptions options;
    options.force_scan = scan;
    auto r = open_bytes(head, diag, options, name);
    if (cut < oracle.min_openable()) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kTruncated);
      if (cut == 0) {
        EXPECT_EQ(r.status().message(), name + ": empty file (0 bytes)");
      } else if (cut < 13) {
        EXPECT_THAT(r.status().message(), StartsWith(name + ": offset 0: "));
      } else {
        EXPECT_THAT(r.status().message(), StartsWith(name + ": offset 13: bag header record: "));
      }
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    const std::uint64_t expected = oracle.recoverable(cut);
    EXPECT_EQ((*r)->info().message_count, expected);
    EXPECT_EQ(read_all(**r).size(), expected);
    ReadOptions ordered;
    ordered.log_time_order = true;
    EXPECT_EQ(read_all(**r, ordered).size(), expected);
    if (cut < bag.size()) {
      EXPECT_FALSE((*r)->info().indexed);
      // The fast path always notices the missing index; a forced scan of a file cut at a
      // record boundary sees only complete records.
      if (!scan) {
        ASSERT_GT(diag.size(), 0u);
      }
      for (const Diagnostic& d : diag.diagnostics()) {
        EXPECT_EQ(d.file, name);
        EXPECT_TRUE(d.offset.has_value());
      }
    } else {
      EXPECT_EQ(diag.size(), 0u);
    }
  }
}

class Truncation : public ::testing::TestWithParam<Codec> {};

TEST_P(Truncation, AtEveryRecordBoundaryAndManyOffsetsOfASmallBag) {
  BagWriterOptions options;
  options.compression = GetParam();
  options.chunk_threshold = 200;
  std::vector<std::uint64_t> boundaries;
  const auto bag = synthetic_bag(options, 24, &boundaries);
  const Oracle oracle(bag, messages_per_chunk(bag));
  EXPECT_EQ(oracle.recoverable(bag.size()), synthetic_message_count(24));
  boundaries.push_back(bag.size());
  for (std::uint64_t cut : boundaries) check_cut(bag, oracle, cut, "cut.bag");
  // Cuts every few bytes from the end of the bag header on, and a few inside it.
  for (std::uint64_t cut : {0, 1, 12, 13, 16, 40, 60, 4000}) check_cut(bag, oracle, cut, "cut.bag");
  const std::uint64_t stride = GetParam() == Codec::kBz2 ? 41 : 13;
  for (std::uint64_t cut = 4117; cut < bag.size(); cut += stride) {
    check_cut(bag, oracle, cut, "cut.bag");
  }
}

INSTANTIATE_TEST_SUITE_P(Compressions, Truncation,
                         ::testing::Values(Codec::kNone, Codec::kLz4, Codec::kBz2),
                         [](const auto& param_info) {
                           return std::string(codec_name(param_info.param));
                         });

TEST(RealTruncation, RecordBoundariesAndRandomOffsets) {
  std::mt19937_64 rng(20240531);
  struct Case {
    const char* path;
    int random_cuts;
  };
  for (const Case& c :
       {Case{"ros1-bag/evo/tf_example.bag", 40}, Case{"ros1-bag/embag/test_2.bag", 30},
        Case{"ros1-bag/evo/ROS_example.bag", 10}, Case{"ros1-bag/embag/test.bag", 6}}) {
    PARITY_REQUIRE_SHARED_DATA(path, c.path);
    SCOPED_TRACE(c.path);
    const auto bag = read_file(path);
    const Oracle oracle(bag, messages_per_chunk(bag));
    // Top-level record boundaries, from an independent walk.
    std::vector<std::uint64_t> boundaries;
    for (std::uint64_t pos = 13; pos + 8 <= bag.size();) {
      boundaries.push_back(pos);
      const std::uint32_t hl = load_u32(bag.data() + pos);
      pos += 8 + hl + load_u32(bag.data() + pos + 4 + hl);
    }
    if (bag.size() < 100'000) {
      for (std::uint64_t cut : boundaries) check_cut(bag, oracle, cut, "real.bag");
    }
    std::uniform_int_distribution<std::uint64_t> any(0, bag.size());
    for (int i = 0; i < c.random_cuts; ++i) check_cut(bag, oracle, any(rng), "real.bag");
  }
}

// ---------------------------------------------------------------------- targeted damage

struct Damaged {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint64_t> records;  // top-level record offsets
  std::map<std::uint64_t, std::uint64_t> per_chunk;
  std::uint64_t total = 0;
};

Damaged make_bag(Codec codec) {
  BagWriterOptions options;
  options.compression = codec;
  options.chunk_threshold = 400;
  Damaged d;
  d.bytes = synthetic_bag(options, 90, &d.records);
  d.per_chunk = messages_per_chunk(d.bytes);
  d.total = synthetic_message_count(90);
  return d;
}

// Offset of the value of header field `name` in the record at `record`.
std::uint64_t field_value_at(const std::vector<std::uint8_t>& bag, std::uint64_t record,
                             std::string_view name) {
  const std::uint32_t hl = load_u32(bag.data() + record);
  std::uint64_t pos = record + 4;
  while (pos < record + 4 + hl) {
    const std::uint32_t len = load_u32(bag.data() + pos);
    const std::string_view field(reinterpret_cast<const char*>(bag.data() + pos + 4), len);
    if (field.starts_with(std::string(name) + "=")) return pos + 4 + name.size() + 1;
    pos += 4 + len;
  }
  ADD_FAILURE() << "no field " << name << " at " << record;
  return 0;
}

// The second chunk record of the bag.
std::uint64_t second_chunk(const Damaged& d) {
  auto it = d.per_chunk.begin();
  ++it;
  return it->first;
}

struct Outcome {
  bool indexed = false;
  std::uint64_t counted = 0;
  std::uint64_t delivered = 0;
  std::vector<Diagnostic> diagnostics;
};

Outcome run(const std::vector<std::uint8_t>& bytes, bool scan) {
  DiagnosticCollector diag;
  Ros1BagOptions options;
  options.force_scan = scan;
  auto r = open_bytes(bytes, diag, options, "damaged.bag");
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  Outcome out;
  if (!r.ok()) return out;
  out.indexed = (*r)->info().indexed;
  out.counted = (*r)->info().message_count;
  out.delivered = read_all(**r).size();
  // A second read reports nothing new and delivers the same.
  EXPECT_EQ(read_all(**r).size(), out.delivered);
  out.diagnostics = diag.diagnostics();
  return out;
}

bool any_diagnostic(const Outcome& o, std::string_view text, std::optional<std::uint64_t> offset) {
  for (const Diagnostic& d : o.diagnostics) {
    if (d.message.find(text) != std::string::npos && (!offset || d.offset == offset)) return true;
  }
  return false;
}

TEST(Damage, IndexPosPastTheEndFallsBackToTheScan) {
  Damaged d = make_bag(Codec::kLz4);
  const std::uint64_t at = field_value_at(d.bytes, 13, "index_pos");
  const std::uint64_t past = d.bytes.size() + 100;
  std::memcpy(d.bytes.data() + at, &past, 8);
  const Outcome o = run(d.bytes, false);
  EXPECT_FALSE(o.indexed);
  EXPECT_EQ(o.counted, d.total);
  EXPECT_EQ(o.delivered, d.total);
  ASSERT_EQ(o.diagnostics.size(), 1u);
  EXPECT_EQ(o.diagnostics[0].message, "bag header: index_pos " + std::to_string(past) +
                                          " is outside the records [4117, " +
                                          std::to_string(d.bytes.size()) + "]; scanning the file");
}

TEST(Damage, IndexPosAtTheWrongRecordFallsBackToTheScan) {
  Damaged d = make_bag(Codec::kNone);
  const std::uint64_t at = field_value_at(d.bytes, 13, "index_pos");
  const std::uint64_t chunk = second_chunk(d);
  std::memcpy(d.bytes.data() + at, &chunk, 8);
  const Outcome o = run(d.bytes, false);
  EXPECT_FALSE(o.indexed);
  EXPECT_EQ(o.delivered, d.total);
  ASSERT_EQ(o.diagnostics.size(), 1u);
  EXPECT_EQ(o.diagnostics[0].offset, chunk);
  EXPECT_EQ(o.diagnostics[0].message,
            "the index is unusable: offset " + std::to_string(chunk) +
                ": expected connection record 1 of 4, found a chunk record; scanning the file");
}

class BadCompressedData : public ::testing::TestWithParam<Codec> {};

TEST_P(BadCompressedData, ChunkIsReportedAndSkipped) {
  Damaged d = make_bag(GetParam());
  const std::uint64_t chunk = second_chunk(d);
  const std::uint64_t lost = d.per_chunk.at(chunk);
  // Overwrite the stream magic ("BZh9" / the LZ4 frame magic) at the start of the data.
  const std::uint32_t hl = load_u32(d.bytes.data() + chunk);
  const std::uint64_t data = chunk + 4 + hl + 4;
  std::memset(d.bytes.data() + data, 0x55, 4);
  const std::string codec(codec_name(GetParam()));
  // Fast path: counts come from the index; reading reports the chunk once and skips it.
  const Outcome fast = run(d.bytes, false);
  EXPECT_TRUE(fast.indexed);
  EXPECT_EQ(fast.counted, d.total);
  EXPECT_EQ(fast.delivered, d.total - lost);
  ASSERT_EQ(fast.diagnostics.size(), 1u);
  EXPECT_EQ(fast.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(fast.diagnostics[0].offset, chunk);
  EXPECT_THAT(fast.diagnostics[0].message, StartsWith(codec + " chunk: "));
  EXPECT_THAT(fast.diagnostics[0].message,
              HasSubstr("its " + std::to_string(lost) + " messages are skipped"));
  // Scan: the chunk is left out of the counts.
  const Outcome scan = run(d.bytes, true);
  EXPECT_EQ(scan.counted, d.total - lost);
  EXPECT_EQ(scan.delivered, d.total - lost);
  ASSERT_EQ(scan.diagnostics.size(), 1u);
  EXPECT_EQ(scan.diagnostics[0].offset, chunk);
}

INSTANTIATE_TEST_SUITE_P(Compressions, BadCompressedData,
                         ::testing::Values(Codec::kLz4, Codec::kBz2), [](const auto& param_info) {
                           return std::string(codec_name(param_info.param));
                         });

TEST(Damage, UnknownOpCodeOnAChunk) {
  Damaged d = make_bag(Codec::kLz4);
  const std::uint64_t chunk = second_chunk(d);
  d.bytes[field_value_at(d.bytes, chunk, "op")] = 0x09;
  const Outcome o = run(d.bytes, false);
  EXPECT_FALSE(o.indexed);
  EXPECT_EQ(o.counted, d.total - d.per_chunk.at(chunk));
  EXPECT_EQ(o.delivered, o.counted);
  EXPECT_TRUE(any_diagnostic(o, "chunk_pos points to a op 0x09 record, not a chunk", std::nullopt));
  EXPECT_TRUE(any_diagnostic(o, "unknown record op 0x09; skipped", chunk));
}

TEST(Damage, HugeHeaderLengthStopsTheScanThere) {
  Damaged d = make_bag(Codec::kBz2);
  const std::uint64_t chunk = second_chunk(d);
  const std::uint32_t huge = 0xffffff00u;
  std::memcpy(d.bytes.data() + chunk, &huge, 4);
  const Outcome o = run(d.bytes, false);
  EXPECT_FALSE(o.indexed);
  EXPECT_EQ(o.counted, d.per_chunk.begin()->second);  // only the first chunk precedes it
  EXPECT_EQ(o.delivered, o.counted);
  EXPECT_TRUE(any_diagnostic(o, "the file ends inside a record (truncated file)", chunk));
}

TEST(Damage, BrokenMessageHeaderInsideAChunk) {
  Damaged d = make_bag(Codec::kNone);
  // The record of message "b37": rename the nearest 'conn' field before its payload.
  const std::vector<std::uint8_t> payload = testing::ros1_string("b37");
  auto it = std::search(d.bytes.begin(), d.bytes.end(), payload.begin(), payload.end());
  ASSERT_NE(it, d.bytes.end());
  const std::string conn = "conn=";
  auto field = std::find_end(d.bytes.begin(), it, conn.begin(), conn.end());
  ASSERT_NE(field, it);
  field[1] = 'x';
  for (bool scan : {false, true}) {
    const Outcome o = run(d.bytes, scan);
    EXPECT_EQ(o.delivered, d.total - 1);
    EXPECT_EQ(o.counted, scan ? d.total - 1 : d.total);
    ASSERT_EQ(o.diagnostics.size(), 1u);
    EXPECT_THAT(o.diagnostics[0].message,
                HasSubstr("message data: header field 'conn' is missing; message skipped"));
  }
}

TEST(Damage, ChunksOverTheSizeLimitAreSkipped) {
  Damaged d = make_bag(Codec::kLz4);
  DiagnosticCollector diag;
  Ros1BagOptions options;
  options.max_chunk_size = 100;
  auto r = open_bytes(d.bytes, diag, options, "big.bag");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(read_all(**r).empty());
  EXPECT_EQ(diag.size(), (*r)->info().chunk_count);
  EXPECT_THAT(diag.diagnostics()[0].message, HasSubstr("over the limit of 100"));
}

TEST(Damage, BadMagicAndBagHeader) {
  Damaged d = make_bag(Codec::kNone);
  DiagnosticCollector diag;
  auto bytes = d.bytes;
  const std::uint32_t bad_len = 5000;
  std::memcpy(bytes.data() + 17, &bad_len, 4);
  auto r = open_bytes(bytes, diag, {}, "hdr.bag");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(r.status().message(),
              StartsWith("hdr.bag: offset 13: bag header record: header field at byte 0: length "
                         "5000 exceeds the"));

  bytes = d.bytes;
  bytes[field_value_at(bytes, 13, "op")] = 0x05;
  auto wrong = open_bytes(bytes, diag, {}, "hdr.bag");
  EXPECT_EQ(wrong.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(wrong.status().message(),
            "hdr.bag: offset 13: expected the bag header record (op 0x03), found a chunk record");
}

// Bit flips anywhere in the first bytes of every record (and inside uncompressed chunks): the
// reader never crashes, errors are kCorrupt/kTruncated/kUnsupported, and the scan always delivers
// exactly what it counted.
TEST(Damage, BitFlipsInRecordHeaders) {
  for (Codec codec : {Codec::kNone, Codec::kLz4, Codec::kBz2}) {
    BagWriterOptions options;
    options.compression = codec;
    options.chunk_threshold = 150;
    std::vector<std::uint64_t> records;
    const auto bag = synthetic_bag(options, 12, &records);
    std::mt19937 rng(7);
    for (std::uint64_t record : records) {
      for (int k = 0; k < 10; ++k) {
        auto bytes = bag;
        const std::uint64_t at = record + std::uniform_int_distribution<std::uint64_t>(0, 63)(rng);
        if (at >= bytes.size()) continue;
        bytes[at] ^= static_cast<std::uint8_t>(1u << (k % 8));
        for (bool scan : {false, true}) {
          DiagnosticCollector diag;
          Ros1BagOptions ro;
          ro.force_scan = scan;
          auto r = open_bytes(bytes, diag, ro, "flip.bag");
          if (!r.ok()) {
            EXPECT_TRUE(r.status().code() == StatusCode::kCorrupt ||
                        r.status().code() == StatusCode::kTruncated ||
                        r.status().code() == StatusCode::kUnsupported)
                << r.status().to_string();
            EXPECT_THAT(r.status().message(), StartsWith("flip.bag: offset "));
            continue;
          }
          Status status;
          const auto got = read_all(**r, {}, &status);
          EXPECT_TRUE(status.ok()) << status.to_string();
          ReadOptions ordered;
          ordered.log_time_order = true;
          const auto got_ordered = read_all(**r, ordered, &status);
          EXPECT_EQ(got.size(), got_ordered.size());
          if (!(*r)->info().indexed) {
            EXPECT_EQ(got.size(), (*r)->info().message_count);
          }
          if (got.size() != synthetic_message_count(12)) {
            EXPECT_GT(diag.size(), 0u)
                << "codec " << codec_name(codec) << " flip at " << at << " record " << record
                << " scan " << scan << " got " << got.size() << " indexed " << (*r)->info().indexed;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace parity::ros1
