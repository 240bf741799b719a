/* SPDX-License-Identifier: MIT */
/*
 * Capture readers. Plain pcap files (the format of pcap-savefile(5): a 24-byte header with
 * magic 0xa1b2c3d4 for microseconds or 0xa1b23c4d for nanoseconds, in either byte order,
 * then 16-byte record headers) are memory-mapped and walked in place: no copy and no
 * allocation per packet, which is what makes offline analysis fast. Everything else -
 * pcapng, gzip-compressed files (through zlib and fopencookie), live interfaces - goes
 * through libpcap.
 *
 * Bad input: a record whose captured length is absurd (above 256 KiB or its own original
 * length plus slack) or whose header is inconsistent is skipped by searching forward for the
 * next plausible record header (two consecutive headers that agree), so one corrupt record
 * does not lose the rest of the file; a record cut off by the end of the file ends it. The
 * first problem is kept as a warning. Nothing allocates in proportion to a length read from
 * the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "hikeshi/core.h"
#include "sensor/decode_impl.h"

#define MAX_CAPLEN (256u * 1024u)

enum rkind { R_MMAP, R_PCAP };

struct hk_pcap {
    enum rkind kind;
    int linktype;
    /* memory-mapped plain pcap */
    const uint8_t *base;
    size_t size, off;
    bool mapped, swapped, nano;
    uint32_t snaplen;
    int64_t last_sec;
    /* libpcap */
    pcap_t *pc;
    FILE *cookie; /* gzip or memory stream handed to libpcap */
    bool live;
    bool have_filter;
    struct bpf_program prog;
    char warning[200];
};

static inline uint32_t rd32h(const uint8_t *p, bool sw)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return sw ? __builtin_bswap32(v) : v;
}

static void warn(struct hk_pcap *r, const char *what, size_t off)
{
    if (!r->warning[0])
        (void)snprintf(r->warning, sizeof(r->warning), "%s at offset %zu", what, off);
}

/* ---- gzip through fopencookie ---- */

static ssize_t gz_read(void *c, char *buf, size_t n)
{
    int k;

    if (n > (1u << 30))
        n = 1u << 30;
    k = gzread((gzFile)c, buf, (unsigned)n);
    return k < 0 ? -1 : k;
}

static int gz_close(void *c)
{
    return gzclose((gzFile)c) == Z_OK ? 0 : -1;
}

static FILE *gz_fopen(const char *path)
{
    cookie_io_functions_t io = {gz_read, NULL, NULL, gz_close};
    gzFile g = gzopen(path, "rb");
    FILE *f;

    if (!g)
        return NULL;
    (void)gzbuffer(g, 1u << 18);
    f = fopencookie(g, "rb", io);
    if (!f)
        (void)gzclose(g);
    return f;
}

/* ---- plain pcap, memory-mapped ---- */

static bool pcap_magic(const uint8_t *p, size_t n, bool *sw, bool *nano)
{
    uint32_t m;

    if (n < 24)
        return false;
    memcpy(&m, p, 4);
    *sw = false;
    *nano = false;
    if (m == 0xa1b2c3d4u)
        return true;
    if (m == 0xa1b23c4du)
        return (*nano = true);
    if (m == 0xd4c3b2a1u)
        return (*sw = true);
    if (m == 0x4d3cb2a1u) {
        *sw = true;
        *nano = true;
        return true;
    }
    return false;
}

static hk_err mmap_init(struct hk_pcap *r, struct hk_errmsg *em)
{
    uint32_t lt;

    if (!pcap_magic(r->base, r->size, &r->swapped, &r->nano))
        return hk_errf(em, HK_EPARSE, "not a pcap file");
    r->snaplen = rd32h(r->base + 16, r->swapped);
    lt = rd32h(r->base + 20, r->swapped) & 0xffff; /* the upper bits carry FCS information */
    r->linktype = (int)lt;
    r->off = 24;
    r->kind = R_MMAP;
    r->last_sec = -1;
    return HK_OK;
}

/* A record header at off that looks right: lengths bounded and consistent, time sane. */
static bool plausible(const struct hk_pcap *r, size_t off)
{
    uint32_t sec, frac, cap, wire;

    if (off + 16 > r->size)
        return false;
    sec = rd32h(r->base + off, r->swapped);
    frac = rd32h(r->base + off + 4, r->swapped);
    cap = rd32h(r->base + off + 8, r->swapped);
    wire = rd32h(r->base + off + 12, r->swapped);
    if (cap > MAX_CAPLEN || cap > wire || frac >= (r->nano ? 1000000000u : 1000000u))
        return false;
    if (r->last_sec >= 0 && (int64_t)sec + 86400 < r->last_sec)
        return false;
    if (r->last_sec >= 0 && (int64_t)sec > r->last_sec + 86400 * 366)
        return false;
    return off + 16 + cap <= r->size;
}

/* Searches forward for two consecutive plausible headers; returns the offset or size. */
static size_t resync(const struct hk_pcap *r, size_t from)
{
    for (size_t o = from; o + 16 <= r->size; o++) {
        if (!plausible(r, o))
            continue;
        size_t next = o + 16 + rd32h(r->base + o + 8, r->swapped);
        if (next == r->size || plausible(r, next))
            return o;
    }
    return r->size;
}

static int mmap_next(struct hk_pcap *r, struct hk_rec *rec)
{
    for (;;) {
        const uint8_t *h;
        uint32_t sec, frac, cap, wire;

        if (r->off + 16 > r->size) {
            if (r->off < r->size)
                warn(r, "truncated record header", r->off);
            r->off = r->size;
            return 0;
        }
        h = r->base + r->off;
        sec = rd32h(h, r->swapped);
        frac = rd32h(h + 4, r->swapped);
        cap = rd32h(h + 8, r->swapped);
        wire = rd32h(h + 12, r->swapped);
        if (__builtin_expect(cap > MAX_CAPLEN || frac >= 1000000000u, 0)) {
            warn(r, "corrupt record header (skipped to the next good record)", r->off);
            r->off = resync(r, r->off + 1);
            continue;
        }
        if (__builtin_expect(r->off + 16 + cap > r->size, 0)) {
            warn(r, "truncated record", r->off);
            r->off = r->size;
            return 0;
        }
        rec->ts_ns = (int64_t)sec * 1000000000 + (r->nano ? frac : (int64_t)frac * 1000);
        rec->caplen = cap;
        rec->wirelen = wire < cap ? cap : wire;
        rec->data = h + 16;
        r->last_sec = sec;
        r->off += 16 + cap;
        return 1;
    }
}

/* ---- libpcap ---- */

static hk_err pc_init(struct hk_pcap *r, pcap_t *pc)
{
    r->pc = pc;
    r->kind = R_PCAP;
    r->linktype = pcap_datalink(pc);
    return HK_OK;
}

static int pc_next(struct hk_pcap *r, struct hk_rec *rec)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    int rc;

again:
    rc = pcap_next_ex(r->pc, &h, &d);
    if (rc == 1) {
        if (r->have_filter && !r->live && !pcap_offline_filter(&r->prog, h, d))
            goto again;
        /* A pcapng timestamp can be absurd (64-bit units): clamp to what int64 nanoseconds
         * hold (year 2262) instead of overflowing. */
        int64_t sec = (int64_t)h->ts.tv_sec;
        if (sec < 0)
            sec = 0;
        else if (sec > INT64_MAX / 1000000000 - 1)
            sec = INT64_MAX / 1000000000 - 1;
        rec->ts_ns = sec * 1000000000 + (int64_t)h->ts.tv_usec;
        if (r->live)
            rec->ts_ns = sec * 1000000000 + (int64_t)h->ts.tv_usec * 1000;
        rec->caplen = h->caplen;
        rec->wirelen = h->len < h->caplen ? h->caplen : h->len;
        rec->data = d;
        return 1;
    }
    if (rc == 0)
        return -1;
    if (rc == PCAP_ERROR && !r->warning[0])
        (void)snprintf(r->warning, sizeof(r->warning), "%s", pcap_geterr(r->pc));
    return 0;
}

/* ---- public ---- */

static struct hk_pcap *alloc_reader(void)
{
    return hk_xcalloc(1, sizeof(struct hk_pcap));
}

static hk_err open_libpcap_file(struct hk_pcap *r, FILE *f, struct hk_errmsg *em)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, eb);

    if (!pc) {
        (void)fclose(f);
        return hk_errf(em, HK_EPARSE, "not a capture file (%s)", eb);
    }
    r->cookie = f; /* closed by pcap_close */
    return pc_init(r, pc);
}

hk_err hk_pcap_open(const char *path, struct hk_pcap **out, struct hk_errmsg *em)
{
    struct hk_pcap *r = NULL;
    struct stat st;
    uint8_t head[4];
    int fd = -1;
    hk_err err = HK_OK;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hk_errf(em, HK_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        err = hk_errf(em, HK_EIO, "'%s' is not a regular file", path);
        goto out;
    }
    r = alloc_reader();
    if (pread(fd, head, 4, 0) == 4 && head[0] == 0x1f && head[1] == 0x8b) {
        FILE *f = gz_fopen(path);
        if (!f) {
            err = hk_errf(em, HK_EIO, "cannot open '%s' with zlib", path);
            goto out;
        }
        err = open_libpcap_file(r, f, em);
        goto out;
    }
    if (st.st_size >= 24) {
        /* Not MAP_POPULATE: mapping a 7 GB capture up front cost 0.35 s more system time
         * than faulting it in as it is read, with the kernel's read-ahead told the pattern
         * (MADV_SEQUENTIAL also lets it drop pages behind the reader). */
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            err = hk_errf(em, HK_EIO, "cannot map '%s': %s", path, strerror(errno));
            goto out;
        }
        (void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
        r->base = m;
        r->size = (size_t)st.st_size;
        r->mapped = true;
        if (mmap_init(r, NULL) == HK_OK)
            goto out;
        (void)munmap(m, r->size);
        r->base = NULL;
        r->mapped = false;
    }
    {
        FILE *f = fopen(path, "rb");
        if (!f) {
            err = hk_errf(em, HK_EIO, "cannot open '%s': %s", path, strerror(errno));
            goto out;
        }
        err = open_libpcap_file(r, f, em);
    }
out:
    if (fd >= 0)
        (void)close(fd);
    if (err != HK_OK) {
        if (em && path && !strstr(em->text, path)) {
            char t[sizeof(em->text)];
            (void)snprintf(t, sizeof(t), "%.100s: %.150s", path, em->text);
            memcpy(em->text, t, sizeof(t));
        }
        hk_pcap_close(r);
        return err;
    }
    *out = r;
    return HK_OK;
}

hk_err hk_pcap_open_mem(const uint8_t *p, size_t n, struct hk_pcap **out, struct hk_errmsg *em)
{
    struct hk_pcap *r = alloc_reader();
    FILE *f;

    *out = NULL;
    r->base = p;
    r->size = n;
    if (mmap_init(r, NULL) == HK_OK) {
        *out = r;
        return HK_OK;
    }
    r->base = NULL;
    r->size = 0;
    if (n == 0) {
        hk_pcap_close(r);
        return hk_errf(em, HK_EPARSE, "empty capture");
    }
    f = fmemopen((void *)(uintptr_t)p, n, "rb");
    if (!f) {
        hk_pcap_close(r);
        return hk_errf(em, HK_EIO, "fmemopen failed");
    }
    if (open_libpcap_file(r, f, em) != HK_OK) {
        hk_pcap_close(r);
        return HK_EPARSE;
    }
    *out = r;
    return HK_OK;
}

hk_err hk_pcap_open_live(const char *ifname, int snaplen, struct hk_pcap **out,
                         struct hk_errmsg *em)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc = pcap_create(ifname, eb);
    struct hk_pcap *r;
    int rc;

    *out = NULL;
    if (!pc)
        return hk_errf(em, HK_EIO, "cannot capture on '%s': %s", ifname, eb);
    (void)pcap_set_snaplen(pc, snaplen > 0 ? snaplen : 128);
    (void)pcap_set_promisc(pc, 1);
    (void)pcap_set_timeout(pc, 200);
    (void)pcap_set_immediate_mode(pc, 0);
    (void)pcap_set_buffer_size(pc, 64 << 20);
    rc = pcap_activate(pc);
    if (rc < 0) {
        hk_err e = hk_errf(em, HK_EIO, "cannot capture on '%s': %s", ifname, pcap_geterr(pc));
        pcap_close(pc);
        return e;
    }
    r = alloc_reader();
    r->live = true;
    (void)pc_init(r, pc);
    *out = r;
    return HK_OK;
}

hk_err hk_pcap_set_filter(struct hk_pcap *r, const char *bpf, struct hk_errmsg *em)
{
    pcap_t *dead = NULL;
    pcap_t *pc = r->pc;
    hk_err err = HK_OK;

    if (!pc) {
        dead = pcap_open_dead(r->linktype, (int)MAX_CAPLEN);
        if (!dead)
            return hk_errf(em, HK_ENOMEM, "cannot compile the filter");
        pc = dead;
    }
    if (pcap_compile(pc, &r->prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        err = hk_errf(em, HK_EINVAL, "bad filter '%s': %s", bpf, pcap_geterr(pc));
        goto out;
    }
    r->have_filter = true;
    if (r->live && pcap_setfilter(r->pc, &r->prog) < 0)
        err = hk_errf(em, HK_EINVAL, "cannot set the filter: %s", pcap_geterr(r->pc));
out:
    if (dead)
        pcap_close(dead);
    return err;
}

int hk_pcap_next(struct hk_pcap *r, struct hk_rec *rec)
{
    if (r->kind == R_MMAP) {
        if (!r->have_filter)
            return mmap_next(r, rec);
        for (;;) {
            struct pcap_pkthdr h;
            int k = mmap_next(r, rec);
            if (k != 1)
                return k;
            h.caplen = rec->caplen;
            h.len = rec->wirelen;
            h.ts.tv_sec = (time_t)(rec->ts_ns / 1000000000);
            h.ts.tv_usec = (suseconds_t)(rec->ts_ns % 1000000000 / 1000);
            if (pcap_offline_filter(&r->prog, &h, rec->data))
                return 1;
        }
    }
    return pc_next(r, rec);
}

/* The memory-mapped fast path: record headers walked and frames decoded in one loop. */
/*
 * The common case in one step: Ethernet, IPv4 without options, a first fragment, TCP with at
 * least 14 header bytes inside the captured and total lengths. Fills exactly what
 * decode_frame would; anything else (VLAN tags, options, other protocols, short or odd
 * lengths) returns false and goes the general way.
 */
static inline bool fast_eth4tcp(const uint8_t *f, uint32_t cap, int64_t ts, struct hk_pkt *o)
{
    const uint8_t *ip = f + 14, *th = f + 34;
    uint32_t tot;

    /* EtherType 0x0800 and version/IHL 0x45 in one compare. */
    if (cap < 48 || (rd32(f + 12) & 0xffffff00u) != 0x08004500u || ip[9] != 6 ||
        (rd16(ip + 6) & 0x1fff))
        return false;
    tot = rd16(ip + 2);
    if (tot != 0 && tot < 34)
        return false;
    o->ts_ns = ts;
    o->src = rd32(ip + 12);
    o->dst = rd32(ip + 16);
    o->seq = rd32(th + 4);
    o->qsrc = 0;
    o->qdst = 0;
    o->sport = rd16(th);
    o->dport = rd16(th + 2);
    o->ipid = rd16(ip + 4);
    o->proto = 6;
    o->flags = th[13];
    o->icmp_type = 0;
    o->icmp_code = 0;
    o->v6 = 0;
    o->resp = tcp_resp(o->flags);
    return true;
}

/* The reader's state is kept in locals and written back once: the decoder's byte stores
 * into the packets may alias anything, so fields of r would be reloaded every record. The
 * loop is instantiated per byte order, time unit and Ethernet-or-not (mmap_batch below), so
 * none of those is tested per record. */
static inline __attribute__((always_inline)) int mmap_loop(struct hk_pcap *r, struct hk_pkt *out,
                                                           size_t max, size_t *n,
                                                           struct hk_read_counts *c, const bool sw,
                                                           const bool nano, const bool eth)
{
    const int lt = r->linktype;
    const uint8_t *const base = r->base;
    const size_t size = r->size;
    size_t k = 0, off = r->off;
    uint64_t frames = 0, bytes = 0;
    int64_t last_sec = r->last_sec;

    while (k < max) {
        const uint8_t *h = base + off;
        uint32_t sec, frac, cap, wire;
        int64_t ts;
        enum hk_dec d;

        if (__builtin_expect(off + 16 > size, 0))
            break;
        sec = rd32h(h, sw);
        frac = rd32h(h + 4, sw);
        cap = rd32h(h + 8, sw);
        wire = rd32h(h + 12, sw);
        if (__builtin_expect(cap > MAX_CAPLEN || frac >= 1000000000u || off + 16 + cap > size, 0))
            break; /* the careful path reports and resynchronises */
        ts = (int64_t)sec * 1000000000 + (nano ? frac : (int64_t)frac * 1000);
        last_sec = sec;
        off += 16 + cap;
        frames++;
        bytes += wire < cap ? cap : wire;
        if (eth && fast_eth4tcp(h + 16, cap, ts, &out[k])) {
            k++;
            continue;
        }
        d = decode_frame(lt, h + 16, cap, ts, &out[k]);
        if (__builtin_expect(d == HK_DEC_OK, 1))
            k++;
        else
            c->dec[d]++;
    }
    r->off = off;
    r->last_sec = last_sec;
    c->frames += frames;
    c->bytes += bytes;
    *n = k;
    return k == max ? 1 : 0;
}

static int mmap_batch(struct hk_pcap *r, struct hk_pkt *out, size_t max, size_t *n,
                      struct hk_read_counts *c)
{
    if (r->linktype == HK_DLT_EN10MB && !r->swapped && !r->nano)
        return mmap_loop(r, out, max, n, c, false, false, true);
    if (r->linktype == HK_DLT_EN10MB && !r->swapped)
        return mmap_loop(r, out, max, n, c, false, true, true);
    return mmap_loop(r, out, max, n, c, r->swapped, r->nano, r->linktype == HK_DLT_EN10MB);
}

int hk_pcap_read_batch(struct hk_pcap *r, struct hk_pkt *out, size_t max, size_t *n,
                       struct hk_read_counts *c)
{
    size_t k = 0;
    struct hk_rec rec;

    if (r->kind == R_MMAP && !r->have_filter) {
        if (mmap_batch(r, out, max, &k, c)) {
            *n = k;
            return 1;
        }
    }
    while (k < max) {
        int got = hk_pcap_next(r, &rec);
        enum hk_dec d;
        if (got <= 0) {
            *n = k;
            return got;
        }
        c->frames++;
        c->bytes += rec.wirelen;
        d = decode_frame(r->linktype, rec.data, rec.caplen, rec.ts_ns, &out[k]);
        if (d == HK_DEC_OK)
            k++;
        else
            c->dec[d]++;
    }
    *n = k;
    return 1;
}

int hk_pcap_linktype(const struct hk_pcap *r)
{
    return r->linktype;
}

const char *hk_pcap_warning(const struct hk_pcap *r)
{
    return r->warning[0] ? r->warning : NULL;
}

void hk_pcap_progress(const struct hk_pcap *r, uint64_t *done, uint64_t *total)
{
    *done = r->kind == R_MMAP ? r->off : 0;
    *total = r->kind == R_MMAP ? r->size : 0;
}

void hk_pcap_breakloop(struct hk_pcap *r)
{
    if (r && r->pc)
        pcap_breakloop(r->pc);
}

void hk_pcap_close(struct hk_pcap *r)
{
    if (!r)
        return;
    if (r->pc)
        pcap_close(r->pc); /* closes r->cookie too */
    else if (r->cookie)
        (void)fclose(r->cookie);
    if (r->have_filter)
        pcap_freecode(&r->prog);
    if (r->mapped)
        (void)munmap((void *)(uintptr_t)r->base, r->size);
    free(r);
}
