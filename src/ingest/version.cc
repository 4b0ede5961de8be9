#include "parity/ingest/version.h"

namespace parity {

std::string_view parity_version() {
  return PARITY_VERSION_STRING;
}

}  // namespace parity
