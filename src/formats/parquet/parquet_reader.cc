#include "parity/formats/parquet/parquet_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/value_decoders.h"

namespace parity::parquet {

// ---------------------------------------------------------------------------------------------
// Value containers.

std::string_view ByteArrays::view(std::size_t i) const {
  PARITY_CHECK(i + 1 < offsets.size());
  return {reinterpret_cast<const char*>(bytes.data()) + offsets[i], offsets[i + 1] - offsets[i]};
}

std::size_t ColumnData::value_count() const {
  return value_vector_size(values);
}

std::vector<std::size_t> ColumnData::row_offsets() const {
  std::vector<std::size_t> out;
  const std::int16_t max_def = descriptor != nullptr ? descriptor->max_definition_level : 0;
  const bool has_rep = !repetition_levels.empty();
  if (has_rep) {
    out.reserve(repetition_levels.size() + 1);
    std::size_t v = 0;
    for (std::size_t i = 0; i < repetition_levels.size(); ++i) {
      if (repetition_levels[i] == 0) out.push_back(v);
      if (i < definition_levels.size() && definition_levels[i] == max_def) ++v;
    }
    out.push_back(v);
    return out;
  }
  if (!definition_levels.empty()) {
    out.reserve(definition_levels.size() + 1);
    std::size_t v = 0;
    for (const std::int16_t d : definition_levels) {
      out.push_back(v);
      if (d == max_def) ++v;
    }
    out.push_back(v);
    return out;
  }
  const std::size_t n = value_count();
  out.resize(n + 1);
  for (std::size_t i = 0; i <= n; ++i) out[i] = i;
  return out;
}

bool ColumnData::is_null(std::size_t row) const {
  const std::int16_t max_def = descriptor != nullptr ? descriptor->max_definition_level : 0;
  if (!repetition_levels.empty()) {
    const auto offsets = row_offsets();
    PARITY_CHECK(row + 1 < offsets.size());
    return offsets[row] == offsets[row + 1];
  }
  if (definition_levels.empty()) return false;
  PARITY_CHECK(row < definition_levels.size());
  return definition_levels[row] < max_def;
}

double ColumnData::as_double(std::size_t i) const {
  const bool is_unsigned = descriptor != nullptr &&
                           descriptor->logical_type.kind == LogicalType::Kind::kInteger &&
                           !descriptor->logical_type.is_signed;
  return std::visit(
      [i, is_unsigned](const auto& v) -> double {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, ByteArrays> || std::is_same_v<V, std::vector<Int96>>) {
          return std::numeric_limits<double>::quiet_NaN();
        } else {
          PARITY_CHECK(i < v.size());
          if constexpr (std::is_same_v<V, std::vector<bool>>) {
            return v[i] ? 1.0 : 0.0;
          } else if constexpr (std::is_same_v<V, std::vector<std::int32_t>>) {
            return is_unsigned ? static_cast<double>(static_cast<std::uint32_t>(v[i]))
                               : static_cast<double>(v[i]);
          } else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
            return is_unsigned ? static_cast<double>(static_cast<std::uint64_t>(v[i]))
                               : static_cast<double>(v[i]);
          } else {
            return static_cast<double>(v[i]);
          }
        }
      },
      values);
}

const ColumnData* RecordBatch::find(std::string_view name) const {
  for (const auto& column : columns) {
    if (column.descriptor != nullptr && column.descriptor->top_level_name == name) return &column;
  }
  for (const auto& column : columns) {
    if (column.descriptor != nullptr && column.descriptor->dotted_path() == name) return &column;
  }
  return nullptr;
}

namespace {

constexpr std::uint8_t kMagic[4] = {'P', 'A', 'R', '1'};
constexpr std::uint8_t kEncryptedMagic[4] = {'P', 'A', 'R', 'E'};

bool is_numeric(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: return true;
    default: return false;
  }
}

class FileReaderImpl final : public FileReader {
 public:
  FileReaderImpl(std::unique_ptr<ByteSource> source, FileMetadata metadata)
      : source_(std::move(source)), metadata_(std::move(metadata)) {}

  const FileMetadata& metadata() const override { return metadata_; }

  Status start(const ReadRequest& request) override;
  Result<bool> next(RecordBatch& batch) override;

 private:
  Status resolve_columns(const ReadRequest& request);
  Result<std::vector<std::pair<const ColumnDescriptor*, const RangePredicate*>>> resolve_predicates(
      const ReadRequest& request) const;
  Status open_row_group();
  Status fill(RecordBatch& batch);

  std::unique_ptr<ByteSource> source_;
  FileMetadata metadata_;

  bool started_ = false;
  Status failed_;
  ReadRequest request_;
  std::vector<std::size_t> projected_;   // leaf indices
  std::vector<std::size_t> row_groups_;  // selected row groups, in file order
  std::uint64_t end_row_ = 0;            // request end (exclusive), file row number
  std::size_t next_group_ = 0;           // index into row_groups_ of the next group to open
  bool group_open_ = false;
  std::size_t group_ = 0;        // open row group (file index)
  std::uint64_t group_row_ = 0;  // next row to deliver, relative to the group
  std::uint64_t group_end_ = 0;  // end of the rows to deliver, relative to the group
  std::vector<ColumnChunkReader> readers_;
};

Status FileReaderImpl::resolve_columns(const ReadRequest& request) {
  projected_.clear();
  auto add = [&](std::size_t leaf) {
    if (std::find(projected_.begin(), projected_.end(), leaf) == projected_.end()) {
      projected_.push_back(leaf);
    }
  };
  if (request.columns.empty()) {
    for (const auto& column : metadata_.columns) add(column.index);
    return {};
  }
  for (const auto& name : request.columns) {
    const auto leaves = metadata_.find_field(name);
    if (!leaves.empty()) {
      for (const auto* leaf : leaves) add(leaf->index);
      continue;
    }
    bool found = false;
    for (const auto& column : metadata_.columns) {
      if (column.dotted_path() == name) {
        add(column.index);
        found = true;
        break;
      }
    }
    if (!found) {
      return not_found(fmt::format("{}: no column '{}' (fields: {})", source_->name(), name,
                                   fmt::join(metadata_.top_level_names(), ", ")));
    }
  }
  return {};
}

Result<std::vector<std::pair<const ColumnDescriptor*, const RangePredicate*>>>
FileReaderImpl::resolve_predicates(const ReadRequest& request) const {
  std::vector<std::pair<const ColumnDescriptor*, const RangePredicate*>> out;
  for (const auto& p : request.predicates) {
    const auto leaves = metadata_.find_field(p.column);
    if (leaves.empty()) {
      return not_found(fmt::format("{}: predicate on unknown column '{}' (fields: {})",
                                   source_->name(), p.column,
                                   fmt::join(metadata_.top_level_names(), ", ")));
    }
    if (leaves.size() != 1 || leaves[0]->is_list || !is_numeric(leaves[0]->physical_type)) {
      return invalid_argument(fmt::format("{}: predicate column '{}' is not a flat numeric column",
                                          source_->name(), p.column));
    }
    if (std::isnan(p.min) || std::isnan(p.max)) {
      return invalid_argument(
          fmt::format("{}: predicate on '{}' has a NaN bound", source_->name(), p.column));
    }
    out.emplace_back(leaves[0], &p);
  }
  return out;
}

Status FileReaderImpl::start(const ReadRequest& request) {
  started_ = false;
  failed_ = {};
  readers_.clear();
  group_open_ = false;
  if (request.batch_rows == 0) {
    return invalid_argument(fmt::format("{}: batch_rows must be positive", source_->name()));
  }
  if (request.max_page_values == 0) {
    return invalid_argument(fmt::format("{}: max_page_values must be positive", source_->name()));
  }
  PARITY_RETURN_IF_ERROR(resolve_columns(request));
  PARITY_ASSIGN_OR_RETURN(auto predicates, resolve_predicates(request));
  request_ = request;
  const std::uint64_t total = metadata_.num_rows;
  const std::uint64_t first = std::min(request.first_row, total);
  end_row_ = request.row_count ? first + std::min(*request.row_count, total - first) : total;
  row_groups_.clear();
  for (std::size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroupInfo& rg = metadata_.row_groups[g];
    if (rg.num_rows == 0) continue;
    if (rg.first_row + rg.num_rows <= first || rg.first_row >= end_row_) continue;
    bool keep = true;
    for (const auto& [leaf, p] : predicates) {
      const ColumnStatistics& s = rg.columns[leaf->index].statistics;
      if (s.min && s.max && (*s.max < p->min || *s.min > p->max)) {
        keep = false;
        break;
      }
    }
    if (keep) row_groups_.push_back(g);
  }
  next_group_ = 0;
  started_ = true;
  return {};
}

Status FileReaderImpl::open_row_group() {
  group_ = row_groups_[next_group_++];
  const RowGroupInfo& rg = metadata_.row_groups[group_];
  const std::uint64_t first = std::max(request_.first_row, rg.first_row) - rg.first_row;
  group_end_ = std::min(end_row_, rg.first_row + rg.num_rows) - rg.first_row;
  readers_.clear();
  readers_.reserve(projected_.size());
  for (const std::size_t leaf : projected_) {
    readers_.emplace_back(*source_, metadata_.columns[leaf], rg.columns[leaf], group_,
                          request_.max_page_values);
    if (first > 0) PARITY_RETURN_IF_ERROR(readers_.back().read_rows(first, nullptr));
  }
  group_row_ = first;
  group_open_ = true;
  return {};
}

Status FileReaderImpl::fill(RecordBatch& batch) {
  batch.columns.resize(projected_.size());
  for (std::size_t c = 0; c < projected_.size(); ++c) {
    ColumnData& column = batch.columns[c];
    column.descriptor = &metadata_.columns[projected_[c]];
    column.definition_levels.clear();
    column.repetition_levels.clear();
    reset_values(column.values, column.descriptor->physical_type);
  }
  batch.num_rows = 0;
  batch.first_row = group_open_ ? metadata_.row_groups[group_].first_row + group_row_ : 0;
  while (batch.num_rows < request_.batch_rows) {
    if (!group_open_) {
      if (next_group_ == row_groups_.size()) break;
      const RowGroupInfo& next = metadata_.row_groups[row_groups_[next_group_]];
      const std::uint64_t next_first = std::max(request_.first_row, next.first_row);
      // A batch holds consecutive rows only.
      if (batch.num_rows > 0 && next_first != batch.first_row + batch.num_rows) break;
      PARITY_RETURN_IF_ERROR(open_row_group());
      if (batch.num_rows == 0) batch.first_row = next_first;
    }
    const std::uint64_t take =
        std::min<std::uint64_t>(request_.batch_rows - batch.num_rows, group_end_ - group_row_);
    for (std::size_t c = 0; c < readers_.size(); ++c) {
      PARITY_RETURN_IF_ERROR(readers_[c].read_rows(take, &batch.columns[c]));
    }
    batch.num_rows += take;
    group_row_ += take;
    if (group_row_ == group_end_) {
      if (group_end_ == metadata_.row_groups[group_].num_rows) {
        for (const auto& reader : readers_) PARITY_RETURN_IF_ERROR(reader.finish());
      }
      readers_.clear();
      group_open_ = false;
    }
  }
  return {};
}

Result<bool> FileReaderImpl::next(RecordBatch& batch) {
  if (!failed_.ok()) return failed_;
  if (!started_) {
    return failed_precondition(
        fmt::format("{}: FileReader::next called before start", source_->name()));
  }
  Status st = fill(batch);
  if (!st.ok()) {
    failed_ = st;
    return st;
  }
  return batch.num_rows > 0;
}

// Appends the rows of `from` to `to` (same projection).
Status append_batch(RecordBatch& to, const RecordBatch& from) {
  for (std::size_t c = 0; c < to.columns.size(); ++c) {
    ColumnData& dst = to.columns[c];
    const ColumnData& src = from.columns[c];
    dst.definition_levels.insert(dst.definition_levels.end(), src.definition_levels.begin(),
                                 src.definition_levels.end());
    dst.repetition_levels.insert(dst.repetition_levels.end(), src.repetition_levels.begin(),
                                 src.repetition_levels.end());
    Status st;
    std::visit(
        [&](auto& d) {
          using V = std::decay_t<decltype(d)>;
          const auto& s = std::get<V>(src.values);
          if constexpr (std::is_same_v<V, ByteArrays>) {
            const std::uint64_t base = d.bytes.size();
            if (base + s.bytes.size() > std::numeric_limits<std::uint32_t>::max()) {
              st = unsupported("read_all: more than 4 GiB of byte-array data in one column");
              return;
            }
            d.bytes.insert(d.bytes.end(), s.bytes.begin(), s.bytes.end());
            for (std::size_t i = 1; i < s.offsets.size(); ++i) {
              d.offsets.push_back(static_cast<std::uint32_t>(base + s.offsets[i]));
            }
          } else {
            d.insert(d.end(), s.begin(), s.end());
          }
        },
        dst.values);
    PARITY_RETURN_IF_ERROR(st);
  }
  to.num_rows += from.num_rows;
  return {};
}

}  // namespace

Result<std::unique_ptr<FileReader>> FileReader::open(const std::filesystem::path& path) {
  PARITY_ASSIGN_OR_RETURN(auto source, open_file_source(path));
  return open(std::move(source));
}

Result<std::unique_ptr<FileReader>> FileReader::open(std::unique_ptr<ByteSource> source) {
  const std::string& name = source->name();
  const std::uint64_t size = source->size();
  if (size < 12) {
    return truncated(
        fmt::format("{}: {} bytes is too short for a Parquet file (at least 12: "
                    "magic, footer length, magic)",
                    name, size));
  }
  std::uint8_t head[4];
  std::uint8_t tail[8];
  PARITY_RETURN_IF_ERROR(source->read_at(0, head));
  PARITY_RETURN_IF_ERROR(source->read_at(size - 8, tail));
  if (std::memcmp(tail + 4, kEncryptedMagic, 4) == 0) {
    return unsupported(fmt::format("{}: encrypted footer (magic \"PARE\") is not supported", name));
  }
  if (std::memcmp(head, kMagic, 4) != 0 || std::memcmp(tail + 4, kMagic, 4) != 0) {
    return corrupt(
        fmt::format("{}: offset {}: bad magic: expected \"PAR1\" at the start and the end, found "
                    "{:02x} {:02x} {:02x} {:02x} and {:02x} {:02x} {:02x} {:02x}",
                    name, std::memcmp(head, kMagic, 4) != 0 ? 0 : size - 4, head[0], head[1],
                    head[2], head[3], tail[4], tail[5], tail[6], tail[7]));
  }
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, tail, 4);
  if (footer_length == 0) {
    return corrupt(fmt::format("{}: offset {}: footer length is 0", name, size - 8));
  }
  if (footer_length > size - 12) {
    return truncated(fmt::format(
        "{}: offset {}: footer length {} runs past the start of the file ({} bytes hold at most "
        "{})",
        name, size - 8, footer_length, size, size - 12));
  }
  const std::uint64_t footer_offset = size - 8 - footer_length;
  PARITY_ASSIGN_OR_RETURN(auto footer, source->read_vector(footer_offset, footer_length));
  auto metadata = parse_file_metadata(footer, footer_offset);
  if (!metadata.ok()) return metadata.status().with_context(name);
  return std::unique_ptr<FileReader>(
      new FileReaderImpl(std::move(source), std::move(metadata).value()));
}

Result<RecordBatch> read_all(FileReader& reader, ReadRequest request) {
  request.batch_rows = std::numeric_limits<std::size_t>::max();
  PARITY_RETURN_IF_ERROR(reader.start(request));
  RecordBatch all;
  RecordBatch batch;
  bool first = true;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool more, reader.next(first ? all : batch));
    if (!more) break;
    if (!first) PARITY_RETURN_IF_ERROR(append_batch(all, batch));
    first = false;
  }
  return all;
}

}  // namespace parity::parquet
