/* SPDX-License-Identifier: MIT */
/*
 * hikeshi simulate and hikeshi exercise (placeholder until the simulator lands).
 */
#include "cli/cli.h"

int cmd_simulate(struct cli *c, const struct cmd *cmd, struct args *a)
{
    (void)c;
    (void)cmd;
    (void)a;
    return cli_fail(HK_EINVAL, "the simulator is not built yet");
}

int cmd_exercise(struct cli *c, const struct cmd *cmd, struct args *a)
{
    (void)c;
    (void)cmd;
    (void)a;
    return cli_fail(HK_EINVAL, "the exercise driver is not built yet");
}
