/*
 * fuzz_junit: the JUnit reader (kc_junit_read_mem) on arbitrary bytes, as
 * `kmsconf diff/merge/expect/matrix` read reports of other producers.
 *
 * Invariants checked beyond memory safety: a refusal comes with a one-line
 * reason; an accepted report can be written back in both modes and read
 * again, with the same number of testcases and the same outcome counts.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/junit.h"

static void check_err(const char *err)
{
    if (err[0] == '\0' || strpbrk(err, "\r\n"))
        fz_fail("kc_junit_read_mem: refusal without a one-line reason");
}

static void check_same(const struct kc_report *a, const struct kc_report *b)
{
    if (a->ncases != b->ncases)
        fz_fail("junit round trip: testcase count changed");
    for (int o = KC_OUTCOME_PASS; o <= KC_OUTCOME_SKIP; o++) {
        if (kc_report_count(a, (enum kc_outcome)o) !=
            kc_report_count(b, (enum kc_outcome)o))
            fz_fail("junit round trip: outcome counts changed");
    }
}

static void round_trip(const struct kc_report *r, bool strict)
{
    char err[512] = "";
    char *xml = NULL;
    struct kc_report *again = NULL;

    if (kc_junit_write_mem(r, strict, &xml, err, sizeof(err)) != 0)
        fz_fail("kc_junit_write_mem: cannot write a report it read");
    if (kc_junit_read_mem(xml, strlen(xml), "again.xml", &again, err,
                          sizeof(err)) != 0)
        fz_fail("kc_junit_read_mem: cannot read a report it wrote");
    /* Strict mode keeps one failure per testcase but the outcomes. */
    check_same(r, again);
    kc_report_free(again);
    free(xml);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    struct kc_report *r = NULL;

    if (kc_junit_read_mem((const char *)data, size, "fuzz.xml", &r, err,
                          sizeof(err)) != 0) {
        check_err(err);
        return 0;
    }
    round_trip(r, false);
    round_trip(r, true);
    kc_report_free(r);
    return 0;
}
