// benchmarks/parquet_read: how fast Parity decodes a LeRobot-shaped Parquet file, side by side
// with the physical baseline of that file — decompression of the very same pages.
//
//   parquet_read [--dir DIR] [--size-mb N] [--keep]
//
// Writes (if absent) two files of about N MB each (default 200) with Parity's Parquet writer,
// one SNAPPY and one ZSTD: list<float>[14] "observation.state" and "action" (random walks),
// float "timestamp" and int64 "index", "frame_index", "episode_index", data pages v1 of 1 MiB,
// 16 MiB row groups. Then, per file and from a warm page cache:
//   baseline  pread each page's compressed bytes (page locations collected beforehand, not
//             timed) + snappy::RawUncompress / ZSTD_decompressDCtx into one reused buffer
//   decode    FileReader::open + start + next() over every column in batches of 65536 rows:
//             page headers, decompression, level and value decoding into the output vectors
// and prints MB/s of uncompressed page data for both, the decode/baseline time ratio, and the
// process's peak RSS. Each measurement is the best of 3 runs. Exit status 0 unless a read fails.
#include <snappy.h>
#include <sys/resource.h>
#include <zstd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "formats/parquet/parquet_metadata.h"
#include "parity/formats/parquet/parquet_reader.h"
#include "parity/formats/parquet/parquet_writer.h"
#include "parity/io/byte_source.h"

const char* const parity::bench::kProgramName = "parquet_read";

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace parity::parquet;

using parity::bench::check;
using parity::bench::die;
using parity::bench::unwrap;

constexpr std::size_t kWidth = 14;

void generate(const fs::path& path, Compression codec, std::uint64_t target_bytes) {
  std::vector<WriterColumn> schema = {WriterColumn::float32_list("observation.state"),
                                      WriterColumn::float32_list("action"),
                                      WriterColumn::float32("timestamp"),
                                      WriterColumn::int64("index"),
                                      WriterColumn::int64("frame_index"),
                                      WriterColumn::int64("episode_index")};
  WriterOptions options;
  options.compression = codec;
  // Small row groups so bytes_written() tracks the target closely.
  options.target_row_group_bytes = 16 << 20;
  auto writer = unwrap(FileWriter::create(path, schema, options));
  constexpr std::size_t kRows = 10000;
  std::mt19937 rng(42);
  std::normal_distribution<float> step(0.0f, 0.01f);
  std::vector<float> state(kRows * kWidth), action(kRows * kWidth), timestamp(kRows);
  std::vector<std::int64_t> index(kRows), frame(kRows), episode(kRows);
  std::vector<std::uint64_t> offsets(kRows + 1);
  for (std::size_t r = 0; r <= kRows; ++r) offsets[r] = r * kWidth;
  std::vector<float> joints(kWidth, 0.0f);
  std::int64_t row = 0;
  std::int64_t frame_in_episode = 0;
  std::int64_t episode_number = 0;
  while (writer->bytes_written() < target_bytes) {
    for (std::size_t r = 0; r < kRows; ++r, ++row) {
      for (std::size_t j = 0; j < kWidth; ++j) {
        joints[j] += step(rng);
        state[r * kWidth + j] = joints[j];
        action[r * kWidth + j] = joints[j] + step(rng);
      }
      if (++frame_in_episode == 600) {
        frame_in_episode = 0;
        ++episode_number;
      }
      timestamp[r] = static_cast<float>(frame_in_episode) / 30.0f;
      index[r] = row;
      frame[r] = frame_in_episode;
      episode[r] = episode_number;
    }
    std::vector<ColumnValues> columns(6);
    columns[0].values = std::span<const float>(state);
    columns[0].offsets = offsets;
    columns[1].values = std::span<const float>(action);
    columns[1].offsets = offsets;
    columns[2].values = std::span<const float>(timestamp);
    columns[3].values = std::span<const std::int64_t>(index);
    columns[4].values = std::span<const std::int64_t>(frame);
    columns[5].values = std::span<const std::int64_t>(episode);
    check(writer->write_batch(kRows, columns));
  }
  check(writer->close());
}

struct PageLocation {
  std::uint64_t offset = 0;  // of the compressed body
  std::uint32_t compressed = 0;
  std::uint32_t uncompressed = 0;
};

// Page bodies of every column chunk, found by walking the page headers (setup, not timed).
std::vector<PageLocation> locate_pages(const parity::ByteSource& source, const FileMetadata& meta) {
  std::vector<PageLocation> pages;
  std::vector<std::uint8_t> window;
  for (const auto& rg : meta.row_groups) {
    for (const auto& chunk : rg.columns) {
      const ChunkRange range = chunk_range(chunk);
      std::uint64_t pos = range.begin;
      while (pos < range.end) {
        window.resize(static_cast<std::size_t>(std::min<std::uint64_t>(range.end - pos, 4096)));
        check(source.read_at(pos, window));
        PageHeader header;
        check(parse_page_header(window, pos, header));
        const std::uint64_t body = pos + header.header_size;
        pages.push_back({body, static_cast<std::uint32_t>(header.compressed_page_size),
                         static_cast<std::uint32_t>(header.uncompressed_page_size)});
        pos = body + static_cast<std::uint64_t>(header.compressed_page_size);
      }
    }
  }
  return pages;
}

double baseline_seconds(const parity::ByteSource& source, Compression codec,
                        const std::vector<PageLocation>& pages) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  std::vector<std::uint8_t> in, out;
  const auto start = Clock::now();
  for (const auto& page : pages) {
    in.resize(page.compressed);
    out.resize(page.uncompressed);
    check(source.read_at(page.offset, in));
    if (codec == Compression::kSnappy) {
      if (!snappy::RawUncompress(reinterpret_cast<const char*>(in.data()), in.size(),
                                 reinterpret_cast<char*>(out.data()))) {
        die(parity::corrupt("snappy baseline failed"));
      }
    } else {
      const std::size_t n = ZSTD_decompressDCtx(ctx, out.data(), out.size(), in.data(), in.size());
      if (ZSTD_isError(n) || n != out.size()) die(parity::corrupt("zstd baseline failed"));
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ZSTD_freeDCtx(ctx);
  return seconds;
}

double decode_seconds(const fs::path& path, std::uint64_t expected_rows, std::uint64_t& values) {
  const auto start = Clock::now();
  auto reader = unwrap(FileReader::open(path));
  ReadRequest request;
  request.batch_rows = 65536;
  check(reader->start(request));
  RecordBatch batch;
  std::uint64_t rows = 0;
  values = 0;
  while (unwrap(reader->next(batch))) {
    rows += batch.num_rows;
    for (const auto& column : batch.columns) values += column.value_count();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (rows != expected_rows) die(parity::corrupt("row count mismatch"));
  return seconds;
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path();
  std::uint64_t size_mb = 200;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--size-mb" && i + 1 < argc) {
      size_mb = std::stoull(argv[++i]);
    } else if (arg == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr, "usage: parquet_read [--dir DIR] [--size-mb N] [--keep]\n");
      return 2;
    }
  }
  std::printf("parquet_read: list<float>[14] x2 + float + int64 x3 columns, ~%llu MB per file\n",
              static_cast<unsigned long long>(size_mb));
  for (const Compression codec : {Compression::kSnappy, Compression::kZstd}) {
    const fs::path path = dir / ("parity_parquet_read_" + std::to_string(size_mb) + "mb_" +
                                 std::string(compression_name(codec)) + ".parquet");
    if (!fs::exists(path)) {
      const auto start = Clock::now();
      generate(path, codec, size_mb << 20);
      std::printf("  generated %s in %.1f s\n", path.c_str(),
                  std::chrono::duration<double>(Clock::now() - start).count());
    }
    auto source = unwrap(parity::open_file_source(path));
    auto reader = unwrap(FileReader::open(path));
    const FileMetadata& meta = reader->metadata();
    const auto pages = locate_pages(*source, meta);
    std::uint64_t page_bytes = 0;
    for (const auto& p : pages) page_bytes += p.uncompressed;
    double base = 1e30, decode = 1e30;
    std::uint64_t values = 0;
    for (int run = 0; run < 3; ++run) {
      base = std::min(base, baseline_seconds(*source, codec, pages));
      decode = std::min(decode, decode_seconds(path, meta.num_rows, values));
    }
    const double mb = static_cast<double>(page_bytes) / 1e6;
    std::printf(
        "  %-6s file %.0f MB, %llu rows, %zu pages, %.0f MB uncompressed pages, %llu values\n"
        "    baseline (pread + %s decompress)   %8.1f MB/s  %.3f s\n"
        "    decode   (FileReader, all columns)  %8.1f MB/s  %.3f s  ratio decode/baseline %.2f\n",
        std::string(compression_name(codec)).c_str(),
        static_cast<double>(fs::file_size(path)) / 1e6,
        static_cast<unsigned long long>(meta.num_rows), pages.size(), mb,
        static_cast<unsigned long long>(values), std::string(compression_name(codec)).c_str(),
        mb / base, base, mb / decode, decode, decode / base);
    if (!keep) fs::remove(path);
  }
  std::printf("  peak RSS %ld MB\n", peak_rss_mb());
  return 0;
}
