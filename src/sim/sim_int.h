/* SPDX-License-Identifier: MIT */
/*
 * Simulator internals shared by engine.c and rng.c: the random number generator
 * (xoshiro256**, seeded through splitmix64, so a seed gives the same run everywhere on
 * the same libm) and the distributions the engine draws from.
 */
#ifndef HIKESHI_SIM_INT_H
#define HIKESHI_SIM_INT_H

#include <stdint.h>

struct hk_rng {
    uint64_t s[4];
};

void hk_rng_seed(struct hk_rng *r, uint64_t seed);
uint64_t hk_rng_u64(struct hk_rng *r);
/* Uniform in [0, 1). */
double hk_rng_unit(struct hk_rng *r);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t hk_rng_below(struct hk_rng *r, uint64_t n);
/* Exponential with mean 1. */
double hk_rng_exp(struct hk_rng *r);
/* Poisson with mean lambda >= 0 (exact: inversion below 10, PTRS above). */
uint64_t hk_rng_poisson(struct hk_rng *r, double lambda);

#endif
