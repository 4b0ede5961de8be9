#include "parity/formats/recording.h"

namespace parity {

const StreamInfo* RecordingInfo::find_stream(std::uint32_t id) const {
  for (const StreamInfo& stream : streams) {
    if (stream.id == id) return &stream;
  }
  return nullptr;
}

}  // namespace parity
