/* Unit tests of report comparison (reports/diff.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kc/diff.h"
#include "kc/err.h"
#include "kc/junit.h"
#include "kc/levels.h"
#include "kc/results.h"
#include "kc_report_fixture.h"
#include "kc_test_tmp.h"

/* One testcase per category, plus an unchanged one. */
static void build(struct kc_report *b, struct kc_report *n)
{
    fx_case(b, "A", "same", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "same", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "A", "regress", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "regress", "json", KC_OUTCOME_FAIL, "status,code");
    fx_case(b, "A", "fixed", "xml", KC_OUTCOME_FAIL, "message");
    fx_case(n, "A", "fixed", "xml", KC_OUTCOME_PASS, NULL);
    fx_case(b, "B", "changed", "json", KC_OUTCOME_FAIL, "status");
    fx_case(n, "B", "changed", "json", KC_OUTCOME_FAIL, "status,envelope");
    fx_case(b, "B", "still", "json", KC_OUTCOME_FAIL, "status");
    fx_case(n, "B", "still", "json", KC_OUTCOME_FAIL, "status");
    fx_case(n, "C", "new-bad", "json", KC_OUTCOME_ERROR, "transport");
    fx_case(n, "C", "new-good", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "C", "new-skip", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(b, "D", "gone", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "D", "to-skip", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "D", "to-skip", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(b, "D", "from-skip", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(n, "D", "from-skip", "json", KC_OUTCOME_FAIL, "code");
    fx_case(b, "D", "reason", "json", KC_OUTCOME_SKIP, NULL);
    struct kc_testcase *tc =
        fx_case(n, "D", "reason", "json", KC_OUTCOME_SKIP, NULL);
    kc_report_setstr(&tc->skip_reason, "another reason");
}

static const struct kc_diff_entry *entry(const struct kc_diff *d,
                                         const char *name)
{
    for (size_t i = 0; i < d->nentries; i++) {
        const struct kc_diff_entry *e = &d->entries[i];
        const struct kc_testcase *k = e->cur ? e->cur : e->base;
        if (!strcmp(k->name, name))
            return e;
    }
    return NULL;
}

/* The entry's category, -1 when the testcase is not listed. */
static int cat_of(const struct kc_diff *d, const char *name)
{
    const struct kc_diff_entry *e = entry(d, name);
    return e ? (int)e->cat : -1;
}

static const char *checks_of(const struct kc_diff *d, const char *name)
{
    const struct kc_diff_entry *e = entry(d, name);
    return e && e->checks ? e->checks : "";
}

static void test_categories(void **state)
{
    (void)state;
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    build(b, n);
    struct kc_diff *d = NULL;
    assert_int_equal(kc_diff_compute(b, n, &d), 0);
    assert_int_equal(d->unchanged, 2);
    for (unsigned c = 0; c < KC_DIFF_NCATS; c++)
        assert_int_equal(d->counts[c], 1);
    assert_int_equal(cat_of(d, "regress [json]"), KC_DIFF_REGRESSION);
    assert_string_equal(checks_of(d, "regress [json]"), "status, code");
    assert_int_equal(cat_of(d, "fixed [xml]"), KC_DIFF_FIX);
    assert_int_equal(cat_of(d, "changed [json]"), KC_DIFF_CHANGED);
    assert_string_equal(checks_of(d, "changed [json]"), "envelope");
    assert_int_equal(cat_of(d, "new-bad [json]"), KC_DIFF_NEW_FAILING);
    assert_int_equal(cat_of(d, "new-good [json]"), KC_DIFF_NEW_PASSING);
    assert_int_equal(cat_of(d, "new-skip [json]"), KC_DIFF_ADDED);
    assert_int_equal(cat_of(d, "gone [json]"), KC_DIFF_REMOVED);
    const struct kc_diff_entry *gone = entry(d, "gone [json]");
    assert_true(gone && !gone->cur && gone->base);
    assert_int_equal(cat_of(d, "to-skip [json]"), KC_DIFF_SKIPPED);
    assert_int_equal(cat_of(d, "from-skip [json]"), KC_DIFF_UNSKIPPED);
    assert_int_equal(cat_of(d, "reason [json]"), KC_DIFF_SKIP_REASON);
    assert_null(entry(d, "same [json]"));
    assert_null(entry(d, "still [json]"));
    /* ordered by category */
    for (size_t i = 1; i < d->nentries; i++)
        assert_true(d->entries[i - 1].cat <= d->entries[i].cat);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(n);
}

static void test_fail_on(void **state)
{
    (void)state;
    unsigned m = 0;
    char err[512];
    assert_int_equal(kc_diff_parse_cats("regression", &m, err, sizeof(err)), 0);
    assert_int_equal(m, 1u << KC_DIFF_REGRESSION);
    assert_int_equal(
        kc_diff_parse_cats("new-failing,removed", &m, err, sizeof(err)), 0);
    assert_int_equal(m, (1u << KC_DIFF_NEW_FAILING) | (1u << KC_DIFF_REMOVED));
    assert_int_equal(kc_diff_parse_cats("new", &m, err, sizeof(err)), 0);
    assert_int_equal(m, (1u << KC_DIFF_NEW_FAILING) |
                            (1u << KC_DIFF_NEW_PASSING) |
                            (1u << KC_DIFF_ADDED));
    assert_int_equal(
        kc_diff_parse_cats("regression,bogus", &m, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "'bogus'"));

    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    fx_case(b, "A", "x", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "x", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "A", "y", "json", KC_OUTCOME_PASS, NULL);
    struct kc_diff *d = NULL;
    assert_int_equal(kc_diff_compute(b, n, &d), 0);
    assert_false(kc_diff_fails(d, 1u << KC_DIFF_REGRESSION));
    assert_true(kc_diff_fails(d, 1u << KC_DIFF_REMOVED));
    kc_diff_free(d);
    /* identical reports: nothing */
    assert_int_equal(kc_diff_compute(b, b, &d), 0);
    assert_int_equal(d->nentries, 0);
    assert_int_equal(d->unchanged, 2);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(n);
}

static char *render(int how, const struct kc_diff *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (how == 0)
        kc_diff_print_text(f, d, "base.xml", "new.xml");
    else if (how == 1)
        kc_diff_print_markdown(f, d, "base.xml", "new.xml");
    else
        assert_int_equal(kc_diff_print_json(f, d, "base.xml", "new.xml",
                                            1u << KC_DIFF_REGRESSION),
                         0);
    fclose(f);
    return buf;
}

static void test_renderings(void **state)
{
    (void)state;
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    build(b, n);
    struct kc_diff *d = NULL;
    assert_int_equal(kc_diff_compute(b, n, &d), 0);
    char *t = render(0, d);
    assert_non_null(strstr(t, "Regressions (1):\n  kmsconf.A  regress [json]: "
                              "pass -> fail  failing checks: status, code\n"));
    assert_non_null(strstr(t, "Removed (1):\n  kmsconf.D  gone [json]: pass "
                              "-> absent\n"));
    char *m = render(1, d);
    assert_non_null(strstr(m, "#### Regressions (1)"));
    assert_non_null(strstr(m, "| `regress [json]` | A | pass | fail | "
                              "failing checks: status, code |"));
    char *j = render(2, d);
    assert_non_null(strstr(j, "\"failing\":\ttrue"));
    assert_non_null(strstr(j, "\"category\":\t\"regression\""));
    /* deterministic */
    char *t2 = render(0, d);
    assert_string_equal(t, t2);
    free(t);
    free(t2);
    free(m);
    free(j);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(n);
}

/* Reports unfit to gate on: a testcase twice in either, NEW interrupted
 * (by the property or by interrupt skips) or with fewer testcases. */
static void test_check_inputs(void **state)
{
    (void)state;
    char err[512] = "";
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    fx_case(b, "A", "one", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "A", "two", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "one", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "two", "json", KC_OUTCOME_FAIL, "status");
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), 0);
    kc_report_set_prop(n, "kmsconf.interrupted", "false");
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), 0);

    /* fewer testcases in NEW; more is fine */
    assert_int_equal(
        kc_diff_check_inputs(n, b, "n.xml", "b.xml", err, sizeof(err)), 0);
    fx_case(b, "A", "three", "json", KC_OUTCOME_PASS, NULL);
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_string_equal(err, "n.xml has 2 testcases, 1 fewer than b.xml (3): "
                             "a partial run cannot show the regressions of "
                             "what it left out");
    fx_case(n, "A", "three", "json", KC_OUTCOME_PASS, NULL);

    /* interrupted: by the property, or by its interrupt skips */
    kc_report_set_prop(n, "kmsconf.interrupted", "true");
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "n.xml is the report of an interrupted run "
                                "(kmsconf.interrupted=true, 0 testcases"));
    kc_report_set_prop(n, "kmsconf.interrupted", "false");
    struct kc_testcase *tc = &n->cases[2];
    assert_int_equal(kc_testcase_set_skip(tc, "interrupted", "stopped"), 0);
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kmsconf.interrupted=false, 1 testcases"));
    assert_int_equal(
        kc_diff_check_inputs(n, b, "n.xml", "b.xml", err, sizeof(err)), 0);

    /* a duplicate in either report, wherever it lies */
    fx_case(b, "A", "one", "json", KC_OUTCOME_FAIL, "code");
    assert_int_equal(
        kc_diff_check_inputs(b, b, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_string_equal(err, "b.xml holds testcase 'kmsconf.A' 'one [json]' "
                             "more than once: a report with duplicates "
                             "cannot be compared (combine shards with "
                             "kmsconf merge)");
    assert_int_equal(
        kc_diff_check_inputs(n, b, "n.xml", "b.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "b.xml holds testcase"));
    kc_report_free(b);
    kc_report_free(n);
}

/* ---- kc_diff_pair_read: streamed or not, what reading whole gives ---- */

/* Every rendering of d, the level lines (a, b) and the gate's verdict
 * (check, err), one after the other. */
static char *render_all(const struct kc_diff *d, const struct kc_levels *a,
                        const struct kc_levels *b, int check, const char *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fprintf(f, "check %d %s\n", check, check ? err : "");
    kc_diff_print_text(f, d, "base.xml", "new.xml");
    kc_levels_print_diff(f, a, b, false);
    kc_diff_print_markdown(f, d, "base.xml", "new.xml");
    kc_levels_print_diff(f, a, b, true);
    kc_diff_print_json(f, d, "base.xml", "new.xml", (1u << KC_DIFF_NCATS) - 1);
    fclose(f);
    return buf;
}

/* What today's diff finds: both read whole, compared. */
static char *whole(const char *bp, const char *cp)
{
    char err[KC_ERR_MAX] = "";
    struct kc_report *b = NULL, *c = NULL;
    struct kc_diff *d = NULL;
    if (kc_results_read_any(bp, KC_JUNIT_READ_NO_TRANSCRIPT, &b, err,
                            sizeof(err)) ||
        kc_results_read_any(cp, KC_JUNIT_READ_NO_TRANSCRIPT, &c, err,
                            sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(kc_diff_compute(b, c, &d), 0);
    struct kc_levels lb, lc;
    kc_levels_count(b, &lb);
    kc_levels_count(c, &lc);
    int check =
        kc_diff_check_inputs(b, c, "base.xml", "new.xml", err, sizeof(err));
    char *out = render_all(d, &lb, &lc, check, err);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(c);
    return out;
}

/* The same through kc_diff_pair_read; *streamed says how it read. */
static char *paired(const char *bp, const char *cp, bool *streamed)
{
    char err[KC_ERR_MAX] = "";
    struct kc_diff_pair *p = NULL;
    if (kc_diff_pair_read(bp, cp, KC_JUNIT_READ_NO_TRANSCRIPT, &p, err,
                          sizeof(err)))
        fail_msg("%s", err);
    *streamed = p->streamed;
    int check = kc_diff_pair_check(p, "base.xml", "new.xml", err, sizeof(err));
    char *out = render_all(p->d, &p->base.levels, &p->cur.levels, check, err);
    kc_diff_pair_free(p);
    return out;
}

static void assert_same(const char *bp, const char *cp, bool want_streamed)
{
    bool streamed = !want_streamed;
    char *w = whole(bp, cp), *s = paired(bp, cp, &streamed);
    assert_string_equal(s, w);
    assert_int_equal(streamed, want_streamed);
    free(w);
    free(s);
}

/* Reading whole says needle. */
static void assert_whole_has(const char *bp, const char *cp, const char *needle)
{
    char *w = whole(bp, cp);
    if (!strstr(w, needle))
        fail_msg("no '%s' in %s", needle, w);
    free(w);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* build()'s reports with levels, as kmsconf writes them. */
static void write_pair(const char *bp, const char *cp, bool base_json)
{
    char err[KC_ERR_MAX] = "";
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    build(b, n);
    for (size_t i = 0; i < b->ncases; i++)
        kc_report_setstr(&b->cases[i].level, i % 2 ? "core" : "aliases");
    for (size_t i = 0; i < n->ncases; i++)
        kc_report_setstr(&n->cases[i].level, i % 3 ? "core" : "aliases");
    int rc = base_json ? kc_results_write(b, bp, err, sizeof(err))
                       : kc_junit_write(b, bp, false, err, sizeof(err));
    if (rc || kc_junit_write(n, cp, false, err, sizeof(err)))
        fail_msg("%s", err);
    kc_report_free(b);
    kc_report_free(n);
}

/* kmsconf's own reports are streamed, JUnit or results JSON, either way
 * round, and give what reading them whole gives. */
static void test_pair_streams(void **state)
{
    (void)state;
    const char *bx = fx_tmp_path("b.xml"), *cx = fx_tmp_path("c.xml");
    const char *bj = fx_tmp_path("b.json");
    write_pair(bx, cx, false);
    write_pair(bj, cx, true);
    assert_same(bx, cx, true);
    assert_same(cx, bx, true);
    assert_same(bj, cx, true);
    assert_same(cx, bj, true);
    assert_same(bx, bx, true);
}

/* Another producer's order, or a testcase twice: read whole instead. */
static void test_pair_falls_back(void **state)
{
    (void)state;
    const char *bx = fx_tmp_path("b.xml"), *cx = fx_tmp_path("c.xml");
    const char *fx = fx_tmp_path("foreign.xml");
    write_pair(bx, cx, false);
    /* sorted but for the last testcase */
    write_text(fx, "<testsuite name=\"s\">"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "<testcase classname=\"kmsconf.A\" name=\"regress [json]\">"
                   "<failure message=\"x\" type=\"status\"/></testcase>"
                   "<testcase classname=\"kmsconf.A\" name=\"same [json]\"/>"
                   "<testcase classname=\"kmsconf.A\" name=\"aaa [json]\"/>"
                   "</testsuite>");
    assert_same(bx, fx, false);
    assert_same(fx, cx, false);
    /* a testcase twice, next to each other or not */
    write_text(fx, "<testsuite name=\"s\">"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "</testsuite>");
    assert_same(bx, fx, false);
    assert_same(fx, cx, false);
    assert_whole_has(fx, cx,
                     "base.xml holds testcase "
                     "'kmsconf.A' 'fixed [xml]' more");
    write_text(fx, "<testsuite name=\"s\">"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "<testcase classname=\"kmsconf.B\" name=\"x\"/>"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "</testsuite>");
    assert_same(cx, fx, false);
}

/* The gate on a streamed pair: an interrupted NEW, by its property (which
 * another producer may give after its testcases) or by interrupt skips,
 * and one with fewer testcases. */
static void test_pair_gate(void **state)
{
    (void)state;
    const char *bx = fx_tmp_path("b.xml"), *cx = fx_tmp_path("c.xml");
    write_pair(bx, cx, false);
    write_text(cx, "<testsuite name=\"s\">"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "<testcase classname=\"kmsconf.A\" name=\"same [json]\">"
                   "<skipped message=\"interrupted: stopped\"/></testcase>"
                   "<properties><property name=\"kmsconf.interrupted\" "
                   "value=\"true\"/></properties></testsuite>");
    assert_same(bx, cx, true);
    assert_whole_has(bx, cx,
                     "(kmsconf.interrupted=true, 1 "
                     "testcases skipped as interrupted)");
    write_text(cx, "<testsuite name=\"s\">"
                   "<testcase classname=\"kmsconf.A\" name=\"fixed [xml]\"/>"
                   "</testsuite>");
    assert_same(bx, cx, true);
    assert_whole_has(bx, cx, "new.xml has 1 testcases");
}

/* A suite of n sorted testcases, then tail (may break the document). */
static void write_many(const char *path, int n, const char *tail)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<testsuite name=\"s\">\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "<testcase classname=\"kmsconf.A\" name=\"%06d [json]\"/>\n",
                i);
    fprintf(f, "%s</testsuite>\n", tail);
    assert_int_equal(fclose(f), 0);
}

/* A read error in the middle of a stream: no result, and the error that
 * reading whole gives, BASE's before NEW's. */
static void test_pair_read_error(void **state)
{
    (void)state;
    char err[KC_ERR_MAX] = "", want[KC_ERR_MAX] = "";
    const char *good = fx_tmp_path("good.xml"), *bad = fx_tmp_path("bad.xml");
    const char *bad2 = fx_tmp_path("bad2.xml");
    write_many(good, 5000, "");
    write_many(bad, 4000, "<testcase classname=\"kmsconf.B\" name=\"x\">");
    write_many(bad2, 3000, "<testcase/>");
    struct kc_report *r = NULL;
    struct kc_diff_pair *p = (struct kc_diff_pair *)1;
    assert_int_equal(kc_results_read_any(bad, 0, &r, want, sizeof(want)), -1);
    assert_int_equal(kc_diff_pair_read(good, bad, 0, &p, err, sizeof(err)), -1);
    assert_null(p);
    assert_string_equal(err, want);
    assert_int_equal(kc_diff_pair_read(bad, good, 0, &p, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    /* both: BASE's, though NEW's comes first in the stream */
    assert_int_equal(kc_diff_pair_read(bad, bad2, 0, &p, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    assert_int_equal(kc_results_read_any(bad2, 0, &r, want, sizeof(want)), -1);
    assert_int_equal(kc_diff_pair_read(bad2, bad, 0, &p, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    assert_non_null(strstr(err, "without a name"));
    /* an unreadable one */
    assert_int_equal(kc_diff_pair_read(good, fx_tmp_path("none.xml"), 0, &p,
                                       err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "none.xml: cannot open"));
}

/* A FIFO is read whole from the start, opened once: its writer delivers
 * all of it. */
static void test_pair_fifo(void **state)
{
    (void)state;
    const char *bx = fx_tmp_path("b.xml"), *cx = fx_tmp_path("c.xml");
    char fifo[256];
    snprintf(fifo, sizeof(fifo), "%s", fx_tmp_path("c.fifo"));
    write_pair(bx, cx, false);
    char *w = whole(bx, cx);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* a reader held meanwhile, so that the writer is in before the read
     * (a FIFO without a writer reads as empty) */
    int held = open(fifo, O_RDONLY | O_NONBLOCK);
    int ready[2];
    assert_true(held >= 0);
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the writer: cat c.xml > fifo */
        FILE *in = fopen(cx, "rb"), *out = fopen(fifo, "wb");
        char buf[4096];
        size_t n;
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        while (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
            if (fwrite(buf, 1, n, out) != n)
                _exit(1);
        _exit(out && fclose(out) == 0 ? 0 : 1);
    }
    char x;
    assert_int_equal(read(ready[0], &x, 1), 1);
    bool streamed = true;
    char *s = paired(bx, fifo, &streamed);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(held);
    close(ready[0]);
    close(ready[1]);
    assert_false(streamed);
    assert_string_equal(s, w);
    free(s);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_fail_on),
        cmocka_unit_test(test_renderings),
        cmocka_unit_test(test_check_inputs),
        cmocka_unit_test(test_pair_streams),
        cmocka_unit_test(test_pair_falls_back),
        cmocka_unit_test(test_pair_gate),
        cmocka_unit_test(test_pair_read_error),
        cmocka_unit_test(test_pair_fifo),
    };
    return cmocka_run_group_tests(tests, fx_tmp_setup, fx_tmp_teardown);
}
