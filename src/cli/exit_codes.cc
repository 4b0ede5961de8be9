#include "cli/exit_codes.h"

namespace parity::cli {

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kCorrupt:
    case StatusCode::kTruncated:
    case StatusCode::kUnsupported:
    case StatusCode::kAlreadyExists: return kExitBadInput;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kIoError: return kExitIo;
    case StatusCode::kFailedPrecondition: return kExitPrecondition;
    case StatusCode::kCancelled: return kExitInterrupted;
    case StatusCode::kInternal: return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace parity::cli
