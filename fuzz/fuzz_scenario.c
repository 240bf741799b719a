/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the simulator's scenario parser (hk_sim_scenario_parse,
 * src/sim/scenario.c): scenario files are user input. The input is made a C string (cut at
 * its first NUL). Checks: the result is HK_OK or one of the input errors with a message;
 * an accepted scenario honours the bounds the engine relies on (a name, subnets and sensors
 * within their arrays, vulnerable <= live hosts, rates positive and finite, step count and
 * curve size bounded), so nothing accepted can make the engine allocate without bound.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    (void)fprintf(stderr, "fuzz_scenario: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct hk_sim_scenario sc;
    struct hk_errmsg em = {{0}};
    hk_err err;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    err = hk_sim_scenario_parse(text, &sc, &em);
    free(text);
    if (err) {
        if (err != HK_EINVAL && err != HK_EPARSE && err != HK_ETOOBIG)
            die("unexpected error code");
        if (!em.text[0])
            die("an error without a message");
        return 0;
    }
    if (!sc.name[0] || !memchr(sc.name, '\0', sizeof(sc.name)))
        die("accepted without a name");
    if (sc.nsubnets < 0 || sc.nsubnets > HK_SIM_MAX_SUBNETS || sc.nsensors < 0 ||
        sc.nsensors > HK_SIM_MAX_SENSORS)
        die("array counts out of bounds");
    if (sc.net != HK_SIM_INTERNET && (uint64_t)sc.hosts * (uint64_t)sc.nsubnets < sc.vulnerable)
        die("more vulnerable hosts than live ones");
    if (sc.vulnerable < 1 || sc.vulnerable > HK_SIM_MAX_HOSTS || sc.initial > sc.vulnerable)
        die("host counts out of bounds");
    if (!(sc.scan_rate > 0) || !isfinite(sc.scan_rate) || !(sc.step > 0) || !(sc.sample > 0))
        die("rates or steps not positive");
    if (sc.duration / sc.step > 1e8 || sc.duration / sc.sample > 1e6)
        die("unbounded step or sample count");
    for (int i = 0; i < sc.nsensors; i++)
        if (sc.sensors[i].npfx < 1 || sc.sensors[i].npfx > HK_SIM_MAX_SENSOR_PFX)
            die("a sensor without prefixes");
    return 0;
}
