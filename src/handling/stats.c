/* SPDX-License-Identifier: MIT */
/*
 * Statistics for the web UI and `hikeshi stats`: report and incident counts per year,
 * month, ISO week or day, optionally grouped by RSIT class, team or source, read from the
 * per-day counters that triggers keep in the same transaction as every change
 * (008_webui.sql), so a chart over a million rows reads a few thousand counter rows; the
 * summary (time to first response and to resolution, mean and median, SLA compliance);
 * the dashboard; CSV output. Times are bucketed in UTC. Every figure counts only what the
 * caller may read (TLP, access.c): the counters count everything, and what TLP hides from
 * a caller who is not admin (stats_hidden.c) is taken out of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"
#include "hikeshi/webui.h"

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ---- */

static void civil(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    *y = yoe + era * 400;
    doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    if (*m <= 2)
        (*y)++;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Writes n digits of v (zero-padded) at p; returns the end. No snprintf: charts and series
 * label thousands of buckets per call. */
static char *digits(char *p, int64_t v, int n)
{
    if (v < 0)
        v = 0;
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

void hk_stats_bucket(enum hk_stats_by by, int64_t t, char out[16])
{
    int64_t day = floor_div(t, 86400), y;
    int m, d;
    char *p = out;

    if (by == HK_BY_WEEK) {
        /* ISO 8601 week: the week (Monday first) belongs to the year of its Thursday. */
        int64_t wd = ((day + 3) % 7 + 7) % 7; /* 0 = Monday */
        int64_t th = day - wd + 3;
        civil(th, &y, &m, &d);
        p = digits(p, y % 10000, 4);
        *p++ = '-';
        *p++ = 'W';
        p = digits(p, (th - days_from_civil(y, 1, 1)) / 7 + 1, 2);
        *p = '\0';
        return;
    }
    civil(day, &y, &m, &d);
    p = digits(p, y % 10000, 4);
    if (by != HK_BY_YEAR) {
        *p++ = '-';
        p = digits(p, m, 2);
    }
    if (by == HK_BY_DAY) {
        *p++ = '-';
        p = digits(p, d, 2);
    }
    *p = '\0';
}

/* The first day of the bucket after the one holding day d. */
static int64_t next_bucket(enum hk_stats_by by, int64_t d)
{
    int64_t y;
    int m, dd;

    switch (by) {
    case HK_BY_DAY:
        return d + 1;
    case HK_BY_WEEK:
        return d - ((d + 3) % 7 + 7) % 7 + 7;
    case HK_BY_MONTH:
        civil(d, &y, &m, &dd);
        return m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
    case HK_BY_YEAR:
    default:
        civil(d, &y, &m, &dd);
        return days_from_civil(y + 1, 1, 1);
    }
}

hk_err hk_stats_query_parse(struct hk_stats_query *q, const char *object, const char *by,
                            const char *group, const char *from, const char *to,
                            struct hk_errmsg *em)
{
    static const char *const bys[] = {"year", "month", "week", "day"};

    q->object = "reports";
    q->by = HK_BY_YEAR;
    q->group = "none";
    q->from = q->to = 0;
    if (object && strcmp(object, "reports") && strcmp(object, "incidents"))
        return hk_errf(em, HK_EINVAL, "object must be reports or incidents");
    if (object)
        q->object = !strcmp(object, "reports") ? "reports" : "incidents";
    if (by) {
        int i;
        for (i = 0; i < 4 && strcmp(by, bys[i]); i++)
            ;
        if (i == 4)
            return hk_errf(em, HK_EINVAL, "by must be year, month, week or day");
        q->by = (enum hk_stats_by)i;
    }
    if (group) {
        if (!strcmp(group, "none") || !strcmp(group, "class"))
            q->group = !strcmp(group, "none") ? "none" : "class";
        else if (!strcmp(group, "team") && !strcmp(q->object, "incidents"))
            q->group = "team";
        else if (!strcmp(group, "source") && !strcmp(q->object, "reports"))
            q->group = "source";
        else
            return hk_errf(em, HK_EINVAL,
                           "group must be none, class, team (incidents) or source (reports)");
    }
    if (from && *from && hk_time_parse(from, &q->from))
        return hk_errf(em, HK_EINVAL, "from: not a date or time: '%.64s'", from);
    if (to && *to && hk_time_parse(to, &q->to))
        return hk_errf(em, HK_EINVAL, "to: not a date or time: '%.64s'", to);
    if (q->from && q->to && q->to <= q->from)
        return hk_errf(em, HK_EINVAL, "to must be after from");
    return HK_OK;
}

/* Day range [d0, d1) for the counters; 0/0 = open. */
static void day_range(int64_t from, int64_t to, struct hk_sqlval a[2])
{
    a[0] = from ? hk_sql_int(floor_div(from, 86400)) : hk_sql_int0(0);
    a[1] = to ? hk_sql_int(floor_div(to + 86399, 86400)) : hk_sql_int0(0);
}

struct counter_rows {
    int64_t *day;
    int64_t *n;
    char **key;
    size_t len, cap;
};

static hk_err collect(json_t *row, void *arg)
{
    struct counter_rows *r = arg;

    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->day = hk_xrealloc(r->day, r->cap * sizeof(*r->day));
        r->n = hk_xrealloc(r->n, r->cap * sizeof(*r->n));
        r->key = hk_xrealloc(r->key, r->cap * sizeof(*r->key));
    }
    r->day[r->len] = json_integer_value(json_object_get(row, "day"));
    r->n[r->len] = json_integer_value(json_object_get(row, "n"));
    r->key[r->len] = hk_xstrdup(hk_jstr(row, "key"));
    r->len++;
    return HK_OK;
}

static void counter_rows_free(struct counter_rows *r)
{
    for (size_t i = 0; i < r->len; i++)
        free(r->key[i]);
    free(r->day);
    free(r->n);
    free(r->key);
}

/* Counter rows of one object and dimension in [from, to), of period 'd', 'w' or 'm'
 * (each row named by its period's first day). */
static hk_err read_counters(struct hk_store *st, const char *object, const char *dim, int64_t from,
                            int64_t to, const char *period, struct counter_rows *r)
{
    struct hk_sqlval a[5];

    a[0] = hk_sql_text(!strcmp(object, "reports") ? "r" : "i");
    a[1] = hk_sql_text(!strcmp(dim, "none") ? "none" : dim);
    day_range(from, to, a + 2);
    a[4] = hk_sql_text(period);
    memset(r, 0, sizeof(*r));
    return hk_store_each(st, HK_Q_STAT_DAILY, a, 5, collect, r);
}

/* True when t (0: open) is the first second of a week ('w') or month ('m'), UTC. */
static bool aligned(int64_t t, char period)
{
    int64_t day = floor_div(t, 86400), y;
    int m, d;

    if (!t)
        return true;
    if (t % 86400)
        return false;
    if (period == 'w')
        return ((day + 3) % 7 + 7) % 7 == 0;
    civil(day, &y, &m, &d);
    return d == 1;
}

/* The coarsest counters that give exact buckets for this query. */
static const char *period_for(enum hk_stats_by by, int64_t from, int64_t to)
{
    if (by == HK_BY_WEEK && aligned(from, 'w') && aligned(to, 'w'))
        return "w";
    if ((by == HK_BY_MONTH || by == HK_BY_YEAR) && aligned(from, 'm') && aligned(to, 'm'))
        return "m";
    return "d";
}

static const char *group_label(const char *group, const char *key)
{
    if (*key)
        return key;
    if (!strcmp(group, "class"))
        return "(unclassified)";
    return "(none)";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of the bucket holding day d: the last start <= d (bday ascending, bday[0] <= d). */
static size_t bucket_of(const int64_t *bday, size_t nb, int64_t d)
{
    size_t lo = 0, hi = nb;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (bday[mid] <= d)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The first day of the counter period ('d', 'w' ISO week, 'm' month) holding day d. */
static int64_t period_start(char period, int64_t d)
{
    int64_t y;
    int m, dd;

    if (period == 'w')
        return d - ((d + 3) % 7 + 7) % 7;
    if (period == 'm') {
        civil(d, &y, &m, &dd);
        return days_from_civil(y, m, 1);
    }
    return d;
}

/* One key's counter points (period first day, count), in day order. */
struct point {
    int64_t day, n;
};
struct key_pts {
    const char *key;
    struct point *p;
    size_t len;
};

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;

    return x->day < y->day ? -1 : x->day > y->day;
}

static void parse_points(const char *s, struct key_pts *k)
{
    size_t cap = 0;
    bool sorted = true;

    for (const char *p = s; *p;) {
        char *end;
        int64_t d = strtoll(p, &end, 10), n = *end == ':' ? strtoll(end + 1, &end, 10) : 0;
        if (k->len == cap) {
            cap = cap ? cap * 2 : 16;
            k->p = hk_xrealloc(k->p, cap * sizeof(*k->p));
        }
        sorted = sorted && (!k->len || k->p[k->len - 1].day < d);
        k->p[k->len].day = d;
        k->p[k->len++].n = n;
        p = strchr(end, ',');
        p = p ? p + 1 : "";
    }
    if (!sorted)
        qsort(k->p, k->len, sizeof(*k->p), cmp_point);
}

/* Takes n hidden rows (key, creation day) out of the points. */
static void take_out(struct key_pts *kp, size_t nk, const char *key, char period, int64_t day,
                     int64_t n)
{
    int64_t pd = period_start(period, day);

    for (size_t k = 0; k < nk; k++) {
        size_t lo = 0, hi;
        if (strcmp(kp[k].key, key))
            continue;
        hi = kp[k].len;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (kp[k].p[mid].day < pd)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < kp[k].len && kp[k].p[lo].day == pd)
            kp[k].p[lo].n -= n;
        return;
    }
}

hk_err hk_stats_series(struct hk_ctx *ctx, const struct hk_stats_query *q, json_t **out)
{
    static const char *const bys[] = {"year", "month", "week", "day"};
    struct hk_sqlval a[5];
    json_t *buckets = json_array(), *series = json_array(), *rows = NULL, *hrows = NULL;
    char label[16];
    size_t nb = 0, nk = 0, nrows = 0;
    int64_t d0, d1, lo = INT64_MAX, hi = INT64_MIN, *m = NULL, *bday = NULL;
    bool total = !strcmp(q->group, "none"), reports = !strcmp(q->object, "reports");
    const char *period = period_for(q->by, q->from, q->to);
    struct key_pts *kp = NULL;
    struct hk_hidden h = {0};
    hk_err err;

    if (!hk_is_staff(ctx)) {
        err = hk_errf(ctx->em, HK_EPERM, "statistics need the handler or admin role");
        goto done;
    }
    /* One row per key: its points "day:n,..." (day: the first day of a day, week or month
     * counter, the coarsest that gives exact buckets for this range). */
    a[0] = hk_sql_text(reports ? "r" : "i");
    a[1] = hk_sql_text(q->group);
    day_range(q->from, q->to, a + 2);
    a[4] = hk_sql_text(period);
    if ((err = hk_store_rows(ctx->st, HK_Q_STAT_DAILY_PACKED, a, 5, &rows)))
        goto done;
    /* What the caller may not read, over the same whole days as the counters: reports
     * row by row, incidents counted per key and day by the store. */
    if (reports)
        err = hk_hidden_load(ctx, q->from ? floor_div(q->from, 86400) * 86400 : 0,
                             q->to ? floor_div(q->to + 86399, 86400) * 86400 : 0, 0,
                             HK_HIDDEN_REPORTS, &h);
    else
        err =
            hk_hidden_packed(ctx, q->from ? floor_div(q->from, 86400) * 86400 : 0,
                             q->to ? floor_div(q->to + 86399, 86400) * 86400 : 0, q->group, &hrows);
    if (err)
        goto done;
    nrows = json_array_size(rows);
    kp = hk_xcalloc(nrows ? nrows : 1, sizeof(*kp));
    for (size_t k = 0; k < nrows; k++) {
        kp[k].key = hk_jstr(json_array_get(rows, k), "key");
        parse_points(hk_jstr(json_array_get(rows, k), "pts"), &kp[k]);
    }
    for (size_t i = 0; i < json_array_size(hrows); i++) {
        struct key_pts hp = {0};
        const char *key = hk_jstr(json_array_get(hrows, i), "key");
        parse_points(hk_jstr(json_array_get(hrows, i), "pts"), &hp);
        for (size_t j = 0; j < hp.len; j++)
            take_out(kp, nrows, key, *period, hp.p[j].day, hp.p[j].n);
        free(hp.p);
    }
    for (size_t i = 0; i < h.nrep; i++)
        take_out(kp, nrows, hk_hidden_rep_key(&h.rep[i], q->group), *period,
                 floor_div(h.rep[i].received_at, 86400), 1);
    /* Keys with something left, and the span of their points. */
    for (size_t k = 0; k < nrows; k++) {
        bool any = false;
        for (size_t j = 0; j < kp[k].len; j++) {
            int64_t d = kp[k].p[j].day;
            if (!kp[k].p[j].n)
                continue;
            any = true;
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        if (any)
            kp[nk++] = kp[k];
        else
            free(kp[k].p);
    }
    /* The bucket span: the requested range, else the data's first to last day. */
    d0 = q->from ? floor_div(q->from, 86400) : (nk ? lo : 0);
    d1 = q->to ? floor_div(q->to - 1, 86400) : (nk ? hi : -1);
    if (d1 - d0 > 200000) {
        err = hk_errf(ctx->em, HK_EINVAL, "range too long (at most 200,000 days)");
        goto done;
    }
    /* Buckets in time order: the first day of each (the first may start mid-bucket). */
    for (int64_t d = d0; d <= d1; d = next_bucket(q->by, d)) {
        bday = hk_xrealloc(bday, (nb + 1) * sizeof(*bday));
        bday[nb++] = d;
        hk_stats_bucket(q->by, d * 86400, label);
        json_array_append_new(buckets, json_string(label));
    }
    m = hk_xcalloc((total ? 1 : (nk ? nk : 1)) * (nb ? nb : 1), sizeof(*m));
    for (size_t k = 0; k < nk && nb; k++) {
        int64_t *row = m + (total ? 0 : k) * nb;
        for (size_t j = 0; j < kp[k].len; j++) {
            int64_t d = kp[k].p[j].day;
            if (d >= bday[0] && d <= d1)
                row[bucket_of(bday, nb, d)] += kp[k].p[j].n;
        }
    }
    for (size_t k = 0; k < (total ? 1 : nk); k++) {
        json_t *vals = json_array();
        for (size_t b = 0; b < nb; b++)
            json_array_append_new(vals, json_integer(m[k * nb + b]));
        json_array_append_new(series, json_pack("{s:s, s:o}", "name",
                                                total ? "total" : group_label(q->group, kp[k].key),
                                                "values", vals));
    }
    *out = json_pack("{s:s, s:s, s:s, s:O, s:O}", "object", q->object, "by", bys[q->by], "group",
                     q->group, "buckets", buckets, "series", series);
done:
    for (size_t k = 0; k < nk; k++)
        free(kp[k].p);
    free(kp);
    hk_hidden_free(&h);
    free(m);
    free(bday);
    json_decref(hrows);
    json_decref(rows);
    json_decref(buckets);
    json_decref(series);
    return err;
}

/* Moves the k-th smallest of v[0..n) to v[k] (Hoare's selection), smaller ones before. */
static void select_kth(int64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;

    while (lo < hi) {
        int64_t pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                int64_t t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

double hk_stats_median(int64_t *v, size_t n)
{
    int64_t a, b;

    if (!n)
        return 0;
    select_kth(v, n, (n - 1) / 2);
    a = v[(n - 1) / 2];
    if (n % 2)
        return (double)a;
    b = v[n / 2];
    for (size_t i = n / 2; i < n; i++)
        if (v[i] < b)
            b = v[i];
    return ((double)a + (double)b) / 2.0;
}

/* Lower bound of histogram bucket b (008_webui.sql: minutes below 1 h, 15 minutes below
 * 1 day, 6 hours below 30 days, then weeks). */
static int64_t bucket_lo(int64_t b)
{
    if (b < 60)
        return b * 60;
    if (b < 156)
        return (b - 60) * 900;
    if (b < 276)
        return (b - 156) * 21600;
    return (b - 276) * 604800;
}

/* The histogram bucket of a duration (the CASE of 008_webui.sql). */
static int64_t hist_bucket(int64_t d)
{
    if (d < 3600)
        return d / 60;
    if (d < 86400)
        return 60 + d / 900;
    if (d < 2592000)
        return 156 + d / 21600;
    return 276 + d / 604800;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Removes from v[0..*n) one element equal to each of hv[0..nh) (a multiset difference; the
 * order of v changes): an open-addressing table of the hidden values and their counts. */
static void drop_values(int64_t *v, size_t *n, const int64_t *hv, size_t nh)
{
    size_t cap = 16, w = 0;
    int64_t *key;
    size_t *cnt;
    bool *used;

    while (cap < 2 * nh)
        cap <<= 1;
    key = hk_xcalloc(cap, sizeof(*key));
    cnt = hk_xcalloc(cap, sizeof(*cnt));
    used = hk_xcalloc(cap, sizeof(*used));
    for (size_t i = 0; i < nh; i++) {
        size_t s = (size_t)(((uint64_t)hv[i] * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
        while (used[s] && key[s] != hv[i])
            s = (s + 1) & (cap - 1);
        used[s] = true;
        key[s] = hv[i];
        cnt[s]++;
    }
    for (size_t i = 0; i < *n; i++) {
        size_t s = (size_t)(((uint64_t)v[i] * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
        while (used[s] && key[s] != v[i])
            s = (s + 1) & (cap - 1);
        if (used[s] && cnt[s]) {
            cnt[s]--;
            continue;
        }
        v[w++] = v[i];
    }
    *n = w;
    free(key);
    free(cnt);
    free(used);
}

/*
 * The median of one kind of duration ('f' or 'r'). Over everything: the histogram names
 * the bucket holding the middle and only that bucket is walked. Over a date range: the
 * range's durations are read by creation time and the middle selected in memory. The
 * incidents h hides from the caller are left out of both: their buckets out of the
 * histogram's counts and their ids out of the walk; one of each of their values out of the
 * range's durations (n is the count without them).
 */
static hk_err median_of(struct hk_ctx *ctx, const char *kind, const struct hk_sqlval range[2],
                        int64_t n, const struct hk_hidden *h, double *median)
{
    struct hk_sqlval k = hk_sql_text(kind), ids;
    struct hk_buf hid = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    int64_t *hb = NULL; /* the hidden durations' histogram buckets, ascending */
    int64_t *hv = NULL; /* the hidden durations */
    size_t nh = 0;
    json_t *rows = NULL;
    hk_err err = HK_OK;

    *median = 0;
    if (n <= 0)
        return HK_OK;
    /* The hidden rows of this kind: left out of the walk by id (a JSON array). */
    for (size_t i = 0; i < h->ninc; i++) {
        const struct hk_hidden_inc *e = &h->inc[i];
        bool f = *kind == 'f';
        if (f ? !hk_hidden_counts_f(e) : !hk_hidden_counts_r(e))
            continue;
        hb = hk_xrealloc(hb, (nh + 1) * sizeof(*hb));
        hv = hk_xrealloc(hv, (nh + 1) * sizeof(*hv));
        hv[nh] = f ? e->first_response_at - e->created_at : e->resolved_at - e->created_at;
        hb[nh] = hist_bucket(hv[nh]);
        nh++;
        err = hk_buf_appendf(&hid, "%c%lld", nh == 1 ? '[' : ',', (long long)e->id);
    }
    if (!err && nh)
        err = hk_buf_appendc(&hid, ']');
    if (err)
        goto done;
    ids = nh ? hk_sql_text(hid.buf) : hk_sql_int0(0);
    if (nh > 1)
        qsort(hb, nh, sizeof(*hb), cmp_i64);
    if (range[0].t == HK_SQL_NULL && range[1].t == HK_SQL_NULL) {
        int64_t want = (n - 1) / 2, before = 0, b = 0, v[2] = {0, 0};
        size_t got = 0, j = 0;
        if ((err = hk_store_rows(ctx->st, HK_Q_STAT_DUR_HIST, &k, 1, &rows)))
            goto done;
        for (size_t i = 0; i < json_array_size(rows); i++) {
            int64_t c = json_integer_value(json_object_get(json_array_get(rows, i), "n"));
            b = json_integer_value(json_object_get(json_array_get(rows, i), "b"));
            for (; j < nh && hb[j] <= b; j++)
                c -= hb[j] == b;
            if (before + c > want)
                break;
            before += c;
        }
        json_decref(rows);
        rows = NULL;
        if (b <= 0)
            before = 0;
        err = hk_store_rows(ctx->st, HK_Q_STAT_DUR_MEDIAN_FROM,
                            HK_SQL_ARGS(k, b <= 0 ? hk_sql_int0(0) : hk_sql_int(bucket_lo(b)),
                                        hk_sql_int(want - before), ids),
                            &rows);
        if (err)
            goto done;
        for (size_t i = 0; i < json_array_size(rows) && i < 2; i++)
            v[got++] = json_integer_value(json_object_get(json_array_get(rows, i), "d"));
        *median = n % 2 || got < 2 ? (double)v[0] : ((double)v[0] + (double)v[1]) / 2.0;
    } else {
        /* Every duration of the range, the hidden ones too (an exclusion per row in SQL
         * cost 0.2 s over ten years); one of each hidden value is then dropped. */
        size_t cap = (size_t)n + nh + 16, got = 0;
        int64_t *v = hk_xmalloc(cap * sizeof(*v));
        err = hk_store_ids(ctx->st, HK_Q_STAT_DUR_RANGE, HK_SQL_ARGS(k, range[0], range[1]), v, cap,
                           &got);
        if (!err && nh)
            drop_values(v, &got, hv, nh);
        if (!err)
            *median = hk_stats_median(v, got);
        free(v);
    }
done:
    json_decref(rows);
    free(hb);
    free(hv);
    hk_buf_release(&hid);
    return err;
}

/* Were the counters made with the process's first-response targets? */
static bool targets_counted(struct hk_ctx *ctx)
{
    static const char *const sev[] = {"low", "medium", "high", "critical"};
    json_t *m = NULL, *t;
    bool same;

    if (hk_store_row(ctx->st, HK_Q_META_GET, HK_SQL_ARGS(hk_sql_text("sla_first_response")), &m))
        return false;
    t = json_loads(hk_jstr(m, "value"), 0, NULL);
    same = t != NULL;
    for (int i = 0; i < 4 && same; i++)
        same = json_integer_value(json_object_get(t, sev[i])) == ctx->cfg->sla_first_response[i];
    json_decref(t);
    json_decref(m);
    return same;
}

hk_err hk_stats_sla_sync(struct hk_store *st, const struct hk_config *cfg, bool *recounted,
                         struct hk_errmsg *em)
{
    struct hk_principal sys = {0, HK_ROLE_ADMIN, "system", "", 0};
    const int64_t *t = cfg->sla_first_response;
    struct hk_ctx ctx;
    char v[160];
    hk_err err;

    *recounted = false;
    hk_ctx_init(&ctx, st, &sys, cfg, em);
    if ((err = hk_ctx_begin(&ctx, true)))
        goto out;
    if (targets_counted(&ctx)) {
        hk_ctx_rollback(&ctx);
        goto out;
    }
    (void)snprintf(v, sizeof(v), "{\"low\":%lld,\"medium\":%lld,\"high\":%lld,\"critical\":%lld}",
                   (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3]);
    if ((err =
             hk_store_exec(st, HK_Q_META_SET,
                           HK_SQL_ARGS(hk_sql_text("sla_first_response"), hk_sql_text(v)), NULL)) ||
        (err = hk_store_exec(st, HK_Q_STAT_DUR_RESET, NULL, 0, NULL)) ||
        (err = hk_store_exec(
             st, HK_Q_STAT_DUR_FILL,
             HK_SQL_ARGS(hk_sql_int(t[0]), hk_sql_int(t[1]), hk_sql_int(t[2]), hk_sql_int(t[3])),
             NULL))) {
        hk_ctx_rollback(&ctx);
        goto out;
    }
    err = hk_ctx_commit(&ctx);
    *recounted = !err;
out:
    hk_ctx_release(&ctx);
    return err;
}

/* 0..3 for low..critical, -1 for anything else. */
static int sev_index(const char *s)
{
    static const char *const sev[] = {"low", "medium", "high", "critical"};

    for (int i = 0; i < 4; i++)
        if (!strcmp(sev[i], s))
            return i;
    return -1;
}

/* Counted by HK_Q_STAT_SLA_WAITING: open, unanswered and past its severity's target. */
static bool waiting_past_target(const struct hk_hidden_inc *e, int64_t now, const int64_t *t)
{
    int sv = sev_index(e->severity);

    return !e->has_fr && strcmp(e->state, "resolved") && strcmp(e->state, "abandoned") && sv >= 0 &&
           e->created_at < now - t[sv];
}

/* Sums counters by key into obj[key][field] (monthly counters when the range allows). */
static hk_err sum_by_key(struct hk_ctx *ctx, const char *object, const char *dim, int64_t from,
                         int64_t to, const char *field, json_t *obj, const struct hk_hidden *h)
{
    struct hk_sqlval a[5];
    json_t *rows = NULL, *minus = json_object();
    bool reports = !strcmp(object, "reports");
    hk_err err;

    a[0] = hk_sql_text(reports ? "r" : "i");
    a[1] = hk_sql_text(dim);
    day_range(from, to, a + 2);
    a[4] = hk_sql_text(aligned(from, 'm') && aligned(to, 'm') ? "m" : "d");
    if ((err = hk_store_rows(ctx->st, HK_Q_STAT_DAILY_SUM, a, 5, &rows)))
        goto done;
    /* What the caller may not read, per key (h holds the same days as the counters). */
    for (size_t i = 0; i < (reports ? h->nrep : h->ninc); i++) {
        const char *k =
            reports ? hk_hidden_rep_key(&h->rep[i], dim) : hk_hidden_inc_key(&h->inc[i], dim);
        json_object_set_new(minus, k,
                            json_integer(json_integer_value(json_object_get(minus, k)) + 1));
    }
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        const char *k = group_label(dim, hk_jstr(r, "key"));
        json_t *e = json_object_get(obj, k);
        json_int_t n = json_integer_value(json_object_get(r, "n")) -
                       json_integer_value(json_object_get(minus, hk_jstr(r, "key")));
        if (!n)
            continue;
        if (!e) {
            e = json_object();
            json_object_set_new(obj, k, e);
        }
        json_object_set_new(e, field,
                            json_integer(json_integer_value(json_object_get(e, field)) + n));
    }
done:
    json_decref(minus);
    json_decref(rows);
    return err;
}

static json_t *keyed_list(json_t *obj, const char *name, const char *const fields[])
{
    json_t *arr = json_array();
    const char **keys = NULL;
    size_t n = 0;
    const char *k;
    json_t *v;

    json_object_foreach(obj, k, v)
    {
        keys = hk_xrealloc(keys, (n + 1) * sizeof(*keys));
        keys[n++] = k;
    }
    if (n)
        qsort(keys, n, sizeof(*keys), cmp_str);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_pack("{s:s}", name, keys[i]), *src = json_object_get(obj, keys[i]);
        for (size_t f = 0; fields[f]; f++)
            json_object_set_new(e, fields[f],
                                json_integer(json_integer_value(json_object_get(src, fields[f]))));
        json_array_append_new(arr, e);
    }
    free(keys);
    return arr;
}

hk_err hk_stats_summary(struct hk_ctx *ctx, int64_t from, int64_t to, json_t **out)
{
    static const char *const rc_fields[] = {"reports", "incidents", NULL};
    static const char *const i_fields[] = {"incidents", NULL};
    static const char *const r_fields[] = {"reports", NULL};
    /* Whole UTC days, like the counters: [d0, d1). */
    int64_t d0 = from ? floor_div(from, 86400) : 0, d1 = to ? floor_div(to + 86399, 86400) : 0;
    struct hk_sqlval days[2] = {from ? hk_sql_int(d0) : hk_sql_int0(0),
                                to ? hk_sql_int(d1) : hk_sql_int0(0)};
    struct hk_sqlval range[2] = {from ? hk_sql_int(d0 * 86400) : hk_sql_int0(0),
                                 to ? hk_sql_int(d1 * 86400) : hk_sql_int0(0)};
    const int64_t *t = ctx->cfg->sla_first_response;
    json_t *dur = NULL, *cls = json_object(), *team = json_object(), *src = json_object(),
           *tot = json_object();
    int64_t nf = 0, sf = 0, nr = 0, sr = 0, met = 0, waiting = 0, nrep, ninc;
    double mf = 0, mr = 0;
    struct hk_hidden h = {0};
    hk_err err;

    if (!hk_is_staff(ctx)) {
        err = hk_errf(ctx->em, HK_EPERM, "statistics need the handler or admin role");
        goto done;
    }
    if ((err = hk_store_rows(ctx->st, HK_Q_STAT_DURATIONS, days, 2, &dur)) ||
        (err = hk_hidden_load(ctx, from ? d0 * 86400 : 0, to ? d1 * 86400 : 0, 0,
                              HK_HIDDEN_INCIDENTS | HK_HIDDEN_REPORTS, &h)))
        goto done;
    for (size_t i = 0; i < json_array_size(dur); i++) {
        json_t *e = json_array_get(dur, i);
        int64_t n = json_integer_value(json_object_get(e, "n"));
        int64_t sum = json_integer_value(json_object_get(e, "total"));
        if (!strcmp(hk_jstr(e, "kind"), "f")) {
            nf += n;
            sf += sum;
            met += json_integer_value(json_object_get(e, "met"));
        } else {
            nr += n;
            sr += sum;
        }
    }
    /* Other targets than the counted ones (a CLI with HIKESHI_SLA, say): count afresh. */
    if (!targets_counted(ctx) &&
        (err = hk_store_scalar(ctx->st, HK_Q_STAT_SLA_MET_SCAN,
                               HK_SQL_ARGS(range[0], range[1], hk_sql_int(t[0]), hk_sql_int(t[1]),
                                           hk_sql_int(t[2]), hk_sql_int(t[3])),
                               &met)))
        goto done;
    if ((err = hk_store_scalar(ctx->st, HK_Q_STAT_SLA_WAITING,
                               HK_SQL_ARGS(hk_sql_int(ctx->now), hk_sql_int(t[0]), hk_sql_int(t[1]),
                                           hk_sql_int(t[2]), hk_sql_int(t[3]), range[0], range[1]),
                               &waiting)))
        goto done;
    /* The incidents the caller may not read leave the durations and the SLA figures. */
    for (size_t i = 0; i < h.ninc; i++) {
        const struct hk_hidden_inc *e = &h.inc[i];
        int sv = sev_index(e->severity);
        if (hk_hidden_counts_f(e)) {
            nf--;
            sf -= e->first_response_at - e->created_at;
            met -= sv >= 0 && e->first_response_at - e->created_at <= t[sv];
        }
        if (hk_hidden_counts_r(e)) {
            nr--;
            sr -= e->resolved_at - e->created_at;
        }
        waiting -= waiting_past_target(e, ctx->now, t);
    }
    if ((err = median_of(ctx, "f", range, nf, &h, &mf)) ||
        (err = median_of(ctx, "r", range, nr, &h, &mr)))
        goto done;
    if ((err = sum_by_key(ctx, "reports", "none", from, to, "n", tot, &h)) ||
        (err = sum_by_key(ctx, "reports", "class", from, to, "reports", cls, &h)) ||
        (err = sum_by_key(ctx, "incidents", "class", from, to, "incidents", cls, &h)) ||
        (err = sum_by_key(ctx, "incidents", "team", from, to, "incidents", team, &h)) ||
        (err = sum_by_key(ctx, "reports", "source", from, to, "reports", src, &h)))
        goto done;
    nrep = json_integer_value(json_object_get(json_object_get(tot, "(none)"), "n"));
    json_object_clear(tot);
    if ((err = sum_by_key(ctx, "incidents", "none", from, to, "n", tot, &h)))
        goto done;
    ninc = json_integer_value(json_object_get(json_object_get(tot, "(none)"), "n"));
    /* Breached: a late first response, or none yet on an open incident past its target. */
    *out = json_pack(
        "{s:I, s:I, s:{s:I, s:f, s:f}, s:{s:I, s:f, s:f}, s:{s:I, s:I, s:f}, s:o, s:o, s:o}",
        "reports", (json_int_t)nrep, "incidents", (json_int_t)ninc, "time_to_first_response", "n",
        (json_int_t)nf, "mean_s", nf ? (double)sf / (double)nf : 0.0, "median_s", mf,
        "time_to_resolution", "n", (json_int_t)nr, "mean_s", nr ? (double)sr / (double)nr : 0.0,
        "median_s", mr, "sla", "met", (json_int_t)met, "breached", (json_int_t)(nf - met + waiting),
        "compliance", nf + waiting ? (double)met / (double)(nf + waiting) : 1.0, "by_class",
        keyed_list(cls, "class", rc_fields), "by_team", keyed_list(team, "team", i_fields),
        "by_source", keyed_list(src, "source", r_fields));
done:
    hk_hidden_free(&h);
    json_decref(dur);
    json_decref(cls);
    json_decref(team);
    json_decref(src);
    json_decref(tot);
    return err;
}

/* ---- dashboard ---- */

static const char *const open_states[] = {"new", "triage", "analysis", "mitigation", NULL};
static const char *const severities[] = {"low", "medium", "high", "critical", NULL};

static bool in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return true;
    return false;
}

static int cmp_team(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t cx = json_integer_value(json_object_get(x, "count"));
    json_int_t cy = json_integer_value(json_object_get(y, "count"));

    if (cx != cy)
        return cx < cy ? 1 : -1;
    return strcmp(hk_jstr(x, "team"), hk_jstr(y, "team"));
}

hk_err hk_dashboard(struct hk_ctx *ctx, json_t **out)
{
    const int64_t *t = ctx->cfg->sla_first_response;
    json_t *counts = NULL, *by_state = json_object(), *by_sev = json_object(),
           *by_team = json_object(), *teams = json_array(), *over = NULL, *breaches = json_array(),
           *queue = NULL, *triage = json_array(), *per_day = json_array(), *tmp;
    struct counter_rows r = {0};
    int64_t nbreach = 0, nqueue = 0, today = floor_div(ctx->now, 86400);
    json_t **tv = NULL;
    size_t ntv = 0, i;
    const char *k;
    struct hk_hidden h = {0};
    hk_err err;

    if (!hk_is_staff(ctx)) {
        err = hk_errf(ctx->em, HK_EPERM, "the dashboard needs the handler or admin role");
        goto done;
    }
    for (i = 0; open_states[i]; i++)
        json_object_set_new(by_state, open_states[i], json_integer(0));
    for (i = 0; severities[i]; i++)
        json_object_set_new(by_sev, severities[i], json_integer(0));
    if ((err = hk_store_rows(ctx->st, HK_Q_STAT_INCIDENT_COUNTS, NULL, 0, &counts)) ||
        (err = hk_hidden_load(ctx, 0, 0, (today - 29) * 86400,
                              HK_HIDDEN_INCIDENTS | HK_HIDDEN_REPORTS, &h)))
        goto done;
    for (i = 0; i < json_array_size(counts); i++) {
        json_t *c = json_array_get(counts, i);
        const char *st = hk_jstr(c, "state"), *sv = hk_jstr(c, "severity");
        json_int_t n = json_integer_value(json_object_get(c, "n"));
        if (!in_list(open_states, st))
            continue;
        json_object_set_new(by_state, st,
                            json_integer(json_integer_value(json_object_get(by_state, st)) + n));
        if (in_list(severities, sv))
            json_object_set_new(by_sev, sv,
                                json_integer(json_integer_value(json_object_get(by_sev, sv)) + n));
        k = hk_jstr(c, "team");
        json_object_set_new(by_team, k,
                            json_integer(json_integer_value(json_object_get(by_team, k)) + n));
    }
    /* Open incidents the caller may not read are not counted. */
    for (i = 0; i < h.ninc; i++) {
        const char *st = h.inc[i].state, *sv = h.inc[i].severity;
        if (!in_list(open_states, st))
            continue;
        json_object_set_new(by_state, st,
                            json_integer(json_integer_value(json_object_get(by_state, st)) - 1));
        if (in_list(severities, sv))
            json_object_set_new(by_sev, sv,
                                json_integer(json_integer_value(json_object_get(by_sev, sv)) - 1));
        k = h.inc[i].team;
        json_object_set_new(by_team, k,
                            json_integer(json_integer_value(json_object_get(by_team, k)) - 1));
    }
    json_object_foreach(by_team, k, tmp)
    {
        if (json_integer_value(tmp) <= 0)
            continue;
        tv = hk_xrealloc(tv, (ntv + 1) * sizeof(*tv));
        tv[ntv++] = json_pack("{s:s, s:I}", "team", k, "count", json_integer_value(tmp));
    }
    if (ntv)
        qsort(tv, ntv, sizeof(*tv), cmp_team);
    for (i = 0; i < ntv; i++)
        json_array_append_new(teams, tv[i]);
    /* SLA breaches, oldest first, as far as the caller may read them. */
    err = hk_store_rows(ctx->st, HK_Q_STAT_SLA_BREACHES,
                        HK_SQL_ARGS(hk_sql_int(ctx->now), hk_sql_int(t[0]), hk_sql_int(t[1]),
                                    hk_sql_int(t[2]), hk_sql_int(t[3]), hk_sql_int0(0),
                                    hk_sql_int0(0), hk_sql_int(200)),
                        &over);
    if (err)
        goto done;
    for (i = 0; i < json_array_size(over) && json_array_size(breaches) < 20; i++)
        if (hk_can_read_incident(ctx, json_array_get(over, i)))
            json_array_append(breaches, json_array_get(over, i));
    if ((err = hk_store_scalar(ctx->st, HK_Q_STAT_SLA_WAITING,
                               HK_SQL_ARGS(hk_sql_int(ctx->now), hk_sql_int(t[0]), hk_sql_int(t[1]),
                                           hk_sql_int(t[2]), hk_sql_int(t[3]), hk_sql_int0(0),
                                           hk_sql_int0(0)),
                               &nbreach)))
        goto done;
    for (i = 0; i < h.ninc; i++)
        nbreach -= waiting_past_target(&h.inc[i], ctx->now, t);
    /* Reports waiting for triage, newest first. */
    if ((err =
             hk_store_rows(ctx->st, HK_Q_STAT_TRIAGE_QUEUE, HK_SQL_ARGS(hk_sql_int(50)), &queue)) ||
        (err = hk_store_scalar(ctx->st, HK_Q_STAT_TRIAGE_COUNT, NULL, 0, &nqueue)))
        goto done;
    for (i = 0; i < h.nrep; i++)
        nqueue -= h.rep[i].is_new;
    for (i = 0; i < json_array_size(queue) && json_array_size(triage) < 10; i++)
        if (hk_can_read_report(ctx, json_array_get(queue, i)))
            json_array_append(triage, json_array_get(queue, i));
    /* Incidents per day, the last 30 days (UTC), oldest first. */
    if ((err = read_counters(ctx->st, "incidents", "none", (today - 29) * 86400,
                             (today + 1) * 86400, "d", &r)))
        goto done;
    for (int64_t d = today - 29; d <= today; d++) {
        char label[16];
        int64_t n = 0;
        for (size_t j = 0; j < r.len; j++)
            if (r.day[j] == d)
                n += r.n[j];
        for (size_t j = 0; j < h.ninc; j++)
            n -= floor_div(h.inc[j].created_at, 86400) == d;
        hk_stats_bucket(HK_BY_DAY, d * 86400, label);
        json_array_append_new(per_day,
                              json_pack("{s:s, s:I}", "day", label, "count", (json_int_t)n));
    }
    *out = json_pack("{s:O, s:O, s:O, s:O, s:I, s:O, s:I, s:O}", "open_by_state", by_state,
                     "open_by_severity", by_sev, "open_by_team", teams, "sla_breaches", breaches,
                     "sla_breach_count", (json_int_t)nbreach, "triage_queue", triage,
                     "triage_queue_count", (json_int_t)nqueue, "incidents_per_day", per_day);
done:
    hk_hidden_free(&h);
    counter_rows_free(&r);
    free(tv);
    json_decref(counts);
    json_decref(by_state);
    json_decref(by_sev);
    json_decref(by_team);
    json_decref(teams);
    json_decref(over);
    json_decref(breaches);
    json_decref(queue);
    json_decref(triage);
    json_decref(per_day);
    return err;
}

/* ---- CSV ---- */

void hk_csv_field(struct hk_buf *out, const char *s)
{
    if (!s)
        s = "";
    /* A leading =, +, - or @ would be a formula in a spreadsheet: prefix a quote. */
    if (strpbrk(s, ",\"\r\n") || (*s == '=' || *s == '+' || *s == '@' ||
                                  (*s == '-' && s[1] && (s[1] < '0' || s[1] > '9')))) {
        (void)hk_buf_appendc(out, '"');
        if (*s == '=' || *s == '+' || *s == '@' || *s == '-')
            (void)hk_buf_appendc(out, '\'');
        for (; *s; s++) {
            if (*s == '"')
                (void)hk_buf_appendc(out, '"');
            (void)hk_buf_appendc(out, *s);
        }
        (void)hk_buf_appendc(out, '"');
        return;
    }
    (void)hk_buf_appends(out, s);
}

void hk_stats_series_csv(json_t *series, struct hk_buf *out)
{
    json_t *b = json_object_get(series, "buckets"), *ss = json_object_get(series, "series");

    (void)hk_buf_appends(out, "bucket");
    for (size_t k = 0; k < json_array_size(ss); k++) {
        (void)hk_buf_appendc(out, ',');
        hk_csv_field(out, hk_jstr(json_array_get(ss, k), "name"));
    }
    (void)hk_buf_appends(out, "\r\n");
    for (size_t i = 0; i < json_array_size(b); i++) {
        hk_csv_field(out, json_string_value(json_array_get(b, i)));
        for (size_t k = 0; k < json_array_size(ss); k++)
            (void)hk_buf_appendf(out, ",%lld",
                                 (long long)json_integer_value(json_array_get(
                                     json_object_get(json_array_get(ss, k), "values"), i)));
        (void)hk_buf_appends(out, "\r\n");
    }
}

static void csv_row(struct hk_buf *out, const char *section, const char *name, const char *value)
{
    hk_csv_field(out, section);
    (void)hk_buf_appendc(out, ',');
    hk_csv_field(out, name);
    (void)hk_buf_appendc(out, ',');
    hk_csv_field(out, value);
    (void)hk_buf_appends(out, "\r\n");
}

static void csv_num(struct hk_buf *out, const char *section, const char *name, json_t *v)
{
    char buf[64];

    if (json_is_integer(v))
        (void)snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
    else
        (void)snprintf(buf, sizeof(buf), "%.3f", json_number_value(v));
    csv_row(out, section, name, buf);
}

void hk_stats_summary_csv(json_t *s, struct hk_buf *out)
{
    static const char *const lists[][2] = {
        {"by_class", "class"}, {"by_team", "team"}, {"by_source", "source"}};
    static const char *const durs[] = {"time_to_first_response", "time_to_resolution"};
    json_t *sla = json_object_get(s, "sla");

    (void)hk_buf_appends(out, "section,name,value\r\n");
    csv_num(out, "total", "reports", json_object_get(s, "reports"));
    csv_num(out, "total", "incidents", json_object_get(s, "incidents"));
    for (size_t d = 0; d < 2; d++) {
        json_t *o = json_object_get(s, durs[d]);
        csv_num(out, durs[d], "n", json_object_get(o, "n"));
        csv_num(out, durs[d], "mean_s", json_object_get(o, "mean_s"));
        csv_num(out, durs[d], "median_s", json_object_get(o, "median_s"));
    }
    csv_num(out, "sla", "met", json_object_get(sla, "met"));
    csv_num(out, "sla", "breached", json_object_get(sla, "breached"));
    csv_num(out, "sla", "compliance", json_object_get(sla, "compliance"));
    for (size_t l = 0; l < 3; l++) {
        json_t *arr = json_object_get(s, lists[l][0]);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            json_t *e = json_array_get(arr, i);
            const char *k;
            json_t *v;
            char sec[64];
            json_object_foreach(e, k, v)
            {
                if (!strcmp(k, lists[l][1]))
                    continue;
                (void)snprintf(sec, sizeof(sec), "%s.%s", lists[l][0], k);
                csv_num(out, sec, hk_jstr(e, lists[l][1]), v);
            }
        }
    }
}
