/* SPDX-License-Identifier: MIT */
/*
 * hikeshi sensor: the observation sensor's command line (placeholder until the sensor lands).
 */
#include "cli/cli.h"

extern const char hk_cli_sensor_help[];
const char hk_cli_sensor_help[] = "    The sensor is not built yet.\n";

int cmd_sensor(struct cli *c, const struct cmd *cmd, struct args *a)
{
    (void)c;
    (void)cmd;
    (void)a;
    return cli_fail(HK_EINVAL, "the sensor is not built yet");
}
