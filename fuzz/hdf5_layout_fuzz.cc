// libFuzzer target for HDF5 layout detection and recording planning (parity/formats/hdf5/
// hdf5_layout.h). The input is not an HDF5 file: it is decoded into an Hdf5Tree with the tiny
// encoding below, optionally preceded by a mapping file, and planned. Any crash, hang, sanitizer
// report or broken plan invariant is a bug. libhdf5's own parser is not fuzzed here (see
// docs/formats/hdf5.md); hostile real files are covered by src/formats/hdf5/test.
//
// Encoding. Optional prefix: 'M' <mapping YAML> '\0' (given to parse_hdf5_mapping()). Then a
// sequence of operations, each one byte `op` (op % 8) followed by operands:
//   0 group     <name>           add a group to the current group and enter it (depth <= 12)
//   1 up                         leave the current group
//   2 dataset   <name> <class> <size> <rank> <dim>... <chunk> <storage> <readable>
//   3 attribute <name> <kind> <text>   on the current group
//   4 attribute <name> <kind> <text>   on the last node added
//   5 strings   <count> <text>...      inline string-array value of the last node added
//   6 numbers   <count> <dim>...       inline number-array value of the last node added
//   7 file size <dim>
// <name>: byte b < 224 picks kNames[b % size]; otherwise a literal of (next byte % 16) bytes.
// <text>: byte b < 224 picks kTexts[b % size]; otherwise a literal of (next two bytes) % 512
// bytes. <dim>: byte b < 240 picks kDims[b % size]; otherwise 8 raw bytes (little-endian).
// <class> % 5 = integer, float, bool, string, other; <size> picks 1, 2, 4, 8, 16, 3; <rank> % 6;
// <chunk> % 3 = none, (1, ...), (dim0, ...); <kind> % 7 = Hdf5Value::Kind.
// Seeds: fuzz/corpus/hdf5_layout/ (one per layout, a mapped file, an unknown layout).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/formats/hdf5/hdf5_layout.h"
#include "parity/formats/hdf5/hdf5_mapping.h"

namespace {

using parity::hdf5::Hdf5Class;
using parity::hdf5::Hdf5Node;
using parity::hdf5::Hdf5Tree;
using parity::hdf5::Hdf5Value;

constexpr const char* kNames[] = {
    "data",
    "demo_0",
    "demo_1",
    "demo_2",
    "demo_10",
    "obs",
    "next_obs",
    "actions",
    "states",
    "rewards",
    "dones",
    "mask",
    "train",
    "valid",
    "agentview_image",
    "observations",
    "qpos",
    "qvel",
    "images",
    "top",
    "action",
    "compress_len",
    "datagen_info",
    "src_demo_inds",
    "env_args",
    "total",
    "num_samples",
    "model_file",
    "repository_version",
    "env",
    "env_info",
    "problem_info",
    "bddl_file_content",
    "sim",
    "compress",
    "date",
    "time",
    "runs",
    "run_a",
    "cam",
    "joints",
    "eef_pose",
    "object_poses",
    "language_instruction",
    "x",
    "demo_3",
    "demo_01",
    "effort",
    "base_action",
    "env_name",
};

constexpr const char* kTexts[] = {
    R"({"env_name":"Lift","type":1,"env_version":"1.4.1","env_kwargs":{"robots":["Panda"],"control_freq":20}})",
    R"({"env_name":"Lift","robots":"Panda","controller_configs":{"type":"OSC_POSE"}})",
    R"({"control_freq":0})",
    R"({"env_kwargs":{"control_freq":1e308,"robots":[["a"],{"b":1}]}})",
    R"({"problem_name":"p","language_instruction":"open the drawer"})",
    R"([1,2,{"a":null}])",
    "{",
    "1.4.1",
    "0.1.0",
    "SawyerLift",
    "demo_1",
    "demo_10",
    "true",
    "20",
    "",
    "<mujoco model=\"base\">\n</mujoco>",
};

constexpr std::uint64_t kDims[] = {0,          1,          2,     3,   4,    7,        14,
                                   32,         84,         480,   640, 1000, 1u << 20, 1ull << 31,
                                   1ull << 32, 1ull << 40, ~0ull, 5,   6,    16};

class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ >= bytes_.size(); }
  std::uint8_t byte() { return done() ? 0 : static_cast<std::uint8_t>(bytes_[pos_++]); }
  std::string literal(std::size_t n) {
    n = std::min(n, bytes_.size() - std::min(pos_, bytes_.size()));
    std::string out(bytes_.substr(pos_, n));
    pos_ += n;
    return out;
  }
  std::string name() {
    const std::uint8_t b = byte();
    if (b < 224) return kNames[b % std::size(kNames)];
    return literal(byte() % 16);
  }
  std::string text() {
    const std::uint8_t b = byte();
    if (b < 224) return kTexts[b % std::size(kTexts)];
    const std::size_t n = (static_cast<std::size_t>(byte()) << 8 | byte()) % 512;
    return literal(n);
  }
  std::uint64_t dim() {
    const std::uint8_t b = byte();
    if (b < 240) return kDims[b % std::size(kDims)];
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(byte()) << (8 * i);
    return v;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

Hdf5Value make_value(Decoder& in) {
  Hdf5Value value;
  value.kind = static_cast<Hdf5Value::Kind>(in.byte() % 7);
  value.text = in.text();
  value.full_size = value.text.size() + (in.byte() % 2 == 0 ? 0 : 1000);
  value.truncated = value.full_size != value.text.size();
  if (value.kind == Hdf5Value::Kind::kInteger || value.kind == Hdf5Value::Kind::kFloat) {
    value.numbers = {static_cast<double>(in.dim())};
  }
  return value;
}

Hdf5Tree decode_tree(Decoder& in) {
  Hdf5Tree tree;
  tree.file_bytes = 1ull << 30;
  std::vector<Hdf5Node*> stack = {&tree.root};
  Hdf5Node* last = &tree.root;
  std::size_t nodes = 1;
  while (!in.done() && nodes < 20000) {
    Hdf5Node& current = *stack.back();
    switch (in.byte() % 8) {
      case 0: {
        Hdf5Node group;
        group.name = in.name();
        current.children.push_back(std::move(group));
        last = &current.children.back();
        ++nodes;
        if (stack.size() < 12) stack.push_back(last);
        break;
      }
      case 1:
        if (stack.size() > 1) stack.pop_back();
        last = stack.back();
        break;
      case 2: {
        Hdf5Node node;
        node.name = in.name();
        node.kind = Hdf5Node::Kind::kDataset;
        auto& d = node.dataset;
        d.type_class = static_cast<Hdf5Class>(in.byte() % 5);
        constexpr std::uint32_t kSizes[] = {1, 2, 4, 8, 16, 3};
        const std::uint8_t size = in.byte();
        d.element_size = kSizes[size % 6];
        d.is_signed = (size & 0x80) != 0;
        const std::size_t rank = in.byte() % 6;
        for (std::size_t i = 0; i < rank; ++i) d.dims.push_back(in.dim());
        const std::uint8_t chunk = in.byte() % 3;
        if (chunk != 0 && !d.dims.empty()) {
          d.chunk_dims = d.dims;
          d.chunk_dims[0] = chunk == 1 ? 1 : d.dims[0];
        }
        d.storage_bytes = in.dim();
        if (in.byte() % 4 == 0) d.unreadable = "fuzz: unreadable";
        current.children.push_back(std::move(node));
        last = &current.children.back();
        ++nodes;
        break;
      }
      case 3:
      case 4: {
        Hdf5Node& target = (in.byte() % 2 == 0) ? current : *last;
        parity::hdf5::Hdf5Attribute attribute;
        attribute.name = in.name();
        attribute.value = make_value(in);
        target.attributes.push_back(std::move(attribute));
        break;
      }
      case 5: {
        Hdf5Value& value = last->dataset.value;
        value.kind = Hdf5Value::Kind::kStringArray;
        const std::size_t count = in.byte() % 8;
        for (std::size_t i = 0; i < count; ++i) value.strings.push_back(in.text());
        value.truncated = in.byte() % 5 == 0;
        break;
      }
      case 6: {
        Hdf5Value& value = last->dataset.value;
        value.kind = Hdf5Value::Kind::kNumberArray;
        const std::size_t count = in.byte() % 8;
        for (std::size_t i = 0; i < count; ++i)
          value.numbers.push_back(static_cast<double>(in.dim()));
        break;
      }
      case 7: tree.file_bytes = in.dim(); break;
    }
  }
  tree.object_count = nodes;
  return tree;
}

#define CHECK_PLAN(condition)                                          \
  do {                                                                 \
    if (!(condition)) {                                                \
      std::fprintf(stderr, "plan invariant failed: %s\n", #condition); \
      std::abort();                                                    \
    }                                                                  \
  } while (false)

// Invariants every plan must satisfy (parity/formats/recording.h, hdf5_layout.h).
void check_plan(const parity::hdf5::Hdf5Plan& plan) {
  const auto& info = plan.info;
  CHECK_PLAN(!info.episodes.empty());
  CHECK_PLAN(plan.episodes.size() == info.episodes.size());
  CHECK_PLAN(plan.streams.size() == info.streams.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < info.streams.size(); ++i) {
    CHECK_PLAN(info.streams[i].id == i);
    CHECK_PLAN(plan.streams[i].rate_hz >= parity::hdf5::kHdf5MinRateHz &&
               plan.streams[i].rate_hz <= parity::hdf5::kHdf5MaxRateHz);
  }
  std::int64_t previous_end = 0;
  for (std::size_t e = 0; e < info.episodes.size(); ++e) {
    const auto& episode = info.episodes[e];
    CHECK_PLAN(episode.index == e);
    std::uint64_t count = 0;
    for (std::size_t s = 0; s < episode.streams.size(); ++s) {
      const auto& span = episode.streams[s];
      CHECK_PLAN(span.stream_id < info.streams.size());
      CHECK_PLAN(s == 0 || episode.streams[s - 1].stream_id < span.stream_id);
      CHECK_PLAN(span.message_count == 0 || span.start_ns <= span.end_ns);
      count += span.message_count;
    }
    CHECK_PLAN(count == episode.message_count);
    for (const auto& dataset : plan.episodes[e].datasets) {
      CHECK_PLAN(dataset.row_bytes > 0 && dataset.row_bytes <= parity::hdf5::kHdf5MaxRowBytes);
      CHECK_PLAN(dataset.rows <= parity::hdf5::kHdf5MaxSteps);
    }
    if (episode.message_count > 0) {
      CHECK_PLAN(episode.start_ns >= previous_end);
      previous_end = episode.end_ns;
    }
    total += episode.message_count;
    for (const auto& [key, value] : episode.attributes) {
      CHECK_PLAN(!key.empty());
      for (const char c : key) {
        CHECK_PLAN((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '/' || c == '-');
      }
    }
  }
  CHECK_PLAN(total == info.message_count);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<parity::hdf5::Hdf5Mapping> mapping;
  if (!bytes.empty() && bytes.front() == 'M') {
    const std::size_t end = bytes.find('\0');
    const std::string_view yaml =
        bytes.substr(1, end == std::string_view::npos ? bytes.size() - 1 : end - 1);
    auto parsed = parity::hdf5::parse_hdf5_mapping(yaml, "fuzz.yaml");
    if (parsed.ok()) mapping = std::move(parsed).value();
    bytes = end == std::string_view::npos ? std::string_view() : bytes.substr(end + 1);
  }
  Decoder in(bytes);
  const Hdf5Tree tree = decode_tree(in);
  parity::NullDiagnosticSink diagnostics;
  (void)parity::hdf5::detect_hdf5_layout(tree, "fuzz.hdf5");
  auto plan = parity::hdf5::plan_hdf5_recording(tree, nullptr, "fuzz.hdf5", diagnostics);
  if (plan.ok()) check_plan(*plan);
  if (mapping) {
    auto mapped = parity::hdf5::plan_hdf5_recording(tree, &*mapping, "fuzz.hdf5", diagnostics);
    if (mapped.ok()) check_plan(*mapped);
  }
  return 0;
}
