/* SPDX-License-Identifier: MIT */
/*
 * Classification vocabularies: the ENISA Reference Security Incident Taxonomy (RSIT,
 * machinev1: 11 classes and their types; copy in tests/data/rsit/), the seed's malware
 * classes and infection routes (contact, droplet, airborne), severities, TLP 2.0 and PAP.
 */
#include <string.h>
#include <strings.h>

#include "hikeshi/handling.h"

struct rsit_class {
    const char *name;
    const char *label;
    const char *types[6];
};

/* IMPLEMENTATION-OF: RSIT machinev1 (version 1003), predicates and their values. */
static const struct rsit_class rsit[] = {
    {"abusive-content", "Abusive Content", {"spam", "harmful-speech", "violence"}},
    {"malicious-code",
     "Malicious Code",
     {"infected-system", "c2-server", "malware-distribution", "malware-configuration"}},
    {"information-gathering",
     "Information Gathering",
     {"scanner", "sniffing", "social-engineering"}},
    {"intrusion-attempts", "Intrusion Attempts", {"ids-alert", "brute-force", "exploit"}},
    {"intrusions",
     "Intrusions",
     {"privileged-account-compromise", "unprivileged-account-compromise", "application-compromise",
      "system-compromise", "burglary"}},
    {"availability", "Availability", {"dos", "ddos", "misconfiguration", "sabotage", "outage"}},
    {"information-content-security",
     "Information Content Security",
     {"unauthorised-information-access", "unauthorised-information-modification", "data-loss",
      "data-leak"}},
    {"fraud", "Fraud", {"unauthorised-use-of-resources", "copyright", "masquerade", "phishing"}},
    {"vulnerable",
     "Vulnerable",
     {"weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible", "information-disclosure",
      "vulnerable-system"}},
    {"other", "Other", {"other", "undetermined"}},
    {"test", "Test", {"test"}},
};

static const char *const malware_classes[] = {"virus", "worm",  "trojan", "ransomware",
                                              "bot",   "other", NULL};
static const char *const routes[] = {"contact", "droplet", "airborne", NULL};
static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
static const char *const paps[] = {"CLEAR", "GREEN", "AMBER", "RED", NULL};

static int in(const char *const *set, const char *s)
{
    for (int i = 0; set[i]; i++)
        if (!strcmp(set[i], s))
            return i;
    return -1;
}

static hk_err label(const char *s, const char *prefix, const char *const *set, char out[16])
{
    size_t n;

    if (!s)
        return HK_EINVAL;
    n = strlen(prefix);
    if (!strncasecmp(s, prefix, n))
        s += n;
    if (strlen(s) >= 16)
        return HK_EINVAL;
    for (size_t i = 0; s[i]; i++)
        out[i] = (char)((s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i]);
    out[strlen(s)] = '\0';
    /* TLP 1.0's WHITE became CLEAR in TLP 2.0. */
    if (!strcmp(out, "WHITE"))
        memcpy(out, "CLEAR", 6);
    return in(set, out) >= 0 ? HK_OK : HK_EINVAL;
}

hk_err hk_tlp_parse(const char *s, char out[16])
{
    return label(s, "TLP:", tlps, out);
}

hk_err hk_pap_parse(const char *s, char out[16])
{
    return label(s, "PAP:", paps, out);
}

hk_err hk_severity_check(const char *s)
{
    return s && in(severities, s) >= 0 ? HK_OK : HK_EINVAL;
}

int hk_severity_rank(const char *s)
{
    return s ? in(severities, s) : -1;
}

hk_err hk_rsit_check(const char *cls, const char *type)
{
    for (size_t i = 0; i < sizeof(rsit) / sizeof(rsit[0]); i++) {
        if (strcmp(rsit[i].name, cls))
            continue;
        if (!type || !*type)
            return HK_OK;
        for (int j = 0; j < 6 && rsit[i].types[j]; j++)
            if (!strcmp(rsit[i].types[j], type))
                return HK_OK;
        return HK_EINVAL;
    }
    return HK_EINVAL;
}

hk_err hk_malware_class_check(const char *s)
{
    return s && in(malware_classes, s) >= 0 ? HK_OK : HK_EINVAL;
}

hk_err hk_infection_route_check(const char *s)
{
    return s && in(routes, s) >= 0 ? HK_OK : HK_EINVAL;
}

static json_t *strings(const char *const *set)
{
    json_t *a = json_array();

    for (int i = 0; set[i]; i++)
        json_array_append_new(a, json_string(set[i]));
    return a;
}

json_t *hk_taxonomy_json(void)
{
    json_t *classes = json_array();

    for (size_t i = 0; i < sizeof(rsit) / sizeof(rsit[0]); i++) {
        json_t *types = json_array();
        for (int j = 0; j < 6 && rsit[i].types[j]; j++)
            json_array_append_new(types, json_string(rsit[i].types[j]));
        json_array_append_new(classes, json_pack("{s:s, s:s, s:o}", "class", rsit[i].name, "label",
                                                 rsit[i].label, "types", types));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "rsit", classes, "malware_class",
                     strings(malware_classes), "infection_route", strings(routes), "severity",
                     strings(severities), "tlp", strings(tlps), "pap", strings(paps));
}
