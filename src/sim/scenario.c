/* SPDX-License-Identifier: MIT */
/*
 * Scenario files: a small INI dialect ([scenario], [network], [worm], [sensor NAME]; key =
 * value; '#' or ';' comments). Every key is known with its type and bounds, so a typo or an
 * impossible value fails with the line before anything runs. Cross-field checks (more
 * vulnerable hosts than addresses, a sensor without a prefix) come after the whole file.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/core.h"
#include "hikeshi/sim.h"

#define MAX_TEXT (64 * 1024)

enum sect { S_NONE, S_SCENARIO, S_NETWORK, S_WORM, S_SENSOR };

const char *hk_sim_strategy_name(enum hk_sim_strategy s)
{
    static const char *const n[] = {"sequential", "random",          "local-preference",
                                    "hybrid",     "slow-sequential", "targeted"};
    return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "unknown";
}

static int parse_strategy(const char *v, enum hk_sim_strategy *out)
{
    for (int i = 0; i <= HK_SIM_TARGETED; i++)
        if (!strcmp(v, hk_sim_strategy_name((enum hk_sim_strategy)i))) {
            *out = (enum hk_sim_strategy)i;
            return 0;
        }
    return -1;
}

static int parse_prefix(const char *s, struct hk_sim_prefix *p)
{
    unsigned a, b, c, d, len = 32;
    char tail;
    int n = sscanf(s, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &tail);

    if (n != 4 && n != 5)
        return -1;
    if (a > 255 || b > 255 || c > 255 || d > 255 || len > 32)
        return -1;
    p->len = (uint8_t)len;
    p->addr = (a << 24 | b << 16 | c << 8 | d) & (len ? ~0u << (32 - len) : 0);
    return 0;
}

static int parse_num(const char *v, double lo, double hi, double *out)
{
    char *end;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(d) || d < lo || d > hi)
        return -1;
    *out = d;
    return 0;
}

/* Parses a comma-separated prefix list into p[max]. */
static int parse_prefixes(char *v, struct hk_sim_prefix *p, int max, int *n)
{
    char *save = NULL;

    *n = 0;
    for (char *tok = strtok_r(v, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (*n >= max || parse_prefix(tok, &p[*n]))
            return -1;
        (*n)++;
    }
    return *n ? 0 : -1;
}

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Numeric keys: section, key, offset kind, bounds. */
struct numkey {
    enum sect sect;
    const char *key;
    double lo, hi;
    int kind; /* 0 double, 1 uint32, 2 uint16, 3 uint64, 4 int64 */
    size_t off;
};

#define D(s, k, lo, hi, f)                                   \
    {                                                        \
        s, k, lo, hi, 0, offsetof(struct hk_sim_scenario, f) \
    }
#define U(s, k, lo, hi, f)                                   \
    {                                                        \
        s, k, lo, hi, 1, offsetof(struct hk_sim_scenario, f) \
    }

static const struct numkey numkeys[] = {
    D(S_SCENARIO, "duration", 1, 30 * 86400.0, duration),
    D(S_SCENARIO, "step", 0.001, 3600, step),
    D(S_SCENARIO, "sample", 0.01, 86400, sample),
    {S_SCENARIO, "seed", 0, 1.8e19, 3, offsetof(struct hk_sim_scenario, seed)},
    {S_SCENARIO, "start", 0, 4102444800.0, 4, offsetof(struct hk_sim_scenario, start)},
    U(S_NETWORK, "hosts", 1, 16777216, hosts),
    U(S_NETWORK, "vulnerable", 1, HK_SIM_MAX_HOSTS, vulnerable),
    U(S_NETWORK, "clusters", 0, 65536, clusters),
    D(S_NETWORK, "link_delay", 0, 60, link_delay),
    {S_WORM, "port", 0, 65535, 2, offsetof(struct hk_sim_scenario, port)},
    D(S_WORM, "scan_rate", 0.0001, 1e6, scan_rate),
    D(S_WORM, "random_rate", 0, 1e6, random_rate),
    D(S_WORM, "exploit_time", 0, 3600, exploit_time),
    D(S_WORM, "startup", 0, 86400, startup),
    D(S_WORM, "sweep_repeat", 0, 86400, sweep_repeat),
    D(S_WORM, "start_local", 0, 1, start_local),
    D(S_WORM, "pref8", 0, 1, pref8),
    D(S_WORM, "pref16", 0, 1, pref16),
    U(S_WORM, "known_hosts", 1, 1024, known_hosts),
    U(S_WORM, "initial", 1, 1000000, initial),
    D(S_WORM, "bandwidth", 0, 1e12, bandwidth),
    D(S_WORM, "loss", 0, 0.99, loss),
};

static int set_num(struct hk_sim_scenario *sc, const struct numkey *k, double d)
{
    char *base = (char *)sc + k->off;

    switch (k->kind) {
    case 0:
        *(double *)(void *)base = d;
        break;
    case 1:
        if (d != floor(d))
            return -1;
        *(uint32_t *)(void *)base = (uint32_t)d;
        break;
    case 2:
        if (d != floor(d))
            return -1;
        *(uint16_t *)(void *)base = (uint16_t)d;
        break;
    case 3:
        if (d != floor(d))
            return -1;
        *(uint64_t *)(void *)base = (uint64_t)d;
        break;
    default:
        if (d != floor(d))
            return -1;
        *(int64_t *)(void *)base = (int64_t)d;
        break;
    }
    return 0;
}

static void defaults(struct hk_sim_scenario *sc)
{
    memset(sc, 0, sizeof(*sc));
    sc->duration = 3600;
    sc->step = 1;
    sc->sample = 10;
    sc->start = 1494575040; /* 2017-05-12T07:44:00Z, the morning WannaCry began */
    sc->seed = 1;
    sc->net = HK_SIM_LAN;
    sc->hosts = 254;
    sc->vulnerable = 1;
    sc->link_delay = 0.001;
    (void)snprintf(sc->worm, sizeof(sc->worm), "worm");
    sc->strategy = HK_SIM_RANDOM;
    sc->port = 445;
    sc->proto = 6;
    sc->scan_rate = 10;
    sc->pref8 = 0.5;
    sc->pref16 = 0.375;
    sc->known_hosts = 8;
    sc->initial = 1;
}

static hk_err set_key(struct hk_sim_scenario *sc, enum sect sect, struct hk_sim_sensor *sen,
                      const char *k, char *v, int line, struct hk_errmsg *em)
{
    double d;

    if (sect == S_SENSOR) {
        if (!strcmp(k, "prefix")) {
            if (parse_prefixes(v, sen->pfx, HK_SIM_MAX_SENSOR_PFX, &sen->npfx))
                return hk_errf(em, HK_EINVAL,
                               "line %d: prefix must be up to %d IPv4 prefixes (a.b.c.d/len)", line,
                               HK_SIM_MAX_SENSOR_PFX);
            return HK_OK;
        }
        if (!strcmp(k, "vantage")) {
            if (strcmp(v, "darknet") && strcmp(v, "tap"))
                return hk_errf(em, HK_EINVAL, "line %d: vantage must be darknet or tap", line);
            sen->tap = !strcmp(v, "tap");
            return HK_OK;
        }
        if (!strcmp(k, "until")) {
            if (parse_num(v, 0, 30 * 86400.0, &d))
                return hk_errf(em, HK_EINVAL, "line %d: until must be 0 to 2592000 seconds", line);
            sen->until = d;
            return HK_OK;
        }
        if (!strcmp(k, "replies")) {
            if (strcmp(v, "yes") && strcmp(v, "no"))
                return hk_errf(em, HK_EINVAL, "line %d: replies must be yes or no", line);
            sen->replies = !strcmp(v, "yes");
            return HK_OK;
        }
        return hk_errf(em, HK_EINVAL, "line %d: unknown key '%s' in [sensor]", line, k);
    }
    if (sect == S_SCENARIO && (!strcmp(k, "name") || !strcmp(k, "description"))) {
        char *dst = !strcmp(k, "name") ? sc->name : sc->description;
        size_t cap = !strcmp(k, "name") ? sizeof(sc->name) : sizeof(sc->description);
        if (strlen(v) >= cap)
            return hk_errf(em, HK_EINVAL, "line %d: %s is longer than %zu characters", line, k,
                           cap - 1);
        memcpy(dst, v, strlen(v) + 1);
        return HK_OK;
    }
    if (sect == S_NETWORK && !strcmp(k, "kind")) {
        if (!strcmp(v, "lan"))
            sc->net = HK_SIM_LAN;
        else if (!strcmp(v, "enterprise"))
            sc->net = HK_SIM_ENTERPRISE;
        else if (!strcmp(v, "internet"))
            sc->net = HK_SIM_INTERNET;
        else
            return hk_errf(em, HK_EINVAL, "line %d: kind must be lan, enterprise or internet",
                           line);
        return HK_OK;
    }
    if (sect == S_NETWORK && !strcmp(k, "subnets")) {
        if (parse_prefixes(v, sc->subnets, HK_SIM_MAX_SUBNETS, &sc->nsubnets))
            return hk_errf(em, HK_EINVAL, "line %d: subnets must be up to %d IPv4 prefixes", line,
                           HK_SIM_MAX_SUBNETS);
        for (int i = 0; i < sc->nsubnets; i++)
            if (sc->subnets[i].len < 16 || sc->subnets[i].len > 30)
                return hk_errf(em, HK_EINVAL, "line %d: subnets must be /16 to /30", line);
        return HK_OK;
    }
    if (sect == S_WORM && !strcmp(k, "name")) {
        if (strlen(v) >= sizeof(sc->worm))
            return hk_errf(em, HK_EINVAL, "line %d: name is too long", line);
        memcpy(sc->worm, v, strlen(v) + 1);
        return HK_OK;
    }
    if (sect == S_WORM && !strcmp(k, "strategy")) {
        if (parse_strategy(v, &sc->strategy))
            return hk_errf(em, HK_EINVAL,
                           "line %d: strategy must be sequential, random, local-preference, "
                           "hybrid, slow-sequential or targeted",
                           line);
        return HK_OK;
    }
    if (sect == S_WORM && !strcmp(k, "exploit_blocks")) {
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return hk_errf(em, HK_EINVAL, "line %d: exploit_blocks must be yes or no", line);
        sc->exploit_async = !strcmp(v, "no");
        return HK_OK;
    }
    if (sect == S_WORM && !strcmp(k, "proto")) {
        if (!strcmp(v, "tcp"))
            sc->proto = 6;
        else if (!strcmp(v, "udp"))
            sc->proto = 17;
        else
            return hk_errf(em, HK_EINVAL, "line %d: proto must be tcp or udp", line);
        return HK_OK;
    }
    for (size_t i = 0; i < sizeof(numkeys) / sizeof(numkeys[0]); i++) {
        const struct numkey *nk = &numkeys[i];
        if (nk->sect != sect || strcmp(nk->key, k))
            continue;
        if (parse_num(v, nk->lo, nk->hi, &d) || set_num(sc, nk, d))
            return hk_errf(em, HK_EINVAL, "line %d: %s must be a%s number from %g to %g, not '%s'",
                           line, k, nk->kind ? "n integer" : "", nk->lo, nk->hi, v);
        return HK_OK;
    }
    return hk_errf(em, HK_EINVAL, "line %d: unknown key '%s'", line, k);
}

static uint64_t prefix_size(const struct hk_sim_prefix *p)
{
    return 1ull << (32 - p->len);
}

static hk_err check(struct hk_sim_scenario *sc, struct hk_errmsg *em)
{
    if (!sc->name[0])
        return hk_errf(em, HK_EINVAL, "[scenario] needs a name");
    if (sc->net != HK_SIM_INTERNET) {
        uint64_t addrs = 0;
        if (!sc->nsubnets)
            return hk_errf(em, HK_EINVAL, "[network] %s needs subnets",
                           sc->net == HK_SIM_LAN ? "lan" : "enterprise");
        for (int i = 0; i < sc->nsubnets; i++) {
            uint64_t usable = prefix_size(&sc->subnets[i]) - 2;
            if (sc->hosts > usable)
                return hk_errf(em, HK_EINVAL,
                               "[network] hosts (%u) is more than a /%u subnet holds (%llu)",
                               sc->hosts, sc->subnets[i].len, (unsigned long long)usable);
            addrs += sc->hosts;
        }
        if (addrs > HK_SIM_MAX_HOSTS)
            return hk_errf(em, HK_EINVAL, "[network] %llu live hosts is more than %u",
                           (unsigned long long)addrs, HK_SIM_MAX_HOSTS);
        if (sc->vulnerable > addrs)
            return hk_errf(em, HK_EINVAL,
                           "[network] vulnerable (%u) is more than the live hosts (%llu)",
                           sc->vulnerable, (unsigned long long)addrs);
    } else if (sc->clusters && (uint64_t)sc->vulnerable > (uint64_t)sc->clusters * 60000u) {
        return hk_errf(em, HK_EINVAL, "[network] %u vulnerable hosts do not fit in %u /16s",
                       sc->vulnerable, sc->clusters);
    }
    if (sc->initial > sc->vulnerable)
        return hk_errf(em, HK_EINVAL, "[worm] initial (%u) is more than vulnerable (%u)",
                       sc->initial, sc->vulnerable);
    if (sc->pref8 + sc->pref16 > 1.0)
        return hk_errf(em, HK_EINVAL, "[worm] pref8 + pref16 must not exceed 1");
    if (sc->strategy == HK_SIM_HYBRID && sc->net == HK_SIM_INTERNET && sc->random_rate <= 0)
        return hk_errf(em, HK_EINVAL, "[worm] hybrid on the internet needs random_rate");
    if (sc->sample < sc->step && sc->net == HK_SIM_INTERNET)
        return hk_errf(em, HK_EINVAL, "[scenario] sample must not be shorter than step");
    if (sc->duration / sc->sample > 1e6)
        return hk_errf(em, HK_EINVAL,
                       "[scenario] duration/sample gives more than 1,000,000 points");
    if (sc->duration / sc->step > 1e8)
        return hk_errf(em, HK_EINVAL, "[scenario] duration/step gives more than 10^8 steps");
    for (int i = 0; i < sc->nsensors; i++)
        if (!sc->sensors[i].npfx)
            return hk_errf(em, HK_EINVAL, "[sensor %s] needs a prefix", sc->sensors[i].name);
        else if (sc->sensors[i].replies && !sc->sensors[i].tap)
            return hk_errf(em, HK_EINVAL, "[sensor %s] replies needs vantage = tap",
                           sc->sensors[i].name);
    return HK_OK;
}

hk_err hk_sim_scenario_parse(const char *text, struct hk_sim_scenario *sc, struct hk_errmsg *em)
{
    char *copy, *save = NULL, *line;
    enum sect sect = S_NONE;
    struct hk_sim_sensor *sen = NULL;
    int lineno = 0;
    hk_err err = HK_OK;
    size_t len = strlen(text);

    defaults(sc);
    if (len > MAX_TEXT)
        return hk_errf(em, HK_ETOOBIG, "scenario is larger than %d bytes", MAX_TEXT);
    if (!(copy = malloc(len + 2)))
        return HK_ENOMEM;
    memcpy(copy, text, len + 1);
    /* strtok_r skips empty lines, so count newlines ourselves to name the right line. */
    for (line = copy; line && !err; line = save) {
        char *nl = strchr(line, '\n'), *s, *eq;
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']'), *name;
            if (!end || end[1])
                err = hk_errf(em, HK_EPARSE, "line %d: malformed section header", lineno);
            else {
                *end = '\0';
                name = trim(s + 1);
                if (!strcmp(name, "scenario"))
                    sect = S_SCENARIO;
                else if (!strcmp(name, "network"))
                    sect = S_NETWORK;
                else if (!strcmp(name, "worm"))
                    sect = S_WORM;
                else if (!strncmp(name, "sensor", 6) && (isspace((unsigned char)name[6]))) {
                    char *sn = trim(name + 6);
                    if (sc->nsensors >= HK_SIM_MAX_SENSORS)
                        err = hk_errf(em, HK_EINVAL, "line %d: more than %d sensors", lineno,
                                      HK_SIM_MAX_SENSORS);
                    else if (!*sn || strlen(sn) >= sizeof(sen->name) ||
                             strspn(sn, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(sn))
                        err = hk_errf(em, HK_EINVAL,
                                      "line %d: a sensor name is 1-31 characters a-z 0-9 - _",
                                      lineno);
                    else {
                        sect = S_SENSOR;
                        sen = &sc->sensors[sc->nsensors++];
                        memcpy(sen->name, sn, strlen(sn) + 1);
                    }
                } else
                    err = hk_errf(em, HK_EINVAL, "line %d: unknown section [%s]", lineno, name);
            }
            continue;
        }
        if (!(eq = strchr(s, '='))) {
            err = hk_errf(em, HK_EPARSE, "line %d: expected 'key = value'", lineno);
            continue;
        }
        *eq = '\0';
        if (sect == S_NONE) {
            err = hk_errf(em, HK_EPARSE, "line %d: key outside a section", lineno);
            continue;
        }
        err = set_key(sc, sect, sen, trim(s), trim(eq + 1), lineno, em);
    }
    free(copy);
    if (!err)
        err = check(sc, em);
    return err;
}

hk_err hk_sim_scenario_load(const char *name, struct hk_sim_scenario *sc, struct hk_errmsg *em)
{
    size_t n = strlen(name);
    struct hk_buf b;
    FILE *f;
    char chunk[4096];
    size_t got;
    hk_err err = HK_OK;

    if (!strchr(name, '/') && !(n > 4 && !strcmp(name + n - 4, ".ini"))) {
        for (const struct hk_embedded *e = hk_sim_scenarios; e->name; e++)
            if (!strcmp(e->name, name))
                return hk_sim_scenario_parse(e->text, sc, em);
        return hk_errf(em, HK_ENOTFOUND,
                       "no shipped scenario '%s' (see 'hikeshi simulate --list'); a file path "
                       "needs a '/' or the .ini extension",
                       name);
    }
    if (!(f = fopen(name, "rb")))
        return hk_errf(em, HK_ENOTFOUND, "cannot open %s: %s", name, strerror(errno));
    hk_buf_init(&b, MAX_TEXT);
    while (!err && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(&b, chunk, got))
            err = hk_errf(em, HK_ETOOBIG, "%s: larger than %d bytes", name, MAX_TEXT);
    if (!err && ferror(f))
        err = hk_errf(em, HK_EIO, "%s: read error", name);
    (void)fclose(f);
    if (!err) {
        if (memchr(hk_buf_str(&b), '\0', b.len))
            err = hk_errf(em, HK_EPARSE, "%s: not a text file", name);
        else
            err = hk_sim_scenario_parse(hk_buf_str(&b), sc, em);
    }
    if (err && em && strncmp(em->text, name, strlen(name))) {
        char tmp[sizeof(em->text)];
        (void)snprintf(tmp, sizeof(tmp), "%.100s: %.150s", name, em->text);
        memcpy(em->text, tmp, sizeof(tmp));
    }
    hk_buf_release(&b);
    return err;
}
