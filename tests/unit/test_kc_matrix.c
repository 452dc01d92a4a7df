/* Unit tests of the conformance matrix (reports/matrix.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <unistd.h>

#include "kc_report_fixture.h"
#include "kc_test_tmp.h"
#include "kc/junit.h"
#include "kc/matrix.h"
#include "kc/results.h"
#include "../../reports/matrix_int.h"

#define GOLDEN KC_SOURCE_DIR "/tests/data/reports/matrix-golden.md"

static const char *const codes[] = {"InternalFailure", "Forbidden.KeyNotFound",
                                    "Forbidden.InDebt"};
static const char *const labels[] = {"a.xml", "b.xml", "c.xml"};

static void build(struct kc_report *in[3])
{
    in[0] = fx_report("kms-refserver");
    in[1] = fx_report("vendor-x");
    in[2] = fx_report(NULL); /* no target: the file name labels it */
    for (int i = 0; i < 3; i++) {
        fx_case(in[i], "InternalFailure", "faults/internal", "json",
                KC_OUTCOME_PASS, NULL);
        fx_case(in[i], "InternalFailure", "faults/internal", "xml",
                KC_OUTCOME_PASS, NULL);
    }
    fx_case(in[0], "Forbidden.KeyNotFound", "keys/describe", "json",
            KC_OUTCOME_PASS, NULL);
    fx_case(in[0], "Forbidden.KeyNotFound", "keys/describe", "xml",
            KC_OUTCOME_PASS, NULL);
    fx_case(in[1], "Forbidden.KeyNotFound", "keys/describe", "json",
            KC_OUTCOME_PASS, NULL);
    struct kc_testcase *tc =
        fx_case(in[1], "Forbidden.KeyNotFound", "keys/describe", "xml",
                KC_OUTCOME_FAIL, "message");
    kc_report_setstr(&tc->failures[0].detail, "<Message>Deviant: x</Message>");
    fx_case(in[1], "Forbidden.KeyNotFound", "keys/encrypt", "json",
            KC_OUTCOME_ERROR, "setup");
    fx_case(in[2], "Forbidden.InDebt", "account/in-debt", "json",
            KC_OUTCOME_SKIP, NULL);
    fx_case(in[2], "Vendor.Extra", "extra/one", "json", KC_OUTCOME_PASS, NULL);
}

static char *render(bool html, bool cases)
{
    struct kc_report *in[3];
    build(in);
    struct kc_matrix_input mi = {in, labels, 3, codes, 3, cases};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(html ? kc_matrix_html(f, &mi) : kc_matrix_markdown(f, &mi),
                     0);
    fclose(f);
    for (int i = 0; i < 3; i++)
        kc_report_free(in[i]);
    return buf;
}

static char *render_reports(struct kc_report **in, size_t n, bool cases)
{
    struct kc_matrix_input mi = {in, labels, n, codes, 3, cases};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kc_matrix_markdown(f, &mi), 0);
    fclose(f);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_markdown_golden(void **state)
{
    (void)state;
    char *md = render(false, false);
    char *cases = render(false, true);
    size_t n = strlen(md) + strlen(cases) + 64;
    char *both = calloc(1, n);
    assert_non_null(both);
    snprintf(both, n, "%s\n<!-- --cases -->\n\n%s", md, cases);
    char *golden = slurp(GOLDEN);
    if (getenv("KC_UPDATE_GOLDEN")) {
        FILE *f = fopen(GOLDEN, "w");
        assert_non_null(f);
        fputs(both, f);
        fclose(f);
    } else {
        assert_non_null(golden);
        assert_string_equal(both, golden);
    }
    free(golden);
    free(both);
    free(md);
    free(cases);
}

static void test_html(void **state)
{
    (void)state;
    char *h = render(true, true);
    char *h2 = render(true, true);
    assert_string_equal(h, h2); /* deterministic */
    /* each target's column: its label and its score, the code rows whose
     * cell passes of the 4 (three documented, Vendor.Extra): kms-refserver
     * has no InDebt nor Vendor.Extra testcase, vendor-x fails KeyNotFound,
     * c.xml skips InDebt and has no KeyNotFound */
    assert_non_null(strstr(h, "<th data-label=\"kms-refserver\">kms-refserver"
                              "<br><span class=\"score\" data-passed=\"2\" "
                              "data-codes=\"4\">2/4 codes</span></th>"));
    assert_non_null(strstr(h, "<th data-label=\"vendor-x\">vendor-x<br><span "
                              "class=\"score\" data-passed=\"1\" "
                              "data-codes=\"4\">1/4 codes</span></th>"));
    assert_non_null(strstr(h, ">c.xml<br><span class=\"score\" "
                              "data-passed=\"2\" data-codes=\"4\">"));
    /* the legend, the metadata row of each target, the side panel */
    assert_non_null(strstr(h, "<ul class=\"legend\" id=\"legend\">"));
    assert_non_null(strstr(h, "<tr class=\"target\"><td>vendor-x</td>"));
    assert_non_null(strstr(h, "<td data-meta=\"version\">0.1.0</td>"));
    assert_non_null(strstr(h, "<aside id=\"panel\" hidden>"));
    assert_non_null(strstr(h, "<td class=\"cell fail\" tabindex"));
    assert_non_null(strstr(h, "position:sticky"));
    assert_non_null(strstr(h, "id=\"filter\""));
    assert_non_null(strstr(h, "id=\"only-failures\""));
    /* the diagnosis is escaped and hidden until clicked */
    assert_non_null(strstr(h, "<div class=\"diag\" hidden><h4>keys/describe "
                              "[xml]</h4>"));
    assert_non_null(strstr(h, "&lt;Message&gt;Deviant: x&lt;/Message&gt;"));
    assert_null(strstr(h, "<Message>"));
    /* self-contained */
    assert_null(strstr(h, "src="));
    assert_null(strstr(h, "href="));
    assert_non_null(strstr(h, "data-code=\"Forbidden.KeyNotFound\" "
                              "data-text=\"forbidden.keynotfound\" "
                              "data-fail=\"1\""));
    free(h);
    free(h2);
}

/* ---- the streamed matrix against the in-memory one ---- */

/* Another producer's report: testcases out of order, duplicates (the same
 * names, other outcomes and messages), no format, no case id, names that
 * give no "[format]", a code the catalog does not have. */
static const char foreign_xml[] =
    "<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"x\">"
    "<properties><property name=\"kmsconf.target\" value=\"vendor-y\"/>"
    "<property name=\"kmsconf.claims.levels\" value=\"core\"/>"
    "</properties>\n"
    "<testcase classname=\"kmsconf.Forbidden.KeyNotFound\" name=\"keys/z "
    "[xml]\"><failure message=\"m1\" type=\"code\">d1</failure>"
    "</testcase>\n"
    "<testcase classname=\"pkg.Other\" name=\"b\"/>\n"
    "<testcase classname=\"kmsconf.InternalFailure\" name=\"faults/internal "
    "[json]\"/>\n"
    "<testcase classname=\"kmsconf.Forbidden.KeyNotFound\" name=\"keys/a "
    "[json]\"><error message=\"e1\" type=\"setup\"/></testcase>\n"
    "<testcase classname=\"pkg.Other\" name=\"a [odd]\"><failure "
    "message=\"m2\" type=\"status\">d2</failure></testcase>\n"
    "<testcase classname=\"kmsconf.Forbidden.KeyNotFound\" name=\"keys/z "
    "[xml]\"><failure message=\"m3\" type=\"status\">d3</failure>"
    "</testcase>\n"
    "<testcase classname=\"pkg.Other\" name=\"b\"><skipped/></testcase>\n"
    "<testcase classname=\"kmsconf.Forbidden.KeyNotFound\" name=\"keys/a "
    "[json]\"/>\n"
    "<testcase classname=\"\" name=\"\"/>\n"
    "</testsuite></testsuites>\n";

/* The fixture's three reports as files (JUnit, JUnit, results JSON), then
 * the foreign one: paths[0..4). */
static void write_files(char *paths[4])
{
    struct kc_report *in[3];
    char err[256], *text = NULL;
    build(in);
    for (int i = 0; i < 3; i++) {
        if (i < 2)
            assert_int_equal(
                kc_junit_write_mem(in[i], false, &text, err, sizeof(err)), 0);
        else
            assert_int_equal(
                kc_results_write_mem(in[i], &text, err, sizeof(err)), 0);
        paths[i] = fx_tmp_file(text, strlen(text));
        free(text);
        kc_report_free(in[i]);
    }
    paths[3] = fx_tmp_file(foreign_xml, sizeof(foreign_xml) - 1);
}

static char *render_with(bool html, bool cases, bool stream, char *paths[],
                         const size_t *which, size_t n)
{
    static const char *const names[] = {"a.xml", "b.xml", "c.xml", "d.xml"};
    struct kc_report *in[4] = {0};
    const char *lab[4];
    char err[256], *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc;
    assert_non_null(f);
    if (stream) {
        struct kc_matrix *m = kc_matrix_new(
            codes, 3, n, KC_MATRIX_CASES | (html ? KC_MATRIX_DIAG : 0));
        assert_non_null(m);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(kc_matrix_read(m, i, paths[which[i]],
                                            names[which[i]], err, sizeof(err)),
                             0);
        rc = html ? kc_matrix_write_html(f, m, cases)
                  : kc_matrix_write_markdown(f, m, cases);
        kc_matrix_free(m);
    } else {
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(kc_results_read_any(paths[which[i]],
                                                 KC_JUNIT_READ_NO_TRANSCRIPT,
                                                 &in[i], err, sizeof(err)),
                             0);
            lab[i] = names[which[i]];
        }
        struct kc_matrix_input mi = {in, lab, n, codes, 3, cases};
        rc = html ? kc_matrix_html(f, &mi) : kc_matrix_markdown(f, &mi);
    }
    assert_int_equal(rc, 0);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        kc_report_free(in[i]);
    return buf;
}

static void remove_files(char *paths[4])
{
    for (int i = 0; i < 4; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
}

/* Streamed from files (a JUnit, a results JSON and an unsorted foreign
 * file among them), the matrix is the one of the same reports read whole:
 * markdown with and without case rows, and the page. */
static void test_stream_same(void **state)
{
    (void)state;
    char *paths[4];
    static const size_t sets[][4] = {{0, 1, 2, 3}, {3, 0, 3, 1}, {3}, {2}};
    static const size_t nset[] = {4, 4, 1, 1};
    write_files(paths);
    for (size_t s = 0; s < sizeof(nset) / sizeof(*nset); s++) {
        for (int mode = 0; mode < 3; mode++) {
            bool html = mode == 2, cases = mode != 0;
            char *a = render_with(html, cases, true, paths, sets[s], nset[s]);
            char *b = render_with(html, cases, false, paths, sets[s], nset[s]);
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
    }
    /* and the fixture's three streamed are the golden table */
    char *md = render(false, false);
    char *st = render_with(false, false, true, paths, sets[0], 3);
    assert_string_equal(st, md);
    free(md);
    free(st);
    remove_files(paths);
}

/* The foreign file's cells, scores and diagnoses as read whole: a failing
 * duplicate's diagnoses both listed, in the order of a sorted read. */
static void test_stream_foreign(void **state)
{
    (void)state;
    char *paths[4];
    static const size_t one[] = {3};
    write_files(paths);
    char *h = render_with(true, true, true, paths, one, 1);
    assert_non_null(strstr(h, "<h4>keys/z [xml]</h4><ul class=\"checks\"><li "
                              "class=\"failure\"><b>code</b>: m1"));
    assert_non_null(strstr(h, "d1</pre></li></ul>\n<h4>keys/z [xml]</h4><ul "
                              "class=\"checks\"><li class=\"failure\"><b>"
                              "status</b>: m3"));
    assert_non_null(strstr(h, "data-code=\"pkg.Other\""));
    assert_non_null(strstr(h, "odd FAIL"));
    char *md = render_with(false, true, true, paths, one, 1);
    assert_non_null(strstr(md, "| Forbidden.KeyNotFound | any – / json ERROR"
                               " / odd – / xml FAIL |"));
    assert_non_null(strstr(md, "| pkg.Other | any pass / json – / odd FAIL /"
                               " xml – |"));
    free(h);
    free(md);
    remove_files(paths);
}

/* A report cut in the middle: the read fails with the reader's error and
 * nothing is written from the column it left unread. */
static void test_stream_error(void **state)
{
    (void)state;
    char err[256] = "", *buf = NULL;
    size_t len = 0;
    char *path = fx_tmp_file(foreign_xml, sizeof(foreign_xml) / 2);
    struct kc_matrix *m = kc_matrix_new(codes, 3, 1, KC_MATRIX_CASES);
    assert_non_null(m);
    assert_int_equal(kc_matrix_read(m, 0, path, "x.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kc_matrix_write_markdown(f, m, false), -1);
    fclose(f);
    assert_int_equal(len, 0);
    free(buf);
    kc_matrix_free(m);
    unlink(path);
    free(path);
}

/* One code and one format per testcase, fed in the reverse of the matrix's
 * order: the formats that get columns (the 16 whose first testcase sorts
 * first) arrive last. The cells are still theirs, and the room for cell
 * states stays linear in the testcases: no dense slot for every format
 * seen (that was codes x formats x reports, 16 MiB here). */
static void test_many_formats(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct kc_report *in[2] = {fx_report("t1"), fx_report("t2")};
    static const enum kc_outcome o[] = {KC_OUTCOME_FAIL, KC_OUTCOME_PASS,
                                        KC_OUTCOME_ERROR, KC_OUTCOME_SKIP};
    for (int i = N - 1; i >= 0; i--) {
        char code[32], fmt[32];
        snprintf(code, sizeof(code), "C%06d", i);
        snprintf(fmt, sizeof(fmt), "f%06d", i);
        for (int c = 0; c < 2; c++)
            fx_case(in[c], code, "x", fmt, o[(i + c) % 4],
                    o[(i + c) % 4] == KC_OUTCOME_FAIL ||
                            o[(i + c) % 4] == KC_OUTCOME_ERROR
                        ? "check"
                        : NULL);
    }
    struct kc_matrix *m = kc_matrix_new(codes, 3, 2, KC_MATRIX_CASES);
    assert_non_null(m);
    for (size_t c = 0; c < 2; c++)
        assert_int_equal(kc_matrix_add_report(m, c, in[c], labels[c]), 0);
    size_t dense = 0, bytes = kc_matrix_state_bytes(m, &dense);
    assert_true(dense <= 16);
    assert_true(bytes <= (size_t)N * 512);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kc_matrix_write_markdown(f, m, true), 0);
    fclose(f);
    assert_non_null(strstr(buf, "| C000000 | f000000 FAIL / f000001 – /"));
    assert_non_null(strstr(buf, "f000001 pass / f000002 – /"));
    assert_non_null(strstr(buf, "f000014 – / f000015 skip |"));
    assert_non_null(strstr(buf, "f000015 –"));
    assert_null(strstr(buf, "f000016"));
    /* the in-memory path writes the same */
    char *mem = render_reports(in, 2, true);
    assert_string_equal(buf, mem);
    free(mem);
    free(buf);
    kc_matrix_free(m);
    for (int c = 0; c < 2; c++)
        kc_report_free(in[c]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_golden),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_stream_same),
        cmocka_unit_test(test_stream_foreign),
        cmocka_unit_test(test_stream_error),
        cmocka_unit_test(test_many_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
