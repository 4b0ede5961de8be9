// Parquet metadata structures (apache/parquet-format, src/main/thrift/parquet.thrift) decoded
// from the Thrift compact protocol: the footer FileMetaData (into the public FileMetadata) and
// the PageHeader that precedes every page.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "parity/core/status.h"
#include "parity/formats/parquet/parquet_reader.h"

namespace parity::parquet {

// parquet.thrift `PageType`.
enum class PageType : std::uint8_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// parquet.thrift `DataPageHeader` (encodings kept raw; the reader validates them).
struct DataPageHeader {
  std::int32_t num_values = 0;  // including nulls
  std::int32_t encoding = 0;
  std::int32_t definition_level_encoding = 0;
  std::int32_t repetition_level_encoding = 0;
};

// parquet.thrift `DictionaryPageHeader`.
struct DictionaryPageHeader {
  std::int32_t num_values = 0;
  std::int32_t encoding = 0;
};

// parquet.thrift `DataPageHeaderV2`: levels are stored uncompressed before the values.
struct DataPageHeaderV2 {
  std::int32_t num_values = 0;  // including nulls
  std::int32_t num_nulls = 0;
  std::int32_t num_rows = 0;
  std::int32_t encoding = 0;
  std::int32_t definition_levels_byte_length = 0;
  std::int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

// parquet.thrift `PageHeader`.
struct PageHeader {
  std::int32_t type = 0;  // PageType, raw
  std::int32_t uncompressed_page_size = 0;
  std::int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
  std::size_t header_size = 0;  // bytes of the serialized header
};

// Parses the PageHeader at the start of `bytes` (file offset `offset`). Errors: kTruncated
// when `bytes` ends inside the header (callers retry with a longer window), kCorrupt for a
// header that does not parse or has negative sizes or counts, or lacks the sub-header its type
// requires.
Status parse_page_header(std::span<const std::uint8_t> bytes, std::uint64_t offset,
                         PageHeader& out);

// Parses the footer FileMetaData at file offset `footer_offset` and checks it against the
// file: the schema is a tree whose leaves match every row group's column chunks, and every
// chunk lies inside [4, footer_offset). Errors: kCorrupt (messages name the offset or the
// column), kUnsupported (column chunks in external files, encrypted column metadata).
Result<FileMetadata> parse_file_metadata(std::span<const std::uint8_t> footer,
                                         std::uint64_t footer_offset);

// The byte range [begin, end) of a column chunk's pages (dictionary page included).
struct ChunkRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};
ChunkRange chunk_range(const ColumnChunkInfo& chunk);

// Number of bits needed to store values 0..max_level (0 for max_level 0).
int level_bit_width(std::int16_t max_level);

}  // namespace parity::parquet
