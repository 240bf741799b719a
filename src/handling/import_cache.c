/* SPDX-License-Identifier: MIT */
/*
 * Caches that make a bulk import fast: observable (type, value) -> id, so a known
 * observable costs no SQL, and the set of observable ids linked to open incidents, so
 * only observables that can correlate pay for the correlation query. Both are open-
 * addressing hash tables with a fixed capacity, cleared when full (a cache miss only
 * costs a query, never correctness). Built at the start of an import; an incident opened
 * by another process during the import is not seen by its correlation (documented).
 */
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"

#define OBS_SLOTS (1u << 20) /* power of two */
#define SET_SLOTS (1u << 18)

struct obs_slot {
    uint64_t hash; /* 0 = empty */
    int64_t id;
    uint32_t off; /* key offset in the arena */
    uint16_t len;
    uint8_t type;
};

struct hk_import_cache {
    struct obs_slot *obs;
    size_t nobs;
    char *arena;
    size_t arena_len, arena_cap;
    int64_t *set; /* 0 = empty */
    size_t nset;
};

static uint64_t fnv(const char *p, size_t n, unsigned type)
{
    uint64_t h = 1469598103934665603ull ^ type;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

struct hk_import_cache *hk_import_cache_new(void)
{
    struct hk_import_cache *c = hk_xcalloc(1, sizeof(*c));

    c->obs = hk_xcalloc(OBS_SLOTS, sizeof(*c->obs));
    c->arena_cap = 32u << 20;
    c->arena = hk_xmalloc(c->arena_cap);
    c->set = hk_xcalloc(SET_SLOTS, sizeof(*c->set));
    return c;
}

void hk_import_cache_free(struct hk_import_cache *c)
{
    if (!c)
        return;
    free(c->obs);
    free(c->arena);
    free(c->set);
    free(c);
}

int64_t hk_import_cache_obs_get(struct hk_import_cache *c, unsigned type, const char *v, size_t n)
{
    uint64_t h = fnv(v, n, type);

    for (size_t i = h & (OBS_SLOTS - 1);; i = (i + 1) & (OBS_SLOTS - 1)) {
        struct obs_slot *s = &c->obs[i];
        if (!s->hash)
            return 0;
        if (s->hash == h && s->type == type && s->len == n && !memcmp(c->arena + s->off, v, n))
            return s->id;
    }
}

void hk_import_cache_obs_put(struct hk_import_cache *c, unsigned type, const char *v, size_t n,
                             int64_t id)
{
    uint64_t h = fnv(v, n, type);
    size_t i;

    if (n > UINT16_MAX)
        return;
    if (c->nobs >= OBS_SLOTS / 2 || c->arena_len + n > c->arena_cap) {
        memset(c->obs, 0, OBS_SLOTS * sizeof(*c->obs));
        c->nobs = 0;
        c->arena_len = 0;
    }
    for (i = h & (OBS_SLOTS - 1); c->obs[i].hash; i = (i + 1) & (OBS_SLOTS - 1))
        ;
    memcpy(c->arena + c->arena_len, v, n);
    c->obs[i].hash = h;
    c->obs[i].id = id;
    c->obs[i].off = (uint32_t)c->arena_len;
    c->obs[i].len = (uint16_t)n;
    c->obs[i].type = (uint8_t)type;
    c->arena_len += n;
    c->nobs++;
}

static size_t slot_of(int64_t id)
{
    uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;

    return (size_t)(x >> 46) & (SET_SLOTS - 1);
}

/* Returns 1 when the set may contain id (it is exact unless it overflowed). */
int hk_import_cache_set_has(struct hk_import_cache *c, int64_t id)
{
    if (c->nset >= SET_SLOTS / 2)
        return 1; /* overflowed: everything might correlate */
    for (size_t i = slot_of(id);; i = (i + 1) & (SET_SLOTS - 1)) {
        if (!c->set[i])
            return 0;
        if (c->set[i] == id)
            return 1;
    }
}

void hk_import_cache_set_add(struct hk_import_cache *c, int64_t id)
{
    size_t i;

    if (c->nset >= SET_SLOTS / 2)
        return;
    for (i = slot_of(id); c->set[i]; i = (i + 1) & (SET_SLOTS - 1))
        if (c->set[i] == id)
            return;
    c->set[i] = id;
    c->nset++;
}
