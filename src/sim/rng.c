/* SPDX-License-Identifier: MIT */
/*
 * Random numbers for the simulator. xoshiro256** (Blackman and Vigna) for speed and a long
 * period; Poisson variates by multiplication of uniforms for small means and by Hörmann's
 * transformed rejection with squeeze (PTRS, 1993) for large ones, so drawing the number of
 * hits among 10^9 probes costs the same as among ten.
 */
#include <math.h>

#include "sim/sim_int.h"

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void hk_rng_seed(struct hk_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t hk_rng_u64(struct hk_rng *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

double hk_rng_unit(struct hk_rng *r)
{
    return (double)(hk_rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t hk_rng_below(struct hk_rng *r, uint64_t n)
{
    uint64_t lim = -n % n, x;

    do
        x = hk_rng_u64(r);
    while (x < lim);
    return x % n;
}

double hk_rng_exp(struct hk_rng *r)
{
    return -log1p(-hk_rng_unit(r));
}

uint64_t hk_rng_poisson(struct hk_rng *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda < 10) {
        double lim = exp(-lambda), p = 1;
        uint64_t k = 0;
        for (;;) {
            p *= hk_rng_unit(r);
            if (p <= lim)
                return k;
            k++;
        }
    }
    {
        double slam = sqrt(lambda), loglam = log(lambda);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        for (;;) {
            double u = hk_rng_unit(r) - 0.5, v = hk_rng_unit(r), us = 0.5 - fabs(u);
            double k = floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
                return (uint64_t)k;
            if (k < 0 || (us < 0.013 && v > us))
                continue;
            if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
                -lambda + k * loglam - lgamma(k + 1))
                return (uint64_t)k;
        }
    }
}
