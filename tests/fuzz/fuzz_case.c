/*
 * fuzz_case: the case-file loader and linter (kc_case_parse, then
 * kc_caseset_finish) on arbitrary bytes.
 *
 * Invariants checked beyond memory safety: the return code agrees with what
 * was appended (0: one case and no issue; 1: no case and at least one
 * issue); every issue is one line; loading the same valid case twice makes
 * kc_caseset_finish report the duplicate id; a loaded case is found by id.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/case.h"
#include "kc/case_parse.h"

static void check_issues(const struct kc_issues *is)
{
    for (size_t i = 0; i < is->n; i++) {
        if (!is->lines[i] || strpbrk(is->lines[i], "\r\n"))
            fz_fail("kc_case: an issue is not one line");
    }
}

static void check_case(const struct kc_case *c)
{
    const char *creds[64];
    size_t n = kc_case_credentials(c, creds, 64);

    for (size_t i = 0; i < n && i < 64; i++) {
        if (!creds[i])
            fz_fail("kc_case_credentials: NULL name");
    }
    if (!c->id || !c->error || !c->summary || !c->file || !c->probe.credential)
        fz_fail("kc_case: a never-NULL string is NULL");
    for (size_t i = 0; i < c->ntags; i++)
        (void)kc_case_has_tag(c, c->tags[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kc_catalog *cat = fz_catalog();
    struct kc_caseset set;
    struct kc_issues issues;
    int rc;

    kc_caseset_init(&set);
    kc_issues_init(&issues);
    rc = kc_case_parse(&set, (const char *)data, size, "fuzz/a.json", cat,
                       &issues);
    if (rc < 0)
        goto out;
    if ((rc == 0) != (set.n == 1 && issues.n == 0) ||
        (rc == 1) != (set.n == 0 && issues.n > 0))
        fz_fail("kc_case_parse: return code disagrees with its output");
    check_issues(&issues);
    if (rc != 0)
        goto out;
    check_case(&set.cases[0]);
    if (kc_case_parse(&set, (const char *)data, size, "fuzz/b.json", cat,
                      &issues) != 0)
        fz_fail("kc_case_parse: same bytes, different verdict");
    if (kc_caseset_finish(&set, &issues) != 1 || issues.n == 0)
        fz_fail("kc_caseset_finish: duplicate id not reported");
    check_issues(&issues);
    if (!kc_caseset_find(&set, set.cases[0].id))
        fz_fail("kc_caseset_find: loaded case not found");
out:
    kc_issues_dispose(&issues);
    kc_caseset_dispose(&set);
    return 0;
}
