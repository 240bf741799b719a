/* SPDX-License-Identifier: MIT */
/*
 * Mail set-up for the commands that send (serve's outbox thread, `hikeshi mail flush`):
 * options --smtp URL, --mail-from ADDR, --sign-key KEY, --gnupghome DIR, --org NAME,
 * --templates DIR, each also read from the environment (HIKESHI_SMTP, HIKESHI_MAIL_FROM,
 * HIKESHI_SIGN_KEY, HIKESHI_GNUPGHOME, HIKESHI_ORG, HIKESHI_TEMPLATES). And `hikeshi mail
 * flush` itself: delivers the outbox of the local data directory now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/mail.h"

static const struct {
    const char *opt, *env;
} mail_opts[] = {
    {"smtp", "HIKESHI_SMTP"},         {"mail-from", "HIKESHI_MAIL_FROM"},
    {"sign-key", "HIKESHI_SIGN_KEY"}, {"gnupghome", "HIKESHI_GNUPGHOME"},
    {"org", "HIKESHI_ORG"},           {"templates", "HIKESHI_TEMPLATES"},
};

bool cli_mail_option(const char *k)
{
    for (size_t i = 0; i < sizeof(mail_opts) / sizeof(mail_opts[0]); i++)
        if (!strcmp(k, mail_opts[i].opt))
            return true;
    return false;
}

static const char *get(const struct args *a, int i)
{
    const char *v = arg_get(a, mail_opts[i].opt);
    return v ? v : getenv(mail_opts[i].env);
}

int cli_mail_config(const struct args *a, struct hk_mail_config *mc, bool *configured)
{
    const char *smtp = get(a, 0), *from = get(a, 1), *at;

    memset(mc, 0, sizeof(*mc));
    *configured = false;
    if (!smtp && !from)
        return 0;
    if (!smtp || !from)
        return cli_fail(HK_EINVAL, "mail needs both --smtp URL and --mail-from ADDRESS "
                                   "(or HIKESHI_SMTP and HIKESHI_MAIL_FROM)");
    mc->smtp_url = smtp;
    mc->from = from;
    mc->sign_key = get(a, 2);
    mc->gnupghome = get(a, 3);
    mc->org = get(a, 4) ? get(a, 4) : "hikeshi CSIRT";
    mc->template_dir = get(a, 5);
    at = strrchr(from, '@');
    if (at) { /* the domain of the From address, without a closing '>' */
        static char dom[256];
        size_t n = strcspn(at + 1, ">");
        (void)snprintf(dom, sizeof(dom), "%.*s", (int)n, at + 1);
        mc->org_domain = dom;
    }
    *configured = true;
    return 0;
}

int cmd_mail_flush(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_mail_config mc;
    struct hk_store *st;
    struct hk_errmsg em = {{0}};
    size_t sent = 0, failed = 0;
    bool on;
    int rc;
    hk_err err;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++)
        if (!cli_mail_option(a->kv[i].k))
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi mail flush --help'",
                            a->kv[i].k);
    if (c->server)
        return cli_fail(HK_EINVAL, "mail flush works on the data directory (--data); a server "
                                   "started with --smtp delivers its own outbox");
    if ((rc = cli_mail_config(a, &mc, &on)))
        return rc;
    if (!on)
        return cli_fail(HK_EINVAL, "mail flush needs --smtp URL and --mail-from ADDRESS");
    if ((rc = cli_store(c, &st)))
        return rc;
    hk_mail_init();
    err = hk_outbox_deliver(st, &c->cfg, &mc, 100000, &sent, &failed, &em);
    if (err)
        return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
    if (c->json)
        printf("{\"sent\": %zu, \"failed\": %zu}\n", sent, failed);
    else
        printf("%zu sent, %zu failed (failures are retried later)\n", sent, failed);
    return failed && !sent ? 1 : 0;
}
