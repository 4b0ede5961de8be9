// Streams the pages of one column chunk (apache/parquet-format, README "Column chunks", "Data
// Pages"): an optional dictionary page, then data pages v1 or v2, each behind a Thrift
// PageHeader. Holds one page (compressed and decompressed bytes, decoded levels) at a time and
// appends whole rows to a ColumnData.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/value_decoders.h"
#include "parity/core/status.h"
#include "parity/formats/parquet/parquet_reader.h"
#include "parity/io/byte_source.h"

namespace parity::parquet {

// A byte buffer that does not zero what it allocates: a page is decompressed into it, and an
// untouched allocation costs no memory.
class PageBuffer {
 public:
  // Makes the buffer `size` bytes long; the first min(size, old size) bytes are kept when
  // `preserve`, the rest is unspecified.
  std::span<std::uint8_t> resize(std::size_t size, bool preserve = false) {
    if (size > capacity_) {
      std::unique_ptr<std::uint8_t[]> grown(new std::uint8_t[size]);
      if (preserve && size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
      data_ = std::move(grown);
      capacity_ = size;
    }
    size_ = size;
    return {data_.get(), size_};
  }
  std::span<std::uint8_t> span() { return {data_.get(), size_}; }
  std::span<const std::uint8_t> view() const { return {data_.get(), size_}; }
  std::size_t size() const { return size_; }
  std::uint8_t* data() { return data_.get(); }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

class ColumnChunkReader {
 public:
  // `source`, `descriptor` and `chunk` must outlive the reader. `max_page_values`: pages that
  // declare more values (levels included) are rejected as kCorrupt before decoding.
  ColumnChunkReader(const ByteSource& source, const ColumnDescriptor& descriptor,
                    const ColumnChunkInfo& chunk, std::size_t row_group,
                    std::uint64_t max_page_values);

  // Appends the next `rows` rows to `out` (levels and values; its values alternative must hold
  // the column's physical type), or skips them when `out` is null: whole pages whose row count
  // the header gives are skipped without decompression. A list row ends before the next
  // repetition level 0. Errors name the file, column, row group and page offset: kCorrupt
  // (the chunk ends before `rows` rows, a page that does not decode), kUnsupported (codec or
  // encoding), kTruncated / kIoError from the source.
  Status read_rows(std::uint64_t rows, ColumnData* out);

  // Checks that no decoded level is left over once the row group's rows were all read.
  // Errors: kCorrupt naming the surplus.
  Status finish() const;

 private:
  // Loads the next data page into levels and a value decoder. Sets `at_end` when the chunk has
  // no more pages. When `skippable_rows` > 0 and the header alone shows the page holds at most
  // that many whole rows, skips the page and reports them in `skipped_rows`.
  Status next_page(std::uint64_t skippable_rows, std::uint64_t& skipped_rows, bool& at_end);
  // Reads and parses the page header at pos_ (raw_ holds the bytes read so far) and checks the
  // page lies inside the chunk; read_body then completes raw_ with the page body.
  Status read_header(PageHeader& header);
  Status read_body(const PageHeader& header, std::span<const std::uint8_t>& body);
  Status decompress(const PageHeader& header, std::span<const std::uint8_t> in,
                    std::uint64_t uncompressed_size, std::span<const std::uint8_t>& out);
  Status load_dictionary(const PageHeader& header, std::span<const std::uint8_t> body);
  Status load_data_page(const PageHeader& header, std::span<const std::uint8_t> body);
  Status load_data_page_v2(const PageHeader& header, std::span<const std::uint8_t> body);
  Status decode_levels(std::int32_t encoding, std::span<const std::uint8_t> data,
                       std::int16_t max_level, std::size_t count, bool length_prefixed,
                       std::vector<std::int16_t>& out, std::size_t& consumed,
                       std::string_view what);
  Status start_values(std::int32_t encoding, std::span<const std::uint8_t> data,
                      std::uint64_t num_values);
  Status consume(std::size_t levels, ColumnData* out);
  Status context(Status status) const;

  const ByteSource& source_;
  const ColumnDescriptor& descriptor_;
  const ColumnChunkInfo& chunk_;
  std::size_t row_group_ = 0;
  std::uint64_t max_page_values_ = 0;
  std::uint64_t pos_ = 0;          // file offset of the next page header
  std::uint64_t end_ = 0;          // end of the chunk
  std::uint64_t page_offset_ = 0;  // offset of the current page header, for messages
  bool seen_data_page_ = false;

  PageBuffer raw_;           // header + compressed body of the current page
  PageBuffer decompressed_;  // decompressed body (or values, for v2)
  std::vector<std::int16_t> def_levels_;
  std::vector<std::int16_t> rep_levels_;
  std::size_t page_levels_ = 0;  // level slots in the current page (its num_values)
  std::size_t level_pos_ = 0;    // next unread level slot

  bool has_dictionary_ = false;
  ValueVector dictionary_;
  PageValueDecoder values_;
};

}  // namespace parity::parquet
