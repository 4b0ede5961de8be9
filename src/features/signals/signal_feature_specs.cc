// The registry entries of every signal feature (docs/features.md is generated from them). Each
// definition states what is measured, how, and when the value is left out.
#include <limits>

#include "parity/features/signal_features.h"

namespace parity::features {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using enum HistogramScale;

constexpr FeatureSpec kJointSpecs[] = {
    {.name = "samples",
     .unit = "1",
     .definition = "Number of JointState messages used in the episode.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e7},
    {.name = "skipped",
     .unit = "1",
     .definition = "Number of JointState messages left out: a position count other than the first "
                   "message's, or a non-finite position.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "non_monotonic",
     .unit = "1",
     .definition =
         "Number of JointState messages whose log time is not after the previous one's; they "
         "are left out of derivatives and time-weighted values.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "joints",
     .unit = "1",
     .definition = "Number of joints: positions per message in the first message with any.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 64},
    {.name = "<joint>.range",
     .unit = "rad or m",
     .definition = "Largest minus smallest position of the joint over the episode. Joint names "
                   "are lower-cased with every run of other characters than a-z and 0-9 "
                   "replaced by '_'; only the first 64 joints get a value.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 10},
    {.name = "pos_range_mean",
     .unit = "rad or m",
     .definition = "Mean over all joints of the per-joint position range (max - min).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 10},
    {.name = "vel_rms",
     .unit = "rad/s or m/s",
     .definition = "Root mean square of joint velocity over all joints and messages: the "
                   "message's velocity array when every accepted message has one finite value "
                   "per joint, else first differences of positions over the actual time between "
                   "messages.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 10},
    {.name = "acc_rms",
     .unit = "rad/s^2 or m/s^2",
     .definition = "Root mean square over all joints of the second finite difference of "
                   "positions on the actual sample times: first differences dp/dt sit at the "
                   "interval midpoints, their differences divided by the time between "
                   "midpoints give the acceleration.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e3},
    {.name = "jerk_rms",
     .unit = "rad/s^3 or m/s^3",
     .definition = "Root mean square over all joints of the third finite difference of "
                   "positions on the actual sample times (differences of the accelerations of "
                   "acc_rms). Sensitive to position noise at high rates.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-1,
     .hist_hi = 1e5},
    {.name = "effort_rms",
     .unit = "N·m or N",
     .definition = "Root mean square of effort over all joints of the messages whose effort "
                   "array has one finite value per joint; left out when no message has one.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e3},
    {.name = "effort_max_abs",
     .unit = "N·m or N",
     .definition = "Largest absolute effort of any joint in the messages counted by "
                   "effort_rms.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e3},
    {.name = "gripper_events",
     .unit = "1",
     .definition =
         "Gripper strokes, summed over the joints whose name contains 'gripper': a "
         "stroke is counted each time the position moves more than the hysteresis "
         "(0.01 rad or m by default) away from its last turning point in a new direction, so one "
         "open-and-close cycle counts 2. Left out when no joint is a gripper.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 50},
    {.name = "idle_fraction",
     .unit = "fraction",
     .definition = "Share of the time between consecutive messages during which the L2 norm "
                   "of all joint velocities (the message's, else differenced) is below "
                   "0.01 rad/s (by default).",
     .min = 0,
     .max = 1,
     .hist_lo = 0,
     .hist_hi = 1},
};

constexpr FeatureSpec kActionSpecs[] = {
    {.name = "samples",
     .unit = "1",
     .definition = "Number of action vectors used in the episode.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e7},
    {.name = "skipped",
     .unit = "1",
     .definition = "Number of action vectors left out: a dimension count other than the first "
                   "vector's, or a non-finite entry.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "non_monotonic",
     .unit = "1",
     .definition = "Number of action vectors whose log time is not after the previous one's; they "
                   "are left out of derivatives and time-weighted values.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "dims",
     .unit = "1",
     .definition = "Dimensions of the action vector (the first non-empty one's).",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 64},
    {.name = "range_mean",
     .unit = "action units",
     .definition = "Mean over dimensions of the largest minus the smallest value.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 10},
    {.name = "rate_rms",
     .unit = "action units/s",
     .definition = "Root mean square over all dimensions of the first difference of the action "
                   "divided by the actual time between steps.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "smoothness",
     .unit = "action units/s^2",
     .definition = "Root mean square over all dimensions of the second difference of the "
                   "action per second squared (differences of the first differences, divided "
                   "by the time between interval midpoints); lower is smoother.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e4},
    {.name = "idle_fraction",
     .unit = "fraction",
     .definition = "Share of the time between consecutive steps during which the L2 norm of "
                   "the action's rate of change is below 0.01 units/s (by default).",
     .min = 0,
     .max = 1,
     .hist_lo = 0,
     .hist_hi = 1},
};

constexpr FeatureSpec kImuSpecs[] = {
    {.name = "samples",
     .unit = "1",
     .definition = "Number of Imu messages used in the episode.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e7},
    {.name = "skipped",
     .unit = "1",
     .definition =
         "Number of Imu messages left out: a non-finite linear acceleration or angular velocity.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "non_monotonic",
     .unit = "1",
     .definition = "Number of Imu messages whose log time is not after the previous one's; they "
                   "are left out of derivatives and time-weighted values.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "nominal_rate_hz",
     .unit = "Hz",
     .definition = "Sample rate the vibration filters assume: (n - 1) / (t_last - t_first) "
                   "over the first 256 samples.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e4},
    {.name = "gyro_rms",
     .unit = "rad/s",
     .definition = "Root mean square of the angular-velocity magnitude over all samples.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 10},
    {.name = "vib_low_rms",
     .unit = "m/s^2",
     .definition = "Root mean square of the linear-acceleration vector band-passed to "
                   "0.5-5 Hz (4th-order Butterworth high- and low-pass on the nominal rate, "
                   "started in steady state so gravity does not ring).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "vib_mid_rms",
     .unit = "m/s^2",
     .definition = "As vib_low_rms in the 5-20 Hz band; left out when 5 Hz is not below 0.45 "
                   "x the nominal rate, high-passed only when 20 Hz is not.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "vib_high_rms",
     .unit = "m/s^2",
     .definition = "As vib_low_rms from 20 Hz to Nyquist (high-pass only); left out when 20 Hz "
                   "is not below 0.45 x the nominal rate.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "vib_rms",
     .unit = "m/s^2",
     .definition = "Root mean square of the linear-acceleration vector high-passed at 0.5 Hz "
                   "(all vibration, gravity and slow motion removed).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "tilt_mean_deg",
     .unit = "deg",
     .definition = "Mean angle between the gravity direction (linear acceleration low-passed "
                   "at 0.5 Hz, 2nd-order Butterworth) and the sensor's +z axis; 0 when level "
                   "with z up, 180 when upside down.",
     .min = 0,
     .max = 180,
     .hist_lo = 0,
     .hist_hi = 180},
    {.name = "tilt_p90_deg",
     .unit = "deg",
     .definition = "90th percentile of the tilt angle of tilt_mean_deg (over a uniform sample "
                   "of 4096 values when there are more).",
     .min = 0,
     .max = 180,
     .hist_lo = 0,
     .hist_hi = 180},
};

constexpr FeatureSpec kRangeSpecs[] = {
    {.name = "scans",
     .unit = "1",
     .definition = "Number of LaserScan or PointCloud2 messages.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e6},
    {.name = "points_mean",
     .unit = "points",
     .definition = "Mean number of returns per scan or cloud (valid or not).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e7},
    {.name = "valid_fraction",
     .unit = "fraction",
     .definition = "Share of returns that are valid: finite and within [range_min, range_max] "
                   "for a LaserScan; finite x, y, z not all zero for a PointCloud2.",
     .min = 0,
     .max = 1,
     .hist_lo = 0,
     .hist_hi = 1},
    {.name = "range_p10",
     .unit = "m",
     .definition = "10th percentile of the range of valid returns over the episode (the scan "
                   "range, or the norm of (x, y, z) for clouds; over a uniform sample of 16384 "
                   "returns when there are more).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e3},
    {.name = "range_p50",
     .unit = "m",
     .definition = "Median range of valid returns, as range_p10.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e3},
    {.name = "range_p90",
     .unit = "m",
     .definition = "90th percentile of the range of valid returns, as range_p10.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e3},
};

constexpr FeatureSpec kOdometrySpecs[] = {
    {.name = "samples",
     .unit = "1",
     .definition = "Number of Odometry or PoseStamped messages used in the episode.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e7},
    {.name = "skipped",
     .unit = "1",
     .definition = "Number of Odometry or PoseStamped messages left out: a non-finite position.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "non_monotonic",
     .unit = "1",
     .definition = "Number of Odometry or PoseStamped messages whose log time is not after the "
                   "previous one's; they "
                   "are left out of derivatives and time-weighted values.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "speed_mean",
     .unit = "m/s",
     .definition = "Mean linear speed: the norm of the Odometry twist per message when any "
                   "message of the episode has a non-zero twist, else the distance between "
                   "consecutive positions over the time between them.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "speed_p90",
     .unit = "m/s",
     .definition = "90th percentile of the linear speeds of speed_mean (over a uniform sample "
                   "of 4096 values when there are more).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 1e2},
    {.name = "angular_speed_mean",
     .unit = "rad/s",
     .definition = "Mean angular speed: the norm of the twist's angular velocity, or (without "
                   "twist) the rotation angle between consecutive orientations over the time "
                   "between them.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-3,
     .hist_hi = 10},
    {.name = "path_length_m",
     .unit = "m",
     .definition = "Sum of the distances between consecutive positions (3-D).",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e5},
    {.name = "displacement_m",
     .unit = "m",
     .definition = "Distance between the first and the last position.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e5},
    {.name = "straightness",
     .unit = "fraction",
     .definition = "displacement_m / path_length_m: 1 for a straight path, near 0 for a path "
                   "that returns to its start; left out when the path length is 0.",
     .min = 0,
     .max = 1,
     .hist_lo = 0,
     .hist_hi = 1},
};

constexpr FeatureSpec kDepthSpecs[] = {
    {.name = "frames",
     .unit = "1",
     .definition = "Number of depth frames in the episode.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e6},
    {.name = "valid_fraction",
     .unit = "fraction",
     .definition = "Share of a frame's pixels with a valid depth (16UC1 / mono16: non-zero "
                   "millimetres; 32FC1: finite and positive metres).",
     .min = 0,
     .max = 1,
     .per_frame = true,
     .hist_lo = 0,
     .hist_hi = 1},
    {.name = "range_p10",
     .unit = "m",
     .definition = "10th percentile of a frame's valid depths (exact, linear interpolation "
                   "between order statistics).",
     .min = 0,
     .max = kInf,
     .per_frame = true,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e2},
    {.name = "range_p50",
     .unit = "m",
     .definition = "Median of a frame's valid depths.",
     .min = 0,
     .max = kInf,
     .per_frame = true,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e2},
    {.name = "range_p90",
     .unit = "m",
     .definition = "90th percentile of a frame's valid depths.",
     .min = 0,
     .max = kInf,
     .per_frame = true,
     .scale = kLog,
     .hist_lo = 1e-2,
     .hist_hi = 1e2},
    {.name = "near_occupancy",
     .unit = "fraction",
     .definition = "Share of a frame's valid pixels closer than near_m (0.5 m by default): an "
                   "occlusion proxy.",
     .min = 0,
     .max = 1,
     .per_frame = true,
     .hist_lo = 0,
     .hist_hi = 1},
};

constexpr FeatureSpec kTimingSpecs[] = {
    {.name = "messages",
     .unit = "1",
     .definition = "Messages in the episode over all streams.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1,
     .hist_hi = 1e9},
    {.name = "streams",
     .unit = "1",
     .definition = "Streams with at least one message in the episode.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "non_monotonic",
     .unit = "1",
     .definition = "Messages whose log time is earlier than the previous message of the same "
                   "stream (left out of the period statistics).",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "duration_s",
     .unit = "s",
     .definition = "Last minus first log time over all streams.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 0.1,
     .hist_hi = 1e5},
    {.name = "rate_hz",
     .unit = "Hz",
     .definition = "Messages over all streams divided by duration_s; left out when the "
                   "duration is 0.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 0.1,
     .hist_hi = 1e5},
    {.name = "max_gap_s",
     .unit = "s",
     .definition = "Largest time between consecutive messages of the same stream, over all "
                   "streams.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-4,
     .hist_hi = 1e4},
    {.name = "gap_count",
     .unit = "1",
     .definition = "Periods (time between consecutive messages of a stream) longer than 3 x "
                   "the stream's median period, summed over streams. Periods are binned 32 "
                   "bins per octave; a period in the bin that holds 3 x the median is not "
                   "counted.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 100},
    {.name = "jitter",
     .unit = "1",
     .definition = "Median over streams with at least 2 periods of std(period) / "
                   "median(period): 0 for perfectly regular streams.",
     .min = 0,
     .max = kInf,
     .scale = kLog,
     .hist_lo = 1e-4,
     .hist_hi = 10},
    {.name = "interventions",
     .unit = "1",
     .definition = "Interventions in the episode (from its attributes or an intervention "
                   "stream); left out when unknown.",
     .min = 0,
     .max = kInf,
     .hist_lo = 0,
     .hist_hi = 20},
};

}  // namespace

std::span<const FeatureSpec> joint_feature_specs() {
  return kJointSpecs;
}
std::span<const FeatureSpec> action_feature_specs() {
  return kActionSpecs;
}
std::span<const FeatureSpec> imu_feature_specs() {
  return kImuSpecs;
}
std::span<const FeatureSpec> range_feature_specs() {
  return kRangeSpecs;
}
std::span<const FeatureSpec> odometry_feature_specs() {
  return kOdometrySpecs;
}
std::span<const FeatureSpec> depth_feature_specs() {
  return kDepthSpecs;
}
std::span<const FeatureSpec> timing_feature_specs() {
  return kTimingSpecs;
}

}  // namespace parity::features
