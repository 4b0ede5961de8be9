// Layout detection and recording planning: pure functions of an Hdf5Tree.
#include "parity/formats/hdf5/hdf5_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "parity/core/hash.h"

namespace parity::hdf5 {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxListed = 20;          // names listed in an error message
constexpr std::size_t kMaxAttributeText = 256;  // longest string attribute copied as-is
constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return a * b;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > kMaxTime - b) return kMaxTime;
  return a + b;
}

std::string join_path(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  return fmt::format("{}/{}", parent, name);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// Up to kMaxListed items, then "... and N more".
std::string list_some(const std::vector<std::string>& items) {
  std::vector<std::string> shown(
      items.begin(),
      items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), kMaxListed)));
  std::string out = join(shown, ", ");
  if (items.size() > kMaxListed) out += fmt::format(", ... and {} more", items.size() - kMaxListed);
  return out;
}

// Attribute keys must match [A-Za-z0-9_./-]+ (EpisodeInfo::attributes).
std::string sanitize_key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '/' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty()) out = "_";
  return out;
}

bool is_demo_name(std::string_view name) {
  constexpr std::string_view kPrefix = "demo_";
  if (name.size() <= kPrefix.size() || name.substr(0, kPrefix.size()) != kPrefix) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool is_group(const Hdf5Node* node) {
  return node != nullptr && node->kind == Hdf5Node::Kind::kGroup;
}
bool is_dataset(const Hdf5Node* node) {
  return node != nullptr && node->kind == Hdf5Node::Kind::kDataset;
}

// Text of a scalar attribute (string, integer, float, bool); "" otherwise.
std::string attribute_text(const Hdf5Node* node, std::string_view name) {
  if (node == nullptr) return "";
  const Hdf5Attribute* attribute = node->attribute(name);
  if (attribute == nullptr) return "";
  switch (attribute->value.kind) {
    case Hdf5Value::Kind::kString:
    case Hdf5Value::Kind::kInteger:
    case Hdf5Value::Kind::kFloat:
    case Hdf5Value::Kind::kBool: return attribute->value.text;
    default: return "";
  }
}

std::string format_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 9.0e15) {
    return fmt::format("{}", static_cast<std::int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string dims_text(const std::vector<std::uint64_t>& dims) {
  std::vector<std::string> parts;
  parts.reserve(dims.size());
  for (const std::uint64_t d : dims) parts.push_back(fmt::format("{}", d));
  return fmt::format("({})", join(parts, ","));
}

std::string class_text(const Hdf5DatasetInfo& d) {
  switch (d.type_class) {
    case Hdf5Class::kInteger:
      return fmt::format("{}int{}", d.is_signed ? "" : "u", d.element_size * 8);
    case Hdf5Class::kFloat: return fmt::format("float{}", d.element_size * 8);
    case Hdf5Class::kBool: return "bool";
    case Hdf5Class::kString: return "string";
    case Hdf5Class::kOther: break;
  }
  return "other";
}

std::optional<DType> dtype_of(const Hdf5DatasetInfo& d) {
  switch (d.type_class) {
    case Hdf5Class::kBool: return DType::kBool;
    case Hdf5Class::kInteger:
      switch (d.element_size) {
        case 1: return d.is_signed ? DType::kInt8 : DType::kUint8;
        case 2: return d.is_signed ? DType::kInt16 : DType::kUint16;
        case 4: return d.is_signed ? DType::kInt32 : DType::kUint32;
        case 8: return d.is_signed ? DType::kInt64 : DType::kUint64;
        default: return std::nullopt;
      }
    case Hdf5Class::kFloat:
      switch (d.element_size) {
        case 2: return DType::kFloat16;
        case 4: return DType::kFloat32;
        case 8: return DType::kFloat64;
        default: return std::nullopt;
      }
    default: return std::nullopt;
  }
}

// Parsed JSON attribute; nullopt (with a warning) when present but not JSON.
std::optional<json> attribute_json(const Hdf5Node* node, std::string_view node_path,
                                   std::string_view name, std::string_view file,
                                   DiagnosticSink& diagnostics) {
  if (node == nullptr) return std::nullopt;
  const Hdf5Attribute* attribute = node->attribute(name);
  if (attribute == nullptr) return std::nullopt;
  if (attribute->value.kind != Hdf5Value::Kind::kString || attribute->value.truncated) {
    diagnostics.warn(
        std::string(file), std::nullopt,
        fmt::format("{}: attribute {} is not a readable JSON string; ignored", node_path, name));
    return std::nullopt;
  }
  json parsed = json::parse(attribute->value.text, nullptr, false);
  if (parsed.is_discarded()) {
    diagnostics.warn(std::string(file), std::nullopt,
                     fmt::format("{}: attribute {} is not valid JSON ({} bytes); ignored",
                                 node_path, name, attribute->value.text.size()));
    return std::nullopt;
  }
  return parsed;
}

const json* json_member(const std::optional<json>& object, std::string_view key) {
  if (!object || !object->is_object()) return nullptr;
  const auto it = object->find(std::string(key));
  return it == object->end() ? nullptr : &*it;
}

const json* json_member(const json* object, std::string_view key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  const auto it = object->find(std::string(key));
  return it == object->end() ? nullptr : &*it;
}

// A string, number or bool as text; a list of those joined with ','; "" otherwise.
std::string json_text(const json* value) {
  if (value == nullptr) return "";
  if (value->is_string()) return value->get_ref<const std::string&>();
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  if (value->is_number_integer()) return fmt::format("{}", value->get<std::int64_t>());
  if (value->is_number_unsigned()) return fmt::format("{}", value->get<std::uint64_t>());
  if (value->is_number_float()) return format_number(value->get<double>());
  if (value->is_array()) {
    std::vector<std::string> parts;
    for (const json& item : *value) {
      if (item.is_array() || item.is_object()) return "";
      parts.push_back(json_text(&item));
    }
    return join(parts, ",");
  }
  return "";
}

std::optional<double> json_number(const json* value) {
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

void put(std::map<std::string, std::string>& entries, const std::string& key,
         const std::string& value) {
  if (!value.empty()) entries[key] = value;
}

// One per-step dataset chosen for a stream in one episode, before ids are assigned.
struct StreamDraft {
  Hdf5StreamKind kind = Hdf5StreamKind::kTensor;
  TensorSpec step;
  double rate_hz = 20.0;
  std::string image_encoding;
  std::string image_format;
  std::string source_key;
};

struct DatasetDraft {
  std::string topic;
  std::string path;
  StreamDraft stream;
  std::uint64_t rows = 0;
  std::uint64_t chunk_rows = 0;
  std::uint64_t row_bytes = 0;
};

struct EpisodeDraft {
  std::string name;
  std::string group_path;
  const Hdf5Node* group = nullptr;
  std::uint64_t steps = 0;
  std::map<std::string, std::string> attributes;
  std::vector<DatasetDraft> datasets;
};

// How one dataset should be delivered (from the layout or a mapping entry).
struct Hints {
  std::optional<Hdf5StreamKind> type;
  std::string image_encoding;
  std::string image_format;
  double rate_hz = 20.0;
};

class Planner {
 public:
  Planner(const Hdf5Tree& tree, const Hdf5Mapping* mapping, std::string_view file,
          DiagnosticSink& diagnostics)
      : tree_(tree), mapping_(mapping), file_(file), diagnostics_(diagnostics) {}

  Result<Hdf5Plan> run();

 private:
  void info(const std::string& message) {
    diagnostics_.info(std::string(file_), std::nullopt, message);
  }
  void warn(const std::string& message) {
    diagnostics_.warn(std::string(file_), std::nullopt, message);
  }

  Status find_episodes();
  Status find_mapped_episodes();
  void match_pattern(const Hdf5Node& node, const std::string& path,
                     const std::vector<std::string>& components, std::size_t index,
                     std::vector<std::pair<std::string, const Hdf5Node*>>& out);
  void recording_metadata();
  void robosuite_metadata(const Hdf5Node* data);
  void robomimic_metadata(const Hdf5Node* data);
  void aloha_metadata();
  void mapped_metadata();
  void set_rate(std::optional<double> rate, std::string_view source);

  void plan_episode(EpisodeDraft& episode);
  void collect_auto(const Hdf5Node& group, const std::string& relative, EpisodeDraft& episode,
                    std::vector<std::pair<std::string, const Hdf5Node*>>& out);
  std::optional<DatasetDraft> classify(const Hdf5Node& node, const std::string& path,
                                       const std::string& topic, const Hints& hints);
  std::uint64_t episode_steps(const EpisodeDraft& episode,
                              const std::vector<DatasetDraft>& datasets);
  void episode_attributes(EpisodeDraft& episode);

  Hdf5Plan assemble();

  const Hdf5Tree& tree_;
  const Hdf5Mapping* mapping_;
  std::string_view file_;
  DiagnosticSink& diagnostics_;

  Hdf5Layout layout_ = Hdf5Layout::kRobomimic;
  double rate_hz_ = kRobosuiteDefaultRateHz;
  bool aloha_compressed_ = false;
  std::string library_;
  std::vector<MetadataRecord> metadata_;
  std::map<std::string, std::set<std::string>> filter_keys_;  // key -> demo names
  std::vector<EpisodeDraft> episodes_;
  std::map<std::string, StreamDraft> streams_;  // topic -> first-seen description
};

Result<Hdf5Plan> Planner::run() {
  if (mapping_ != nullptr) {
    layout_ = Hdf5Layout::kMapped;
  } else {
    PARITY_ASSIGN_OR_RETURN(layout_, detect_hdf5_layout(tree_, file_));
  }
  if (layout_ == Hdf5Layout::kAloha) rate_hz_ = kAlohaRateHz;
  if (layout_ == Hdf5Layout::kMapped) {
    rate_hz_ = mapping_->rate_hz.value_or(kMappedDefaultRateHz);
    if (!mapping_->rate_hz) {
      info(fmt::format("mapping sets no rate_hz: synthetic times use {} Hz", rate_hz_));
    }
  }
  PARITY_RETURN_IF_ERROR(find_episodes());
  recording_metadata();
  for (EpisodeDraft& episode : episodes_) plan_episode(episode);
  return assemble();
}

Status Planner::find_episodes() {
  if (layout_ == Hdf5Layout::kMapped) return find_mapped_episodes();
  if (layout_ == Hdf5Layout::kAloha) {
    EpisodeDraft episode;
    episode.group = &tree_.root;
    episodes_.push_back(std::move(episode));
    return {};
  }
  const Hdf5Node* data = tree_.root.child("data");
  std::vector<const Hdf5Node*> demos;
  std::vector<std::string> ignored;
  if (is_group(data)) {
    for (const Hdf5Node& child : data->children) {
      if (child.kind == Hdf5Node::Kind::kGroup && is_demo_name(child.name)) {
        demos.push_back(&child);
      } else {
        ignored.push_back(child.name);
      }
    }
  }
  if (!ignored.empty()) {
    info(fmt::format("data: {} member(s) not named demo_<i> are not episodes: {}", ignored.size(),
                     list_some(ignored)));
  }
  if (demos.empty()) {
    return corrupt(fmt::format("{}: {} layout but data/ holds no demo_<i> groups", file_,
                               hdf5_layout_name(layout_)));
  }
  std::stable_sort(demos.begin(), demos.end(), [](const Hdf5Node* a, const Hdf5Node* b) {
    return hdf5_natural_less(a->name, b->name);
  });
  for (const Hdf5Node* demo : demos) {
    EpisodeDraft episode;
    episode.name = demo->name;
    episode.group_path = join_path("data", demo->name);
    episode.group = demo;
    episodes_.push_back(std::move(episode));
  }
  return {};
}

void Planner::match_pattern(const Hdf5Node& node, const std::string& path,
                            const std::vector<std::string>& components, std::size_t index,
                            std::vector<std::pair<std::string, const Hdf5Node*>>& out) {
  if (index == components.size()) {
    out.emplace_back(path, &node);
    return;
  }
  for (const Hdf5Node& child : node.children) {
    if (child.kind != Hdf5Node::Kind::kGroup) continue;
    if (!hdf5_glob_match(components[index], child.name)) continue;
    match_pattern(child, join_path(path, child.name), components, index + 1, out);
  }
}

Status Planner::find_mapped_episodes() {
  std::vector<std::string> components;
  const std::string& pattern = mapping_->episodes;
  std::size_t pos = 0;
  while (pos <= pattern.size()) {
    std::size_t end = pattern.find('/', pos);
    if (end == std::string::npos) end = pattern.size();
    if (end > pos) components.push_back(pattern.substr(pos, end - pos));
    pos = end + 1;
  }
  std::vector<std::pair<std::string, const Hdf5Node*>> groups;
  match_pattern(tree_.root, "", components, 0, groups);
  if (groups.empty()) {
    return unsupported(
        fmt::format("{}: the mapping's episodes pattern '{}' matches no group", file_, pattern));
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return hdf5_natural_less(a.first, b.first);
  });
  for (const auto& [path, node] : groups) {
    EpisodeDraft episode;
    episode.group_path = path;
    episode.group = node;
    if (!components.empty()) {
      const std::size_t slash = path.rfind('/');
      episode.name = slash == std::string::npos ? path : path.substr(slash + 1);
    }
    episodes_.push_back(std::move(episode));
  }
  return {};
}

void Planner::set_rate(std::optional<double> rate, std::string_view source) {
  if (!rate) return;
  if (!std::isfinite(*rate) || *rate < kHdf5MinRateHz || *rate > kHdf5MaxRateHz) {
    warn(fmt::format("{} = {} is outside [{}, {}] Hz; synthetic times use {} Hz", source,
                     format_number(*rate), kHdf5MinRateHz, kHdf5MaxRateHz, rate_hz_));
    return;
  }
  rate_hz_ = *rate;
}

void Planner::recording_metadata() {
  const Hdf5Node* data = tree_.root.child("data");
  switch (layout_) {
    case Hdf5Layout::kRobosuite: robosuite_metadata(data); break;
    case Hdf5Layout::kRobomimic:
    case Hdf5Layout::kLibero:
    case Hdf5Layout::kMimicgen: robomimic_metadata(data); break;
    case Hdf5Layout::kAloha: aloha_metadata(); break;
    case Hdf5Layout::kMapped: mapped_metadata(); break;
  }
}

// Robots known from robosuite 0.x environment names ("SawyerLift" = Sawyer + Lift).
constexpr std::string_view kRobosuiteRobots[] = {"Sawyer", "Baxter",  "Panda", "Jaco",
                                                 "IIWA",   "Kinova3", "UR5e"};

void Planner::robosuite_metadata(const Hdf5Node* data) {
  const std::string version = attribute_text(data, "repository_version");
  const std::string env = attribute_text(data, "env");
  const std::optional<json> env_info =
      attribute_json(data, "data", "env_info", file_, diagnostics_);
  std::string robots = json_text(json_member(env_info, "robots"));
  std::string task = env;
  if (robots.empty()) {
    for (const std::string_view robot : kRobosuiteRobots) {
      if (env.size() > robot.size() && env.compare(0, robot.size(), robot) == 0) {
        robots = std::string(robot);
        task = env.substr(robot.size());
        break;
      }
    }
  }
  set_rate(json_number(json_member(env_info, "control_freq")), "data.env_info.control_freq");
  MetadataRecord record{"robosuite", {}};
  put(record.entries, "repository_version", version);
  put(record.entries, "env", env);
  put(record.entries, "date", attribute_text(data, "date"));
  put(record.entries, "time", attribute_text(data, "time"));
  put(record.entries, "env_name", json_text(json_member(env_info, "env_name")));
  put(record.entries, "robots", robots);
  put(record.entries, "controller",
      json_text(json_member(json_member(env_info, "controller_configs"), "type")));
  put(record.entries, "num_demos", fmt::format("{}", episodes_.size()));
  MetadataRecord attributes{"attributes", {}};
  put(attributes.entries, "task", task);
  put(attributes.entries, "embodiment", robots);
  metadata_.push_back(std::move(attributes));
  metadata_.push_back(std::move(record));
  library_ = version.empty() ? "robosuite" : fmt::format("robosuite {}", version);
}

std::string env_type_name(const json* type) {
  const std::optional<double> number = json_number(type);
  if (!number) return json_text(type);
  if (*number == 1) return "robosuite";
  if (*number == 2) return "gym";
  if (*number == 3) return "ig_momart";
  return format_number(*number);
}

void Planner::robomimic_metadata(const Hdf5Node* data) {
  const std::optional<json> env_args =
      attribute_json(data, "data", "env_args", file_, diagnostics_);
  const std::optional<json> env_info =
      attribute_json(data, "data", "env_info", file_, diagnostics_);
  const json* kwargs = json_member(env_args, "env_kwargs");
  std::string env_name = json_text(json_member(env_args, "env_name"));
  if (env_name.empty()) env_name = attribute_text(data, "env_name");
  if (env_name.empty()) env_name = attribute_text(data, "env");
  std::string robots = json_text(json_member(kwargs, "robots"));
  if (robots.empty()) robots = json_text(json_member(env_info, "robots"));
  const std::string env_type = env_type_name(json_member(env_args, "type"));
  const std::string env_version = json_text(json_member(env_args, "env_version"));
  std::optional<double> rate = json_number(json_member(kwargs, "control_freq"));
  if (rate) {
    set_rate(rate, "data.env_args.env_kwargs.control_freq");
  } else {
    set_rate(json_number(json_member(env_info, "control_freq")), "data.env_info.control_freq");
  }

  const std::string name(hdf5_layout_name(layout_));
  MetadataRecord record{name, {}};
  put(record.entries, "env_name", env_name);
  put(record.entries, "env_type", env_type);
  put(record.entries, "env_version", env_version);
  put(record.entries, "robots", robots);
  put(record.entries, "total", attribute_text(data, "total"));
  put(record.entries, "num_demos", fmt::format("{}", episodes_.size()));
  if (json_member(kwargs, "control_freq") != nullptr) {
    put(record.entries, "control_freq", json_text(json_member(kwargs, "control_freq")));
  }
  for (const char* key : {"repository_version", "date", "time", "env"}) {
    put(record.entries, key, attribute_text(data, key));
  }

  // robomimic filter keys: mask/<key> = array of demo names.
  const Hdf5Node* mask = tree_.root.child("mask");
  if (is_group(mask)) {
    std::vector<std::string> keys;
    for (const Hdf5Node& child : mask->children) {
      if (child.kind != Hdf5Node::Kind::kDataset) continue;
      const Hdf5Value& value = child.dataset.value;
      if (value.kind != Hdf5Value::Kind::kStringArray || value.truncated) {
        warn(
            fmt::format("mask/{}: filter key is not a readable array of demo names ({} {}); "
                        "ignored",
                        child.name, class_text(child.dataset), dims_text(child.dataset.dims)));
        continue;
      }
      keys.push_back(child.name);
      std::set<std::string>& members = filter_keys_[sanitize_key(child.name)];
      members.insert(value.strings.begin(), value.strings.end());
    }
    put(record.entries, "filter_keys", join(keys, ","));
  }

  std::string task = env_name;
  std::string library = layout_ == Hdf5Layout::kMimicgen ? "mimicgen" : "robomimic";
  if (layout_ == Hdf5Layout::kLibero) {
    library = "libero";
    const std::optional<json> problem =
        attribute_json(data, "data", "problem_info", file_, diagnostics_);
    const std::string instruction = json_text(json_member(problem, "language_instruction"));
    put(record.entries, "problem_name", json_text(json_member(problem, "problem_name")));
    put(record.entries, "domain_name", json_text(json_member(problem, "domain_name")));
    put(record.entries, "language_instruction", instruction);
    put(record.entries, "bddl_file_name", attribute_text(data, "bddl_file_name"));
    put(record.entries, "macros_image_convention", attribute_text(data, "macros_image_convention"));
    if (!instruction.empty()) task = instruction;
  }
  if (layout_ == Hdf5Layout::kMimicgen) {
    std::set<std::string> keys;
    for (const EpisodeDraft& episode : episodes_) {
      const Hdf5Node* datagen = episode.group->child("datagen_info");
      if (!is_group(datagen)) continue;
      for (const Hdf5Node& child : datagen->children) keys.insert(child.name);
      break;
    }
    put(record.entries, "datagen_info", join({keys.begin(), keys.end()}, ","));
  }
  if (env_type == "robosuite" && !env_version.empty()) {
    library = fmt::format("robosuite {}", env_version);
  }
  MetadataRecord attributes{"attributes", {}};
  put(attributes.entries, "task", task);
  put(attributes.entries, "embodiment", robots);
  if (layout_ == Hdf5Layout::kLibero) put(attributes.entries, "env", env_name);
  metadata_.push_back(std::move(attributes));
  metadata_.push_back(std::move(record));
  library_ = library;
}

void Planner::aloha_metadata() {
  const std::string sim = attribute_text(&tree_.root, "sim");
  const std::string compress = attribute_text(&tree_.root, "compress");
  aloha_compressed_ = compress == "true" || compress == "1";
  std::vector<std::string> cameras;
  const Hdf5Node* images = tree_.find("observations/images");
  if (is_group(images)) {
    for (const Hdf5Node& child : images->children) {
      if (child.kind == Hdf5Node::Kind::kDataset) cameras.push_back(child.name);
    }
  }
  MetadataRecord record{"aloha", {}};
  put(record.entries, "sim", sim);
  put(record.entries, "compress", compress);
  put(record.entries, "cameras", join(cameras, ","));
  MetadataRecord attributes{"attributes", {}};
  put(attributes.entries, "embodiment", "aloha");
  put(attributes.entries, "sim", sim == "1" ? "true" : (sim == "0" ? "false" : sim));
  metadata_.push_back(std::move(attributes));
  metadata_.push_back(std::move(record));
}

void Planner::mapped_metadata() {
  MetadataRecord attributes{"attributes", {}};
  for (const auto& [key, value] : mapping_->attributes) put(attributes.entries, key, value);
  MetadataRecord record{"mapping", {}};
  put(record.entries, "episodes", mapping_->episodes.empty() ? "/" : mapping_->episodes);
  put(record.entries, "streams", fmt::format("{}", mapping_->streams.size()));
  if (!attributes.entries.empty()) metadata_.push_back(std::move(attributes));
  metadata_.push_back(std::move(record));
}

void Planner::collect_auto(const Hdf5Node& group, const std::string& relative,
                           EpisodeDraft& episode,
                           std::vector<std::pair<std::string, const Hdf5Node*>>& out) {
  for (const Hdf5Node& child : group.children) {
    const std::string path = join_path(relative, child.name);
    if (child.kind == Hdf5Node::Kind::kGroup) {
      collect_auto(child, path, episode, out);
      continue;
    }
    if (child.kind != Hdf5Node::Kind::kDataset) continue;
    const bool family = layout_ == Hdf5Layout::kRobomimic || layout_ == Hdf5Layout::kLibero ||
                        layout_ == Hdf5Layout::kMimicgen;
    if (family && path == "src_demo_inds") continue;  // an episode attribute, not per step
    if (layout_ == Hdf5Layout::kAloha && path == "compress_len") {
      info(
          "compress_len: per-camera JPEG lengths (cameras x steps), not a per-step stream; "
          "images are cut at their JPEG end marker instead");
      continue;
    }
    out.emplace_back(path, &child);
  }
}

std::optional<DatasetDraft> Planner::classify(const Hdf5Node& node, const std::string& path,
                                              const std::string& topic, const Hints& hints) {
  const Hdf5DatasetInfo& d = node.dataset;
  if (!d.unreadable.empty()) {
    warn(fmt::format("{}: not read: {}", path, d.unreadable));
    return std::nullopt;
  }
  if (d.dims.empty()) {
    info(fmt::format("{}: scalar dataset ({}), not a per-step stream", path, class_text(d)));
    return std::nullopt;
  }
  const std::optional<DType> dtype = dtype_of(d);
  if (!dtype) {
    info(fmt::format("{}: {} {} data is not delivered as a per-step stream", path, class_text(d),
                     dims_text(d.dims)));
    return std::nullopt;
  }
  DatasetDraft draft;
  draft.topic = topic;
  draft.path = path;
  draft.rows = d.dims[0];
  draft.stream.rate_hz = hints.rate_hz;
  draft.stream.source_key = path;
  draft.stream.step.dtype = *dtype;
  draft.stream.step.shape.assign(d.dims.begin() + 1, d.dims.end());
  const std::uint64_t elements = draft.stream.step.element_count();
  if (elements == 0) {
    info(fmt::format("{}: shape {} has zero-width steps; not delivered as a stream", path,
                     dims_text(d.dims)));
    return std::nullopt;
  }
  draft.row_bytes = saturating_mul(elements, dtype_size(*dtype));
  if (draft.row_bytes > kHdf5MaxRowBytes) {
    warn(
        fmt::format("{}: one step is {} bytes, more than the {} bytes Parity reads per step; "
                    "not read",
                    path, draft.row_bytes, kHdf5MaxRowBytes));
    return std::nullopt;
  }
  if (draft.rows > kHdf5MaxSteps) {
    warn(fmt::format("{}: {} steps, more than {}; not read", path, draft.rows, kHdf5MaxSteps));
    return std::nullopt;
  }
  if (d.storage_bytes > tree_.file_bytes) {
    warn(fmt::format("{}: claims {} stored bytes but the file has {}; not read", path,
                     d.storage_bytes, tree_.file_bytes));
    return std::nullopt;
  }
  const std::uint64_t logical = saturating_mul(draft.rows, draft.row_bytes);
  const std::uint64_t allowed = saturating_mul(d.storage_bytes, kHdf5MaxExpansion) + (1u << 20);
  if (logical > allowed) {
    warn(fmt::format("{}: shape {} declares {} bytes but only {} are stored; not read", path,
                     dims_text(d.dims), logical, d.storage_bytes));
    return std::nullopt;
  }
  if (!d.chunk_dims.empty()) draft.chunk_rows = std::max<std::uint64_t>(d.chunk_dims[0], 1);

  const std::vector<std::uint64_t>& step = draft.stream.step.shape;
  const bool uint8 = *dtype == DType::kUint8;
  Hdf5StreamKind kind = Hdf5StreamKind::kTensor;
  if (hints.type) {
    kind = *hints.type;
  } else if (uint8 && step.size() == 3 && (step[2] == 1 || step[2] == 3 || step[2] == 4)) {
    kind = Hdf5StreamKind::kImage;
  }
  if (kind == Hdf5StreamKind::kCompressedImage) {
    if (!uint8 || step.size() != 1) {
      warn(
          fmt::format("{}: compressed images need uint8 rows (steps x bytes), found {} {}; not "
                      "read",
                      path, class_text(d), dims_text(d.dims)));
      return std::nullopt;
    }
    draft.stream.kind = kind;
    draft.stream.image_format = hints.image_format;
    return draft;
  }
  if (kind == Hdf5StreamKind::kImage) {
    if (step.size() != 3) {
      warn(fmt::format("{}: images need steps x height x width x channels, found {}; not read",
                       path, dims_text(d.dims)));
      return std::nullopt;
    }
    const std::uint64_t channels = step[2];
    std::string encoding = hints.image_encoding;
    if (encoding.empty()) {
      if (uint8 && channels == 1) encoding = "mono8";
      if (uint8 && channels == 3) encoding = "rgb8";
      if (uint8 && channels == 4) encoding = "rgba8";
      if (*dtype == DType::kUint16 && channels == 1) encoding = "16UC1";
      if (*dtype == DType::kFloat32 && channels == 1) encoding = "32FC1";
    }
    const bool fits = (encoding == "mono8" && uint8 && channels == 1) ||
                      ((encoding == "rgb8" || encoding == "bgr8") && uint8 && channels == 3) ||
                      ((encoding == "rgba8" || encoding == "bgra8") && uint8 && channels == 4) ||
                      (encoding == "16UC1" && *dtype == DType::kUint16 && channels == 1) ||
                      (encoding == "32FC1" && *dtype == DType::kFloat32 && channels == 1);
    if (!fits) {
      warn(fmt::format("{}: {} {} does not fit image_encoding '{}'; not read", path, class_text(d),
                       dims_text(d.dims), encoding));
      return std::nullopt;
    }
    draft.stream.kind = kind;
    draft.stream.image_encoding = encoding;
    return draft;
  }
  draft.stream.kind = Hdf5StreamKind::kTensor;
  return draft;
}

std::uint64_t Planner::episode_steps(const EpisodeDraft& episode,
                                     const std::vector<DatasetDraft>& datasets) {
  const auto rows_of = [&](std::string_view topic) -> std::optional<std::uint64_t> {
    for (const DatasetDraft& draft : datasets) {
      if (draft.topic == topic) return draft.rows;
    }
    return std::nullopt;
  };
  std::uint64_t max_rows = 0;
  for (const DatasetDraft& draft : datasets) max_rows = std::max(max_rows, draft.rows);
  switch (layout_) {
    case Hdf5Layout::kRobomimic:
    case Hdf5Layout::kLibero:
    case Hdf5Layout::kMimicgen: {
      const Hdf5Attribute* samples = episode.group->attribute("num_samples");
      if (samples != nullptr && samples->value.kind == Hdf5Value::Kind::kInteger &&
          !samples->value.numbers.empty() && samples->value.numbers[0] >= 0 &&
          samples->value.numbers[0] <= static_cast<double>(kHdf5MaxSteps)) {
        return static_cast<std::uint64_t>(samples->value.numbers[0]);
      }
      if (auto rows = rows_of("actions")) return *rows;
      if (auto rows = rows_of("states")) return *rows;
      return max_rows;
    }
    case Hdf5Layout::kRobosuite:
      if (auto rows = rows_of("actions")) return *rows;
      if (auto rows = rows_of("states")) return *rows;
      return max_rows;
    case Hdf5Layout::kAloha:
      if (auto rows = rows_of("action")) return *rows;
      if (auto rows = rows_of("observations/qpos")) return *rows;
      return max_rows;
    case Hdf5Layout::kMapped: return max_rows;
  }
  return max_rows;
}

void Planner::plan_episode(EpisodeDraft& episode) {
  const std::string label = episode.group_path.empty() ? "/" : episode.group_path;
  std::vector<DatasetDraft> datasets;
  if (layout_ == Hdf5Layout::kMapped && !mapping_->streams.empty()) {
    for (const Hdf5StreamMapping& stream : mapping_->streams) {
      const std::string path = join_path(episode.group_path, stream.path);
      const Hdf5Node* node = tree_.find(path);
      if (node == nullptr) {
        info(fmt::format("{}: mapped stream '{}' has no dataset here", path, stream.name));
        continue;
      }
      if (!is_dataset(node)) {
        warn(fmt::format("{}: mapped stream '{}' names a group, not a dataset", path, stream.name));
        continue;
      }
      Hints hints;
      hints.type = stream.type;
      hints.image_encoding = stream.image_encoding;
      hints.image_format = stream.image_format;
      hints.rate_hz = stream.rate_hz.value_or(rate_hz_);
      if (auto draft = classify(*node, path, stream.name, hints)) datasets.push_back(*draft);
    }
  } else {
    std::vector<std::pair<std::string, const Hdf5Node*>> found;
    collect_auto(*episode.group, "", episode, found);
    for (const auto& [relative, node] : found) {
      Hints hints;
      hints.rate_hz = rate_hz_;
      if (layout_ == Hdf5Layout::kAloha && aloha_compressed_ &&
          relative.rfind("observations/images/", 0) == 0) {
        hints.type = Hdf5StreamKind::kCompressedImage;
        hints.image_format = "jpeg";
      }
      if (auto draft = classify(*node, join_path(episode.group_path, relative), relative, hints)) {
        datasets.push_back(*draft);
      }
    }
  }

  episode.steps = episode_steps(episode, datasets);
  std::set<std::string> topics;  // a tree built by hand may repeat a name
  for (DatasetDraft& draft : datasets) {
    if (!topics.insert(draft.topic).second) {
      warn(fmt::format("{}: a second dataset for stream '{}' in {}; not delivered", draft.path,
                       draft.topic, label));
      continue;
    }
    const auto known = streams_.find(draft.topic);
    if (known != streams_.end()) {
      const StreamDraft& first = known->second;
      if (first.kind != draft.stream.kind || !(first.step == draft.stream.step) ||
          first.image_encoding != draft.stream.image_encoding) {
        warn(
            fmt::format("{}: {} per step here but {} in {} (stream '{}'); this dataset is "
                        "not delivered",
                        draft.path, draft.stream.step.to_string(), first.step.to_string(),
                        first.source_key, draft.topic));
        continue;
      }
    } else {
      streams_.emplace(draft.topic, draft.stream);
    }
    if (layout_ != Hdf5Layout::kMapped && draft.rows != episode.steps) {
      warn(fmt::format("{}: {} rows but {} has {} steps; its {} rows are delivered", draft.path,
                       draft.rows, label, episode.steps, draft.rows));
    }
    episode.datasets.push_back(std::move(draft));
  }
  if (layout_ == Hdf5Layout::kRobomimic || layout_ == Hdf5Layout::kLibero ||
      layout_ == Hdf5Layout::kMimicgen) {
    const Hdf5Node* actions = episode.group->child("actions");
    const Hdf5Attribute* samples = episode.group->attribute("num_samples");
    if (samples != nullptr && is_dataset(actions) && !actions->dataset.dims.empty() &&
        actions->dataset.dims[0] != episode.steps) {
      warn(fmt::format("{}: attribute num_samples = {} but actions has {} rows", label,
                       episode.steps, actions->dataset.dims[0]));
    }
  }
  episode_attributes(episode);
}

void Planner::episode_attributes(EpisodeDraft& episode) {
  auto& attributes = episode.attributes;
  attributes["num_samples"] = fmt::format("{}", episode.steps);
  if (layout_ != Hdf5Layout::kAloha) {
    for (const Hdf5Attribute& attribute : episode.group->attributes) {
      const Hdf5Value& value = attribute.value;
      if (attribute.name == "num_samples") continue;
      if (attribute.name == "model_file") {
        if (value.kind == Hdf5Value::Kind::kString) {
          attributes["model_file_bytes"] = fmt::format("{}", value.full_size);
          if (!value.truncated) attributes["model_file_hash"] = hash_string(value.text).to_hex();
        }
        continue;
      }
      const std::string key = sanitize_key(attribute.name);
      switch (value.kind) {
        case Hdf5Value::Kind::kInteger:
        case Hdf5Value::Kind::kFloat:
        case Hdf5Value::Kind::kBool: attributes[key] = value.text; break;
        case Hdf5Value::Kind::kString:
          if (!value.truncated && !value.text.empty() && value.text.size() <= kMaxAttributeText &&
              value.text.find('\n') == std::string::npos) {
            attributes[key] = value.text;
          }
          break;
        default: break;
      }
    }
  } else {
    const std::string sim = attribute_text(&tree_.root, "sim");
    if (!sim.empty()) attributes["sim"] = sim == "1" ? "true" : (sim == "0" ? "false" : sim);
  }
  for (const auto& [key, members] : filter_keys_) {
    if (members.count(episode.name) != 0) attributes["filter_key." + key] = "true";
  }
  if (layout_ == Hdf5Layout::kMimicgen) {
    const Hdf5Node* inds = episode.group->child("src_demo_inds");
    if (is_dataset(inds)) {
      const Hdf5Value& value = inds->dataset.value;
      std::vector<std::string> parts;
      for (const double n : value.numbers) parts.push_back(format_number(n));
      if (!parts.empty()) attributes["src_demo_inds"] = join(parts, ",");
    }
  }
}

Hdf5Plan Planner::assemble() {
  Hdf5Plan plan;
  plan.layout = layout_;
  RecordingInfo& info = plan.info;
  info.format = hdf5_format_string(layout_);
  info.library = library_;
  info.metadata = metadata_;
  info.indexed = true;

  std::map<std::string, std::uint32_t> ids;
  for (const auto& [topic, draft] : streams_) {
    const auto id = static_cast<std::uint32_t>(info.streams.size());
    ids[topic] = id;
    StreamInfo stream;
    stream.id = id;
    stream.topic = topic;
    switch (draft.kind) {
      case Hdf5StreamKind::kTensor:
        stream.type = std::string(kTensorType);
        stream.message_encoding = std::string(kTensorEncoding);
        stream.schema_encoding = std::string(kTensorEncoding);
        stream.schema = draft.step.to_string();
        break;
      case Hdf5StreamKind::kImage:
        stream.type = std::string(kImageType);
        stream.message_encoding = std::string(kTensorEncoding);
        stream.schema_encoding = std::string(kTensorEncoding);
        stream.schema = draft.step.to_string();
        stream.metadata["image_encoding"] = draft.image_encoding;
        break;
      case Hdf5StreamKind::kCompressedImage:
        stream.type = std::string(kCompressedImageType);
        stream.message_encoding = std::string(kImageEncoding);
        if (!draft.image_format.empty()) stream.metadata["image_format"] = draft.image_format;
        break;
    }
    stream.metadata["time_source"] = "synthetic";
    stream.metadata["rate_hz"] = format_number(draft.rate_hz);
    stream.metadata["source_key"] = draft.source_key;
    info.streams.push_back(std::move(stream));
    plan.streams.push_back({draft.kind, draft.step, draft.rate_hz});
  }

  const auto period_ns = static_cast<std::int64_t>(std::llround(1e9 / rate_hz_));
  std::int64_t base = 0;
  bool any = false;
  for (std::size_t e = 0; e < episodes_.size(); ++e) {
    EpisodeDraft& draft = episodes_[e];
    EpisodeInfo episode;
    episode.index = static_cast<std::uint32_t>(e);
    episode.name = draft.name;
    episode.attributes = std::move(draft.attributes);
    Hdf5EpisodePlan episode_plan;
    episode_plan.group_path = draft.group_path;
    episode_plan.base_ns = base;
    std::int64_t end = base;
    for (const DatasetDraft& dataset : draft.datasets) {
      const std::uint32_t id = ids.at(dataset.topic);
      episode_plan.datasets.push_back(
          {id, dataset.path, dataset.rows, dataset.chunk_rows, dataset.row_bytes});
      StreamSpan span{id, dataset.rows, 0, 0};
      if (dataset.rows > 0) {
        span.start_ns = base;
        span.end_ns = hdf5_step_time_ns(base, dataset.rows - 1, plan.streams[id].rate_hz);
        end = std::max(end, span.end_ns);
        StreamInfo& stream = info.streams[id];
        if (stream.message_count == 0 || span.start_ns < stream.start_ns) {
          stream.start_ns = span.start_ns;
        }
        if (stream.message_count == 0 || span.end_ns > stream.end_ns) stream.end_ns = span.end_ns;
        stream.message_count += dataset.rows;
        episode.message_count += dataset.rows;
      }
      episode.streams.push_back(span);
    }
    std::sort(episode_plan.datasets.begin(), episode_plan.datasets.end(),
              [](const auto& a, const auto& b) { return a.stream_id < b.stream_id; });
    std::sort(episode.streams.begin(), episode.streams.end(),
              [](const auto& a, const auto& b) { return a.stream_id < b.stream_id; });
    if (episode.message_count > 0) {
      episode.start_ns = base;
      episode.end_ns = end;
      if (!any) info.start_ns = base;
      info.end_ns = std::max(info.end_ns, end);
      any = true;
      info.message_count += episode.message_count;
      base = saturating_add(end, period_ns);
    }
    info.episodes.push_back(std::move(episode));
    plan.episodes.push_back(std::move(episode_plan));
  }
  return plan;
}

}  // namespace

std::string_view hdf5_layout_name(Hdf5Layout layout) {
  switch (layout) {
    case Hdf5Layout::kRobomimic: return "robomimic";
    case Hdf5Layout::kRobosuite: return "robosuite";
    case Hdf5Layout::kLibero: return "libero";
    case Hdf5Layout::kMimicgen: return "mimicgen";
    case Hdf5Layout::kAloha: return "aloha";
    case Hdf5Layout::kMapped: return "mapped";
  }
  return "unknown";
}

std::string hdf5_format_string(Hdf5Layout layout) {
  return fmt::format("hdf5-{}", hdf5_layout_name(layout));
}

Result<Hdf5Layout> detect_hdf5_layout(const Hdf5Tree& tree, std::string_view file_label) {
  const Hdf5Node* data = tree.root.child("data");
  if (is_group(data)) {
    bool mimicgen = false;
    bool has_obs = false;
    bool has_arrays = false;
    bool has_demo = false;
    for (const Hdf5Node& demo : data->children) {
      if (demo.kind != Hdf5Node::Kind::kGroup || !is_demo_name(demo.name)) continue;
      has_demo = true;
      if (is_group(demo.child("datagen_info")) || is_dataset(demo.child("src_demo_inds"))) {
        mimicgen = true;
      }
      if (is_group(demo.child("obs"))) has_obs = true;
      if (is_dataset(demo.child("actions")) || is_dataset(demo.child("states"))) has_arrays = true;
    }
    const auto has = [&](std::string_view name) { return data->attribute(name) != nullptr; };
    if (mimicgen) return Hdf5Layout::kMimicgen;
    if (has("problem_info") || has("bddl_file_name") || has("bddl_file_content")) {
      return Hdf5Layout::kLibero;
    }
    if (has("env_args") || has("total") || has_obs || is_group(tree.root.child("mask"))) {
      return Hdf5Layout::kRobomimic;
    }
    if (has("repository_version") || has("env")) return Hdf5Layout::kRobosuite;
    if (has_demo && has_arrays) return Hdf5Layout::kRobomimic;
  }
  const Hdf5Node* observations = tree.root.child("observations");
  if (is_group(observations) && is_dataset(observations->child("qpos")) &&
      is_dataset(tree.root.child("action"))) {
    return Hdf5Layout::kAloha;
  }

  std::vector<std::string> groups;
  std::vector<std::string> datasets;
  for (const Hdf5Node& child : tree.root.children) {
    if (child.kind == Hdf5Node::Kind::kGroup) {
      groups.push_back(child.name);
    } else if (child.kind == Hdf5Node::Kind::kDataset) {
      datasets.push_back(fmt::format("{} {}{}", child.name, class_text(child.dataset),
                                     dims_text(child.dataset.dims)));
    }
  }
  const std::string stem = std::filesystem::path(std::string(file_label)).stem().string();
  return unsupported(fmt::format(
      "{}: unrecognised HDF5 layout: the root holds groups [{}] and datasets [{}]; supported "
      "layouts: robomimic (data/demo_<i> with actions, obs/...; data attrs env_args, total), "
      "robosuite raw (data/demo_<i> with states; data attrs repository_version, env), LIBERO "
      "(robomimic plus data attrs problem_info, bddl_file_content), MimicGen (robomimic plus "
      "per-demo datagen_info/ or src_demo_inds), ALOHA/ACT (/observations/qpos and /action); for "
      "another layout write a mapping file {}.parity.yaml (or parity-hdf5.yaml) next to it "
      "(docs/formats/hdf5.md)",
      file_label, list_some(groups), list_some(datasets), stem.empty() ? "<name>" : stem));
}

Result<Hdf5Plan> plan_hdf5_recording(const Hdf5Tree& tree, const Hdf5Mapping* mapping,
                                     std::string_view file_label, DiagnosticSink& diagnostics) {
  try {
    Planner planner(tree, mapping, file_label, diagnostics);
    return planner.run();
  } catch (const std::exception& e) {
    // nlohmann::json and the standard library may throw (e.g. bad_alloc); never let it escape.
    return internal_error(
        fmt::format("{}: planning the HDF5 recording failed: {}", file_label, e.what()));
  }
}

std::int64_t hdf5_step_time_ns(std::int64_t base_ns, std::uint64_t row, double rate_hz) {
  const long double offset =
      std::roundl(static_cast<long double>(row) * 1e9L / static_cast<long double>(rate_hz));
  if (offset >= static_cast<long double>(kMaxTime)) return kMaxTime;
  return saturating_add(base_ns, static_cast<std::int64_t>(offset));
}

bool hdf5_natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ei = i;
      std::size_t ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      std::size_t si = i;
      std::size_t sj = j;
      while (si + 1 < ei && a[si] == '0') ++si;
      while (sj + 1 < ej && b[sj] == '0') ++sj;
      const std::string_view na = a.substr(si, ei - si);
      const std::string_view nb = b.substr(sj, ej - sj);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

}  // namespace parity::hdf5
