// benchmarks/profile_images: camera frame features (decode at reduced resolution + statistics +
// 128-dim descriptor for every frame) in frames/s, Parity side by side with a Python + NumPy +
// OpenCV implementation of the same features on the same frames (profile_images_baseline.py).
//
//   profile_images [--frames N] [--rounds R] [--max-side S]
//
// Inputs, found through $PARITY_SHARED_DIR, ../shared or the source tree's ../shared (without
// them the benchmark says so and exits 0): the G1 LeRobot AV1 videos of episodes 1 and 2
// (shared/data/lerobot/v2.1-unitree-g1, 640x480, 393 + 345 frames).
//   jpeg  the first N frames (default 300) of episode 1, encoded with cv::imencode at quality 90
//         into a temporary directory (real 640x480 JPEGs). Ours: read the file,
//         analysis_frame_from_compressed() (libjpeg DCT scaling 1/2 -> 320x240), analyse.
//         Python: cv2.imread(IMREAD_REDUCED_COLOR_2), the features in NumPy / cv2.
//   av1   every frame of both videos. Ours: VideoReader (RGB24 at the analysis size, decoder
//         threads = 1; 640x480 4:2:0 is halved while converting to RGB), analyse. Python:
//         cv2.VideoCapture (OPENCV_FFMPEG_THREADS=1), cv2.resize(INTER_AREA), the features.
// Both sides run one core (cv2.setNumThreads(1)); ours is also run with two worker threads on
// disjoint frames (JPEG: alternate files; AV1: one video per thread) for the 1 -> 2 thread
// scaling. Best of R rounds (default 3), warm page cache. Prints frames/s of wall time, CPU
// seconds, and the ratios of Python's wall and CPU time per frame over ours (the per-core
// speed-up), a split of the time into decoding and statistics; the
// sums of luma_mean and sharpness over the frames check that both sides computed the same thing.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "parity/features/camera_features.h"
#include "parity/formats/video/video_reader.h"
#include "testing/python.h"

const char* const parity::bench::kProgramName = "profile_images";

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using parity::bench::unwrap;
using parity::features::AnalysisFrame;
using parity::features::AnalysisOptions;
using parity::features::FrameAnalyzer;
using parity::features::FrameStats;

constexpr char kVideoDir[] =
    "data/lerobot/v2.1-unitree-g1/videos/chunk-000/observation.images.cam_high/";
constexpr const char* kVideos[] = {"episode_000001.mp4", "episode_000002.mp4"};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "profile_images: %s\n", message.c_str());
  std::exit(1);
}

std::optional<fs::path> shared_root() {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("PARITY_SHARED_DIR"); env != nullptr && *env != '\0') {
    roots.emplace_back(env);
  }
  roots.push_back(fs::current_path() / ".." / "shared");
  roots.push_back(fs::path(PARITY_SOURCE_DIR) / ".." / "shared");
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (fs::exists(root / kVideoDir / kVideos[0], ec) &&
        fs::exists(root / kVideoDir / kVideos[1], ec)) {
      return root;
    }
  }
  return std::nullopt;
}

struct Run {
  long frames = 0;
  double wall_s = 0;
  double cpu_s = 0;
  double luma_mean_sum = 0;
  double sharpness_sum = 0;
};

void keep_best(std::optional<Run>& best, const Run& run) {
  if (!best || run.wall_s < best->wall_s) best = run;
}

// Per-thread totals, merged after the join.
struct Totals {
  long frames = 0;
  double luma_mean = 0;
  double sharpness = 0;
  void add(const FrameStats& stats) {
    ++frames;
    luma_mean += stats.luma_mean;
    sharpness += stats.sharpness;
  }
};

// Runs work(worker, totals) on `threads` threads and times the whole.
template <typename Work>
Run timed(int threads, Work work) {
  std::vector<Totals> totals(static_cast<std::size_t>(threads));
  const double cpu_start = parity::bench::cpu_seconds();
  const auto start = Clock::now();
  if (threads == 1) {
    work(0, totals[0]);
  } else {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] { work(t, totals[static_cast<std::size_t>(t)]); });
    }
    for (std::thread& worker : workers) worker.join();
  }
  Run run;
  run.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  run.cpu_s = parity::bench::cpu_seconds() - cpu_start;
  for (const Totals& t : totals) {
    run.frames += t.frames;
    run.luma_mean_sum += t.luma_mean;
    run.sharpness_sum += t.sharpness;
  }
  return run;
}

Run run_jpeg(const std::vector<fs::path>& files, const AnalysisOptions& options, int threads) {
  return timed(threads, [&](int worker, Totals& totals) {
    FrameAnalyzer analyzer;
    FrameStats stats;
    std::vector<float> descriptor;
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = static_cast<std::size_t>(worker); i < files.size();
         i += static_cast<std::size_t>(threads)) {
      std::ifstream in(files[i], std::ios::binary);
      bytes.resize(fs::file_size(files[i]));
      in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      const AnalysisFrame frame =
          unwrap(parity::features::analysis_frame_from_compressed(bytes, options));
      analyzer.analyze(frame, stats, &descriptor);
      totals.add(stats);
    }
  });
}

// The decode and reduction alone (no statistics), to split the time.
Run run_jpeg_decode_only(const std::vector<fs::path>& files, const AnalysisOptions& options) {
  return timed(1, [&](int, Totals& totals) {
    std::vector<std::uint8_t> bytes;
    for (const fs::path& file : files) {
      std::ifstream in(file, std::ios::binary);
      bytes.resize(fs::file_size(file));
      in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      const AnalysisFrame frame =
          unwrap(parity::features::analysis_frame_from_compressed(bytes, options));
      ++totals.frames;
      totals.luma_mean += frame.pixels[0];
    }
  });
}

// The statistics and descriptor alone, on analysis frames decoded beforehand.
Run run_features_only(const std::vector<AnalysisFrame>& frames) {
  return timed(1, [&](int, Totals& totals) {
    FrameAnalyzer analyzer;
    FrameStats stats;
    std::vector<float> descriptor;
    for (const AnalysisFrame& frame : frames) {
      analyzer.analyze(frame, stats, &descriptor);
      totals.add(stats);
    }
  });
}

void analyse_video(const fs::path& path, const AnalysisOptions& options, Totals& totals) {
  parity::video::VideoReaderOptions reader_options;
  reader_options.threads = 1;
  // Decoded straight to the analysis size, as `parity profile` reads LeRobot videos.
  reader_options.max_side = static_cast<int>(options.max_side);
  auto reader = unwrap(parity::video::VideoReader::open(path, reader_options));
  parity::video::VideoFrame frame;
  AnalysisFrame analysis;
  FrameAnalyzer analyzer;
  FrameStats stats;
  std::vector<float> descriptor;
  while (unwrap(reader->next(frame))) {
    parity::bench::check(parity::features::analysis_frame_from_pixels(
        frame.pixels, static_cast<std::uint32_t>(frame.width),
        static_cast<std::uint32_t>(frame.height), 3, options, analysis));
    analyzer.analyze(analysis, stats, &descriptor);
    totals.add(stats);
  }
}

Run run_av1(const std::vector<fs::path>& videos, const AnalysisOptions& options, int threads) {
  return timed(threads, [&](int worker, Totals& totals) {
    for (std::size_t i = static_cast<std::size_t>(worker); i < videos.size();
         i += static_cast<std::size_t>(threads)) {
      analyse_video(videos[i], options, totals);
    }
  });
}

std::optional<nlohmann::json> run_baseline(const std::string& python, const fs::path& jpeg_dir,
                                           const std::vector<fs::path>& videos,
                                           std::uint32_t max_side) {
  const fs::path script = fs::path(PARITY_SOURCE_DIR) / "benchmarks" / "profile_images_baseline.py";
  std::string command =
      "OPENCV_FFMPEG_THREADS=1 OMP_NUM_THREADS=1 " + parity::testing::shell_quote(python) + " " +
      parity::testing::shell_quote(script.string()) + " --max-side " + std::to_string(max_side) +
      " --jpeg-dir " + parity::testing::shell_quote(jpeg_dir.string());
  for (const fs::path& video : videos)
    command += " --video " + parity::testing::shell_quote(video.string());
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  try {
    return nlohmann::json::parse(output);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Run from_json(const nlohmann::json& j) {
  Run run;
  run.frames = j.at("frames").get<long>();
  run.wall_s = j.at("wall_s").get<double>();
  run.cpu_s = j.at("cpu_s").get<double>();
  run.luma_mean_sum = j.at("luma_mean_sum").get<double>();
  run.sharpness_sum = j.at("sharpness_sum").get<double>();
  return run;
}

void print_row(const std::string& label, const Run& run, const std::optional<Run>& baseline) {
  char ratio[16] = "-";
  char cpu_ratio[16] = "-";
  if (baseline && run.frames > 0 && baseline->frames > 0) {
    const auto frames = static_cast<double>(run.frames);
    const auto baseline_frames = static_cast<double>(baseline->frames);
    std::snprintf(ratio, sizeof ratio, "%.2f",
                  (baseline->wall_s / baseline_frames) / (run.wall_s / frames));
    std::snprintf(cpu_ratio, sizeof cpu_ratio, "%.2f",
                  (baseline->cpu_s / baseline_frames) / (run.cpu_s / frames));
  }
  std::printf("  %-40s %7ld %8.3f %9.1f %8.3f %7s %9s   %12.4f %14.2f\n", label.c_str(), run.frames,
              run.wall_s, static_cast<double>(run.frames) / run.wall_s, run.cpu_s, ratio, cpu_ratio,
              run.luma_mean_sum / static_cast<double>(std::max(run.frames, 1L)),
              run.sharpness_sum / static_cast<double>(std::max(run.frames, 1L)));
}

void print_header(const char* title) {
  std::printf("\n  %-40s %7s %8s %9s %8s %7s %9s   %12s %14s\n", title, "frames", "wall s",
              "frames/s", "cpu s", "ratio", "cpu ratio", "mean luma", "mean sharpness");
}

}  // namespace

int main(int argc, char** argv) {
  long frame_limit = 300;
  int rounds = 3;
  AnalysisOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--frames" && i + 1 < argc) {
      frame_limit = std::max(1L, std::atol(argv[++i]));
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--max-side" && i + 1 < argc) {
      options.max_side = static_cast<std::uint32_t>(std::max(3, std::atoi(argv[++i])));
    } else {
      std::fprintf(stderr, "usage: profile_images [--frames N] [--rounds R] [--max-side S]\n");
      return 2;
    }
  }
  const auto root = shared_root();
  if (!root) {
    std::printf("profile_images: ../shared/%s{%s,%s} are absent: skipping\n", kVideoDir, kVideos[0],
                kVideos[1]);
    return 0;
  }
  std::vector<fs::path> videos;
  for (const char* name : kVideos) videos.push_back(*root / kVideoDir / name);

  // Real 640x480 JPEGs: frames of episode 1 at quality 90.
  const fs::path jpeg_dir =
      fs::temp_directory_path() / ("parity_profile_images_" + std::to_string(getpid()));
  fs::create_directories(jpeg_dir);
  std::vector<fs::path> files;
  std::uint64_t jpeg_bytes = 0;
  {
    auto reader = unwrap(parity::video::VideoReader::open(videos[0]));
    parity::video::VideoFrame frame;
    cv::Mat bgr;
    std::vector<uchar> encoded;
    while (static_cast<long>(files.size()) < frame_limit && unwrap(reader->next(frame))) {
      const cv::Mat rgb(frame.height, frame.width, CV_8UC3, frame.pixels.data());
      cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
      if (!cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, 90})) {
        fail("cv::imencode failed");
      }
      char name[32];
      std::snprintf(name, sizeof name, "frame_%05zu.jpg", files.size());
      files.push_back(jpeg_dir / name);
      std::ofstream(files.back(), std::ios::binary)
          .write(reinterpret_cast<const char*>(encoded.data()),
                 static_cast<std::streamsize>(encoded.size()));
      jpeg_bytes += encoded.size();
    }
  }
  const auto info = unwrap(parity::video::probe_video(videos[0]));
  std::printf(
      "\nprofile_images: camera features (stats + 128-dim descriptor per frame), analysis "
      "max side %u, %u hardware threads\n",
      options.max_side, std::thread::hardware_concurrency());
  std::printf("  jpeg: %zu frames of %s (%dx%d), quality 90, %.1f KB each on average\n",
              files.size(), kVideos[0], info.width, info.height,
              static_cast<double>(jpeg_bytes) / 1024.0 / static_cast<double>(files.size()));
  std::printf("  av1:  every frame of %s and %s (%s, decoder %s)\n", kVideos[0], kVideos[1],
              info.codec.c_str(), info.decoder.c_str());

  const auto python = parity::testing::python_with("cv2, numpy");
  if (!python) std::printf("  no python3 with cv2 and numpy: no baseline\n");

  std::vector<AnalysisFrame> decoded;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::uint8_t> bytes(fs::file_size(file));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    decoded.push_back(unwrap(parity::features::analysis_frame_from_compressed(bytes, options)));
  }

  std::optional<Run> jpeg1, jpeg2, av1_1, av1_2, py_jpeg, py_av1, jpeg_decode, features_only,
      py_jpeg_decode, py_av1_decode;
  (void)run_jpeg(files, options, 1);  // warm the page cache and the tables
  for (int round = 0; round < rounds; ++round) {
    keep_best(jpeg1, run_jpeg(files, options, 1));
    keep_best(jpeg2, run_jpeg(files, options, 2));
    keep_best(av1_1, run_av1(videos, options, 1));
    keep_best(av1_2, run_av1(videos, options, 2));
    keep_best(jpeg_decode, run_jpeg_decode_only(files, options));
    keep_best(features_only, run_features_only(decoded));
    if (python) {
      const auto baseline = run_baseline(*python, jpeg_dir, videos, options.max_side);
      if (!baseline) fail("the Python baseline failed or printed no JSON");
      keep_best(py_jpeg, from_json(baseline->at("jpeg")));
      keep_best(py_av1, from_json(baseline->at("av1")));
      keep_best(py_jpeg_decode, from_json(baseline->at("jpeg_decode")));
      keep_best(py_av1_decode, from_json(baseline->at("av1_decode")));
    }
  }
  std::error_code ec;
  fs::remove_all(jpeg_dir, ec);

  std::printf(
      "  best of %d rounds; ratio = Python wall time per frame / ours (per-core "
      "speed-up for 1 thread)\n",
      rounds);
  print_header("640x480 JPEG -> 320x240");
  if (py_jpeg) print_row("python numpy+cv2, 1 core", *py_jpeg, std::nullopt);
  print_row("parity, 1 thread", *jpeg1, py_jpeg);
  print_row("parity, 2 threads", *jpeg2, py_jpeg);
  print_header("AV1 640x480 -> 320x240");
  if (py_av1) print_row("python numpy+cv2, 1 core", *py_av1, std::nullopt);
  print_row("parity, 1 thread", *av1_1, py_av1);
  print_row("parity, 2 threads", *av1_2, py_av1);
  std::printf("\n  where the time goes (1 thread, ms per frame)\n");
  const auto per_frame_ms = [](const std::optional<Run>& run) {
    return run ? 1e3 * run->wall_s / static_cast<double>(std::max(run->frames, 1L)) : 0.0;
  };
  std::printf("    jpeg decode + reduce:  parity %.3f  python %.3f\n", per_frame_ms(jpeg_decode),
              per_frame_ms(py_jpeg_decode));
  std::printf("    stats + descriptor:    parity %.3f  python %.3f (jpeg total minus decode)\n",
              per_frame_ms(features_only), per_frame_ms(py_jpeg) - per_frame_ms(py_jpeg_decode));
  std::printf("    av1 decode + reduce:   parity %.3f (av1 total minus stats)  python %.3f\n",
              per_frame_ms(av1_1) - per_frame_ms(features_only), per_frame_ms(py_av1_decode));
  std::printf("\n  scaling 1 -> 2 threads: jpeg %.2fx, av1 %.2fx\n", jpeg1->wall_s / jpeg2->wall_s,
              av1_1->wall_s / av1_2->wall_s);
  return 0;
}
