// Deterministic pseudo-random numbers for the benchmark tools: splitmix64 for
// seeding and hashing, xoshiro256** for streams. std:: distributions differ
// between standard-library versions, so all sampling here is integer
// arithmetic and the same seed gives the same output everywhere.
// Thread-safety: an Rng is a value; use one per thread.
#ifndef NEWSDEX_TOOLS_BENCH_RNG_H_
#define NEWSDEX_TOOLS_BENCH_RNG_H_

#include <cstdint>

namespace newsdex::tools {

// Advances `state` and returns the next splitmix64 output.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A well-mixed 64-bit hash of `x`.
inline uint64_t Hash64(uint64_t x) { return SplitMix64(x); }

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) s = SplitMix64(seed);
  }
  // xoshiro256**.
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n); 0 when n is 0. Multiply-shift: the bias is below 2^-40
  // for the n used here.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  bool Percent(uint64_t p) { return Below(100) < p; }
  // True with probability num/den (false when den is 0).
  bool Chance(uint64_t num, uint64_t den) { return den != 0 && Below(den) < num; }
  // A rank in [0, n) with P(rank) roughly proportional to 1/(rank+1) (Zipf,
  // s = 1): a uniform power-of-two bucket, then uniform inside it.
  // REQUIRES: n > 0.
  uint64_t ZipfRank(uint64_t n) {
    int bits = 0;
    while ((uint64_t{1} << bits) < n) ++bits;
    while (true) {
      const uint64_t k = Below(static_cast<uint64_t>(bits) + 1);
      const uint64_t low = (uint64_t{1} << k) - 1;
      const uint64_t rank = low + Below(uint64_t{1} << k);
      if (rank < n) return rank;
    }
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace newsdex::tools

#endif  // NEWSDEX_TOOLS_BENCH_RNG_H_
