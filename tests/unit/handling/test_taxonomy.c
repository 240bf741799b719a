/* SPDX-License-Identifier: MIT */
/*
 * Classification vocabularies against the reference data: every RSIT class and type of
 * ENISA's machine-readable taxonomy (tests/data/rsit/machinev1) is accepted, nothing else
 * is; TLP 2.0 and PAP labels normalise; lifecycles allow exactly their transitions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/handling.h"

static void test_rsit_matches_reference(void **state)
{
    char path[1024];
    json_t *root, *values, *v, *e, *ours, *cls;
    size_t i, j, n_types = 0, our_types = 0;

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/data/rsit/machinev1",
             getenv("HK_SRC") ? getenv("HK_SRC") : ".");
    root = json_load_file(path, 0, NULL);
    assert_non_null(root);
    values = json_object_get(root, "values");
    assert_int_equal(json_array_size(values), 11);
    json_array_foreach(values, i, v)
    {
        const char *pred = json_string_value(json_object_get(v, "predicate"));
        assert_int_equal(hk_rsit_check(pred, NULL), HK_OK);
        json_array_foreach(json_object_get(v, "entry"), j, e)
        {
            assert_int_equal(hk_rsit_check(pred, json_string_value(json_object_get(e, "value"))),
                             HK_OK);
            n_types++;
        }
    }
    /* And our table has nothing more than the reference. */
    ours = hk_taxonomy_json();
    json_array_foreach(json_object_get(ours, "rsit"), i, cls) our_types +=
        json_array_size(json_object_get(cls, "types"));
    assert_int_equal(json_array_size(json_object_get(ours, "rsit")), 11);
    assert_int_equal(our_types, n_types);
    assert_int_equal(hk_rsit_check("malicious-code", "phishing"), HK_EINVAL);
    assert_int_equal(hk_rsit_check("nonsense", NULL), HK_EINVAL);
    json_decref(ours);
    json_decref(root);
}

static void test_labels(void **state)
{
    static const struct {
        const char *in;
        const char *tlp; /* NULL: invalid */
    } rows[] = {
        {"red", "RED"},
        {"TLP:AMBER+STRICT", "AMBER+STRICT"},
        {"amber", "AMBER"},
        {"white", "CLEAR"},
        {"TLP:CLEAR", "CLEAR"},
        {"green", "GREEN"},
        {"amber+", NULL},
        {"purple", NULL},
        {"", NULL},
        {"TLP:", NULL},
    };
    char out[16];

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hk_err err = hk_tlp_parse(rows[i].in, out);
        if (rows[i].tlp) {
            assert_int_equal(err, HK_OK);
            assert_string_equal(out, rows[i].tlp);
        } else {
            assert_int_equal(err, HK_EINVAL);
        }
    }
    assert_int_equal(hk_pap_parse("PAP:red", out), HK_OK);
    assert_string_equal(out, "RED");
    assert_int_equal(hk_pap_parse("amber+strict", out), HK_EINVAL);
    assert_int_equal(hk_severity_check("critical"), HK_OK);
    assert_int_equal(hk_severity_check("urgent"), HK_EINVAL);
    assert_int_equal(hk_severity_rank("high"), 2);
    assert_int_equal(hk_malware_class_check("ransomware"), HK_OK);
    assert_int_equal(hk_malware_class_check("rootkit"), HK_EINVAL);
    assert_int_equal(hk_infection_route_check("airborne"), HK_OK);
    assert_int_equal(hk_infection_route_check("waterborne"), HK_EINVAL);
}

static void test_incident_lifecycle(void **state)
{
    static const char *const st[] = {"new",        "triage",   "analysis",
                                     "mitigation", "resolved", "abandoned"};
    /* allowed[from][to] */
    static const int allowed[6][6] = {
        {0, 1, 0, 0, 0, 1}, {0, 0, 1, 0, 1, 1}, {0, 0, 0, 1, 1, 1},
        {0, 0, 1, 0, 1, 1}, {0, 1, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0},
    };
    const char *to;

    (void)state;
    for (int f = 0; f < 6; f++)
        for (int t = 0; t < 6; t++)
            assert_int_equal(hk_lifecycle_check(HK_OBJ_INCIDENT, st[f], st[t]),
                             allowed[f][t] ? HK_OK : HK_ESTATE);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_INCIDENT, "new", "closed"), HK_EINVAL);
    assert_int_equal(hk_incident_action_state("reopen", &to), HK_OK);
    assert_string_equal(to, "triage");
    assert_int_equal(hk_incident_action_state("mitigate", &to), HK_OK);
    assert_string_equal(to, "mitigation");
    assert_int_equal(hk_incident_action_state("explode", &to), HK_EINVAL);
}

static void test_other_lifecycles(void **state)
{
    json_t *next;

    (void)state;
    assert_int_equal(hk_lifecycle_check(HK_OBJ_REPORT, "new", "open"), HK_OK);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_REPORT, "new", "resolved"), HK_ESTATE);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_INVESTIGATION, "open", "waiting"), HK_OK);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_INVESTIGATION, "waiting", "answered"), HK_OK);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_INVESTIGATION, "resolved", "answered"), HK_ESTATE);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_COUNTERMEASURE, "pending", "active"), HK_OK);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_COUNTERMEASURE, "active", "pending-removal"), HK_OK);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_COUNTERMEASURE, "pending", "pending-removal"),
                     HK_ESTATE);
    assert_int_equal(hk_lifecycle_check(HK_OBJ_COUNTERMEASURE, "removed", "active"), HK_ESTATE);
    next = hk_lifecycle_next(HK_OBJ_COUNTERMEASURE, "pending-removal");
    assert_int_equal(json_array_size(next), 2);
    json_decref(next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsit_matches_reference),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_incident_lifecycle),
        cmocka_unit_test(test_other_lifecycles),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
