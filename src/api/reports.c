/* SPDX-License-Identifier: MIT */
/*
 * Report endpoints: submit (single and JSON lines), list, read, triage, state changes,
 * link and unlink. Thin: parse the path and body, call the handling module.
 */
#include <string.h>

#include "api/api_int.h"

hk_err api_report_create(struct call *c)
{
    bool dup = false;
    hk_err err = hk_report_submit(c->ctx, c->body, &c->out, &dup);

    if (!err) {
        c->status = dup ? 200 : 201;
        json_object_set_new(c->out, "duplicate", json_boolean(dup));
    }
    return err;
}

hk_err api_report_import(struct call *c)
{
    struct hk_import_stats st;
    json_t *errors = NULL;
    hk_err err = hk_report_import_buf(c->ctx, c->req->body, c->req->body_len, &st, &errors);

    if (err) {
        json_decref(errors);
        return err;
    }
    c->out =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "lines", (json_int_t)st.lines, "stored",
                  (json_int_t)st.stored, "duplicates", (json_int_t)st.duplicates, "correlated",
                  (json_int_t)st.correlated, "rejected", (json_int_t)st.rejected, "errors", errors);
    return HK_OK;
}

hk_err api_report_list(struct call *c)
{
    c->raw_ct = "application/json";
    return hk_list_text(c->ctx, HK_LIST_REPORTS, c->params, c->body_buf);
}

hk_err api_report_get(struct call *c)
{
    return hk_report_get(c->ctx, c->id, &c->out);
}

hk_err api_report_triage(struct call *c)
{
    hk_err err = hk_report_triage(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 200;
    return err;
}

hk_err api_report_state(struct call *c)
{
    const char *state;
    hk_err err = api_need_str(c, "state", &state);

    return err ? err : hk_report_set_state(c->ctx, c->id, state, &c->out);
}

hk_err api_report_reject(struct call *c)
{
    return hk_report_set_state(c->ctx, c->id, "rejected", &c->out);
}

hk_err api_report_link(struct call *c)
{
    int64_t inc = 0;
    bool has = false;
    hk_err err = hk_json_int(c->ctx, c->body, "incident_id", &inc, &has);

    if (!err && !has)
        err = hk_errf(c->ctx->em, HK_EINVAL, "'incident_id' is required");
    if (!err)
        err = hk_report_link(c->ctx, c->id, inc);
    return err ? err : hk_report_get(c->ctx, c->id, &c->out);
}

hk_err api_report_unlink(struct call *c)
{
    hk_err err = hk_report_unlink(c->ctx, c->id);

    return err ? err : hk_report_get(c->ctx, c->id, &c->out);
}

hk_err api_observable_lookup(struct call *c)
{
    const char *v = json_string_value(json_object_get(c->params, "value"));

    if (!v)
        return hk_errf(c->ctx->em, HK_EINVAL, "query parameter 'value' is required");
    return hk_observable_lookup(c->ctx, v, &c->out);
}
