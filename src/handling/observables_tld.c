/* SPDX-License-Identifier: MIT */
/*
 * The table of top-level domains that the observable extractor (observables.c) accepts as
 * the last label of a domain name, so that file names ("invoice.pdf", "setup.exe") are not
 * taken for domains. It holds every two-letter country-code TLD delegated in the root zone,
 * the legacy generic TLDs, the new generic TLDs that are common in reports (most of them from
 * the lists of most abused TLDs), the special-use names of RFC 2606, RFC 6761, RFC 7686 and
 * RFC 9476 plus "local" (mDNS) and "internal" (reserved for private use by ICANN in 2024), and
 * the punycode forms of the common internationalised ccTLDs.
 *
 * Deliberately left out although they are delegated: "zip" and "mov", because they are far
 * more often file extensions ("invoice.zip", "clip.mov") than domains in report text. Other
 * collisions between real TLDs and file extensions (.py, .sh, .md, .pl, .rs, .so, .app) are
 * kept: those ccTLDs carry real abuse, and analysts would rather see a false domain than miss
 * a real one. Generic new TLDs that are plain English words ("how", "new", "now", "you")
 * are left out too, since a missing space after a full stop would turn prose into a domain.
 *
 * The array must stay sorted in byte order (strcmp), as the lookup is a binary search.
 */
#include <stddef.h>
#include <string.h>

#include "handling/handling_int.h"

/* Declared here and in observables.c until the handling module has a private header. */

/* Packed by hand: clang-format would put one name per line. */
/* clang-format off */
static const char *const tlds[] = {
    "ac", "academy", "accountant", "accountants", "ad", "ae", "aero", "af", "ag", "agency", "ai",
    "al", "alt", "am", "amazon", "amsterdam", "ao", "app", "apple", "aq", "ar", "arpa", "art",
    "as", "asia", "at", "au", "auction", "audio", "autos", "aw", "ax", "az", "ba", "baby", "band",
    "bar", "bargains", "bb", "bd", "be", "beauty", "berlin", "bet", "bf", "bg", "bh", "bi", "bid",
    "bike", "bio", "biz", "bj", "blog", "bm", "bn", "bo", "bond", "boo", "boutique", "br", "bs",
    "bt", "build", "business", "buzz", "bv", "bw", "by", "bz", "ca", "cab", "cafe", "cam",
    "camera", "camp", "capital", "care", "careers", "casa", "cash", "casino", "cat", "cc", "cd",
    "center", "cf", "cfd", "cg", "ch", "chat", "cheap", "church", "ci", "city", "ck", "cl",
    "claims", "click", "clinic", "cloud", "club", "cm", "cn", "co", "codes", "coffee", "college",
    "com", "community", "company", "computer", "coop", "country", "coupons", "cr", "credit",
    "cricket", "cu", "cv", "cw", "cx", "cy", "cyou", "cz", "dad", "date", "dating", "de", "deals",
    "degree", "delivery", "design", "dev", "digital", "direct", "directory", "discount", "dj",
    "dk", "dm", "do", "domains", "download", "dz", "earth", "ec", "eco", "edu", "education", "ee",
    "eg", "email", "energy", "engineering", "enterprises", "er", "es", "estate", "et", "eu",
    "events", "example", "exchange", "expert", "express", "faith", "family", "fans", "farm",
    "fashion", "fi", "finance", "financial", "fit", "fitness", "fj", "fk", "flowers", "fm", "fo",
    "foo", "football", "forsale", "forum", "foundation", "fr", "fun", "fund", "furniture", "fyi",
    "ga", "gallery", "game", "games", "garden", "gb", "gd", "gdn", "ge", "gf", "gg", "gh", "gi",
    "gift", "gifts", "gl", "global", "gm", "gmbh", "gn", "golf", "goog", "google", "gov", "gp",
    "gq", "gr", "graphics", "gripe", "group", "gs", "gt", "gu", "guide", "guru", "gw", "gy",
    "hair", "health", "hiphop", "hk", "hm", "hn", "hockey", "holdings", "homes", "horse", "host",
    "hosting", "house", "hr", "ht", "hu", "icu", "id", "ie", "il", "im", "immo", "in", "inc",
    "industries", "info", "ink", "institute", "insure", "int", "internal", "international",
    "invalid", "investments", "io", "iq", "ir", "is", "it", "je", "jm", "jo", "jobs", "jp", "ke",
    "kg", "kh", "ki", "kim", "kitchen", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "land",
    "lat", "law", "lawyer", "lb", "lc", "lgbt", "li", "life", "link", "live", "lk", "llc", "loan",
    "loans", "local", "localhost", "lol", "london", "lr", "ls", "lt", "ltd", "lu", "luxury", "lv",
    "ly", "ma", "makeup", "management", "market", "marketing", "mba", "mc", "md", "me", "media",
    "meme", "men", "menu", "mg", "mh", "microsoft", "mil", "mk", "ml", "mm", "mn", "mo", "mobi",
    "money", "monster", "moscow", "motorcycles", "movie", "mp", "mq", "mr", "ms", "mt", "mu",
    "museum", "music", "mv", "mw", "mx", "my", "mz", "na", "name", "nc", "ne", "net", "network",
    "news", "nexus", "nf", "ng", "ngo", "ni", "ninja", "nl", "no", "np", "nr", "nu", "nyc", "nz",
    "om", "one", "onion", "online", "ooo", "org", "pa", "page", "paris", "partners", "party", "pe",
    "pf", "pg", "ph", "photo", "photography", "photos", "pics", "pizza", "pk", "pl", "place",
    "plus", "pm", "pn", "poker", "porn", "post", "pr", "press", "pro", "productions", "promo",
    "properties", "property", "ps", "pt", "pw", "py", "qa", "quest", "racing", "radio", "re",
    "realestate", "realty", "rehab", "reise", "rent", "rentals", "repair", "rest", "restaurant",
    "review", "reviews", "rip", "ro", "rocks", "rs", "ru", "rw", "sa", "sale", "salon", "sb",
    "sbs", "sc", "school", "science", "sd", "se", "security", "services", "sex", "sexy", "sg",
    "sh", "shop", "shopping", "si", "singles", "site", "sj", "sk", "ski", "skin", "sl", "sm", "sn",
    "so", "social", "software", "solar", "solutions", "space", "sport", "sr", "ss", "st", "store",
    "stream", "studio", "study", "su", "sucks", "supply", "support", "surf", "sv", "sx", "sy",
    "systems", "sz", "tax", "taxi", "tc", "td", "tech", "technology", "tel", "test", "tf", "tg",
    "th", "tickets", "tj", "tk", "tl", "tm", "tn", "to", "tokyo", "top", "tours", "toys", "tr",
    "trade", "trading", "training", "travel", "tt", "tube", "tv", "tw", "tz", "ua", "ug", "uk",
    "uno", "us", "uy", "uz", "va", "vacations", "vc", "ve", "vegas", "ventures", "vg", "vi", "vip",
    "vision", "vn", "vodka", "vote", "voting", "voyage", "vu", "wang", "watch", "webcam",
    "website", "wedding", "wf", "wiki", "win", "wine", "work", "world", "ws", "wtf", "xin",
    "xn--3ds443g", "xn--3e0b707e", "xn--55qx5d", "xn--6frz82g", "xn--80adxhks", "xn--80ao21a",
    "xn--80asehdb", "xn--80aswg", "xn--90a3ac", "xn--90ae", "xn--90ais", "xn--czru2d", "xn--d1alf",
    "xn--e1a4c", "xn--fiq228c5hs", "xn--fiqs8s", "xn--fiqz9s", "xn--fzc2c9e2c", "xn--h2brj9c",
    "xn--io0a7i", "xn--j1amh", "xn--j6w193g", "xn--kprw13d", "xn--kpry57d", "xn--l1acc",
    "xn--mgba3a4f16a", "xn--mgbaam7a8h", "xn--mgberp4a5d4ar", "xn--mix891f", "xn--o3cw4h",
    "xn--p1acf", "xn--p1ai", "xn--qxa6a", "xn--qxam", "xn--ses554g", "xn--wgbh1c", "xn--wgbl6a",
    "xn--yfro4i67o", "xxx", "xyz", "ye", "yoga", "youtube", "yt", "za", "zm", "zone", "zw",
};
/* clang-format on */

/* Returns 1 if label[0..len) (any case, no dots) is a top-level domain in the table. */
int hk_obs_tld_known(const char *label, size_t len)
{
    char key[64];
    size_t lo = 0, hi = sizeof(tlds) / sizeof(tlds[0]);

    if (len < 2 || len >= sizeof(key))
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];
        key[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    key[len] = '\0';
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(tlds[mid], key);

        if (cmp == 0)
            return 1;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
