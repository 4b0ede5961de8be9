// libFuzzer target for the Parquet reader: opens arbitrary bytes from memory, then reads every
// column of every row group in small batches, and once more from the middle of the file with a
// projection and a statistics predicate. Any crash, hang, sanitizer report or unbounded
// allocation is a bug. Seeds: fuzz/corpus/parquet_reader/ (small hand-built files covering
// v1/v2 pages, every codec, dictionary, delta, RLE and byte-stream-split encodings, lists).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "parity/formats/parquet/parquet_reader.h"
#include "parity/io/byte_source.h"

namespace {

void drain(parity::parquet::FileReader& reader, const parity::parquet::ReadRequest& request) {
  if (!reader.start(request).ok()) return;
  parity::parquet::RecordBatch batch;
  double sink = 0;
  for (int i = 0; i < 100000; ++i) {
    auto more = reader.next(batch);
    if (!more.ok() || !*more) return;
    for (const auto& column : batch.columns) {
      const auto offsets = column.row_offsets();
      sink += static_cast<double>(offsets.back());
      if (column.value_count() > 0) sink += column.as_double(column.value_count() - 1);
    }
  }
  (void)std::isnan(sink);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using parity::parquet::FileReader;
  auto opened = FileReader::open(
      parity::memory_source_view(std::span<const std::uint8_t>(data, size), "fuzz.parquet"));
  if (!opened.ok()) return 0;
  FileReader& reader = **opened;
  parity::parquet::ReadRequest request;
  request.batch_rows = 5;
  request.max_page_values = 1 << 16;
  drain(reader, request);
  const auto& meta = reader.metadata();
  if (!meta.columns.empty()) {
    request.columns = {meta.columns.back().top_level_name};
    request.first_row = meta.num_rows / 2;
    request.batch_rows = 3;
    for (const auto& column : meta.columns) {
      if (!column.is_list && column.physical_type == parity::parquet::PhysicalType::kInt64) {
        request.predicates = {{column.top_level_name, 0, 100}};
        break;
      }
    }
    drain(reader, request);
  }
  return 0;
}
