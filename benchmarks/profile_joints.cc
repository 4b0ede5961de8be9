// benchmarks/profile_joints: what JointFeatureExtractor costs on a 1 kHz joint stream, next to
// the decoding it sits behind, in the same run.
//
//   profile_joints [--joints N] [--seconds S] [--rounds R]
//
// Generates in memory, with ros2::encode_cdr(), a sensor_msgs/JointState CDR stream of N joints
// (default 7, one named "gripper") at 1 kHz for S seconds (default 600: 600000 messages; names,
// position, velocity and effort filled, positions smooth sinusoids plus a gripper that opens and
// closes), and a second, independent stream of the same shape (other phases). Then, best of R
// rounds (default 3), from memory:
//   decode    ros2::decode_cdr_into() of every message into one reused JointState
//   features  the same, plus JointFeatureExtractor::add() per message and finish() at the end
// and prints messages/s of both and the extractor's overhead (features time / decode time - 1).
// Scaling: `features` on one stream on 1 thread, then on both streams on 2 threads at once
// (one extractor each); prints the aggregate messages/s and the speed-up. Exit status 0 unless
// decoding fails; the numbers are the result (docs/performance.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "parity/features/signal_features.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/typed_messages.h"

const char* const parity::bench::kProgramName = "profile_joints";

namespace {

using Clock = std::chrono::steady_clock;
using parity::bench::check;
using parity::features::FeatureValues;
using parity::features::JointFeatureExtractor;

constexpr std::int64_t kPeriodNs = 1'000'000;  // 1 kHz

// Serialized messages back to back; message i is bytes[offsets[i], offsets[i + 1]).
struct Stream {
  std::vector<std::uint8_t> bytes;
  std::vector<std::size_t> offsets;
  std::size_t size() const { return offsets.size() - 1; }
  std::span<const std::uint8_t> message(std::size_t i) const {
    return {bytes.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
};

Stream generate(std::size_t joints, std::size_t messages, double phase) {
  parity::ros2::JointState state;
  state.header.frame_id = "base_link";
  for (std::size_t j = 0; j < joints; ++j) {
    state.name.push_back(j + 1 == joints ? "gripper_finger_joint"
                                         : "arm_joint_" + std::to_string(j + 1));
  }
  state.position.resize(joints);
  state.velocity.resize(joints);
  state.effort.resize(joints);
  Stream stream;
  stream.offsets.reserve(messages + 1);
  stream.offsets.push_back(0);
  parity::ros2::CdrWriter writer(512);
  for (std::size_t i = 0; i < messages; ++i) {
    const double t = static_cast<double>(i) * 1e-3;
    state.header.stamp_ns = static_cast<std::int64_t>(i) * kPeriodNs;
    for (std::size_t j = 0; j + 1 < joints; ++j) {
      const double w = 2 * std::numbers::pi * (0.2 + 0.05 * static_cast<double>(j));
      state.position[j] = 0.8 * std::sin(w * t + phase + static_cast<double>(j));
      state.velocity[j] = 0.8 * w * std::cos(w * t + phase + static_cast<double>(j));
      state.effort[j] = 5.0 * std::sin(w * t + phase);
    }
    state.position[joints - 1] = std::fmod(t + phase, 8.0) < 4.0 ? 0.0 : 0.04;  // gripper
    state.velocity[joints - 1] = 0;
    state.effort[joints - 1] = 1.0;
    const std::span<const std::uint8_t> bytes = parity::ros2::encode_cdr(writer, state);
    stream.bytes.insert(stream.bytes.end(), bytes.begin(), bytes.end());
    stream.offsets.push_back(stream.bytes.size());
  }
  return stream;
}

// Decodes every message; returns a checksum so the work is not optimised away.
double decode_only(const Stream& stream) {
  parity::ros2::JointState state;
  double checksum = 0;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    check(parity::ros2::decode_cdr_into(stream.message(i), state));
    checksum += state.position[0];
  }
  return checksum;
}

// Decodes every message and runs the extractor; returns its values.
FeatureValues decode_and_extract(const Stream& stream) {
  parity::ros2::JointState state;
  JointFeatureExtractor extractor;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    check(parity::ros2::decode_cdr_into(stream.message(i), state));
    extractor.add(static_cast<std::int64_t>(i) * kPeriodNs, state);
  }
  return extractor.finish();
}

template <typename F>
double best_seconds(int rounds, F&& run) {
  double best = 1e300;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

double feature(const FeatureValues& values, const char* name) {
  for (const auto& [n, v] : values) {
    if (n == name) return v;
  }
  return std::nan("");
}

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: profile_joints [--joints N] [--seconds S] [--rounds R]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t joints = 7;
  std::size_t seconds = 600;
  int rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage();
    const long n = std::strtol(argv[++i], nullptr, 10);
    if (n <= 0) usage();
    if (arg == "--joints") {
      joints = static_cast<std::size_t>(n);
    } else if (arg == "--seconds") {
      seconds = static_cast<std::size_t>(n);
    } else if (arg == "--rounds") {
      rounds = static_cast<int>(n);
    } else {
      usage();
    }
  }
  if (joints < 2) usage();
  const std::size_t messages = seconds * 1000;
  const Stream a = generate(joints, messages, 0.0);
  const Stream b = generate(joints, messages, 1.0);
  std::printf(
      "profile_joints: %zu JointState messages of %zu joints at 1 kHz (%zu s), %.1f MB "
      "of CDR per stream, best of %d\n",
      messages, joints, seconds, static_cast<double>(a.bytes.size()) / 1e6, rounds);

  double checksum = 0;
  const double decode_s = best_seconds(rounds, [&] { checksum += decode_only(a); });
  FeatureValues values;
  const double features_s = best_seconds(rounds, [&] { values = decode_and_extract(a); });
  const auto rate = [&](double s) { return static_cast<double>(messages) / s; };
  std::printf("  decode only           %12.0f msg/s  (%.3f s)\n", rate(decode_s), decode_s);
  std::printf("  decode + features     %12.0f msg/s  (%.3f s)\n", rate(features_s), features_s);
  std::printf("  extractor overhead    %11.1f %%  of decoding (features/decode time %.3f)\n",
              100.0 * (features_s / decode_s - 1.0), features_s / decode_s);
  std::printf("  extractor alone       %12.0f msg/s  (time difference)\n",
              static_cast<double>(messages) / std::max(features_s - decode_s, 1e-9));

  const double two_s = best_seconds(rounds, [&] {
    FeatureValues va, vb;
    std::thread ta([&] { va = decode_and_extract(a); });
    std::thread tb([&] { vb = decode_and_extract(b); });
    ta.join();
    tb.join();
  });
  const double one_rate = rate(features_s);
  const double two_rate = 2.0 * static_cast<double>(messages) / two_s;
  std::printf("  1 thread,  1 stream   %12.0f msg/s\n", one_rate);
  std::printf("  2 threads, 2 streams  %12.0f msg/s  (speed-up %.2fx)\n", two_rate,
              two_rate / one_rate);
  std::printf(
      "  check: vel_rms %.4f rad/s, jerk_rms %.4g rad/s^3, gripper_events %.0f, "
      "decode checksum %.3g\n",
      feature(values, "vel_rms"), feature(values, "jerk_rms"), feature(values, "gripper_events"),
      checksum);
  return 0;
}
