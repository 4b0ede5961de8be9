#include "parity/demo/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

#include "parity/formats/mcap/mcap_writer.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/msg_definitions.h"

namespace parity::demo {
namespace {

namespace fs = std::filesystem;

// A small, portable PRNG wrapper: the same seed gives the same stream on every platform
// (std:: distributions are implementation-defined, so they are not used).
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double normal() {
    const double u1 = std::max(uniform(), 1e-300);
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& values, const std::array<double, N>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (std::size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return values[i];
      x -= weights[i];
    }
    return values[N - 1];
  }

 private:
  std::mt19937_64 engine_;
};

struct Domain {
  const char* name;
  const char* kind;
  Codec compression;  // MCAP chunk compression
  std::array<const char*, 4> lighting;
  std::array<double, 4> lighting_weights;
  std::array<const char*, 3> clutter;
  std::array<double, 3> clutter_weights;
  std::array<const char*, 6> drives;
  std::array<double, 6> drive_weights;
  double sensor_noise;  // std of additive noise, in the units of each signal
};

// bright, dim, dark, changing / low, medium, high / drive models.
constexpr std::array<const char*, 4> kLighting = {"bright", "dim", "dark", "changing"};
constexpr std::array<const char*, 3> kClutter = {"low", "medium", "high"};
constexpr std::array<const char*, 6> kDrives = {"X14",    "P300",    "WD40EFRX",
                                                "ST2000", "HGST-7K", "X14-damaged"};

const std::array<Domain, 3> kDomains = {{
    {"lab",
     "teleop",
     Codec::kZstd,
     kLighting,
     {1, 0, 0, 0},
     kClutter,
     {1, 0, 0},
     kDrives,
     {1, 1, 0, 0, 0, 0},
     0.002},
    {"sim",
     "simulation",
     Codec::kLz4,
     kLighting,
     {3, 1, 0, 0},
     kClutter,
     {2, 1, 0},
     kDrives,
     {1, 1, 1, 1, 0, 0},
     0.0},
    {"field",
     "deployment",
     Codec::kZstd,
     kLighting,
     {1, 2, 1, 1},
     kClutter,
     {0, 1, 2},
     kDrives,
     {2, 1, 1, 1, 1, 1},
     0.01},
}};

// Failure probability grows with poor light, clutter and damaged or unfamiliar drives.
double failure_probability(const std::string& lighting, const std::string& clutter,
                           const std::string& drive) {
  double p = 0.05;
  if (lighting == "dim") p += 0.10;
  if (lighting == "dark") p += 0.30;
  if (lighting == "changing") p += 0.15;
  if (clutter == "medium") p += 0.05;
  if (clutter == "high") p += 0.20;
  if (drive == "X14-damaged") p += 0.35;
  if (drive != "X14" && drive != "P300") p += 0.05;
  return std::min(p, 0.95);
}

double luminance_for(const std::string& lighting, double t_s, Random& random) {
  if (lighting == "bright") return 180.0;
  if (lighting == "dim") return 70.0;
  if (lighting == "dark") return 25.0;
  return 110.0 + 70.0 * std::sin(t_s * 0.8) + 10.0 * random.normal();  // changing
}

constexpr int kJointCount = 6;
const std::vector<std::string> kJointNames = {"shoulder_pan", "shoulder_lift", "elbow",
                                              "wrist_1",      "wrist_2",       "wrist_3"};
constexpr int kImageWidth = 64;
constexpr int kImageHeight = 48;

class EpisodeWriter {
 public:
  EpisodeWriter(mcap::McapWriter& writer, Random& random, const Domain& domain,
                const GeneratedEpisode& episode)
      : writer_(writer), random_(random), domain_(domain), episode_(episode) {}

  Result<std::uint64_t> write(std::int64_t start_ns, double duration_s) {
    PARITY_ASSIGN_OR_RETURN(const auto joints,
                            channel("/joint_states", "sensor_msgs/msg/JointState"));
    PARITY_ASSIGN_OR_RETURN(const auto command,
                            channel("/gripper/command", "sensor_msgs/msg/JointState"));
    PARITY_ASSIGN_OR_RETURN(const auto imu, channel("/imu", "sensor_msgs/msg/Imu"));
    PARITY_ASSIGN_OR_RETURN(const auto camera,
                            channel("/camera/front/image_raw", "sensor_msgs/msg/Image"));

    // Event times are merged in time order: 100 Hz joints, 50 Hz command, 200 Hz IMU, 5 Hz camera.
    const std::int64_t end_ns = start_ns + static_cast<std::int64_t>(duration_s * 1e9);
    std::uint64_t count = 0;
    const bool failing = episode_.outcome == "failure";
    for (std::int64_t t = start_ns; t < end_ns; t += 5'000'000) {  // 5 ms tick = 200 Hz
      const double t_s = static_cast<double>(t - start_ns) * 1e-9;
      const std::int64_t tick = (t - start_ns) / 5'000'000;
      PARITY_RETURN_IF_ERROR(write_imu(imu, t, t_s, failing));
      ++count;
      if (tick % 2 == 0) {
        PARITY_RETURN_IF_ERROR(write_joints(joints, t, t_s, failing));
        ++count;
      }
      if (tick % 4 == 0) {
        PARITY_RETURN_IF_ERROR(write_command(command, t, t_s));
        ++count;
      }
      if (tick % 40 == 0) {
        PARITY_RETURN_IF_ERROR(write_image(camera, t, t_s));
        ++count;
      }
    }
    return count;
  }

 private:
  Result<std::uint16_t> channel(const std::string& topic, const std::string& type) {
    const std::string_view definition = ros2::ros2msg_definition(type);
    PARITY_ASSIGN_OR_RETURN(
        const std::uint16_t schema,
        writer_.add_schema(type, "ros2msg",
                           std::span(reinterpret_cast<const std::uint8_t*>(definition.data()),
                                     definition.size())));
    return writer_.add_channel(schema, topic, "cdr", {});
  }

  Status emit(std::uint16_t channel_id, std::int64_t t, std::span<const std::uint8_t> data) {
    const auto time = static_cast<std::uint64_t>(t);
    return writer_.write_message(channel_id, sequence_++, time, time, data);
  }

  double noise() { return domain_.sensor_noise * random_.normal(); }

  Status write_joints(std::uint16_t channel_id, std::int64_t t, double t_s, bool failing) {
    ros2::JointState m;
    m.header = {t, "base_link"};
    m.name = kJointNames;
    for (int j = 0; j < kJointCount; ++j) {
      const double phase = 0.7 * j;
      const double amplitude = 0.4 + 0.05 * j;
      // A failing episode hesitates: a jerky correction in the second half.
      const double jerk = failing && t_s > 4.0 ? 0.05 * std::sin(t_s * 23.0 + j) : 0.0;
      m.position.push_back(amplitude * std::sin(0.9 * t_s + phase) + jerk + noise());
      m.velocity.push_back(amplitude * 0.9 * std::cos(0.9 * t_s + phase) + noise());
      m.effort.push_back(2.0 + 0.5 * std::sin(0.5 * t_s + phase) + noise());
    }
    return emit(channel_id, t, ros2::encode_cdr(cdr_, m));
  }

  Status write_command(std::uint16_t channel_id, std::int64_t t, double t_s) {
    ros2::JointState m;
    m.header = {t, "gripper"};
    m.name = {"gripper"};
    m.position = {std::fmod(t_s, 3.0) < 1.5 ? 0.0 : 0.04};
    return emit(channel_id, t, ros2::encode_cdr(cdr_, m));
  }

  Status write_imu(std::uint16_t channel_id, std::int64_t t, double t_s, bool failing) {
    ros2::Imu m;
    m.header = {t, "wrist_imu"};
    m.orientation = {0.0, 0.0, std::sin(0.05 * t_s), std::cos(0.05 * t_s)};
    const double vibration = (failing ? 0.6 : 0.2) * std::sin(t_s * 120.0);
    m.angular_velocity = {0.01 * std::sin(t_s) + noise(), 0.01 * std::cos(t_s) + noise(), noise()};
    m.linear_acceleration = {vibration + 10 * noise(), 10 * noise(), 9.81 + 10 * noise()};
    return emit(channel_id, t, ros2::encode_cdr(cdr_, m));
  }

  Status write_image(std::uint16_t channel_id, std::int64_t t, double t_s) {
    ros2::Image m;
    m.header = {t, "camera_front"};
    m.height = kImageHeight;
    m.width = kImageWidth;
    m.encoding = "rgb8";
    m.step = kImageWidth * 3;
    m.data.resize(static_cast<std::size_t>(kImageWidth * kImageHeight * 3));
    const double luma = luminance_for(episode_.lighting, t_s, random_);
    const double pixel_noise = domain_.sensor_noise * 800.0;  // 0 in sim, ~8 levels in the field
    const int clutter_blobs = episode_.clutter == "high"     ? 12
                              : episode_.clutter == "medium" ? 5
                                                             : 1;
    for (int y = 0; y < kImageHeight; ++y) {
      for (int x = 0; x < kImageWidth; ++x) {
        // The drive: a grey rectangle in the middle; screws: dark dots at its corners.
        const bool drive = x > 16 && x < 48 && y > 10 && y < 38;
        const bool screw = drive && (x == 19 || x == 45) && (y == 13 || y == 35);
        double r = luma * 0.9, g = luma * 0.85, b = luma * 0.8;  // warm bench
        if (drive) r = g = b = luma * 0.7;
        if (screw) r = g = b = luma * 0.2;
        if ((x * 7 + y * 13) % 97 < clutter_blobs) r = luma * 1.2, g = luma * 0.4, b = luma * 0.3;
        const std::size_t i = static_cast<std::size_t>((y * kImageWidth + x) * 3);
        m.data[i] =
            static_cast<std::uint8_t>(std::clamp(r + pixel_noise * random_.normal(), 0.0, 255.0));
        m.data[i + 1] =
            static_cast<std::uint8_t>(std::clamp(g + pixel_noise * random_.normal(), 0.0, 255.0));
        m.data[i + 2] =
            static_cast<std::uint8_t>(std::clamp(b + pixel_noise * random_.normal(), 0.0, 255.0));
      }
    }
    return emit(channel_id, t, ros2::encode_cdr(cdr_, m));
  }

  mcap::McapWriter& writer_;
  Random& random_;
  const Domain& domain_;
  const GeneratedEpisode& episode_;
  ros2::CdrWriter cdr_{4096};
  std::uint32_t sequence_ = 0;
};

Status write_sidecar(const fs::path& dir, const Domain& domain) {
  std::ofstream out(dir / "parity.yaml");
  out << "# Written by `parity demo generate`: what every recording in this folder shares.\n"
      << "domain: " << domain.name << "\nkind: " << domain.kind << "\nembodiment: ur5e\n"
      << "attributes:\n  site: "
      << (std::string(domain.name) == "field" ? "recycling-plant-3"
          : std::string(domain.name) == "lab" ? "lab-berlin"
                                              : "isaac-sim")
      << "\n";
  out.close();
  if (!out)
    return io_error(fmt::format("{}: cannot write the sidecar", (dir / "parity.yaml").string()));
  return {};
}

}  // namespace

Result<std::vector<GeneratedEpisode>> generate_scenario(const fs::path& dir,
                                                        const ScenarioOptions& options) {
  if (options.episodes_per_domain < 1 || options.duration_s <= 0) {
    return invalid_argument("demo: episodes must be >= 1 and duration_s > 0");
  }
  Random random(options.seed);
  std::vector<GeneratedEpisode> episodes;
  // 2026-03-02T08:00:00Z; each episode starts 10 minutes after the previous one.
  std::int64_t start_ns = 1'772'438'400'000'000'000;
  for (const Domain& domain : kDomains) {
    const fs::path domain_dir = dir / domain.name;
    std::error_code ec;
    fs::create_directories(domain_dir, ec);
    if (ec)
      return io_error(fmt::format("{}: cannot create: {}", domain_dir.string(), ec.message()));
    PARITY_RETURN_IF_ERROR(write_sidecar(domain_dir, domain));
    for (int i = 0; i < options.episodes_per_domain; ++i) {
      GeneratedEpisode episode;
      episode.path = domain_dir / fmt::format("episode_{:03}.mcap", i);
      episode.domain = domain.name;
      episode.lighting = random.pick(domain.lighting, domain.lighting_weights);
      episode.clutter = random.pick(domain.clutter, domain.clutter_weights);
      episode.drive_model = random.pick(domain.drives, domain.drive_weights);
      const double p_fail =
          failure_probability(episode.lighting, episode.clutter, episode.drive_model);
      episode.outcome = random.uniform() < p_fail ? "failure" : "success";
      const double duration_s = options.duration_s * (0.7 + 0.6 * random.uniform());

      mcap::McapWriterOptions writer_options;
      writer_options.profile = "ros2";
      writer_options.compression = domain.compression;
      PARITY_ASSIGN_OR_RETURN(auto writer, mcap::McapWriter::create(episode.path, writer_options));
      PARITY_RETURN_IF_ERROR(writer->write_metadata("parity", {{"task", "hdd_disassembly"},
                                                               {"lighting", episode.lighting},
                                                               {"clutter", episode.clutter},
                                                               {"drive_model", episode.drive_model},
                                                               {"outcome", episode.outcome}}));
      EpisodeWriter episode_writer(*writer, random, domain, episode);
      PARITY_ASSIGN_OR_RETURN(episode.messages, episode_writer.write(start_ns, duration_s));
      PARITY_RETURN_IF_ERROR(writer->close());
      start_ns += 600'000'000'000;
      episodes.push_back(std::move(episode));
    }
  }
  return episodes;
}

}  // namespace parity::demo
