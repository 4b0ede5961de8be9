#include "parity/profile/moments.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "profile/byte_codec.h"

namespace parity::profile {
namespace {
constexpr double kMomentsNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void Moments::add(double x) {
  if (!std::isfinite(x)) return;
  if (count_ == 0) {
    count_ = 1;
    mean_ = x;
    min_ = x;
    max_ = x;
    sum_ = x;
    return;
  }
  // Pebay (2008), eq. 2.1 with one of the two sets holding a single value.
  const double n1 = static_cast<double>(count_);
  ++count_;
  const double n = static_cast<double>(count_);
  const double delta = x - mean_;
  const double delta_n = delta / n;
  const double delta_n2 = delta_n * delta_n;
  const double term1 = delta * delta_n * n1;
  mean_ += delta_n;
  m4_ += term1 * delta_n2 * (n * n - 3.0 * n + 3.0) + 6.0 * delta_n2 * m2_ - 4.0 * delta_n * m3_;
  m3_ += term1 * delta_n * (n - 2.0) - 3.0 * delta_n * m2_;
  m2_ += term1;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  sum_ += x;
}

void Moments::merge(const Moments& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const Moments a = *this;  // copies: `other` may be *this
  const Moments b = other;
  const double na = static_cast<double>(a.count_);
  const double nb = static_cast<double>(b.count_);
  const double n = na + nb;
  const double delta = b.mean_ - a.mean_;
  const double delta2 = delta * delta;
  // Chan et al. (1979) for M2; Pebay (2008) eq. 3.1 for M3 and M4.
  count_ = a.count_ + b.count_;
  mean_ = a.mean_ + delta * nb / n;
  m2_ = a.m2_ + b.m2_ + delta2 * na * nb / n;
  m3_ = a.m3_ + b.m3_ + delta2 * delta * na * nb * (na - nb) / (n * n) +
        3.0 * delta * (na * b.m2_ - nb * a.m2_) / n;
  m4_ = a.m4_ + b.m4_ + delta2 * delta2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n) +
        6.0 * delta2 * (na * na * b.m2_ + nb * nb * a.m2_) / (n * n) +
        4.0 * delta * (na * b.m3_ - nb * a.m3_) / n;
  min_ = std::min(a.min_, b.min_);
  max_ = std::max(a.max_, b.max_);
  sum_ = a.sum_ + b.sum_;
}

double Moments::mean() const {
  return count_ == 0 ? kMomentsNaN : mean_;
}
double Moments::min() const {
  return count_ == 0 ? kMomentsNaN : min_;
}
double Moments::max() const {
  return count_ == 0 ? kMomentsNaN : max_;
}

double Moments::variance() const {
  return count_ == 0 ? kMomentsNaN : m2_ / static_cast<double>(count_);
}

double Moments::sample_variance() const {
  return count_ < 2 ? kMomentsNaN : m2_ / static_cast<double>(count_ - 1);
}

double Moments::skewness() const {
  if (count_ == 0 || !(m2_ > 0.0)) return kMomentsNaN;
  return std::sqrt(static_cast<double>(count_)) * m3_ / std::pow(m2_, 1.5);
}

double Moments::kurtosis() const {
  if (count_ == 0 || !(m2_ > 0.0)) return kMomentsNaN;
  return static_cast<double>(count_) * m4_ / (m2_ * m2_) - 3.0;
}

void Moments::serialize_to(std::vector<std::uint8_t>& out) const {
  detail::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(detail::Family::kMoments));
  w.u8(kSerialVersion);
  w.u64(count_);
  w.f64(mean_);
  w.f64(m2_);
  w.f64(m3_);
  w.f64(m4_);
  w.f64(min_);
  w.f64(max_);
  w.f64(sum_);
}

std::vector<std::uint8_t> Moments::serialize() const {
  std::vector<std::uint8_t> out;
  serialize_to(out);
  return out;
}

Result<Moments> Moments::deserialize(std::span<const std::uint8_t> bytes,
                                     std::uint64_t base_offset) {
  detail::ByteReader r(bytes, base_offset);
  PARITY_RETURN_IF_ERROR(r.preamble(detail::Family::kMoments, kSerialVersion, "moments"));
  const std::size_t at = r.position();
  Moments m;
  PARITY_RETURN_IF_ERROR(r.u64(m.count_, "moments count"));
  PARITY_RETURN_IF_ERROR(r.f64(m.mean_, "moments mean"));
  PARITY_RETURN_IF_ERROR(r.f64(m.m2_, "moments M2"));
  PARITY_RETURN_IF_ERROR(r.f64(m.m3_, "moments M3"));
  PARITY_RETURN_IF_ERROR(r.f64(m.m4_, "moments M4"));
  PARITY_RETURN_IF_ERROR(r.f64(m.min_, "moments min"));
  PARITY_RETURN_IF_ERROR(r.f64(m.max_, "moments max"));
  PARITY_RETURN_IF_ERROR(r.f64(m.sum_, "moments sum"));
  PARITY_RETURN_IF_ERROR(r.expect_end("moments"));
  const double fields[] = {m.mean_, m.m2_, m.m3_, m.m4_, m.min_, m.max_, m.sum_};
  if (m.count_ == 0) {
    for (double f : fields) {
      if (std::bit_cast<std::uint64_t>(f) != 0) {
        return r.corrupt_at(at, "empty moments with non-zero fields");
      }
    }
    return m;
  }
  // Only min and max are bounded by the values; the sums may have overflowed to inf or NaN for
  // values beyond about 1e77 in magnitude, exactly as the one-pass computation would.
  if (!std::isfinite(m.min_) || !std::isfinite(m.max_) || m.min_ > m.max_ || m.m2_ < 0.0 ||
      m.m4_ < 0.0) {
    return r.corrupt_at(at, fmt::format("moments with M2 {}, M4 {}, min {}, max {}: expected "
                                        "M2 >= 0, M4 >= 0, finite min <= max",
                                        m.m2_, m.m4_, m.min_, m.max_));
  }
  return m;
}

bool operator==(const Moments& a, const Moments& b) {
  return a.serialize() == b.serialize();
}

}  // namespace parity::profile
