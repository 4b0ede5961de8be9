#include "parity/formats/video/video_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "formats/video/test/video_fixture.h"
#include "testing/testing.h"

namespace parity::video {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::AnyOf;
using testing::fixture_colour;
using testing::FixtureSpec;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::write_fixture;

// Real LeRobot videos under shared/data. The expected numbers below come from FFmpeg 5.1's
// ffprobe on these files:
//   ffprobe -v error -select_streams v:0 -count_frames -show_entries
//     stream=codec_name,codec_long_name,pix_fmt,width,height,avg_frame_rate,time_base,
//            start_time,duration,nb_frames,nb_read_frames <file>
//   ffprobe -v error -select_streams v:0 -show_frames
//     -show_entries frame=key_frame,pts,best_effort_timestamp -of csv=p=0 <file>
// All three: 640x480 yuv420p, 30/1 fps, time base 1/15360, start 0, every frame's pts (and
// best_effort_timestamp) = 512 * index, no reordering (pts == dts). Keyframes: every 2nd frame
// in the G1 AV1 files, every 12th in the open50 MPEG-4 file.
constexpr char kG1Episode1[] =
    "lerobot/v2.1-unitree-g1/videos/chunk-000/observation.images.cam_high/episode_000001.mp4";
constexpr char kG1Episode2[] =
    "lerobot/v2.1-unitree-g1/videos/chunk-000/observation.images.cam_high/episode_000002.mp4";
constexpr char kOpen50[] = "lerobot/v3.0-lingzu-open50/video/image/chunk-000/file-000.mp4";
constexpr char kMp4Container[] = "mov,mp4,m4a,3gp,3g2,mj2";
constexpr std::int64_t kPtsPerFrame = 512;  // 15360 / 30

std::unique_ptr<VideoReader> open_or_die(const fs::path& path, VideoReaderOptions options = {}) {
  auto reader = VideoReader::open(path, options);
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  if (!reader.ok()) return nullptr;
  return std::move(reader).value();
}

std::vector<VideoFrame> read_all(VideoReader& reader) {
  std::vector<VideoFrame> frames;
  VideoFrame frame;
  while (true) {
    auto more = reader.next(frame);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    frames.push_back(frame);
  }
  return frames;
}

double mean_abs_diff(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  EXPECT_EQ(a.size(), b.size());
  if (a.size() != b.size() || a.empty()) return 1e9;
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(int{a[i]} - int{b[i]});
  return sum / static_cast<double>(a.size());
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs a shell command and returns its standard output.
std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  pclose(pipe);
  return output;
}

bool have_ffmpeg() {
  static const bool present =
      run("ffmpeg -hide_banner -version 2>/dev/null").rfind("ffmpeg version", 0) == 0;
  return present;
}

// Frame `index` (in presentation order) of `path` as the ffmpeg CLI decodes it, converted to
// `pix_fmt` ("rgb24" or "gray"), with `extra` options before the output (e.g. -sws_flags).
std::vector<std::uint8_t> ffmpeg_frame(const fs::path& path, int index, const char* pix_fmt,
                                       const char* extra = "") {
  const std::string command = fmt::format(
      "ffmpeg -v error -nostdin -threads 1 -i {} -vf 'select=eq(n\\,{})' -fps_mode passthrough "
      "-frames:v 1 {} -pix_fmt {} -f rawvideo - 2>/dev/null",
      shell_quote(path.string()), index, extra, pix_fmt);
  const std::string output = run(command);
  return {output.begin(), output.end()};
}

// The key_frame flag of every frame of `path` as ffprobe decodes it; empty without ffprobe.
std::vector<bool> ffprobe_key_flags(const fs::path& path) {
  std::vector<bool> flags;
  if (!have_ffmpeg()) return flags;
  const std::string output =
      run("ffprobe -v error -select_streams v:0 -show_frames -show_entries frame=key_frame "
          "-of csv=p=0 " +
          shell_quote(path.string()) + " 2>/dev/null");
  for (const char c : output) {
    if (c == '0' || c == '1') flags.push_back(c == '1');
  }
  return flags;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---------------------------------------------------------------------------------------------
// Real files: stream parameters, every frame's time, keyframes, pixels against the ffmpeg CLI.

struct RealVideo {
  const char* relative;
  const char* codec;
  const char* codec_long_name;
  std::int64_t frames;    // nb_frames == nb_read_frames
  double duration_s;      // stream duration
  int keyframe_interval;  // frames
};

class RealVideoTest : public ::testing::TestWithParam<RealVideo> {};

TEST_P(RealVideoTest, ProbeMatchesFfprobe) {
  const RealVideo& expected = GetParam();
  PARITY_REQUIRE_SHARED_DATA(path, expected.relative);
  auto info = probe_video(path);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->container, kMp4Container);
  EXPECT_EQ(info->codec, expected.codec);
  EXPECT_EQ(info->codec_long_name, expected.codec_long_name);
  EXPECT_EQ(info->pixel_format, "yuv420p");
  EXPECT_EQ(info->width, 640);
  EXPECT_EQ(info->height, 480);
  EXPECT_DOUBLE_EQ(info->frame_rate_hz, 30.0);
  EXPECT_DOUBLE_EQ(info->start_s, 0.0);
  EXPECT_NEAR(info->duration_s, expected.duration_s, 1e-9);
  EXPECT_EQ(info->frame_count, expected.frames);
  EXPECT_EQ(info->time_base_num, 1);
  EXPECT_EQ(info->time_base_den, 15360);
  if (std::string(expected.codec) == "av1") {
    EXPECT_THAT(info->decoder, AnyOf("libdav1d", "libaom-av1"));
  } else {
    EXPECT_EQ(info->decoder, "mpeg4");
  }
}

TEST_P(RealVideoTest, EveryFrameHasFfprobesTimeAndKeyFlag) {
  const RealVideo& expected = GetParam();
  PARITY_REQUIRE_SHARED_DATA(path, expected.relative);
  auto reader = open_or_die(path);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->info().frame_count, expected.frames);
  VideoFrame frame;
  std::int64_t index = 0;
  while (true) {
    auto more = reader->next(frame);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    ASSERT_EQ(frame.pts, kPtsPerFrame * index) << "frame " << index;
    ASSERT_NEAR(frame.pts_s, static_cast<double>(index) / 30.0, 1e-12) << "frame " << index;
    ASSERT_EQ(frame.key_frame, index % expected.keyframe_interval == 0) << "frame " << index;
    ASSERT_EQ(frame.width, 640);
    ASSERT_EQ(frame.height, 480);
    ASSERT_EQ(frame.layout, PixelLayout::kRgb24);
    ASSERT_EQ(frame.pixels.size(), 640u * 480u * 3u);
    ASSERT_FALSE(frame.concealed);
    ++index;
  }
  EXPECT_EQ(index, expected.frames);
  EXPECT_EQ(reader->skipped_packets(), 0u);
  EXPECT_EQ(reader->concealed_frames(), 0u);
  // The end stays the end.
  auto again = reader->next(frame);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_P(RealVideoTest, PixelsMatchTheFfmpegCli) {
  const RealVideo& expected = GetParam();
  PARITY_REQUIRE_SHARED_DATA(path, expected.relative);
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not installed";
  for (const PixelLayout layout : {PixelLayout::kRgb24, PixelLayout::kGray8}) {
    VideoReaderOptions options;
    options.layout = layout;
    auto reader = open_or_die(path, options);
    ASSERT_NE(reader, nullptr);
    VideoFrame frame;
    // A keyframe-distant frame (mid-GOP in both codecs' GOP structures).
    constexpr int kIndex = 17;
    for (int i = 0; i <= kIndex; ++i) {
      auto more = reader->next(frame);
      ASSERT_TRUE(more.ok() && *more) << i;
    }
    const auto reference =
        ffmpeg_frame(path, kIndex, layout == PixelLayout::kRgb24 ? "rgb24" : "gray");
    ASSERT_EQ(reference.size(), frame.pixels.size());
    // Same decoder, same libswscale conversion (bicubic, BT.601 limited range): the bytes
    // agree exactly on this machine; the mean difference says how far off they are if not.
    EXPECT_LT(mean_abs_diff(frame.pixels, reference), 0.5);
    EXPECT_EQ(frame.pixels, reference);
  }
}

INSTANTIATE_TEST_SUITE_P(
    LeRobot, RealVideoTest,
    ::testing::Values(RealVideo{kG1Episode1, "av1", "Alliance for Open Media AV1", 393, 13.1, 2},
                      RealVideo{kG1Episode2, "av1", "Alliance for Open Media AV1", 343,
                                11.433333333333334, 2},
                      RealVideo{kOpen50, "mpeg4", "MPEG-4 part 2", 427, 14.233333333333333, 12}),
    [](const ::testing::TestParamInfo<RealVideo>& param) {
      return std::string(param.param.codec) + "_" + std::to_string(param.param.frames);
    });

// ---------------------------------------------------------------------------------------------
// Seeking in real files.

// Decodes every frame of `path` once (or the first `limit`), for comparison with frames
// reached by seeking.
std::vector<VideoFrame> all_frames(const fs::path& path, std::size_t limit = SIZE_MAX) {
  std::vector<VideoFrame> frames;
  auto reader = open_or_die(path);
  if (reader == nullptr) return frames;
  VideoFrame frame;
  while (frames.size() < limit) {
    auto more = reader->next(frame);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    frames.push_back(frame);
  }
  return frames;
}

void expect_next_is(VideoReader& reader, const std::vector<VideoFrame>& all, std::int64_t index) {
  VideoFrame frame;
  auto more = reader.next(frame);
  ASSERT_TRUE(more.ok()) << more.status().to_string();
  ASSERT_TRUE(*more) << "expected frame " << index << ", got the end";
  EXPECT_EQ(frame.pts, kPtsPerFrame * index);
  ASSERT_LT(static_cast<std::size_t>(index), all.size());
  EXPECT_EQ(frame.pixels, all[static_cast<std::size_t>(index)].pixels) << "frame " << index;
}

TEST(VideoSeekTest, Mpeg4SeekLandsOnTheFrameAtThatTimeMidGop) {
  PARITY_REQUIRE_SHARED_DATA(path, kOpen50);
  const auto all = all_frames(path);
  ASSERT_EQ(all.size(), 427u);
  auto reader = open_or_die(path);
  ASSERT_NE(reader, nullptr);
  // Keyframes at multiples of 12: 17 and 23 are mid-GOP, 24 is a keyframe.
  for (const std::int64_t index : {17, 23, 24, 5, 0, 425, 200, 13}) {
    ASSERT_TRUE(reader->seek(static_cast<double>(index) / 30.0).ok());
    expect_next_is(*reader, all, index);
    expect_next_is(*reader, all, index + 1);
  }
}

TEST(VideoSeekTest, SeekBetweenFramesTakesTheNearestFrameOrTheNextOne) {
  PARITY_REQUIRE_SHARED_DATA(path, kOpen50);
  const auto all = all_frames(path, 41);
  auto reader = open_or_die(path);
  ASSERT_NE(reader, nullptr);
  // 40% of a period after frame 30: within half a period, frame 30.
  ASSERT_TRUE(reader->seek(30.4 / 30.0).ok());
  expect_next_is(*reader, all, 30);
  // 60% after frame 30: frame 31 is the first frame at or after t - half a period.
  ASSERT_TRUE(reader->seek(30.6 / 30.0).ok());
  expect_next_is(*reader, all, 31);
  // Exactly half a period after frame 39: frame 39 is still within half a period.
  ASSERT_TRUE(reader->seek(39.5 / 30.0).ok());
  expect_next_is(*reader, all, 39);
}

TEST(VideoSeekTest, Av1SeekForwardBackwardAndStride) {
  PARITY_REQUIRE_SHARED_DATA(path, kG1Episode1);
  const auto all = all_frames(path);
  ASSERT_EQ(all.size(), 393u);
  auto reader = open_or_die(path);
  ASSERT_NE(reader, nullptr);
  // Stride-style sampling: seek to every 50th frame, read 3 frames each (odd indices are
  // mid-GOP: keyframes are every 2nd frame).
  for (std::int64_t start = 1; start < 393; start += 50) {
    ASSERT_TRUE(reader->seek(static_cast<double>(start) / 30.0).ok());
    for (std::int64_t k = 0; k < 3 && start + k < 393; ++k) expect_next_is(*reader, all, start + k);
  }
  // Backwards.
  ASSERT_TRUE(reader->seek(7.0 / 30.0).ok());
  expect_next_is(*reader, all, 7);
  ASSERT_TRUE(reader->seek(0.0).ok());
  expect_next_is(*reader, all, 0);
}

TEST(VideoSeekTest, OutOfRangeTimes) {
  PARITY_REQUIRE_SHARED_DATA(path, kG1Episode2);
  auto reader = open_or_die(path);
  ASSERT_NE(reader, nullptr);
  VideoFrame frame;
  // Before the start: the first frame.
  ASSERT_TRUE(reader->seek(-3.0).ok());
  auto more = reader->next(frame);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(frame.pts, 0);
  // The last frame (342), then the end.
  ASSERT_TRUE(reader->seek(342.0 / 30.0).ok());
  more = reader->next(frame);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(frame.pts, 342 * kPtsPerFrame);
  more = reader->next(frame);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  // Past the end: no frame.
  ASSERT_TRUE(reader->seek(1000.0).ok());
  more = reader->next(frame);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  // Not a time.
  const Status nan_status = reader->seek(std::nan(""));
  EXPECT_EQ(nan_status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(nan_status.message(), HasSubstr("non-finite"));
  // And the reader still works afterwards.
  ASSERT_TRUE(reader->seek(1.0).ok());
  more = reader->next(frame);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(frame.pts, 30 * kPtsPerFrame);
}

TEST(VideoReaderTest, ThreadedDecodingGivesTheSameFrames) {
  PARITY_REQUIRE_SHARED_DATA(path, kG1Episode1);
  VideoReaderOptions threaded;
  threaded.threads = 0;
  auto single = open_or_die(path);
  auto multi = open_or_die(path, threaded);
  ASSERT_NE(single, nullptr);
  ASSERT_NE(multi, nullptr);
  VideoFrame a;
  VideoFrame b;
  for (int i = 0; i < 60; ++i) {
    auto more_a = single->next(a);
    auto more_b = multi->next(b);
    ASSERT_TRUE(more_a.ok() && *more_a && more_b.ok() && *more_b);
    ASSERT_EQ(a.pts, b.pts);
    ASSERT_EQ(a.pixels, b.pixels) << "frame " << i;
  }
}

TEST(VideoReaderTest, MaxSideDownscalesKeepingTheAspect) {
  PARITY_REQUIRE_SHARED_DATA(path, kOpen50);
  VideoReaderOptions options;
  options.max_side = 160;
  auto small = open_or_die(path, options);
  auto full = open_or_die(path);
  ASSERT_NE(small, nullptr);
  ASSERT_NE(full, nullptr);
  VideoFrame s;
  VideoFrame f;
  ASSERT_TRUE(*small->next(s));
  ASSERT_TRUE(*full->next(f));
  EXPECT_EQ(s.width, 160);
  EXPECT_EQ(s.height, 120);
  ASSERT_EQ(s.pixels.size(), 160u * 120u * 3u);
  // Area downscaling by 4: each output pixel is the mean of a 4x4 block of the full frame.
  std::vector<std::uint8_t> boxed(s.pixels.size());
  for (int y = 0; y < 120; ++y) {
    for (int x = 0; x < 160; ++x) {
      for (int c = 0; c < 3; ++c) {
        int sum = 0;
        for (int dy = 0; dy < 4; ++dy) {
          for (int dx = 0; dx < 4; ++dx) {
            sum += f.pixels[((y * 4 + dy) * 640 + x * 4 + dx) * 3 + c];
          }
        }
        boxed[(y * 160 + x) * 3 + c] = static_cast<std::uint8_t>((sum + 8) / 16);
      }
    }
  }
  EXPECT_LT(mean_abs_diff(s.pixels, boxed), 1.5);
  // A max_side above the frame size changes nothing.
  options.max_side = 2000;
  auto same = open_or_die(path, options);
  ASSERT_NE(same, nullptr);
  ASSERT_TRUE(*same->next(s));
  EXPECT_EQ(s.width, 640);
  EXPECT_EQ(s.pixels, f.pixels);
}

// Halving a 4:2:0 picture takes the one-pass path (yuv420_half.h): exact BT.601, so it matches
// the ffmpeg CLI's accurate conversion (accurate_rnd + full_chroma_int) averaged over 2x2 blocks,
// with no bias. (libswscale's default conversion, used at other sizes, reads about one level
// darker: docs/formats/video.md.)
TEST(VideoReaderTest, HalvingMatchesTheAccurateFullSizeConversionAveraged) {
  PARITY_REQUIRE_SHARED_DATA(path, kG1Episode1);
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not installed";
  VideoReaderOptions options;
  options.max_side = 320;
  auto reader = open_or_die(path, options);
  ASSERT_NE(reader, nullptr);
  VideoFrame half;
  constexpr int kIndex = 17;
  for (int i = 0; i <= kIndex; ++i) ASSERT_TRUE(*reader->next(half)) << i;
  ASSERT_EQ(half.width, 320);
  ASSERT_EQ(half.height, 240);
  const auto full =
      ffmpeg_frame(path, kIndex, "rgb24", "-sws_flags bicubic+accurate_rnd+full_chroma_int");
  ASSERT_EQ(full.size(), 640u * 480u * 3u);
  std::vector<std::uint8_t> boxed(half.pixels.size());
  double bias[3] = {0, 0, 0};
  for (int y = 0; y < 240; ++y) {
    for (int x = 0; x < 320; ++x) {
      for (int c = 0; c < 3; ++c) {
        int sum = 0;
        for (int dy = 0; dy < 2; ++dy) {
          for (int dx = 0; dx < 2; ++dx) sum += full[((y * 2 + dy) * 640 + x * 2 + dx) * 3 + c];
        }
        const std::size_t at = (static_cast<std::size_t>(y) * 320 + x) * 3 + c;
        boxed[at] = static_cast<std::uint8_t>((sum + 2) / 4);
        bias[c] += int{half.pixels[at]} - int{boxed[at]};
      }
    }
  }
  EXPECT_LT(mean_abs_diff(half.pixels, boxed), 1.0);
  // Measured +0.14 per channel: averaging before clipping keeps a block that straddles white
  // slightly brighter than averaging clipped pixels (the default conversion is off by ~1.0).
  for (int c = 0; c < 3; ++c) {
    EXPECT_LT(std::abs(bias[c] / (320.0 * 240.0)), 0.25) << "channel " << c;
  }
}

// ---------------------------------------------------------------------------------------------
// Generated fixtures: solid frames of known colour.

struct FixtureCase {
  std::string name;
  std::string extension;
  FixtureSpec spec;
};

class FixtureTest : public ::testing::TestWithParam<FixtureCase> {
 protected:
  void SetUp() override {
    path_ = dir_ / ("fixture" + GetParam().extension);
    const Status status = write_fixture(path_, GetParam().spec);
    if (status.code() == StatusCode::kUnsupported) GTEST_SKIP() << status.message();
    ASSERT_TRUE(status.ok()) << status.to_string();
  }

  // Checks that `frame` is fixture frame `index`: colour and time.
  void expect_fixture_frame(const VideoFrame& frame, int index) const {
    const FixtureSpec& spec = GetParam().spec;
    const int pts_index = spec.first_index + index;
    EXPECT_NEAR(frame.pts_s, static_cast<double>(pts_index) / spec.fps, 1e-9) << "frame " << index;
    const auto colour = fixture_colour(index);
    if (frame.layout == PixelLayout::kGray8) {
      const std::uint8_t gray = testing::expected_gray(colour);
      for (std::size_t i = 0; i < frame.pixels.size(); ++i) {
        ASSERT_NEAR(frame.pixels[i], gray, 3) << "frame " << index << " byte " << i;
      }
      return;
    }
    std::uint8_t rgb[3];
    testing::expected_rgb(colour, rgb);
    for (std::size_t i = 0; i < frame.pixels.size(); ++i) {
      ASSERT_NEAR(frame.pixels[i], rgb[i % 3], 4) << "frame " << index << " byte " << i;
    }
  }

  ::parity::testing::TempDir dir_;
  fs::path path_;
};

TEST_P(FixtureTest, EveryFrameHasItsColourAndTime) {
  const FixtureSpec& spec = GetParam().spec;
  auto info = probe_video(path_);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->width, spec.width);
  EXPECT_EQ(info->height, spec.height);
  EXPECT_NEAR(info->frame_rate_hz, spec.fps, 1e-9);
  EXPECT_EQ(info->codec, spec.encoder == "libx264" ? "h264" : "mpeg4");
  // The keyframes as ffprobe reports them (with B-frames the encoder places them itself).
  const std::vector<bool> key_flags = ffprobe_key_flags(path_);
  if (have_ffmpeg()) {
    ASSERT_EQ(key_flags.size(), static_cast<std::size_t>(spec.frames));
    EXPECT_TRUE(key_flags[0]);
  }
  for (const PixelLayout layout : {PixelLayout::kRgb24, PixelLayout::kGray8}) {
    VideoReaderOptions options;
    options.layout = layout;
    auto reader = open_or_die(path_, options);
    ASSERT_NE(reader, nullptr);
    const auto frames = read_all(*reader);
    ASSERT_EQ(frames.size(), static_cast<std::size_t>(spec.frames));
    for (int i = 0; i < spec.frames; ++i) {
      const VideoFrame& frame = frames[static_cast<std::size_t>(i)];
      EXPECT_EQ(frame.width, spec.width);
      EXPECT_EQ(frame.height, spec.height);
      if (!key_flags.empty()) {
        EXPECT_EQ(frame.key_frame, key_flags[static_cast<std::size_t>(i)]) << "frame " << i;
      }
      expect_fixture_frame(frame, i);
    }
    EXPECT_EQ(reader->skipped_packets(), 0u);
  }
}

TEST_P(FixtureTest, SeekLandsOnEveryFrameInAnyOrder) {
  const FixtureSpec& spec = GetParam().spec;
  auto reader = open_or_die(path_);
  ASSERT_NE(reader, nullptr);
  std::vector<int> order(static_cast<std::size_t>(spec.frames));
  for (int i = 0; i < spec.frames; ++i) order[static_cast<std::size_t>(i)] = i;
  std::mt19937 rng(42);
  std::shuffle(order.begin(), order.end(), rng);
  VideoFrame frame;
  for (const int index : order) {
    const double t = static_cast<double>(spec.first_index + index) / spec.fps;
    ASSERT_TRUE(reader->seek(t).ok()) << "t=" << t;
    auto more = reader->next(frame);
    ASSERT_TRUE(more.ok() && *more) << "t=" << t;
    expect_fixture_frame(frame, index);
  }
}

TEST_P(FixtureTest, ThreadedAndDownscaled) {
  const FixtureSpec& spec = GetParam().spec;
  VideoReaderOptions options;
  options.threads = 0;
  options.max_side = spec.width / 2;
  auto reader = open_or_die(path_, options);
  ASSERT_NE(reader, nullptr);
  const auto frames = read_all(*reader);
  ASSERT_EQ(frames.size(), static_cast<std::size_t>(spec.frames));
  for (int i = 0; i < spec.frames; ++i) {
    const VideoFrame& frame = frames[static_cast<std::size_t>(i)];
    EXPECT_EQ(frame.width, spec.width / 2);
    EXPECT_EQ(frame.height,
              static_cast<int>(std::lround(spec.height * (spec.width / 2.0) / spec.width)));
    expect_fixture_frame(frame, i);
  }
}

FixtureSpec spec_with(const std::string& encoder, int max_b_frames, int width = 64, int height = 48,
                      int first_index = 0) {
  FixtureSpec spec;
  spec.encoder = encoder;
  spec.max_b_frames = max_b_frames;
  spec.width = width;
  spec.height = height;
  spec.first_index = first_index;
  return spec;
}

INSTANTIATE_TEST_SUITE_P(
    Generated, FixtureTest,
    ::testing::Values(FixtureCase{"mpeg4_mp4", ".mp4", spec_with("mpeg4", 0)},
                      FixtureCase{"mpeg4_bframes_mp4", ".mp4", spec_with("mpeg4", 2)},
                      FixtureCase{"mpeg4_mkv", ".mkv", spec_with("mpeg4", 0)},
                      FixtureCase{"mpeg4_bframes_mkv", ".mkv", spec_with("mpeg4", 2)},
                      FixtureCase{"mpeg4_odd_width_mp4", ".mp4", spec_with("mpeg4", 0, 66, 50)},
                      FixtureCase{"mpeg4_late_start_mkv", ".mkv", spec_with("mpeg4", 0, 64, 48, 7)},
                      FixtureCase{"h264_mp4", ".mp4", spec_with("libx264", 0)},
                      FixtureCase{"h264_bframes_mp4", ".mp4", spec_with("libx264", 3)},
                      FixtureCase{"h264_bframes_mkv", ".mkv", spec_with("libx264", 3)}),
    [](const ::testing::TestParamInfo<FixtureCase>& param) { return param.param.name; });

// ---------------------------------------------------------------------------------------------
// Errors and damage.

TEST(VideoErrorsTest, MissingFileIsNotFound) {
  ::parity::testing::TempDir dir;
  const fs::path path = dir / "absent.mp4";
  auto reader = VideoReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(), path.string() + ": no such file");
  EXPECT_EQ(probe_video(path).status().code(), StatusCode::kNotFound);
}

TEST(VideoErrorsTest, DirectoryIsAnIoError) {
  ::parity::testing::TempDir dir;
  auto reader = VideoReader::open(dir.path());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kIoError);
  EXPECT_THAT(reader.status().message(), HasSubstr("is a directory"));
}

TEST(VideoErrorsTest, BadOptionsAreInvalidArguments) {
  ::parity::testing::TempDir dir;
  VideoReaderOptions options;
  options.threads = -1;
  auto reader = VideoReader::open(dir / "x.mp4", options);
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(reader.status().message(), HasSubstr("threads must be >= 0, got -1"));
  options.threads = 1;
  options.max_side = -5;
  reader = VideoReader::open(dir / "x.mp4", options);
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(reader.status().message(), HasSubstr("max_side must be >= 0, got -5"));
}

TEST(VideoErrorsTest, EmptyAndRandomFilesAreCorrupt) {
  ::parity::testing::TempDir dir;
  write_bytes(dir / "empty.mp4", "");
  std::mt19937 rng(7);
  std::string noise(100000, '\0');
  for (char& c : noise) c = static_cast<char>(rng() & 0xFF);
  write_bytes(dir / "random.mp4", noise);
  for (const char* name : {"empty.mp4", "random.mp4"}) {
    const fs::path path = dir / name;
    auto reader = VideoReader::open(path);
    ASSERT_FALSE(reader.ok()) << name;
    EXPECT_EQ(reader.status().code(), StatusCode::kCorrupt) << name;
    EXPECT_THAT(reader.status().message(),
                StartsWith(path.string() + ": not a readable video container: "));
    EXPECT_THAT(reader.status().message(), HasSubstr("moov atom not found"));
    EXPECT_EQ(probe_video(path).status().code(), StatusCode::kCorrupt);
  }
}

TEST(VideoErrorsTest, AudioOnlyFileIsUnsupported) {
  // A 0.1 s mono 8 kHz 16-bit PCM WAV file (RIFF header, RFC 2361 / Microsoft WAVE layout).
  ::parity::testing::TempDir dir;
  const auto le32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
                       static_cast<char>((v >> 16) & 0xFF), static_cast<char>(v >> 24)};
  };
  const auto le16 = [](std::uint16_t v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
  };
  const std::uint32_t data_bytes = 1600;
  std::string wav = "RIFF" + le32(36 + data_bytes) + "WAVEfmt " + le32(16) + le16(1) + le16(1) +
                    le32(8000) + le32(16000) + le16(2) + le16(16) + "data" + le32(data_bytes) +
                    std::string(data_bytes, '\0');
  write_bytes(dir / "tone.wav", wav);
  auto reader = VideoReader::open(dir / "tone.wav");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(reader.status().message(),
            (dir / "tone.wav").string() + ": no video stream (1 streams: audio)");
}

TEST(VideoErrorsTest, TruncatedRealFileWithTheIndexAtTheEndIsCorrupt) {
  PARITY_REQUIRE_SHARED_DATA(source, kG1Episode1);
  // These LeRobot files keep their index (moov) after the media data: a truncated copy has
  // no index at all.
  ::parity::testing::TempDir dir;
  const std::string bytes = read_bytes(source);
  for (const std::size_t keep : {bytes.size() / 2, bytes.size() - 100, std::size_t{5000}}) {
    const fs::path path = dir / ("cut" + std::to_string(keep) + ".mp4");
    write_bytes(path, bytes.substr(0, keep));
    auto reader = VideoReader::open(path);
    ASSERT_FALSE(reader.ok()) << keep;
    EXPECT_EQ(reader.status().code(), StatusCode::kCorrupt) << keep;
    EXPECT_THAT(reader.status().message(),
                StartsWith(path.string() + ": not a readable video container: "));
  }
}

TEST(VideoErrorsTest, TruncatedFileWithTheIndexFirstDeliversWhatIsThereThenTruncated) {
  ::parity::testing::TempDir dir;
  FixtureSpec spec;
  spec.frames = 40;
  spec.faststart = true;  // moov before mdat
  const fs::path whole = dir / "whole.mp4";
  ASSERT_TRUE(write_fixture(whole, spec).ok());
  const std::string bytes = read_bytes(whole);
  const fs::path path = dir / "cut.mp4";
  write_bytes(path, bytes.substr(0, bytes.size() * 2 / 3));
  DiagnosticCollector diagnostics;
  VideoReaderOptions options;
  options.diagnostics = &diagnostics;
  auto reader = open_or_die(path, options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->info().frame_count, 40);
  VideoFrame frame;
  int delivered = 0;
  Status end;
  while (true) {
    auto more = reader->next(frame);
    if (!more.ok()) {
      end = more.status();
      break;
    }
    ASSERT_TRUE(*more) << "the end of a truncated file must not look like a clean end";
    ASSERT_NEAR(frame.pts_s, delivered / 25.0, 1e-9);
    ++delivered;
  }
  EXPECT_GT(delivered, 5);
  EXPECT_LT(delivered, 40);
  EXPECT_EQ(end.code(), StatusCode::kTruncated);
  EXPECT_THAT(
      end.message(),
      StartsWith(path.string() + ": file ends at byte " + std::to_string(bytes.size() * 2 / 3) +
                 " but its index lists packets up to byte " + std::to_string(bytes.size())));
  EXPECT_THAT(end.message(), HasSubstr(fmt::format("frames after t={:.6f} s are missing",
                                                   (delivered - 1) / 25.0)));
  // Asking again gives the same answer; seeking back still works.
  EXPECT_EQ(reader->next(frame).status().code(), StatusCode::kTruncated);
  ASSERT_TRUE(reader->seek(0.0).ok());
  auto first = reader->next(frame);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ(frame.pts, 0);
}

TEST(VideoErrorsTest, FlippedBytesAreCountedNeverACrash) {
  ::parity::testing::TempDir dir;
  FixtureSpec spec;
  spec.frames = 40;
  spec.width = 128;
  spec.height = 96;
  const fs::path whole = dir / "whole.mp4";
  ASSERT_TRUE(write_fixture(whole, spec).ok());
  std::string bytes = read_bytes(whole);
  // The media data sits between the 48-byte header (ftyp + free + mdat box headers) and the
  // trailing index; damage it, not the index.
  const std::size_t moov = bytes.rfind("moov");
  ASSERT_NE(moov, std::string::npos);
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    const std::size_t at = 48 + rng() % (moov - 4 - 48);
    bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + rng() % 255));
  }
  const fs::path path = dir / "flipped.mp4";
  write_bytes(path, bytes);
  DiagnosticCollector diagnostics;
  VideoReaderOptions options;
  options.diagnostics = &diagnostics;
  auto reader = open_or_die(path, options);
  ASSERT_NE(reader, nullptr);
  const auto frames = read_all(*reader);
  const std::uint64_t damaged = reader->skipped_packets() + reader->concealed_frames();
  EXPECT_GT(reader->concealed_frames(), 0u);  // MPEG-4 error resilience hides most damage
  EXPECT_EQ(diagnostics.count(Severity::kError), damaged);
  // Damaged headers can make the decoder drop a frame without an error; whatever comes out is
  // in order and on the fixture's time grid.
  EXPECT_LE(frames.size(), 40u);
  EXPECT_GT(frames.size(), 20u);
  for (std::size_t i = 1; i < frames.size(); ++i) EXPECT_GT(frames[i].pts, frames[i - 1].pts);
  for (const VideoFrame& frame : frames) {
    const double index = frame.pts_s * 25.0;
    EXPECT_NEAR(index, std::round(index), 1e-6);
  }
  EXPECT_EQ(static_cast<std::uint64_t>(std::count_if(
                frames.begin(), frames.end(), [](const VideoFrame& f) { return f.concealed; })),
            reader->concealed_frames());
  for (const Diagnostic& diagnostic : diagnostics.diagnostics()) {
    EXPECT_EQ(diagnostic.file, path.string());
    EXPECT_THAT(diagnostic.message,
                AnyOf(StartsWith("mpeg4 decoder rejected a "),
                      AllOf(StartsWith("mpeg4 decoder concealed damage in the frame at t="),
                            HasSubstr("(decode_error_flags 0x"))));
  }
}

TEST(VideoErrorsTest, RejectedAv1PacketsAreSkippedCountedAndReported) {
  PARITY_REQUIRE_SHARED_DATA(source, kG1Episode1);
  // 300 flipped bytes in the media data of the G1 video (ftyp 32 + free 8 + mdat header 8 =
  // 48 bytes before the first packet; the index follows the media data).
  std::string bytes = read_bytes(source);
  const std::size_t moov = bytes.rfind("moov");
  ASSERT_NE(moov, std::string::npos);
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    const std::size_t at = 48 + rng() % (moov - 4 - 48);
    bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + rng() % 255));
  }
  ::parity::testing::TempDir dir;
  const fs::path path = dir / "flipped.mp4";
  write_bytes(path, bytes);
  DiagnosticCollector diagnostics;
  VideoReaderOptions options;
  options.diagnostics = &diagnostics;
  auto reader = open_or_die(path, options);
  ASSERT_NE(reader, nullptr);
  const auto frames = read_all(*reader);
  // Single-threaded libdav1d either decodes a packet or rejects it: nothing is lost silently.
  EXPECT_GT(reader->skipped_packets(), 0u);
  EXPECT_GT(frames.size(), 0u);
  EXPECT_EQ(frames.size() + reader->skipped_packets(), 393u);
  EXPECT_EQ(diagnostics.count(Severity::kError), reader->skipped_packets());
  for (const VideoFrame& frame : frames) EXPECT_EQ(frame.pts % kPtsPerFrame, 0);
  const auto all = diagnostics.diagnostics();
  ASSERT_FALSE(all.empty());
  // The first packet sits at byte 48; whatever failed first, the report names a packet
  // offset inside the media data and the decoder's reason.
  EXPECT_EQ(all.front().file, path.string());
  ASSERT_TRUE(all.front().offset.has_value());
  EXPECT_GE(*all.front().offset, 48u);
  EXPECT_LT(*all.front().offset, moov);
  EXPECT_THAT(all.front().message,
              AllOf(StartsWith(reader->info().decoder + " decoder rejected a packet after t="),
                    HasSubstr("Invalid data found when processing input")));
}

}  // namespace
}  // namespace parity::video
