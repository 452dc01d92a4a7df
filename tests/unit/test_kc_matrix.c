/* Unit tests of the conformance matrix (reports/matrix.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_report_fixture.h"
#include "kc/matrix.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_golden),
        cmocka_unit_test(test_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
