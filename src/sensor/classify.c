/* SPDX-License-Identifier: MIT */
/*
 * What a source is doing: its kind from its totals (replies versus requests, destinations,
 * ports, rate) and, for scans, its strategy from the order, spacing, locality and pace of its
 * first distinct destinations (the worm strategies of Staniford, Paxson and Weaver 2002 and
 * of the JPCERT/CC observations: sequential, uniform random, local preference, the
 * WannaCry hybrid, the slow NotPetya sweep). Also the estimators of the small sketches.
 * docs/internals/sensor.md explains the thresholds.
 */
#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sensor/sensor_int.h"

static const char *const kind_names[] = {"misc", "scan", "port-scan", "backscatter", "flood"};
static const char *const strat_names[] = {
    "none",   "undetermined",    "sequential", "random", "local-preference",
    "hybrid", "slow-sequential", "targeted"};
static const char *const tool_names[] = {"none", "masscan", "zmap", "mirai"};

const char *hk_kind_name(enum hk_kind k)
{
    return (unsigned)k < 5 ? kind_names[k] : "misc";
}

const char *hk_strat_name(enum hk_strat s)
{
    return (unsigned)s < 8 ? strat_names[s] : "none";
}

const char *hk_tool_name(enum hk_tool t)
{
    return (unsigned)t < 4 ? tool_names[t] : "none";
}

hk_err hk_strat_parse(const char *s, enum hk_strat *out)
{
    for (int i = 1; i < 8; i++)
        if (!strcmp(s, strat_names[i])) {
            *out = (enum hk_strat)i;
            return HK_OK;
        }
    return HK_EINVAL;
}

/* ---- sketch estimators ---- */

uint32_t hk_hash_v6(const uint8_t a[16])
{
    uint64_t x, y;

    memcpy(&x, a, 8);
    memcpy(&y, a + 8, 8);
    x = (x ^ (y * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
    x ^= x >> 31;
    return (uint32_t)(x >> 32) ^ (uint32_t)x;
}

#ifndef __SSE2__
/*
 * Without SSE2 the harmonic sum of the estimators below is taken in fixed point, sum of
 * 2^(50 - rank) from a table: exact, and integer additions do not wait on each other the
 * way a chain of floating-point ones does (a 1,024-register sketch is summed at every
 * interval's close). Ranks cannot exceed 33 with 32-bit hashes; above 50 a register would
 * add nothing.
 */
#define HLL_FIX 50
static const uint64_t fix_pow2[64] = {
#define P4(k)                                                                            \
    (1ull << (HLL_FIX - (k))), (1ull << (HLL_FIX - (k)-1)), (1ull << (HLL_FIX - (k)-2)), \
        (1ull << (HLL_FIX - (k)-3))
    P4(0),  P4(4),  P4(8),  P4(12), P4(16),    P4(20),    P4(24), P4(28),
    P4(32), P4(36), P4(40), P4(44), 1ull << 2, 1ull << 1, 1ull,   0, /* ranks 48-51 */
    0,      0,      0,      0,      0,         0,         0,      0,
    0,      0,      0,      0,
#undef P4
};
#endif

#ifdef __SSE2__
/*
 * Sixteen registers at once: 2^-rank as a double made from its exponent field, 1023 - rank,
 * summed in doubles; and the zero registers counted per byte lane. Exact, like the fixed
 * point below: ranks are at most 33 (32-bit hashes), so every partial sum of at most 1,024
 * such powers fits a double's 53 bits.
 */
static inline void hll_sum16(__m128i v, __m128d acc[4], __m128i *zeros)
{
    const __m128i z = _mm_setzero_si128(), bias = _mm_set1_epi64x(1023);
    __m128i w[2], q[4];

    *zeros = _mm_sub_epi8(*zeros, _mm_cmpeq_epi8(v, z));
    w[0] = _mm_unpacklo_epi8(v, z);
    w[1] = _mm_unpackhi_epi8(v, z);
    q[0] = _mm_unpacklo_epi16(w[0], z);
    q[1] = _mm_unpackhi_epi16(w[0], z);
    q[2] = _mm_unpacklo_epi16(w[1], z);
    q[3] = _mm_unpackhi_epi16(w[1], z);
    for (int k = 0; k < 4; k++) {
        __m128i x0 = _mm_unpacklo_epi32(q[k], z), x1 = _mm_unpackhi_epi32(q[k], z);
        x0 = _mm_slli_epi64(_mm_sub_epi64(bias, x0), 52);
        x1 = _mm_slli_epi64(_mm_sub_epi64(bias, x1), 52);
        acc[k] = _mm_add_pd(acc[k], _mm_add_pd(_mm_castsi128_pd(x0), _mm_castsi128_pd(x1)));
    }
}

/* The sum of the four accumulators and the zero count of the byte lanes. */
static inline double hll_sum_fin(const __m128d acc[4], __m128i zeros, int *nz)
{
    __m128d t = _mm_add_pd(_mm_add_pd(acc[0], acc[1]), _mm_add_pd(acc[2], acc[3]));
    __m128i sad = _mm_sad_epu8(zeros, _mm_setzero_si128());

    *nz = _mm_cvtsi128_si32(sad) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sad, sad));
    return _mm_cvtsd_f64(_mm_add_sd(t, _mm_unpackhi_pd(t, t)));
}
#endif

double hk_hll16_est(const uint8_t *r)
{
    double sum, m = 32, e;
    int zeros = 0;
#ifdef __SSE2__
    __m128d acc[4] = {_mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd()};
    __m128i zc = _mm_setzero_si128();
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)r), nib = _mm_set1_epi8(15);

    hll_sum16(_mm_and_si128(v, nib), acc, &zc);
    hll_sum16(_mm_and_si128(_mm_srli_epi16(v, 4), nib), acc, &zc);
    sum = hll_sum_fin(acc, zc, &zeros);
#else
    uint64_t acc = 0;

    for (int i = 0; i < 16; i++) {
        acc += fix_pow2[r[i] & 15] + fix_pow2[r[i] >> 4];
        zeros += ((r[i] & 15) == 0) + ((r[i] >> 4) == 0);
    }
    sum = ldexp((double)acc, -HLL_FIX);
#endif
    e = 0.697 * m * m / sum;
    if (e <= 2.5 * m && zeros)
        e = m * log(m / zeros);
    return e;
}

/* mi is a multiple of 16, at most 1,024. */
double hk_hll_est(const uint8_t *r, int mi)
{
    double sum, m = mi, e;
    int zeros = 0;
#ifdef __SSE2__
    __m128d acc[4] = {_mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd()};
    __m128i zc = _mm_setzero_si128();

    /* A byte lane counts at most 64 zeros (1,024 / 16). */
    for (int i = 0; i < mi; i += 16)
        hll_sum16(_mm_loadu_si128((const __m128i *)(const void *)(r + i)), acc, &zc);
    sum = hll_sum_fin(acc, zc, &zeros);
#else
    uint64_t a0 = 0, a1 = 0;

    for (int i = 0; i < mi; i += 2) {
        a0 += fix_pow2[r[i] & 63];
        a1 += fix_pow2[r[i + 1] & 63];
        zeros += (r[i] == 0) + (r[i + 1] == 0);
    }
    sum = ldexp((double)(a0 + a1), -HLL_FIX);
#endif
    e = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    if (e <= 2.5 * m && zeros)
        e = m * log(m / zeros);
    return e;
}

double hk_hll128_est(const uint8_t *r)
{
    return hk_hll_est(r, HK_PORT_HLL);
}

/* 32 ln(32 / z) for z = 1..32 zero bits (0 and 32 zeros are handled by the callers' cases):
 * the values of the expression itself, written out (the function runs for every profile). */
static const double lc32_tab[33] = {
    0,
    110.90354888959125,
    88.722839111672997,
    75.747955652211743,
    66.542129333754744,
    59.40153569170004,
    53.567245874293491,
    48.634424119821219,
    44.361419555836498,
    40.59236241483223,
    37.220825913781788,
    34.170900160043395,
    31.386536096375238,
    28.825169450822077,
    26.453714341902973,
    24.245942454320527,
    22.180709777918249,
    20.240721879792336,
    18.411652636913978,
    16.681501556265154,
    15.04011613586354,
    13.478830882441711,
    11.990190382125142,
    10.567733979858458,
    9.2058263184569871,
    7.899522493808826,
    6.6444596729038254,
    5.4367691774527174,
    4.2730045639847223,
    3.1500823300240803,
    2.0652326764022773,
    1.0159583460665687,
    0,
};

double hk_lc32_est(uint32_t bits)
{
    int zeros = 32 - __builtin_popcount(bits);

    if (zeros == 0)
        return 32 * log(32.0); /* saturated: at least this many */
    return lc32_tab[zeros];
}

/* ---- kinds ---- */

enum hk_kind hk_kind_of(uint32_t probes, uint32_t resp, uint32_t targets, uint32_t nports,
                        double rate, int trw, bool halfopen, double *conf)
{
    bool trw_scanner = trw > 0;
    /* SYNs again and again to a few hosts on a few ports, never completing a handshake
     * even when answered: a worm going after the hosts it knows (targeted), not a client. */
    bool repeat = halfopen && targets >= 2 && probes >= 4u * targets && nports <= 3;

    *conf = 0.5;
    if (probes == 0)
        return HK_KIND_MISC;
    /* Replies to someone else's spoofed traffic (Moore et al. 2001): never a scan. */
    if (resp * 2 >= probes) {
        *conf = (double)resp / probes;
        return HK_KIND_BACKSCATTER;
    }
    if (targets <= 2) {
        if (nports >= 6) {
            *conf = nports >= 20 ? 0.95 : 0.7;
            return HK_KIND_PORTSCAN;
        }
        if (probes >= 100 && rate >= 10) {
            *conf = probes >= 1000 ? 0.95 : 0.75;
            return HK_KIND_FLOOD;
        }
        if (targets == 2 && (probes >= 8 || repeat)) {
            *conf = 0.6;
            return HK_KIND_SCAN;
        }
        if (trw_scanner) {
            *conf = 0.9;
            return HK_KIND_SCAN;
        }
        *conf = probes >= 3 ? 0.6 : 0.3;
        return HK_KIND_MISC;
    }
    /* LAN: a client whose first contacts succeed is not scanning, unless it sweeps or keeps
     * half-opening connections to the same few hosts. */
    if (trw < 0 && targets < 16 && !repeat) {
        *conf = 0.7;
        return HK_KIND_MISC;
    }
    *conf = targets >= 16 ? 0.95 : 0.6 + 0.02 * targets;
    return HK_KIND_SCAN;
}

/* ---- strategies ---- */

/* Small steps in one direction along a sequence of destinations: the steps 1..8 apart,
 * ascending and descending, counted as the sequence grows. */
struct steps {
    int n, up, down;
    uint32_t prev;
};

static inline void steps_add(struct steps *q, uint32_t x)
{
    /* 1 <= x - prev <= 8, and the other way round; 64-bit, so no wrap-around. */
    int64_t delta = (int64_t)x - (int64_t)q->prev;

    if (q->n) {
        q->up += (uint64_t)(delta - 1) < 8u;
        q->down += (uint64_t)(-delta - 1) < 8u;
    }
    q->prev = x;
    q->n++;
}

/* The fraction of consecutive destinations 1..8 apart in one direction (whichever is
 * larger). */
static double seq_frac(const struct steps *q)
{
    if (q->n < 2)
        return 0;
    return (double)(q->up > q->down ? q->up : q->down) / (q->n - 1);
}

/* Seconds to sweep 256 addresses at the pace of n distinct destinations in [first, last]. */
static double pace24(uint32_t first, uint32_t last, int n)
{
    double dt;

    if (n < 2)
        return -1;
    dt = (double)(last - first) / 1000.0;
    if (dt <= 0)
        return 0;
    return 256.0 * dt / (n - 1);
}

/* Monitored addresses of prefix (net, mask) inside the /L block of address a. */
static double overlap(uint32_t net, uint32_t mask, uint32_t a, int L)
{
    uint32_t bm = 0xffffffffu << (32 - L);
    int plen = __builtin_popcount(mask);

    if (plen >= L)
        return (net & bm) == (a & bm) ? ldexp(1.0, 32 - plen) : 0;
    return ((a & bm) & mask) == net ? ldexp(1.0, 32 - L) : 0;
}

/*
 * Local preference as a darknet can see it: a contrast in density. Uniform scanning spreads
 * a source's probes over the monitored space in proportion to its parts; a local preference
 * makes the part near the source (its /8, or its /16) far denser per monitored address than
 * the rest. For each split (near = monitored space in the source's /8, or in its /16; far =
 * the rest) that has space on both sides, the log-likelihood ratio of the near count k among
 * n destinations under H1 (near 16 times denser per address) against H0 (uniform):
 *   p0 = Mnear / M,  p1 = 16 Mnear / (16 Mnear + Mfar),
 *   LLR = k ln(p1 / p0) + (n - k) ln((1 - p1) / (1 - p0)).
 * Code Red II (1/2 same /8, 3/8 same /16) is about 1,000 times denser in its /8 than
 * elsewhere and about 190 times denser in its /16 than in the rest of its /8, so 16 is a
 * cautious alternative; the larger of the two ratios is returned.
 */
double hk_locality_llr(const uint32_t *d, int n, uint32_t src, const struct cls_space *sp)
{
    static const int splits[2] = {8, 16};
    double best = 0, M = 0;

    if (!sp || sp->n <= 0 || n <= 0)
        return 0;
    for (int i = 0; i < sp->n; i++)
        M += ldexp(1.0, 32 - __builtin_popcount(sp->mask[i]));
    for (int s = 0; s < 2; s++) {
        int L = splits[s], k = 0;
        uint32_t bm = 0xffffffffu << (32 - L);
        double mn = 0, p0, p1, llr;
        for (int i = 0; i < sp->n; i++)
            mn += overlap(sp->net[i], sp->mask[i], src, L);
        if (mn <= 0 || mn >= M)
            continue;
        for (int i = 0; i < n; i++)
            k += ((d[i] ^ src) & bm) == 0;
        p0 = mn / M;
        p1 = 16 * mn / (16 * mn + (M - mn));
        llr = k * log(p1 / p0) + (n - k) * log((1 - p1) / (1 - p0));
        if (s == 0 || llr > best)
            best = llr;
    }
    return best;
}

static void set(struct cls_out *o, enum hk_strat st, double conf, uint32_t needs)
{
    o->st = st;
    o->conf = conf < 0 ? 0 : conf > 1 ? 1 : conf;
    o->needs = needs;
}

/* Evidence a darknet needs for local preference: a likelihood ratio of 10,000. */
#define LOCAL_LLR 9.2103

void hk_classify(const uint32_t *d, const struct cls_times *tm, int n, uint32_t src,
                 uint32_t probes, uint32_t targets, uint32_t nports, const struct cls_space *sp,
                 struct cls_out *o)
{
    struct steps all = {0, 0, 0, 0}, loc = {0, 0, 0, 0}, far = {0, 0, 0, 0};
    int na, nb, c16 = 0, c8 = 0, cfar = 0;
    uint32_t lo = UINT32_MAX, hi = 0; /* the range of the destinations outside the own /24 */
    double fs, fa, fb;

    memset(o, 0, sizeof(*o));
    o->sweep24 = pace24(tm->first, tm->last, n);
    /* A few chosen hosts, contacted again and again (known connections). */
    if (targets >= 2 && targets <= 8 && probes >= 4u * targets && nports <= 3) {
        set(o, HK_STRAT_TARGETED, 0.5 + (double)probes / (16.0 * targets), 0);
        return;
    }
    if (n < 4) {
        set(o, HK_STRAT_UNDETERMINED, 0, (uint32_t)(4 - n));
        return;
    }
    if (n > HK_SAMPLE_K)
        n = HK_SAMPLE_K;
    /* One pass: the order of all destinations, of those in the own /24 (la) and of the
     * others (lb), and the locality classes. */
    for (int i = 0; i < n; i++) {
        uint32_t x = d[i] ^ src;
        steps_add(&all, d[i]);
        if (x < 256u) {
            steps_add(&loc, d[i]);
        } else {
            steps_add(&far, d[i]);
            lo = d[i] < lo ? d[i] : lo;
            hi = d[i] > hi ? d[i] : hi;
        }
        if (x < 65536u)
            c16++;
        else if (x < (1u << 24))
            c8++;
        else
            cfar++;
    }
    na = loc.n;
    nb = far.n;
    fs = seq_frac(&all);
    fa = seq_frac(&loc);
    fb = seq_frac(&far);
    /* WannaCry: an ordered sweep of the own /24 interleaved with random probes elsewhere. */
    if (na >= 3 && fa >= 0.75 && nb >= 1 && fb <= 0.4) {
        if (na >= 4 && nb >= 4) {
            o->sweep24 = pace24(tm->lfirst, tm->llast, na);
            set(o, HK_STRAT_HYBRID, 0.5 + 0.5 * fa * (1 - fb) * (1 - pow(0.5, na - 2)), 0);
            return;
        }
        if (fs < 0.75) {
            set(o, HK_STRAT_UNDETERMINED, 0, (uint32_t)(na < 4 ? 4 - na : 4 - nb));
            return;
        }
    }
    /* A few destinations in the own /24, in order, beside random probes spread so widely
     * that uniform scanning would almost never hit that /24 (expected < 0.05): the start
     * of a hybrid whose local sweep is slow (held up by exploits); wait for more of it. */
    if (na >= 1 && na < 4 && nb >= 8 && fb <= 0.3 && (na == 1 || fa >= 0.75)) {
        if ((double)nb * 256.0 / ((double)(hi - lo) + 1.0) < 0.05) {
            set(o, HK_STRAT_UNDETERMINED, 0, (uint32_t)(4 - na));
            return;
        }
    }
    if (fs >= 0.75) {
        double c = fs * (1 - pow(0.5, n - 1));
        set(o, o->sweep24 >= 300 ? HK_STRAT_SLOWSEQ : HK_STRAT_SEQUENTIAL, c, 0);
        return;
    }
    /* Code Red II seen by a darknet: the monitored space near the source is much denser. */
    if (sp && sp->n > 0) {
        double llr = hk_locality_llr(d, n, src, sp);
        if (llr >= LOCAL_LLR && n >= 8) {
            set(o, HK_STRAT_LOCALPREF, 1.0 / (1.0 + exp(LOCAL_LLR - llr)), 0);
            return;
        }
        if (llr > 0 && n < HK_SAMPLE_K) {
            double more = ceil(n * LOCAL_LLR / llr) - n;
            set(o, HK_STRAT_UNDETERMINED, 0, (uint32_t)(more < 1 ? 1 : more > 255 ? 255 : more));
            return;
        }
    } else {
        /* Code Red II with its whole traffic visible: most probes in the own /8 and /16,
         * some anywhere. */
        int classes = (c16 * 10 >= n) + (c8 * 10 >= n) + (cfar * 10 >= n);
        bool local = (c16 + c8) * 10 >= n * 3 && classes >= 2;
        if (local && n >= 16) {
            set(o, HK_STRAT_LOCALPREF, 0.5 + 0.5 * (1 - fs) * (1 - pow(0.9, n - 8)), 0);
            return;
        }
        if (local) {
            set(o, HK_STRAT_UNDETERMINED, 0, (uint32_t)(16 - n));
            return;
        }
    }
    if (n >= 8 && fs <= 0.3) {
        set(o, HK_STRAT_RANDOM, (1 - fs) * (1 - pow(0.75, n - 4)), 0);
        return;
    }
    if (n >= 16) {
        if (fs >= 0.5)
            set(o, o->sweep24 >= 300 ? HK_STRAT_SLOWSEQ : HK_STRAT_SEQUENTIAL, fs * 0.8, 0);
        else
            set(o, HK_STRAT_RANDOM, (1 - fs) * 0.8, 0);
        return;
    }
    set(o, HK_STRAT_UNDETERMINED, 0, (uint32_t)(n < 8 ? 8 - n : 16 - n));
}
