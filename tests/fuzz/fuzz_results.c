/*
 * fuzz_results: the results-file reader (kc_results_read_mem) on arbitrary
 * bytes, as `kmsconf diff/merge/expect/matrix` read a results file.
 *
 * Invariants checked beyond memory safety: a refusal comes with a one-line
 * reason; an accepted report is written back and read again with the same
 * testcase and outcome counts, and writing that again gives the same text
 * (the writer's output is a fixed point of reading and writing).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/results.h"

static void check_err(const char *err)
{
    if (err[0] == '\0' || strpbrk(err, "\r\n"))
        fz_fail("kc_results_read_mem: refusal without a one-line reason");
}

static void check_same(const struct kc_report *a, const struct kc_report *b)
{
    if (a->ncases != b->ncases || a->nprops != b->nprops)
        fz_fail("results round trip: testcase or property count changed");
    for (int o = KC_OUTCOME_PASS; o <= KC_OUTCOME_SKIP; o++) {
        if (kc_report_count(a, (enum kc_outcome)o) !=
            kc_report_count(b, (enum kc_outcome)o))
            fz_fail("results round trip: outcome counts changed");
    }
}

static void round_trip(const struct kc_report *r)
{
    char err[512] = "";
    char *text = NULL, *again_text = NULL;
    struct kc_report *again = NULL;

    if (kc_results_write_mem(r, &text, err, sizeof(err)) != 0)
        fz_fail("kc_results_write_mem: cannot write a report it read");
    if (kc_results_read_mem(text, strlen(text), "again.json", 0, &again, err,
                            sizeof(err)) != 0)
        fz_fail("kc_results_read_mem: cannot read a report it wrote");
    check_same(r, again);
    if (kc_results_write_mem(again, &again_text, err, sizeof(err)) != 0 ||
        strcmp(text, again_text) != 0)
        fz_fail("results round trip: the text changed when written again");
    kc_report_free(again);
    free(again_text);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    struct kc_report *r = NULL;

    if (kc_results_read_mem((const char *)data, size, "fuzz.json", 0, &r, err,
                            sizeof(err)) != 0) {
        check_err(err);
        return 0;
    }
    round_trip(r);
    kc_report_free(r);
    return 0;
}
