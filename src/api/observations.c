/* SPDX-License-Identifier: MIT */
/*
 * Observation endpoints: the push of an observation sensor (alerts and per-interval port
 * summaries) and the list of what was pushed. Thin: the handling module validates,
 * stores and turns alerts into reports.
 */
#include "api/api_int.h"

hk_err api_observation_push(struct call *c)
{
    return hk_observation_push(c->ctx, c->body, &c->out);
}

hk_err api_observation_list(struct call *c)
{
    return hk_observation_list(c->ctx, c->params, &c->out);
}
