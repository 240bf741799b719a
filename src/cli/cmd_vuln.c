/* SPDX-License-Identifier: MIT */
/*
 * hikeshi vuln: vulnerability handling commands (placeholder until CVSS lands).
 */
#include "cli/cli.h"

int cmd_vuln_cvss(struct cli *c, const struct cmd *cmd, struct args *a)
{
    (void)c;
    (void)cmd;
    (void)a;
    return cli_fail(HK_EINVAL, "CVSS scoring is not built yet");
}
