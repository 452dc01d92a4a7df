/*
 * Helpers shared by the report tests (included by test_kc_*.c): builds small
 * reports in memory.
 */
#ifndef KC_REPORT_FIXTURE_H
#define KC_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/report.h"

static struct kc_report *fx_report(const char *target)
{
    struct kc_report *r = kc_report_new("kmsconf");
    if (!r)
        abort();
    kc_report_set_prop(r, "kmsconf.version", "0.1.0");
    kc_report_set_prop(
        r, "kmsconf.catalog_sha256",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    if (target)
        kc_report_set_prop(r, "kmsconf.target", target);
    kc_report_set_prop(r, "kmsconf.started", "2026-11-28T00:00:00Z");
    kc_report_setstr(&r->timestamp, "2026-11-28T00:00:00Z");
    r->time_s = 1.5;
    return r;
}

/* A testcase of case id for code in format fmt; FAIL and ERROR outcomes get
 * the failures named in checks (comma-separated). */
static struct kc_testcase *fx_case(struct kc_report *r, const char *code,
                                   const char *id, const char *fmt,
                                   enum kc_outcome o, const char *checks)
{
    struct kc_testcase *tc = kc_report_add_case(r);
    char buf[512];
    if (!tc || kc_testcase_set_id(tc, id, fmt, code))
        abort();
    tc->outcome = o;
    tc->time_s = 0.25;
    if (o == KC_OUTCOME_SKIP) {
        kc_report_setstr(&tc->skip_type, "missing-credential");
        kc_report_setstr(&tc->skip_reason, "target has no in-debt credential");
    }
    const char *p = checks;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        char check[64];
        snprintf(check, sizeof(check), "%.*s", (int)n, p);
        snprintf(buf, sizeof(buf), "%s check failed for %s", check, id);
        kc_testcase_add_failure(tc, check, buf, "expected X\ngot Y");
        p += n + (p[n] == ',');
    }
    return tc;
}

#endif
