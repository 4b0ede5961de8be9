// benchmarks/video_frames: how fast VideoReader decodes a LeRobot camera video to RGB24, side
// by side with the ffmpeg CLI doing the same work in the same run.
//
//   video_frames [--file PATH] [--rounds N]
//
// Default file: the G1 AV1 video shared/data/lerobot/v2.1-unitree-g1/videos/chunk-000/
// observation.images.cam_high/episode_000001.mp4 (393 frames, 640x480, 30 fps), found through
// $PARITY_SHARED_DIR, ../shared or the source tree's ../shared; without it the benchmark says
// so and exits 0. For decoder threads = 1 and = 0 (libavcodec's choice), best of N rounds
// (default 3), warm page cache:
//   parity   VideoReader::open, then next() over every frame into one reused RGB24 VideoFrame
//   ffmpeg   ffmpeg -threads T -i FILE -filter_threads T -pix_fmt rgb24 -f null -
//            (same decoder, same frames, same output pixel format; its frame count is checked
//            against ours)
// Wall time is the decode loop after opening and probing on both sides (ffmpeg -benchmark's
// rtime starts after its inputs are opened); CPU time is the whole of it (ffmpeg's utime +
// stime of the process; ours from before open()). Prints frames/s of wall time, CPU seconds,
// and the ratio of wall times ffmpeg/ours (>1 = Parity faster). Exit status 0; the numbers are the
// result (docs/formats/video.md).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "bench_support.h"
#include "parity/formats/video/video_reader.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kDefaultVideo[] =
    "data/lerobot/v2.1-unitree-g1/videos/chunk-000/observation.images.cam_high/"
    "episode_000001.mp4";

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "video_frames: %s\n", message.c_str());
  std::exit(1);
}

std::optional<fs::path> default_video() {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("PARITY_SHARED_DIR"); env != nullptr && *env != '\0') {
    roots.emplace_back(env);
  }
  roots.push_back(fs::current_path() / ".." / "shared");
  roots.push_back(fs::path(PARITY_SOURCE_DIR) / ".." / "shared");
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (fs::exists(root / kDefaultVideo, ec)) return root / kDefaultVideo;
  }
  return std::nullopt;
}

struct Run {
  long frames = 0;
  double wall_s = 0;
  double cpu_s = 0;
};

Run run_parity(const fs::path& path, int threads) {
  parity::video::VideoReaderOptions options;
  options.threads = threads;
  Run run;
  const double cpu_start = parity::bench::cpu_seconds();
  auto reader = parity::video::VideoReader::open(path, options);
  if (!reader.ok()) die(reader.status().to_string());
  const auto start = Clock::now();  // like ffmpeg's rtime: after opening and probing
  parity::video::VideoFrame frame;
  std::uint64_t checksum = 0;  // keeps the conversion observable
  while (true) {
    auto more = (*reader)->next(frame);
    if (!more.ok()) die(more.status().to_string());
    if (!*more) break;
    ++run.frames;
    checksum += frame.pixels[frame.pixels.size() / 2];
  }
  run.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  run.cpu_s = parity::bench::cpu_seconds() - cpu_start;
  if (checksum == 0) std::printf("  (all-black middle pixels)\n");
  return run;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::optional<Run> run_ffmpeg(const fs::path& path, int threads) {
  const std::string command = "ffmpeg -hide_banner -nostdin -nostats -benchmark -threads " +
                              std::to_string(threads) + " -i " + shell_quote(path.string()) +
                              " -filter_threads " + std::to_string(threads) +
                              " -pix_fmt rgb24 -f null - 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  std::smatch bench;
  std::smatch frames;
  static const std::regex kBench(R"(bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s)");
  static const std::regex kFrames(R"(frame=\s*([0-9]+))");
  if (!std::regex_search(output, bench, kBench) || !std::regex_search(output, frames, kFrames)) {
    return std::nullopt;
  }
  Run run;
  run.frames = std::stol(frames[1]);
  run.cpu_s = std::stod(bench[1]) + std::stod(bench[2]);
  run.wall_s = std::stod(bench[3]);
  return run;
}

bool have_ffmpeg() {
  FILE* pipe = popen("ffmpeg -hide_banner -version 2>/dev/null", "r");
  if (pipe == nullptr) return false;
  char line[64] = {};
  const bool ok = std::fgets(line, sizeof line, pipe) != nullptr &&
                  std::string(line).rfind("ffmpeg version", 0) == 0;
  pclose(pipe);
  return ok;
}

void keep_best(Run& best, const Run& run, int round) {
  if (round == 0 || run.wall_s < best.wall_s) best = run;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<fs::path> path;
  int rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--file" && i + 1 < argc) {
      path = argv[++i];
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: video_frames [--file PATH] [--rounds N]\n");
      return 2;
    }
  }
  if (!path) path = default_video();
  if (!path) {
    std::printf(
        "video_frames: ../shared/%s is absent: skipping (pass --file to time another "
        "video)\n",
        kDefaultVideo);
    return 0;
  }
  auto info = parity::video::probe_video(*path);
  if (!info.ok()) die(info.status().to_string());
  const bool baseline = have_ffmpeg();
  std::printf("\nvideo_frames: %s\n  %s (%s decoder), %dx%d, %.3f fps, %lld frames -> rgb24\n",
              path->filename().c_str(), info->codec.c_str(), info->decoder.c_str(), info->width,
              info->height, info->frame_rate_hz, static_cast<long long>(info->frame_count));
  if (!baseline) std::printf("  the ffmpeg CLI is not installed: no baseline\n");
  std::printf("  %-38s %7s %9s %9s %9s %7s\n", "pass (best of rounds, warm cache)", "frames",
              "wall s", "frames/s", "cpu s", "ratio");
  (void)run_parity(*path, 1);  // warm the page cache
  for (const int threads : {1, 0}) {
    Run ours;
    Run theirs;
    bool have_theirs = baseline;
    for (int round = 0; round < rounds; ++round) {
      keep_best(ours, run_parity(*path, threads), round);
      if (have_theirs) {
        const auto run = run_ffmpeg(*path, threads);
        if (!run) {
          std::printf("  ffmpeg failed or printed no -benchmark line: no baseline\n");
          have_theirs = false;
        } else {
          keep_best(theirs, *run, round);
        }
      }
    }
    const std::string label = threads == 1 ? "threads=1" : "threads=0 (auto)";
    if (have_theirs) {
      std::printf("  %-38s %7ld %9.3f %9.1f %9.3f %7.2f\n", ("ffmpeg CLI, " + label).c_str(),
                  theirs.frames, theirs.wall_s, static_cast<double>(theirs.frames) / theirs.wall_s,
                  theirs.cpu_s, 1.0);
      if (theirs.frames != ours.frames) {
        std::printf("  note: ffmpeg decoded %ld frames, VideoReader %ld\n", theirs.frames,
                    ours.frames);
      }
    }
    char ratio[16] = "-";
    if (have_theirs) std::snprintf(ratio, sizeof ratio, "%.2f", theirs.wall_s / ours.wall_s);
    std::printf("  %-38s %7ld %9.3f %9.1f %9.3f %7s\n", ("parity VideoReader, " + label).c_str(),
                ours.frames, ours.wall_s, static_cast<double>(ours.frames) / ours.wall_s,
                ours.cpu_s, ratio);
  }
  return 0;
}
