// Per-role stream handlers of the episode driver: each decodes one stream's messages to the
// typed input of one extractor and, at the end, adds the extractor's values under the role.
// Private to src/features.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parity/core/status.h"
#include "parity/features/episode_features.h"
#include "parity/formats/recording.h"

namespace parity::features {

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // One message of the stream. Errors are decoding failures of this message (the driver
  // reports them and goes on).
  virtual Status add(const MessageView& message) = 0;
  // Appends the episode's values ("<role>.<name>") and samples to `out`.
  virtual void finish(EpisodeFeatures& out) = 0;
};

// The handler for a stream with this role, or nullptr (with `why` set) when no extractor reads
// the role or the stream's type. `expected_messages` is the stream's count in the episode
// (spreads samples over it). Errors: the stream's schema does not parse.
Result<std::unique_ptr<StreamHandler>> make_stream_handler(const StreamInfo& stream,
                                                           const std::string& role,
                                                           const ExtractionOptions& options,
                                                           std::uint64_t expected_messages,
                                                           std::string& why);

}  // namespace parity::features
