// benchmarks/mcap_read: how fast Parity reads a large zstd-chunked MCAP, side by side with
// the physical baseline of that file — zstd decompression of the very same chunk payloads.
//
//   mcap_read [--file PATH] [--size-mb N] [--keep]
//
// Writes (if PATH does not exist yet) an MCAP of 1 kHz sensor_msgs/JointState (7 joints) and
// 1 kHz sensor_msgs/Imu with Parity's own writer (zstd, 1 MiB chunks) until the file reaches
// N MB (default 1024), in a child process so the reader's peak RSS is measured alone. Then, in
// one run and from a warm page cache:
//   baseline  pread each chunk's compressed records + ZSTD_decompressDCtx (libzstd), nothing else
//   container open_recording + read_messages: framing, decompression, CRC-32 checks, iteration
//   decode    the same plus decode_cdr_into(JointState|Imu) of every message into one reused
//             object per type (typed values, no allocation per message)
// and prints MB/s of uncompressed chunk data, messages/s, the ratios to the baseline, and the
// process's peak RSS. Exit status 0; the numbers are the result (docs/performance.md).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_support.h"
#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/mcap/mcap_writer.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/io/byte_source.h"

const char* const parity::bench::kProgramName = "mcap_read";

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using parity::bench::check;
using parity::bench::die;
using parity::bench::unwrap;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Writes 1 kHz JointState + 1 kHz Imu until the file holds `target_bytes`.
void generate(const fs::path& path, std::uint64_t target_bytes) {
  parity::mcap::McapWriterOptions options;
  options.profile = "ros2";
  options.compression = parity::Codec::kZstd;
  auto writer = unwrap(parity::mcap::McapWriter::create(path, options));
  const auto add = [&](const char* topic, const char* type) {
    const std::uint16_t schema = unwrap(
        writer->add_schema(type, "ros2msg", bytes_of(parity::ros2::ros2msg_definition(type))));
    return unwrap(writer->add_channel(schema, topic, "cdr", {}));
  };
  const std::uint16_t joints_channel = add("/joint_states", "sensor_msgs/msg/JointState");
  const std::uint16_t imu_channel = add("/imu", "sensor_msgs/msg/Imu");

  parity::ros2::JointState joints;
  joints.name = {"j1", "j2", "j3", "j4", "j5", "j6", "gripper"};
  joints.position.resize(7);
  joints.velocity.resize(7);
  joints.effort.resize(7);
  joints.header.frame_id = "base_link";
  parity::ros2::Imu imu;
  imu.header.frame_id = "imu_link";
  parity::ros2::CdrWriter cdr(512);
  std::uint32_t sequence = 0;
  std::uint64_t t = 1'700'000'000'000'000'000ULL;
  while (writer->bytes_written() < target_bytes) {
    for (int i = 0; i < 1000; ++i, t += 1'000'000) {  // 1 ms
      const double s = static_cast<double>(t % 1'000'000'000'000ULL) * 1e-9;
      joints.header.stamp_ns = static_cast<std::int64_t>(t);
      for (std::size_t j = 0; j < 7; ++j) {
        joints.position[j] = std::sin(s * 0.5 + static_cast<double>(j));
        joints.velocity[j] = std::cos(s * 0.5 + static_cast<double>(j)) * 0.5;
        joints.effort[j] =
            3.0 + std::sin(s * 3.0 + static_cast<double>(j)) + 1e-3 * static_cast<double>(i % 17);
      }
      check(writer->write_message(joints_channel, sequence++, t, t,
                                  parity::ros2::encode_cdr(cdr, joints)));
      imu.header.stamp_ns = static_cast<std::int64_t>(t);
      imu.orientation = {0.0, 0.0, std::sin(s * 0.01), std::cos(s * 0.01)};
      imu.angular_velocity = {0.01 * std::sin(s * 40), 0.02 * std::cos(s * 35), 1e-4 * (i % 13)};
      imu.linear_acceleration = {0.3 * std::sin(s * 120), 0.2 * std::cos(s * 90),
                                 9.81 + 1e-3 * (i % 11)};
      check(
          writer->write_message(imu_channel, sequence++, t, t, parity::ros2::encode_cdr(cdr, imu)));
    }
  }
  check(writer->close());
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

struct Baseline {
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
  double seconds = 0;
};

// pread + ZSTD_decompressDCtx of every chunk's compressed records, in file order.
Baseline run_baseline(const fs::path& path) {
  auto source = unwrap(parity::open_file_source(path));
  parity::NullDiagnosticSink sink;
  auto reader = unwrap(parity::mcap::McapReader::open(*source, sink));
  const auto& chunks = reader->summary().chunk_indexes;
  if (chunks.empty()) die(parity::internal_error("the benchmark file has no chunk index"));
  std::vector<std::uint8_t> in;
  std::vector<std::uint8_t> out;
  ZSTD_DCtx* context = ZSTD_createDCtx();
  Baseline result;
  const auto start = Clock::now();
  for (const auto& chunk : chunks) {
    // The compressed records end the Chunk record: [start + length - compressed_size, end).
    const std::uint64_t offset =
        chunk.chunk_start_offset + chunk.chunk_length - chunk.compressed_size;
    in.resize(chunk.compressed_size);
    out.resize(chunk.uncompressed_size);
    check(source->read_at(offset, in));
    const std::size_t n =
        ZSTD_decompressDCtx(context, out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(n) || n != chunk.uncompressed_size) {
      die(parity::corrupt(std::string("zstd: ") + ZSTD_getErrorName(n)));
    }
    result.compressed += chunk.compressed_size;
    result.uncompressed += n;
  }
  result.seconds = seconds_since(start);
  ZSTD_freeDCtx(context);
  return result;
}

struct Pass {
  std::uint64_t messages = 0;
  std::uint64_t payload_bytes = 0;
  double checksum = 0;  // keeps the decode from being optimised away
  double seconds = 0;
};

Pass run_parity(const fs::path& path, bool decode) {
  parity::DiagnosticCollector diagnostics;
  Pass pass;
  const auto start = Clock::now();
  auto recording = unwrap(parity::open_recording(path, diagnostics));
  std::uint32_t joints_id = 0;
  for (const auto& stream : recording->info().streams) {
    if (stream.topic == "/joint_states") joints_id = stream.id;
  }
  // One object per type, reused for every message: after the first, decoding allocates nothing.
  parity::ros2::JointState joints;
  parity::ros2::Imu imu;
  check(recording->read_messages({}, [&](const parity::MessageView& message) -> parity::Status {
    ++pass.messages;
    pass.payload_bytes += message.data.size();
    if (!decode) return {};
    if (message.stream->id == joints_id) {
      PARITY_RETURN_IF_ERROR(parity::ros2::decode_cdr_into(message.data, joints));
      pass.checksum += joints.position[0];
    } else {
      PARITY_RETURN_IF_ERROR(parity::ros2::decode_cdr_into(message.data, imu));
      pass.checksum += imu.linear_acceleration.z;
    }
    return {};
  }));
  pass.seconds = seconds_since(start);
  if (diagnostics.size() != 0) {
    die(parity::corrupt(diagnostics.diagnostics().front().to_string()));
  }
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path path = fs::temp_directory_path() / "parity-bench-mcap_read.mcap";
  std::uint64_t size_mb = 1024;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--file" && i + 1 < argc) {
      path = argv[++i];
    } else if (arg == "--size-mb" && i + 1 < argc) {
      size_mb = std::stoull(argv[++i]);
    } else if (arg == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr, "usage: mcap_read [--file PATH] [--size-mb N] [--keep]\n");
      return 2;
    }
  }
  if (!fs::exists(path)) {
    std::printf("writing %s (%llu MB, zstd, 1 kHz JointState + Imu) ...\n", path.c_str(),
                static_cast<unsigned long long>(size_mb));
    std::fflush(stdout);
    const auto start = Clock::now();
    const pid_t child = fork();
    if (child == 0) {
      generate(path, size_mb * 1'000'000);
      std::_Exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    std::printf("  written in %.1f s (%.0f MB/s of file)\n", seconds_since(start),
                static_cast<double>(fs::file_size(path)) / 1e6 / seconds_since(start));
  }
  const double file_mb = static_cast<double>(fs::file_size(path)) / 1e6;

  // Warm the page cache so every pass reads from memory, then take the best of 3 runs each.
  (void)run_baseline(path);
  Baseline baseline;
  Pass container;
  Pass decode;
  for (int round = 0; round < 3; ++round) {
    const Baseline b = run_baseline(path);
    if (round == 0 || b.seconds < baseline.seconds) baseline = b;
    const Pass c = run_parity(path, false);
    if (round == 0 || c.seconds < container.seconds) container = c;
    const Pass d = run_parity(path, true);
    if (round == 0 || d.seconds < decode.seconds) decode = d;
  }
  const double mb = static_cast<double>(baseline.uncompressed) / 1e6;
  std::printf("\nmcap_read: %.0f MB file, %.0f MB uncompressed chunk data, %llu messages\n",
              file_mb, mb, static_cast<unsigned long long>(container.messages));
  std::printf("  %-44s %9s %10s %12s %7s\n", "pass (best of 3, warm cache)", "seconds", "MB/s",
              "msgs/s", "ratio");
  std::printf("  %-44s %9.3f %10.0f %12s %7.2f\n", "baseline: pread + ZSTD_decompressDCtx",
              baseline.seconds, mb / baseline.seconds, "-", 1.0);
  std::printf("  %-44s %9.3f %10.0f %12.0f %7.2f\n", "parity: read_messages (container, CRC)",
              container.seconds, mb / container.seconds,
              static_cast<double>(container.messages) / container.seconds,
              baseline.seconds / container.seconds);
  std::printf("  %-44s %9.3f %10.0f %12.0f %7.2f\n", "parity: read_messages + decode_cdr_into",
              decode.seconds, mb / decode.seconds,
              static_cast<double>(decode.messages) / decode.seconds,
              baseline.seconds / decode.seconds);
  std::printf(
      "  full decode / raw decompression = %.2f (target >= 0.5); peak RSS %.0f MB (target < 200)\n",
      baseline.seconds / decode.seconds, static_cast<double>(peak_rss_kb()) / 1024.0);
  std::printf("  (checksum %.3f)\n", decode.checksum);
  if (!keep) fs::remove(path);
  return 0;
}
