/* SPDX-License-Identifier: MIT */
/*
 * Observable extraction: finds indicators (IPv4, IPv6, CIDR, domain, URL, e-mail,
 * MD5/SHA-1/SHA-256, CVE ID, ASN) in free report text, including defanged forms
 * ("hxxp://", "example[.]com", "1.2.3[.]4", "user[@]example.com"), and returns them
 * normalised (lower-case hosts and hashes, canonical IP text, "CVE-2017-0144", "AS64496")
 * and de-duplicated, in order of first appearance.
 *
 * Extraction is a single pass over the bytes with no allocation beyond the caller's list
 * (which is reused across calls), because it sits on the bulk-import hot path.
 * Thread-safety: all functions are reentrant; a list must not be shared between threads.
 */
#ifndef HIKESHI_OBSERVABLES_H
#define HIKESHI_OBSERVABLES_H

#include <stddef.h>

#include "hikeshi/err.h"

enum hk_obs_type {
    HK_OBS_IPV4,
    HK_OBS_IPV6,
    HK_OBS_CIDR,
    HK_OBS_DOMAIN,
    HK_OBS_URL,
    HK_OBS_EMAIL,
    HK_OBS_MD5,
    HK_OBS_SHA1,
    HK_OBS_SHA256,
    HK_OBS_CVE,
    HK_OBS_ASN,
    HK_OBS__COUNT
};

/* Longest normalised value kept; longer candidates (e.g. huge URLs) are skipped. */
#define HK_OBS_VALUE_MAX 512
/* Default cap on observables taken from one text. */
#define HK_OBS_DEFAULT_MAX 1000

struct hk_observable {
    enum hk_obs_type type;
    size_t len;
    char value[HK_OBS_VALUE_MAX + 1]; /* NUL-terminated normalised value */
};

/* A reusable result list. Invariant: n <= max; items[0..n) are distinct (type, value). */
struct hk_obs_list {
    struct hk_observable *items;
    size_t n;
    size_t cap;
    size_t max;
    int truncated; /* set when more than max observables were present */
};

/* Stable lower-case names: "ipv4", "ipv6", "cidr", "domain", "url", "email", "md5",
 * "sha1", "sha256", "cve", "asn". Never NULL. */
const char *hk_obs_type_name(enum hk_obs_type t);
/* Parses a type name; HK_EINVAL if unknown. */
hk_err hk_obs_type_parse(const char *s, enum hk_obs_type *out);

void hk_obs_list_init(struct hk_obs_list *l, size_t max);
void hk_obs_list_release(struct hk_obs_list *l);

/*
 * Extracts the observables of text[0..len) into l (reset first). text need not be
 * NUL-terminated and may contain any bytes (including NUL and invalid UTF-8).
 * A URL also yields its host (domain or IP); an e-mail address also yields its domain.
 * Domains are accepted only when their last label is a known top-level domain, so file
 * names such as "invoice.pdf" or "setup.exe" are not taken for domains.
 * More than l->max observables: the first max are kept and l->truncated is set (HK_OK).
 */
hk_err hk_obs_extract(const char *text, size_t len, struct hk_obs_list *l);

/*
 * Classifies and normalises one value typed by a user (a search box, ?observable=):
 * " 198.51.100.7 ", "Example[.]COM", "hxxp://x.test/a", "cve-2017-0144", "as64496".
 * Writes the normalised value into out (outsz >= HK_OBS_VALUE_MAX + 1 recommended).
 * Returns HK_EINVAL if the value is not an observable of any type.
 */
hk_err hk_obs_classify(const char *value, enum hk_obs_type *type, char *out, size_t outsz);

#endif
