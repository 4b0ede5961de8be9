#include "formats/parquet/thrift_compact_writer.h"

#include "parity/core/check.h"

namespace parity::parquet::thrift {

void CompactWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<std::uint8_t>(value));
}

void CompactWriter::zigzag(std::int64_t value) {
  varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void CompactWriter::field_header(std::int16_t id, CompactType type) {
  std::int16_t& last = last_ids_.back();
  PARITY_CHECK_MSG(id > last, "thrift field ids must increase within a struct");
  const int delta = id - last;
  if (delta <= 15) {
    out_.push_back(static_cast<std::uint8_t>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<std::uint8_t>(type));
    zigzag(id);
  }
  last = id;
}

void CompactWriter::field_bool(std::int16_t id, bool value) {
  field_header(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::field_i8(std::int16_t id, std::int8_t value) {
  field_header(id, CompactType::kByte);
  out_.push_back(static_cast<std::uint8_t>(value));
}

void CompactWriter::field_i16(std::int16_t id, std::int16_t value) {
  field_header(id, CompactType::kI16);
  zigzag(value);
}

void CompactWriter::field_i32(std::int16_t id, std::int32_t value) {
  field_header(id, CompactType::kI32);
  zigzag(value);
}

void CompactWriter::field_i64(std::int16_t id, std::int64_t value) {
  field_header(id, CompactType::kI64);
  zigzag(value);
}

void CompactWriter::field_binary(std::int16_t id, std::string_view value) {
  field_header(id, CompactType::kBinary);
  element_binary(value);
}

void CompactWriter::begin_struct_field(std::int16_t id) {
  field_header(id, CompactType::kStruct);
  last_ids_.push_back(0);
}

void CompactWriter::begin_list_field(std::int16_t id, CompactType element_type, std::size_t size) {
  field_header(id, CompactType::kList);
  if (size < 15) {
    out_.push_back(static_cast<std::uint8_t>((size << 4) | static_cast<std::size_t>(element_type)));
  } else {
    out_.push_back(static_cast<std::uint8_t>(0xF0 | static_cast<int>(element_type)));
    varint(size);
  }
}

void CompactWriter::element_i32(std::int32_t value) {
  zigzag(value);
}

void CompactWriter::element_binary(std::string_view value) {
  varint(value.size());
  out_.insert(out_.end(), value.begin(), value.end());
}

void CompactWriter::begin_struct_element() {
  last_ids_.push_back(0);
}

void CompactWriter::end_struct() {
  out_.push_back(static_cast<std::uint8_t>(CompactType::kStop));
  if (last_ids_.size() > 1)
    last_ids_.pop_back();
  else
    last_ids_.back() = 0;
}

namespace {

std::int32_t enum_value(Encoding e) {
  return static_cast<std::int32_t>(e);
}

void write_statistics(CompactWriter& w, std::int16_t id, const StatisticsOut& s) {
  w.begin_struct_field(id);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  if (s.nan_count) w.field_i64(9, *s.nan_count);
  w.end_struct();
}

// `LogicalType` union (parquet.thrift): one struct-valued member.
void write_logical_type(CompactWriter& w, std::int16_t id, const LogicalTypeOut& t) {
  using Kind = LogicalTypeOut::Kind;
  if (t.kind == Kind::kNone) return;
  w.begin_struct_field(id);
  switch (t.kind) {
    case Kind::kString:
      w.begin_struct_field(1);  // StringType {}
      w.end_struct();
      break;
    case Kind::kList:
      w.begin_struct_field(3);  // ListType {}
      w.end_struct();
      break;
    case Kind::kTimestamp: {
      w.begin_struct_field(8);  // TimestampType { 1: isAdjustedToUTC, 2: unit }
      w.field_bool(1, t.adjusted_to_utc);
      w.begin_struct_field(2);  // TimeUnit union: 1 MILLIS, 2 MICROS, 3 NANOS
      const std::int16_t unit_id = t.unit == LogicalType::TimeUnit::kMillis   ? 1
                                   : t.unit == LogicalType::TimeUnit::kMicros ? 2
                                                                              : 3;
      w.begin_struct_field(unit_id);
      w.end_struct();
      w.end_struct();
      w.end_struct();
      break;
    }
    case Kind::kInteger:
      w.begin_struct_field(10);  // IntType { 1: i8 bitWidth, 2: bool isSigned }
      w.field_i8(1, t.bit_width);
      w.field_bool(2, t.is_signed);
      w.end_struct();
      break;
    case Kind::kNone: break;
  }
  w.end_struct();
}

void write_schema_element(CompactWriter& w, const SchemaElementOut& e) {
  w.begin_struct_element();
  if (e.type) w.field_i32(1, static_cast<std::int32_t>(*e.type));
  if (e.repetition) w.field_i32(3, static_cast<std::int32_t>(*e.repetition));
  w.field_binary(4, e.name);
  if (e.num_children) w.field_i32(5, *e.num_children);
  if (e.converted_type) w.field_i32(6, static_cast<std::int32_t>(*e.converted_type));
  write_logical_type(w, 10, e.logical_type);
  w.end_struct();
}

void write_column_meta_data(CompactWriter& w, std::int16_t id, const ColumnMetaDataOut& m) {
  w.begin_struct_field(id);
  w.field_i32(1, static_cast<std::int32_t>(m.type));
  w.begin_list_field(2, CompactType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.element_i32(enum_value(e));
  w.begin_list_field(3, CompactType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.element_binary(p);
  w.field_i32(4, static_cast<std::int32_t>(m.codec));
  w.field_i64(5, m.num_values);
  w.field_i64(6, m.total_uncompressed_size);
  w.field_i64(7, m.total_compressed_size);
  w.field_i64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
  if (m.statistics) write_statistics(w, 12, *m.statistics);
  w.end_struct();
}

}  // namespace

void write_page_header(const PageHeaderOut& h, std::vector<std::uint8_t>& out) {
  CompactWriter w(out);
  w.field_i32(1, static_cast<std::int32_t>(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.data_page) {
    const DataPageHeaderOut& d = *h.data_page;
    w.begin_struct_field(5);
    w.field_i32(1, d.num_values);
    w.field_i32(2, enum_value(d.encoding));
    w.field_i32(3, enum_value(d.definition_level_encoding));
    w.field_i32(4, enum_value(d.repetition_level_encoding));
    w.end_struct();
  }
  if (h.dictionary_page) {
    w.begin_struct_field(7);
    w.field_i32(1, h.dictionary_page->num_values);
    w.field_i32(2, enum_value(h.dictionary_page->encoding));
    w.end_struct();
  }
  if (h.data_page_v2) {
    const DataPageHeaderV2Out& d = *h.data_page_v2;
    w.begin_struct_field(8);
    w.field_i32(1, d.num_values);
    w.field_i32(2, d.num_nulls);
    w.field_i32(3, d.num_rows);
    w.field_i32(4, enum_value(d.encoding));
    w.field_i32(5, d.definition_levels_byte_length);
    w.field_i32(6, d.repetition_levels_byte_length);
    w.field_bool(7, d.is_compressed);
    w.end_struct();
  }
  w.end_struct();
}

void write_file_metadata(const FileMetaDataOut& m, std::vector<std::uint8_t>& out) {
  CompactWriter w(out);
  w.field_i32(1, m.version);
  w.begin_list_field(2, CompactType::kStruct, m.schema.size());
  for (const SchemaElementOut& e : m.schema) write_schema_element(w, e);
  w.field_i64(3, m.num_rows);
  w.begin_list_field(4, CompactType::kStruct, m.row_groups.size());
  for (const RowGroupOut& rg : m.row_groups) {
    w.begin_struct_element();
    w.begin_list_field(1, CompactType::kStruct, rg.columns.size());
    for (const ColumnChunkOut& c : rg.columns) {
      w.begin_struct_element();
      w.field_i64(2, c.file_offset);
      write_column_meta_data(w, 3, c.meta_data);
      w.end_struct();
    }
    w.field_i64(2, rg.total_byte_size);
    w.field_i64(3, rg.num_rows);
    w.field_i64(5, rg.file_offset);
    w.field_i64(6, rg.total_compressed_size);
    w.field_i16(7, rg.ordinal);
    w.end_struct();
  }
  if (!m.key_value_metadata.empty()) {
    w.begin_list_field(5, CompactType::kStruct, m.key_value_metadata.size());
    for (const auto& [key, value] : m.key_value_metadata) {
      w.begin_struct_element();
      w.field_binary(1, key);
      w.field_binary(2, value);
      w.end_struct();
    }
  }
  if (!m.created_by.empty()) w.field_binary(6, m.created_by);
  if (m.type_defined_column_orders > 0) {
    w.begin_list_field(7, CompactType::kStruct, m.type_defined_column_orders);
    for (std::size_t i = 0; i < m.type_defined_column_orders; ++i) {
      w.begin_struct_element();  // ColumnOrder union
      w.begin_struct_field(1);   // TYPE_ORDER: TypeDefinedOrder {}
      w.end_struct();
      w.end_struct();
    }
  }
  w.end_struct();
}

}  // namespace parity::parquet::thrift
