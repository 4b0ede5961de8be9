// Features of non-image streams, one extractor per stream kind. Each takes the stream's
// messages of ONE episode in log-time order (typed, decoded by the episode driver) and returns
// the episode's values with finish(). Names are relative to the stream's role; the specs of
// every name an extractor may emit come from its *_feature_specs() function, whose definitions
// are the reference for what each value means (docs/features.md is generated from them).
//
// Time: log_time_ns of each message (header stamps are ignored: many recorders leave them 0).
// Derivatives use the actual time between samples; samples with a non-increasing time are
// skipped for derivatives and counted in "non_monotonic".
//
// Memory is bounded per stream whatever the episode's length: running sums, fixed-size
// reservoirs for percentiles (exact while the episode has no more samples than the reservoir
// holds, a uniform sample beyond), per-stream period histograms; DepthFeatureExtractor keeps
// one small record per frame. Values that cannot be computed (no samples, a zero denominator)
// are left out of finish()'s result, never NaN or infinite.
//
// Thread-safety: an extractor is used by one thread at a time; distinct extractors are
// independent. finish() is called once; the extractor is not reused afterwards.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/features/feature_spec.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::features {

namespace signal_detail {

// A uniform random sample of at most `capacity` values of a stream (Vitter's algorithm R with
// a fixed-seed splitmix64 generator, so results are reproducible). Holds every value while
// count() <= capacity.
class Reservoir {
 public:
  explicit Reservoir(std::size_t capacity);
  void add(double value);
  std::uint64_t count() const { return count_; }
  // The q-quantile (NumPy "linear") of the kept values; reorders them. Precondition: count() > 0.
  double quantile(double q);

 private:
  std::size_t capacity_;
  std::uint64_t count_ = 0;
  std::vector<double> values_;
  std::uint64_t random_state_ = 0x9e3779b97f4a7c15ULL;  // splitmix64
};

// Finite differences of a vector-valued signal on its actual sample times, shared by the joint
// and action extractors. A sample at time t_i with values p_i gives the first difference
// v_i = (p_i - p_{i-1}) / (t_i - t_{i-1}) at the midpoint m_i = (t_i + t_{i-1}) / 2, the
// second a_i = (v_i - v_{i-1}) / (m_i - m_{i-1}) and the third likewise from the a's.
// Squared values are summed over every dimension and sample (RMS = sqrt(sum / count)).
// Allocates only in reset(); add() never allocates.
class FiniteDifferences {
 public:
  // Starts over with `dims` dimensions.
  void reset(std::size_t dims);
  enum class Step : std::uint8_t {
    kFirst,         // the first sample: nothing to difference yet
    kRate,          // `rate` holds v_i; last_interval_s() is t_i - t_{i-1}
    kNonMonotonic,  // time not after the previous accepted sample's: ignored entirely
  };
  // Adds one sample. Preconditions: values.size() == rate.size() == dims.
  Step add(std::int64_t time_ns, std::span<const double> values, std::span<double> rate);
  double last_interval_s() const { return last_interval_s_; }

  std::uint64_t first_count() const { return first_count_; }  // v_i computed
  double first_sum_sq() const { return first_sum_sq_; }
  std::uint64_t second_count() const { return second_count_; }
  double second_sum_sq() const { return second_sum_sq_; }
  std::uint64_t third_count() const { return third_count_; }
  double third_sum_sq() const { return third_sum_sq_; }

 private:
  std::size_t dims_ = 0;
  std::uint64_t samples_ = 0;  // accepted samples
  std::int64_t first_time_ns_ = 0, last_time_ns_ = 0;
  double last_interval_s_ = 0;
  // Times of the last first and second differences, s after first_time_ns_.
  double last_mid_s_ = 0, last_mid2_s_ = 0;
  std::vector<double> last_value_, last_first_, last_second_;
  std::uint64_t first_count_ = 0, second_count_ = 0, third_count_ = 0;
  double first_sum_sq_ = 0, second_sum_sq_ = 0, third_sum_sq_ = 0;
};

// A second-order IIR section (transposed direct form II), coefficients normalised by a0.
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
  double s1 = 0, s2 = 0;  // state
  double step(double x) {
    const double y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    return y;
  }
  // Sets the state to the steady state for a constant input `x`; returns the steady output.
  double settle(double x);
};

// RBJ cookbook (bilinear transform, pre-warped) low- and high-pass sections at `cutoff_hz` for
// a sample rate `rate_hz`, quality factor `q`. Precondition: 0 < cutoff_hz < rate_hz / 2.
Biquad low_pass(double cutoff_hz, double rate_hz, double q);
Biquad high_pass(double cutoff_hz, double rate_hz, double q);

// Lower-case ASCII letters and digits are kept, upper-case letters are lowered, every other run
// of bytes becomes one '_'; leading and trailing '_' are dropped. "" for a name with no letter
// or digit.
std::string sanitize_name(std::string_view name);

}  // namespace signal_detail

// ------------------------------------------------------------------------------------ joints

struct JointFeatureOptions {
  // A sample is idle when the L2 norm of the joint velocities (all joints) is below this, rad/s
  // (m/s for prismatic joints).
  double idle_speed = 0.01;
  // A gripper stroke counts as an event once the position has moved this far (rad or m) from
  // the last turning point in the new direction.
  double gripper_hysteresis = 0.01;
  // Per-joint features ("<joint>.range") for at most this many joints; beyond, only aggregates.
  std::size_t max_named_joints = 64;
};

// Joint states (role "joints"): per-joint range (sanitised joint names, at most 64 joints named,
// beyond that only aggregates), velocity / acceleration / jerk RMS (velocity from the message when
// present, else from differentiated positions), effort statistics, gripper open/close events
// (joints whose name contains "gripper", or none), idle fraction (samples whose speed over all
// joints stays below a threshold).
//
// The joints are those of the first message with a non-empty position array (names from its
// `name` array when it has one entry per position, sanitised; "joint_<i>" for a missing or empty
// name, "<name>_<i>" for a repeated one). Later messages whose
// position count differs, or with a non-finite position, are skipped and counted ("skipped").
// Names are not compared after the first message. A velocity or effort array is used in a
// message only when it has one finite entry per joint. add() allocates nothing once the first
// message has been seen.
class JointFeatureExtractor {
 public:
  explicit JointFeatureExtractor(const JointFeatureOptions& options = {});
  void add(std::int64_t log_time_ns, const ros2::JointState& state);
  FeatureValues finish();

 private:
  void start(const ros2::JointState& state);

  JointFeatureOptions options_;
  std::size_t joints_ = 0;  // 0 until the first message with positions
  std::vector<std::string> names_;
  std::vector<double> min_, max_;
  std::vector<double> rate_;  // scratch: differenced velocities of the last sample
  signal_detail::FiniteDifferences differences_;
  std::uint64_t samples_ = 0, skipped_ = 0, non_monotonic_ = 0;
  // Velocity from the messages (used when every accepted sample had one).
  std::uint64_t message_velocity_samples_ = 0, message_velocity_count_ = 0;
  double message_velocity_sum_sq_ = 0;
  // Effort.
  std::uint64_t effort_count_ = 0;
  double effort_sum_sq_ = 0, effort_max_abs_ = 0;
  // Idle time: intervals between accepted samples, s.
  double idle_s_ = 0, interval_s_ = 0;
  // Gripper strokes, one state per gripper joint.
  struct Gripper {
    std::size_t joint = 0;
    int direction = 0;         // +1 opening (increasing), -1 closing, 0 before the first stroke
    double low = 0, high = 0;  // extremes since the last turning point (or since the start)
    std::uint64_t events = 0;
  };
  std::vector<Gripper> grippers_;
};
std::span<const FeatureSpec> joint_feature_specs();

// ------------------------------------------------------------------------------------ action

struct ActionFeatureOptions {
  // A step is idle when the L2 norm of the action's rate of change is below this, per second.
  double idle_rate = 0.01;
};

// Commands (role "action"): a vector per step (joint targets, end-effector deltas, gripper):
// per-dimension range aggregates, rate of change RMS, smoothness (RMS of the second difference
// per second squared), idle fraction.
//
// The dimension count is the first non-empty vector's; vectors of another size, or with a
// non-finite entry, are skipped and counted ("skipped"). add() allocates nothing after the
// first vector.
class ActionFeatureExtractor {
 public:
  explicit ActionFeatureExtractor(const ActionFeatureOptions& options = {});
  void add(std::int64_t log_time_ns, std::span<const double> values);
  FeatureValues finish();

 private:
  ActionFeatureOptions options_;
  std::size_t dims_ = 0;
  std::vector<double> min_, max_, rate_;
  signal_detail::FiniteDifferences differences_;
  std::uint64_t samples_ = 0, skipped_ = 0, non_monotonic_ = 0;
  double idle_s_ = 0, interval_s_ = 0;  // idle time and time between accepted samples, s
};
std::span<const FeatureSpec> action_feature_specs();

// --------------------------------------------------------------------------------------- imu

struct ImuFeatureOptions {
  // Sample rate the filters are designed for, Hz; 0: estimated from the first
  // kImuRateWindow samples as (count - 1) / (last time - first time).
  double nominal_rate_hz = 0;
  std::size_t tilt_reservoir = 4096;  // tilt samples kept for tilt_p90_deg
};

// Samples buffered to estimate the nominal rate before filtering starts.
inline constexpr std::size_t kImuRateWindow = 256;

// IMU (role "imu"): vibration RMS of linear acceleration (gravity removed by a high-pass) in
// frequency bands, angular-rate RMS, tilt from gravity (mean and p90, degrees).
//
// The filters run on the sample sequence as if it were uniformly sampled at the nominal rate
// (timestamp jitter and dropouts are ignored). Every filter starts in its steady state for the
// first sample, so gravity does not ring through the high-passes. Bands (Butterworth, 4th-order
// high-pass at the lower and 4th-order low-pass at the upper edge): vib_low 0.5-5 Hz, vib_mid
// 5-20 Hz, vib_high 20 Hz-Nyquist, vib 0.5 Hz-Nyquist; a band whose lower edge is not below
// 0.45 x the rate is left out, one whose upper edge is has no low-pass. Samples with a
// non-finite acceleration or angular velocity are skipped ("skipped").
class ImuFeatureExtractor {
 public:
  explicit ImuFeatureExtractor(const ImuFeatureOptions& options = {});
  void add(std::int64_t log_time_ns, const ros2::Imu& imu);
  FeatureValues finish();

 private:
  struct Sample {
    std::int64_t time_ns;
    std::array<double, 3> acc;
  };
  struct Band {
    double low_hz, high_hz;  // high_hz 0: up to Nyquist
    bool active = false;
    // Per axis: two high-pass then (optionally) two low-pass sections.
    std::array<std::array<signal_detail::Biquad, 4>, 3> sections{};
    int section_count = 0;
    double sum_sq = 0;
  };
  void design(double rate_hz);
  void process(const std::array<double, 3>& acc);

  ImuFeatureOptions options_;
  std::vector<Sample> window_;  // samples before the filters are designed
  bool designed_ = false;
  double rate_hz_ = 0;
  std::array<Band, 4> bands_{};
  std::array<signal_detail::Biquad, 3> gravity_{};  // per-axis low-pass for the gravity direction
  std::uint64_t band_samples_ = 0;                  // samples through the designed filters
  signal_detail::Reservoir tilt_;
  double tilt_sum_deg_ = 0;
  double gyro_sum_sq_ = 0;
  std::uint64_t samples_ = 0, skipped_ = 0, non_monotonic_ = 0;
  std::int64_t last_time_ns_ = 0;
};
std::span<const FeatureSpec> imu_feature_specs();

// ------------------------------------------------------------------------------ lidar / scan

struct RangeFeatureOptions {
  std::size_t range_reservoir = 16384;  // valid ranges kept for the percentiles
};

// Range sensors (role "lidar" or "scan"): point counts per scan/cloud, range percentiles of
// valid returns, valid-return fraction. A LaserScan return is valid when finite and within
// [range_min, range_max]; a PointCloud2 point when x, y and z are finite and not all zero
// (many drivers write (0, 0, 0) for "no return"); its range is the norm of (x, y, z).
class RangeFeatureExtractor {
 public:
  explicit RangeFeatureExtractor(const RangeFeatureOptions& options = {});
  void add(std::int64_t log_time_ns, const ros2::LaserScan& scan);
  // Errors (the cloud is then not counted): those of ros2::PointFieldReader::create() for "x",
  // "y" or "z": kNotFound (no such field), kCorrupt (layout inconsistent with the data).
  Status add(std::int64_t log_time_ns, const ros2::PointCloud2& cloud);
  FeatureValues finish();

 private:
  void add_range(double range);
  std::uint64_t scans_ = 0, points_ = 0, valid_ = 0;
  signal_detail::Reservoir ranges_;
};
std::span<const FeatureSpec> range_feature_specs();

// ----------------------------------------------------------------------------- odometry/pose

struct OdometryFeatureOptions {
  std::size_t speed_reservoir = 4096;  // speed samples kept for speed_p90
};

// Odometry and poses (role "odometry", "pose"): speed statistics, angular speed, path length,
// net displacement, path straightness. Speeds come from the Odometry twist when any message of
// the episode has a non-zero twist, else from differentiated positions and orientations.
// Messages with a non-finite position are skipped ("skipped").
class OdometryFeatureExtractor {
 public:
  explicit OdometryFeatureExtractor(const OdometryFeatureOptions& options = {});
  void add(std::int64_t log_time_ns, const ros2::Odometry& odometry);
  void add(std::int64_t log_time_ns, const ros2::PoseStamped& pose);
  FeatureValues finish();

 private:
  void add_pose(std::int64_t log_time_ns, const ros2::Pose& pose, const ros2::Twist* twist);

  std::uint64_t samples_ = 0, skipped_ = 0, non_monotonic_ = 0;
  bool has_last_ = false;
  std::int64_t last_time_ns_ = 0;
  ros2::Point first_{}, last_{};
  ros2::Quaternion last_orientation_{};
  double path_m_ = 0;
  // Differentiated speeds (between consecutive samples) and twist speeds (per message).
  signal_detail::Reservoir diff_speed_, twist_speed_;
  double diff_speed_sum_ = 0, diff_angular_sum_ = 0;
  std::uint64_t diff_angular_count_ = 0;
  double twist_speed_sum_ = 0, twist_angular_sum_ = 0;
  bool twist_seen_ = false;  // a non-zero twist
};
std::span<const FeatureSpec> odometry_feature_specs();

// ------------------------------------------------------------------------------------- depth

// Depth images (role "depth/*"): 16UC1 / mono16 in millimetres, 32FC1 in metres; 0, NaN and
// infinities are invalid. Valid-pixel fraction, range percentiles (m), near-field occupancy
// (fraction of valid pixels closer than near_m). Per-frame values are aggregated per episode
// with append_frame_aggregates() (".mean", ".std", ".p10", ".p50", ".p90").
class DepthFeatureExtractor {
 public:
  explicit DepthFeatureExtractor(double near_m = 0.5);
  // Errors (the frame is then not counted): kUnsupported (another encoding: the message names
  // it), kCorrupt (step shorter than a row, or data shorter than the rows need: the message
  // gives both sizes).
  Status add(std::int64_t log_time_ns, const ros2::Image& depth);
  FeatureValues finish();

 private:
  struct Frame {
    double valid_fraction = 0;
    double p10 = 0, p50 = 0, p90 = 0, near = 0;  // NaN when the frame has no valid pixel
  };
  double near_m_;
  std::vector<Frame> frames_;
  std::vector<std::uint32_t> histogram_;  // 16-bit depths: count per millimetre value
  std::vector<double> values_;            // 32FC1: valid depths of the current frame
};
std::span<const FeatureSpec> depth_feature_specs();

// ------------------------------------------------------------------------------------ timing

// Timing of every stream of the episode (role "episode", names "<stream-kind>..." collapse into
// episode-level values): duration, message rates, gaps and timestamp jitter.
//
// Per stream the periods (time between consecutive messages) go into a histogram of 32 bins
// per octave from 1 us to ~1.2 days (each bin also sums its periods): the median period is the
// mean period of the bin holding the median rank (exact for a perfectly regular stream, within
// one bin, ~2.2 %, otherwise); gap_count counts the periods in bins wholly above 3 x the median.
// Negative periods (messages out of log-time order) are counted in "non_monotonic" only.
class TimingFeatureExtractor {
 public:
  // `stream` is the stream's index in the episode (any dense small integer).
  void add(std::uint32_t stream, std::int64_t log_time_ns);
  // Interventions known for the episode (from its attributes or an intervention stream).
  void set_interventions(std::uint64_t count);
  FeatureValues finish();

 private:
  struct Stream {
    std::uint64_t messages = 0;
    std::int64_t first_ns = 0, last_ns = 0;  // first message; last in-order message
    std::int64_t min_ns = 0, max_ns = 0;
    double max_period_s = 0;
    std::uint64_t periods = 0;
    double period_mean = 0, period_m2 = 0;  // Welford: mean (s), sum of squared deviations
    std::vector<std::uint32_t> bin_count;   // empty until the first period
    std::vector<double> bin_sum;            // s
  };
  std::vector<Stream> streams_;
  std::uint64_t non_monotonic_ = 0;
  bool has_interventions_ = false;
  std::uint64_t interventions_ = 0;
};
std::span<const FeatureSpec> timing_feature_specs();

}  // namespace parity::features
