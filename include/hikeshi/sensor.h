/* SPDX-License-Identifier: MIT */
/*
 * The observation sensor (`hikeshi sensor`): a packet decoder for the common capture link
 * types, a capture reader (its own memory-mapped reader for plain pcap, libpcap for pcapng,
 * gzip and live capture), and the analysis engine: fixed-memory per-source profiles with a
 * kind (scan, port-scan, backscatter, flood, misc), a scan strategy (sequential, random,
 * local-preference, hybrid, slow-sequential, targeted) and a tool fingerprint, the
 * threshold random walk for a LAN vantage point, per-port activity per minute and hour, and
 * early-warning alerts. Output is JSON lines, a text summary and SVG plots; alerts and
 * interval summaries can be pushed to a hikeshi server. The method is described in
 * docs/internals/sensor.md.
 *
 * Ownership: every _new/_open result belongs to the caller and is released with the
 * matching _free/_close; option strings and FILE pointers are borrowed for the sensor's life.
 */
#ifndef HIKESHI_SENSOR_H
#define HIKESHI_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hikeshi/err.h"

/* Link-layer header types (the pcap LINKTYPE_ / DLT_ numbers). */
#define HK_DLT_NULL       0   /* BSD loopback: 4-byte address family, host byte order */
#define HK_DLT_EN10MB     1   /* Ethernet, with 802.1Q / QinQ tags */
#define HK_DLT_RAW        12  /* raw IP (DLT_RAW on Linux and most systems) */
#define HK_DLT_RAW14      14  /* raw IP (DLT_RAW on OpenBSD) */
#define HK_LINKTYPE_RAW   101 /* raw IP in files */
#define HK_DLT_LOOP       108 /* OpenBSD loopback: address family in network byte order */
#define HK_DLT_LINUX_SLL  113 /* Linux cooked capture v1 */
#define HK_LINKTYPE_IPV4  228
#define HK_LINKTYPE_IPV6  229
#define HK_DLT_LINUX_SLL2 276 /* Linux cooked capture v2 */

/* TCP flag bits as on the wire. */
#define HK_TH_FIN 0x01
#define HK_TH_SYN 0x02
#define HK_TH_RST 0x04
#define HK_TH_PSH 0x08
#define HK_TH_ACK 0x10

/* An address, IPv4 (v6 == 0, in a[0..3], network order) or IPv6. */
struct hk_addr {
    uint8_t v6;
    uint8_t a[16];
};
/* Formats an address into out (at least 46 bytes). */
void hk_addr_fmt(const struct hk_addr *a, char *out, size_t n);
/* Parses "1.2.3.4" or an IPv6 address. */
hk_err hk_addr_parse(const char *s, struct hk_addr *out);

/* An address prefix ("192.0.2.0/24", "2001:db8::/32"; no length means a host). */
struct hk_sensor_prefix {
    struct hk_addr addr;
    uint8_t len;
};
hk_err hk_sensor_prefix_parse(const char *s, struct hk_sensor_prefix *out, struct hk_errmsg *em);

/*
 * One decoded packet: what the analysis needs and nothing else (fixed size, no pointers
 * into the capture). For IPv6, src and dst hold the low 32 bits of the addresses and
 * src6/dst6 the full ones.
 */
struct hk_pkt {
    int64_t ts_ns;
    uint32_t src, dst;     /* IPv4 addresses in host byte order */
    uint32_t seq;          /* TCP sequence number */
    uint32_t qsrc;         /* ICMP error: the quoted packet's source (host order), else 0 */
    uint32_t qdst;         /* ICMP error: the quoted packet's destination, else 0 */
    uint16_t sport, dport; /* ICMP: sport 0, dport the type */
    uint16_t ipid;
    uint8_t proto; /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, or another IP protocol */
    uint8_t flags; /* TCP flags */
    uint8_t icmp_type, icmp_code;
    uint8_t v6;
    uint8_t resp; /* 1: a reply-type packet (SYN-ACK, RST, bare ACK, ICMP reply or error) */
    uint8_t src6[16], dst6[16];
};

enum hk_dec {
    HK_DEC_OK = 0,
    HK_DEC_TRUNC,   /* the capture holds fewer bytes than the headers need */
    HK_DEC_NOTIP,   /* a frame that is not IPv4/IPv6 (ARP, LLDP, ...) */
    HK_DEC_BAD,     /* a malformed IP header (bad version, header length, total length) */
    HK_DEC_FRAG,    /* a non-first IPv4 fragment: no transport header */
    HK_DEC_LINKTYPE /* unsupported link type */
};
/* Decodes one frame of the given link type. Never reads outside p[0..caplen). */
enum hk_dec hk_sensor_decode(int linktype, const uint8_t *p, uint32_t caplen, int64_t ts_ns,
                             struct hk_pkt *out);
/* True when the link type is one the decoder handles. */
bool hk_sensor_linktype_ok(int linktype);

/* ---- capture reader ---- */

struct hk_rec {
    int64_t ts_ns;
    uint32_t caplen;
    uint32_t wirelen;
    const uint8_t *data; /* valid until the next call on the reader */
};

struct hk_pcap;
/* Opens a capture file: plain pcap (µs or ns, either byte order) through the memory-mapped
 * reader; pcapng and gzip-compressed files through libpcap. */
hk_err hk_pcap_open(const char *path, struct hk_pcap **out, struct hk_errmsg *em);
/* Opens a capture held in memory (borrowed for the reader's life): plain pcap directly,
 * anything else through libpcap. Used by the fuzz targets and tests. */
hk_err hk_pcap_open_mem(const uint8_t *p, size_t n, struct hk_pcap **out, struct hk_errmsg *em);
/* Opens a live capture on an interface (promiscuous, immediate mode). */
hk_err hk_pcap_open_live(const char *ifname, int snaplen, struct hk_pcap **out,
                         struct hk_errmsg *em);
/* Applies a BPF filter (live: in the kernel; files: per record). */
hk_err hk_pcap_set_filter(struct hk_pcap *r, const char *bpf, struct hk_errmsg *em);
/* The next record: 1 with rec filled, 0 at the end (or after an error that ends the file:
 * see hk_pcap_warning), -1 when a live capture timed out with nothing (call again). */
int hk_pcap_next(struct hk_pcap *r, struct hk_rec *rec);
/* Counters of hk_pcap_read_batch: frames read, their wire bytes, frames per decode result. */
struct hk_read_counts {
    uint64_t frames, bytes;
    uint64_t dec[6];
};
/* Reads and decodes up to max frames: *n decoded packets in out (frames that do not decode
 * are counted in c). Returns 1 when more may follow, 0 at the end, -1 when a live capture
 * timed out (call again). */
int hk_pcap_read_batch(struct hk_pcap *r, struct hk_pkt *out, size_t max, size_t *n,
                       struct hk_read_counts *c);
int hk_pcap_linktype(const struct hk_pcap *r);
/* The first problem met ("truncated record at offset 1234"), or NULL. */
const char *hk_pcap_warning(const struct hk_pcap *r);
/* Progress: bytes consumed and total (0 when unknown). */
void hk_pcap_progress(const struct hk_pcap *r, uint64_t *done, uint64_t *total);
/* Asks a live capture to stop (async-signal-safe). */
void hk_pcap_breakloop(struct hk_pcap *r);
void hk_pcap_close(struct hk_pcap *r);

/* ---- analysis ---- */

enum hk_kind { HK_KIND_MISC, HK_KIND_SCAN, HK_KIND_PORTSCAN, HK_KIND_BACKSCATTER, HK_KIND_FLOOD };
enum hk_strat {
    HK_STRAT_NONE, /* not a scan */
    HK_STRAT_UNDETERMINED,
    HK_STRAT_SEQUENTIAL,
    HK_STRAT_RANDOM,
    HK_STRAT_LOCALPREF,
    HK_STRAT_HYBRID,
    HK_STRAT_SLOWSEQ,
    HK_STRAT_TARGETED
};
enum hk_tool { HK_TOOL_NONE, HK_TOOL_MASSCAN, HK_TOOL_ZMAP, HK_TOOL_MIRAI };
enum hk_trw { HK_TRW_NONE, HK_TRW_PENDING, HK_TRW_SCANNER, HK_TRW_BENIGN };
const char *hk_kind_name(enum hk_kind k);
const char *hk_strat_name(enum hk_strat s);
const char *hk_tool_name(enum hk_tool t);
/* Parses a strategy name; HK_EINVAL when unknown. */
hk_err hk_strat_parse(const char *s, enum hk_strat *out);

/* A source's profile as reported (computed from the fixed-size table entry). */
struct hk_profile {
    struct hk_addr src;
    int64_t first_ms, last_ms; /* unix milliseconds */
    uint32_t probes;
    uint32_t targets; /* distinct destinations (exact up to 64, then estimated) */
    uint32_t nports;  /* distinct destination ports (estimated above a few) */
    uint16_t ports[4];
    int nports_listed;
    uint8_t protos; /* bit 0 TCP, 1 UDP, 2 ICMP, 3 other */
    uint8_t tcpmix; /* bit 0 SYN, 1 SYN-ACK, 2 RST, 3 ACK, 4 FIN/NULL/Xmas */
    uint32_t replies;
    double rate_pps;
    enum hk_kind kind;
    enum hk_strat strategy;
    double confidence; /* 0..1 */
    double sweep24_s;  /* estimated seconds to sweep a /24 at this pace; < 0 unknown */
    uint32_t needs;    /* undetermined: distinct destinations still needed */
    enum hk_tool tool;
    enum hk_trw trw;
    double coverage;        /* fraction of the monitored space touched; < 0 unknown */
    struct hk_addr target0; /* the first destination (floods, port scans) */
};

enum hk_alert_type { HK_ALERT_PORT_SURGE, HK_ALERT_WORM_SOURCE };
#define HK_ALERT_MAX_SRC 20
struct hk_alert {
    enum hk_alert_type type;
    int64_t ts_ms; /* surge: the end of the interval; worm-source: the labelling packet */
    int64_t interval_start_ms;
    uint16_t port;
    uint8_t proto;
    double magnitude; /* surge: sources / baseline (at least 1); worm-source: confidence */
    uint32_t count;   /* surge: distinct sources in the interval */
    double baseline;  /* surge: the EWMA mean before the interval */
    double threshold; /* surge: the level that was crossed */
    int nsrc;
    struct hk_addr srcs[HK_ALERT_MAX_SRC];
    struct hk_profile prof; /* worm-source */
};

/* One port's activity over one interval. */
struct hk_port_iv {
    int64_t start_ms;
    uint32_t interval_s; /* 60 or 3600 */
    uint16_t port;       /* ICMP: the type */
    uint8_t proto;
    uint64_t packets;
    uint32_t sources, targets;
};

#define HK_SENSOR_MAX_MONITOR 64
#define HK_SENSOR_MAX_PLOT    16

struct hk_sensor_opts {
    bool lan;             /* LAN tap: replies are seen; threshold random walk */
    uint32_t max_sources; /* table capacity (64 bytes each); default 1,048,576 */
    uint32_t max_samples; /* strategy samples (about 560 bytes each); default 65,536 */
    uint32_t min_probes;  /* profiles with fewer probes are not written; default 3 */
    struct hk_sensor_prefix monitor[HK_SENSOR_MAX_MONITOR];
    int nmonitor;
    double ew_lambda;        /* EWMA weight, default 0.25 */
    double ew_k;             /* sigmas, default 3 */
    double ew_floor;         /* minimum excess in sources, default 10 */
    uint32_t ew_warmup;      /* intervals before port alerts, default 10 */
    uint32_t worm_mask;      /* bit (1 << strategy): strategies that raise worm-source alerts */
    uint32_t trw_timeout_ms; /* LAN: a first contact unanswered this long failed; 3000 */
    FILE *out;               /* JSON lines, or NULL */
    struct hk_addr plot[HK_SENSOR_MAX_PLOT]; /* sources whose probes are traced */
    int nplot;
    /* Called for each alert and each closed port interval (NULL: none). */
    void (*on_alert)(void *user, const struct hk_alert *a);
    void (*on_interval)(void *user, const struct hk_port_iv *iv);
    void *user;
};
void hk_sensor_opts_defaults(struct hk_sensor_opts *o);

struct hk_sensor_stats {
    uint64_t frames, packets, bytes;
    uint64_t trunc, notip, bad, frag, outside; /* frames not analysed, by reason */
    uint64_t sources_seen, sources_now, evicted, samples_exhausted;
    uint64_t profiles_written, intervals_written, alerts;
    uint64_t by_kind[5];
    uint64_t by_strat[8];
    int64_t first_ms, last_ms;
    uint64_t table_bytes;   /* the source tables as allocated now (64 bytes per entry) */
    uint64_t table_entries; /* their capacity in sources */
    uint64_t samples_used;  /* strategy samples in use (side pool) */
    uint64_t sample_bytes;  /* bytes of one sample */
};

struct hk_sensor;
hk_err hk_sensor_new(const struct hk_sensor_opts *o, struct hk_sensor **out, struct hk_errmsg *em);
void hk_sensor_free(struct hk_sensor *s);
/* Analyses n decoded packets (in time order; earlier packets are taken as "now"). */
void hk_sensor_batch(struct hk_sensor *s, const struct hk_pkt *p, size_t n);
/* Counts a frame that did not decode (n of them). */
void hk_sensor_count_dec(struct hk_sensor *s, enum hk_dec r, uint64_t n);
/* Closes the open intervals and writes every remaining profile. Call once at the end. */
void hk_sensor_finish(struct hk_sensor *s);
/* Looks a source up: HK_OK with its profile, HK_ENOTFOUND when not tracked. */
hk_err hk_sensor_lookup(struct hk_sensor *s, const struct hk_addr *src, struct hk_profile *out);
/* Calls fn for every tracked source (after or before finish). */
void hk_sensor_each(struct hk_sensor *s, void (*fn)(void *u, const struct hk_profile *p), void *u);
void hk_sensor_get_stats(const struct hk_sensor *s, struct hk_sensor_stats *out);

/* Writes one profile / alert / port interval as a JSON line (no allocation). */
void hk_sensor_json_profile(FILE *f, const struct hk_profile *p);
void hk_sensor_json_alert(FILE *f, const struct hk_alert *a);
void hk_sensor_json_port_iv(FILE *f, const struct hk_port_iv *iv);

/* Plot data: the traced probes of a source and the per-minute series of the busiest ports. */
struct hk_trace_pt {
    uint32_t t_ms; /* since the first packet of the run */
    uint32_t dst;  /* IPv4 host order, or the low 32 bits of IPv6 */
};
/* The points traced for plot source i (borrowed); *n their number, *base_ms the time base. */
const struct hk_trace_pt *hk_sensor_trace(const struct hk_sensor *s, int i, size_t *n,
                                          int64_t *base_ms, uint64_t *probes);
/* Writes the three SVG plots into dir: ports.svg, scan-pattern.svg, cumulative.svg. */
hk_err hk_sensor_svg(struct hk_sensor *s, const char *dir, struct hk_errmsg *em);
/* Writes the human summary (top sources, kinds, strategies, alerts). */
void hk_sensor_summary(struct hk_sensor *s, FILE *f, int top);

/* ---- push to a hikeshi server ---- */

struct hk_push;
/* url is the server's base URL; spool_dir holds unsent items; name is the sensor name. */
hk_err hk_push_new(const char *url, const char *token, const char *spool_dir, const char *name,
                   struct hk_push **out, struct hk_errmsg *em);
void hk_push_alert(struct hk_push *p, const struct hk_alert *a);
void hk_push_interval(struct hk_push *p, const struct hk_port_iv *iv);
/* Appends queued items to the spool, then sends the whole spool. HK_OK when the spool is
 * empty afterwards; HK_ENET when the server could not be reached (items stay spooled). */
hk_err hk_push_flush(struct hk_push *p, struct hk_errmsg *em);
/* Counters: items sent and accepted, duplicates, rejected (moved aside), still spooled. */
void hk_push_counts(const struct hk_push *p, uint64_t *sent, uint64_t *dups, uint64_t *rejected,
                    uint64_t *spooled);
void hk_push_free(struct hk_push *p);

#endif
