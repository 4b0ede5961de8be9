#include "formats/parquet/parquet_metadata.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "formats/parquet/thrift_compact_reader.h"

namespace parity::parquet {

std::string_view physical_type_name(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

std::string_view compression_name(Compression codec) {
  switch (codec) {
    case Compression::kUncompressed: return "UNCOMPRESSED";
    case Compression::kSnappy: return "SNAPPY";
    case Compression::kGzip: return "GZIP";
    case Compression::kLzo: return "LZO";
    case Compression::kBrotli: return "BROTLI";
    case Compression::kLz4: return "LZ4";
    case Compression::kZstd: return "ZSTD";
    case Compression::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

std::string_view encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

std::string ColumnDescriptor::dotted_path() const {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

std::vector<const ColumnDescriptor*> FileMetadata::find_field(std::string_view name) const {
  std::vector<const ColumnDescriptor*> out;
  for (const auto& column : columns) {
    if (column.top_level_name == name) out.push_back(&column);
  }
  return out;
}

std::vector<std::string> FileMetadata::top_level_names() const {
  std::vector<std::string> out;
  for (const auto& column : columns) {
    if (out.empty() || out.back() != column.top_level_name) out.push_back(column.top_level_name);
  }
  return out;
}

int level_bit_width(std::int16_t max_level) {
  if (max_level <= 0) return 0;
  return std::bit_width(static_cast<std::uint16_t>(max_level));
}

ChunkRange chunk_range(const ColumnChunkInfo& chunk) {
  std::uint64_t begin = chunk.data_page_offset;
  if (chunk.dictionary_page_offset && *chunk.dictionary_page_offset > 0 &&
      *chunk.dictionary_page_offset < begin) {
    begin = *chunk.dictionary_page_offset;
  }
  return {begin, begin + chunk.total_compressed_size};
}

namespace {

using T = ThriftType;

// ---------------------------------------------------------------------------------------------
// PageHeader (parquet.thrift `PageHeader`, `DataPageHeader`, `DictionaryPageHeader`,
// `DataPageHeaderV2`).

Status parse_data_page_header(ThriftCompactReader& r, DataPageHeader& out) {
  bool has_num_values = false;
  PARITY_RETURN_IF_ERROR(r.read_struct([&](std::int16_t id, T type) -> Status {
    switch (id) {
      case 1: has_num_values = true; return r.read_i32(type, out.num_values);
      case 2: return r.read_i32(type, out.encoding);
      case 3: return r.read_i32(type, out.definition_level_encoding);
      case 4: return r.read_i32(type, out.repetition_level_encoding);
      default: return r.skip(type);  // 5: statistics
    }
  }));
  if (!has_num_values) return r.error("DataPageHeader without num_values");
  if (out.num_values < 0) return r.error(fmt::format("negative num_values {}", out.num_values));
  return {};
}

Status parse_dictionary_page_header(ThriftCompactReader& r, DictionaryPageHeader& out) {
  bool has_num_values = false;
  PARITY_RETURN_IF_ERROR(r.read_struct([&](std::int16_t id, T type) -> Status {
    switch (id) {
      case 1: has_num_values = true; return r.read_i32(type, out.num_values);
      case 2: return r.read_i32(type, out.encoding);
      default: return r.skip(type);  // 3: is_sorted
    }
  }));
  if (!has_num_values) return r.error("DictionaryPageHeader without num_values");
  if (out.num_values < 0) {
    return r.error(fmt::format("negative dictionary num_values {}", out.num_values));
  }
  return {};
}

Status parse_data_page_header_v2(ThriftCompactReader& r, DataPageHeaderV2& out) {
  int seen = 0;
  PARITY_RETURN_IF_ERROR(r.read_struct([&](std::int16_t id, T type) -> Status {
    switch (id) {
      case 1: seen |= 1; return r.read_i32(type, out.num_values);
      case 2: seen |= 2; return r.read_i32(type, out.num_nulls);
      case 3: seen |= 4; return r.read_i32(type, out.num_rows);
      case 4: return r.read_i32(type, out.encoding);
      case 5: seen |= 8; return r.read_i32(type, out.definition_levels_byte_length);
      case 6: seen |= 16; return r.read_i32(type, out.repetition_levels_byte_length);
      case 7: return r.read_bool(type, out.is_compressed);
      default: return r.skip(type);  // 8: statistics
    }
  }));
  if (seen != 31) return r.error("DataPageHeaderV2 lacks a required field");
  if (out.num_values < 0 || out.num_nulls < 0 || out.num_rows < 0 ||
      out.definition_levels_byte_length < 0 || out.repetition_levels_byte_length < 0) {
    return r.error(fmt::format(
        "DataPageHeaderV2 with a negative count or length (num_values {}, num_nulls {}, "
        "num_rows {}, definition_levels_byte_length {}, repetition_levels_byte_length {})",
        out.num_values, out.num_nulls, out.num_rows, out.definition_levels_byte_length,
        out.repetition_levels_byte_length));
  }
  if (out.num_nulls > out.num_values) {
    return r.error(fmt::format("DataPageHeaderV2 num_nulls {} > num_values {}", out.num_nulls,
                               out.num_values));
  }
  return {};
}

}  // namespace

Status parse_page_header(std::span<const std::uint8_t> bytes, std::uint64_t offset,
                         PageHeader& out) {
  out = PageHeader{};
  ThriftCompactReader r(bytes, offset);
  int seen = 0;
  PARITY_RETURN_IF_ERROR(r.read_struct([&](std::int16_t id, T type) -> Status {
    switch (id) {
      case 1: seen |= 1; return r.read_i32(type, out.type);
      case 2: seen |= 2; return r.read_i32(type, out.uncompressed_page_size);
      case 3: seen |= 4; return r.read_i32(type, out.compressed_page_size);
      case 5:
        if (type != T::kStruct) return r.error("DataPageHeader is not a struct");
        out.data_page.emplace();
        return parse_data_page_header(r, *out.data_page);
      case 7:
        if (type != T::kStruct) return r.error("DictionaryPageHeader is not a struct");
        out.dictionary_page.emplace();
        return parse_dictionary_page_header(r, *out.dictionary_page);
      case 8:
        if (type != T::kStruct) return r.error("DataPageHeaderV2 is not a struct");
        out.data_page_v2.emplace();
        return parse_data_page_header_v2(r, *out.data_page_v2);
      default: return r.skip(type);  // 4: crc, 6: index page header
    }
  }));
  if (seen != 7) {
    return corrupt(fmt::format("offset {}: PageHeader lacks type or page sizes", offset));
  }
  if (out.uncompressed_page_size < 0 || out.compressed_page_size < 0) {
    return corrupt(
        fmt::format("offset {}: PageHeader with negative sizes (compressed {}, uncompressed {})",
                    offset, out.compressed_page_size, out.uncompressed_page_size));
  }
  switch (static_cast<PageType>(out.type)) {
    case PageType::kDataPage:
      if (!out.data_page) {
        return corrupt(fmt::format("offset {}: DATA_PAGE without a DataPageHeader", offset));
      }
      break;
    case PageType::kDataPageV2:
      if (!out.data_page_v2) {
        return corrupt(fmt::format("offset {}: DATA_PAGE_V2 without a DataPageHeaderV2", offset));
      }
      break;
    case PageType::kDictionaryPage:
      if (!out.dictionary_page) {
        return corrupt(
            fmt::format("offset {}: DICTIONARY_PAGE without a DictionaryPageHeader", offset));
      }
      break;
    default: break;  // index pages and unknown types are skipped by the reader
  }
  out.header_size = r.position();
  return {};
}

namespace {

// ---------------------------------------------------------------------------------------------
// FileMetaData and its parts, kept close to the wire before validation.

struct RawSchemaElement {
  std::optional<std::int32_t> type;
  std::int32_t type_length = 0;
  std::optional<std::int32_t> repetition;
  std::string name;
  bool has_name = false;
  std::optional<std::int32_t> num_children;
  std::optional<std::int32_t> converted_type;
  std::int32_t scale = 0;
  std::int32_t precision = 0;
  std::optional<LogicalType> logical;
  bool logical_is_list = false;  // LogicalType LIST
  bool logical_is_map = false;   // LogicalType MAP
  std::uint64_t offset = 0;
};

struct RawStatistics {
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<std::int64_t> null_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct RawColumnMeta {
  std::optional<std::int32_t> type;
  std::vector<std::int32_t> encodings;
  std::vector<std::string> path;
  std::optional<std::int32_t> codec;
  std::optional<std::int64_t> num_values;
  std::optional<std::int64_t> total_uncompressed_size;
  std::optional<std::int64_t> total_compressed_size;
  std::optional<std::int64_t> data_page_offset;
  std::optional<std::int64_t> dictionary_page_offset;
  std::optional<RawStatistics> statistics;
};

struct RawColumnChunk {
  std::optional<std::string> file_path;
  std::optional<RawColumnMeta> meta;
  bool encrypted = false;
  std::uint64_t offset = 0;
};

struct RawRowGroup {
  std::vector<RawColumnChunk> columns;
  std::optional<std::int64_t> num_rows;
  std::int64_t total_byte_size = 0;
  std::uint64_t offset = 0;
};

struct RawFileMetadata {
  std::optional<std::int32_t> version;
  std::vector<RawSchemaElement> schema;
  std::optional<std::int64_t> num_rows;
  std::vector<RawRowGroup> row_groups;
  bool has_row_groups = false;
  std::map<std::string, std::string> key_value;
  std::string created_by;
};

Status parse_time_unit(ThriftCompactReader& r, LogicalType::TimeUnit& unit) {
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    switch (id) {
      case 1: unit = LogicalType::TimeUnit::kMillis; break;
      case 2: unit = LogicalType::TimeUnit::kMicros; break;
      case 3: unit = LogicalType::TimeUnit::kNanos; break;
      default: break;
    }
    return r.skip(type);
  });
}

// parquet.thrift `LogicalType` union.
Status parse_logical_type(ThriftCompactReader& r, RawSchemaElement& element) {
  LogicalType logical;
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    using Kind = LogicalType::Kind;
    if (type != T::kStruct) return r.skip(type);
    switch (id) {
      case 1: logical.kind = Kind::kString; break;
      case 2: element.logical_is_map = true; break;
      case 3: element.logical_is_list = true; break;
      case 4: logical.kind = Kind::kEnum; break;
      case 5:  // DecimalType
        logical.kind = Kind::kDecimal;
        element.logical = logical;
        return r.read_struct([&](std::int16_t fid, T ftype) -> Status {
          std::int32_t v = 0;
          if (fid == 1 || fid == 2) {
            PARITY_RETURN_IF_ERROR(r.read_i32(ftype, v));
            (fid == 1 ? element.logical->scale : element.logical->precision) = v;
            return {};
          }
          return r.skip(ftype);
        });
      case 6: logical.kind = Kind::kDate; break;
      case 7:    // TimeType
      case 8: {  // TimestampType
        logical.kind = id == 7 ? Kind::kTime : Kind::kTimestamp;
        element.logical = logical;
        return r.read_struct([&](std::int16_t fid, T ftype) -> Status {
          if (fid == 1) return r.read_bool(ftype, element.logical->adjusted_to_utc);
          if (fid == 2) {
            if (ftype != T::kStruct) return r.error("TimeUnit is not a struct");
            return parse_time_unit(r, element.logical->unit);
          }
          return r.skip(ftype);
        });
      }
      case 10: {  // IntType
        logical.kind = Kind::kInteger;
        element.logical = logical;
        return r.read_struct([&](std::int16_t fid, T ftype) -> Status {
          if (fid == 1) {
            std::int8_t bits = 0;
            PARITY_RETURN_IF_ERROR(r.read_i8(ftype, bits));
            element.logical->bit_width = static_cast<std::uint8_t>(bits);
            return {};
          }
          if (fid == 2) return r.read_bool(ftype, element.logical->is_signed);
          return r.skip(ftype);
        });
      }
      case 12: logical.kind = Kind::kJson; break;
      case 14: logical.kind = Kind::kUuid; break;
      case 15: logical.kind = Kind::kFloat16; break;
      default: break;  // UNKNOWN (null), BSON, VARIANT, GEOMETRY, ...: no interpretation
    }
    if (logical.kind != Kind::kNone) element.logical = logical;
    return r.skip(type);
  });
}

Status parse_schema_element(ThriftCompactReader& r, RawSchemaElement& e) {
  e.offset = r.file_offset();
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    std::int32_t v = 0;
    switch (id) {
      case 1:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v));
        e.type = v;
        return {};
      case 2: return r.read_i32(type, e.type_length);
      case 3:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v));
        e.repetition = v;
        return {};
      case 4: e.has_name = true; return r.read_string(type, e.name);
      case 5:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v));
        e.num_children = v;
        return {};
      case 6:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v));
        e.converted_type = v;
        return {};
      case 7: return r.read_i32(type, e.scale);
      case 8: return r.read_i32(type, e.precision);
      case 10:
        if (type != T::kStruct) return r.error("LogicalType is not a struct");
        return parse_logical_type(r, e);
      default: return r.skip(type);  // 9: field_id
    }
  });
}

Status parse_statistics(ThriftCompactReader& r, RawStatistics& s) {
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    std::string value;
    std::int64_t n = 0;
    switch (id) {
      case 1:
        PARITY_RETURN_IF_ERROR(r.read_string(type, value));
        s.max = value;
        return {};
      case 2:
        PARITY_RETURN_IF_ERROR(r.read_string(type, value));
        s.min = value;
        return {};
      case 3:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, n));
        s.null_count = n;
        return {};
      case 5:
        PARITY_RETURN_IF_ERROR(r.read_string(type, value));
        s.max_value = value;
        return {};
      case 6:
        PARITY_RETURN_IF_ERROR(r.read_string(type, value));
        s.min_value = value;
        return {};
      default: return r.skip(type);
    }
  });
}

Status parse_column_meta(ThriftCompactReader& r, RawColumnMeta& m) {
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    std::int32_t v32 = 0;
    std::int64_t v64 = 0;
    switch (id) {
      case 1:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v32));
        m.type = v32;
        return {};
      case 2:
        return r.read_list(type, [&](T element_type, std::uint32_t) -> Status {
          PARITY_RETURN_IF_ERROR(r.read_i32(element_type, v32));
          m.encodings.push_back(v32);
          return {};
        });
      case 3:
        return r.read_list(type, [&](T element_type, std::uint32_t) -> Status {
          std::string part;
          PARITY_RETURN_IF_ERROR(r.read_string(element_type, part));
          m.path.push_back(std::move(part));
          return {};
        });
      case 4:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v32));
        m.codec = v32;
        return {};
      case 5:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v64));
        m.num_values = v64;
        return {};
      case 6:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v64));
        m.total_uncompressed_size = v64;
        return {};
      case 7:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v64));
        m.total_compressed_size = v64;
        return {};
      case 9:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v64));
        m.data_page_offset = v64;
        return {};
      case 11:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v64));
        m.dictionary_page_offset = v64;
        return {};
      case 12:
        if (type != T::kStruct) return r.error("Statistics is not a struct");
        m.statistics.emplace();
        return parse_statistics(r, *m.statistics);
      default: return r.skip(type);
    }
  });
}

Status parse_column_chunk(ThriftCompactReader& r, RawColumnChunk& c) {
  c.offset = r.file_offset();
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    switch (id) {
      case 1: {
        std::string path;
        PARITY_RETURN_IF_ERROR(r.read_string(type, path));
        c.file_path = std::move(path);
        return {};
      }
      case 3:
        if (type != T::kStruct) return r.error("ColumnMetaData is not a struct");
        c.meta.emplace();
        return parse_column_meta(r, *c.meta);
      case 8:
      case 9: c.encrypted = true; return r.skip(type);
      default: return r.skip(type);
    }
  });
}

Status parse_row_group(ThriftCompactReader& r, RawRowGroup& g) {
  g.offset = r.file_offset();
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    std::int64_t v = 0;
    switch (id) {
      case 1:
        return r.read_list(type, [&](T element_type, std::uint32_t) -> Status {
          if (element_type != T::kStruct) return r.error("ColumnChunk is not a struct");
          g.columns.emplace_back();
          return parse_column_chunk(r, g.columns.back());
        });
      case 2: return r.read_i64(type, g.total_byte_size);
      case 3:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v));
        g.num_rows = v;
        return {};
      default: return r.skip(type);
    }
  });
}

Status parse_raw_file_metadata(ThriftCompactReader& r, RawFileMetadata& f) {
  return r.read_struct([&](std::int16_t id, T type) -> Status {
    std::int32_t v32 = 0;
    std::int64_t v64 = 0;
    switch (id) {
      case 1:
        PARITY_RETURN_IF_ERROR(r.read_i32(type, v32));
        f.version = v32;
        return {};
      case 2:
        return r.read_list(type, [&](T element_type, std::uint32_t) -> Status {
          if (element_type != T::kStruct) return r.error("SchemaElement is not a struct");
          f.schema.emplace_back();
          return parse_schema_element(r, f.schema.back());
        });
      case 3:
        PARITY_RETURN_IF_ERROR(r.read_i64(type, v64));
        f.num_rows = v64;
        return {};
      case 4:
        f.has_row_groups = true;
        return r.read_list(type, [&](T element_type, std::uint32_t) -> Status {
          if (element_type != T::kStruct) return r.error("RowGroup is not a struct");
          f.row_groups.emplace_back();
          return parse_row_group(r, f.row_groups.back());
        });
      case 5:
        return r.read_list(type, [&](T element_type, std::uint32_t) -> Status {
          if (element_type != T::kStruct) return r.error("KeyValue is not a struct");
          std::string key;
          std::string value;
          PARITY_RETURN_IF_ERROR(r.read_struct([&](std::int16_t fid, T ftype) -> Status {
            if (fid == 1) return r.read_string(ftype, key);
            if (fid == 2) return r.read_string(ftype, value);
            return r.skip(ftype);
          }));
          f.key_value[std::move(key)] = std::move(value);
          return {};
        });
      case 6: return r.read_string(type, f.created_by);
      default: return r.skip(type);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Schema tree -> leaves.

LogicalType from_converted_type(std::int32_t converted) {
  using Kind = LogicalType::Kind;
  LogicalType t;
  switch (converted) {
    case 0: t.kind = Kind::kString; break;   // UTF8
    case 4: t.kind = Kind::kEnum; break;     // ENUM
    case 5: t.kind = Kind::kDecimal; break;  // DECIMAL
    case 6: t.kind = Kind::kDate; break;     // DATE
    case 7:                                  // TIME_MILLIS
    case 8:                                  // TIME_MICROS
      t.kind = Kind::kTime;
      t.unit = converted == 7 ? LogicalType::TimeUnit::kMillis : LogicalType::TimeUnit::kMicros;
      t.adjusted_to_utc = true;
      break;
    case 9:   // TIMESTAMP_MILLIS
    case 10:  // TIMESTAMP_MICROS
      t.kind = Kind::kTimestamp;
      t.unit = converted == 9 ? LogicalType::TimeUnit::kMillis : LogicalType::TimeUnit::kMicros;
      t.adjusted_to_utc = true;
      break;
    case 11:
    case 12:
    case 13:
    case 14:  // UINT_8 .. UINT_64
      t.kind = Kind::kInteger;
      t.is_signed = false;
      t.bit_width = 8 << (converted - 11);
      break;
    case 15:
    case 16:
    case 17:
    case 18:  // INT_8 .. INT_64
      t.kind = Kind::kInteger;
      t.is_signed = true;
      t.bit_width = 8 << (converted - 15);
      break;
    case 19: t.kind = Kind::kJson; break;  // JSON
    default: break;
  }
  return t;
}

constexpr int kMaxSchemaDepth = 100;

class SchemaBuilder {
 public:
  SchemaBuilder(const std::vector<RawSchemaElement>& elements, std::vector<ColumnDescriptor>& out)
      : elements_(elements), out_(out) {}

  Status build() {
    if (elements_.empty()) return corrupt("FileMetaData: empty schema");
    const RawSchemaElement& root = elements_[0];
    if (root.type) {
      return corrupt(fmt::format("offset {}: schema root '{}' is a leaf, not a group", root.offset,
                                 root.name));
    }
    next_ = 1;
    PARITY_RETURN_IF_ERROR(children(root, 0, 0, 0));
    if (next_ != elements_.size()) {
      return corrupt(fmt::format(
          "offset {}: schema is not a tree: the root's {} children end at element {} of {}",
          elements_[next_].offset, root.num_children.value_or(0), next_, elements_.size()));
    }
    return {};
  }

 private:
  Status children(const RawSchemaElement& parent, int depth, std::int16_t def, std::int16_t rep) {
    const std::int32_t n = parent.num_children.value_or(0);
    if (n < 0) {
      return corrupt(fmt::format("offset {}: schema element '{}' has {} children", parent.offset,
                                 parent.name, n));
    }
    if (static_cast<std::uint64_t>(n) > elements_.size() - next_) {
      return corrupt(fmt::format(
          "offset {}: schema is not a tree: element '{}' declares {} children, {} elements follow",
          parent.offset, parent.name, n, elements_.size() - next_));
    }
    if (depth >= kMaxSchemaDepth) {
      return corrupt(fmt::format("offset {}: schema nested deeper than {} levels", parent.offset,
                                 kMaxSchemaDepth));
    }
    for (std::int32_t i = 0; i < n; ++i) {
      // Earlier children's subtrees may have used up the elements the count was checked against.
      if (next_ >= elements_.size()) {
        return corrupt(fmt::format(
            "offset {}: schema is not a tree: element '{}' declares {} children, the schema ends "
            "after {}",
            parent.offset, parent.name, n, i));
      }
      const RawSchemaElement& e = elements_[next_++];
      if (!e.has_name) {
        return corrupt(fmt::format("offset {}: schema element without a name", e.offset));
      }
      if (!e.repetition) {
        return corrupt(fmt::format("offset {}: schema element '{}' without repetition_type",
                                   e.offset, e.name));
      }
      const std::int32_t repetition = *e.repetition;
      if (repetition < 0 || repetition > 2) {
        return corrupt(fmt::format("offset {}: schema element '{}' has repetition_type {}",
                                   e.offset, e.name, repetition));
      }
      std::int16_t child_def = def;
      std::int16_t child_rep = rep;
      if (repetition != 0) ++child_def;
      if (repetition == 2) ++child_rep;
      path_.push_back(e.name);
      if (e.type) {
        PARITY_RETURN_IF_ERROR(leaf(e, static_cast<Repetition>(repetition), child_def, child_rep));
      } else {
        PARITY_RETURN_IF_ERROR(children(e, depth + 1, child_def, child_rep));
      }
      path_.pop_back();
    }
    return {};
  }

  Status leaf(const RawSchemaElement& e, Repetition repetition, std::int16_t def,
              std::int16_t rep) {
    if (e.num_children.value_or(0) > 0) {
      return corrupt(fmt::format("offset {}: schema leaf '{}' declares {} children", e.offset,
                                 e.name, *e.num_children));
    }
    if (*e.type < 0 || *e.type > 7) {
      return corrupt(fmt::format("offset {}: schema leaf '{}' has physical type {}", e.offset,
                                 e.name, *e.type));
    }
    ColumnDescriptor d;
    d.index = out_.size();
    d.path = path_;
    d.top_level_name = path_.front();
    d.physical_type = static_cast<PhysicalType>(*e.type);
    d.type_length = e.type_length;
    if (d.physical_type == PhysicalType::kFixedLenByteArray &&
        (e.type_length <= 0 || e.type_length > (1 << 24))) {
      return corrupt(fmt::format("offset {}: FIXED_LEN_BYTE_ARRAY leaf '{}' has type_length {}",
                                 e.offset, e.name, e.type_length));
    }
    if (e.logical) {
      d.logical_type = *e.logical;
    } else if (e.converted_type) {
      d.logical_type = from_converted_type(*e.converted_type);
    }
    if (d.logical_type.kind == LogicalType::Kind::kDecimal) {
      if (!e.logical) {
        d.logical_type.scale = e.scale;
        d.logical_type.precision = e.precision;
      }
    }
    d.repetition = repetition;
    d.max_definition_level = def;
    d.max_repetition_level = rep;
    d.is_list = rep > 0;
    out_.push_back(std::move(d));
    return {};
  }

  const std::vector<RawSchemaElement>& elements_;
  std::vector<ColumnDescriptor>& out_;
  std::vector<std::string> path_;
  std::size_t next_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Statistics -> doubles.

template <typename V>
V load_le(const std::string& bytes) {
  V v{};
  std::memcpy(&v, bytes.data(), sizeof(V));
  return v;
}

std::optional<double> stat_value(const std::string& bytes, const ColumnDescriptor& d) {
  const bool is_unsigned =
      d.logical_type.kind == LogicalType::Kind::kInteger && !d.logical_type.is_signed;
  switch (d.physical_type) {
    case PhysicalType::kBoolean:
      if (bytes.size() != 1) return std::nullopt;
      return bytes[0] != 0 ? 1.0 : 0.0;
    case PhysicalType::kInt32:
      if (bytes.size() != 4) return std::nullopt;
      if (is_unsigned) return static_cast<double>(load_le<std::uint32_t>(bytes));
      return static_cast<double>(load_le<std::int32_t>(bytes));
    case PhysicalType::kInt64:
      if (bytes.size() != 8) return std::nullopt;
      if (is_unsigned) return static_cast<double>(load_le<std::uint64_t>(bytes));
      return static_cast<double>(load_le<std::int64_t>(bytes));
    case PhysicalType::kFloat: {
      if (bytes.size() != 4) return std::nullopt;
      const auto v = load_le<float>(bytes);
      if (std::isnan(v)) return std::nullopt;
      return static_cast<double>(v);
    }
    case PhysicalType::kDouble: {
      if (bytes.size() != 8) return std::nullopt;
      const auto v = load_le<double>(bytes);
      if (std::isnan(v)) return std::nullopt;
      return v;
    }
    default: return std::nullopt;
  }
}

ColumnStatistics convert_statistics(const RawStatistics& raw, const ColumnDescriptor& d) {
  ColumnStatistics s;
  if (raw.null_count && *raw.null_count >= 0) {
    s.null_count = static_cast<std::uint64_t>(*raw.null_count);
  }
  if (raw.min_value && raw.max_value) {
    s.min = stat_value(*raw.min_value, d);
    s.max = stat_value(*raw.max_value, d);
  } else if (raw.min && raw.max) {
    // The deprecated min/max are ordered as signed values (parquet.thrift `Statistics`), which
    // is wrong for unsigned integers: ignore them there.
    const bool is_unsigned =
        d.logical_type.kind == LogicalType::Kind::kInteger && !d.logical_type.is_signed;
    if (!is_unsigned) {
      s.min = stat_value(*raw.min, d);
      s.max = stat_value(*raw.max, d);
    }
  }
  if (!s.min || !s.max) {
    s.min.reset();
    s.max.reset();
  }
  return s;
}

Status convert_row_groups(const RawFileMetadata& raw, std::uint64_t footer_offset,
                          FileMetadata& out) {
  std::uint64_t first_row = 0;
  out.row_groups.reserve(raw.row_groups.size());
  for (std::size_t g = 0; g < raw.row_groups.size(); ++g) {
    const RawRowGroup& rg = raw.row_groups[g];
    if (!rg.num_rows || *rg.num_rows < 0) {
      return corrupt(
          fmt::format("offset {}: row group {} has no or a negative num_rows", rg.offset, g));
    }
    if (rg.columns.size() != out.columns.size()) {
      return corrupt(
          fmt::format("offset {}: row group {} has {} column chunks, the schema {} leaves",
                      rg.offset, g, rg.columns.size(), out.columns.size()));
    }
    RowGroupInfo info;
    info.num_rows = static_cast<std::uint64_t>(*rg.num_rows);
    info.first_row = first_row;
    info.total_byte_size =
        rg.total_byte_size > 0 ? static_cast<std::uint64_t>(rg.total_byte_size) : 0;
    first_row += info.num_rows;
    info.columns.reserve(rg.columns.size());
    for (std::size_t c = 0; c < rg.columns.size(); ++c) {
      const RawColumnChunk& chunk = rg.columns[c];
      const ColumnDescriptor& d = out.columns[c];
      auto where = [&] {
        return fmt::format("offset {}: row group {}, column '{}'", chunk.offset, g,
                           d.dotted_path());
      };
      if (chunk.encrypted) {
        return unsupported(fmt::format("{}: encrypted column metadata", where()));
      }
      if (chunk.file_path && !chunk.meta) {
        return unsupported(
            fmt::format("{}: column chunk in external file '{}'", where(), *chunk.file_path));
      }
      if (!chunk.meta) return corrupt(fmt::format("{}: column chunk without metadata", where()));
      const RawColumnMeta& m = *chunk.meta;
      if (!m.type || !m.codec || !m.num_values || !m.total_compressed_size ||
          !m.total_uncompressed_size || !m.data_page_offset) {
        return corrupt(fmt::format("{}: ColumnMetaData lacks a required field", where()));
      }
      if (*m.type != static_cast<std::int32_t>(d.physical_type)) {
        return corrupt(fmt::format("{}: chunk type {} differs from the schema's {}", where(),
                                   *m.type, physical_type_name(d.physical_type)));
      }
      if (!m.path.empty() && m.path != d.path) {
        return corrupt(fmt::format("{}: chunk path_in_schema '{}' differs from the schema leaf",
                                   where(), fmt::join(m.path, ".")));
      }
      if (*m.codec < 0 || *m.codec > 255) {
        return corrupt(fmt::format("{}: compression codec {}", where(), *m.codec));
      }
      if (*m.num_values < 0 || *m.total_compressed_size < 0 || *m.total_uncompressed_size < 0 ||
          *m.data_page_offset < 4 || (m.dictionary_page_offset && *m.dictionary_page_offset < 0)) {
        return corrupt(fmt::format(
            "{}: negative or impossible sizes or offsets (num_values {}, total_compressed_size {}, "
            "data_page_offset {})",
            where(), *m.num_values, *m.total_compressed_size, *m.data_page_offset));
      }
      ColumnChunkInfo ci;
      ci.column = c;
      ci.compression = static_cast<Compression>(*m.codec);
      for (const std::int32_t e : m.encodings) {
        if (e >= 0 && e <= 255) ci.encodings.push_back(static_cast<Encoding>(e));
      }
      ci.num_values = static_cast<std::uint64_t>(*m.num_values);
      ci.total_compressed_size = static_cast<std::uint64_t>(*m.total_compressed_size);
      ci.total_uncompressed_size = static_cast<std::uint64_t>(*m.total_uncompressed_size);
      ci.data_page_offset = static_cast<std::uint64_t>(*m.data_page_offset);
      if (m.dictionary_page_offset) {
        ci.dictionary_page_offset = static_cast<std::uint64_t>(*m.dictionary_page_offset);
      }
      if (m.statistics) ci.statistics = convert_statistics(*m.statistics, d);
      const ChunkRange range = chunk_range(ci);
      if (range.begin < 4 || range.end > footer_offset || range.end < range.begin) {
        return corrupt(
            fmt::format("{}: column chunk [{}, {}) lies outside the data section [4, {})", where(),
                        range.begin, range.begin + ci.total_compressed_size, footer_offset));
      }
      if (ci.data_page_offset >= range.end && info.num_rows > 0) {
        return corrupt(fmt::format("{}: data_page_offset {} is past the chunk end {}", where(),
                                   ci.data_page_offset, range.end));
      }
      info.columns.push_back(std::move(ci));
    }
    out.row_groups.push_back(std::move(info));
  }
  if (raw.num_rows && static_cast<std::uint64_t>(*raw.num_rows) != first_row) {
    return corrupt(fmt::format("FileMetaData num_rows {} differs from the row groups' total {}",
                               *raw.num_rows, first_row));
  }
  out.num_rows = first_row;
  return {};
}

}  // namespace

Result<FileMetadata> parse_file_metadata(std::span<const std::uint8_t> footer,
                                         std::uint64_t footer_offset) {
  RawFileMetadata raw;
  ThriftCompactReader r(footer, footer_offset);
  Status st = parse_raw_file_metadata(r, raw);
  if (!st.ok()) {
    // Inside a footer whose length is known, running out of bytes is corruption.
    if (st.code() == StatusCode::kTruncated) {
      return corrupt("FileMetaData does not parse: " + st.message());
    }
    return Status(st.code(), "FileMetaData does not parse: " + st.message());
  }
  if (!raw.version || raw.schema.empty() || !raw.num_rows || !raw.has_row_groups) {
    return corrupt(fmt::format(
        "offset {}: FileMetaData lacks a required field (version, schema, num_rows, row_groups)",
        footer_offset));
  }
  if (*raw.num_rows < 0) {
    return corrupt(fmt::format("offset {}: FileMetaData num_rows {} is negative", footer_offset,
                               *raw.num_rows));
  }
  FileMetadata out;
  out.version = *raw.version;
  out.created_by = std::move(raw.created_by);
  out.key_value_metadata = std::move(raw.key_value);
  SchemaBuilder builder(raw.schema, out.columns);
  PARITY_RETURN_IF_ERROR(builder.build());
  PARITY_RETURN_IF_ERROR(convert_row_groups(raw, footer_offset, out));
  return out;
}

}  // namespace parity::parquet
