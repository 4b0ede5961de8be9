// UTF-8 helpers for decoded text: wstring (UTF-16) conversion and making untrusted strings
// safe to hand to nlohmann::json (which throws on invalid UTF-8). Private to formats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parity::ros2 {

// Appends `code_point` as UTF-8; invalid code points (surrogates, > U+10FFFF) become U+FFFD.
void append_utf8(std::string& out, std::uint32_t code_point);

// True when `text` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace parity::ros2
