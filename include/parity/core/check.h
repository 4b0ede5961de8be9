// PARITY_CHECK: assertions for programmer errors. Never reachable from user input: bad input
// must produce a Status instead. A failed check prints file:line and aborts, in every build.
#pragma once

namespace parity::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* condition,
                               const char* message);
}  // namespace parity::detail

#define PARITY_CHECK(condition)                                                           \
  do {                                                                                    \
    if (!(condition)) ::parity::detail::check_failed(__FILE__, __LINE__, #condition, ""); \
  } while (false)

#define PARITY_CHECK_MSG(condition, message)                                                   \
  do {                                                                                         \
    if (!(condition)) ::parity::detail::check_failed(__FILE__, __LINE__, #condition, message); \
  } while (false)
