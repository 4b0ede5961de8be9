// The registry entries of the camera features (docs/features.md is generated from them).
#include <limits>

#include "parity/features/camera_features.h"

namespace parity::features {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Every statistic is computed on the analysis frame (the frame reduced so that its longer side
// is at most 320 pixels by default, see camera_features.h); the per-frame values are aggregated
// per episode as .mean, .std, .p10, .p50 and .p90.
constexpr FeatureSpec kSpecs[] = {
    {"luma_mean", "0-255 luma",
     "Mean luma of the frame, Y = 0.299 R + 0.587 G + 0.114 B (BT.601 weights on the 8-bit "
     "values; a grey frame's value is its luma).",
     0.0, 255.0, true, HistogramScale::kLinear, 0.0, 255.0},
    {"luma_std", "0-255 luma",
     "Population standard deviation of the frame's luma (global contrast).", 0.0, 127.5, true,
     HistogramScale::kLinear, 0.0, 128.0},
    {"luma_p10", "0-255 luma",
     "10th percentile of luma rounded to integers (half up): the smallest value v whose "
     "cumulative share of pixels with rounded luma <= v reaches 10% (inverted empirical CDF, "
     "NumPy's \"inverted_cdf\").",
     0.0, 255.0, true, HistogramScale::kLinear, 0.0, 255.0},
    {"luma_p50", "0-255 luma",
     "Median of luma rounded to integers (half up), inverted empirical CDF as for luma_p10.", 0.0,
     255.0, true, HistogramScale::kLinear, 0.0, 255.0},
    {"luma_p90", "0-255 luma",
     "90th percentile of luma rounded to integers (half up), inverted empirical CDF as for "
     "luma_p10.",
     0.0, 255.0, true, HistogramScale::kLinear, 0.0, 255.0},
    {"over_exposed", "fraction", "Fraction of pixels with luma >= 250 (exact, before rounding).",
     0.0, 1.0, true, HistogramScale::kLinear, 0.0, 1.0},
    {"under_exposed", "fraction", "Fraction of pixels with luma <= 5 (exact, before rounding).",
     0.0, 1.0, true, HistogramScale::kLinear, 0.0, 1.0},
    {"hue_mean", "deg",
     "Circular mean of the HSV hue (OpenCV's floating-point RGB2HSV: full 0-360 degree range, "
     "hue taken from the maximum channel, R before G before B on ties) over the pixels with "
     "saturation (max - min) / max >= 0.1, each weighted by its saturation: atan2 of the "
     "weighted mean sine and cosine, in [0, 360). Missing for grey frames, frames without such "
     "pixels and frames whose weighted mean resultant length is below 0.001 (hues cancel out).",
     0.0, 360.0, true, HistogramScale::kLinear, 0.0, 360.0},
    {"saturation_mean", "fraction",
     "Mean HSV saturation (max - min) / max of R, G, B over all pixels (0 for black pixels). "
     "Missing for grey frames.",
     0.0, 1.0, true, HistogramScale::kLinear, 0.0, 1.0},
    {"rb_ratio", "1",
     "Mean R over mean B of the frame, a white-balance proxy (1 for neutral grey scenes, above "
     "1 for warm light). Missing for grey frames and when mean B is 0.",
     0.0, kInf, true, HistogramScale::kLog, 0.1, 10.0},
    {"sharpness", "luma^2",
     "Variance of the 3x3 Laplacian [0 1 0; 1 -4 1; 0 1 0] (cv::Laplacian with ksize 1) of "
     "luma over the interior pixels (all but the one-pixel border): falls with blur.",
     0.0, kInf, true, HistogramScale::kLog, 1.0, 1.0e5},
    {"noise_sigma", "0-255 luma",
     "Noise standard deviation estimated by Immerkaer's method (Fast noise variance estimation, "
     "CVIU 64(2), 1996): sqrt(pi / 2) / (6 (W - 2) (H - 2)) times the sum over interior pixels "
     "of |luma * N|, N = [1 -2 1; -2 4 -2; 1 -2 1]. Texture and edges add to it.",
     0.0, kInf, true, HistogramScale::kLog, 0.1, 100.0},
    {"edge_density", "fraction",
     "Fraction of interior pixels whose 3x3 Sobel gradient magnitude sqrt(gx^2 + gy^2) of luma "
     "exceeds 100 (a clean step of more than 25 luma levels): a clutter proxy.",
     0.0, 1.0, true, HistogramScale::kLinear, 0.0, 1.0},
    {"entropy", "bits",
     "Spatial entropy, a clutter proxy: the frame is split into a 4x4 grid of blocks (edges at "
     "floor(i * side / 4)); per block the Shannon entropy (bits) of the histogram of luma "
     "rounded to 256 levels; the mean over the blocks that hold pixels.",
     0.0, 8.0, true, HistogramScale::kLinear, 0.0, 8.0},
    {"frames", "1",
     "Number of frames of the stream analysed in the episode (after the frame stride).", 0.0, kInf,
     false, HistogramScale::kLog, 1.0, 1.0e6},
};

}  // namespace

std::span<const FeatureSpec> camera_feature_specs() {
  return kSpecs;
}

}  // namespace parity::features
