// PNG through libpng's progressive-free read API. libpng reports fatal errors through an error
// callback that must not return: ours records the message and longjmps back into the phase
// function that called the library. Phase functions hold no C++ objects with destructors, and
// the read structs are destroyed by their owner on every path.
#include <fmt/format.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

#include "imaging/decoders.h"

namespace parity::imaging_detail {
namespace {

struct Reader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
  char message[256] = {};

  Reader() = default;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader() {
    if (png != nullptr) png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
  }
};

extern "C" void on_png_error(png_structp png, png_const_charp message) {
  auto* reader = static_cast<Reader*>(png_get_error_ptr(png));
  std::snprintf(reader->message, sizeof(reader->message), "%s",
                message != nullptr ? message : "libpng failed");
  png_longjmp(png, 1);
}

extern "C" void on_png_warning(png_structp /*png*/, png_const_charp /*message*/) {}

extern "C" void on_png_read(png_structp png, png_bytep out, png_size_t length) {
  auto* reader = static_cast<Reader*>(png_get_io_ptr(png));
  if (length > reader->size - reader->offset) {
    png_error(png, "unexpected end of PNG data");
  }
  std::memcpy(out, reader->data + reader->offset, length);
  reader->offset += length;
}

// Phase 1: the chunks up to the first IDAT, the output transformations, and the updated info.
bool read_info(Reader* r) {
  if (setjmp(png_jmpbuf(r->png)) != 0) return false;
  png_set_read_fn(r->png, r, on_png_read);
  png_read_info(r->png, r->info);
  const int color_type = png_get_color_type(r->png, r->info);
  const int bit_depth = png_get_bit_depth(r->png, r->info);
  const bool has_trns = png_get_valid(r->png, r->info, PNG_INFO_tRNS) != 0;
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(r->png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(r->png);
  if (has_trns) png_set_tRNS_to_alpha(r->png);
  const bool grey = (color_type & PNG_COLOR_MASK_COLOR) == 0;
  const bool alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || has_trns;
  if (bit_depth == 16) {
    if (grey && !alpha) {
      png_set_swap(r->png);  // mono16: little-endian samples
    } else {
      png_set_strip_16(r->png);
    }
  }
  if (grey && alpha) png_set_gray_to_rgb(r->png);
  png_set_interlace_handling(r->png);
  png_read_update_info(r->png, r->info);
  return true;
}

// Phase 2: every row, then the chunks after the image data (their CRCs are checked).
bool read_rows(Reader* r, png_bytepp rows) {
  if (setjmp(png_jmpbuf(r->png)) != 0) return false;
  png_read_image(r->png, rows);
  png_read_end(r->png, nullptr);
  return true;
}

Status png_error_status(const Reader& r) {
  return corrupt(fmt::format("PNG: {}", r.message[0] != '\0' ? r.message : "libpng failed"));
}

// Creates the read structs and reads the header. On success `header` describes the output.
Status open(Reader& r, std::span<const std::uint8_t> bytes, ImageHeader& header) {
  r.data = bytes.data();
  r.size = bytes.size();
  r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, on_png_error, on_png_warning);
  if (r.png == nullptr) return internal_error("PNG: cannot create a libpng read struct");
  r.info = png_create_info_struct(r.png);
  if (r.info == nullptr) return internal_error("PNG: cannot create a libpng info struct");
  if (!read_info(&r)) return png_error_status(r);
  header.format = ImageFormat::kPng;
  header.width = png_get_image_width(r.png, r.info);
  header.height = png_get_image_height(r.png, r.info);
  header.channels = png_get_channels(r.png, r.info);
  const int depth = png_get_bit_depth(r.png, r.info);
  if (depth == 16 && header.channels == 1) {
    header.encoding = "mono16";
  } else if (depth == 8 && header.channels == 1) {
    header.encoding = "mono8";
  } else if (depth == 8 && header.channels == 3) {
    header.encoding = "rgb8";
  } else if (depth == 8 && header.channels == 4) {
    header.encoding = "rgba8";
  } else {
    return internal_error(
        fmt::format("PNG: unexpected output of {} channels at {} bits", header.channels, depth));
  }
  return {};
}

}  // namespace

Result<ImageHeader> probe_png(std::span<const std::uint8_t> bytes) {
  Reader r;
  ImageHeader header;
  PARITY_RETURN_IF_ERROR(open(r, bytes, header));
  return header;
}

Result<DecodedImage> decode_png(std::span<const std::uint8_t> bytes) {
  Reader r;
  ImageHeader header;
  PARITY_RETURN_IF_ERROR(open(r, bytes, header));
  if (std::uint64_t{header.width} * header.height > kMaxImagePixels) {
    return unsupported(fmt::format("PNG: {} x {} pixels exceeds the limit of {} pixels",
                                   header.width, header.height, kMaxImagePixels));
  }
  DecodedImage image;
  image.width = header.width;
  image.height = header.height;
  image.channels = header.channels;
  image.encoding = header.encoding;
  const std::size_t stride = png_get_rowbytes(r.png, r.info);
  const std::size_t expected = std::size_t{image.width} * image.channels * image.bytes_per_sample();
  if (stride != expected) {
    return internal_error(
        fmt::format("PNG: libpng rows are {} bytes, expected {}", stride, expected));
  }
  image.pixels.resize(stride * image.height);
  std::vector<png_bytep> rows(image.height);
  for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = image.pixels.data() + y * stride;
  if (!read_rows(&r, rows.data())) return png_error_status(r);
  return image;
}

}  // namespace parity::imaging_detail
