/* SPDX-License-Identifier: MIT */
/*
 * Notification endpoints: notify an incident's responsible teams (one investigation and
 * one queued message per team), queue reminders, and show an investigation's outbox.
 * Delivery itself runs after the commit (the server's outbox thread, or `hikeshi mail
 * flush`), never inside a request's transaction.
 */
#include "api/api_int.h"

hk_err api_incident_notify(struct call *c)
{
    return hk_incident_notify(c->ctx, c->id, c->body, &c->out);
}

hk_err api_outbox_remind(struct call *c)
{
    return hk_outbox_remind(c->ctx, &c->out);
}
