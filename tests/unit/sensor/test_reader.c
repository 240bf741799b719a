/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the capture readers: plain pcap in microseconds and nanoseconds and in both
 * byte orders (memory-mapped from a file and from memory), pcapng and gzip through libpcap,
 * the batch reader, a truncated file (what precedes the cut is read, with a warning), a
 * corrupt record header in the middle (skipped, the rest read), an absurd captured length
 * (rejected without allocating it), and files that are not captures at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

#include "sensor_test.h"

#define N 50

/* A pcap of N SYNs one millisecond (plus 7 ns) apart, into a memory buffer. */
static char *make_pcap(int nano, int swap, size_t *len)
{
    char *buf = NULL;
    struct gen_pcap w = {NULL, nano, swap};
    uint8_t f[64];

    w.f = open_memstream(&buf, len);
    gen_pcap_header(&w, 1);
    for (int i = 0; i < N; i++) {
        struct gen_ev x;
        memset(&x, 0, sizeof(x));
        x.src = st_ip(10, 0, 0, 1);
        x.dst = st_ip(192, 0, 2, (unsigned)i);
        x.dport = 445;
        x.flags = 2;
        x.t_ns = 1767225600000000000ll + i * 1000007ll;
        gen_pcap_record(&w, x.t_ns, f, gen_frame(&x, f), 60);
    }
    (void)fclose(w.f);
    return buf;
}

static int count(struct hk_pcap *r, int64_t *last_ts)
{
    struct hk_rec rec;
    struct hk_pkt p;
    int n = 0;

    while (hk_pcap_next(r, &rec) == 1) {
        assert_int_equal(hk_sensor_decode(hk_pcap_linktype(r), rec.data, rec.caplen, rec.ts_ns, &p),
                         HK_DEC_OK);
        assert_int_equal(p.dst, st_ip(192, 0, 2, (unsigned)n));
        *last_ts = rec.ts_ns;
        n++;
    }
    return n;
}

static char *write_tmp(const void *p, size_t n, const char *suffix)
{
    char *path = malloc(64);
    FILE *f;

    (void)snprintf(path, 64, "/tmp/hk-sensor-test-%d%s", (int)getpid(), suffix);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_pcap_variants(void **state)
{
    (void)state;
    for (int nano = 0; nano < 2; nano++)
        for (int swap = 0; swap < 2; swap++) {
            size_t len;
            char *buf = make_pcap(nano, swap, &len), *path;
            struct hk_pcap *r;
            int64_t last = 0;
            assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, len, &r, NULL), HK_OK);
            assert_int_equal(hk_pcap_linktype(r), 1);
            assert_int_equal(count(r, &last), N);
            /* Microseconds lose the 7 ns; nanoseconds keep them. */
            assert_int_equal(last, 1767225600000000000ll + (N - 1) * 1000007ll -
                                       (nano ? 0 : ((N - 1) * 7) % 1000));
            assert_null(hk_pcap_warning(r));
            hk_pcap_close(r);
            path = write_tmp(buf, len, ".pcap");
            assert_int_equal(hk_pcap_open(path, &r, NULL), HK_OK);
            assert_int_equal(count(r, &last), N);
            hk_pcap_close(r);
            (void)unlink(path);
            free(path);
            free(buf);
        }
}

static void put32(FILE *f, uint32_t v)
{
    (void)fwrite(&v, 4, 1, f);
}

static void test_pcapng(void **state)
{
    char *buf = NULL, *path;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct hk_pcap *r;
    uint8_t fr[64];
    int64_t last = 0;

    (void)state;
    /* Section header, interface description (Ethernet, microseconds), enhanced packets. */
    put32(f, 0x0a0d0d0a);
    put32(f, 28);
    put32(f, 0x1a2b3c4d);
    put32(f, 1);
    put32(f, 0xffffffff);
    put32(f, 0xffffffff);
    put32(f, 28);
    put32(f, 1);
    put32(f, 20);
    put32(f, 1);
    put32(f, 0);
    put32(f, 20);
    for (int i = 0; i < N; i++) {
        struct gen_ev x;
        uint64_t us = 1767225600000000ull + (uint64_t)i * 1000;
        uint32_t n;
        memset(&x, 0, sizeof(x));
        x.src = st_ip(10, 0, 0, 1);
        x.dst = st_ip(192, 0, 2, (unsigned)i);
        x.flags = 2;
        n = gen_frame(&x, fr);
        memset(fr + n, 0, 2);
        put32(f, 6);
        put32(f, 32 + 56);
        put32(f, 0);
        put32(f, (uint32_t)(us >> 32));
        put32(f, (uint32_t)us);
        put32(f, n);
        put32(f, 60);
        (void)fwrite(fr, 1, 56, f);
        put32(f, 32 + 56);
    }
    (void)fclose(f);
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, len, &r, NULL), HK_OK);
    assert_int_equal(count(r, &last), N);
    assert_int_equal(last, 1767225600000000000ll + (N - 1) * 1000000ll);
    hk_pcap_close(r);
    path = write_tmp(buf, len, ".pcapng");
    assert_int_equal(hk_pcap_open(path, &r, NULL), HK_OK);
    assert_int_equal(count(r, &last), N);
    hk_pcap_close(r);
    /* Cut in the middle of a block: what precedes is read, then a warning. */
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, len - 30, &r, NULL), HK_OK);
    assert_int_equal(count(r, &last), N - 1);
    assert_non_null(hk_pcap_warning(r));
    hk_pcap_close(r);
    (void)unlink(path);
    free(path);
    free(buf);
}

static void test_gzip(void **state)
{
    size_t len;
    char *buf = make_pcap(1, 0, &len), path[64];
    gzFile g;
    struct hk_pcap *r;
    int64_t last = 0;

    (void)state;
    (void)snprintf(path, sizeof(path), "/tmp/hk-sensor-test-%d.pcap.gz", (int)getpid());
    g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, buf, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
    assert_int_equal(hk_pcap_open(path, &r, NULL), HK_OK);
    assert_int_equal(count(r, &last), N);
    assert_int_equal(last, 1767225600000000000ll + (N - 1) * 1000007ll);
    hk_pcap_close(r);
    (void)unlink(path);
    free(buf);
}

static void test_batch(void **state)
{
    size_t len, n, total = 0;
    char *buf = make_pcap(0, 1, &len);
    struct hk_pcap *r;
    struct hk_pkt p[16];
    struct hk_read_counts c;
    int k;

    (void)state;
    memset(&c, 0, sizeof(c));
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, len, &r, NULL), HK_OK);
    do {
        k = hk_pcap_read_batch(r, p, 16, &n, &c);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(p[i].dst, st_ip(192, 0, 2, (unsigned)(total + i)));
        total += n;
    } while (k == 1);
    assert_int_equal(total, N);
    assert_int_equal(c.frames, N);
    assert_int_equal(c.bytes, N * 60);
    hk_pcap_close(r);
    free(buf);
}

/*
 * The batch reader's one-step path for Ethernet/IPv4/TCP must give exactly what the general
 * decoder gives, and leave everything else to it: SYN, SYN-ACK, RST, a total length of 0
 * (offload), a total length too short for the TCP header, IP options, a non-first
 * fragment, UDP, a VLAN tag, and frames cut short.
 */
static void test_fast_path_matches_decoder(void **state)
{
    enum { NF = 12 };
    uint8_t fr[NF][80];
    uint32_t len[NF];
    char *buf = NULL;
    size_t blen, n, total = 0;
    struct gen_pcap w = {NULL, 0, 0};
    struct hk_pcap *r;
    struct hk_pkt p[NF], want;
    struct hk_read_counts c;
    size_t nok = 0;
    enum hk_dec dec[NF];

    (void)state;
    for (int i = 0; i < NF; i++) {
        struct gen_ev x;
        memset(&x, 0, sizeof(x));
        x.src = st_ip(10, 0, 0, (unsigned)i + 1);
        x.dst = st_ip(192, 0, 2, 7);
        x.sport = 40000;
        x.dport = 445;
        x.seq = 0x12345678u + (uint32_t)i;
        x.ipid = (uint16_t)(54321 + i);
        x.flags = i == 1 ? 0x12 : i == 2 ? 0x04 : 0x02;
        x.t_ns = 1767225600000000000ll + i * 1000ll;
        memset(fr[i], 0, sizeof(fr[i]));
        len[i] = gen_frame(&x, fr[i]);
    }
    fr[3][16] = 0, fr[3][17] = 0;                 /* total length 0: offload */
    fr[4][16] = 0, fr[4][17] = 30;                /* too short for the TCP header */
    fr[5][14] = 0x46;                             /* IP options (header of 24 bytes) */
    fr[6][20] = 0x00, fr[6][21] = 0x10;           /* a non-first fragment */
    fr[7][23] = 17;                               /* UDP */
    memmove(fr[8] + 18, fr[8] + 14, len[8] - 14); /* an 802.1Q tag */
    fr[8][12] = 0x81, fr[8][13] = 0x00, fr[8][14] = 0, fr[8][15] = 5, fr[8][16] = 0x08,
    fr[8][17] = 0x00;
    len[8] += 4;
    len[9] = 47;  /* one byte short of the TCP flags' end */
    len[10] = 40; /* the IPv4 header only */
    w.f = open_memstream(&buf, &blen);
    gen_pcap_header(&w, 1);
    for (int i = 0; i < NF; i++)
        gen_pcap_record(&w, 1767225600000000000ll + i * 1000ll, fr[i], len[i], len[i]);
    (void)fclose(w.f);
    memset(&c, 0, sizeof(c));
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, blen, &r, NULL), HK_OK);
    while (hk_pcap_read_batch(r, p + total, NF - total, &n, &c) == 1 && n)
        total += n;
    total += n;
    hk_pcap_close(r);
    for (int i = 0; i < NF; i++) {
        memset(&want, 0xee, sizeof(want));
        dec[i] = hk_sensor_decode(HK_DLT_EN10MB, fr[i], len[i], 1767225600000000000ll + i * 1000ll,
                                  &want);
        if (dec[i] != HK_DEC_OK)
            continue;
        assert_true(nok < total);
        assert_memory_equal(&p[nok], &want, offsetof(struct hk_pkt, src6));
        nok++;
    }
    assert_int_equal(total, nok);
    assert_int_equal(dec[0], HK_DEC_OK);
    assert_int_equal(dec[3], HK_DEC_OK);
    assert_int_equal(dec[4], HK_DEC_TRUNC);
    assert_int_equal(dec[6], HK_DEC_FRAG);
    assert_int_equal(dec[8], HK_DEC_OK);
    free(buf);
}

static void test_bad_files(void **state)
{
    size_t len, rec = 16 + 54;
    char *buf = make_pcap(0, 0, &len);
    struct hk_pcap *r;
    struct hk_errmsg em;
    int64_t last = 0;
    uint32_t absurd = 0x7fffffff;
    char *path;

    (void)state;
    /* Truncated in the last record: 49 records, a warning naming the offset. */
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, len - 10, &r, NULL), HK_OK);
    assert_int_equal(count(r, &last), N - 1);
    assert_non_null(strstr(hk_pcap_warning(r), "truncated"));
    hk_pcap_close(r);
    /* An absurd captured length in record 10: skipped without allocating, then the reader
     * finds the next good record and keeps going. */
    memcpy(buf + 24 + 10 * rec + 8, &absurd, 4);
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, len, &r, NULL), HK_OK);
    {
        struct hk_rec rc;
        int n = 0;
        while (hk_pcap_next(r, &rc) == 1)
            n++;
        assert_int_equal(n, N - 1);
    }
    assert_non_null(strstr(hk_pcap_warning(r), "corrupt"));
    hk_pcap_close(r);
    /* The same through the file path and the batch reader. */
    path = write_tmp(buf, len, ".bad.pcap");
    assert_int_equal(hk_pcap_open(path, &r, NULL), HK_OK);
    {
        struct hk_pkt p[64];
        struct hk_read_counts c;
        size_t n, total = 0;
        memset(&c, 0, sizeof(c));
        while (hk_pcap_read_batch(r, p, 64, &n, &c) == 1 || n)
            total += n;
        assert_int_equal(total, N - 1);
    }
    hk_pcap_close(r);
    (void)unlink(path);
    free(path);
    /* Not a capture; a header alone; an empty buffer; a missing file. */
    assert_int_equal(
        hk_pcap_open_mem((const uint8_t *)"hello world, not a pcap file!", 29, &r, &em), HK_EPARSE);
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, 24, &r, NULL), HK_OK);
    assert_int_equal(count(r, &last), 0);
    hk_pcap_close(r);
    assert_int_equal(hk_pcap_open_mem((uint8_t *)buf, 0, &r, NULL), HK_EPARSE);
    assert_int_equal(hk_pcap_open("/nonexistent/x.pcap", &r, &em), HK_EIO);
    assert_non_null(strstr(em.text, "/nonexistent/x.pcap"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_variants),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_fast_path_matches_decoder),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
