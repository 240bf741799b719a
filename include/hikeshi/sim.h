/* SPDX-License-Identifier: MIT */
/*
 * The worm-outbreak simulator: scenarios (small INI files, shipped ones embedded in the
 * binary), a discrete-event propagation engine that is exact per probe where a probe can
 * be seen (sequential sweeps, sensor prefixes) and draws hit counts from the right
 * distribution where it cannot (random scanning of 2^32 addresses), and its outputs: the
 * infection curve (CSV, SVG), one pcap per sensor with ground truth, and a summary.
 * See docs/simulator.md for the model and its validation against published figures.
 */
#ifndef HIKESHI_SIM_H
#define HIKESHI_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hikeshi/core.h"
#include "hikeshi/err.h"

#define HK_SIM_MAX_SUBNETS    64
#define HK_SIM_MAX_SENSORS    8
#define HK_SIM_MAX_SENSOR_PFX 8
#define HK_SIM_MAX_HOSTS      5000000u /* vulnerable hosts: bounds memory (~100 B each) */

enum hk_sim_net { HK_SIM_LAN, HK_SIM_ENTERPRISE, HK_SIM_INTERNET };

enum hk_sim_strategy {
    HK_SIM_SEQUENTIAL,
    HK_SIM_RANDOM,
    HK_SIM_LOCAL_PREF,
    HK_SIM_HYBRID,
    HK_SIM_SLOW_SEQUENTIAL,
    HK_SIM_TARGETED,
};

struct hk_sim_prefix {
    uint32_t addr; /* host order, masked */
    uint8_t len;
};

struct hk_sim_sensor {
    char name[32];
    struct hk_sim_prefix pfx[HK_SIM_MAX_SENSOR_PFX];
    int npfx;
    bool tap;     /* vantage: a mirror port (sees probes from and to the prefix), else a darknet */
    bool replies; /* a tap also records live hosts' answers (SYN-ACK / RST) */
    double until; /* capture only the first seconds (0: the whole run) */
};

struct hk_sim_scenario {
    char name[64];
    char description[256];
    double duration; /* simulated seconds */
    double step;     /* aggregation step for random scanning, seconds */
    double sample;   /* infection-curve sampling interval, seconds */
    int64_t start;   /* Unix time of t = 0 (pcap timestamps) */
    uint64_t seed;

    enum hk_sim_net net;
    struct hk_sim_prefix subnets[HK_SIM_MAX_SUBNETS];
    int nsubnets;
    uint32_t hosts;      /* LAN/enterprise: live hosts per subnet */
    uint32_t vulnerable; /* vulnerable hosts in all */
    uint32_t clusters;   /* internet: vulnerable hosts placed in this many /16s (0: uniform) */
    double link_delay;   /* seconds from a successful probe to the exploit's effect */

    char worm[32];
    enum hk_sim_strategy strategy;
    uint16_t port;
    uint8_t proto;        /* 6 TCP, 17 UDP */
    double scan_rate;     /* probes/s: the sweep pace, or the random rate */
    double random_rate;   /* hybrid: random probes/s beside the local sweep */
    double exploit_time;  /* seconds a scanner spends exploiting a vulnerable host it found */
    bool exploit_async;   /* exploits run beside the sweep instead of holding it */
    double startup;       /* seconds from infection to the first probe */
    double sweep_repeat;  /* seconds between local sweeps (0: sweep once) */
    double start_local;   /* sequential: probability of starting near its own address */
    double pref8, pref16; /* local preference: share of probes to the same /8 and /16 */
    uint32_t known_hosts; /* targeted: hosts each infected host already knows */
    uint32_t initial;     /* initially infected hosts */
    double bandwidth;     /* cap on all probes sent per second (0: none) */
    double loss;          /* share of probes lost once the cap is reached */

    struct hk_sim_sensor sensors[HK_SIM_MAX_SENSORS];
    int nsensors;
};

/* Parses a scenario from INI text. Unknown sections or keys, impossible values and sizes
 * beyond the bounds fail with a message naming the line ("line 12: unknown key 'foo'"). */
hk_err hk_sim_scenario_parse(const char *text, struct hk_sim_scenario *sc, struct hk_errmsg *em);
/* Loads a shipped scenario by name, or a file when name contains '/' or ends in ".ini". */
hk_err hk_sim_scenario_load(const char *name, struct hk_sim_scenario *sc, struct hk_errmsg *em);
/* The shipped scenarios, NULL-terminated by name. */
extern const struct hk_embedded hk_sim_scenarios[];
const char *hk_sim_strategy_name(enum hk_sim_strategy s);

/* One sample of the infection curve. */
struct hk_sim_point {
    double t;
    uint32_t infected;
    double probes;    /* cumulative probes sent */
    double per_host;  /* cumulative random probes one active host has sent */
    double probe_pps; /* probes/s over the last sample interval */
};

struct hk_sim_source {
    uint32_t addr;
    double infected_at;
    double first_probe;    /* first probe seen by a sensor, -1 if none */
    uint64_t seen;         /* probes seen by all sensors */
    uint32_t sweep24_done; /* local /24 sweep finished (hybrid, sequential, slow) */
    double sweep24_s;      /* time its first local /24 sweep took, -1 if none */
    uint64_t probes_5min;  /* probes sent in its first 300 s of scanning */
};

struct hk_sim_result {
    struct hk_sim_point *curve;
    size_t ncurve;
    struct hk_sim_source *sources; /* every infected host, in infection order */
    size_t nsources;
    uint32_t vulnerable;
    double t50, t90, t100; /* -1 when not reached */
    double doubling;       /* early doubling time, seconds (-1 when not measurable) */
    double peak_pps;       /* highest probes/s sent (attempted) */
    double peak_pps_t;     /* when */
    double peak_new_per_min;
    double probes; /* total probes */
    uint64_t sensor_packets[HK_SIM_MAX_SENSORS];
    double sim_seconds, write_seconds; /* wall-clock: engine, pcap writing */
};

struct hk_sim_options {
    const char *out_dir;  /* NULL: no files */
    bool pcap;            /* write sensor captures (default true) */
    uint64_t seed;        /* 0: the scenario's */
    uint64_t max_packets; /* bound on packets per sensor capture (0: 200,000,000) */
};

hk_err hk_sim_run(const struct hk_sim_scenario *sc, const struct hk_sim_options *opt,
                  struct hk_sim_result *res, struct hk_errmsg *em);
void hk_sim_result_free(struct hk_sim_result *res);

/* Outputs (output.c). */
hk_err hk_sim_write_curve_csv(const struct hk_sim_result *res, FILE *f);
hk_err hk_sim_write_curve_svg(const struct hk_sim_scenario *sc, const struct hk_sim_result *res,
                              FILE *f);
/* The summary as a JSON object text (caller frees). */
char *hk_sim_summary_json(const struct hk_sim_scenario *sc, const struct hk_sim_result *res);

/* The capture writer (pcapw.c): Ethernet pcap, microsecond stamps, correct checksums. */
struct hk_pcapw;
hk_err hk_pcapw_open(struct hk_pcapw **w, const char *path, uint32_t snaplen);
/* Appends one IPv4 TCP (flags) or UDP packet. payload_len only counts toward lengths. */
hk_err hk_pcapw_ip4(struct hk_pcapw *w, double ts, uint32_t src, uint32_t dst, uint8_t proto,
                    uint16_t sport, uint16_t dport, uint8_t tcp_flags, uint32_t seq, uint32_t ack,
                    uint16_t ip_id, uint16_t payload_len);
hk_err hk_pcapw_close(struct hk_pcapw *w);
uint64_t hk_pcapw_count(const struct hk_pcapw *w);

#endif
