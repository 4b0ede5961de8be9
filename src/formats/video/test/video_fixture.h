// Small videos with known content, written with libavformat / libavcodec for the video tests:
// every frame is one solid colour chosen by its index, so a decoded frame tells which frame it
// is and its presentation time can be checked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "parity/core/status.h"

namespace parity::video::testing {

struct Yuv {
  std::uint8_t y = 16;
  std::uint8_t u = 128;
  std::uint8_t v = 128;
};

// Frame i's colour: luma 16 + 5 i (distinct, 5 apart, up to i = 43), chroma varying with i.
Yuv fixture_colour(int i);

// BT.601 limited-range YUV to full-range RGB, rounded and clamped (the expected RGB24 of a
// decoded solid frame).
void expected_rgb(Yuv yuv, std::uint8_t rgb[3]);

// Full-range luma of limited-range Y (the expected GRAY8 value).
std::uint8_t expected_gray(Yuv yuv);

struct FixtureSpec {
  std::string encoder = "mpeg4";  // libavcodec encoder name: "mpeg4", "libx264", ...
  int width = 64;
  int height = 48;
  int frames = 30;
  int fps = 25;
  int gop = 10;            // keyframe interval in frames
  int max_b_frames = 0;    // B-frames between references (decode order != presentation order)
  int first_index = 0;     // the first frame's pts, in frames
  bool faststart = false;  // MP4: index (moov) before the media data
};

// Writes `path` (the container follows the extension: .mp4, .mkv, .avi). kUnsupported when
// the encoder is not in this FFmpeg build; kInternal for any other libav failure.
Status write_fixture(const std::filesystem::path& path, const FixtureSpec& spec);

}  // namespace parity::video::testing
