// `parity dump FILE [--topic T] [--episode N] [--limit N]`: print decoded messages.
//
// Text mode prints one line per message; --json prints JSON Lines (one object per message,
// so output streams and `jq -c` works on it). Streams whose encoding Parity cannot decode
// (protobuf, ...) are printed with "data": null and an "error", never fatal.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/context.h"
#include "cli/episode_json.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/message_decoder.h"

namespace parity::cli {
namespace {

struct DumpArgs {
  std::string path;
  std::vector<std::string> topics;
  std::uint64_t limit = 0;
  std::string bytes = "summary";
  std::size_t max_array = 64;
  std::optional<std::uint32_t> episode;
  std::uint32_t frame_stride = 1;
  std::uint64_t max_frames = 0;
};

Result<ros2::BytesFormat> bytes_format(const std::string& text) {
  if (text == "summary") return ros2::BytesFormat::kSummary;
  if (text == "base64") return ros2::BytesFormat::kBase64;
  if (text == "array") return ros2::BytesFormat::kArray;
  return invalid_argument(
      fmt::format("--bytes expects summary, base64 or array, found '{}'", text));
}

// Wall-clock time, or seconds on the synthetic clock of a dataset without timestamps.
std::string text_time(const StreamInfo& stream, std::int64_t log_time_ns) {
  if (relative_clock(stream)) {
    return fmt::format("t={:.3f}s", static_cast<double>(log_time_ns) * 1e-9);
  }
  return format_time_ns(log_time_ns);
}

}  // namespace

Verb add_dump_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<DumpArgs>();
  CLI::App* command = app.add_subcommand("dump", "Print decoded messages of a recording");
  command->add_option("path", args->path, "Recording file or directory")->required();
  command->add_option("-t,--topic", args->topics, "Only this topic (repeatable)");
  command->add_option("-n,--limit", args->limit, "Stop after N messages (0 = all)");
  command->add_option("--bytes", args->bytes, "How to print byte blobs: summary | base64 | array");
  command->add_option("--max-array", args->max_array, "Print at most N items of long arrays");
  command->add_option("-e,--episode", args->episode,
                      "Only episode N of a multi-episode recording (see `parity info`)");
  command
      ->add_option("--frame-stride", args->frame_stride,
                   "Video streams: every Nth frame of each episode (default 1)")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-frames", args->max_frames,
                      "Video streams: at most N frames per episode (0 = all)");
  return {
      command, [&global, args]() -> Status {
        ros2::JsonOptions json_options;
        PARITY_ASSIGN_OR_RETURN(json_options.bytes, bytes_format(args->bytes));
        json_options.max_array_items = args->max_array;
        DiagnosticCollector diagnostics;
        PARITY_ASSIGN_OR_RETURN(auto recording, open_recording(args->path, diagnostics));
        for (const std::string& topic : args->topics) {
          const auto& streams = recording->info().streams;
          if (std::none_of(streams.begin(), streams.end(),
                           [&](const StreamInfo& s) { return s.topic == topic; })) {
            return not_found(fmt::format("{}: no topic '{}' in this recording", args->path, topic));
          }
        }
        if (args->episode && *args->episode >= recording->info().episodes.size()) {
          return not_found(fmt::format("{}: no episode {} (the recording has {})", args->path,
                                       *args->episode, recording->info().episodes.size()));
        }
        std::map<std::uint32_t, Result<ros2::MessageDecoder>> decoders;
        ReadOptions options;
        options.episode = args->episode;
        options.topics = args->topics;
        if (args->limit > 0) options.limit = args->limit;
        options.log_time_order = true;
        options.frame_stride = args->frame_stride;
        if (args->max_frames > 0) options.max_frames = args->max_frames;
        const Status status = recording->read_messages(options, [&](const MessageView& message) {
          auto it = decoders.find(message.stream->id);
          if (it == decoders.end()) {
            it = decoders
                     .emplace(message.stream->id, ros2::MessageDecoder::for_stream(*message.stream))
                     .first;
          }
          nlohmann::json data;
          std::string error;
          if (!it->second.ok()) {
            error = it->second.status().message();
          } else if (auto value = it->second->decode(message.data); value.ok()) {
            data = ros2::to_json(*value, json_options);
          } else {
            error = value.status().message();
          }
          if (global.json) {
            nlohmann::json line = {{"episode", message.episode},
                                   {"topic", message.stream->topic},
                                   {"type", message.stream->type},
                                   {"encoding", message.stream->message_encoding},
                                   {"log_time_ns", message.log_time_ns},
                                   {"publish_time_ns", message.publish_time_ns},
                                   {"sequence", message.sequence},
                                   {"size_bytes", message.data.size()},
                                   {"data", data}};
            if (!error.empty()) line["error"] = error;
            std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << '\n';
          } else {
            std::cout << text_time(*message.stream, message.log_time_ns) << ' '
                      << message.stream->topic << " [" << message.stream->type << "] "
                      << (error.empty()
                              ? data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                              : "(" + error + ")")
                      << '\n';
          }
          return std::cout.good() ? Status{} : cancelled("stdout closed");
        });
        if (status.code() == StatusCode::kCancelled) return {};  // e.g. `| head`
        PARITY_RETURN_IF_ERROR(status);
        if (!global.quiet) {
          for (const Diagnostic& d : diagnostics.diagnostics()) {
            if (d.severity != Severity::kInfo) {
              std::cerr << "parity: " << severity_name(d.severity) << ": " << d.to_string() << '\n';
            }
          }
        }
        return {};
      }};
}

}  // namespace parity::cli
