// ROS 1 bags (format version 2.0, ROS wiki "Bags/Format/2.0") behind the generic
// parity::Recording contract (parity/formats/recording.h).
//
// What a bag becomes:
//  - RecordingInfo: format "ros1-bag", one file, one episode (whole_recording_episode()),
//    chunk_count and chunk_compression_counts ("" for uncompressed chunks, "bz2", "lz4").
//  - One stream per distinct (topic, type, md5sum): rosbag records one connection per
//    publisher, so a topic published by several nodes has several connections; they are merged.
//    Stream ids are dense (0, 1, ...) in the order of each stream's lowest connection id.
//    StreamInfo: message_encoding "ros1", schema_encoding "ros1msg" (MCAP registry names),
//    schema = the connection's message_definition, type "pkg/Type" as in the bag, metadata
//    {md5sum, callerid (distinct caller ids joined with ','; absent when none recorded),
//    latching ("1" when any connection latched, else "0"; absent when none recorded)}.
//  - MessageView: log time from the record's `time`, data = the serialized ROS 1 message,
//    file_offset = the file offset of the enclosing chunk record, episode 0.
//
// Opening (counts and time ranges are exact either way):
//  - fast path (RecordingInfo::indexed): bag header -> index_pos -> the connection and chunk info
//    records; per-stream time ranges come from the index data records that follow the chunks
//    (only the chunks that can hold a stream's first or last message are looked at); no chunk
//    is decompressed.
//  - sequential scan when the index is absent (index_pos 0: the bag was not closed), points
//    outside the file, or is inconsistent (a warning says why), or when force_scan is set:
//    every chunk is decompressed once and every complete record is recovered.
//
// Damage (reported to the DiagnosticSink with the file and offset, never silently skipped):
//  - empty file / shorter than the magic: kTruncated; wrong magic: kCorrupt (kUnsupported for
//    the older "#ROSRECORD V1.2" format); an unreadable bag header record: kCorrupt/kTruncated.
//  - unusable index: a warning, then the scan.
//  - a chunk that does not decompress or declares impossible sizes: an error; its messages are
//    skipped (the scan leaves them out of the counts; on the fast path counts come from the
//    index, so reading delivers fewer messages than counted).
//  - a record inside a chunk that does not parse: an error, the record is skipped; a chunk whose
//    framing breaks keeps the complete records before the break.
//  - a truncated file: a warning with the offset; every complete record before it is kept (an
//    uncompressed chunk cut short keeps its complete messages).
//  - messages on a connection id that has no connection record: an error, they are skipped.
// Chunk damage is reported once per recording (at open for the scan, else at the first read).
//
// Reading honours every ReadOptions field. File order decompresses one chunk at a time.
// Log-time order (ties keep file order) merges chunks on their start times: memory holds every
// decompressed chunk whose time range overlaps the message being delivered, plus 24 bytes per
// message of those chunks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/recording.h"
#include "parity/io/byte_source.h"

namespace parity::ros1 {

struct Ros1BagOptions {
  bool force_scan = false;  // ignore the index and scan every record
  // Chunks declaring a larger uncompressed size are reported and skipped. The format allows up
  // to 4 GiB - 1; rosbag writes 768 KiB chunks by default. Fuzzers lower it to bound memory.
  std::uint64_t max_chunk_size = 0xffffffffu;
};

// True when `head` (the first bytes of a file) starts with "#ROSBAG V2.0\n".
bool has_ros1_bag_magic(std::span<const std::uint8_t> head);

// Opens a bag file. `diagnostics` must outlive the recording.
// Errors name the path: kNotFound, kIoError, kTruncated (an empty file, a file cut inside the
// bag header), kCorrupt (not a ROS bag, an unreadable bag header), kUnsupported (bag format
// 1.2).
Result<std::unique_ptr<Recording>> open_ros1_bag(const std::filesystem::path& path,
                                                 DiagnosticSink& diagnostics,
                                                 Ros1BagOptions options = {});

// Opens the bag held by `source` (its name() is used in messages and as RecordingInfo::files).
// Same errors.
Result<std::unique_ptr<Recording>> open_ros1_bag(std::unique_ptr<ByteSource> source,
                                                 DiagnosticSink& diagnostics,
                                                 Ros1BagOptions options = {});

}  // namespace parity::ros1
