// benchmarks/compare: `parity compare` on 100k training vs 100k target episodes x 64 features
// and 4 categorical attributes, end to end and estimator by estimator, next to the same
// computations written with SciPy / scikit-learn / NumPy (compare_baseline.py) on the same data
// in the same run.
//
//   compare [--n N] [--features F] [--growth] [--bootstrap B] [--permutations P]
//           [--python-budget S] [--no-baseline] [--only KEY,...]
//
// Data (seeded, built in memory; both sides N episodes, default 100000; F features, default
// 64): feature c is N(0, 1) (c mod 4 = 0), lognormal (1), Poisson(3) counts with ties (2) or
// uniform (3), each with its own location and scale. The target differs in f00 (mean + 0.5 SD),
// f05 (x 1.5), f08 (SD x 1.5), f10 (Poisson rate 4) and jointly in f12 and f16 (independent in
// training, correlation 0.8 in the target, same N(0, 1) marginals); the last 4 features are
// missing (NaN) in 2% of training and 5% of target episodes. Attributes: lighting (the target has
// more dim and night), surface (gravel only in the target), task, load (same on both sides).
// The same arrays go to .npy files in a temporary directory for the baseline; its timed regions
// start after np.load.
//
// Ours: compare_samples() with the options `parity compare` defaults to (CompareOptions{}:
// bootstrap 200, permutations 200, seed 1, 1- and 2-wise slices), timed end to end, then each
// estimator alone the way compare_samples() calls it. Threads: the library's default (every
// hardware thread). The baseline is one Python process (NumPy on the BLAS Debian installs).
// Steps of the baseline that would take longer than --python-budget seconds (default 60)
// run a measured fraction of their replicates and are extrapolated linearly; rows marked
// "extrap." say so.
//
// Prints per estimator: our wall and CPU seconds, Python's, the wall ratio (Python / ours) and
// the CPU ratio, a few results from each side (they must agree up to the random parts: RFF
// draws, PRDC subsamples, folds), and the peak resident memory of both processes. --growth runs
// N/100, N/10 and N and fits the exponent of each estimator's cost in N. --only KEY,... runs
// only those estimators of ours (numeric, bootstrap, categorical, slices, standardize, mmd,
// classifier, prdc), without the baseline and the end-to-end run: for profiling.
#include "parity/parity/compare.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
#include "parity/parity/slices.h"
#include "parity/parity/univariate.h"
#include "testing/python.h"

const char* const parity::bench::kProgramName = "compare";

namespace {

namespace fs = std::filesystem;
namespace pc = parity::compare;
using Clock = std::chrono::steady_clock;
using parity::bench::unwrap;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "compare: %s\n", message.c_str());
  std::exit(1);
}

struct Attribute {
  std::string name;
  std::vector<std::string> values;
  std::vector<double> train_p;
  std::vector<double> target_p;
};

std::vector<Attribute> attributes() {
  return {
      {"lighting", {"bright", "dim", "night"}, {0.70, 0.25, 0.05}, {0.50, 0.35, 0.15}},
      {"surface",
       {"carpet", "concrete", "gravel", "tile", "wood"},
       {0.30, 0.20, 0.00, 0.30, 0.20},
       {0.25, 0.25, 0.05, 0.25, 0.20}},
      {"task",
       {"close", "open", "pick", "place", "push"},
       {0.2, 0.2, 0.2, 0.2, 0.2},
       {0.2, 0.2, 0.2, 0.2, 0.2}},
      {"load", {"empty", "heavy", "light"}, {0.5, 0.2, 0.3}, {0.5, 0.2, 0.3}},
  };
}

struct Dataset {
  std::size_t n = 0;
  std::size_t features = 0;
  pc::ComparedSamples samples;
  std::vector<std::int32_t> train_codes;   // n x attributes
  std::vector<std::int32_t> target_codes;  // n x attributes
};

// Feature values for one side (see the file comment).
void generate_side(bool target, std::size_t n, std::size_t features, std::uint64_t seed,
                   std::vector<double>& values) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::poisson_distribution<int> poisson3(3.0);
  std::poisson_distribution<int> poisson4(4.0);
  values.assign(n * features, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    double* row = values.data() + r * features;
    for (std::size_t c = 0; c < features; ++c) {
      // Per-column units, the same on both sides.
      const double loc = 10.0 * static_cast<double>(c % 7) - 20.0;
      const double scale = 0.5 + static_cast<double>(c % 5);
      double x = 0;
      switch (c % 4) {
        case 0: {
          double z = normal(rng);
          if (target && c == 0) z += 0.5;
          if (target && c == 8) z *= 1.5;
          x = loc + scale * z;
          break;
        }
        case 1:
          x = scale * std::exp(0.75 * normal(rng));
          if (target && c == 5) x *= 1.5;
          break;
        case 2: x = static_cast<double>(target && c == 10 ? poisson4(rng) : poisson3(rng)); break;
        default: x = loc + scale * uniform(rng); break;
      }
      row[c] = x;
    }
    // The joint shift: f16 = 0.8 f12 + 0.6 e in the target (correlation 0.8, N(0, 1) marginals
    // before the column's units), independent in training.
    if (target && features > 16) {
      const double z12 = (row[12] - (10.0 * (12 % 7) - 20.0)) / (0.5 + 12 % 5);
      const double z16 = 0.8 * z12 + 0.6 * normal(rng);
      row[16] = (10.0 * (16 % 7) - 20.0) + (0.5 + 16 % 5) * z16;
    }
    if (features >= 8) {
      for (std::size_t c = features - 4; c < features; ++c) {
        if (uniform(rng) < (target ? 0.05 : 0.02)) row[c] = std::nan("");
      }
    }
  }
}

std::size_t draw(const std::vector<double>& p, double u) {
  double cumulative = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    cumulative += p[i];
    if (u < cumulative) return i;
  }
  std::size_t last = p.size() - 1;
  while (p[last] == 0.0) --last;
  return last;
}

void generate_sample(bool target, std::size_t n, std::uint64_t seed, pc::Sample& sample,
                     std::vector<std::int32_t>& codes) {
  const std::vector<Attribute> attrs = attributes();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  sample.episode_ids.resize(n);
  sample.sources.assign(n, target ? "field.mcap" : "lab.mcap");
  sample.attributes.resize(n);
  sample.weights.assign(n, 1.0);  // no --train-weights: every episode weighs the same
  codes.resize(n * attrs.size());
  for (std::size_t i = 0; i < n; ++i) {
    sample.episode_ids[i] = (target ? "t" : "r") + std::to_string(i);
    for (std::size_t a = 0; a < attrs.size(); ++a) {
      const std::size_t v = draw(target ? attrs[a].target_p : attrs[a].train_p, uniform(rng));
      codes[i * attrs.size() + a] = static_cast<std::int32_t>(v);
      sample.attributes[i][attrs[a].name] = attrs[a].values[v];
    }
  }
}

Dataset make_dataset(std::size_t n, std::size_t features) {
  Dataset d;
  d.n = n;
  d.features = features;
  for (std::size_t c = 0; c < features; ++c) {
    d.samples.features.push_back((c < 10 ? "f0" : "f") + std::to_string(c));
  }
  generate_side(false, n, features, 11, d.samples.train_values);
  generate_side(true, n, features, 12, d.samples.target_values);
  generate_sample(false, n, 21, d.samples.train, d.train_codes);
  generate_sample(true, n, 22, d.samples.target, d.target_codes);
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

void write_inputs(const Dataset& d, const fs::path& dir, const pc::CompareOptions& options) {
  const std::vector<Attribute> attrs = attributes();
  write_npy(dir / "train.npy", d.samples.train_values, d.n, d.features, "<f8");
  write_npy(dir / "target.npy", d.samples.target_values, d.n, d.features, "<f8");
  write_npy(dir / "train_attributes.npy", d.train_codes, d.n, attrs.size(), "<i4");
  write_npy(dir / "target_attributes.npy", d.target_codes, d.n, attrs.size(), "<i4");
  nlohmann::json meta;
  meta["features"] = d.samples.features;
  for (const Attribute& a : attrs)
    meta["attributes"].push_back({{"name", a.name}, {"values", a.values}});
  const pc::MmdOptions mmd;
  const pc::ClassifierOptions classifier;
  const pc::PrdcOptions prdc;
  const pc::NumericOptions numeric;
  meta["options"] = {{"bootstrap", options.bootstrap},
                     {"permutations", options.permutations},
                     {"seed", options.seed},
                     {"psi_bins", numeric.psi_bins},
                     {"psi_epsilon", numeric.psi_epsilon},
                     {"confidence", numeric.confidence},
                     {"fdr", options.thresholds.fdr},
                     {"min_train_count", options.slices.min_train_count},
                     {"max_order", options.slices.max_order},
                     {"bandwidth_subsample", mmd.bandwidth_subsample},
                     {"exact_max_rows", mmd.exact_max_rows},
                     {"rff_features", mmd.rff_features},
                     {"folds", classifier.folds},
                     {"c", classifier.c},
                     {"quadratic_max_columns", classifier.quadratic_max_columns},
                     {"expected_coverage", prdc.expected_coverage},
                     {"max_rows_per_side", prdc.max_rows_per_side}};
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
    {"numeric", "numeric: W1, KS + p, PSI, BH"},
    {"bootstrap", "numeric: bootstrap intervals"},
    {"categorical", "categorical: JS, L-inf, chi2, V"},
    {"slices", "slices: 1- and 2-wise coverage"},
    {"standardize", "joint: standardise"},
    {"mmd", "joint: MMD^2 + permutations"},
    {"classifier", "joint: domain classifier 5-fold"},
    {"prdc", "joint: PRDC"},
};

struct OurRun {
  std::map<std::string, Timing> stages;
  Timing total;  // compare_samples() end to end
  std::map<std::string, double> checks;
  std::string mmd_estimator;
  long maxrss_kb = 0;
};

long maxrss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Column c without its missing values, with the training weights (as compare_samples does).
void column(const std::vector<double>& values, std::size_t columns, std::size_t c,
            const std::vector<double>* weights, std::vector<double>& out,
            std::vector<double>& out_weights) {
  out.clear();
  out_weights.clear();
  const std::size_t rows = values.size() / columns;
  for (std::size_t r = 0; r < rows; ++r) {
    const double v = values[r * columns + c];
    if (std::isnan(v)) continue;
    out.push_back(v);
    if (weights != nullptr) out_weights.push_back((*weights)[r]);
  }
}

// `only`: the stage keys to run (empty: every stage and compare_samples() end to end).
OurRun run_ours(const Dataset& d, const pc::CompareOptions& options,
                const std::set<std::string>& only) {
  OurRun run;
  const auto want = [&](const char* key) { return only.empty() || only.count(key) > 0; };
  const pc::ComparedSamples& s = d.samples;
  const std::size_t columns = s.features.size();

  if (only.empty()) {
    pc::CompareReport report;
    run.total = timed([&] { report = pc::compare_samples(s, options); });
    run.checks["score"] = report.score;
  }

  // Per feature, as compare_samples() calls it: point estimates, then with the intervals.
  const auto numeric_pass = [&](std::size_t bootstrap, std::map<std::string, double>* checks) {
    pc::NumericOptions numeric;
    numeric.bootstrap = bootstrap;
    numeric.seed = options.seed;
    std::vector<double> train, train_w, target, unused;
    std::vector<double> p_values;
    double w1 = 0, ks = 0, psi = 0, ci_width = 0;
    for (std::size_t c = 0; c < columns; ++c) {
      column(s.train_values, columns, c, &s.train.weights, train, train_w);
      column(s.target_values, columns, c, nullptr, target, unused);
      const pc::NumericComparison r = unwrap(pc::compare_numeric(train, train_w, target, numeric));
      w1 += r.w1_normalized;
      ks += r.ks;
      psi += r.psi;
      ci_width += r.w1_normalized_ci.high - r.w1_normalized_ci.low;
      p_values.push_back(r.ks_p);
    }
    const std::vector<double> q = pc::benjamini_hochberg(p_values);
    if (checks != nullptr) {
      (*checks)["sum_w1_normalized"] = w1;
      (*checks)["sum_ks"] = ks;
      (*checks)["sum_psi"] = psi;
      (*checks)["ks_q_below_fdr"] = static_cast<double>(
          std::count_if(q.begin(), q.end(), [&](double v) { return v <= options.thresholds.fdr; }));
    } else {
      run.checks["mean_w1_interval_width"] = ci_width / static_cast<double>(columns);
    }
  };
  if (want("numeric") || want("bootstrap")) {
    run.stages["numeric"] = timed([&] { numeric_pass(0, &run.checks); });
  }
  if (want("bootstrap")) {
    const Timing with_bootstrap = timed([&] { numeric_pass(options.bootstrap, nullptr); });
    run.stages["bootstrap"] = {with_bootstrap.wall_s - run.stages["numeric"].wall_s,
                               with_bootstrap.cpu_s - run.stages["numeric"].cpu_s};
  }

  const std::vector<Attribute> attrs = attributes();
  if (want("categorical"))
    run.stages["categorical"] = timed([&] {
      std::vector<std::string> train, target;
      double js = 0, linf = 0, v = 0;
      std::size_t missing = 0;
      for (const Attribute& a : attrs) {
        train.clear();
        target.clear();
        for (const auto& m : s.train.attributes) train.push_back(m.at(a.name));
        for (const auto& m : s.target.attributes) target.push_back(m.at(a.name));
        const pc::CategoricalComparison r =
            unwrap(pc::compare_categorical(train, s.train.weights, target));
        js += r.js;
        linf += r.linf;
        v += r.cramers_v;
        missing += r.missing_in_train.size();
      }
      run.checks["sum_js"] = js;
      run.checks["sum_linf"] = linf;
      run.checks["sum_cramers_v"] = v;
      run.checks["missing_in_train"] = static_cast<double>(missing);
    });

  if (want("slices"))
    run.stages["slices"] = timed([&] {
      const pc::SliceCoverage coverage = pc::slice_coverage(s.train, s.target, options.slices);
      std::size_t under = 0;
      for (const pc::Slice& slice : coverage.slices) under += slice.under_supported ? 1 : 0;
      run.checks["slices"] = static_cast<double>(coverage.slices.size());
      run.checks["under_supported_slices"] = static_cast<double>(under);
      run.checks["unsupported_target_mass"] = coverage.unsupported_target_mass;
    });

  pc::Standardized standardized;
  run.stages["standardize"] = timed([&] {
    pc::Matrix train{d.n, columns, s.train_values};
    pc::Matrix target{d.n, columns, s.target_values};
    standardized = unwrap(pc::standardize(train, s.train.weights, target));
  });
  const pc::Matrix& x_train = standardized.train;
  const pc::Matrix& x_target = standardized.target;

  if (want("mmd"))
    run.stages["mmd"] = timed([&] {
      pc::MmdOptions mmd;
      mmd.permutations = options.permutations;
      mmd.seed = options.seed;
      const pc::MmdResult r = unwrap(pc::mmd_rbf(x_train, s.train.weights, x_target, mmd));
      run.checks["mmd2"] = r.mmd2;
      run.checks["mmd_p"] = r.p_value;
      run.checks["mmd_bandwidth"] = r.bandwidth;
      run.mmd_estimator = r.estimator;
    });
  if (want("classifier"))
    run.stages["classifier"] = timed([&] {
      pc::ClassifierOptions classifier;
      classifier.seed = options.seed;
      const pc::ClassifierResult r =
          unwrap(pc::domain_classifier(x_train, s.train.weights, x_target, classifier));
      run.checks["auc"] = r.auc;
      run.checks["top_feature"] =
          r.top_features.empty() ? -1.0 : static_cast<double>(r.top_features.front().first);
    });
  if (want("prdc"))
    run.stages["prdc"] = timed([&] {
      const pc::PrdcResult r = unwrap(pc::prdc(x_train, s.train.weights, x_target, {}));
      run.checks["precision"] = r.precision;
      run.checks["recall"] = r.recall;
      run.checks["density"] = r.density;
      run.checks["coverage"] = r.coverage;
      run.checks["k"] = static_cast<double>(r.k);
    });
  run.maxrss_kb = maxrss_kb();
  return run;
}

struct PythonRun {
  std::map<std::string, Timing> stages;
  std::map<std::string, std::string> notes;  // "extrapolated from 12 of 200 replicates"
  std::map<std::string, double> checks;
  std::string mmd_estimator;
  long maxrss_kb = 0;
};

std::optional<PythonRun> run_baseline(const std::string& python, const fs::path& dir,
                                      double budget_s) {
  const fs::path script = fs::path(PARITY_SOURCE_DIR) / "benchmarks" / "compare_baseline.py";
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
    PythonRun run;
    for (const auto& [key, stage] : j.at("stages").items()) {
      run.stages[key] = {stage.at("wall_s").get<double>(), stage.at("cpu_s").get<double>()};
      if (stage.contains("note")) run.notes[key] = stage.at("note").get<std::string>();
    }
    for (const auto& [key, value] : j.at("checks").items()) run.checks[key] = value.get<double>();
    run.mmd_estimator = j.at("mmd_estimator").get<std::string>();
    run.maxrss_kb = j.at("maxrss_kb").get<long>();
    return run;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "compare: the baseline printed no usable JSON (%s)\n", e.what());
    return std::nullopt;
  }
}

std::string ratio(double python, double ours) {
  if (ours <= 0 || python <= 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", python / ours);
  return text;
}

void print_table(const OurRun& ours, const std::optional<PythonRun>& python) {
  std::printf("\n  %-34s %9s %9s %10s %10s %8s %8s  %s\n", "estimator", "ours s", "ours cpu",
              "python s", "py cpu", "ratio", "cpu rat.", "note");
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
    if (std::string(stage.key) == "mmd") {
      note = "ours " + ours.mmd_estimator + (python ? ", python " + python->mmd_estimator : "") +
             (note.empty() ? "" : "; " + note);
    }
    std::printf("  %-34s %9.3f %9.3f %10.3f %10.3f %8s %8s  %s\n", stage.label, o.wall_s, o.cpu_s,
                p.wall_s, p.cpu_s, ratio(p.wall_s, o.wall_s).c_str(),
                ratio(p.cpu_s, o.cpu_s).c_str(), note.c_str());
  }
  std::printf("  %-34s %9.3f %9.3f %10s %10s\n", "sum of the estimators", sum_ours.wall_s,
              sum_ours.cpu_s, "", "");
  std::printf("  %-34s %9.3f %9.3f %10.3f %10.3f %8s %8s  %s\n", "total: compare_samples() / sum",
              ours.total.wall_s, ours.total.cpu_s, sum_python.wall_s, sum_python.cpu_s,
              ratio(sum_python.wall_s, ours.total.wall_s).c_str(),
              ratio(sum_python.cpu_s, ours.total.cpu_s).c_str(),
              extrapolated ? "python total includes extrapolated rows" : "");
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
  OurRun ours;
  std::optional<PythonRun> python;
};

Point run_at(std::size_t n, std::size_t features, const pc::CompareOptions& options,
             const std::optional<std::string>& python, double budget_s,
             const std::set<std::string>& only) {
  Point point;
  point.n = n;
  std::printf("\n== %zu training vs %zu target episodes x %zu features, %zu attributes ==\n", n, n,
              features, attributes().size());
  std::fflush(stdout);
  const Dataset d = make_dataset(n, features);
  if (python) {
    const fs::path dir =
        fs::temp_directory_path() / ("parity_compare_bench_" + std::to_string(getpid()));
    fs::create_directories(dir);
    write_inputs(d, dir, options);
    point.python = run_baseline(*python, dir, budget_s);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!point.python) fail("the Python baseline failed");
  }
  point.ours = run_ours(d, options, only);
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
      "\n== growth: wall seconds per estimator (ours) and the fitted exponent b in t ~ n^b "
      "==\n\n  %-34s",
      "estimator");
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
  for (const Stage& stage : kStages) {
    if (points.front().ours.stages.count(stage.key) == 0) continue;
    row(stage.label, [&](const Point& p) { return p.ours.stages.at(stage.key).wall_s; });
  }
  if (points.front().ours.total.wall_s > 0) {
    row("total: compare_samples()", [](const Point& p) { return p.ours.total.wall_s; });
  }
  if (points.front().python) {
    std::printf("\n  python (wall s):\n");
    for (const Stage& stage : kStages) {
      row(stage.label, [&](const Point& p) { return p.python->stages.at(stage.key).wall_s; });
    }
  }
  std::printf("\n  MMD estimator per n (ours / python):");
  for (const Point& p : points) {
    std::printf(" %zu: %s/%s", p.n, p.ours.mmd_estimator.c_str(),
                p.python ? p.python->mmd_estimator.c_str() : "-");
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100000;
  std::size_t features = 64;
  bool growth = false;
  bool baseline = true;
  double budget_s = 60;
  std::set<std::string> only;
  pc::CompareOptions options;  // what `parity compare` defaults to
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> long {
      if (i + 1 >= argc) fail("missing value after " + arg);
      return std::atol(argv[++i]);
    };
    if (arg == "--n") {
      n = static_cast<std::size_t>(std::max(100L, next()));
    } else if (arg == "--features") {
      features = static_cast<std::size_t>(std::max(1L, next()));
    } else if (arg == "--bootstrap") {
      options.bootstrap = static_cast<std::size_t>(std::max(0L, next()));
    } else if (arg == "--permutations") {
      options.permutations = static_cast<std::size_t>(std::max(0L, next()));
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
          fail("--only: unknown estimator " + key);
        }
        only.insert(key);
      }
      baseline = false;
    } else {
      std::fprintf(stderr,
                   "usage: compare [--n N] [--features F] [--growth] [--bootstrap B] "
                   "[--permutations P] [--python-budget S] [--no-baseline] [--only KEY,...]\n");
      return 2;
    }
  }
  std::optional<std::string> python;
  if (baseline) {
    python = parity::testing::python_with("numpy, scipy.stats, sklearn");
    if (!python) std::printf("compare: no python3 with numpy, scipy and sklearn: no baseline\n");
  }
  std::printf(
      "compare: parity compare statistics vs SciPy / scikit-learn / NumPy; bootstrap %zu, "
      "permutations %zu, seed %llu; %u hardware threads (ours: all of them)\n",
      options.bootstrap, options.permutations, static_cast<unsigned long long>(options.seed),
      std::thread::hardware_concurrency());
  std::printf(
      "  ratio = python wall / ours; cpu rat. = python CPU / ours (per-core); the total row "
      "compares compare_samples() end to end with the sum of python's steps\n");
  if (!growth) {
    run_at(n, features, options, python, budget_s, only);
    return 0;
  }
  std::vector<Point> points;
  for (const std::size_t size :
       {std::max<std::size_t>(100, n / 100), std::max<std::size_t>(100, n / 10), n}) {
    points.push_back(run_at(size, features, options, python, budget_s, only));
  }
  print_growth(points);
  return 0;
}
