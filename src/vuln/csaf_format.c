/* SPDX-License-Identifier: MIT */
/*
 * The JSON schema formats of the CSAF schema that need no regular expression, checked as
 * ajv-formats checks them in "full" mode: "date-time" (RFC 3339 section 5.6: full-date "T"
 * full-time with a required time zone; "t" or a space also separate date and time; days per
 * month and leap years checked; a leap second only at 23:59:60 UTC) and "email"
 * (local@domain with RFC 5321 characters). csaf_date_time_parse also gives the instant, for the
 * revision history tests. ("uri" is a regex: csaf_schema.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/csaf_int.h"

static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* RFC 3339 section 5.6 date-time as ajv-formats checks it: "T" or "t" or a space between date
 * and time, a time zone required, leap seconds only at 23:59 UTC. */
bool csaf_date_time_parse(const char *s, long long *sec, long *nsec)
{
    static const int mdays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se, tzh = 0, tzm = 0, sign = 1;
    long frac = 0;
    const char *p;

    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
        !(s[10] == 'T' || s[10] == 't' || s[10] == ' ') || s[13] != ':' || s[16] != ':')
        return false;
    if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 0 || (d = digits(s + 8, 2)) < 0 ||
        (h = digits(s + 11, 2)) < 0 || (mi = digits(s + 14, 2)) < 0 || (se = digits(s + 17, 2)) < 0)
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > (mo == 2 && leap(y) ? 29 : mdays[mo]))
        return false;
    p = s + 19;
    if (*p == '.') {
        int nd = 0;

        p++;
        while (*p >= '0' && *p <= '9') {
            if (nd++ < 9)
                frac = frac * 10 + (*p - '0');
            p++;
        }
        if (nd == 0)
            return false;
        for (; nd < 9; nd++)
            frac *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if ((tzh = digits(p + 1, 2)) < 0)
            return false;
        p += 3;
        if (*p == ':')
            p++;
        if (*p) {
            if ((tzm = digits(p, 2)) < 0)
                return false;
            p += 2;
        }
        if (tzh > 23 || tzm > 59)
            return false;
    } else {
        return false;
    }
    if (*p)
        return false;
    if (!(h <= 23 && mi <= 59 && se < 60)) {
        int um = mi - tzm * sign, uh = h - tzh * sign - (um < 0 ? 1 : 0);

        if (!((uh == 23 || uh == -1) && (um == 59 || um == -1) && se < 61))
            return false;
    }
    if (sec)
        *sec = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
               sign * (tzh * 3600 + tzm * 60);
    if (nsec)
        *nsec = frac;
    return true;
}

bool csaf_is_date_time(const char *s)
{
    return csaf_date_time_parse(s, NULL, NULL);
}


/* ajv-formats "email" (full): local@domain with RFC 5321 characters. */
bool csaf_is_email(const char *s)
{
    const char *at = strchr(s, '@');

    if (!at || at == s || strchr(at + 1, '@') || !at[1])
        return false;
    for (const char *p = s; p < at; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(".!#$%&'*+/=?^_`{|}~-", *p)))
            return false;
    for (const char *p = at + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.'))
            return false;
    return at[1] != '-' && at[1] != '.';
}
