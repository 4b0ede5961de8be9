#include "formats/parquet/column_chunk_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "formats/parquet/page_codecs.h"

namespace parity::parquet {
namespace {

// First read for a page header; headers with large statistics grow the window up to
// kMaxHeaderWindow.
constexpr std::size_t kHeaderWindow = std::size_t{8} << 10;
constexpr std::size_t kMaxHeaderWindow = std::size_t{16} << 20;

bool known_encoding(std::int32_t e) {
  return e == 0 || (e >= 2 && e <= 9);
}

}  // namespace

ColumnChunkReader::ColumnChunkReader(const ByteSource& source, const ColumnDescriptor& descriptor,
                                     const ColumnChunkInfo& chunk, std::size_t row_group,
                                     std::uint64_t max_page_values)
    : source_(source),
      descriptor_(descriptor),
      chunk_(chunk),
      row_group_(row_group),
      max_page_values_(max_page_values) {
  const ChunkRange range = chunk_range(chunk);
  pos_ = range.begin;
  end_ = range.end;
  page_offset_ = pos_;
}

Status ColumnChunkReader::context(Status status) const {
  if (status.ok()) return status;
  return status.with_context(fmt::format("{}: column '{}' (row group {}): page at offset {}",
                                         source_.name(), descriptor_.dotted_path(), row_group_,
                                         page_offset_));
}

Status ColumnChunkReader::read_header(PageHeader& header) {
  const std::uint64_t left = end_ - pos_;
  std::size_t window = static_cast<std::size_t>(std::min<std::uint64_t>(left, kHeaderWindow));
  while (true) {
    PARITY_RETURN_IF_ERROR(source_.read_at(pos_, raw_.resize(window)));
    Status st = parse_page_header(raw_.view(), pos_, header);
    if (st.ok()) break;
    if (st.code() != StatusCode::kTruncated) return st;
    if (window >= left || window >= kMaxHeaderWindow) {
      return corrupt(
          fmt::format("page header does not fit in the {} bytes left in the column "
                      "chunk: {}",
                      left, st.message()));
    }
    window = static_cast<std::size_t>(
        std::min<std::uint64_t>({left, kMaxHeaderWindow, std::uint64_t{window} * 4}));
  }
  const std::uint64_t body_offset = pos_ + header.header_size;
  const std::uint64_t compressed = static_cast<std::uint64_t>(header.compressed_page_size);
  if (compressed > end_ - body_offset) {
    return corrupt(fmt::format(
        "compressed page size {} at offset {} runs past the column chunk end {} ({} bytes left)",
        compressed, body_offset, end_, end_ - body_offset));
  }
  return {};
}

Status ColumnChunkReader::read_body(const PageHeader& header, std::span<const std::uint8_t>& body) {
  const std::size_t total =
      header.header_size + static_cast<std::size_t>(header.compressed_page_size);
  if (total > raw_.size()) {
    const std::size_t have = raw_.size();
    raw_.resize(total, /*preserve=*/true);
    PARITY_RETURN_IF_ERROR(
        source_.read_at(pos_ + have, std::span<std::uint8_t>(raw_.data() + have, total - have)));
  }
  body = std::span<const std::uint8_t>(raw_.data() + header.header_size,
                                       static_cast<std::size_t>(header.compressed_page_size));
  return {};
}

Status ColumnChunkReader::decompress(const PageHeader& header, std::span<const std::uint8_t> in,
                                     std::uint64_t uncompressed_size,
                                     std::span<const std::uint8_t>& out) {
  (void)header;
  const Compression codec = chunk_.compression;
  if (!codec_supported(codec)) {
    return unsupported(fmt::format("compression codec {} ({}) is not supported",
                                   compression_name(codec), static_cast<int>(codec)));
  }
  if (codec == Compression::kUncompressed) {
    if (uncompressed_size != in.size()) {
      return corrupt(fmt::format("UNCOMPRESSED page declares {} bytes uncompressed, stores {}",
                                 uncompressed_size, in.size()));
    }
    out = in;
    return {};
  }
  const std::uint64_t cap = std::min(kMaxPageSize, max_decompressed_page_size(codec, in.size()));
  if (uncompressed_size > cap) {
    return corrupt(
        fmt::format("uncompressed page size {} exceeds the limit {} for {} compressed bytes of {}",
                    uncompressed_size, cap, in.size(), compression_name(codec)));
  }
  PARITY_RETURN_IF_ERROR(check_decompressed_size(codec, in, uncompressed_size));
  const auto buffer = decompressed_.resize(static_cast<std::size_t>(uncompressed_size));
  PARITY_RETURN_IF_ERROR(decompress_page(codec, in, buffer));
  out = decompressed_.view();
  return {};
}

Status ColumnChunkReader::load_dictionary(const PageHeader& header,
                                          std::span<const std::uint8_t> body) {
  if (has_dictionary_ || seen_data_page_) {
    return corrupt("dictionary page after a dictionary or data page of the same column chunk");
  }
  const DictionaryPageHeader& dict = *header.dictionary_page;
  if (dict.encoding != static_cast<std::int32_t>(Encoding::kPlain) &&
      dict.encoding != static_cast<std::int32_t>(Encoding::kPlainDictionary)) {
    return unsupported(fmt::format("dictionary page encoding {} (expected PLAIN)", dict.encoding));
  }
  std::span<const std::uint8_t> data;
  PARITY_RETURN_IF_ERROR(
      decompress(header, body, static_cast<std::uint64_t>(header.uncompressed_page_size), data));
  PARITY_RETURN_IF_ERROR(decode_dictionary_page(descriptor_.physical_type, descriptor_.type_length,
                                                data, static_cast<std::uint64_t>(dict.num_values),
                                                dictionary_));
  has_dictionary_ = true;
  return {};
}

Status ColumnChunkReader::decode_levels(std::int32_t encoding, std::span<const std::uint8_t> data,
                                        std::int16_t max_level, std::size_t count,
                                        bool length_prefixed, std::vector<std::int16_t>& out,
                                        std::size_t& consumed, std::string_view what) {
  const int width = level_bit_width(max_level);
  if (out.size() < count) out.resize(count);
  if (encoding == static_cast<std::int32_t>(Encoding::kRle)) {
    std::span<const std::uint8_t> runs = data;
    consumed = data.size();
    if (length_prefixed) {
      if (data.size() < 4) {
        return corrupt(fmt::format("{} levels: 4-byte length prefix cut off ({} bytes left)", what,
                                   data.size()));
      }
      std::uint32_t length = 0;
      std::memcpy(&length, data.data(), 4);
      if (length > data.size() - 4) {
        return corrupt(fmt::format("{} levels: length {} exceeds the {} bytes left in the page",
                                   what, length, data.size() - 4));
      }
      runs = data.subspan(4, length);
      consumed = 4 + std::size_t{length};
    }
    RleBitPackedDecoder decoder(runs, width);
    Status st = decoder.get(out.data(), count);
    if (!st.ok()) return st.with_context(fmt::format("{} levels", what));
  } else if (encoding == static_cast<std::int32_t>(Encoding::kBitPacked)) {
    PARITY_RETURN_IF_ERROR(decode_bit_packed_msb(data, width, out.data(), count));
    consumed =
        static_cast<std::size_t>((std::uint64_t{count} * static_cast<unsigned>(width) + 7) / 8);
  } else {
    return unsupported(
        fmt::format("{} level encoding {} (expected RLE or BIT_PACKED)", what, encoding));
  }
  // Decoded levels are below 2^width; only a max level short of 2^width - 1 needs a check.
  if (max_level < (1 << width) - 1) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < count; ++i) bad += out[i] > max_level ? 1 : 0;
    if (bad > 0) {
      const auto it = std::find_if(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(count),
                                   [&](std::int16_t v) { return v > max_level; });
      return corrupt(fmt::format("{} level {} outside 0..{}", what, *it, max_level));
    }
  }
  return {};
}

Status ColumnChunkReader::start_values(std::int32_t encoding, std::span<const std::uint8_t> data,
                                       std::uint64_t num_values) {
  if (!known_encoding(encoding)) {
    return unsupported(fmt::format("value encoding {} is not supported", encoding));
  }
  return values_.init(static_cast<Encoding>(encoding), descriptor_.physical_type,
                      descriptor_.type_length, data, num_values,
                      has_dictionary_ ? &dictionary_ : nullptr);
}

Status ColumnChunkReader::load_data_page(const PageHeader& header,
                                         std::span<const std::uint8_t> body) {
  const DataPageHeader& h = *header.data_page;
  const std::uint64_t num_values = static_cast<std::uint64_t>(h.num_values);
  if (num_values > max_page_values_) {
    return corrupt(fmt::format("data page declares {} values, above the limit of {}", num_values,
                               max_page_values_));
  }
  std::span<const std::uint8_t> data;
  PARITY_RETURN_IF_ERROR(
      decompress(header, body, static_cast<std::uint64_t>(header.uncompressed_page_size), data));
  std::size_t pos = 0;
  const std::size_t count = static_cast<std::size_t>(num_values);
  if (descriptor_.max_repetition_level > 0) {
    std::size_t used = 0;
    PARITY_RETURN_IF_ERROR(decode_levels(h.repetition_level_encoding, data,
                                         descriptor_.max_repetition_level, count, true, rep_levels_,
                                         used, "repetition"));
    pos += used;
  }
  if (descriptor_.max_definition_level > 0) {
    std::size_t used = 0;
    PARITY_RETURN_IF_ERROR(decode_levels(h.definition_level_encoding, data.subspan(pos),
                                         descriptor_.max_definition_level, count, true, def_levels_,
                                         used, "definition"));
    pos += used;
  }
  PARITY_RETURN_IF_ERROR(start_values(h.encoding, data.subspan(pos), num_values));
  page_levels_ = count;
  level_pos_ = 0;
  return {};
}

Status ColumnChunkReader::load_data_page_v2(const PageHeader& header,
                                            std::span<const std::uint8_t> body) {
  const DataPageHeaderV2& h = *header.data_page_v2;
  const std::uint64_t num_values = static_cast<std::uint64_t>(h.num_values);
  if (num_values > max_page_values_) {
    return corrupt(fmt::format("data page declares {} values, above the limit of {}", num_values,
                               max_page_values_));
  }
  const std::uint64_t levels_size = static_cast<std::uint64_t>(h.repetition_levels_byte_length) +
                                    static_cast<std::uint64_t>(h.definition_levels_byte_length);
  if (levels_size > body.size() ||
      levels_size > static_cast<std::uint64_t>(header.uncompressed_page_size)) {
    return corrupt(fmt::format(
        "DATA_PAGE_V2 level bytes ({} repetition + {} definition) exceed the page ({} compressed, "
        "{} uncompressed bytes)",
        h.repetition_levels_byte_length, h.definition_levels_byte_length, body.size(),
        header.uncompressed_page_size));
  }
  const std::size_t count = static_cast<std::size_t>(num_values);
  const auto rep_bytes = body.subspan(0, static_cast<std::size_t>(h.repetition_levels_byte_length));
  const auto def_bytes = body.subspan(static_cast<std::size_t>(h.repetition_levels_byte_length),
                                      static_cast<std::size_t>(h.definition_levels_byte_length));
  std::size_t used = 0;
  const auto rle = static_cast<std::int32_t>(Encoding::kRle);
  if (descriptor_.max_repetition_level > 0) {
    PARITY_RETURN_IF_ERROR(decode_levels(rle, rep_bytes, descriptor_.max_repetition_level, count,
                                         false, rep_levels_, used, "repetition"));
  }
  if (descriptor_.max_definition_level > 0) {
    PARITY_RETURN_IF_ERROR(decode_levels(rle, def_bytes, descriptor_.max_definition_level, count,
                                         false, def_levels_, used, "definition"));
  }
  const auto compressed_values = body.subspan(static_cast<std::size_t>(levels_size));
  const std::uint64_t values_size =
      static_cast<std::uint64_t>(header.uncompressed_page_size) - levels_size;
  std::span<const std::uint8_t> data;
  if (h.is_compressed) {
    PARITY_RETURN_IF_ERROR(decompress(header, compressed_values, values_size, data));
  } else {
    if (values_size != compressed_values.size()) {
      return corrupt(fmt::format("uncompressed DATA_PAGE_V2 declares {} value bytes, stores {}",
                                 values_size, compressed_values.size()));
    }
    data = compressed_values;
  }
  PARITY_RETURN_IF_ERROR(start_values(h.encoding, data, num_values));
  page_levels_ = count;
  level_pos_ = 0;
  return {};
}

Status ColumnChunkReader::next_page(std::uint64_t skippable_rows, std::uint64_t& skipped_rows,
                                    bool& at_end) {
  skipped_rows = 0;
  at_end = false;
  while (true) {
    if (pos_ >= end_) {
      at_end = true;
      return {};
    }
    page_offset_ = pos_;
    PageHeader header;
    std::span<const std::uint8_t> body;
    PARITY_RETURN_IF_ERROR(read_header(header));
    const std::uint64_t next =
        pos_ + header.header_size + static_cast<std::uint64_t>(header.compressed_page_size);
    switch (static_cast<PageType>(header.type)) {
      case PageType::kDictionaryPage:
        PARITY_RETURN_IF_ERROR(read_body(header, body));
        PARITY_RETURN_IF_ERROR(load_dictionary(header, body));
        pos_ = next;
        continue;
      case PageType::kDataPage: {
        seen_data_page_ = true;
        const auto n = static_cast<std::uint64_t>(header.data_page->num_values);
        if (descriptor_.max_repetition_level == 0 && n <= skippable_rows) {
          skipped_rows = n;
          page_levels_ = level_pos_ = 0;
          pos_ = next;
          return {};
        }
        PARITY_RETURN_IF_ERROR(read_body(header, body));
        pos_ = next;
        return load_data_page(header, body);
      }
      case PageType::kDataPageV2: {
        seen_data_page_ = true;
        const auto rows = static_cast<std::uint64_t>(header.data_page_v2->num_rows);
        if (rows <= skippable_rows && rows > 0) {
          skipped_rows = rows;
          page_levels_ = level_pos_ = 0;
          pos_ = next;
          return {};
        }
        PARITY_RETURN_IF_ERROR(read_body(header, body));
        pos_ = next;
        return load_data_page_v2(header, body);
      }
      default:  // index pages and page types from newer writers
        pos_ = next;
        continue;
    }
  }
}

Status ColumnChunkReader::consume(std::size_t levels, ColumnData* out) {
  const std::int16_t max_def = descriptor_.max_definition_level;
  std::size_t present = levels;
  if (max_def > 0) {
    const std::int16_t* def = def_levels_.data() + level_pos_;
    present = 0;
    for (std::size_t i = 0; i < levels; ++i) present += def[i] == max_def ? 1 : 0;
  }
  if (out != nullptr) {
    if (max_def > 0) {
      out->definition_levels.insert(
          out->definition_levels.end(),
          def_levels_.begin() + static_cast<std::ptrdiff_t>(level_pos_),
          def_levels_.begin() + static_cast<std::ptrdiff_t>(level_pos_ + levels));
    }
    if (descriptor_.max_repetition_level > 0) {
      out->repetition_levels.insert(
          out->repetition_levels.end(),
          rep_levels_.begin() + static_cast<std::ptrdiff_t>(level_pos_),
          rep_levels_.begin() + static_cast<std::ptrdiff_t>(level_pos_ + levels));
    }
    PARITY_RETURN_IF_ERROR(values_.decode(present, out->values));
  } else {
    PARITY_RETURN_IF_ERROR(values_.skip(present));
  }
  level_pos_ += levels;
  return {};
}

Status ColumnChunkReader::read_rows(std::uint64_t rows, ColumnData* out) {
  std::uint64_t started = 0;
  const bool is_flat = descriptor_.max_repetition_level == 0;
  while (true) {
    if (is_flat && started == rows) return {};
    if (level_pos_ == page_levels_) {
      std::uint64_t skipped = 0;
      bool at_end = false;
      PARITY_RETURN_IF_ERROR(
          context(next_page(out == nullptr ? rows - started : 0, skipped, at_end)));
      if (at_end) {
        if (started == rows) return {};
        return context(
            corrupt(fmt::format("the column chunk ends after {} of the {} rows asked "
                                "for; the row group declares more",
                                started, rows)));
      }
      if (skipped > rows - started) {
        return context(corrupt(
            fmt::format("page of {} rows skipped with {} rows left", skipped, rows - started)));
      }
      started += skipped;
      continue;
    }
    if (is_flat) {
      const std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(rows - started, page_levels_ - level_pos_));
      PARITY_RETURN_IF_ERROR(context(consume(take, out)));
      started += take;
      continue;
    }
    const std::int16_t* rep = rep_levels_.data();
    if (started == 0 && rep[level_pos_] != 0) {
      return context(corrupt(
          fmt::format("repetition level {} where a row must start (expected 0)", rep[level_pos_])));
    }
    // The rest of the page when all its row starts are wanted: a branch-free count.
    std::size_t starts = 0;
    for (std::size_t i = level_pos_; i < page_levels_; ++i) starts += rep[i] == 0 ? 1 : 0;
    if (started + starts <= rows) {
      started += starts;
      PARITY_RETURN_IF_ERROR(context(consume(page_levels_ - level_pos_, out)));
      continue;
    }
    std::size_t j = level_pos_;
    bool boundary = false;
    for (; j < page_levels_; ++j) {
      if (rep[j] == 0) {
        if (started == rows) {
          boundary = true;
          break;
        }
        ++started;
      } else if (started == 0) {
        return context(corrupt(
            fmt::format("repetition level {} where a row must start (expected 0)", rep[j])));
      }
    }
    PARITY_RETURN_IF_ERROR(context(consume(j - level_pos_, out)));
    if (boundary) return {};
  }
}

Status ColumnChunkReader::finish() const {
  if (level_pos_ != page_levels_) {
    return context(
        corrupt(fmt::format("{} level slots left in the page after the row group's last row",
                            page_levels_ - level_pos_)));
  }
  return {};
}

}  // namespace parity::parquet
