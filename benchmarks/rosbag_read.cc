// benchmarks/rosbag_read: how fast Parity reads large ROS 1 bags, side by side with the
// physical baseline of each file — decompression of the very same chunk payloads.
//
//   rosbag_read [--dir DIR] [--lz4-mb N] [--bz2-mb N] [--keep]
//
// Writes (unless present) two bags with Parity's BagWriter, in a child process so the reader's
// peak RSS is measured alone: 1 kHz sensor_msgs/JointState (7 joints) + 1 kHz sensor_msgs/Imu in
// the ROS 1 wire format, 768 KiB chunks, one with lz4 chunks (default 300 MB), one with bz2 chunks
// (default 60 MB; bzip2 level 9 as rosbag). Then, per file, from a warm page cache, best of 3:
//   baseline  walk the records, pread each chunk's payload + LZ4F_decompress / BZ2 decompress
//   container open_ros1_bag + read_messages: index, framing, decompression, iteration
//   tree      the same plus the generic ROS 1 deserializer (a Value tree per message) and
//             extract<JointState> / extract<Imu>
//   typed     the same plus decode_ros1_into(JointState|Imu) of every message into one reused
//             object per type (no tree, no allocation per message)
// and prints MB/s of uncompressed chunk data, messages/s, each pass's speed relative to the
// baseline, and the process's peak RSS. Exit status 0; the numbers are the result.
#include <bzlib.h>
#include <lz4frame.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_support.h"
#include "parity/core/diagnostics.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros1/bag_writer.h"
#include "parity/formats/ros1/ros1_bag.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/ros1_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/io/byte_source.h"

const char* const parity::bench::kProgramName = "rosbag_read";

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using parity::bench::check;
using parity::bench::die;
using parity::bench::unwrap;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

constexpr const char* kHeaderDef =
    "================================================================================\n"
    "MSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n";

// ROS 1 serialization (little-endian, unaligned).
class Ros1Out {
 public:
  void clear() { bytes_.clear(); }
  template <typename T>
  void put(T v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void str(std::string_view s) {
    put(static_cast<std::uint32_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  void header(std::uint32_t seq, std::uint64_t t_ns, std::string_view frame) {
    put(seq);
    put(static_cast<std::uint32_t>(t_ns / 1'000'000'000));
    put(static_cast<std::uint32_t>(t_ns % 1'000'000'000));
    str(frame);
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

void generate(const fs::path& path, parity::Codec codec, std::uint64_t target_bytes) {
  parity::ros1::BagWriterOptions options;
  options.compression = codec;
  auto writer = unwrap(parity::ros1::BagWriter::to_file(path, options));
  const std::uint32_t joints_conn = writer->add_connection(
      {"/joint_states", "sensor_msgs/JointState", "3066dcd76a6cfaef579bd0f34173e9fd",
       std::string("Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\n"
                   "float64[] effort\n") +
           kHeaderDef,
       "/robot_state", false});
  const std::uint32_t imu_conn = writer->add_connection(
      {"/imu", "sensor_msgs/Imu", "6a62c6daae103f4ff57a132d6f95cec2",
       std::string("Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] "
                   "orientation_covariance\ngeometry_msgs/Vector3 angular_velocity\nfloat64[9] "
                   "angular_velocity_covariance\ngeometry_msgs/Vector3 linear_acceleration\n"
                   "float64[9] linear_acceleration_covariance\n") +
           kHeaderDef +
           "================================================================================\n"
           "MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n"
           "================================================================================\n"
           "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n",
       "/imu_driver", false});
  const char* names[] = {"j1", "j2", "j3", "j4", "j5", "j6", "gripper"};
  Ros1Out out;
  std::uint32_t seq = 0;
  std::uint64_t t = 1'600'000'000'000'000'000ULL;
  // The file grows chunk by chunk (fwrite-buffered): its size is checked once per second of data.
  while (fs::file_size(path) < target_bytes) {
    for (int i = 0; i < 1000; ++i, t += 1'000'000, ++seq) {  // 1 ms
      const double s = static_cast<double>(t % 1'000'000'000'000ULL) * 1e-9;
      out.clear();
      out.header(seq, t, "base_link");
      out.put(std::uint32_t{7});
      for (const char* n : names) out.str(n);
      out.put(std::uint32_t{7});
      for (int j = 0; j < 7; ++j) out.put(std::sin(s * 0.5 + j));
      out.put(std::uint32_t{7});
      for (int j = 0; j < 7; ++j) out.put(std::cos(s * 0.5 + j) * 0.5);
      out.put(std::uint32_t{7});
      for (int j = 0; j < 7; ++j) out.put(3.0 + std::sin(s * 3.0 + j) + 1e-3 * (i % 17));
      check(writer->write(joints_conn, static_cast<std::int64_t>(t), out.bytes()));
      out.clear();
      out.header(seq, t, "imu_link");
      for (double v : {0.0, 0.0, std::sin(s * 0.01), std::cos(s * 0.01)}) out.put(v);
      for (int k = 0; k < 9; ++k) out.put(k % 4 == 0 ? 1e-3 : 0.0);
      for (double v : {0.01 * std::sin(s * 40), 0.02 * std::cos(s * 35), 1e-4 * (i % 13)}) {
        out.put(v);
      }
      for (int k = 0; k < 9; ++k) out.put(k % 4 == 0 ? 1e-4 : 0.0);
      for (double v : {0.3 * std::sin(s * 120), 0.2 * std::cos(s * 90), 9.81 + 1e-3 * (i % 11)}) {
        out.put(v);
      }
      for (int k = 0; k < 9; ++k) out.put(k % 4 == 0 ? 1e-2 : 0.0);
      check(writer->write(imu_conn, static_cast<std::int64_t>(t), out.bytes()));
    }
  }
  check(writer->close());
}

struct Baseline {
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
  std::uint64_t chunks = 0;
  double seconds = 0;
};

std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Walks the top-level records with plain preads and decompresses every chunk payload with the
// codec libraries directly.
Baseline run_baseline(const fs::path& path) {
  auto source = unwrap(parity::open_file_source(path));
  const std::uint64_t size = source->size();
  std::vector<std::uint8_t> head(8), header, in, out;
  LZ4F_dctx* lz4 = nullptr;
  LZ4F_createDecompressionContext(&lz4, LZ4F_VERSION);
  Baseline result;
  const auto start = Clock::now();
  std::uint64_t pos = 13;
  while (pos + 8 <= size) {
    check(source->read_at(pos, {head.data(), 4}));
    const std::uint32_t header_len = load_u32(head.data());
    header.resize(header_len + 4);
    check(source->read_at(pos + 4, header));
    const std::uint32_t data_len = load_u32(header.data() + header_len);
    const std::uint64_t data_at = pos + 8 + header_len;
    // Header fields: op, compression, size (as written by rosbag and BagWriter).
    std::uint8_t op = 0;
    std::string compression;
    std::uint32_t uncompressed = 0;
    for (std::uint32_t f = 0; f + 4 <= header_len;) {
      const std::uint32_t len = load_u32(header.data() + f);
      const std::string_view field(reinterpret_cast<const char*>(header.data() + f + 4), len);
      if (field.starts_with("op=")) op = static_cast<std::uint8_t>(field[3]);
      if (field.starts_with("compression=")) compression = field.substr(12);
      if (field.starts_with("size=")) std::memcpy(&uncompressed, field.data() + 5, 4);
      f += 4 + len;
    }
    if (op == 0x05) {
      in.resize(data_len);
      out.resize(uncompressed);
      check(source->read_at(data_at, in));
      if (compression == "lz4") {
        std::size_t dst = out.size(), src = in.size();
        LZ4F_resetDecompressionContext(lz4);
        const std::size_t ret = LZ4F_decompress(lz4, out.data(), &dst, in.data(), &src, nullptr);
        if (LZ4F_isError(ret) || dst != out.size()) die(parity::corrupt("lz4 baseline failed"));
      } else if (compression == "bz2") {
        unsigned dst = static_cast<unsigned>(out.size());
        const int ret = BZ2_bzBuffToBuffDecompress(reinterpret_cast<char*>(out.data()), &dst,
                                                   reinterpret_cast<char*>(in.data()),
                                                   static_cast<unsigned>(in.size()), 0, 0);
        if (ret != BZ_OK || dst != out.size()) die(parity::corrupt("bz2 baseline failed"));
      }
      result.compressed += data_len;
      result.uncompressed += uncompressed;
      ++result.chunks;
    }
    pos = data_at + data_len;
  }
  result.seconds = seconds_since(start);
  LZ4F_freeDecompressionContext(lz4);
  return result;
}

struct Pass {
  std::uint64_t messages = 0;
  double checksum = 0;  // keeps the decode from being optimised away
  double seconds = 0;
};

enum class Decode { kNone, kTree, kTyped };

Pass run_parity(const fs::path& path, Decode decode) {
  parity::DiagnosticCollector diagnostics;
  Pass pass;
  const auto start = Clock::now();
  auto bag = unwrap(parity::ros1::open_ros1_bag(path, diagnostics));
  std::vector<parity::ros2::MessageDecoder> decoders;
  std::uint32_t joints_id = 0;
  for (const auto& stream : bag->info().streams) {
    decoders.push_back(unwrap(parity::ros2::MessageDecoder::for_stream(stream)));
    if (stream.topic == "/joint_states") joints_id = stream.id;
  }
  parity::ros2::JointState joints;
  parity::ros2::Imu imu;
  check(bag->read_messages({}, [&](const parity::MessageView& message) -> parity::Status {
    ++pass.messages;
    if (decode == Decode::kNone) {
      pass.checksum += static_cast<double>(message.data.size());
      return {};
    }
    if (decode == Decode::kTyped) {
      if (message.stream->id == joints_id) {
        PARITY_RETURN_IF_ERROR(parity::ros2::decode_ros1_into(message.data, joints));
        pass.checksum += joints.position[0];
      } else {
        PARITY_RETURN_IF_ERROR(parity::ros2::decode_ros1_into(message.data, imu));
        pass.checksum += imu.linear_acceleration.z;
      }
      return {};
    }
    PARITY_ASSIGN_OR_RETURN(const parity::ros2::Value value,
                            decoders[message.stream->id].decode(message.data));
    if (message.stream->id == joints_id) {
      PARITY_ASSIGN_OR_RETURN(const auto j, parity::ros2::extract<parity::ros2::JointState>(value));
      pass.checksum += j.position[0];
    } else {
      PARITY_ASSIGN_OR_RETURN(const auto m, parity::ros2::extract<parity::ros2::Imu>(value));
      pass.checksum += m.linear_acceleration.z;
    }
    return {};
  }));
  pass.seconds = seconds_since(start);
  if (diagnostics.size() != 0) die(parity::corrupt(diagnostics.diagnostics().front().to_string()));
  return pass;
}

void ensure_file(const fs::path& path, parity::Codec codec, std::uint64_t size_mb) {
  if (fs::exists(path)) return;
  std::printf("writing %s (%llu MB, %s chunks, 1 kHz JointState + Imu) ...\n", path.c_str(),
              static_cast<unsigned long long>(size_mb),
              std::string(parity::codec_name(codec)).c_str());
  std::fflush(stdout);
  const auto start = Clock::now();
  const pid_t child = fork();
  if (child == 0) {
    generate(path, codec, size_mb * 1'000'000);
    std::_Exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::exit(1);
  std::printf("  written in %.1f s\n", seconds_since(start));
}

void bench(const fs::path& path, const char* codec) {
  (void)run_baseline(path);  // warm the page cache
  Baseline baseline;
  Pass container;
  Pass tree;
  Pass typed;
  for (int round = 0; round < 3; ++round) {
    const Baseline b = run_baseline(path);
    if (round == 0 || b.seconds < baseline.seconds) baseline = b;
    const Pass c = run_parity(path, Decode::kNone);
    if (round == 0 || c.seconds < container.seconds) container = c;
    const Pass t = run_parity(path, Decode::kTree);
    if (round == 0 || t.seconds < tree.seconds) tree = t;
    const Pass f = run_parity(path, Decode::kTyped);
    if (round == 0 || f.seconds < typed.seconds) typed = f;
  }
  const double mb = static_cast<double>(baseline.uncompressed) / 1e6;
  std::printf("\nrosbag_read %s: %.0f MB file, %llu chunks, %.0f MB uncompressed, %llu messages\n",
              codec, static_cast<double>(fs::file_size(path)) / 1e6,
              static_cast<unsigned long long>(baseline.chunks), mb,
              static_cast<unsigned long long>(container.messages));
  std::printf("  %-46s %9s %10s %12s %7s\n", "pass (best of 3, warm cache)", "seconds", "MB/s",
              "msgs/s", "ratio");
  std::printf("  %-46s %9.3f %10.0f %12s %7.2f\n", "baseline: pread + raw chunk decompression",
              baseline.seconds, mb / baseline.seconds, "-", 1.0);
  std::printf("  %-46s %9.3f %10.0f %12.0f %7.2f\n", "parity: read_messages (container)",
              container.seconds, mb / container.seconds,
              static_cast<double>(container.messages) / container.seconds,
              baseline.seconds / container.seconds);
  std::printf("  %-46s %9.3f %10.0f %12.0f %7.2f\n", "parity: read + ROS 1 Value tree + extract<T>",
              tree.seconds, mb / tree.seconds, static_cast<double>(tree.messages) / tree.seconds,
              baseline.seconds / tree.seconds);
  std::printf("  %-46s %9.3f %10.0f %12.0f %7.2f\n", "parity: read + decode_ros1_into<T>",
              typed.seconds, mb / typed.seconds,
              static_cast<double>(typed.messages) / typed.seconds,
              baseline.seconds / typed.seconds);
  std::printf("  (checksums %.3f %.3f)\n", tree.checksum, typed.checksum);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path();
  std::uint64_t lz4_mb = 300;
  std::uint64_t bz2_mb = 60;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--lz4-mb" && i + 1 < argc) {
      lz4_mb = std::stoull(argv[++i]);
    } else if (arg == "--bz2-mb" && i + 1 < argc) {
      bz2_mb = std::stoull(argv[++i]);
    } else if (arg == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr, "usage: rosbag_read [--dir DIR] [--lz4-mb N] [--bz2-mb N] [--keep]\n");
      return 2;
    }
  }
  const fs::path lz4 = dir / "parity-bench-rosbag_read-lz4.bag";
  const fs::path bz2 = dir / "parity-bench-rosbag_read-bz2.bag";
  ensure_file(lz4, parity::Codec::kLz4, lz4_mb);
  ensure_file(bz2, parity::Codec::kBz2, bz2_mb);
  bench(lz4, "lz4");
  bench(bz2, "bz2");
  std::printf("\npeak RSS %.0f MB\n", static_cast<double>(peak_rss_kb()) / 1024.0);
  if (!keep) {
    fs::remove(lz4);
    fs::remove(bz2);
  }
  return 0;
}
