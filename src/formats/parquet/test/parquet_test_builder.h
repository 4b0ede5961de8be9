// Byte-level builders for reader tests: a Thrift compact encoder for the Parquet metadata
// structures and a small file assembler. Independent of the Parquet writer, so reader tests
// can build exactly the (valid or hostile) bytes they need.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace parity::parquet::testing {

using Bytes = std::vector<std::uint8_t>;

inline void put_varint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

inline void put_u32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

inline void append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}

// Thrift compact protocol writer (thrift-compact-protocol.md).
class ThriftBuilder {
 public:
  ThriftBuilder() { last_.push_back(0); }

  ThriftBuilder& field(std::int16_t id, std::uint8_t type) {
    const int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
      out_.push_back(static_cast<std::uint8_t>((delta << 4) | type));
    } else {
      out_.push_back(type);
      put_varint(out_, zigzag(id));
    }
    last_.back() = id;
    return *this;
  }
  ThriftBuilder& i32(std::int16_t id, std::int64_t v) {
    field(id, 5);
    put_varint(out_, zigzag(v));
    return *this;
  }
  ThriftBuilder& i64(std::int16_t id, std::int64_t v) {
    field(id, 6);
    put_varint(out_, zigzag(v));
    return *this;
  }
  ThriftBuilder& boolean(std::int16_t id, bool v) { return field(id, v ? 1 : 2); }
  ThriftBuilder& binary(std::int16_t id, const std::string& s) {
    field(id, 8);
    put_varint(out_, s.size());
    out_.insert(out_.end(), s.begin(), s.end());
    return *this;
  }
  // Starts a struct-typed field; close with end().
  ThriftBuilder& begin(std::int16_t id) {
    field(id, 12);
    last_.push_back(0);
    return *this;
  }
  // Starts a struct element of a list; close with end().
  ThriftBuilder& begin_element() {
    last_.push_back(0);
    return *this;
  }
  ThriftBuilder& end() {
    out_.push_back(0);
    last_.pop_back();
    return *this;
  }
  // A list field header; the caller writes `size` elements.
  ThriftBuilder& list(std::int16_t id, std::uint8_t element_type, std::uint64_t size) {
    field(id, 9);
    list_header(element_type, size);
    return *this;
  }
  ThriftBuilder& list_header(std::uint8_t element_type, std::uint64_t size) {
    if (size < 15) {
      out_.push_back(static_cast<std::uint8_t>((size << 4) | element_type));
    } else {
      out_.push_back(static_cast<std::uint8_t>(0xf0 | element_type));
      put_varint(out_, size);
    }
    return *this;
  }
  ThriftBuilder& raw_varint(std::uint64_t v) {
    put_varint(out_, v);
    return *this;
  }
  ThriftBuilder& raw_zigzag(std::int64_t v) {
    put_varint(out_, zigzag(v));
    return *this;
  }
  ThriftBuilder& raw(const std::string& s) {
    put_varint(out_, s.size());
    out_.insert(out_.end(), s.begin(), s.end());
    return *this;
  }
  // Closes the top-level struct.
  Bytes finish() {
    out_.push_back(0);
    return out_;
  }
  Bytes& bytes() { return out_; }

 private:
  Bytes out_;
  std::vector<std::int16_t> last_;
};

// One schema node (parquet.thrift SchemaElement).
struct Node {
  std::string name;
  std::optional<int> type;        // physical type; absent for groups
  std::optional<int> repetition;  // 0 required, 1 optional, 2 repeated; absent for the root
  std::optional<int> num_children;
  std::optional<int> converted_type;
  int type_length = 0;
};

// One column chunk of the single row group.
struct Chunk {
  Bytes pages;  // page headers and bodies
  int type = 1;
  int codec = 0;
  std::int64_t num_values = 0;
  bool dictionary = false;                            // pages start with a dictionary page
  std::optional<std::int64_t> total_compressed_size;  // default: pages.size()
  std::optional<std::int64_t> data_page_offset;       // default: computed
  std::optional<std::string> min_value;
  std::optional<std::string> max_value;
};

// A DATA_PAGE (v1) header followed by `body`.
inline Bytes data_page_v1(const Bytes& body, std::int64_t num_values, int encoding = 0,
                          std::optional<std::int64_t> uncompressed = std::nullopt,
                          std::optional<std::int64_t> compressed = std::nullopt,
                          const Bytes* stored_body = nullptr) {
  const Bytes& stored = stored_body != nullptr ? *stored_body : body;
  ThriftBuilder t;
  t.i32(1, 0)
      .i32(2, uncompressed.value_or(static_cast<std::int64_t>(body.size())))
      .i32(3, compressed.value_or(static_cast<std::int64_t>(stored.size())));
  t.begin(5).i32(1, num_values).i32(2, encoding).i32(3, 3).i32(4, 3).end();
  Bytes out = t.finish();
  append(out, stored);
  return out;
}

// A DATA_PAGE_V2 header followed by rep levels, def levels and the (stored) values.
inline Bytes data_page_v2(const Bytes& rep, const Bytes& def, const Bytes& values,
                          const Bytes& stored_values, std::int64_t num_values,
                          std::int64_t num_nulls, std::int64_t num_rows, int encoding,
                          bool is_compressed) {
  ThriftBuilder t;
  t.i32(1, 3)
      .i32(2, static_cast<std::int64_t>(rep.size() + def.size() + values.size()))
      .i32(3, static_cast<std::int64_t>(rep.size() + def.size() + stored_values.size()));
  t.begin(8)
      .i32(1, num_values)
      .i32(2, num_nulls)
      .i32(3, num_rows)
      .i32(4, encoding)
      .i32(5, static_cast<std::int64_t>(def.size()))
      .i32(6, static_cast<std::int64_t>(rep.size()))
      .boolean(7, is_compressed)
      .end();
  Bytes out = t.finish();
  append(out, rep);
  append(out, def);
  append(out, stored_values);
  return out;
}

inline Bytes dictionary_page(const Bytes& body, std::int64_t num_values,
                             const Bytes* stored_body = nullptr) {
  const Bytes& stored = stored_body != nullptr ? *stored_body : body;
  ThriftBuilder t;
  t.i32(1, 2)
      .i32(2, static_cast<std::int64_t>(body.size()))
      .i32(3, static_cast<std::int64_t>(stored.size()));
  t.begin(7).i32(1, num_values).i32(2, 0).end();
  Bytes out = t.finish();
  append(out, stored);
  return out;
}

// FileMetaData for `schema` (element 0 is the root) and one row group of `chunks` (one per
// leaf, in order) whose pages start at `data_start`.
inline Bytes file_metadata(const std::vector<Node>& schema, const std::vector<Chunk>& chunks,
                           std::int64_t num_rows, std::uint64_t data_start,
                           const std::vector<std::vector<std::string>>& paths) {
  ThriftBuilder t;
  t.i32(1, 1);
  t.list(2, 12, schema.size());
  for (const Node& n : schema) {
    t.begin_element();
    if (n.type) t.i32(1, *n.type);
    if (n.type_length) t.i32(2, n.type_length);
    if (n.repetition) t.i32(3, *n.repetition);
    t.binary(4, n.name);
    if (n.num_children) t.i32(5, *n.num_children);
    if (n.converted_type) t.i32(6, *n.converted_type);
    t.end();
  }
  t.i64(3, num_rows);
  t.list(4, 12, 1).begin_element();
  t.list(1, 12, chunks.size());
  std::uint64_t offset = data_start;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const Chunk& chunk = chunks[c];
    t.begin_element();
    t.i64(2, static_cast<std::int64_t>(offset));
    t.begin(3);
    t.i32(1, chunk.type);
    t.list(2, 5, 1).raw_zigzag(0);
    t.list(3, 8, paths[c].size());
    for (const auto& p : paths[c]) t.raw(p);
    t.i32(4, chunk.codec);
    t.i64(5, chunk.num_values);
    t.i64(6, static_cast<std::int64_t>(chunk.pages.size()));
    t.i64(7, chunk.total_compressed_size.value_or(static_cast<std::int64_t>(chunk.pages.size())));
    t.i64(9, chunk.data_page_offset.value_or(static_cast<std::int64_t>(offset)));
    if (chunk.dictionary) t.i64(11, static_cast<std::int64_t>(offset));
    if (chunk.min_value && chunk.max_value) {
      t.begin(12).binary(5, *chunk.max_value).binary(6, *chunk.min_value).end();
    }
    t.end();  // ColumnMetaData
    t.end();  // ColumnChunk
    offset += chunk.pages.size();
  }
  t.i64(2, static_cast<std::int64_t>(offset - data_start));
  t.i64(3, num_rows);
  t.end();  // RowGroup
  t.binary(6, "parity reader test");
  return t.finish();
}

// "PAR1" | pages of every chunk | footer | u32 footer length | "PAR1".
inline Bytes assemble(const std::vector<Chunk>& chunks, const Bytes& footer) {
  Bytes out = {'P', 'A', 'R', '1'};
  for (const auto& c : chunks) append(out, c.pages);
  append(out, footer);
  put_u32(out, static_cast<std::uint32_t>(footer.size()));
  out.insert(out.end(), {'P', 'A', 'R', '1'});
  return out;
}

// A complete file: schema, one row group of `chunks`, num_rows rows.
inline Bytes make_file(const std::vector<Node>& schema, const std::vector<Chunk>& chunks,
                       std::int64_t num_rows, const std::vector<std::vector<std::string>>& paths) {
  return assemble(chunks, file_metadata(schema, chunks, num_rows, 4, paths));
}

// Little-endian PLAIN bytes of a trivially copyable array.
template <typename T>
Bytes plain(const std::vector<T>& values) {
  Bytes out(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// RLE run (Encodings.md "rle-run") of `count` copies of `value` with `bit_width`.
inline Bytes rle_run(std::uint64_t count, std::uint32_t value, int bit_width) {
  Bytes out;
  put_varint(out, count << 1);
  for (int i = 0; i < (bit_width + 7) / 8; ++i)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  return out;
}

// Bit-packed run (LSB first) of `values` (padded with zeros to a multiple of 8).
inline Bytes bit_packed_run(std::vector<std::uint32_t> values, int bit_width) {
  while (values.size() % 8 != 0) values.push_back(0);
  Bytes out;
  put_varint(out, ((values.size() / 8) << 1) | 1);
  Bytes packed(values.size() * static_cast<std::size_t>(bit_width) / 8, 0);
  std::size_t bit = 0;
  for (const auto v : values) {
    for (int b = 0; b < bit_width; ++b, ++bit) {
      if ((v >> b) & 1) packed[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    }
  }
  append(out, packed);
  return out;
}

// Levels with the 4-byte length prefix of data page v1.
inline Bytes prefixed(const Bytes& runs) {
  Bytes out;
  put_u32(out, static_cast<std::uint32_t>(runs.size()));
  append(out, runs);
  return out;
}

// DELTA_BINARY_PACKED encoding (Encodings.md) with 128-value blocks of 4 miniblocks, written
// from the spec text for tests.
inline Bytes delta_binary_packed(const std::vector<std::int64_t>& values) {
  Bytes out;
  put_varint(out, 128);
  put_varint(out, 4);
  put_varint(out, values.size());
  put_varint(out, zigzag(values.empty() ? 0 : values[0]));
  std::size_t i = 1;
  while (i < values.size()) {
    const std::size_t n = std::min<std::size_t>(128, values.size() - i);
    std::vector<std::uint64_t> deltas(n);
    std::int64_t min_delta = INT64_MAX;
    for (std::size_t k = 0; k < n; ++k) {
      const auto d = static_cast<std::int64_t>(static_cast<std::uint64_t>(values[i + k]) -
                                               static_cast<std::uint64_t>(values[i + k - 1]));
      deltas[k] = static_cast<std::uint64_t>(d);
      min_delta = std::min(min_delta, d);
    }
    put_varint(out, zigzag(min_delta));
    std::uint8_t widths[4] = {0, 0, 0, 0};
    for (std::size_t k = 0; k < n; ++k) {
      deltas[k] -= static_cast<std::uint64_t>(min_delta);
      int w = 0;
      while (w < 64 && (deltas[k] >> w) != 0) ++w;
      widths[k / 32] = static_cast<std::uint8_t>(std::max<int>(widths[k / 32], w));
    }
    out.insert(out.end(), widths, widths + 4);
    for (std::size_t m = 0; m * 32 < n; ++m) {
      Bytes packed(32 * widths[m] / 8, 0);
      std::size_t bit = 0;
      for (std::size_t k = m * 32; k < m * 32 + 32; ++k) {
        const std::uint64_t v = k < n ? deltas[k] : 0;
        for (int b = 0; b < widths[m]; ++b, ++bit) {
          if ((v >> b) & 1) packed[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
        }
      }
      append(out, packed);
    }
    i += n;
  }
  return out;
}

}  // namespace parity::parquet::testing
