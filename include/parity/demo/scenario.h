// The built-in example: a robotic hard-drive disassembly cell (identify the drive, locate
// the screws, unscrew, lift the platters, sort the materials) recorded in three domains, as
// ROS 2 MCAP files. Seeded and deterministic: the same options give the same bytes.
//
// Conditions differ by domain the way they do in life: the lab is bright and tidy with two
// drive models; simulation is broad but too clean (no sensor noise); the field has dim and
// changing light, six drive models including damaged ones, and clutter. Failure probability
// depends on the conditions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "parity/core/status.h"

namespace parity::demo {

struct ScenarioOptions {
  std::uint64_t seed = 7;
  int episodes_per_domain = 8;
  double duration_s = 12.0;  // mean episode length; each episode varies by up to +-30%
};

struct GeneratedEpisode {
  std::filesystem::path path;
  std::string domain;    // lab | sim | field
  std::string lighting;  // bright | dim | dark | changing
  std::string clutter;   // low | medium | high
  std::string drive_model;
  std::string outcome;  // success | failure
  std::uint64_t messages = 0;
};

// Writes <dir>/{lab,sim,field}/episode_NNN.mcap and a parity.yaml sidecar per domain folder.
// Each file carries a `parity` Metadata record with its conditions and outcome, and topics
// /joint_states (JointState, 100 Hz), /gripper/command (JointState, 50 Hz), /imu (Imu,
// 200 Hz) and /camera/front/image_raw (Image rgb8 64x48, 5 Hz).
// Errors: kIoError when the directory or a file cannot be written.
Result<std::vector<GeneratedEpisode>> generate_scenario(const std::filesystem::path& dir,
                                                        const ScenarioOptions& options);

}  // namespace parity::demo
