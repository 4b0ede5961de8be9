#include "formats/video/libav.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <cstdarg>
#include <cstdlib>
#include <mutex>

namespace parity::video {
namespace {

thread_local std::string last_error_line;  // the last AV_LOG_ERROR line on this thread
bool forward_to_default = false;           // set once, before the callback is installed

void log_callback(void* object, int level, const char* format, va_list args) {
  if (forward_to_default) {
    va_list copy;
    va_copy(copy, args);
    av_log_default_callback(object, level, format, copy);
    va_end(copy);
  }
  if (level > AV_LOG_ERROR) return;
  char line[512];
  int print_prefix = 0;  // the prefix carries the context's address; we name it ourselves
  if (av_log_format_line2(object, level, format, args, line, sizeof line, &print_prefix) < 0) {
    return;
  }
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return;
  const AVClass* const* av_class = static_cast<const AVClass* const*>(object);
  if (av_class != nullptr && *av_class != nullptr && (*av_class)->item_name != nullptr) {
    text = std::string((*av_class)->item_name(object)) + ": " + text;
  }
  last_error_line = std::move(text);
}

}  // namespace

std::string libav_error_text(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buffer, sizeof buffer);
  std::string text(buffer);
  if (!last_error_line.empty()) text += " (" + last_error_line + ")";
  return text;
}

void install_libav_log() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("PARITY_LIBAV_LOG");
    forward_to_default = env != nullptr && *env != '\0';
    av_log_set_callback(log_callback);
  });
}

void clear_libav_log() {
  last_error_line.clear();
}

}  // namespace parity::video
