/* SPDX-License-Identifier: MIT */
/*
 * Driver of bench/notify.sh: N affected addresses (random IPv4, each with a time, port and
 * protocol) belonging to T teams are grouped by team (a sort of row indices by team, as the
 * lead's "notify" will do after routing), then one message per team is rendered from the
 * shipped templates (alternately English and Japanese), built as MIME with a CSV
 * attachment (optionally X-ARF too, optionally PGP-signed), and submitted to the SMTP
 * server at URL through one libcurl session. Prints the phases' wall-clock times.
 *
 * Usage: notify_bench URL N T [xarf 0|1] [GNUPGHOME KEY]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/mail.h"

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
    for (size_t i = 0; i < n;) {
        size_t j = i;
        char to[64], name[32];
        struct hk_mail_notice no = {0};
        struct hk_mail_recipient r = {0};
        struct hk_mail_msg msg;
        struct hk_mail_result res;
        uint64_t a, b, c;

        while (j < n && items[j].team == items[i].team)
            j++;
        (void)snprintf(name, sizeof(name), "Team %u", items[i].team);
        (void)snprintf(to, sizeof(to), "Team %u <cert@team%u.example>", items[i].team,
                       items[i].team);
        no.kind = HK_MAIL_NOTIFY;
        no.lang = items[i].team % 2 ? "ja" : "en";
        no.ticket = 1000 + items[i].team;
        no.team_name = name;
        no.team_tz = items[i].team % 2 ? "Asia/Tokyo" : "Europe/Berlin";
        no.title = "Worm-like scanning of 445/tcp";
        no.rsit_class = "information-gathering";
        no.rsit_type = "scanner";
        no.tlp = "AMBER";
        no.rows = grouped + i;
        no.nrows = j - i;
        no.formats = HK_MAIL_ATTACH_CSV | (xarf ? HK_MAIL_ATTACH_XARF : 0);
        r.to = to;
        a = hk_mono_ns();
        if (hk_mail_notice_build(&cfg, &r, &no, &msg, &m))
            return fprintf(stderr, "build: %s\n", m.text), 1;
        b = hk_mono_ns();
        if (hk_mail_smtp_send(s, &msg, &res, &m))
            return fprintf(stderr, "send: %s\n", m.text), 1;
        c = hk_mono_ns();
        t_build += b - a;
        t_send += c - b;
        bytes += msg.len;
        sent++;
        hk_mail_msg_release(&msg);
        i = j;
    }
    t1 = hk_mono_ns();
    hk_mail_smtp_free(s);
    printf("messages: %zu, addresses: %zu, bytes: %zu (%.1f KiB/message)\n", sent, n, bytes,
           (double)bytes / (double)sent / 1024.0);
    printf("render+MIME%s: %.3f s, SMTP: %.3f s\n", cfg.sign_key ? "+sign" : "",
           (double)t_build / 1e9, (double)t_send / 1e9);
    printf("total: %.3f s (%.0f messages/s)\n", secs(t0, t1), (double)sent / secs(t0, t1));
    free(items);
    free(rows);
    free(grouped);
    free(obs);
    return 0;
}
