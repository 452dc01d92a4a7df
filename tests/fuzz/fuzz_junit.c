/*
 * fuzz_junit: the JUnit reader (kc_junit_read_mem) on arbitrary bytes, as
 * `kmsconf diff/merge/expect/matrix` read reports of other producers.
 *
 * Invariants checked beyond memory safety: a refusal comes with a one-line
 * reason; an accepted report can be written back in both modes and read
 * again, with the same number of testcases and the same outcome counts;
 * the streaming read (kc_junit_each) and the pull reader (kc_junit_next)
 * accept and refuse what the whole read does, with the same reason, and
 * hand on the same testcases.
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

/* What the streaming read handed on: counts by outcome. */
struct streamed {
    size_t n[KC_OUTCOME_SKIP + 1];
};

static int count_case(void *ud, const struct kc_report *hdr,
                      struct kc_testcase *tc)
{
    struct streamed *s = ud;
    if (hdr->ncases != 0)
        fz_fail("kc_junit_each: the header holds a testcase");
    s->n[tc->outcome]++;
    return 0;
}

static void same_as_streamed(const uint8_t *data, size_t size, int rc,
                             const char *err, const struct kc_report *r)
{
    char serr[512] = "";
    struct streamed s = {{0}};
    struct kc_report *hdr = NULL;
    int src = kc_junit_each(NULL, (const char *)data, size, "fuzz.xml", 0,
                            count_case, &s, &hdr, serr, sizeof(serr));
    if (src != rc || (rc && strcmp(err, serr)))
        fz_fail("kc_junit_each: not what kc_junit_read_mem says");
    for (int o = KC_OUTCOME_PASS; rc == 0 && o <= KC_OUTCOME_SKIP; o++) {
        if (s.n[o] != kc_report_count(r, (enum kc_outcome)o))
            fz_fail("kc_junit_each: other testcases than the whole read");
    }
    if (rc == 0 && hdr->nprops != r->nprops)
        fz_fail("kc_junit_each: other properties than the whole read");
    kc_report_free(hdr);
}

static void same_as_pulled(const uint8_t *data, size_t size, int rc,
                           const char *err, const struct kc_report *r)
{
    char perr[512] = "";
    size_t n[KC_OUTCOME_SKIP + 1] = {0};
    struct kc_junit_reader *rd = NULL;
    struct kc_testcase *tc = NULL;
    int prc = kc_junit_open(NULL, (const char *)data, size, "fuzz.xml", 0, &rd,
                            perr, sizeof(perr));
    if (prc == 0) {
        while ((prc = kc_junit_next(rd, &tc, perr, sizeof(perr))) == 1)
            n[tc->outcome]++;
    }
    if (prc != rc || (rc && strcmp(err, perr)))
        fz_fail("kc_junit_next: not what kc_junit_read_mem says");
    for (int o = KC_OUTCOME_PASS; rc == 0 && o <= KC_OUTCOME_SKIP; o++) {
        if (n[o] != kc_report_count(r, (enum kc_outcome)o))
            fz_fail("kc_junit_next: other testcases than the whole read");
    }
    if (rc == 0 && kc_junit_header(rd)->nprops != r->nprops)
        fz_fail("kc_junit_next: other properties than the whole read");
    kc_junit_close(rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    struct kc_report *r = NULL;

    int rc = kc_junit_read_mem((const char *)data, size, "fuzz.xml", &r, err,
                               sizeof(err));
    same_as_streamed(data, size, rc, err, r);
    same_as_pulled(data, size, rc, err, r);
    if (rc != 0) {
        check_err(err);
        return 0;
    }
    round_trip(r, false);
    round_trip(r, true);
    kc_report_free(r);
    return 0;
}
