/* SPDX-License-Identifier: MIT */
/*
 * Driver of bench/notify.sh: N affected addresses (random IPv4, each with a time, port and
 * protocol) belonging to T teams are grouped by team (a sort of row indices by team, as the
 * lead's "notify" will do after routing), then one message per team is rendered from the
 * shipped templates (alternately English and Japanese), built as MIME with a CSV
 * attachment (optionally X-ARF too, optionally PGP-signed), and submitted to the SMTP
 * server at URL through one libcurl session. Messages are built by HK_THREADS worker
 * threads (default: the online CPUs; signing runs one gpg per signature, so it pays to
 * sign on every core) while the main thread submits them in order as they become ready.
 * Prints the phases' wall-clock times.
 *
 * Usage: notify_bench URL N T [xarf 0|1] [GNUPGHOME KEY]
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hikeshi/mail.h"

/* One team's message: its rows, then the built message once ready is set. */
struct job {
    size_t first, count;
    uint32_t team;
    struct hk_mail_msg msg;
    uint64_t build_ns;
    atomic_int ready; /* 1 built, -1 failed */
};

struct pool {
    struct job *jobs;
    size_t njobs;
    atomic_size_t next;
    const struct hk_mail_config *cfg;
    const struct hk_mail_row *grouped;
    int xarf;
};

static void *builder(void *arg)
{
    struct pool *p = arg;
    size_t k;

    while ((k = atomic_fetch_add(&p->next, 1)) < p->njobs) {
        struct job *jb = &p->jobs[k];
        char to[64], name[32];
        struct hk_mail_notice no = {0};
        struct hk_mail_recipient r = {0};
        struct hk_errmsg m = {{0}};
        uint64_t a = hk_mono_ns();

        (void)snprintf(name, sizeof(name), "Team %u", jb->team);
        (void)snprintf(to, sizeof(to), "Team %u <cert@team%u.example>", jb->team, jb->team);
        no.kind = HK_MAIL_NOTIFY;
        no.lang = jb->team % 2 ? "ja" : "en";
        no.ticket = 1000 + jb->team;
        no.team_name = name;
        no.team_tz = jb->team % 2 ? "Asia/Tokyo" : "Europe/Berlin";
        no.title = "Worm-like scanning of 445/tcp";
        no.rsit_class = "information-gathering";
        no.rsit_type = "scanner";
        no.tlp = "AMBER";
        no.rows = p->grouped + jb->first;
        no.nrows = jb->count;
        no.formats = HK_MAIL_ATTACH_CSV | (p->xarf ? HK_MAIL_ATTACH_XARF : 0);
        r.to = to;
        if (hk_mail_notice_build(p->cfg, &r, &no, &jb->msg, &m)) {
            fprintf(stderr, "build: %s\n", m.text);
            atomic_store(&jb->ready, -1);
            continue;
        }
        jb->build_ns = hk_mono_ns() - a;
        atomic_store(&jb->ready, 1);
    }
    return NULL;
}

struct item {
    uint32_t team;
    uint32_t idx;
};

static int by_team(const void *a, const void *b)
{
    const struct item *x = a, *y = b;

    return x->team != y->team ? (x->team < y->team ? -1 : 1) : (x->idx < y->idx ? -1 : 1);
}

static double secs(uint64_t a, uint64_t b)
{
    return (double)(b - a) / 1e9;
}

int main(int argc, char **argv)
{
    struct hk_mail_config cfg = {0};
    struct hk_mail_smtp *s = NULL;
    struct hk_errmsg m = {{0}};
    struct item *items;
    struct hk_mail_row *rows, *grouped;
    char(*obs)[16];
    size_t n, t, sent = 0, bytes = 0;
    uint64_t t0, t1, t_build = 0, t_send = 0;
    int xarf;

    if (argc < 4)
        return fprintf(stderr, "usage: notify_bench URL N T [xarf] [GNUPGHOME KEY]\n"), 2;
    n = strtoul(argv[2], NULL, 10);
    t = strtoul(argv[3], NULL, 10);
    xarf = argc > 4 && atoi(argv[4]);
    (void)hk_core_init();
    hk_mail_init();
    cfg.from = "Example CSIRT <csirt@example.net>";
    cfg.org = "Example CSIRT";
    cfg.org_domain = "example.net";
    cfg.smtp_url = argv[1];
    if (argc > 6) {
        cfg.gnupghome = argv[5];
        cfg.sign_key = argv[6];
    }
    items = hk_xcalloc(n, sizeof(*items));
    rows = hk_xcalloc(n, sizeof(*rows));
    grouped = hk_xcalloc(n, sizeof(*grouped));
    obs = hk_xcalloc(n, sizeof(*obs));
    srand(7);
    for (size_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)rand() ^ ((uint32_t)rand() << 16);

        (void)snprintf(obs[i], sizeof(obs[i]), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
                       (a >> 8) & 255, a & 255);
        rows[i] = (struct hk_mail_row){obs[i], 1795000000 + (int64_t)(i % 86400), 445, "tcp", NULL};
        items[i] = (struct item){(uint32_t)((size_t)rand() % t), (uint32_t)i};
    }
    if (hk_mail_smtp_new(&cfg, &s))
        return fprintf(stderr, "bad url %s\n", argv[1]), 1;
    t0 = hk_mono_ns();
    /* Group: sort by team, then copy each team's rows contiguously. */
    qsort(items, n, sizeof(*items), by_team);
    for (size_t i = 0; i < n; i++)
        grouped[i] = rows[items[i].idx];
    t1 = hk_mono_ns();
    printf("group: %.3f s\n", secs(t0, t1));
    {
        struct pool p = {0};
        pthread_t tid[64];
        long nt = getenv("HK_THREADS") ? atol(getenv("HK_THREADS")) : sysconf(_SC_NPROCESSORS_ONLN);

        if (nt < 1)
            nt = 1;
        if (nt > 64)
            nt = 64;
        p.jobs = hk_xcalloc(t ? t : 1, sizeof(*p.jobs));
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && items[j].team == items[i].team)
                j++;
            p.jobs[p.njobs++] = (struct job){.first = i, .count = j - i, .team = items[i].team};
            i = j;
        }
        p.cfg = &cfg;
        p.grouped = grouped;
        p.xarf = xarf;
        for (long w = 0; w < nt; w++)
            pthread_create(&tid[w], NULL, builder, &p);
        /* Submit in order as each message becomes ready. */
        for (size_t k = 0; k < p.njobs; k++) {
            struct job *jb = &p.jobs[k];
            struct hk_mail_result res;
            uint64_t b, c;
            int st;

            b = hk_mono_ns();
            while (!(st = atomic_load(&jb->ready)))
                sched_yield();
            if (st < 0)
                return 1;
            c = hk_mono_ns();
            if (hk_mail_smtp_send(s, &jb->msg, &res, &m))
                return fprintf(stderr, "send: %s\n", m.text), 1;
            t_send += hk_mono_ns() - c;
            t_build += jb->build_ns;
            (void)b;
            bytes += jb->msg.len;
            sent++;
            hk_mail_msg_release(&jb->msg);
        }
        for (long w = 0; w < nt; w++)
            pthread_join(tid[w], NULL);
        printf("builder threads: %ld\n", nt);
        free(p.jobs);
    }
    t1 = hk_mono_ns();
    hk_mail_smtp_free(s);
    printf("messages: %zu, addresses: %zu, bytes: %zu (%.1f KiB/message)\n", sent, n, bytes,
           (double)bytes / (double)sent / 1024.0);
    printf("render+MIME%s: %.3f s of thread time, SMTP: %.3f s\n", cfg.sign_key ? "+sign" : "",
           (double)t_build / 1e9, (double)t_send / 1e9);
    printf("total: %.3f s (%.0f messages/s)\n", secs(t0, t1), (double)sent / secs(t0, t1));
    free(items);
    free(rows);
    free(grouped);
    free(obs);
    return 0;
}
