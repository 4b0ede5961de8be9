// Process exit codes of the `parity` binary (documented in docs/cli.md).
#pragma once

#include "parity/core/status.h"

namespace parity::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitBadInput = 1,      // corrupt, truncated, unsupported or invalid input data / arguments
  kExitUsage = 2,         // unknown verb or option, missing argument
  kExitNotFound = 3,      // a path, episode or snapshot that does not exist
  kExitIo = 4,            // the OS failed a read or write
  kExitPrecondition = 5,  // e.g. no catalog at the given path; snapshot verification failed
  kExitInternal = 70,     // a bug in Parity (EX_SOFTWARE)
  kExitInterrupted = 130  // cancelled (Ctrl-C)
};

// The one place a Status becomes an exit code.
int exit_code_for(const Status& status);

}  // namespace parity::cli
