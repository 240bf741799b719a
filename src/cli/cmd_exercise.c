/* SPDX-License-Identifier: MIT */
/*
 * hikeshi exercise (placeholder until the exercise driver lands).
 */
#include "cli/cli.h"

int cmd_exercise(struct cli *c, const struct cmd *cmd, struct args *a)
{
    (void)c;
    (void)cmd;
    (void)a;
    return cli_fail(HK_EINVAL, "the exercise driver is not built yet");
}
