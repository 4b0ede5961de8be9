// benchmarks/plan: the numerical core of `parity plan` (importance weights, source mix, subset
// selection) on 100k training vs 100k target episodes x 64 standardised features from three
// sources, next to the same computations written with scikit-learn / NumPy / SciPy
// (plan_baseline.py) on the same data in the same run.
//
//   plan [--n N] [--features F] [--growth] [--python-budget S] [--no-baseline] [--only KEY,...]
//
// Data (seeded, built in memory; both sides N episodes, default 100000; F features, default 64,
// at least 4): every feature is N(0, 1) in its own units (column c: location 10 (c mod 7) - 20,
// scale 0.5 + c mod 5) except that
// - each episode comes from one of three sources: lab (column 1 shifted by +1.5 SD), sim
//   (column 2 by +1.5 SD) or demos (column 3 by +1.5 SD); training draws them with shares
//   (0.6, 0.3, 0.1), the target with (0.2, 0.3, 0.5): the mix that minimises MMD to the target
//   is near (0.2, 0.3, 0.5);
// - the target is shifted by +0.5 SD along column 0 in every source (a covariate shift inside
//   the sources that only per-episode weights can correct).
// Both sides then go through compare::standardize() (the target's scale), outside the timed
// regions; the standardised arrays and the training rows' source labels go to .npy files in a
// temporary directory for the baseline, whose timed regions start after np.load.
//
// Ours, each timed alone with its defaults (what `parity plan` / `parity weights` call):
// density_ratio_weights() (the domain classifier's out-of-fold odds), kliep_weights(),
// source_mix() over the three sources, select_subset() at budgets 100 and 1000. Threads: the
// library's default (every hardware thread). The baseline is one Python process (Debian's NumPy
// on the BLAS it links). A baseline step that would take longer than --python-budget seconds
// (default 120) runs a measured share of its work and is extrapolated linearly ("note" says so).
//
// Prints per step our wall and CPU seconds, Python's, the wall ratio (Python / ours) and the CPU
// ratio, each step's results from both sides (ESS, proportions, MMD^2: they agree up to the
// random parts: folds, centres, subsamples), and the peak resident memory of both processes.
// --growth runs N/100, N/10 and N and fits the exponent of each step's cost in N. --only
// KEY,... runs only those steps of ours (classifier, kliep, mix, herding100, herding1000),
// without the baseline: for profiling.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "parity/parity/multivariate.h"
#include "parity/plan/mix.h"
#include "parity/plan/subset.h"
#include "parity/plan/weights.h"
#include "testing/python.h"

const char* const parity::bench::kProgramName = "plan";

namespace {

namespace fs = std::filesystem;
namespace pc = parity::compare;
namespace pp = parity::plan;
using Clock = std::chrono::steady_clock;
using parity::bench::unwrap;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "plan: %s\n", message.c_str());
  std::exit(1);
}

constexpr std::size_t kSources = 3;
constexpr const char* kSourceNames[kSources] = {"lab", "sim", "demos"};
constexpr std::array<double, kSources> kTrainShares = {0.6, 0.3, 0.1};
constexpr std::array<double, kSources> kTargetShares = {0.2, 0.3, 0.5};
constexpr double kSourceShift = 1.5;  // SD, along column 1 + source
constexpr double kTargetShift = 0.5;  // SD, along column 0, target only
// Columns whose means the weights should move to the target's (the shifted ones).
constexpr std::size_t kCheckedColumns = 4;

struct Dataset {
  std::size_t n = 0;
  std::size_t features = 0;
  pc::Matrix train;   // standardised
  pc::Matrix target;  // standardised
  std::vector<std::size_t> source;
};

void generate_side(bool target, std::size_t n, std::size_t features, std::uint64_t seed,
                   std::vector<double>& values, std::vector<std::size_t>* source) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const std::array<double, kSources>& shares = target ? kTargetShares : kTrainShares;
  values.assign(n * features, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    double u = uniform(rng);
    std::size_t s = 0;
    while (s + 1 < kSources && u >= shares[s]) u -= shares[s++];
    if (source != nullptr) source->push_back(s);
    double* row = values.data() + r * features;
    for (std::size_t c = 0; c < features; ++c) {
      double z = normal(rng);
      if (c == 1 + s) z += kSourceShift;
      if (target && c == 0) z += kTargetShift;
      row[c] = (10.0 * static_cast<double>(c % 7) - 20.0) + (0.5 + static_cast<double>(c % 5)) * z;
    }
  }
}

Dataset make_dataset(std::size_t n, std::size_t features) {
  Dataset d;
  d.n = n;
  d.features = features;
  pc::Matrix train{n, features, {}};
  pc::Matrix target{n, features, {}};
  generate_side(false, n, features, 31, train.values, &d.source);
  generate_side(true, n, features, 32, target.values, nullptr);
  pc::Standardized s = unwrap(pc::standardize(train, {}, target));
  d.train = std::move(s.train);
  d.target = std::move(s.target);
  return d;
}

// A NumPy .npy file (format 1.0): magic, header length, a Python dict literal padded with
// spaces to a multiple of 64 bytes and ending in '\n', then the raw little-endian C-order data.
template <typename T>
void write_npy(const fs::path& path, const std::vector<T>& data, std::size_t rows, std::size_t cols,
               const char* descr) {
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto length = static_cast<std::uint16_t>(header.size());
  const char length_bytes[2] = {static_cast<char>(length & 0xff), static_cast<char>(length >> 8)};
  out.write(length_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(T)));
  if (!out) fail("cannot write " + path.string());
}

void write_inputs(const Dataset& d, const fs::path& dir) {
  write_npy(dir / "train.npy", d.train.values, d.n, d.features, "<f8");
  write_npy(dir / "target.npy", d.target.values, d.n, d.features, "<f8");
  std::vector<std::int64_t> source(d.source.begin(), d.source.end());
  write_npy(dir / "source.npy", source, d.n, 1, "<i8");
  const pp::WeightOptions weights;
  const pc::ClassifierOptions classifier;
  const pp::KliepOptions kliep;
  const pp::MixOptions mix;
  const pp::SubsetOptions subset;
  nlohmann::json meta;
  meta["sources"] = std::vector<std::string>(std::begin(kSourceNames), std::end(kSourceNames));
  meta["checked_columns"] = kCheckedColumns;
  meta["options"] = {
      {"clip_quantile", weights.clip_quantile},
      {"max_ratio", weights.max_ratio},
      {"folds", classifier.folds},
      {"c", classifier.c},
      {"quadratic_max_columns", classifier.quadratic_max_columns},
      {"seed", classifier.seed},
      {"kliep_centers", kliep.centers},
      {"kliep_max_target_rows", kliep.max_target_rows},
      {"kliep_bandwidth_factors", kliep.bandwidth_factors},
      {"kliep_cv_folds", kliep.cv_folds},
      {"kliep_bandwidth_subsample", kliep.bandwidth_subsample},
      {"kliep_max_iterations", kliep.max_iterations},
      {"kliep_tolerance", kliep.tolerance},
      {"mix_bandwidth_subsample", mix.bandwidth_subsample},
      {"mix_max_rows_per_source", mix.max_rows_per_source},
      {"mix_max_target_rows", mix.max_target_rows},
      {"mix_exact_max_rows", mix.exact_max_rows},
      {"subset_bandwidth_subsample", subset.bandwidth_subsample},
      {"subset_max_target_rows", subset.max_target_rows},
      {"subset_random_subsets", subset.random_subsets},
  };
  std::ofstream(dir / "meta.json") << meta.dump(1);
}

struct Timing {
  double wall_s = 0;
  double cpu_s = 0;
};

Timing timed(const std::function<void()>& work) {
  const double cpu = parity::bench::cpu_seconds();
  const auto start = Clock::now();
  work();
  return {std::chrono::duration<double>(Clock::now() - start).count(),
          parity::bench::cpu_seconds() - cpu};
}

// Row labels, in print order; the baseline uses the same keys.
struct Stage {
  const char* key;
  const char* label;
};
constexpr Stage kStages[] = {
    {"classifier", "weights: classifier odds, 5-fold"},
    {"kliep", "weights: KLIEP (100 centres, CV)"},
    {"mix", "source mix: MMD^2 + simplex QP"},
    {"herding100", "subset: herding, budget 100"},
    {"herding1000", "subset: herding, budget 1000"},
};

struct Run {
  std::map<std::string, Timing> stages;
  std::map<std::string, std::string> notes;  // baseline: "extrapolated from ..."
  std::map<std::string, double> checks;
  long maxrss_kb = 0;
};

long maxrss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Largest |weighted training mean - target mean| over the checked columns.
double mean_gap(const Dataset& d, const std::vector<double>& w) {
  double gap = 0;
  for (std::size_t c = 0; c < std::min(kCheckedColumns, d.features); ++c) {
    double sum = 0, total = 0, target = 0;
    for (std::size_t r = 0; r < d.n; ++r) {
      const double wr = w.empty() ? 1.0 : w[r];
      sum += wr * d.train.at(r, c);
      total += wr;
      target += d.target.at(r, c);
    }
    gap = std::max(gap, std::abs(sum / total - target / static_cast<double>(d.n)));
  }
  return gap;
}

void weight_checks(const Dataset& d, const char* prefix, const pp::WeightResult& w,
                   std::map<std::string, double>& checks) {
  const std::string p = prefix;
  checks[p + "_ess_fraction"] = w.ess_fraction;
  checks[p + "_max_weight"] = w.max_weight;
  checks[p + "_clipped"] = static_cast<double>(w.clipped);
  checks[p + "_mean_gap"] = mean_gap(d, w.weights);
}

void subset_checks(const char* prefix, const pp::SubsetResult& s,
                   std::map<std::string, double>& checks) {
  const std::string p = prefix;
  checks[p + "_mmd2"] = s.mmd2;
  checks[p + "_random_mean"] = s.random_mean;
  checks[p + "_beats_random"] = s.beats_random;
  checks[p + "_bandwidth"] = s.bandwidth;
}

Run run_ours(const Dataset& d, const std::set<std::string>& only) {
  Run run;
  const auto want = [&](const char* key) { return only.empty() || only.count(key) > 0; };
  run.checks["unweighted_mean_gap"] = mean_gap(d, {});
  if (want("classifier"))
    run.stages["classifier"] = timed([&] {
      const pp::WeightResult w = unwrap(pp::density_ratio_weights(d.train, {}, d.target));
      run.checks["classifier_auc"] = w.auc;
      weight_checks(d, "classifier", w, run.checks);
    });
  if (want("kliep"))
    run.stages["kliep"] = timed([&] {
      const pp::KliepResult k = unwrap(pp::kliep_weights(d.train, {}, d.target));
      run.checks["kliep_bandwidth"] = k.weights.bandwidth;
      weight_checks(d, "kliep", k.weights, run.checks);
    });
  if (want("mix"))
    run.stages["mix"] = timed([&] {
      const pp::MixResult m = unwrap(pp::source_mix(d.train, d.source, kSources, {}, d.target));
      for (std::size_t s = 0; s < kSources; ++s) {
        run.checks[std::string("mix_pi_") + kSourceNames[s]] = m.proportions[s];
      }
      run.checks["mix_mmd2"] = m.mmd2;
      run.checks["mix_current_mmd2"] = m.current_mmd2;
      run.checks["mix_bandwidth"] = m.bandwidth;
    });
  for (const std::size_t budget : {std::size_t{100}, std::size_t{1000}}) {
    const std::string key = "herding" + std::to_string(budget);
    if (!want(key.c_str()) || budget > d.n) continue;
    run.stages[key] = timed([&] {
      const pp::SubsetResult s = unwrap(pp::select_subset(d.train, {}, d.target, budget));
      subset_checks(key.c_str(), s, run.checks);
    });
  }
  run.maxrss_kb = maxrss_kb();
  return run;
}

std::optional<Run> run_baseline(const std::string& python, const fs::path& dir, double budget_s) {
  const fs::path script = fs::path(PARITY_SOURCE_DIR) / "benchmarks" / "plan_baseline.py";
  const std::string command = parity::testing::shell_quote(python) + " " +
                              parity::testing::shell_quote(script.string()) + " --dir " +
                              parity::testing::shell_quote(dir.string()) + " --budget " +
                              std::to_string(budget_s);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(output);
    Run run;
    for (const auto& [key, stage] : j.at("stages").items()) {
      run.stages[key] = {stage.at("wall_s").get<double>(), stage.at("cpu_s").get<double>()};
      if (stage.contains("note")) run.notes[key] = stage.at("note").get<std::string>();
    }
    for (const auto& [key, value] : j.at("checks").items()) run.checks[key] = value.get<double>();
    run.maxrss_kb = j.at("maxrss_kb").get<long>();
    return run;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plan: the baseline printed no usable JSON (%s)\n", e.what());
    return std::nullopt;
  }
}

std::string ratio(double python, double ours) {
  if (ours <= 0 || python <= 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", python / ours);
  return text;
}

void print_table(const Run& ours, const std::optional<Run>& python) {
  std::printf("\n  %-34s %9s %9s %10s %10s %8s %8s  %s\n", "step", "ours s", "ours cpu", "python s",
              "py cpu", "ratio", "cpu rat.", "note");
  Timing sum_ours, sum_python;
  bool extrapolated = false;
  for (const Stage& stage : kStages) {
    if (ours.stages.count(stage.key) == 0) continue;
    const Timing o = ours.stages.at(stage.key);
    sum_ours.wall_s += o.wall_s;
    sum_ours.cpu_s += o.cpu_s;
    Timing p;
    std::string note;
    if (python && python->stages.count(stage.key) > 0) {
      p = python->stages.at(stage.key);
      sum_python.wall_s += p.wall_s;
      sum_python.cpu_s += p.cpu_s;
      if (python->notes.count(stage.key) > 0) {
        note = python->notes.at(stage.key);
        extrapolated = true;
      }
    }
    std::printf("  %-34s %9.3f %9.3f %10.3f %10.3f %8s %8s  %s\n", stage.label, o.wall_s, o.cpu_s,
                p.wall_s, p.cpu_s, ratio(p.wall_s, o.wall_s).c_str(),
                ratio(p.cpu_s, o.cpu_s).c_str(), note.c_str());
  }
  std::printf("  %-34s %9.3f %9.3f %10.3f %10.3f %8s %8s  %s\n", "total", sum_ours.wall_s,
              sum_ours.cpu_s, sum_python.wall_s, sum_python.cpu_s,
              ratio(sum_python.wall_s, sum_ours.wall_s).c_str(),
              ratio(sum_python.cpu_s, sum_ours.cpu_s).c_str(),
              extrapolated ? "python total includes extrapolated steps" : "");
  std::printf("\n  peak memory (ru_maxrss): ours %.0f MB, python %s\n",
              static_cast<double>(ours.maxrss_kb) / 1024.0,
              python ? (std::to_string(python->maxrss_kb / 1024) + " MB").c_str() : "-");
  std::printf("\n  %-26s %14s %14s\n", "check", "ours", "python");
  for (const auto& [key, value] : ours.checks) {
    char theirs[32] = "-";
    if (python && python->checks.count(key) > 0) {
      std::snprintf(theirs, sizeof theirs, "%14.6g", python->checks.at(key));
    }
    std::printf("  %-26s %14.6g %14s\n", key.c_str(), value, theirs);
  }
}

struct Point {
  std::size_t n = 0;
  Run ours;
  std::optional<Run> python;
};

Point run_at(std::size_t n, std::size_t features, const std::optional<std::string>& python,
             double budget_s, const std::set<std::string>& only) {
  Point point;
  point.n = n;
  std::printf(
      "\n== %zu training vs %zu target episodes x %zu features, %zu sources (training shares "
      "%.1f/%.1f/%.1f, target %.1f/%.1f/%.1f) ==\n",
      n, n, features, kSources, kTrainShares[0], kTrainShares[1], kTrainShares[2], kTargetShares[0],
      kTargetShares[1], kTargetShares[2]);
  std::fflush(stdout);
  const Dataset d = make_dataset(n, features);
  if (python) {
    const fs::path dir =
        fs::temp_directory_path() / ("parity_plan_bench_" + std::to_string(getpid()));
    fs::create_directories(dir);
    write_inputs(d, dir);
    point.python = run_baseline(*python, dir, budget_s);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!point.python) fail("the Python baseline failed");
  }
  point.ours = run_ours(d, only);
  print_table(point.ours, point.python);
  std::fflush(stdout);
  return point;
}

// Least-squares slope of log(time) on log(n).
double exponent(const std::vector<double>& n, const std::vector<double>& t) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const auto k = static_cast<double>(n.size());
  for (std::size_t i = 0; i < n.size(); ++i) {
    const double x = std::log(n[i]);
    const double y = std::log(std::max(t[i], 1e-6));
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

void print_growth(const std::vector<Point>& points) {
  std::printf(
      "\n== growth: wall seconds per step and the fitted exponent b in t ~ n^b ==\n\n  %-34s",
      "step");
  for (const Point& p : points) std::printf(" %11zu", p.n);
  std::printf(" %8s %8s\n", "b (all)", "b (last)");
  const auto row = [&](const char* label, const std::function<double(const Point&)>& get) {
    std::vector<double> n, t;
    std::printf("  %-34s", label);
    for (const Point& p : points) {
      n.push_back(static_cast<double>(p.n));
      t.push_back(get(p));
      std::printf(" %11.4f", t.back());
    }
    const double all = exponent(n, t);
    const double last = exponent({n[n.size() - 2], n.back()}, {t[t.size() - 2], t.back()});
    std::printf(" %8.2f %8.2f\n", all, last);
  };
  const auto present = [&](const std::function<const Run*(const Point&)>& side, const char* key) {
    return std::all_of(points.begin(), points.end(), [&](const Point& p) {
      const Run* r = side(p);
      return r != nullptr && r->stages.count(key) > 0;
    });
  };
  const auto ours = [](const Point& p) -> const Run* { return &p.ours; };
  const auto theirs = [](const Point& p) -> const Run* { return p.python ? &*p.python : nullptr; };
  std::printf("  ours:\n");
  for (const Stage& stage : kStages) {
    if (!present(ours, stage.key)) continue;
    row(stage.label, [&](const Point& p) { return p.ours.stages.at(stage.key).wall_s; });
  }
  if (points.front().python) {
    std::printf("  python:\n");
    for (const Stage& stage : kStages) {
      if (!present(theirs, stage.key)) continue;
      row(stage.label, [&](const Point& p) { return p.python->stages.at(stage.key).wall_s; });
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100000;
  std::size_t features = 64;
  bool growth = false;
  bool baseline = true;
  double budget_s = 120;
  std::set<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> long {
      if (i + 1 >= argc) fail("missing value after " + arg);
      return std::atol(argv[++i]);
    };
    if (arg == "--n") {
      n = static_cast<std::size_t>(std::max(100L, next()));
    } else if (arg == "--features") {
      features = static_cast<std::size_t>(std::max(static_cast<long>(kCheckedColumns), next()));
    } else if (arg == "--python-budget") {
      budget_s = static_cast<double>(std::max(1L, next()));
    } else if (arg == "--growth") {
      growth = true;
    } else if (arg == "--no-baseline") {
      baseline = false;
    } else if (arg == "--only" && i + 1 < argc) {
      std::stringstream list(argv[++i]);
      for (std::string key; std::getline(list, key, ',');) {
        if (std::none_of(std::begin(kStages), std::end(kStages),
                         [&](const Stage& stage) { return key == stage.key; })) {
          fail("--only: unknown step " + key);
        }
        only.insert(key);
      }
      baseline = false;
    } else {
      std::fprintf(stderr,
                   "usage: plan [--n N] [--features F] [--growth] [--python-budget S] "
                   "[--no-baseline] [--only KEY,...]\n");
      return 2;
    }
  }
  std::optional<std::string> python;
  if (baseline) {
    python = parity::testing::python_with("numpy, scipy.optimize, scipy.spatial, sklearn");
    if (!python) std::printf("plan: no python3 with numpy, scipy and sklearn: no baseline\n");
  }
  std::printf(
      "plan: importance weights, source mix and herding vs scikit-learn / NumPy / SciPy; "
      "library defaults, seed 1; %u hardware threads (ours: all of them)\n",
      std::thread::hardware_concurrency());
  std::printf(
      "  ratio = python wall / ours; cpu rat. = python CPU / ours (per-core); *_mean_gap = the "
      "largest |weighted training mean - target mean| over columns 0-%zu (SD units)\n",
      kCheckedColumns - 1);
  if (!growth) {
    run_at(n, features, python, budget_s, only);
    return 0;
  }
  std::vector<Point> points;
  for (const std::size_t size :
       {std::max<std::size_t>(100, n / 100), std::max<std::size_t>(100, n / 10), n}) {
    points.push_back(run_at(size, features, python, budget_s, only));
  }
  print_growth(points);
  return 0;
}
