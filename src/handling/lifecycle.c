/* SPDX-License-Identifier: MIT */
/*
 * The state machines of reports, incidents, investigations and countermeasures, as
 * transition tables. An incident follows the fire-brigade sequence of the seed (report,
 * triage, analysis, measures, resolution); it can be abandoned before resolution and
 * reopened after it.
 */
#include <string.h>

#include "hikeshi/handling.h"

struct edge {
    const char *from;
    const char *to;
};

static const char *const report_states[] = {"new", "open", "resolved", "rejected", NULL};
static const struct edge report_edges[] = {
    {"new", "open"},      {"new", "rejected"},  {"open", "resolved"}, {"open", "rejected"},
    {"resolved", "open"}, {"rejected", "open"}, {NULL, NULL},
};

static const char *const incident_states[] = {"new",      "triage",    "analysis", "mitigation",
                                              "resolved", "abandoned", NULL};
static const struct edge incident_edges[] = {
    {"new", "triage"},           {"new", "abandoned"},
    {"triage", "analysis"},      {"triage", "resolved"},
    {"triage", "abandoned"},     {"analysis", "mitigation"},
    {"analysis", "resolved"},    {"analysis", "abandoned"},
    {"mitigation", "analysis"},  {"mitigation", "resolved"},
    {"mitigation", "abandoned"}, {"resolved", "triage"},
    {"abandoned", "triage"},     {NULL, NULL},
};

static const char *const inv_states[] = {"open", "waiting", "answered", "resolved", NULL};
static const struct edge inv_edges[] = {
    {"open", "waiting"},      {"open", "answered"},    {"open", "resolved"},
    {"waiting", "answered"},  {"waiting", "resolved"}, {"answered", "waiting"},
    {"answered", "resolved"}, {"resolved", "open"},    {NULL, NULL},
};

static const char *const cm_states[] = {"pending", "active", "pending-removal", "removed", NULL};
static const struct edge cm_edges[] = {
    {"pending", "active"},          {"pending", "removed"},        {"active", "pending-removal"},
    {"pending-removal", "removed"}, {"pending-removal", "active"}, {NULL, NULL},
};

static void tables(enum hk_object o, const char *const **states, const struct edge **edges)
{
    switch (o) {
    case HK_OBJ_REPORT:
        *states = report_states;
        *edges = report_edges;
        break;
    case HK_OBJ_INCIDENT:
        *states = incident_states;
        *edges = incident_edges;
        break;
    case HK_OBJ_INVESTIGATION:
        *states = inv_states;
        *edges = inv_edges;
        break;
    default:
        *states = cm_states;
        *edges = cm_edges;
        break;
    }
}

hk_err hk_lifecycle_check(enum hk_object o, const char *from, const char *to)
{
    const char *const *states;
    const struct edge *edges;
    int known = 0;

    tables(o, &states, &edges);
    for (int i = 0; states[i]; i++)
        known |= !strcmp(states[i], to);
    if (!known)
        return HK_EINVAL;
    for (int i = 0; edges[i].from; i++)
        if (!strcmp(edges[i].from, from) && !strcmp(edges[i].to, to))
            return HK_OK;
    return HK_ESTATE;
}

json_t *hk_lifecycle_next(enum hk_object o, const char *from)
{
    const char *const *states;
    const struct edge *edges;
    json_t *a = json_array();

    tables(o, &states, &edges);
    for (int i = 0; edges[i].from; i++)
        if (!strcmp(edges[i].from, from))
            json_array_append_new(a, json_string(edges[i].to));
    return a;
}

hk_err hk_incident_action_state(const char *action, const char **state)
{
    static const struct edge actions[] = {
        {"triage", "triage"},       {"analyse", "analysis"},    {"analyze", "analysis"},
        {"analysis", "analysis"},   {"mitigate", "mitigation"}, {"mitigation", "mitigation"},
        {"resolve", "resolved"},    {"resolved", "resolved"},   {"abandon", "abandoned"},
        {"abandoned", "abandoned"}, {"reopen", "triage"},       {NULL, NULL},
    };

    for (int i = 0; actions[i].from; i++) {
        if (!strcmp(actions[i].from, action)) {
            *state = actions[i].to;
            return HK_OK;
        }
    }
    return HK_EINVAL;
}
