#include "features/stream_handlers.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "parity/features/camera_features.h"
#include "parity/features/embedding.h"
#include "parity/features/signal_features.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/formats/tensor.h"

namespace parity::features {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The ROS 1 spelling of a ROS 2 type name ("sensor_msgs/msg/Image" -> "sensor_msgs/Image").
std::string ros1_type_name(std::string_view ros2_name) {
  std::string name(ros2_name);
  if (const auto at = name.find("/msg/"); at != std::string::npos) name.erase(at, 4);
  return name;
}

template <ros2::TypedMessage T>
bool stream_holds(const StreamInfo& stream) {
  const std::string_view name = ros2::MessageTraits<T>::kTypeName;
  return stream.type == name || stream.type == ros1_type_name(name);
}

// Decodes messages of a stream known to hold T: CDR straight into T (no tree), any other
// encoding through a Value tree.
template <ros2::TypedMessage T>
class TypedDecoder {
 public:
  static Result<TypedDecoder> create(const StreamInfo& stream) {
    TypedDecoder decoder;
    if (stream.message_encoding != "cdr") {
      PARITY_ASSIGN_OR_RETURN(auto general, ros2::MessageDecoder::for_stream(stream));
      decoder.general_ = std::move(general);
    }
    return decoder;
  }
  Status decode(std::span<const std::uint8_t> data, T& out) const {
    if (!general_) return ros2::decode_cdr_into(data, out);
    PARITY_ASSIGN_OR_RETURN(const ros2::Value value, general_->decode(data));
    PARITY_ASSIGN_OR_RETURN(out, ros2::extract<T>(value));
    return {};
  }

 private:
  std::optional<ros2::MessageDecoder> general_;
};

// A parity/Tensor step as doubles.
class TensorDecoder {
 public:
  static Result<TensorDecoder> create(const StreamInfo& stream) {
    PARITY_ASSIGN_OR_RETURN(const TensorSpec spec, parse_tensor_spec(stream.schema));
    return TensorDecoder(spec);
  }
  Status decode(std::span<const std::uint8_t> data, std::vector<double>& out) const {
    if (data.size() != spec_.byte_size()) {
      return corrupt(fmt::format("tensor step of {} is {} bytes, expected {}", spec_.to_string(),
                                 data.size(), spec_.byte_size()));
    }
    out.resize(spec_.element_count());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = tensor_element(spec_.dtype, data, i);
    return {};
  }

 private:
  explicit TensorDecoder(TensorSpec spec) : spec_(std::move(spec)) {}
  TensorSpec spec_;
};

bool is_tensor(const StreamInfo& stream) {
  return stream.message_encoding == kTensorEncoding && stream.type == kTensorType;
}

std::vector<std::string> split_names(const StreamInfo& stream) {
  std::vector<std::string> names;
  const auto it = stream.metadata.find("names");
  if (it == stream.metadata.end() || it->second.empty()) return names;
  std::string_view rest = it->second;
  while (true) {
    const auto comma = rest.find(',');
    names.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

void append_under(const std::string& role, FeatureValues values, EpisodeFeatures& out) {
  for (auto& [name, value] : values) out.values.emplace_back(role + "." + name, value);
}

// A parity/Image step (H x W x C uint8 or H x W uint16 / float32) as a sensor_msgs/Image.
class RawImageTensor {
 public:
  static Result<RawImageTensor> create(const StreamInfo& stream) {
    PARITY_ASSIGN_OR_RETURN(const TensorSpec spec, parse_tensor_spec(stream.schema));
    if (spec.shape.size() != 2 && spec.shape.size() != 3) {
      return unsupported(
          fmt::format("image tensor {} is not H x W or H x W x C", spec.to_string()));
    }
    RawImageTensor layout;
    layout.spec_ = spec;
    layout.schema_ = stream.schema;
    const auto encoding = stream.metadata.find("image_encoding");
    if (encoding != stream.metadata.end()) {
      layout.encoding_ = encoding->second;
    } else if (spec.dtype == DType::kUint16) {
      layout.encoding_ = "16UC1";
    } else if (spec.dtype == DType::kFloat32) {
      layout.encoding_ = "32FC1";
    } else {
      layout.encoding_ = spec.shape.size() == 2 || spec.shape[2] == 1 ? "mono8" : "rgb8";
    }
    return layout;
  }
  // A message may state another shape than the stream's first one (video frames delivered at
  // a reduced size, ReadOptions::video_max_side): the layout follows its stream's schema.
  Status decode(const MessageView& message, ros2::Image& out) {
    if (message.stream != nullptr && message.stream->schema != schema_) {
      PARITY_ASSIGN_OR_RETURN(*this, create(*message.stream));
    }
    const std::span<const std::uint8_t> data = message.data;
    if (data.size() != spec_.byte_size()) {
      return corrupt(fmt::format("image step of {} is {} bytes, expected {}", spec_.to_string(),
                                 data.size(), spec_.byte_size()));
    }
    out.height = static_cast<std::uint32_t>(spec_.shape[0]);
    out.width = static_cast<std::uint32_t>(spec_.shape[1]);
    out.encoding = encoding_;
    out.is_bigendian = 0;
    out.step = static_cast<std::uint32_t>(data.size() / std::max<std::uint64_t>(1, spec_.shape[0]));
    out.data.assign(data.begin(), data.end());
    return {};
  }

 private:
  TensorSpec spec_;
  std::string schema_;
  std::string encoding_;
};

// ---------------------------------------------------------------------------------- camera

class CameraHandler final : public StreamHandler {
 public:
  enum class Source : std::uint8_t { kImage, kCompressed, kImageTensor, kCompressedBytes };

  CameraHandler(std::string role, Source source, const ExtractionOptions& options,
                std::uint64_t expected_frames, bool strided_by_reader)
      : role_(std::move(role)),
        source_(source),
        options_(options),
        extractor_(options.descriptor_samples),
        strided_by_reader_(strided_by_reader) {
    const std::uint64_t stride = std::max<std::uint32_t>(1, options.frame_stride);
    std::uint64_t analysed =
        strided_by_reader ? expected_frames : (expected_frames + stride - 1) / stride;
    if (options.max_frames) analysed = std::min(analysed, *options.max_frames);
    if (options.embedder != nullptr && options.embed_samples > 0) {
      embed_every_ = std::max<std::uint64_t>(1, analysed / options.embed_samples);
    }
  }

  std::optional<TypedDecoder<ros2::Image>> image_decoder;
  std::optional<TypedDecoder<ros2::CompressedImage>> compressed_decoder;
  std::optional<RawImageTensor> tensor_layout;

  Status add(const MessageView& message) override {
    const std::uint64_t index = seen_++;
    const std::uint64_t stride = std::max<std::uint32_t>(1, options_.frame_stride);
    if (!strided_by_reader_ && index % stride != 0) return {};
    if (options_.max_frames && analysed_ >= *options_.max_frames) return {};
    AnalysisFrame frame;
    switch (source_) {
      case Source::kImage:
      case Source::kImageTensor: {
        if (source_ == Source::kImage) {
          PARITY_RETURN_IF_ERROR(image_decoder->decode(message.data, image_));
        } else {
          PARITY_RETURN_IF_ERROR(tensor_layout->decode(message, image_));
        }
        PARITY_ASSIGN_OR_RETURN(frame, analysis_frame_from_image(image_, options_.analysis));
        break;
      }
      case Source::kCompressed: {
        PARITY_RETURN_IF_ERROR(compressed_decoder->decode(message.data, compressed_));
        PARITY_ASSIGN_OR_RETURN(
            frame, analysis_frame_from_compressed(compressed_.data, options_.analysis));
        break;
      }
      case Source::kCompressedBytes:
        PARITY_ASSIGN_OR_RETURN(frame,
                                analysis_frame_from_compressed(message.data, options_.analysis));
        break;
    }
    if (frame.width < 3 || frame.height < 3) {
      return invalid_argument(fmt::format("frame of {} x {} pixels is too small to analyse",
                                          frame.width, frame.height));
    }
    extractor_.add_frame(message.log_time_ns, frame);
    if (embed_every_ > 0 && analysed_ % embed_every_ == 0 &&
        embeddings_.size() < options_.embed_samples) {
      auto embedding =
          options_.embedder->embed(frame.width, frame.height, frame.channels, frame.pixels);
      if (!embedding.ok()) return embedding.status();
      embeddings_.push_back({message.log_time_ns, std::move(*embedding)});
    }
    ++analysed_;
    return {};
  }

  void finish(EpisodeFeatures& out) override {
    append_under(role_, extractor_.finish(), out);
    std::uint32_t position = 0;
    for (const FrameSample& sample : extractor_.descriptor_samples()) {
      out.samples.push_back({role_, "descriptor", position++, sample.log_time_ns, sample.vector});
    }
    position = 0;
    for (FrameSample& sample : embeddings_) {
      out.samples.push_back({role_, "onnx:" + options_.embedder->model_hash(), position++,
                             sample.log_time_ns, std::move(sample.vector)});
    }
  }

 private:
  std::string role_;
  Source source_;
  const ExtractionOptions& options_;
  CameraFeatureExtractor extractor_;
  bool strided_by_reader_;
  std::uint64_t seen_ = 0, analysed_ = 0, embed_every_ = 0;
  ros2::Image image_;
  ros2::CompressedImage compressed_;
  std::vector<FrameSample> embeddings_;
};

Result<std::unique_ptr<StreamHandler>> make_camera_handler(const StreamInfo& stream,
                                                           const std::string& role,
                                                           const ExtractionOptions& options,
                                                           std::uint64_t expected,
                                                           std::string& why) {
  const bool video = stream.metadata.count("video_codec") != 0;
  using Source = CameraHandler::Source;
  if (stream_holds<ros2::Image>(stream)) {
    PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::Image>::create(stream));
    auto handler = std::make_unique<CameraHandler>(role, Source::kImage, options, expected, false);
    handler->image_decoder = std::move(decoder);
    return std::unique_ptr<StreamHandler>(std::move(handler));
  }
  if (stream_holds<ros2::CompressedImage>(stream)) {
    PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::CompressedImage>::create(stream));
    auto handler =
        std::make_unique<CameraHandler>(role, Source::kCompressed, options, expected, false);
    handler->compressed_decoder = std::move(decoder);
    return std::unique_ptr<StreamHandler>(std::move(handler));
  }
  if (stream.type == kImageType && stream.message_encoding == kTensorEncoding) {
    PARITY_ASSIGN_OR_RETURN(auto layout, RawImageTensor::create(stream));
    auto handler =
        std::make_unique<CameraHandler>(role, Source::kImageTensor, options, expected, video);
    handler->tensor_layout = std::move(layout);
    return std::unique_ptr<StreamHandler>(std::move(handler));
  }
  if (stream.type == kCompressedImageType) {
    return std::unique_ptr<StreamHandler>(
        std::make_unique<CameraHandler>(role, Source::kCompressedBytes, options, expected, false));
  }
  why = fmt::format("camera stream of type '{}' ({}) is not an image", stream.type,
                    stream.message_encoding);
  return std::unique_ptr<StreamHandler>();
}

// ----------------------------------------------------------------------- depth (frames)

class DepthHandler final : public StreamHandler {
 public:
  DepthHandler(std::string role, const ExtractionOptions& options)
      : role_(std::move(role)), options_(options) {}
  std::optional<TypedDecoder<ros2::Image>> decoder;
  std::optional<RawImageTensor> tensor_layout;

  Status add(const MessageView& message) override {
    const std::uint64_t index = seen_++;
    if (index % std::max<std::uint32_t>(1, options_.frame_stride) != 0) return {};
    if (options_.max_frames && analysed_ >= *options_.max_frames) return {};
    if (decoder) {
      PARITY_RETURN_IF_ERROR(decoder->decode(message.data, image_));
    } else {
      PARITY_RETURN_IF_ERROR(tensor_layout->decode(message, image_));
    }
    PARITY_RETURN_IF_ERROR(extractor_.add(message.log_time_ns, image_));
    ++analysed_;
    return {};
  }
  void finish(EpisodeFeatures& out) override { append_under(role_, extractor_.finish(), out); }

 private:
  std::string role_;
  const ExtractionOptions& options_;
  DepthFeatureExtractor extractor_;
  ros2::Image image_;
  std::uint64_t seen_ = 0, analysed_ = 0;
};

// --------------------------------------------------------------------- joints and actions

class JointHandler final : public StreamHandler {
 public:
  JointHandler(std::string role, std::vector<std::string> tensor_names) : role_(std::move(role)) {
    state_.name = std::move(tensor_names);
  }
  std::optional<TypedDecoder<ros2::JointState>> decoder;
  std::optional<TensorDecoder> tensor;

  Status add(const MessageView& message) override {
    if (decoder) {
      PARITY_RETURN_IF_ERROR(decoder->decode(message.data, state_));
    } else {
      PARITY_RETURN_IF_ERROR(tensor->decode(message.data, state_.position));
      if (state_.name.size() != state_.position.size()) {
        state_.name.resize(state_.position.size());
        for (std::size_t i = 0; i < state_.name.size(); ++i) {
          if (state_.name[i].empty()) state_.name[i] = fmt::format("j{}", i);
        }
      }
    }
    extractor_.add(message.log_time_ns, state_);
    return {};
  }
  void finish(EpisodeFeatures& out) override { append_under(role_, extractor_.finish(), out); }

 private:
  std::string role_;
  ros2::JointState state_;
  JointFeatureExtractor extractor_;
};

class ActionHandler final : public StreamHandler {
 public:
  enum class Source : std::uint8_t { kJointState, kTwist, kTwistStamped, kTensor };
  ActionHandler(std::string role, Source source) : role_(std::move(role)), source_(source) {}
  std::optional<TypedDecoder<ros2::JointState>> joint_decoder;
  std::optional<TypedDecoder<ros2::Twist>> twist_decoder;
  std::optional<TypedDecoder<ros2::TwistStamped>> twist_stamped_decoder;
  std::optional<TensorDecoder> tensor;

  Status add(const MessageView& message) override {
    switch (source_) {
      case Source::kJointState:
        PARITY_RETURN_IF_ERROR(joint_decoder->decode(message.data, joint_));
        values_ = joint_.position;
        break;
      case Source::kTwist:
        PARITY_RETURN_IF_ERROR(twist_decoder->decode(message.data, twist_));
        set_twist(twist_);
        break;
      case Source::kTwistStamped:
        PARITY_RETURN_IF_ERROR(twist_stamped_decoder->decode(message.data, twist_stamped_));
        set_twist(twist_stamped_.twist);
        break;
      case Source::kTensor: PARITY_RETURN_IF_ERROR(tensor->decode(message.data, values_)); break;
    }
    extractor_.add(message.log_time_ns, values_);
    return {};
  }
  void finish(EpisodeFeatures& out) override { append_under(role_, extractor_.finish(), out); }

 private:
  void set_twist(const ros2::Twist& t) {
    values_ = {t.linear.x, t.linear.y, t.linear.z, t.angular.x, t.angular.y, t.angular.z};
  }
  std::string role_;
  Source source_;
  ros2::JointState joint_;
  ros2::Twist twist_;
  ros2::TwistStamped twist_stamped_;
  std::vector<double> values_;
  ActionFeatureExtractor extractor_;
};

// ------------------------------------------------------------- imu, range, odometry / pose

template <ros2::TypedMessage T, typename Extractor>
class SimpleHandler final : public StreamHandler {
 public:
  SimpleHandler(std::string role, TypedDecoder<T> decoder)
      : role_(std::move(role)), decoder_(std::move(decoder)) {}
  Status add(const MessageView& message) override {
    PARITY_RETURN_IF_ERROR(decoder_.decode(message.data, message_));
    if constexpr (std::is_same_v<decltype(extractor_.add(message.log_time_ns, message_)), Status>) {
      return extractor_.add(message.log_time_ns, message_);
    } else {
      extractor_.add(message.log_time_ns, message_);
      return {};
    }
  }
  void finish(EpisodeFeatures& out) override { append_under(role_, extractor_.finish(), out); }

 private:
  std::string role_;
  TypedDecoder<T> decoder_;
  T message_;
  Extractor extractor_;
};

template <ros2::TypedMessage T, typename Extractor>
Result<std::unique_ptr<StreamHandler>> make_simple(const StreamInfo& stream,
                                                   const std::string& role) {
  PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<T>::create(stream));
  return std::unique_ptr<StreamHandler>(
      std::make_unique<SimpleHandler<T, Extractor>>(role, std::move(decoder)));
}

// -------------------------------------------------------- embedding columns of a dataset

class DatasetEmbeddingHandler final : public StreamHandler {
 public:
  DatasetEmbeddingHandler(std::string role, std::string topic, TensorDecoder decoder,
                          std::uint64_t expected, std::size_t samples)
      : role_(std::move(role)),
        topic_(std::move(topic)),
        decoder_(std::move(decoder)),
        samples_(samples),
        every_(std::max<std::uint64_t>(1, samples == 0 ? 1 : expected / samples)) {}
  Status add(const MessageView& message) override {
    const std::uint64_t index = seen_++;
    if (index % every_ != 0 || kept_.size() >= samples_) return {};
    PARITY_RETURN_IF_ERROR(decoder_.decode(message.data, values_));
    FrameSampleRecord sample{role_,
                             "dataset:" + topic_,
                             static_cast<std::uint32_t>(kept_.size()),
                             message.log_time_ns,
                             {}};
    sample.vector.reserve(values_.size());
    for (double v : values_) {
      if (!std::isfinite(v)) return invalid_argument("embedding has a non-finite value");
      sample.vector.push_back(static_cast<float>(v));
    }
    kept_.push_back(std::move(sample));
    return {};
  }
  void finish(EpisodeFeatures& out) override {
    for (auto& sample : kept_) out.samples.push_back(std::move(sample));
  }

 private:
  std::string role_, topic_;
  TensorDecoder decoder_;
  std::size_t samples_;
  std::uint64_t every_, seen_ = 0;
  std::vector<double> values_;
  std::vector<FrameSampleRecord> kept_;
};

}  // namespace

Result<std::unique_ptr<StreamHandler>> make_stream_handler(const StreamInfo& stream,
                                                           const std::string& role,
                                                           const ExtractionOptions& options,
                                                           std::uint64_t expected_messages,
                                                           std::string& why) {
  const auto none = [&](std::string reason) {
    why = std::move(reason);
    return std::unique_ptr<StreamHandler>();
  };
  if (is_tensor(stream) && stream.topic.find("embedding") != std::string::npos) {
    PARITY_ASSIGN_OR_RETURN(auto decoder, TensorDecoder::create(stream));
    return std::unique_ptr<StreamHandler>(std::make_unique<DatasetEmbeddingHandler>(
        role.empty() ? "embedding" : role, stream.topic, std::move(decoder), expected_messages,
        options.dataset_embedding_samples));
  }
  if (starts_with(role, "camera/")) {
    return make_camera_handler(stream, role, options, expected_messages, why);
  }
  if (starts_with(role, "depth/")) {
    auto handler = std::make_unique<DepthHandler>(role, options);
    if (stream_holds<ros2::Image>(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::Image>::create(stream));
      handler->decoder = std::move(decoder);
    } else if (stream.type == kImageType && stream.metadata.count("video_codec") == 0) {
      PARITY_ASSIGN_OR_RETURN(auto layout, RawImageTensor::create(stream));
      handler->tensor_layout = std::move(layout);
    } else {
      return none(fmt::format("depth stream of type '{}' carries no metric depth", stream.type));
    }
    return std::unique_ptr<StreamHandler>(std::move(handler));
  }
  if (role == "joints") {
    auto handler = std::make_unique<JointHandler>(role, split_names(stream));
    if (stream_holds<ros2::JointState>(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::JointState>::create(stream));
      handler->decoder = std::move(decoder);
    } else if (is_tensor(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TensorDecoder::create(stream));
      handler->tensor = std::move(decoder);
    } else {
      return none(
          fmt::format("joint stream of type '{}' is not a JointState or tensor", stream.type));
    }
    return std::unique_ptr<StreamHandler>(std::move(handler));
  }
  if (role == "action") {
    using Source = ActionHandler::Source;
    if (stream_holds<ros2::JointState>(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::JointState>::create(stream));
      auto handler = std::make_unique<ActionHandler>(role, Source::kJointState);
      handler->joint_decoder = std::move(decoder);
      return std::unique_ptr<StreamHandler>(std::move(handler));
    }
    if (stream_holds<ros2::Twist>(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::Twist>::create(stream));
      auto handler = std::make_unique<ActionHandler>(role, Source::kTwist);
      handler->twist_decoder = std::move(decoder);
      return std::unique_ptr<StreamHandler>(std::move(handler));
    }
    if (stream_holds<ros2::TwistStamped>(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TypedDecoder<ros2::TwistStamped>::create(stream));
      auto handler = std::make_unique<ActionHandler>(role, Source::kTwistStamped);
      handler->twist_stamped_decoder = std::move(decoder);
      return std::unique_ptr<StreamHandler>(std::move(handler));
    }
    if (is_tensor(stream)) {
      PARITY_ASSIGN_OR_RETURN(auto decoder, TensorDecoder::create(stream));
      auto handler = std::make_unique<ActionHandler>(role, Source::kTensor);
      handler->tensor = std::move(decoder);
      return std::unique_ptr<StreamHandler>(std::move(handler));
    }
    return none(fmt::format("action stream of type '{}' is not a JointState, Twist or tensor",
                            stream.type));
  }
  if (role == "imu" && stream_holds<ros2::Imu>(stream)) {
    return make_simple<ros2::Imu, ImuFeatureExtractor>(stream, role);
  }
  if (role == "lidar" || role == "scan") {
    if (stream_holds<ros2::LaserScan>(stream)) {
      return make_simple<ros2::LaserScan, RangeFeatureExtractor>(stream, role);
    }
    if (stream_holds<ros2::PointCloud2>(stream)) {
      return make_simple<ros2::PointCloud2, RangeFeatureExtractor>(stream, role);
    }
  }
  if (role == "odometry" && stream_holds<ros2::Odometry>(stream)) {
    return make_simple<ros2::Odometry, OdometryFeatureExtractor>(stream, role);
  }
  if (role == "pose" && stream_holds<ros2::PoseStamped>(stream)) {
    return make_simple<ros2::PoseStamped, OdometryFeatureExtractor>(stream, role);
  }
  if (role.empty()) return none("no role");
  return none(fmt::format("no extractor for role '{}' and type '{}'", role, stream.type));
}

}  // namespace parity::features
