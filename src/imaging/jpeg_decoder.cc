// JPEG through libjpeg-turbo's libjpeg API. libjpeg reports fatal errors by calling
// error_exit(), whose default implementation calls exit(): ours longjmps back into the phase
// function that called the library. Each phase function holds no C++ objects with destructors
// (longjmp must not skip any), and the decompressor is destroyed by its owner on every path.
#include <fmt/format.h>

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstring>

// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include "imaging/decoders.h"

namespace parity::imaging_detail {
namespace {

// Progressive JPEGs can hold many tiny scans that each cost a pass over the coefficients; a
// real encoder writes about ten. More than this is treated as damage (a known denial of
// service, see libjpeg-turbo's TJPARAM_SCANLIMIT).
constexpr int kMaxScans = 500;

struct ErrorManager {
  jpeg_error_mgr pub;  // first member: libjpeg sees only this part
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

ErrorManager* error_manager(j_common_ptr cinfo) {
  return reinterpret_cast<ErrorManager*>(cinfo->err);
}

extern "C" void on_error_exit(j_common_ptr cinfo) {
  ErrorManager* err = error_manager(cinfo);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Level -1 is a warning about damaged data (libjpeg would go on with grey pixels): an error
// here, except for bytes between markers, which many encoders leave and which lose nothing.
extern "C" void on_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  if (cinfo->err->msg_code == JWRN_EXTRANEOUS_DATA) {
    ++cinfo->err->num_warnings;
    return;
  }
  on_error_exit(cinfo);
}

extern "C" void on_progress(j_common_ptr cinfo) {
  if (cinfo->is_decompressor == 0) return;
  const auto* decompress = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (decompress->input_scan_number > kMaxScans) {
    ErrorManager* err = error_manager(cinfo);
    std::snprintf(err->message, sizeof(err->message), "more than %d scans in a progressive JPEG",
                  kMaxScans);
    std::longjmp(err->jump, 1);
  }
}

struct Decompressor {
  jpeg_decompress_struct cinfo{};
  ErrorManager err{};
  jpeg_progress_mgr progress{};
  bool created = false;

  Decompressor() = default;
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
  ~Decompressor() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

// Phase 1: create, attach the bytes, read the header. False on a libjpeg error.
bool read_header(Decompressor* d, const std::uint8_t* data, std::size_t size) {
  d->cinfo.err = jpeg_std_error(&d->err.pub);
  d->err.pub.error_exit = on_error_exit;
  d->err.pub.emit_message = on_emit_message;
  d->err.message[0] = '\0';
  if (setjmp(d->err.jump) != 0) return false;
  jpeg_create_decompress(&d->cinfo);
  d->created = true;
  d->progress.progress_monitor = on_progress;
  d->cinfo.progress = &d->progress;
  jpeg_mem_src(&d->cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&d->cinfo, TRUE);
  return true;
}

// Phase 2: start decompression with the output parameters already set.
bool start(Decompressor* d) {
  if (setjmp(d->err.jump) != 0) return false;
  jpeg_start_decompress(&d->cinfo);
  return true;
}

// Phase 3: every scanline into `out` (output_height rows of `stride` bytes), then finish.
bool read_scanlines(Decompressor* d, std::uint8_t* out, std::size_t stride) {
  if (setjmp(d->err.jump) != 0) return false;
  while (d->cinfo.output_scanline < d->cinfo.output_height) {
    JSAMPROW row = out + static_cast<std::size_t>(d->cinfo.output_scanline) * stride;
    if (jpeg_read_scanlines(&d->cinfo, &row, 1) != 1) {
      // Suspension cannot happen with a memory source; treat it as running out of data.
      std::snprintf(d->err.message, sizeof(d->err.message), "decoder stopped at scanline %u",
                    d->cinfo.output_scanline);
      return false;
    }
  }
  jpeg_finish_decompress(&d->cinfo);
  return true;
}

Status jpeg_error(const Decompressor& d) {
  return corrupt(
      fmt::format("JPEG: {}", d.err.message[0] != '\0' ? d.err.message : "libjpeg failed"));
}

// The output colour space and channel count for the stream's colour space.
Result<std::uint32_t> choose_output(jpeg_decompress_struct& cinfo) {
  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; return 1u;
    case JCS_YCbCr:
    case JCS_RGB: cinfo.out_color_space = JCS_RGB; return 3u;
    case JCS_CMYK:
    case JCS_YCCK: return unsupported("JPEG: CMYK / YCCK colour space is not supported");
    default:
      return unsupported(fmt::format("JPEG: colour space {} with {} components is not supported",
                                     static_cast<int>(cinfo.jpeg_color_space),
                                     cinfo.num_components));
  }
}

Status check_size(std::uint64_t width, std::uint64_t height) {
  if (width * height > kMaxImagePixels) {
    return unsupported(fmt::format("JPEG: {} x {} pixels exceeds the limit of {} pixels", width,
                                   height, kMaxImagePixels));
  }
  return {};
}

}  // namespace

Result<ImageHeader> probe_jpeg(std::span<const std::uint8_t> bytes) {
  Decompressor d;
  if (!read_header(&d, bytes.data(), bytes.size())) return jpeg_error(d);
  PARITY_ASSIGN_OR_RETURN(const std::uint32_t channels, choose_output(d.cinfo));
  ImageHeader header;
  header.format = ImageFormat::kJpeg;
  header.width = d.cinfo.image_width;
  header.height = d.cinfo.image_height;
  header.channels = channels;
  header.encoding = channels == 1 ? "mono8" : "rgb8";
  return header;
}

Result<DecodedImage> decode_jpeg(std::span<const std::uint8_t> bytes,
                                 std::uint32_t scale_denominator) {
  Decompressor d;
  if (!read_header(&d, bytes.data(), bytes.size())) return jpeg_error(d);
  PARITY_ASSIGN_OR_RETURN(const std::uint32_t channels, choose_output(d.cinfo));
  PARITY_RETURN_IF_ERROR(check_size(d.cinfo.image_width, d.cinfo.image_height));
  d.cinfo.scale_num = 1;
  d.cinfo.scale_denom = scale_denominator;
  if (!start(&d)) return jpeg_error(d);
  if (static_cast<std::uint32_t>(d.cinfo.output_components) != channels) {
    return internal_error(fmt::format("JPEG: libjpeg produces {} components, expected {}",
                                      d.cinfo.output_components, channels));
  }
  DecodedImage image;
  image.width = d.cinfo.output_width;
  image.height = d.cinfo.output_height;
  image.channels = channels;
  image.encoding = channels == 1 ? "mono8" : "rgb8";
  const std::size_t stride = std::size_t{image.width} * channels;
  image.pixels.resize(stride * image.height);
  if (!read_scanlines(&d, image.pixels.data(), stride)) return jpeg_error(d);
  return image;
}

}  // namespace parity::imaging_detail
