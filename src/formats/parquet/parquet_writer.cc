#include "parity/formats/parquet/parquet_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "formats/parquet/page_codecs.h"
#include "formats/parquet/thrift_compact_writer.h"
#include "formats/parquet/value_encoders.h"
#include "parity/io/byte_sink.h"

namespace parity::parquet {

namespace {

constexpr std::uint8_t kParquetMagic[4] = {'P', 'A', 'R', '1'};
// Rows handed to the column writers at a time: the granularity of the row-group byte check.
constexpr std::uint64_t kSliceRows = 4096;
// Largest encoded size one row may add to a page (keeps every page below the i32 sizes of
// the page header).
constexpr std::uint64_t kMaxRowBytes = std::uint64_t{1} << 30;
constexpr std::uint64_t kMaxTargetPageBytes = std::uint64_t{1} << 30;

// ---------------------------------------------------------------- schema checks

bool encoding_allowed(PhysicalType type, Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain: return true;
    case Encoding::kRleDictionary: return type != PhysicalType::kBoolean;
    case Encoding::kRle: return type == PhysicalType::kBoolean;
    case Encoding::kDeltaBinaryPacked:
      return type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray: return type == PhysicalType::kByteArray;
    case Encoding::kByteStreamSplit:
      return type == PhysicalType::kFloat || type == PhysicalType::kDouble ||
             type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
    default: return false;
  }
}

Status check_column(const WriterColumn& c) {
  const std::string where = fmt::format("Parquet writer: column '{}'", c.name);
  switch (c.physical_type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
    case PhysicalType::kByteArray: break;
    default:
      return invalid_argument(fmt::format("{}: physical type {} is not supported by the writer",
                                          where, physical_type_name(c.physical_type)));
  }
  using Kind = LogicalType::Kind;
  const LogicalType& l = c.logical_type;
  switch (l.kind) {
    case Kind::kNone: break;
    case Kind::kString:
      if (c.physical_type != PhysicalType::kByteArray) {
        return invalid_argument(fmt::format("{}: STRING needs BYTE_ARRAY, found {}", where,
                                            physical_type_name(c.physical_type)));
      }
      break;
    case Kind::kTimestamp:
      if (c.physical_type != PhysicalType::kInt64) {
        return invalid_argument(fmt::format("{}: TIMESTAMP needs INT64, found {}", where,
                                            physical_type_name(c.physical_type)));
      }
      break;
    case Kind::kInteger: {
      const bool ok32 = c.physical_type == PhysicalType::kInt32 &&
                        (l.bit_width == 8 || l.bit_width == 16 || l.bit_width == 32);
      const bool ok64 = c.physical_type == PhysicalType::kInt64 && l.bit_width == 64;
      if (!ok32 && !ok64) {
        return invalid_argument(
            fmt::format("{}: INT({}) needs INT32 for 8/16/32 bits or INT64 for 64 bits, found {}",
                        where, l.bit_width, physical_type_name(c.physical_type)));
      }
      break;
    }
    default:
      return invalid_argument(
          fmt::format("{}: only STRING, TIMESTAMP and INT logical types "
                      "are written",
                      where));
  }
  if (!encoding_allowed(c.physical_type, c.encoding)) {
    return invalid_argument(fmt::format("{}: encoding {} is not valid for {}", where,
                                        encoding_name(c.encoding),
                                        physical_type_name(c.physical_type)));
  }
  if (!c.list && c.element_nullable) {
    return invalid_argument(fmt::format("{}: element_nullable is set on a flat column", where));
  }
  return {};
}

Status check_options(const WriterOptions& o) {
  switch (o.compression) {
    case Compression::kUncompressed:
    case Compression::kSnappy:
    case Compression::kGzip:
    case Compression::kZstd:
    case Compression::kLz4Raw: break;
    default:
      return invalid_argument(fmt::format("Parquet writer: compression {} is not supported",
                                          compression_name(o.compression)));
  }
  if (o.data_page_version != 1 && o.data_page_version != 2) {
    return invalid_argument(
        fmt::format("Parquet writer: data_page_version must be 1 or 2, "
                    "found {}",
                    o.data_page_version));
  }
  if (o.row_group_rows == 0) {
    return invalid_argument("Parquet writer: row_group_rows must be > 0");
  }
  if (o.target_page_bytes == 0 || o.target_page_bytes > kMaxTargetPageBytes) {
    return invalid_argument(
        fmt::format("Parquet writer: target_page_bytes must be in "
                    "[1, {}], found {}",
                    kMaxTargetPageBytes, o.target_page_bytes));
  }
  return {};
}

// ---------------------------------------------------------------- statistics

// Min/max in the column's sort order (parquet.thrift ColumnOrder TYPE_ORDER): signed or
// unsigned integers, floats without NaN (-0/+0 normalised), unsigned byte-wise for byte
// arrays, false < true for booleans.
template <typename T>
class MinMax {
 public:
  explicit MinMax(bool unsigned_order) : unsigned_(unsigned_order) {}

  void update(const T& v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) {
        ++nan_count_;
        return;
      }
    }
    if (!has_) {
      min_ = v;
      max_ = v;
      has_ = true;
      return;
    }
    if (less(v, min_)) min_ = v;
    if (less(max_, v)) max_ = v;
  }
  void reset() {
    has_ = false;
    nan_count_ = 0;
  }
  bool has() const { return has_; }
  const T& min() const { return min_; }
  const T& max() const { return max_; }
  std::int64_t nan_count() const { return nan_count_; }

 private:
  bool less(const T& a, const T& b) const {
    if constexpr (std::is_same_v<T, std::int32_t>) {
      if (unsigned_) return static_cast<std::uint32_t>(a) < static_cast<std::uint32_t>(b);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (unsigned_) return static_cast<std::uint64_t>(a) < static_cast<std::uint64_t>(b);
    }
    return a < b;
  }

  bool unsigned_;
  bool has_ = false;
  T min_{};
  T max_{};
  std::int64_t nan_count_ = 0;
};

template <typename T>
std::string plain_bytes(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else {
    std::string out(sizeof(T), '\0');
    std::memcpy(out.data(), &v, sizeof(T));
    return out;
  }
}

// ---------------------------------------------------------------- column chunks

struct PageOutput {
  std::vector<std::uint8_t> bytes;  // header + body of every finished data page
  std::set<Encoding> encodings;
  std::uint64_t uncompressed_bytes = 0;  // including headers
  std::uint64_t num_values = 0;          // levels (values + nulls + empty lists)
  std::uint64_t null_count = 0;
};

// Writes one leaf column: buffers the open page, turns it into an encoded (and compressed)
// page once it reaches the target size, keeps the finished pages of the current row group.
class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const WriterColumn& column, const WriterOptions& options)
      : column_(column), options_(options) {
    max_def_ = static_cast<std::int16_t>((column.nullable ? 1 : 0) +
                                         (column.list ? 1 + (column.element_nullable ? 1 : 0) : 0));
    max_rep_ = column.list ? 1 : 0;
  }
  virtual ~ColumnChunkWriter() = default;
  ColumnChunkWriter(const ColumnChunkWriter&) = delete;
  ColumnChunkWriter& operator=(const ColumnChunkWriter&) = delete;

  // Appends rows [begin, end) of an already validated batch.
  virtual Status append(const ColumnValues& values, std::uint64_t begin, std::uint64_t end) = 0;

  // Page bytes held for the current row group, finished and open.
  std::uint64_t buffered_bytes() const { return pages_.bytes.size() + open_page_estimate(); }

  // Finishes the chunk: writes [dictionary page] data pages to `sink` starting at file offset
  // `offset` (advanced past them) and resets for the next row group.
  Result<thrift::ColumnChunkOut> finish(ByteSink& sink, std::uint64_t& offset) {
    PARITY_RETURN_IF_ERROR(flush_page());
    thrift::ColumnChunkOut chunk;
    thrift::ColumnMetaDataOut& m = chunk.meta_data;
    m.type = column_.physical_type;
    m.path_in_schema = column_.list ? std::vector<std::string>{column_.name, "list", "element"}
                                    : std::vector<std::string>{column_.name};
    m.codec = options_.compression;
    m.num_values = static_cast<std::int64_t>(pages_.num_values);

    std::vector<std::uint8_t> dictionary;
    PARITY_RETURN_IF_ERROR(dictionary_page(dictionary));
    std::uint64_t uncompressed = pages_.uncompressed_bytes + dictionary_uncompressed_;
    std::set<Encoding> encodings = pages_.encodings;
    if (!dictionary.empty()) {
      m.dictionary_page_offset = static_cast<std::int64_t>(offset);
      encodings.insert(Encoding::kPlain);
      PARITY_RETURN_IF_ERROR(sink.write(dictionary));
      offset += dictionary.size();
    }
    m.data_page_offset = static_cast<std::int64_t>(offset);
    PARITY_RETURN_IF_ERROR(sink.write(pages_.bytes));
    offset += pages_.bytes.size();
    m.encodings.assign(encodings.begin(), encodings.end());
    m.total_compressed_size = static_cast<std::int64_t>(dictionary.size() + pages_.bytes.size());
    m.total_uncompressed_size = static_cast<std::int64_t>(uncompressed);
    if (options_.write_statistics) {
      thrift::StatisticsOut s;
      s.null_count = static_cast<std::int64_t>(pages_.null_count);
      fill_statistics(s);
      m.statistics = std::move(s);
    }
    pages_ = PageOutput{};
    dictionary_uncompressed_ = 0;
    reset_chunk();
    return chunk;
  }

 protected:
  // Encoded values of the open page and the encoding used; clears the open values.
  virtual Status encode_values(std::vector<std::uint8_t>& out, Encoding& encoding) = 0;
  virtual std::uint64_t open_values_estimate() const = 0;
  // PLAIN dictionary page body (empty when the chunk used no dictionary) and entry count.
  virtual void dictionary_values(std::vector<std::uint8_t>& out, std::size_t& count) = 0;
  virtual void fill_statistics(thrift::StatisticsOut& s) const = 0;
  virtual void reset_chunk() = 0;

  std::uint64_t open_page_estimate() const {
    const int bits = encode::bit_width(static_cast<std::uint64_t>(max_def_)) +
                     encode::bit_width(static_cast<std::uint64_t>(max_rep_));
    return def_.size() * static_cast<std::uint64_t>(bits) / 8 + open_values_estimate();
  }

  void add_levels(std::int16_t def, std::int16_t rep) {
    if (max_def_ > 0) def_.push_back(def);
    if (max_rep_ > 0) rep_.push_back(rep);
    if (def < max_def_) ++page_nulls_;
    ++page_values_;
  }

  // Called after each complete row.
  Status end_row() {
    ++page_rows_;
    if (open_page_estimate() >= options_.target_page_bytes) return flush_page();
    return {};
  }

  Status flush_page() {
    if (page_rows_ == 0) return {};
    std::vector<std::uint8_t> rep_bytes;
    std::vector<std::uint8_t> def_bytes;
    if (max_rep_ > 0) {
      encode::rle_hybrid_levels(rep_, encode::bit_width(static_cast<std::uint64_t>(max_rep_)),
                                rep_bytes);
    }
    if (max_def_ > 0) {
      encode::rle_hybrid_levels(def_, encode::bit_width(static_cast<std::uint64_t>(max_def_)),
                                def_bytes);
    }
    values_scratch_.clear();
    Encoding encoding = Encoding::kPlain;
    PARITY_RETURN_IF_ERROR(encode_values(values_scratch_, encoding));

    thrift::PageHeaderOut header;
    std::vector<std::uint8_t>& body = body_scratch_;
    body.clear();
    if (options_.data_page_version == 1) {
      // DataPage v1 body: [rep levels with u32 length] [def levels with u32 length] values,
      // compressed as a whole.
      auto with_length = [&](const std::vector<std::uint8_t>& levels) {
        const auto n = static_cast<std::uint32_t>(levels.size());
        for (int b = 0; b < 4; ++b) body.push_back(static_cast<std::uint8_t>(n >> (8 * b)));
        body.insert(body.end(), levels.begin(), levels.end());
      };
      if (max_rep_ > 0) with_length(rep_bytes);
      if (max_def_ > 0) with_length(def_bytes);
      body.insert(body.end(), values_scratch_.begin(), values_scratch_.end());
      PARITY_RETURN_IF_ERROR(check_page_size(body.size()));
      PARITY_RETURN_IF_ERROR(compress(body, compressed_scratch_));
      header.type = thrift::PageType::kDataPage;
      header.uncompressed_page_size = static_cast<std::int32_t>(body.size());
      header.compressed_page_size = static_cast<std::int32_t>(compressed_scratch_.size());
      thrift::DataPageHeaderOut d;
      d.num_values = static_cast<std::int32_t>(page_values_);
      d.encoding = encoding;
      header.data_page = d;
    } else {
      // DataPage v2: rep levels, def levels (uncompressed, no length prefix), then the
      // compressed values.
      const std::uint64_t total = rep_bytes.size() + def_bytes.size() + values_scratch_.size();
      PARITY_RETURN_IF_ERROR(check_page_size(total));
      PARITY_RETURN_IF_ERROR(compress(values_scratch_, body));
      compressed_scratch_.clear();
      compressed_scratch_.insert(compressed_scratch_.end(), rep_bytes.begin(), rep_bytes.end());
      compressed_scratch_.insert(compressed_scratch_.end(), def_bytes.begin(), def_bytes.end());
      compressed_scratch_.insert(compressed_scratch_.end(), body.begin(), body.end());
      header.type = thrift::PageType::kDataPageV2;
      header.uncompressed_page_size = static_cast<std::int32_t>(total);
      header.compressed_page_size = static_cast<std::int32_t>(compressed_scratch_.size());
      thrift::DataPageHeaderV2Out d;
      d.num_values = static_cast<std::int32_t>(page_values_);
      d.num_nulls = static_cast<std::int32_t>(page_nulls_);
      d.num_rows = static_cast<std::int32_t>(page_rows_);
      d.encoding = encoding;
      d.definition_levels_byte_length = static_cast<std::int32_t>(def_bytes.size());
      d.repetition_levels_byte_length = static_cast<std::int32_t>(rep_bytes.size());
      d.is_compressed = options_.compression != Compression::kUncompressed;
      header.data_page_v2 = d;
    }
    const std::size_t header_at = pages_.bytes.size();
    thrift::write_page_header(header, pages_.bytes);
    const std::size_t header_size = pages_.bytes.size() - header_at;
    pages_.bytes.insert(pages_.bytes.end(), compressed_scratch_.begin(), compressed_scratch_.end());
    pages_.uncompressed_bytes +=
        header_size + static_cast<std::uint64_t>(header.uncompressed_page_size);
    pages_.encodings.insert(encoding);
    if (max_def_ > 0 || max_rep_ > 0) pages_.encodings.insert(Encoding::kRle);
    pages_.num_values += page_values_;
    pages_.null_count += page_nulls_;
    def_.clear();
    rep_.clear();
    page_rows_ = 0;
    page_values_ = 0;
    page_nulls_ = 0;
    return {};
  }

  Status dictionary_page(std::vector<std::uint8_t>& out) {
    std::vector<std::uint8_t> plain;
    std::size_t count = 0;
    dictionary_values(plain, count);
    if (count == 0) return {};
    PARITY_RETURN_IF_ERROR(check_page_size(plain.size()));
    std::vector<std::uint8_t> compressed;
    PARITY_RETURN_IF_ERROR(compress(plain, compressed));
    thrift::PageHeaderOut header;
    header.type = thrift::PageType::kDictionaryPage;
    header.uncompressed_page_size = static_cast<std::int32_t>(plain.size());
    header.compressed_page_size = static_cast<std::int32_t>(compressed.size());
    header.dictionary_page =
        thrift::DictionaryPageHeaderOut{static_cast<std::int32_t>(count), Encoding::kPlain};
    thrift::write_page_header(header, out);
    dictionary_uncompressed_ = out.size() + plain.size();
    out.insert(out.end(), compressed.begin(), compressed.end());
    return {};
  }

  Status compress(const std::vector<std::uint8_t>& in, std::vector<std::uint8_t>& out) {
    if (options_.compression == Compression::kUncompressed) {
      out = in;
      return {};
    }
    return compress_page(options_.compression, in, out, options_.compression_level)
        .with_context(fmt::format("Parquet writer: column '{}'", column_.name));
  }

  Status check_page_size(std::uint64_t size) const {
    if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      return invalid_argument(
          fmt::format("Parquet writer: column '{}': a page of {} bytes "
                      "exceeds the 2 GiB page limit",
                      column_.name, size));
    }
    return {};
  }

  const WriterColumn& column_;
  const WriterOptions& options_;
  std::int16_t max_def_ = 0;
  std::int16_t max_rep_ = 0;

 private:
  std::vector<std::int16_t> def_;
  std::vector<std::int16_t> rep_;
  std::uint64_t page_rows_ = 0;
  std::uint64_t page_values_ = 0;
  std::uint64_t page_nulls_ = 0;
  PageOutput pages_;
  std::uint64_t dictionary_uncompressed_ = 0;
  std::vector<std::uint8_t> values_scratch_;
  std::vector<std::uint8_t> body_scratch_;
  std::vector<std::uint8_t> compressed_scratch_;
};

// Storage type of a physical type: uint8_t (BOOLEAN), int32_t, int64_t, float, double, or
// std::string (BYTE_ARRAY; page values are kept in ByteArrays).
template <typename T>
class TypedChunkWriter final : public ColumnChunkWriter {
  static constexpr bool kBytes = std::is_same_v<T, std::string>;
  // Dictionary key: the value's bits (so NaNs and -0 get their own entries) or its bytes.
  using Key = std::conditional_t<
      kBytes, std::string,
      std::conditional_t<sizeof(T) == 8, std::uint64_t,
                         std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint8_t>>>;

 public:
  TypedChunkWriter(const WriterColumn& column, const WriterOptions& options)
      : ColumnChunkWriter(column, options),
        stats_(column.logical_type.kind == LogicalType::Kind::kInteger &&
               !column.logical_type.is_signed) {
    reset_chunk();
  }

  Status append(const ColumnValues& values, std::uint64_t begin, std::uint64_t end) override {
    if constexpr (kBytes) {
      if (const auto* s = std::get_if<std::span<const std::string_view>>(&values.values)) {
        return append_rows(*s, values, begin, end);
      }
      return append_rows(std::get<std::span<const std::string>>(values.values), values, begin, end);
    } else {
      return append_rows(std::get<std::span<const T>>(values.values), values, begin, end);
    }
  }

 private:
  template <typename Src>
  Status append_rows(std::span<const Src> src, const ColumnValues& v, std::uint64_t begin,
                     std::uint64_t end) {
    const bool nullable = column_.nullable;
    for (std::uint64_t r = begin; r < end; ++r) {
      const bool row_valid = v.valid.empty() || v.valid[r] != 0;
      if (!column_.list) {
        if (row_valid) {
          add_levels(max_def_, 0);
          add_value(src[r]);
        } else {
          add_levels(0, 0);
        }
      } else if (!row_valid) {
        add_levels(0, 0);
      } else {
        const std::uint64_t first = v.offsets[r];
        const std::uint64_t last = v.offsets[r + 1];
        if (first == last) add_levels(nullable ? 1 : 0, 0);
        for (std::uint64_t k = first; k < last; ++k) {
          const std::int16_t rep = k == first ? 0 : 1;
          if (v.element_valid.empty() || v.element_valid[k] != 0) {
            add_levels(max_def_, rep);
            add_value(src[k]);
          } else {
            add_levels(static_cast<std::int16_t>(max_def_ - 1), rep);
          }
        }
      }
      if (fall_back_) {
        // The dictionary outgrew its limit: close the page that uses it, then PLAIN.
        PARITY_RETURN_IF_ERROR(end_row_and_flush());
        fall_back_ = false;
        use_dictionary_ = false;
      } else {
        PARITY_RETURN_IF_ERROR(end_row());
      }
    }
    return {};
  }

  Status end_row_and_flush() {
    PARITY_RETURN_IF_ERROR(end_row());
    return flush_page();
  }

  template <typename Src>
  void add_value(const Src& src) {
    if constexpr (kBytes) {
      const std::string_view value(src);
      if (options_.write_statistics) update_byte_stats(value);
      if (use_dictionary_) {
        auto [it, inserted] =
            dict_index_.try_emplace(std::string(value), static_cast<std::uint32_t>(dict_count_));
        if (inserted) {
          append_bytes(dict_values_, value);
          ++dict_count_;
          dict_plain_bytes_ += 4 + value.size();
          if (dict_plain_bytes_ > options_.dictionary_page_bytes) fall_back_ = true;
        }
        indices_.push_back(it->second);
      } else {
        append_bytes(page_bytes_, value);
        page_value_bytes_ += 4 + value.size();
      }
    } else {
      T value;
      if constexpr (std::is_same_v<T, std::uint8_t>) {
        value = src != 0 ? 1 : 0;
      } else {
        value = src;
      }
      if (options_.write_statistics) stats_.update(value);
      if (use_dictionary_) {
        Key key;
        std::memcpy(&key, &value, sizeof(T));
        auto [it, inserted] = dict_index_.try_emplace(key, static_cast<std::uint32_t>(dict_count_));
        if (inserted) {
          dict_values_.push_back(value);
          ++dict_count_;
          dict_plain_bytes_ += sizeof(T);
          if (dict_plain_bytes_ > options_.dictionary_page_bytes) fall_back_ = true;
        }
        indices_.push_back(it->second);
      } else {
        page_values_typed_.push_back(value);
      }
    }
  }

  static void append_bytes(ByteArrays& arrays, std::string_view value) {
    arrays.bytes.insert(arrays.bytes.end(), value.begin(), value.end());
    arrays.offsets.push_back(static_cast<std::uint32_t>(arrays.bytes.size()));
  }

  void update_byte_stats(std::string_view value) {
    if (!has_bytes_stats_) {
      min_bytes_.assign(value);
      max_bytes_.assign(value);
      has_bytes_stats_ = true;
      return;
    }
    if (value < std::string_view(min_bytes_)) min_bytes_.assign(value);
    if (std::string_view(max_bytes_) < value) max_bytes_.assign(value);
  }

  std::uint64_t open_values_estimate() const override {
    if (!indices_.empty()) {
      const int bits = std::max(1, encode::bit_width(dict_count_ > 0 ? dict_count_ - 1 : 0));
      return 1 + indices_.size() * static_cast<std::uint64_t>(bits) / 8;
    }
    if constexpr (kBytes) {
      return page_value_bytes_;
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
      return (page_values_typed_.size() + 7) / 8;
    } else {
      return page_values_typed_.size() * sizeof(T);
    }
  }

  Status encode_values(std::vector<std::uint8_t>& out, Encoding& encoding) override {
    // A page of nulls only in dictionary mode still refers to the dictionary when there is
    // one; otherwise it is an empty PLAIN page.
    if (!indices_.empty() || (use_dictionary_ && dict_count_ > 0 && page_values_empty())) {
      encoding = Encoding::kRleDictionary;
      const int bits = std::max(1, encode::bit_width(dict_count_ > 0 ? dict_count_ - 1 : 0));
      encode::dictionary_indices(indices_, bits, out);
      indices_.clear();
      dict_used_ = true;
      return {};
    }
    const Encoding e =
        column_.encoding == Encoding::kRleDictionary ? Encoding::kPlain : column_.encoding;
    encoding = e;
    if constexpr (kBytes) {
      if (e == Encoding::kDeltaLengthByteArray) {
        encode::delta_length_byte_array(page_bytes_, out);
      } else if (e == Encoding::kDeltaByteArray) {
        encode::delta_byte_array(page_bytes_, out);
      } else {
        encode::plain(page_bytes_, out);
      }
      page_bytes_.offsets.assign(1, 0);
      page_bytes_.bytes.clear();
      page_value_bytes_ = 0;
    } else {
      const std::span<const T> values(page_values_typed_);
      if constexpr (std::is_same_v<T, std::uint8_t>) {
        if (e == Encoding::kRle)
          encode::rle_booleans(values, out);
        else
          encode::plain_booleans(values, out);
      } else {
        if constexpr (std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t>) {
          if (e == Encoding::kDeltaBinaryPacked) {
            encode::delta_binary_packed(values, out);
            page_values_typed_.clear();
            return {};
          }
        }
        if (e == Encoding::kByteStreamSplit)
          encode::byte_stream_split(values, out);
        else
          encode::plain(values, out);
      }
      page_values_typed_.clear();
    }
    return {};
  }

  bool page_values_empty() const {
    if constexpr (kBytes) {
      return page_bytes_.bytes.empty() && page_bytes_.offsets.size() == 1;
    } else {
      return page_values_typed_.empty();
    }
  }

  void dictionary_values(std::vector<std::uint8_t>& out, std::size_t& count) override {
    count = 0;
    if (!dict_used_ || dict_count_ == 0) return;
    count = dict_count_;
    if constexpr (kBytes) {
      encode::plain(dict_values_, out);
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
      encode::plain_booleans(dict_values_, out);
    } else {
      encode::plain(std::span<const T>(dict_values_), out);
    }
  }

  void fill_statistics(thrift::StatisticsOut& s) const override {
    if constexpr (kBytes) {
      if (has_bytes_stats_) {
        s.min_value = min_bytes_;
        s.max_value = max_bytes_;
      }
    } else {
      if (stats_.has()) {
        T min = stats_.min();
        T max = stats_.max();
        if constexpr (std::is_floating_point_v<T>) {
          // parquet.thrift ColumnOrder: a zero min is written as -0, a zero max as +0.
          if (min == T{0}) min = -T{0};
          if (max == T{0}) max = T{0};
        }
        s.min_value = plain_bytes(min);
        s.max_value = plain_bytes(max);
      }
      if constexpr (std::is_floating_point_v<T>) s.nan_count = stats_.nan_count();
    }
  }

  void reset_chunk() override {
    use_dictionary_ = column_.encoding == Encoding::kRleDictionary;
    fall_back_ = false;
    dict_used_ = false;
    dict_index_.clear();
    dict_count_ = 0;
    dict_plain_bytes_ = 0;
    if constexpr (kBytes) {
      dict_values_.offsets.assign(1, 0);
      dict_values_.bytes.clear();
      has_bytes_stats_ = false;
    } else {
      dict_values_.clear();
      stats_.reset();
    }
  }

  // Open page.
  std::vector<T> page_values_typed_;  // unused for byte arrays
  ByteArrays page_bytes_;             // byte arrays only
  std::uint64_t page_value_bytes_ = 0;
  std::vector<std::uint32_t> indices_;

  // Dictionary of the current chunk.
  bool use_dictionary_ = false;
  bool fall_back_ = false;
  bool dict_used_ = false;
  std::unordered_map<Key, std::uint32_t> dict_index_;
  std::conditional_t<kBytes, ByteArrays, std::vector<T>> dict_values_;
  std::uint64_t dict_count_ = 0;
  std::uint64_t dict_plain_bytes_ = 0;

  // Statistics of the current chunk.
  MinMax<std::conditional_t<kBytes, std::int32_t, T>> stats_;
  std::string min_bytes_;
  std::string max_bytes_;
  bool has_bytes_stats_ = false;
};

std::unique_ptr<ColumnChunkWriter> make_chunk_writer(const WriterColumn& c,
                                                     const WriterOptions& o) {
  switch (c.physical_type) {
    case PhysicalType::kBoolean: return std::make_unique<TypedChunkWriter<std::uint8_t>>(c, o);
    case PhysicalType::kInt32: return std::make_unique<TypedChunkWriter<std::int32_t>>(c, o);
    case PhysicalType::kInt64: return std::make_unique<TypedChunkWriter<std::int64_t>>(c, o);
    case PhysicalType::kFloat: return std::make_unique<TypedChunkWriter<float>>(c, o);
    case PhysicalType::kDouble: return std::make_unique<TypedChunkWriter<double>>(c, o);
    default: return std::make_unique<TypedChunkWriter<std::string>>(c, o);
  }
}

// ---------------------------------------------------------------- schema

std::optional<thrift::ConvertedType> converted_type(const WriterColumn& c) {
  using Kind = LogicalType::Kind;
  const LogicalType& l = c.logical_type;
  switch (l.kind) {
    case Kind::kString: return thrift::ConvertedType::kUtf8;
    case Kind::kTimestamp:
      // The legacy TIMESTAMP_* converted types mean UTC-adjusted (LogicalTypes.md).
      if (!l.adjusted_to_utc) return std::nullopt;
      if (l.unit == LogicalType::TimeUnit::kMillis) return thrift::ConvertedType::kTimestampMillis;
      if (l.unit == LogicalType::TimeUnit::kMicros) return thrift::ConvertedType::kTimestampMicros;
      return std::nullopt;
    case Kind::kInteger: {
      const int index = l.bit_width == 8 ? 0 : l.bit_width == 16 ? 1 : l.bit_width == 32 ? 2 : 3;
      const int base = static_cast<int>(l.is_signed ? thrift::ConvertedType::kInt8
                                                    : thrift::ConvertedType::kUint8);
      return static_cast<thrift::ConvertedType>(base + index);
    }
    default: return std::nullopt;
  }
}

thrift::LogicalTypeOut logical_type_out(const WriterColumn& c) {
  using Kind = LogicalType::Kind;
  thrift::LogicalTypeOut out;
  const LogicalType& l = c.logical_type;
  switch (l.kind) {
    case Kind::kString: out.kind = thrift::LogicalTypeOut::Kind::kString; break;
    case Kind::kTimestamp:
      out.kind = thrift::LogicalTypeOut::Kind::kTimestamp;
      out.unit = l.unit;
      out.adjusted_to_utc = l.adjusted_to_utc;
      break;
    case Kind::kInteger:
      out.kind = thrift::LogicalTypeOut::Kind::kInteger;
      out.bit_width = static_cast<std::int8_t>(l.bit_width);
      out.is_signed = l.is_signed;
      break;
    default: break;
  }
  return out;
}

std::vector<thrift::SchemaElementOut> schema_elements(const std::vector<WriterColumn>& columns) {
  std::vector<thrift::SchemaElementOut> out;
  thrift::SchemaElementOut root;
  root.name = "schema";
  root.num_children = static_cast<std::int32_t>(columns.size());
  out.push_back(std::move(root));
  for (const WriterColumn& c : columns) {
    thrift::SchemaElementOut leaf;
    leaf.type = c.physical_type;
    leaf.converted_type = converted_type(c);
    leaf.logical_type = logical_type_out(c);
    if (!c.list) {
      leaf.name = c.name;
      leaf.repetition = c.nullable ? Repetition::kOptional : Repetition::kRequired;
      out.push_back(std::move(leaf));
      continue;
    }
    thrift::SchemaElementOut group;
    group.name = c.name;
    group.repetition = c.nullable ? Repetition::kOptional : Repetition::kRequired;
    group.num_children = 1;
    group.converted_type = thrift::ConvertedType::kList;
    group.logical_type.kind = thrift::LogicalTypeOut::Kind::kList;
    out.push_back(std::move(group));
    thrift::SchemaElementOut repeated;
    repeated.name = "list";
    repeated.repetition = Repetition::kRepeated;
    repeated.num_children = 1;
    out.push_back(std::move(repeated));
    leaf.name = "element";
    leaf.repetition = c.element_nullable ? Repetition::kOptional : Repetition::kRequired;
    out.push_back(std::move(leaf));
  }
  return out;
}

// ---------------------------------------------------------------- batch validation

bool values_match(const ColumnValues::Values& v, PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean: return std::holds_alternative<std::span<const std::uint8_t>>(v);
    case PhysicalType::kInt32: return std::holds_alternative<std::span<const std::int32_t>>(v);
    case PhysicalType::kInt64: return std::holds_alternative<std::span<const std::int64_t>>(v);
    case PhysicalType::kFloat: return std::holds_alternative<std::span<const float>>(v);
    case PhysicalType::kDouble: return std::holds_alternative<std::span<const double>>(v);
    case PhysicalType::kByteArray:
      return std::holds_alternative<std::span<const std::string_view>>(v) ||
             std::holds_alternative<std::span<const std::string>>(v);
    default: return false;
  }
}

std::size_t values_size(const ColumnValues::Values& v) {
  return std::visit(
      [](const auto& s) -> std::size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) {
          return 0;
        } else {
          return s.size();
        }
      },
      v);
}

// Encoded bytes of values [first, last) (upper bound: 4-byte prefix per byte array).
std::uint64_t values_bytes(const ColumnValues::Values& v, std::uint64_t first, std::uint64_t last) {
  if (const auto* s = std::get_if<std::span<const std::string_view>>(&v)) {
    std::uint64_t n = 0;
    for (std::uint64_t k = first; k < last; ++k) n += 4 + (*s)[k].size();
    return n;
  }
  if (const auto* s = std::get_if<std::span<const std::string>>(&v)) {
    std::uint64_t n = 0;
    for (std::uint64_t k = first; k < last; ++k) n += 4 + (*s)[k].size();
    return n;
  }
  return (last - first) * 8;
}

Status check_batch_column(const WriterColumn& c, std::uint64_t num_rows, const ColumnValues& v) {
  const std::string where = fmt::format("Parquet writer: column '{}'", c.name);
  if (!values_match(v.values, c.physical_type)) {
    return invalid_argument(fmt::format("{}: values do not match the physical type {}", where,
                                        physical_type_name(c.physical_type)));
  }
  const std::size_t n_values = values_size(v.values);
  if (!v.valid.empty() && v.valid.size() != num_rows) {
    return invalid_argument(
        fmt::format("{}: {} validity bytes for {} rows", where, v.valid.size(), num_rows));
  }
  if (!c.nullable && !v.valid.empty()) {
    for (std::uint64_t r = 0; r < num_rows; ++r) {
      if (v.valid[r] == 0) {
        return invalid_argument(
            fmt::format("{}: row {} is null in a non-nullable column", where, r));
      }
    }
  }
  if (!c.list) {
    if (n_values != num_rows) {
      return invalid_argument(fmt::format("{}: {} values for {} rows", where, n_values, num_rows));
    }
    if (!v.offsets.empty() || !v.element_valid.empty()) {
      return invalid_argument(
          fmt::format("{}: offsets or element validity given for a flat column", where));
    }
    if (c.physical_type == PhysicalType::kByteArray) {
      for (std::uint64_t r = 0; r < num_rows; ++r) {
        if (values_bytes(v.values, r, r + 1) > kMaxRowBytes) {
          return invalid_argument(
              fmt::format("{}: row {} holds more than {} bytes", where, r, kMaxRowBytes));
        }
      }
    }
    return {};
  }
  if (v.offsets.size() != num_rows + 1 && !(num_rows == 0 && v.offsets.empty())) {
    return invalid_argument(fmt::format("{}: {} list offsets for {} rows (expected {})", where,
                                        v.offsets.size(), num_rows, num_rows + 1));
  }
  if (!v.element_valid.empty() && v.element_valid.size() != n_values) {
    return invalid_argument(fmt::format("{}: {} element validity bytes for {} values", where,
                                        v.element_valid.size(), n_values));
  }
  for (std::uint64_t r = 0; r < num_rows; ++r) {
    const std::uint64_t first = v.offsets[r];
    const std::uint64_t last = v.offsets[r + 1];
    if (last < first || last > n_values) {
      return invalid_argument(
          fmt::format("{}: row {}: list offsets [{}, {}) are decreasing or past the {} values",
                      where, r, first, last, n_values));
    }
    if (!v.valid.empty() && v.valid[r] == 0) continue;
    if (values_bytes(v.values, first, last) > kMaxRowBytes) {
      return invalid_argument(
          fmt::format("{}: row {} holds more than {} bytes", where, r, kMaxRowBytes));
    }
    if (!c.element_nullable && !v.element_valid.empty()) {
      for (std::uint64_t k = first; k < last; ++k) {
        if (v.element_valid[k] == 0) {
          return invalid_argument(
              fmt::format("{}: row {}: element {} is null in a list of non-nullable elements",
                          where, r, k - first));
        }
      }
    }
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------- WriterColumn shorthands

WriterColumn WriterColumn::int64(std::string name, bool nullable, Encoding encoding) {
  WriterColumn c;
  c.name = std::move(name);
  c.physical_type = PhysicalType::kInt64;
  c.nullable = nullable;
  c.encoding = encoding;
  return c;
}

WriterColumn WriterColumn::float64(std::string name, bool nullable, Encoding encoding) {
  WriterColumn c = int64(std::move(name), nullable, encoding);
  c.physical_type = PhysicalType::kDouble;
  return c;
}

WriterColumn WriterColumn::float32(std::string name, bool nullable, Encoding encoding) {
  WriterColumn c = int64(std::move(name), nullable, encoding);
  c.physical_type = PhysicalType::kFloat;
  return c;
}

WriterColumn WriterColumn::string(std::string name, bool nullable, Encoding encoding) {
  WriterColumn c = int64(std::move(name), nullable, encoding);
  c.physical_type = PhysicalType::kByteArray;
  c.logical_type.kind = LogicalType::Kind::kString;
  return c;
}

WriterColumn WriterColumn::timestamp(std::string name, LogicalType::TimeUnit unit, bool utc,
                                     bool nullable) {
  WriterColumn c = int64(std::move(name), nullable);
  c.logical_type.kind = LogicalType::Kind::kTimestamp;
  c.logical_type.unit = unit;
  c.logical_type.adjusted_to_utc = utc;
  return c;
}

WriterColumn WriterColumn::float32_list(std::string name, Encoding encoding) {
  WriterColumn c = float32(std::move(name), true, encoding);
  c.list = true;
  return c;
}

// ---------------------------------------------------------------- FileWriter

class FileWriter::Impl {
 public:
  Impl(std::unique_ptr<ByteSink> sink, std::vector<WriterColumn> schema, WriterOptions options)
      : sink_(std::move(sink)), schema_(std::move(schema)), options_(std::move(options)) {
    for (const WriterColumn& c : schema_) chunks_.push_back(make_chunk_writer(c, options_));
  }

  Status start() {
    PARITY_RETURN_IF_ERROR(write(kParquetMagic));
    return {};
  }

  Status write_batch(std::uint64_t num_rows, std::span<const ColumnValues> columns) {
    PARITY_RETURN_IF_ERROR(check_usable());
    if (columns.size() != schema_.size()) {
      return invalid_argument(fmt::format("Parquet writer: batch has {} columns, schema has {}",
                                          columns.size(), schema_.size()));
    }
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      PARITY_RETURN_IF_ERROR(check_batch_column(schema_[i], num_rows, columns[i]));
    }
    std::uint64_t done = 0;
    while (done < num_rows) {
      const std::uint64_t slice =
          std::min({num_rows - done, options_.row_group_rows - rows_in_group_, kSliceRows});
      for (std::size_t i = 0; i < schema_.size(); ++i) {
        PARITY_RETURN_IF_ERROR(fail_on_error(chunks_[i]->append(columns[i], done, done + slice)));
      }
      done += slice;
      rows_in_group_ += slice;
      rows_written_ += slice;
      std::uint64_t buffered = 0;
      for (const auto& chunk : chunks_) buffered += chunk->buffered_bytes();
      if (rows_in_group_ >= options_.row_group_rows ||
          buffered >= options_.target_row_group_bytes) {
        PARITY_RETURN_IF_ERROR(fail_on_error(flush_row_group()));
      }
    }
    return {};
  }

  Status close() {
    if (closed_) return failed_precondition("Parquet writer: close() called twice");
    PARITY_RETURN_IF_ERROR(check_usable());
    closed_ = true;
    PARITY_RETURN_IF_ERROR(flush_row_group());
    thrift::FileMetaDataOut meta;
    meta.version = 2;
    meta.schema = schema_elements(schema_);
    meta.num_rows = static_cast<std::int64_t>(rows_written_);
    meta.row_groups = std::move(row_groups_);
    meta.key_value_metadata = options_.key_value_metadata;
    meta.created_by = options_.created_by;
    meta.type_defined_column_orders = options_.write_statistics ? schema_.size() : 0;
    std::vector<std::uint8_t> footer;
    thrift::write_file_metadata(meta, footer);
    const auto length = static_cast<std::uint32_t>(footer.size());
    for (int b = 0; b < 4; ++b) footer.push_back(static_cast<std::uint8_t>(length >> (8 * b)));
    footer.insert(footer.end(), std::begin(kParquetMagic), std::end(kParquetMagic));
    PARITY_RETURN_IF_ERROR(write(footer));
    return sink_->finish();
  }

  std::uint64_t rows_written() const { return rows_written_; }
  std::uint64_t bytes_written() const { return offset_; }

 private:
  Status check_usable() const {
    if (closed_) return failed_precondition("Parquet writer: the file is already closed");
    if (failed_) {
      return failed_precondition("Parquet writer: an earlier write failed; the file is unusable");
    }
    return {};
  }

  Status fail_on_error(Status s) {
    if (!s.ok()) failed_ = true;
    return s;
  }

  Status write(std::span<const std::uint8_t> bytes) {
    PARITY_RETURN_IF_ERROR(sink_->write(bytes));
    offset_ += bytes.size();
    return {};
  }

  Status flush_row_group() {
    if (rows_in_group_ == 0) return {};
    thrift::RowGroupOut rg;
    rg.num_rows = static_cast<std::int64_t>(rows_in_group_);
    rg.file_offset = static_cast<std::int64_t>(offset_);
    rg.ordinal = static_cast<std::int16_t>(row_groups_.size());
    for (auto& chunk : chunks_) {
      PARITY_ASSIGN_OR_RETURN(thrift::ColumnChunkOut out, chunk->finish(*sink_, offset_));
      rg.total_byte_size += out.meta_data.total_uncompressed_size;
      rg.total_compressed_size += out.meta_data.total_compressed_size;
      rg.columns.push_back(std::move(out));
    }
    row_groups_.push_back(std::move(rg));
    rows_in_group_ = 0;
    return {};
  }

  std::unique_ptr<ByteSink> sink_;
  std::vector<WriterColumn> schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> chunks_;
  std::vector<thrift::RowGroupOut> row_groups_;
  std::uint64_t rows_in_group_ = 0;
  std::uint64_t rows_written_ = 0;
  std::uint64_t offset_ = 0;
  bool closed_ = false;
  bool failed_ = false;
};

namespace {

Status check_schema(const std::vector<WriterColumn>& schema, const WriterOptions& options) {
  if (schema.empty()) return invalid_argument("Parquet writer: the schema has no columns");
  std::set<std::string_view> names;
  for (const WriterColumn& c : schema) {
    if (c.name.empty()) return invalid_argument("Parquet writer: a column has an empty name");
    if (!names.insert(c.name).second) {
      return invalid_argument(fmt::format("Parquet writer: duplicate column name '{}'", c.name));
    }
    PARITY_RETURN_IF_ERROR(check_column(c));
  }
  return check_options(options);
}

}  // namespace

FileWriter::FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileWriter::~FileWriter() = default;

Result<std::unique_ptr<FileWriter>> FileWriter::create(const std::filesystem::path& path,
                                                       std::vector<WriterColumn> schema,
                                                       WriterOptions options) {
  PARITY_RETURN_IF_ERROR(check_schema(schema, options));
  PARITY_ASSIGN_OR_RETURN(auto sink, create_file_sink(path));
  auto impl = std::make_unique<Impl>(std::move(sink), std::move(schema), std::move(options));
  PARITY_RETURN_IF_ERROR(impl->start());
  return std::unique_ptr<FileWriter>(new FileWriter(std::move(impl)));
}

Result<std::unique_ptr<FileWriter>> FileWriter::create_in_memory(std::vector<std::uint8_t>& out,
                                                                 std::vector<WriterColumn> schema,
                                                                 WriterOptions options) {
  PARITY_RETURN_IF_ERROR(check_schema(schema, options));
  auto impl = std::make_unique<Impl>(memory_sink(out), std::move(schema), std::move(options));
  PARITY_RETURN_IF_ERROR(impl->start());
  return std::unique_ptr<FileWriter>(new FileWriter(std::move(impl)));
}

Status FileWriter::write_batch(std::uint64_t num_rows, std::span<const ColumnValues> columns) {
  return impl_->write_batch(num_rows, columns);
}

Status FileWriter::close() {
  return impl_->close();
}

std::uint64_t FileWriter::rows_written() const {
  return impl_->rows_written();
}
std::uint64_t FileWriter::bytes_written() const {
  return impl_->bytes_written();
}

}  // namespace parity::parquet
