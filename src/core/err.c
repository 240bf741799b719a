/* SPDX-License-Identifier: MIT */
/*
 * Error-code tables generated from errors.def, and the hk_errf detail formatter.
 */
#include "hikeshi/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const struct {
    const char *code;
    const char *msg;
    int http;
    int exitc;
} errtab[] = {
#define HK_ERR(name, msg, http, exitc) {"HK_" #name, msg, http, exitc},
#include "hikeshi/errors.def"
#undef HK_ERR
};

static int valid(hk_err err)
{
    return (unsigned)err < (unsigned)HK_ERR__COUNT;
}

const char *hk_strerror(hk_err err)
{
    return valid(err) ? errtab[err].msg : "unknown error";
}

const char *hk_err_code(hk_err err)
{
    return valid(err) ? errtab[err].code : "HK_EUNKNOWN";
}

int hk_err_http_status(hk_err err)
{
    return valid(err) ? errtab[err].http : 500;
}

int hk_err_exit_code(hk_err err)
{
    return valid(err) ? errtab[err].exitc : 1;
}

hk_err hk_errf(struct hk_errmsg *m, hk_err err, const char *fmt, ...)
{
    va_list ap;

    if (!m)
        return err;
    va_start(ap, fmt);
    (void)vsnprintf(m->text, sizeof(m->text), fmt, ap);
    va_end(ap);
    return err;
}

void hk_bug(const char *file, int line, const char *msg)
{
    (void)fprintf(stderr, "hikeshi: BUG at %s:%d: %s\n", file, line, msg);
    abort();
}
