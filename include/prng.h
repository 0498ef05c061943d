/* prng: the demos' one seeded random source (xoshiro256**, seeded by splitmix64):
 * the same sequence for the same seed on every machine, so `shanzhi demo --seed N`
 * always makes the same register, service requests, cases and star ratings. */
#ifndef SZ_PRNG_H
#define SZ_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
/* Uniform in 0..n-1 (n > 0). */
uint32_t prng_below(struct prng *r, uint32_t n);
/* Uniform in lo..hi inclusive. */
int prng_range(struct prng *r, int lo, int hi);
/* True with probability per_mille / 1000. */
int prng_chance(struct prng *r, unsigned per_mille);

#endif
