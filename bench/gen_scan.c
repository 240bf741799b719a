/* SPDX-License-Identifier: MIT */
/*
 * gen_scan: writes deterministic synthetic scanning captures (pcap) for the sensor's
 * benchmark and integration test (the generator itself is bench/gen_scan.h).
 *
 *   gen_scan demo OUT.pcap LABELS    one source per strategy, kind and tool, with labels
 *   gen_scan mixed OUT.pcap NPKT NSRC a SYN scan of NPKT packets from NSRC sources of mixed
 *                                     strategies over one hour
 *   gen_scan unique OUT.pcap NPKT     NPKT SYNs, each from a different source
 *   gen_scan day OUT.pcap NPKT        a darknet day (/16, 24 h): 80 % of the packets from
 *                                     20,000 busy scanners, 15 % from a million occasional
 *                                     sources, 5 % from sources seen once; a tenth of the
 *                                     occasional traffic is backscatter (SYN-ACK)
 *   options (before the mode): --nano (nanosecond pcap), --swap (the other byte order)
 *
 * Build: cc -O2 -o gen_scan bench/gen_scan.c
 */
#include "gen_scan.h"

#define T0 1767225600.0 /* 2026-01-01T00:00:00Z */

static uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

static void ipstr(uint32_t a, char *out, size_t n)
{
    (void)snprintf(out, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static int write_events(const char *path, struct gen_evs *e, int nano, int swap)
{
    struct gen_pcap w = {NULL, nano, swap};

    w.f = fopen(path, "wb");
    if (!w.f) {
        perror(path);
        return 1;
    }
    (void)setvbuf(w.f, NULL, _IOFBF, 1 << 20);
    gen_pcap_header(&w, 1);
    gen_sort(e);
    gen_pcap_events(&w, e);
    return fclose(w.f) ? 1 : 0;
}

struct demo_row {
    struct gen_src g;
    const char *label;
};

static int demo(const char *out, const char *labels, int nano, int swap)
{
    const double t = T0;
    const struct demo_row rows[] = {
        {{G_SEQ, G_TOOL_NONE, ip(10, 1, 0, 5), t, 0.05, 300, ip(198, 51, 0, 0), 1024, 445},
         "scan sequential"},
        {{G_RANDOM, G_TOOL_NONE, ip(10, 2, 0, 7), t + 1, 0.01, 300, 0, 1ull << 32, 1433},
         "scan random"},
        {{G_LOCALPREF, G_TOOL_NONE, ip(10, 3, 0, 9), t + 2, 0.02, 300, 0, 0, 80},
         "scan local-preference"},
        {{G_HYBRID, G_TOOL_NONE, ip(10, 4, 1, 20), t + 3, 1.0 / 35, 400, 0, 0, 445}, "scan hybrid"},
        {{G_SLOWSEQ, G_TOOL_NONE, ip(10, 5, 0, 11), t, 3.5, 40, ip(10, 5, 0, 1), 254, 445},
         "scan slow-sequential"},
        {{G_TARGETED, G_TOOL_NONE, ip(10, 6, 0, 13), t, 1.0, 60, ip(10, 6, 0, 0), 256, 22},
         "scan targeted"},
        {{G_RANDOM, G_TOOL_MASSCAN, ip(10, 7, 0, 15), t + 4, 0.01, 300, 0, 1ull << 32, 80},
         "scan random masscan"},
        {{G_RANDOM, G_TOOL_ZMAP, ip(10, 8, 0, 17), t + 5, 0.01, 300, 0, 1ull << 32, 443},
         "scan random zmap"},
        {{G_RANDOM, G_TOOL_MIRAI, ip(10, 9, 0, 19), t + 6, 0.01, 300, 0, 1ull << 32, 23},
         "scan random mirai"},
        {{G_BACKSCATTER, G_TOOL_NONE, ip(203, 0, 113, 80), t, 0.02, 500, ip(198, 18, 0, 0), 65536,
          80},
         "backscatter"},
        {{G_FLOOD, G_TOOL_NONE, ip(10, 10, 0, 21), t + 10, 0.001, 3000, ip(192, 0, 2, 1), 1, 80},
         "flood"},
        {{G_PORTSCAN, G_TOOL_NONE, ip(10, 11, 0, 23), t + 12, 0.01, 1000, ip(192, 0, 2, 3), 1, 0},
         "port-scan"},
    };
    struct gen_src spoof = {G_SPOOFED, G_TOOL_NONE,      0, t + 20, 0.001,
                            2000,      ip(192, 0, 2, 2), 1, 80};
    struct gen_evs e = {NULL, 0, 0};
    FILE *lf = fopen(labels, "w");
    char a[32];

    if (!lf) {
        perror(labels);
        return 1;
    }
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        gen_source(&e, &rows[i].g, 42);
        ipstr(rows[i].g.src, a, sizeof(a));
        (void)fprintf(lf, "%s %s\n", a, rows[i].label);
    }
    gen_source(&e, &spoof, 42);
    (void)fclose(lf);
    return write_events(out, &e, nano, swap) || (free(e.v), 0);
}

static int mixed(const char *out, uint64_t npkt, uint32_t nsrc, int nano, int swap)
{
    static const enum gen_strat strats[] = {G_SEQ,     G_RANDOM,   G_LOCALPREF, G_HYBRID,
                                            G_SLOWSEQ, G_TARGETED, G_RANDOM,    G_SEQ};
    struct gen_evs e = {NULL, 0, 0};
    uint64_t rng = 7, per = npkt / nsrc, extra = npkt % nsrc;
    static const uint16_t ports[] = {445, 23, 80, 22, 3389, 1433, 8080, 443};

    e.cap = npkt;
    e.v = malloc(npkt * sizeof(*e.v));
    if (!e.v)
        return 1;
    for (uint32_t i = 0; i < nsrc; i++) {
        struct gen_src g;
        uint64_t r = gen_rand(&rng);
        memset(&g, 0, sizeof(g));
        g.strat = strats[i % 8];
        g.tool = i % 8 == 6 ? (enum gen_tool)(1 + (i / 8) % 3) : G_TOOL_NONE;
        g.src = (uint32_t)(r >> 32) | 0x01000000u;
        g.start_s = T0 + (double)(r % 3600000) / 1000.0;
        g.interval_s = g.strat == G_SLOWSEQ ? 3.5 : 0.005 + (double)(r % 50) / 1000.0;
        g.count = per + (i < extra);
        g.base = (uint32_t)gen_rand(&rng) & 0xffff0000u;
        g.span = g.strat == G_RANDOM ? (1ull << 32) : 65536;
        if (g.strat == G_RANDOM)
            g.base = 0;
        g.port = ports[(r >> 8) % 8];
        gen_source(&e, &g, 1);
    }
    return write_events(out, &e, nano, swap) || (free(e.v), 0);
}

static int unique(const char *out, uint64_t npkt, int nano, int swap)
{
    struct gen_pcap w = {NULL, nano, swap};
    uint64_t rng = 11;
    uint8_t f[64];

    w.f = fopen(out, "wb");
    if (!w.f) {
        perror(out);
        return 1;
    }
    (void)setvbuf(w.f, NULL, _IOFBF, 1 << 20);
    gen_pcap_header(&w, 1);
    for (uint64_t i = 0; i < npkt; i++) {
        struct gen_ev x;
        memset(&x, 0, sizeof(x));
        /* An odd multiplier is a bijection on 32 bits: every source differs. */
        x.src = (uint32_t)((i + 1) * 0x9e3779b1u);
        x.dst = ip(198, 18, 0, 0) | (uint32_t)(gen_rand(&rng) & 0xffff);
        x.sport = 40000;
        x.dport = (uint16_t)(i % 3 == 0 ? 445 : i % 3 == 1 ? 23 : 80);
        x.flags = 0x02;
        gen_tool_mark(&x, G_TOOL_NONE, &rng);
        x.t_ns = (int64_t)(T0 * 1e9) + (int64_t)i * 20000; /* 50,000 packets/s for 100 s per 5M */
        gen_pcap_record(&w, x.t_ns, f, gen_frame(&x, f), 60);
    }
    return fclose(w.f) ? 1 : 0;
}

static int day(const char *out, uint64_t npkt, int nano, int swap)
{
    static const uint16_t ports[] = {445, 23, 80, 22, 3389, 1433, 8080, 443, 5555, 2323};
    struct gen_pcap w = {NULL, nano, swap};
    uint64_t rng = 13;
    uint8_t f[64];

    w.f = fopen(out, "wb");
    if (!w.f) {
        perror(out);
        return 1;
    }
    (void)setvbuf(w.f, NULL, _IOFBF, 1 << 20);
    gen_pcap_header(&w, 1);
    for (uint64_t i = 0; i < npkt; i++) {
        struct gen_ev x;
        uint64_t r = gen_rand(&rng);
        uint32_t pick = (uint32_t)(r % 100);
        memset(&x, 0, sizeof(x));
        if (pick < 80)
            x.src = (uint32_t)((r >> 8) % 20000 + 1) * 0x9e3779b1u;
        else if (pick < 95)
            x.src = (uint32_t)((r >> 8) % 1000000 + 100000) * 0x85ebca6bu;
        else
            x.src = (uint32_t)(i * 0xc2b2ae35u) | 1u;
        x.dst = ip(198, 18, 0, 0) | (uint32_t)((r >> 32) & 0xffff);
        x.sport = (uint16_t)(32768 + (r >> 48) % 28000);
        x.dport = ports[(x.src >> 7) % 10];
        x.flags = 0x02;
        if (pick >= 80 && pick < 82) { /* backscatter */
            x.flags = 0x12;
            x.sport = 80;
        }
        gen_tool_mark(&x, G_TOOL_NONE, &rng);
        x.t_ns = (int64_t)(T0 * 1e9) + (int64_t)((double)i * 86400e9 / (double)npkt);
        gen_pcap_record(&w, x.t_ns, f, gen_frame(&x, f), 60);
    }
    return fclose(w.f) ? 1 : 0;
}

int main(int argc, char **argv)
{
    int nano = 0, swap = 0, i = 1;

    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!strcmp(argv[i], "--nano"))
            nano = 1;
        else if (!strcmp(argv[i], "--swap"))
            swap = 1;
    }
    if (argc - i >= 3 && !strcmp(argv[i], "demo"))
        return demo(argv[i + 1], argv[i + 2], nano, swap);
    if (argc - i >= 4 && !strcmp(argv[i], "mixed"))
        return mixed(argv[i + 1], strtoull(argv[i + 2], NULL, 10),
                     (uint32_t)strtoul(argv[i + 3], NULL, 10), nano, swap);
    if (argc - i >= 3 && !strcmp(argv[i], "unique"))
        return unique(argv[i + 1], strtoull(argv[i + 2], NULL, 10), nano, swap);
    if (argc - i >= 3 && !strcmp(argv[i], "day"))
        return day(argv[i + 1], strtoull(argv[i + 2], NULL, 10), nano, swap);
    (void)fprintf(stderr, "usage: gen_scan [--nano] [--swap] demo OUT LABELS | mixed OUT NPKT "
                          "NSRC | unique OUT NPKT | day OUT NPKT\n");
    return 2;
}
