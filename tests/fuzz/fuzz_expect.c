/*
 * fuzz_expect: the expectation-file reader (kc_expect_parse) on arbitrary
 * bytes, as `kmsconf run --expect` and `kmsconf expect --check` read files
 * that people edit by hand.
 *
 * Invariants checked beyond memory safety: a refusal comes with a one-line
 * reason naming the file; an accepted file has the required fields of each
 * entry; applying it to a report with one failing testcase per entry
 * succeeds and counts no more than there is; the file that
 * kc_expect_from_report writes for the report left over is accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/expect.h"

/* A fixed "now" (2026-11-28 12:00:00 UTC), so that expiry is repeatable. */
#define FZ_EXPECT_NOW ((time_t)1795867200)

static void check_err(const char *err)
{
    if (strncmp(err, "fuzz.json", strlen("fuzz.json")) || strpbrk(err, "\r\n"))
        fz_fail("kc_expect_parse: refusal without a one-line reason");
}

static void check_entries(const struct kc_expect *e)
{
    for (size_t i = 0; i < e->nentries; i++) {
        const struct kc_expect_entry *x = &e->entries[i];
        if (!x->case_id || !x->case_id[0] || !x->reason || !x->reason[0])
            fz_fail("kc_expect_parse: entry without case or reason");
        if (x->format && strcmp(x->format, "json") && strcmp(x->format, "xml"))
            fz_fail("kc_expect_parse: entry with an unknown format");
    }
}

/* One failing testcase per entry, of its case, format and check. */
static struct kc_report *report_for(const struct kc_expect *e)
{
    struct kc_report *r = kc_report_new("kmsconf");
    if (!r)
        abort();
    for (size_t i = 0; i < e->nentries; i++) {
        const struct kc_expect_entry *x = &e->entries[i];
        struct kc_testcase *tc = kc_report_add_case(r);
        if (!tc ||
            kc_testcase_set_id(tc, x->case_id, x->format ? x->format : "json",
                               "Fuzz") ||
            kc_testcase_add_failure(tc, x->check ? x->check : "status", "fuzz",
                                    NULL))
            abort();
        tc->outcome = KC_OUTCOME_FAIL;
    }
    return r;
}

static void apply_and_regenerate(const struct kc_expect *e)
{
    struct kc_report *r = report_for(e);
    struct kc_expect_outcome o;
    if (kc_expect_apply(e, r, FZ_EXPECT_NOW, &o) != 0)
        fz_fail("kc_expect_apply: failed on an accepted file");
    if (o.applied > r->ncases || o.stale + o.unmatched > e->nentries ||
        o.expired > e->nentries)
        fz_fail("kc_expect_apply: counts larger than the input");
    char *text = kc_expect_from_report(r);
    struct kc_expect *again = NULL;
    char err[512] = "";
    if (!text ||
        kc_expect_parse(text, "again.json", &again, err, sizeof(err)) != 0)
        fz_fail("kc_expect_from_report: wrote a file it cannot read");
    kc_expect_free(again);
    free(text);
    kc_expect_outcome_dispose(&o);
    kc_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    struct kc_expect *e = NULL;
    char *text = fz_strndup(data, size);

    if (kc_expect_parse(text, "fuzz.json", &e, err, sizeof(err)) != 0) {
        check_err(err);
    } else {
        check_entries(e);
        apply_and_regenerate(e);
    }
    kc_expect_free(e);
    free(text);
    return 0;
}
