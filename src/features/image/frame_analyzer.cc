// Frame statistics and the frame descriptor in two fused passes over an analysis frame.
//
// Pass 1 (every pixel): luma as the integer S = 1000 Y = 299 R + 587 G + 114 B, its sum, the
// exposure counts, one 256-bin histogram of rounded luma per 4x4 grid block, and the colour
// statistics (HSV saturation and hue as OpenCV's floating-point RGB2HSV defines them).
// Pass 2 (interior pixels, three rows of S at a time): the 3x3 Laplacian, Immerkaer's noise
// operator and the Sobel gradients. Everything luma-derived is integer arithmetic on S until
// the final division, so an independent implementation agrees to rounding.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <opencv2/core.hpp>
#include <vector>

#include "parity/core/check.h"
#include "parity/features/camera_features.h"

// The per-pixel helpers are inlined into the two entry points below, which GCC compiles twice
// (AVX2 and baseline x86-64) and picks from at load time; other compilers get one version.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define PARITY_HOT_INLINE [[gnu::always_inline]] inline
#define PARITY_TARGET_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define PARITY_HOT_INLINE inline
#define PARITY_TARGET_CLONES
#endif

namespace parity::features {
namespace {

constexpr int kGrid = 4;  // the entropy blocks and descriptor cells form a kGrid x kGrid grid
constexpr int kCells = kGrid * kGrid;
constexpr std::int64_t kLumaScale = 1000;  // S = kLumaScale x luma
constexpr std::int32_t kOverExposedS = 250 * kLumaScale;
constexpr std::int32_t kUnderExposedS = 5 * kLumaScale;
// An edge pixel's Sobel gradient magnitude exceeds this many luma units (a step of 25 levels).
constexpr std::int64_t kEdgeMagnitude = 100;
constexpr std::int64_t kEdgeMagnitudeSquaredS =
    kEdgeMagnitude * kEdgeMagnitude * kLumaScale * kLumaScale;
// hue_mean is left out when the saturation-weighted mean resultant length is below this.
constexpr double kMinHueResultant = 1e-3;
constexpr double kTan22_5 = std::numbers::sqrt2 - 1.0;  // tan(22.5 degrees)
constexpr int kHueBins = 12;                            // 30 degrees each
constexpr int kGreyBins = 4;                            // rounded luma / 64

constexpr double kCos30 = std::numbers::sqrt3 / 2;

struct Sums {
  // Pass 1.
  std::uint64_t luma = 0;  // sum of S
  std::uint64_t over = 0;
  std::uint64_t under = 0;
  // Rounded luma per block, two interleaved histograms (even and odd columns) so that runs of
  // equal values do not serialise on one counter.
  std::array<std::array<std::uint32_t, 512>, kCells> histograms{};
  double saturation = 0;
  std::uint64_t red = 0;
  std::uint64_t blue = 0;
  double hue_x = 0;       // sum of s cos(hue) over pixels with s >= 0.1
  double hue_y = 0;       // sum of s sin(hue)
  double hue_weight = 0;  // sum of s
  // Pass 2.
  std::int64_t laplacian = 0;
  std::uint64_t laplacian_squares = 0;
  std::uint64_t immerkaer = 0;  // sum of |I * N|
  std::uint64_t edges = 0;
  // Descriptor only.
  std::array<std::array<std::uint64_t, 3>, kCells> colour{};
  std::array<std::array<double, 4>, kCells> gradient{};
  std::array<std::uint64_t, kCells> gradient_pixels{};
  // Hue bins 0..11 (pixels with s >= 0.1), then grey bins 12..15 (rounded luma / 64).
  std::array<std::uint32_t, kHueBins + kGreyBins> colour_bins{};
};

// Start of grid block `i` (0..kGrid) along a side of `n` pixels.
std::uint32_t grid_edge(std::uint32_t n, int i) {
  return static_cast<std::uint32_t>(std::uint64_t{n} * static_cast<std::uint32_t>(i) / kGrid);
}

inline std::uint32_t rounded_luma(std::int32_t s) {
  return static_cast<std::uint32_t>(s + 500) / 1000;
}

// Luma sums and exposure counts of one row of S.
PARITY_HOT_INLINE void luma_sums(const std::int32_t* luma, std::uint32_t width, Sums& sums) {
  std::uint64_t luma_sum = 0;
  std::uint32_t over = 0;
  std::uint32_t under = 0;
  for (std::size_t x = 0; x < width; ++x) {
    luma_sum += static_cast<std::uint32_t>(luma[x]);
    over += luma[x] >= kOverExposedS ? 1u : 0u;
    under += luma[x] <= kUnderExposedS ? 1u : 0u;
  }
  sums.luma += luma_sum;
  sums.over += over;
  sums.under += under;
}

// Per-row scratch arrays (int32 or double, `width` entries each), reused across rows and frames.
struct RowScratch {
  const std::uint8_t* planes[3];  // the frame's R, G and B planes (RGB frames)
  std::int32_t* v;                // max(R, G, B)
  std::int32_t* c;                // max - min
  std::int32_t* k;                // hue sextant: the hue is 60 (k + num / c) degrees
  std::int32_t* num;              // 0 <= num <= c
  std::int32_t* cos_k2;           // 2 cos(60 k degrees): 2, 1, -1, -2, -1, 1
  std::int32_t* sin_k;            // sin(60 k degrees) / cos(30 degrees): 0, 1, 1, 0, -1, -1
  std::int32_t* chromatic;        // 1 when saturation >= 0.1, else 0
  std::int32_t* lap;
  std::int32_t* gx;
  std::int32_t* gy;
  std::int32_t* smooth[3];  // per row of S: S[x-1] + 2 S[x] + S[x+1]
  std::int32_t* diff[3];    // S[x+1] - S[x-1]
  std::int32_t* second[3];  // S[x-1] - 2 S[x] + S[x+1]
};

// Luma and the per-pixel HSV parts of one RGB row (see RowScratch); returns the sums of R and B.
// Masks (0 or -1) instead of branches, so that the loop vectorises.
PARITY_HOT_INLINE std::array<std::uint32_t, 2> colour_prepare(
    const std::uint8_t* __restrict in_r, const std::uint8_t* __restrict in_g,
    const std::uint8_t* __restrict in_b, std::size_t width, std::int32_t* __restrict out_luma,
    std::int32_t* __restrict out_v, std::int32_t* __restrict out_c, std::int32_t* __restrict out_k,
    std::int32_t* __restrict out_num, std::int32_t* __restrict out_cos,
    std::int32_t* __restrict out_sin, std::int32_t* __restrict out_chromatic) {
  std::uint32_t red = 0;
  std::uint32_t blue = 0;
  for (std::size_t x = 0; x < width; ++x) {
    const std::int32_t r = in_r[x];
    const std::int32_t g = in_g[x];
    const std::int32_t b = in_b[x];
    out_luma[x] = 299 * r + 587 * g + 114 * b;
    red += static_cast<std::uint32_t>(r);
    blue += static_cast<std::uint32_t>(b);
    // OpenCV's RGB2HSV: hue from the maximum channel, R checked first, then G.
    const std::int32_t v = std::max(r, std::max(g, b));
    const std::int32_t c = v - std::min(r, std::min(g, b));
    const std::int32_t max_r = -static_cast<std::int32_t>(v == r);
    const std::int32_t max_g = ~max_r & -static_cast<std::int32_t>(v == g);
    const std::int32_t max_b = ~max_r & ~max_g;
    const std::int32_t d = (max_r & (g - b)) | (max_g & (b - r)) | (max_b & (r - g));
    const std::int32_t negative = -static_cast<std::int32_t>(d < 0);
    const std::int32_t k = (max_g & 2) + (max_b & 4) + negative + (negative & max_r & 6);
    out_v[x] = v;
    out_c[x] = c;
    out_k[x] = k;
    out_num[x] = d + (negative & c);
    const std::int32_t k0 = -static_cast<std::int32_t>(k == 0);
    const std::int32_t k1 = -static_cast<std::int32_t>(k == 1);
    const std::int32_t k2 = -static_cast<std::int32_t>(k == 2);
    const std::int32_t k3 = -static_cast<std::int32_t>(k == 3);
    const std::int32_t k4 = -static_cast<std::int32_t>(k == 4);
    const std::int32_t k5 = -static_cast<std::int32_t>(k == 5);
    out_cos[x] = (k0 & 2) + (k1 & 1) - (k2 & 1) - (k3 & 2) - (k4 & 1) + (k5 & 1);
    out_sin[x] = (k1 & 1) + (k2 & 1) - (k4 & 1) - (k5 & 1);
    out_chromatic[x] = static_cast<std::int32_t>(c > 0) & static_cast<std::int32_t>(10 * c >= v);
  }
  return {red, blue};
}

// Pass 1 over one row of an RGB frame. The loops are branch-free and of one element type each so
// that they vectorise: real frames mix chromatic and achromatic pixels and the three maximum
// channels unpredictably.
template <bool kDescriptor>
PARITY_HOT_INLINE void colour_row(const std::uint8_t* const (&planes)[3], std::int32_t* luma,
                                  std::uint32_t width, const std::uint32_t* column_edges,
                                  int block_row, const RowScratch& row, Sums& sums) {
  const auto [red, blue] =
      colour_prepare(planes[0], planes[1], planes[2], width, luma, row.v, row.c, row.k, row.num,
                     row.cos_k2, row.sin_k, row.chromatic);
  sums.red += red;
  sums.blue += blue;
  luma_sums(luma, width, sums);
  double saturation = 0;
  double hue_x = 0;
  double hue_y = 0;
  double hue_weight = 0;
  for (std::size_t x = 0; x < width; ++x) {
    const double v = row.v[x];
    const double c = row.c[x];
    const double s = c / std::max(v, 1.0);  // c = 0 when v = 0
    saturation += s;
    const double weight = row.chromatic[x] * s;  // s >= 0.1
    // cos and sin of the angle within the sextant, theta = (pi / 3) num / c in [0, pi / 3],
    // from Taylor series in phi = theta - pi / 6 (|phi| <= pi / 6: error below 1e-13).
    const double fraction = row.num[x] / std::max(c, 1.0);
    const double phi = std::numbers::pi / 3.0 * fraction - std::numbers::pi / 6.0;
    const double p2 = phi * phi;
    const double sin_phi =
        phi *
        (1.0 + p2 * (-1.0 / 6 + p2 * (1.0 / 120 +
                                      p2 * (-1.0 / 5040 + p2 * (1.0 / 362880 - p2 / 39916800.0)))));
    const double cos_phi =
        1.0 + p2 * (-0.5 + p2 * (1.0 / 24 +
                                 p2 * (-1.0 / 720 + p2 * (1.0 / 40320 + p2 * (-1.0 / 3628800 +
                                                                              p2 / 479001600.0)))));
    const double cos_theta = kCos30 * cos_phi - 0.5 * sin_phi;
    const double sin_theta = 0.5 * cos_phi + kCos30 * sin_phi;
    // Rotated by the sextant's 60 k degrees.
    const double cos_k = 0.5 * row.cos_k2[x];
    const double sin_k = kCos30 * row.sin_k[x];
    hue_x += weight * (cos_k * cos_theta - sin_k * sin_theta);
    hue_y += weight * (sin_k * cos_theta + cos_k * sin_theta);
    hue_weight += weight;
  }
  sums.saturation += saturation;
  sums.hue_x += hue_x;
  sums.hue_y += hue_y;
  sums.hue_weight += hue_weight;
  for (int bx = 0; bx < kGrid; ++bx) {
    const int cell = block_row * kGrid + bx;
    std::uint32_t* histogram = sums.histograms[static_cast<std::size_t>(cell)].data();
    for (std::size_t x = column_edges[bx]; x < column_edges[bx + 1]; ++x) {
      ++histogram[rounded_luma(luma[x]) + ((x & 1u) << 8)];
    }
    if constexpr (kDescriptor) {
      for (std::size_t c = 0; c < 3; ++c) {
        std::uint32_t channel = 0;
        for (std::size_t x = column_edges[bx]; x < column_edges[bx + 1]; ++x) {
          channel += planes[c][x];
        }
        sums.colour[static_cast<std::size_t>(cell)][c] += channel;
      }
    }
  }
  if constexpr (kDescriptor) {
    for (std::size_t x = 0; x < width; ++x) {
      const std::int32_t c = row.c[x];
      const std::int32_t num = row.num[x];
      // floor(2 (k + num / c)) = 2 k + (2 num >= c) + (num >= c).
      const std::int32_t hue_bin = 2 * row.k[x] + (2 * num >= c ? 1 : 0) + (num >= c ? 1 : 0);
      const auto grey_bin = static_cast<std::int32_t>(kHueBins + rounded_luma(luma[x]) / 64);
      ++sums.colour_bins[static_cast<std::size_t>(row.chromatic[x] != 0 ? hue_bin : grey_bin)];
    }
  }
}

// Pass 1 over one row of a grey frame.
template <bool kDescriptor>
PARITY_HOT_INLINE void grey_row(const std::uint8_t* grey, std::int32_t* luma, std::uint32_t width,
                                const std::uint32_t* column_edges, int block_row, Sums& sums) {
  for (std::size_t x = 0; x < width; ++x) {
    luma[x] = static_cast<std::int32_t>(kLumaScale) * grey[x];
  }
  luma_sums(luma, width, sums);
  for (int bx = 0; bx < kGrid; ++bx) {
    const int cell = block_row * kGrid + bx;
    std::uint32_t* histogram = sums.histograms[static_cast<std::size_t>(cell)].data();
    std::uint32_t total = 0;
    for (std::size_t x = column_edges[bx]; x < column_edges[bx + 1]; ++x) {
      ++histogram[grey[x] + ((x & 1u) << 8)];
      total += grey[x];
    }
    if constexpr (kDescriptor) {
      for (int c = 0; c < 3; ++c) sums.colour[static_cast<std::size_t>(cell)][c] += total;
      for (std::size_t x = column_edges[bx]; x < column_edges[bx + 1]; ++x) {
        ++sums.colour_bins[static_cast<std::size_t>(kHueBins + grey[x] / 64)];
      }
    }
  }
}

// The horizontal parts of the 3x3 kernels for one row of S (columns 1 .. width - 2).
PARITY_HOT_INLINE void horizontal_row(const std::int32_t* s, std::uint32_t width,
                                      std::int32_t* smooth, std::int32_t* diff,
                                      std::int32_t* second) {
  for (std::size_t x = 1; x + 1 < width; ++x) {
    smooth[x] = s[x - 1] + 2 * s[x] + s[x + 1];
    diff[x] = s[x + 1] - s[x - 1];
    second[x] = s[x - 1] - 2 * s[x] + s[x + 1];
  }
}

// The 3x3 kernels of interior row y from S and the horizontal parts of rows y - 1, y, y + 1.
PARITY_HOT_INLINE void interior_kernels(
    const std::int32_t* __restrict up, const std::int32_t* __restrict mid,
    const std::int32_t* __restrict down, const std::int32_t* __restrict smooth_up,
    const std::int32_t* __restrict smooth_down, const std::int32_t* __restrict diff_up,
    const std::int32_t* __restrict diff_mid, const std::int32_t* __restrict diff_down,
    const std::int32_t* __restrict second_up, const std::int32_t* __restrict second_mid,
    const std::int32_t* __restrict second_down, std::size_t width, std::int32_t* __restrict lap_out,
    std::int32_t* __restrict gx_out, std::int32_t* __restrict gy_out, std::int64_t& laplacian_sum,
    std::int64_t& immerkaer_sum) {
  std::int64_t laplacian = 0;
  std::int64_t immerkaer = 0;
  for (std::size_t x = 1; x + 1 < width; ++x) {
    // cv::Laplacian ksize = 1: [0 1 0; 1 -4 1; 0 1 0].
    const std::int32_t lap = second_mid[x] + up[x] - 2 * mid[x] + down[x];
    lap_out[x] = lap;
    laplacian += lap;
    // Immerkaer's N = [1 -2 1; -2 4 -2; 1 -2 1] = [1 -2 1]^T [1 -2 1].
    immerkaer += std::abs(second_up[x] - 2 * second_mid[x] + second_down[x]);
    // Sobel 3x3 (cv::Sobel ksize = 3), x to the right, y down.
    gx_out[x] = diff_up[x] + 2 * diff_mid[x] + diff_down[x];
    gy_out[x] = smooth_down[x] - smooth_up[x];
  }
  laplacian_sum = laplacian;
  immerkaer_sum = immerkaer;
}

// Pass 2 over interior row y from the horizontal parts of rows y - 1, y, y + 1 (indices 0, 1,
// 2 of the row scratch) and S of those rows. Squares are summed in double: exact, since every
// term is an integer and a row's sum stays below 2^53 (rows of at most kMaxAnalysisSide pixels,
// terms below (4 x 255000)^2 x 2).
template <bool kDescriptor>
PARITY_HOT_INLINE void interior_row(const std::int32_t* up, const std::int32_t* mid,
                                    const std::int32_t* down, std::uint32_t width,
                                    const std::uint32_t* column_edges, int block_row,
                                    const RowScratch& row, const int (&order)[3], Sums& sums) {
  const std::int32_t* smooth_up = row.smooth[order[0]];
  const std::int32_t* smooth_down = row.smooth[order[2]];
  const std::int32_t* diff_up = row.diff[order[0]];
  const std::int32_t* diff_mid = row.diff[order[1]];
  const std::int32_t* diff_down = row.diff[order[2]];
  const std::int32_t* second_up = row.second[order[0]];
  const std::int32_t* second_mid = row.second[order[1]];
  const std::int32_t* second_down = row.second[order[2]];
  std::int64_t laplacian = 0;
  std::int64_t immerkaer = 0;
  interior_kernels(up, mid, down, smooth_up, smooth_down, diff_up, diff_mid, diff_down, second_up,
                   second_mid, second_down, width, row.lap, row.gx, row.gy, laplacian, immerkaer);
  sums.laplacian += laplacian;
  sums.immerkaer += static_cast<std::uint64_t>(immerkaer);
  double laplacian_squares = 0;
  for (std::size_t x = 1; x + 1 < width; ++x) {
    const double lap = row.lap[x];
    laplacian_squares += lap * lap;
  }
  sums.laplacian_squares += static_cast<std::uint64_t>(laplacian_squares);
  double edges = 0;  // a count, exact in double
  for (std::size_t x = 1; x + 1 < width; ++x) {
    const double fx = row.gx[x];
    const double fy = row.gy[x];
    edges += fx * fx + fy * fy > static_cast<double>(kEdgeMagnitudeSquaredS) ? 1.0 : 0.0;
  }
  sums.edges += static_cast<std::uint64_t>(edges);
  if constexpr (kDescriptor) {
    for (int bx = 0; bx < kGrid; ++bx) {
      const std::uint32_t begin = std::max(column_edges[bx], 1u);
      const std::uint32_t end = std::min(column_edges[bx + 1], width - 1);
      if (end <= begin) continue;
      double bins[4] = {0, 0, 0, 0};
      for (std::size_t x = begin; x < end; ++x) {
        const double fx = row.gx[x];
        const double fy = row.gy[x];
        const double magnitude = std::sqrt(fx * fx + fy * fy);
        const double ax = std::abs(fx);
        const double ay = std::abs(fy);
        const bool horizontal = ay < kTan22_5 * ax;
        const bool vertical = ax < kTan22_5 * ay;
        const bool same_sign = fx * fy > 0;
        const bool diagonal = !horizontal && !vertical;
        bins[0] += horizontal ? magnitude : 0.0;
        bins[1] += diagonal && same_sign ? magnitude : 0.0;
        bins[2] += vertical ? magnitude : 0.0;
        bins[3] += diagonal && !same_sign ? magnitude : 0.0;
      }
      const auto cell = static_cast<std::size_t>(block_row * kGrid + bx);
      for (std::size_t bin = 0; bin < 4; ++bin) sums.gradient[cell][bin] += bins[bin];
      sums.gradient_pixels[cell] += end - begin;
    }
  }
}

// Smallest rounded luma whose cumulative count reaches percent / 100 of `total` (the inverted
// empirical CDF; NumPy's percentile method "inverted_cdf").
double histogram_percentile(const std::array<std::uint64_t, 256>& histogram, std::uint64_t total,
                            std::uint64_t percent) {
  std::uint64_t cumulative = 0;
  for (std::size_t v = 0; v < 256; ++v) {
    cumulative += histogram[v];
    if (cumulative * 100 >= percent * total) return static_cast<double>(v);
  }
  return 255.0;
}

double entropy_bits(const std::array<std::uint32_t, 256>& histogram, std::uint64_t total) {
  double sum = 0;
  for (const std::uint32_t count : histogram) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / static_cast<double>(total);
    sum -= p * std::log2(p);
  }
  return sum;
}

// Scales the values in [begin, end) to unit L2 norm (left as they are when all are zero).
void normalise(float* begin, float* end) {
  double squares = 0;
  for (const float* v = begin; v != end; ++v) squares += static_cast<double>(*v) * *v;
  if (squares == 0) return;
  const double scale = 1.0 / std::sqrt(squares);
  for (float* v = begin; v != end; ++v) *v = static_cast<float>(*v * scale);
}

template <bool kDescriptor>
PARITY_HOT_INLINE void run_passes(const AnalysisFrame& frame, std::int32_t* luma,
                                  const RowScratch& row, Sums& sums) {
  const std::uint32_t width = frame.width;
  const std::uint32_t height = frame.height;
  std::uint32_t column_edges[kGrid + 1];
  std::uint32_t row_edges[kGrid + 1];
  for (int i = 0; i <= kGrid; ++i) {
    column_edges[i] = grid_edge(width, i);
    row_edges[i] = grid_edge(height, i);
  }
  int block_row = 0;
  for (std::uint32_t y = 0; y < height; ++y) {
    while (y >= row_edges[block_row + 1]) ++block_row;
    const std::uint8_t* pixels = frame.pixels.data() + std::size_t{y} * width * frame.channels;
    std::int32_t* luma_row = luma + std::size_t{y} * width;
    if (frame.channels == 3) {
      const std::size_t offset = std::size_t{y} * width;
      const std::uint8_t* const planes[3] = {row.planes[0] + offset, row.planes[1] + offset,
                                             row.planes[2] + offset};
      colour_row<kDescriptor>(planes, luma_row, width, column_edges, block_row, row, sums);
    } else {
      grey_row<kDescriptor>(pixels, luma_row, width, column_edges, block_row, sums);
    }
  }
  // Horizontal parts of rows y - 1, y, y + 1 in a ring of three.
  horizontal_row(luma, width, row.smooth[0], row.diff[0], row.second[0]);
  horizontal_row(luma + width, width, row.smooth[1], row.diff[1], row.second[1]);
  block_row = 0;
  for (std::uint32_t y = 1; y + 1 < height; ++y) {
    while (y >= row_edges[block_row + 1]) ++block_row;
    const int next = static_cast<int>((y + 1) % 3);
    const std::int32_t* mid = luma + std::size_t{y} * width;
    horizontal_row(mid + width, width, row.smooth[next], row.diff[next], row.second[next]);
    const int order[3] = {static_cast<int>((y - 1) % 3), static_cast<int>(y % 3), next};
    interior_row<kDescriptor>(mid - width, mid, mid + width, width, column_edges, block_row, row,
                              order, sums);
  }
}

PARITY_TARGET_CLONES void run_passes_with_descriptor(const AnalysisFrame& frame, std::int32_t* luma,
                                                     const RowScratch& row, Sums& sums) {
  run_passes<true>(frame, luma, row, sums);
}

PARITY_TARGET_CLONES void run_passes_stats_only(const AnalysisFrame& frame, std::int32_t* luma,
                                                const RowScratch& row, Sums& sums) {
  run_passes<false>(frame, luma, row, sums);
}

}  // namespace

void FrameAnalyzer::analyze(const AnalysisFrame& frame, FrameStats& stats,
                            std::vector<float>* descriptor) {
  PARITY_CHECK(frame.width >= 3 && frame.height >= 3);
  PARITY_CHECK(frame.channels == 1 || frame.channels == 3);
  const std::uint64_t pixels = std::uint64_t{frame.width} * frame.height;
  PARITY_CHECK(frame.pixels.size() == pixels * frame.channels);
  luma_.resize(pixels);
  rows_.resize(std::size_t{19} * frame.width);
  RowScratch row{};
  std::int32_t* next = rows_.data();
  const auto take = [&] {
    std::int32_t* out = next;
    next += frame.width;
    return out;
  };
  row.v = take();
  row.c = take();
  row.k = take();
  row.num = take();
  row.cos_k2 = take();
  row.sin_k = take();
  row.chromatic = take();
  row.lap = take();
  row.gx = take();
  row.gy = take();
  for (int i = 0; i < 3; ++i) {
    row.smooth[i] = take();
    row.diff[i] = take();
    row.second[i] = take();
  }
  if (frame.channels == 3) {
    planes_.resize(pixels * 3);
    const int rows = static_cast<int>(frame.height);
    const int cols = static_cast<int>(frame.width);
    cv::Mat split[3] = {cv::Mat(rows, cols, CV_8UC1, planes_.data()),
                        cv::Mat(rows, cols, CV_8UC1, planes_.data() + pixels),
                        cv::Mat(rows, cols, CV_8UC1, planes_.data() + 2 * pixels)};
    cv::split(cv::Mat(rows, cols, CV_8UC3, const_cast<std::uint8_t*>(frame.pixels.data())), split);
    for (std::size_t c = 0; c < 3; ++c) row.planes[c] = planes_.data() + c * pixels;
  }
  Sums sums;
  if (descriptor != nullptr) {
    run_passes_with_descriptor(frame, luma_.data(), row, sums);
  } else {
    run_passes_stats_only(frame, luma_.data(), row, sums);
  }
  const auto n = static_cast<double>(pixels);

  // Luma moments: population variance around the integer part of the mean, exact in integers.
  const std::uint64_t centre = sums.luma / pixels;
  std::uint64_t centred_squares = 0;
  for (const std::int32_t s : luma_) {
    const std::int64_t d = s - static_cast<std::int64_t>(centre);
    centred_squares += static_cast<std::uint64_t>(d * d);
  }
  const double offset = static_cast<double>(sums.luma % pixels) / n;  // mean - centre, in S
  const double variance_s =
      std::max(0.0, static_cast<double>(centred_squares) / n - offset * offset);
  stats.luma_mean = static_cast<double>(sums.luma) / n / kLumaScale;
  stats.luma_std = std::sqrt(variance_s) / kLumaScale;

  std::array<std::uint64_t, 256> histogram{};
  std::array<std::array<std::uint32_t, 256>, kCells> blocks{};
  for (std::size_t cell = 0; cell < kCells; ++cell) {
    for (std::size_t v = 0; v < 256; ++v) {
      blocks[cell][v] = sums.histograms[cell][v] + sums.histograms[cell][256 + v];
      histogram[v] += blocks[cell][v];
    }
  }
  stats.luma_p10 = histogram_percentile(histogram, pixels, 10);
  stats.luma_p50 = histogram_percentile(histogram, pixels, 50);
  stats.luma_p90 = histogram_percentile(histogram, pixels, 90);
  stats.over_exposed = static_cast<double>(sums.over) / n;
  stats.under_exposed = static_cast<double>(sums.under) / n;

  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (frame.channels == 3) {
    stats.saturation_mean = sums.saturation / n;
    stats.rb_ratio =
        sums.blue == 0 ? nan : static_cast<double>(sums.red) / static_cast<double>(sums.blue);
    const double x = sums.hue_x;
    const double y = sums.hue_y;
    stats.hue_mean = nan;
    if (sums.hue_weight > 0 && std::hypot(x, y) >= kMinHueResultant * sums.hue_weight) {
      double degrees = std::atan2(y, x) * (180.0 / std::numbers::pi);
      if (degrees < 0) degrees += 360.0;
      if (degrees >= 360.0) degrees -= 360.0;
      stats.hue_mean = degrees;
    }
  } else {
    stats.hue_mean = nan;
    stats.saturation_mean = nan;
    stats.rb_ratio = nan;
  }

  const std::uint64_t interior = std::uint64_t{frame.width - 2} * (frame.height - 2);
  const auto m = static_cast<double>(interior);
  const double lap_mean = static_cast<double>(sums.laplacian) / m;
  const double lap_variance =
      std::max(0.0, static_cast<double>(sums.laplacian_squares) / m - lap_mean * lap_mean);
  stats.sharpness = lap_variance / (kLumaScale * kLumaScale);
  // Immerkaer 1996, eq. (4): sigma = sqrt(pi / 2) / (6 (W - 2) (H - 2)) sum |I * N|.
  stats.noise_sigma = std::sqrt(std::numbers::pi / 2.0) / (6.0 * m) *
                      static_cast<double>(sums.immerkaer) / kLumaScale;
  stats.edge_density = static_cast<double>(sums.edges) / m;

  double entropy = 0;
  int non_empty = 0;
  for (const auto& block : blocks) {
    std::uint64_t total = 0;
    for (const std::uint32_t count : block) total += count;
    if (total == 0) continue;
    entropy += entropy_bits(block, total);
    ++non_empty;
  }
  stats.entropy = entropy / non_empty;

  if (descriptor == nullptr) return;
  descriptor->assign(kFrameDescriptorDims, 0.0f);
  float* out = descriptor->data();
  std::uint32_t column_edges[kGrid + 1];
  std::uint32_t row_edges[kGrid + 1];
  for (int i = 0; i <= kGrid; ++i) {
    column_edges[i] = grid_edge(frame.width, i);
    row_edges[i] = grid_edge(frame.height, i);
  }
  for (int by = 0; by < kGrid; ++by) {
    for (int bx = 0; bx < kGrid; ++bx) {
      const auto cell = static_cast<std::size_t>(by * kGrid + bx);
      const std::uint64_t count = std::uint64_t{column_edges[bx + 1] - column_edges[bx]} *
                                  (row_edges[by + 1] - row_edges[by]);
      if (count > 0) {
        for (std::size_t c = 0; c < 3; ++c) {
          out[3 * cell + c] = static_cast<float>(static_cast<double>(sums.colour[cell][c]) /
                                                 (255.0 * static_cast<double>(count)));
        }
      }
      if (sums.gradient_pixels[cell] > 0) {
        for (std::size_t bin = 0; bin < 4; ++bin) {
          out[48 + 4 * cell + bin] =
              static_cast<float>(sums.gradient[cell][bin] /
                                 static_cast<double>(sums.gradient_pixels[cell]) / kLumaScale);
        }
      }
    }
  }
  for (std::size_t i = 0; i < kHueBins + kGreyBins; ++i) {
    out[112 + i] = static_cast<float>(static_cast<double>(sums.colour_bins[i]) / n);
  }
  normalise(out, out + 48);
  normalise(out + 48, out + 112);
  normalise(out + 112, out + 128);
  normalise(out, out + 128);
}

FrameStats compute_frame_stats(const AnalysisFrame& frame) {
  FrameAnalyzer analyzer;
  FrameStats stats;
  analyzer.analyze(frame, stats, nullptr);
  return stats;
}

std::vector<float> compute_frame_descriptor(const AnalysisFrame& frame) {
  FrameAnalyzer analyzer;
  FrameStats stats;
  std::vector<float> descriptor;
  analyzer.analyze(frame, stats, &descriptor);
  return descriptor;
}

std::string_view frame_descriptor_definition() {
  return "128 values describing one analysis frame, with the frame split into a 4x4 grid of "
         "cells (cell edges at floor(i * side / 4)): dims 0-47 the mean R, G, B of each cell "
         "(cells row by row, values / 255); dims 48-111 per cell the mean Sobel gradient "
         "magnitude (luma units, over the cell's interior pixels) in 4 orientation bins "
         "centred on 0, 45, 90 and 135 degrees (0: |gy| < tan(22.5 deg) |gx|; 90: |gx| < "
         "tan(22.5 deg) |gy|; 45: gx and gy of the same sign, y pointing down; 135: otherwise); "
         "dims 112-127 the fraction of pixels in 12 hue bins of 30 degrees (pixels with HSV "
         "saturation >= 0.1) and in 4 bins of rounded luma 0-63, 64-127, 128-191, 192-255 (the "
         "other pixels; every pixel of a grey frame). Grey frames use the grey value as R, G "
         "and B. Each of the three parts is scaled to unit L2 norm (an all-zero part stays "
         "zero), then the whole vector is.";
}

}  // namespace parity::features
