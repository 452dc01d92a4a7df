/* Unit tests of the streaming merge (reports/merge_stream.c): the same
 * report and the same errors as kc_merge + kc_junit_write on the reports
 * read whole, and nothing left at the output when it fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kc_report_fixture.h"
#include "kc/junit.h"
#include "kc/merge.h"
#include "kc/results.h"

#define NSHARDS    3
#define SHARD_CASE 900 /* several batches of the reader's queue */
#define ERRLEN     1024

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/kc_merge_stream.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    return rmdir(dir);
}

/* dir/name, in one of many static slots (a test uses a few dozen). */
static const char *path_of(const char *name)
{
    static char p[256][128];
    static int k;
    k = (k + 1) % 256;
    snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
    return p[k];
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = calloc(1, (size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The files in dir, counted (a leftover spool or temporary file shows). */
static int files_in_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static const char *const levels[] = {"core", "key-lifecycle", "aliases",
                                     "extension"};
static const char *const actions[] = {"Encrypt", "Decrypt", "CreateKey",
                                      "ListKeys"};
static const char *const codes[] = {"Forbidden.KeyNotFound", "InternalFailure",
                                    "Rejected.Throttling"};

/* Shard s of a run: testcase i goes to shard i % NSHARDS, and every
 * seventh one to the next shard too (an identical duplicate). */
static struct kc_report *shard(int s)
{
    struct kc_report *r = fx_report("t");
    char id[32], shardname[32];
    snprintf(shardname, sizeof(shardname), "%d/%d", s + 1, NSHARDS);
    kc_report_set_prop(r, "kmsconf.shard", shardname);
    kc_report_set_prop(r, "kmsconf.vendor", "Acme");
    kc_report_set_prop(r, "kmsconf.claims.levels", "core,aliases");
    kc_report_set_prop(r, "kmsconf.claims.actions", "Encrypt,GenerateDataKey");
    kc_report_set_prop(r, "kmsconf.retries", s == 1 ? "4" : "1");
    kc_report_set_prop(r, "x.custom", s ? "b" : "a");
    for (int i = 0; i < SHARD_CASE * NSHARDS; i++) {
        if (i % NSHARDS != s && !(i % 7 == 0 && (i + 1) % NSHARDS == s))
            continue;
        static const enum kc_outcome o[] = {KC_OUTCOME_PASS, KC_OUTCOME_FAIL,
                                            KC_OUTCOME_SKIP, KC_OUTCOME_PASS,
                                            KC_OUTCOME_ERROR};
        snprintf(id, sizeof(id), "c/%05d", i);
        struct kc_testcase *tc =
            fx_case(r, codes[i % 3], id, i % 2 ? "xml" : "json", o[i % 5],
                    o[i % 5] == KC_OUTCOME_FAIL ? "status,code" : "setup");
        kc_report_setstr(&tc->level, levels[i % 4]);
        kc_report_setstr(&tc->action, actions[(i / 5) % 4]);
        kc_report_setstr(&tc->request_id, "rid-]]>-\x01");
        kc_report_setstr(&tc->transcript, "> POST /\n< 400 ]]> done");
        tc->retries = o[i % 5] == KC_OUTCOME_PASS && i % 11 == 0 ? 2 : 0;
    }
    return r;
}

/* Writes the shards; one as a results file when json. */
static void write_shards(const char *paths[NSHARDS], bool json)
{
    char err[ERRLEN];
    static const char *const names[] = {"s0.xml", "s1.xml", "s2.json"};
    for (int s = 0; s < NSHARDS; s++) {
        struct kc_report *r = shard(s);
        paths[s] = path_of(names[s]);
        int rc = json && s == 2
                     ? kc_results_write(r, paths[s], err, sizeof(err))
                     : kc_junit_write(r, paths[s], false, err, sizeof(err));
        if (rc)
            fail_msg("%s", err);
        kc_report_free(r);
    }
}

/* Today's merge: read whole, kc_merge, kc_junit_write. The status of the
 * step that failed (KC_MERGE_READ_ERROR for a read) or KC_MERGE_OK. */
static int merge_whole(const char *const *paths, size_t n, bool force,
                       const char *out, bool strict, char *err)
{
    struct kc_report *in[8] = {0}, *r = NULL;
    int rc = KC_MERGE_READ_ERROR;
    for (size_t i = 0; i < n; i++) {
        if (kc_results_read_any(paths[i], 0, &in[i], err, ERRLEN))
            goto out;
    }
    rc = (int)kc_merge(in, paths, n, force, &r, err, ERRLEN);
    if (rc == KC_MERGE_OK && kc_junit_write(r, out, strict, err, ERRLEN))
        rc = KC_MERGE_WRITE_ERROR;
out:
    for (size_t i = 0; i < n; i++)
        kc_report_free(in[i]);
    kc_report_free(r);
    return rc;
}

/* Both merges of paths: the streaming one must stream (not fall back) and
 * write the same bytes. */
static void assert_same_report(const char *const *paths, size_t n, bool strict,
                               size_t want)
{
    char err[ERRLEN] = "";
    struct kc_merge_counts c = {0};
    const char *a = path_of("stream.xml"), *b = path_of("whole.xml");
    int rc = kc_merge_stream(paths, n, false, a, strict, &c, err, ERRLEN);
    if (rc != KC_MERGE_OK)
        fail_msg("stream: %d %s", rc, err);
    if (merge_whole(paths, n, false, b, strict, err) != KC_MERGE_OK)
        fail_msg("whole: %s", err);
    char *x = slurp(a), *y = slurp(b);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y);
    assert_non_null(strstr(x, "kmsconf.claim.action.Encrypt"));
    assert_non_null(strstr(x, "kmsconf.level.core.json"));
    struct kc_report *r = NULL;
    assert_int_equal(kc_results_read_any(a, 0, &r, err, ERRLEN), 0);
    assert_int_equal(c.tests, r->ncases);
    assert_int_equal(c.failures, kc_report_count(r, KC_OUTCOME_FAIL));
    assert_int_equal(c.errors, kc_report_count(r, KC_OUTCOME_ERROR));
    assert_int_equal(c.skipped, kc_report_count(r, KC_OUTCOME_SKIP));
    assert_int_equal(r->ncases, want);
    kc_report_free(r);
    free(x);
    free(y);
    assert_int_equal(unlink(a), 0);
    assert_int_equal(unlink(b), 0);
}

static void test_same_report(void **state)
{
    (void)state;
    const char *paths[NSHARDS];
    write_shards(paths, false);
    size_t all = SHARD_CASE * NSHARDS;
    assert_same_report(paths, NSHARDS, false, all);
    assert_same_report(paths, NSHARDS, true, all);
    /* a shard given twice: every testcase of it a duplicate */
    const char *twice[] = {paths[1], paths[0], paths[1]};
    assert_same_report(twice, 3, false, 1928);
    write_shards(paths, true); /* a results file among them */
    assert_same_report(paths, NSHARDS, false, all);
    assert_int_equal(files_in_dir(), NSHARDS);
}

/* A foreign file: its testcases out of order, or one twice. */
static const char foreign_head[] =
    "<?xml version=\"1.0\"?>\n<testsuite name=\"x\">\n"
    "<testcase classname=\"kmsconf.Zeta\" name=\"z/1 [json]\"/>\n";

static void assert_falls_back(const char *const *paths, size_t n)
{
    char err[ERRLEN] = "", err2[ERRLEN] = "";
    struct kc_merge_counts c = {0};
    const char *out = path_of("out.xml");
    int before = files_in_dir();
    assert_int_equal(
        kc_merge_stream(paths, n, false, out, false, &c, err, ERRLEN),
        KC_MERGE_FALLBACK);
    assert_int_equal(access(out, F_OK), -1); /* nothing written */
    assert_int_equal(files_in_dir(), before);
    /* what the fallback then does still merges them */
    assert_int_equal(merge_whole(paths, n, false, out, false, err2),
                     KC_MERGE_OK);
    unlink(out);
}

static void test_fallback(void **state)
{
    (void)state;
    const char *paths[NSHARDS + 1];
    char *text = malloc(1 << 16);
    write_shards(paths, false);
    /* unsorted: Zeta before Alpha, after many sorted testcases elsewhere */
    snprintf(text, 1 << 16,
             "%s<testcase classname=\"kmsconf.Alpha\" name=\"a/1 [json]\"/>\n"
             "</testsuite>\n",
             foreign_head);
    paths[NSHARDS] = path_of("foreign.xml");
    put(paths[NSHARDS], text);
    assert_falls_back(paths, NSHARDS + 1);
    /* the same testcase twice in one file */
    snprintf(text, 1 << 16,
             "%s<testcase classname=\"kmsconf.Zeta\" name=\"z/1 [json]\"/>\n"
             "</testsuite>\n",
             foreign_head);
    put(paths[NSHARDS], text);
    assert_falls_back(paths, NSHARDS + 1);
    /* not a regular file (a pipe cannot be read a second time), nor one at
     * all: the merge read whole names it as it always did */
    const char *dash[] = {paths[0], "/dev/null"};
    char err[ERRLEN];
    struct kc_merge_counts c;
    assert_int_equal(kc_merge_stream(dash, 2, false, path_of("out.xml"), false,
                                     &c, err, ERRLEN),
                     KC_MERGE_FALLBACK);
    assert_int_equal(access(path_of("out.xml"), F_OK), -1);
    dash[1] = path_of("missing.xml");
    assert_int_equal(kc_merge_stream(dash, 2, false, path_of("out.xml"), false,
                                     &c, err, ERRLEN),
                     KC_MERGE_FALLBACK);
    free(text);
}

/* Both merges fail alike, and out keeps what it held. */
static void assert_same_error(const char *const *paths, size_t n, bool force,
                              int want)
{
    char err[ERRLEN] = "", err2[ERRLEN] = "";
    struct kc_merge_counts c = {0};
    const char *out = path_of("out.xml");
    put(out, "old\n");
    int before = files_in_dir();
    assert_int_equal(
        kc_merge_stream(paths, n, force, out, false, &c, err, ERRLEN), want);
    assert_int_equal(merge_whole(paths, n, force, out, false, err2), want);
    assert_string_equal(err, err2);
    char *text = slurp(out);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(files_in_dir(), before); /* no spool, no temporary */
    unlink(out);
}

/* A file of one testcase that shard 0 holds too, with another outcome. */
static const char *conflicting(void)
{
    struct kc_report *r = fx_report("t");
    char err[ERRLEN];
    fx_case(r, codes[0], "c/00003", "xml", KC_OUTCOME_FAIL, "status");
    const char *p = path_of("conflict.xml");
    if (kc_junit_write(r, p, false, err, sizeof(err)))
        fail_msg("%s", err);
    kc_report_free(r);
    return p;
}

static void test_conflict(void **state)
{
    (void)state;
    const char *paths[NSHARDS];
    write_shards(paths, false);
    const char *in[] = {paths[0], paths[1], conflicting()};
    assert_same_error(in, 3, false, KC_MERGE_CONFLICT);
}

/* A file cut off in the middle of its testcases: the reader has handed
 * on hundreds of them (written to the spool) before it fails. The read
 * error comes first, as it does when the files are read before merging,
 * though the conflict with the third file is met earlier. */
static void test_read_error_mid_stream(void **state)
{
    (void)state;
    const char *paths[NSHARDS];
    write_shards(paths, false);
    struct stat st;
    assert_int_equal(stat(paths[1], &st), 0);
    assert_int_equal(truncate(paths[1], st.st_size * 3 / 5), 0);
    const char *in[] = {paths[0], paths[1], conflicting()};
    assert_same_error(in, 3, false, KC_MERGE_READ_ERROR);
    /* the first unreadable file in the order given is the one named,
     * though the other fails further on in its stream */
    const char *bad = path_of("bad.xml");
    put(bad, "<testsuite><testcase name=\"x\"></testsuite>");
    const char *in2[] = {paths[0], bad, paths[1]};
    assert_same_error(in2, 3, false, KC_MERGE_READ_ERROR);
    const char *in3[] = {paths[0], paths[1], bad};
    assert_same_error(in3, 3, false, KC_MERGE_READ_ERROR);
}

static void test_catalogs(void **state)
{
    (void)state;
    const char *paths[NSHARDS];
    write_shards(paths, false);
    struct kc_report *r = shard(2);
    char err[ERRLEN];
    kc_report_set_prop(r, "kmsconf.catalog_sha256", "bbbbbbbb");
    if (kc_junit_write(r, paths[2], false, err, sizeof(err)))
        fail_msg("%s", err);
    kc_report_free(r);
    assert_same_error(paths, NSHARDS, false, KC_MERGE_CATALOGS_DIFFER);
    /* and with the conflict too: the catalogs are named first */
    const char *in[] = {paths[0], paths[2], conflicting()};
    assert_same_error(in, 3, false, KC_MERGE_CATALOGS_DIFFER);
}

/* The stream writer refuses a testcase out of order, writing nothing. */
static void test_stream_order(void **state)
{
    (void)state;
    struct kc_junit_stream *s = NULL;
    struct kc_report *r = fx_report("t");
    char err[ERRLEN];
    const char *out = path_of("order.xml");
    fx_case(r, "B", "b/1", "json", KC_OUTCOME_PASS, NULL);
    fx_case(r, "A", "a/1", "json", KC_OUTCOME_PASS, NULL);
    assert_int_equal(kc_junit_stream_open(out, false, &s, err, ERRLEN), 0);
    assert_int_equal(kc_junit_stream_case(s, &r->cases[0], err, ERRLEN), 0);
    assert_int_equal(kc_junit_stream_case(s, &r->cases[1], err, ERRLEN), 1);
    assert_int_equal(kc_junit_stream_case(s, &r->cases[0], err, ERRLEN), 1);
    kc_junit_stream_abort(s);
    assert_int_equal(access(out, F_OK), -1);
    /* a report of no testcase at all comes out as kc_junit_write's */
    const char *b = path_of("empty.xml");
    kc_report_drop_cases(r);
    assert_int_equal(kc_junit_stream_open(out, true, &s, err, ERRLEN), 0);
    assert_int_equal(kc_junit_stream_finish(s, r, err, ERRLEN), 0);
    assert_int_equal(kc_junit_write(r, b, true, err, ERRLEN), 0);
    char *x = slurp(out), *y = slurp(b);
    assert_string_equal(x, y);
    free(x);
    free(y);
    unlink(out);
    unlink(b);
    kc_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_error_mid_stream, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_catalogs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
