/* Unit tests of the HTML pages' shared pieces and the run page
 * (reports/html.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_report_fixture.h"
#include "kc/html.h"

/* What fn writes on a memory stream (caller frees). */
static char *capture_text(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, s);
    fclose(f);
    return buf;
}

static size_t count(const char *h, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(h, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_escape(void **state)
{
    (void)state;
    char *t = capture_text(kc_html_text, "<script>a&b</script>\"'\x01\xff");
    assert_string_equal(t, "&lt;script&gt;a&amp;b&lt;/script&gt;&quot;&#39;"
                           "\\x01\\xFF");
    free(t);
    t = capture_text(kc_html_lower, "Forbidden.KeyNotFound <X>");
    assert_string_equal(t, "forbidden.keynotfound &lt;x&gt;");
    free(t);
    t = capture_text(kc_html_text, NULL);
    assert_string_equal(t, "");
    free(t);
}

static void cut10(FILE *f, const char *s)
{
    kc_html_text_cut(f, s, 10);
}

static void test_cut(void **state)
{
    (void)state;
    char *t = capture_text(cut10, "0123456789");
    assert_string_equal(t, "0123456789");
    free(t);
    t = capture_text(cut10, "0123456<>9abcdef");
    assert_string_equal(t, "0123456&lt;&gt;9\n[... 6 more bytes not shown]");
    free(t);
}

static void test_host(void **state)
{
    (void)state;
    char h[64];
    kc_html_host("https://user:secret@kms.example.com:8443/p?AccessKeyId=x#f",
                 h, sizeof(h));
    assert_string_equal(h, "kms.example.com:8443");
    kc_html_host("kms.cn-hangzhou.aliyuncs.com", h, sizeof(h));
    assert_string_equal(h, "kms.cn-hangzhou.aliyuncs.com");
    kc_html_host("a@b@[::1]:80?x=@", h, sizeof(h));
    assert_string_equal(h, "[::1]:80");
    kc_html_host(NULL, h, sizeof(h));
    assert_string_equal(h, "");
    kc_html_host("host/with?q=1", h, 3);
    assert_string_equal(h, "ho");
}

static void test_meta(void **state)
{
    (void)state;
    char v[128];
    struct kc_report *r = fx_report("vendor-x");
    kc_report_set_prop(r, "kmsconf.endpoint_host", "u:pw@kms.example:1?k=v");
    assert_string_equal(kc_html_meta_label(KC_HTML_META_ENDPOINT), "endpoint");
    assert_string_equal(
        kc_html_meta_value(r, KC_HTML_META_ENDPOINT, v, sizeof(v)),
        "kms.example:1");
    assert_string_equal(kc_html_meta_value(r, KC_HTML_META_DATE, v, sizeof(v)),
                        "2026-11-28T00:00:00Z");
    assert_null(kc_html_meta_value(r, KC_HTML_META_ENVELOPE, v, sizeof(v)));
    kc_report_set_prop(r, "kmsconf.started", "");
    kc_report_setstr(&r->timestamp, "2026-11-29T00:00:00Z");
    assert_string_equal(kc_html_meta_value(r, KC_HTML_META_DATE, v, sizeof(v)),
                        "2026-11-29T00:00:00Z");
    kc_report_free(r);
}

/* A report of every outcome; RequestId, message, detail, transcript, a
 * property and the target name are hostile. */
static struct kc_report *hostile_report(void)
{
    struct kc_report *r = fx_report("t<script>alert(1)</script>");
    kc_report_set_prop(r, "kmsconf.endpoint_host", "https://k:s3cr3t@h:1/?q");
    kc_report_set_prop(r, "kmsconf.signature", "v3");
    kc_report_set_prop(r, "env.SECRET", "do-not-show");
    fx_case(r, "Forbidden.KeyNotFound", "keys/a", "json", KC_OUTCOME_PASS,
            NULL);
    struct kc_testcase *tc = fx_case(r, "Forbidden.KeyNotFound", "keys/b",
                                     "xml", KC_OUTCOME_FAIL, "status,code");
    kc_report_setstr(&tc->request_id, "<script>alert('rid')</script>");
    kc_report_setstr(&tc->failures[0].message, "<img src=x onerror=alert(2)>");
    kc_report_setstr(&tc->failures[1].detail, "</pre><b>bold</b>");
    kc_report_setstr(&tc->transcript, "> POST /\n< <script>x()</script>");
    fx_case(r, "InternalFailure", "faults/i", "json", KC_OUTCOME_ERROR,
            "setup");
    fx_case(r, "Forbidden.InDebt", "account/d", "json", KC_OUTCOME_SKIP, NULL);
    tc = fx_case(r, "Forbidden.InDebt", "account/d", "xml", KC_OUTCOME_SKIP,
                 NULL);
    kc_testcase_set_skip(tc, "expected-failure", "known failure: vendor x");
    return r;
}

static char *render_run(const struct kc_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kc_html_run(f, r, NULL, 0), 0);
    fclose(f);
    return buf;
}

static void test_run_page(void **state)
{
    (void)state;
    struct kc_report *r = hostile_report();
    char *h = render_run(r);
    char *h2 = render_run(r);
    assert_string_equal(h, h2); /* deterministic */
    /* inert: our one script element, no element of the report's text */
    assert_int_equal(count(h, "<script"), 1);
    assert_null(strstr(h, "<img"));
    assert_null(strstr(h, "<b>bold"));
    assert_non_null(strstr(h, "&lt;script&gt;alert(&#39;rid&#39;)"));
    assert_non_null(strstr(h, "&lt;img src=x onerror=alert(2)&gt;"));
    assert_non_null(strstr(h, "<title>kmsconf run: t&lt;script&gt;"));
    /* metadata: the host only, no other property */
    assert_non_null(strstr(h, "<dd data-meta=\"endpoint\">h:1</dd>"));
    assert_non_null(strstr(h, "<dd data-meta=\"signature\">v3</dd>"));
    assert_null(strstr(h, "s3cr3t"));
    assert_null(strstr(h, "do-not-show"));
    /* totals */
    assert_non_null(strstr(h, "<b data-count=\"all\">5</b>"));
    assert_non_null(strstr(h, "<b data-count=\"fail\">1</b>"));
    assert_non_null(strstr(h, "<b data-count=\"error\">1</b>"));
    assert_non_null(strstr(h, "<b data-count=\"known\">1</b>"));
    assert_non_null(strstr(h, "<b data-count=\"skip\">1</b>"));
    assert_non_null(strstr(h, "<b data-count=\"pass\">1</b>"));
    assert_non_null(strstr(h, "<ul class=\"legend\""));
    free(h);
    free(h2);
    kc_report_free(r);
}

/* The levels table: one row per level the run holds, a verdict per format
 * in its colour (a partial level is not green). */
static void test_run_levels(void **state)
{
    (void)state;
    struct kc_report *r = hostile_report();
    for (size_t i = 0; i < r->ncases; i++) {
        const char *code = r->cases[i].code;
        kc_report_setstr(&r->cases[i].level, !strcmp(code, "Forbidden.InDebt")
                                                 ? "account"
                                                 : "core");
    }
    char *h = render_run(r);
    assert_int_equal(count(h, "<tr class=\"level\">"), 2);
    assert_non_null(strstr(h, "<tr class=\"level\"><td>core</td><td "
                              "class=\"fail\" data-level=\"core\" "
                              "data-format=\"json\">fail (1 of 2 failed)</td>"
                              "<td class=\"fail\" data-level=\"core\" "
                              "data-format=\"xml\">fail (1 of 1 failed)</td>"
                              "</tr>"));
    assert_non_null(strstr(h, "<td class=\"skip\" data-level=\"account\" "
                              "data-format=\"json\">partial (1 of 1 "
                              "skipped)</td>"));
    free(h);
    kc_report_free(r);
}

static void test_run_tables(void **state)
{
    (void)state;
    struct kc_report *r = hostile_report();
    char *h = render_run(r);
    /* by code: one row per code, coloured by its worst outcome */
    assert_int_equal(count(h, "<tr class=\"code\""), 3);
    assert_non_null(strstr(h, "<tr class=\"code\" data-code=\"Forbidden."
                              "KeyNotFound\" data-state=\"fail\">"));
    assert_non_null(strstr(h, "data-code=\"Forbidden.InDebt\" "
                              "data-state=\"known\">"));
    /* by check: status and code once each, setup (an error type) */
    assert_int_equal(count(h, "<tr class=\"check\""), 3);
    assert_non_null(strstr(h, "<tr class=\"check\" data-check=\"code\"><td>"
                              "<a href=\"#filter=code\">code</a></td><td "
                              "class=\"num\">1</td>"));
    /* testcases: failing first, each failure a <details> with its checks
     * and transcript, the passing one a plain line */
    const char *fail = strstr(h, "<details class=\"tc\" data-outcome=\"fail\"");
    const char *err = strstr(h, "<details class=\"tc\" data-outcome=\"error\"");
    const char *pass = strstr(h, "<div class=\"tc\" data-outcome=\"pass\"");
    assert_true(fail && err && pass && fail < err && err < pass);
    assert_non_null(strstr(fail, "data-text=\"forbidden.keynotfound keys/b "
                                 "[xml] status code\""));
    assert_int_equal(count(h, "<li class=\"failure\">"), 3);
    assert_non_null(strstr(h, "<details class=\"transcript\"><summary>"
                              "transcript</summary><pre>&gt; POST /\n&lt; "
                              "&lt;script&gt;x()&lt;/script&gt;</pre>"));
    assert_non_null(strstr(h, "<details class=\"tc\" data-outcome=\"known\""));
    assert_non_null(strstr(h, "id=\"filter\""));
    assert_non_null(strstr(h, "<option value=\"problem\">"));
    /* self-contained: links only within the page */
    assert_null(strstr(h, "<script src"));
    assert_null(strstr(h, "<link"));
    assert_null(strstr(h, "href=\"http"));
    free(h);
    kc_report_free(r);
}

static void test_run_empty(void **state)
{
    (void)state;
    struct kc_report *r = kc_report_new(NULL);
    char *h = render_run(r);
    assert_non_null(strstr(h, "<h1>kmsconf run</h1>"));
    assert_non_null(strstr(h, "<p id=\"no-checks\">No check failed.</p>"));
    assert_non_null(strstr(h, "<b data-count=\"all\">0</b>"));
    assert_non_null(strstr(h, "</html>\n"));
    free(h);
    kc_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),     cmocka_unit_test(test_cut),
        cmocka_unit_test(test_host),       cmocka_unit_test(test_meta),
        cmocka_unit_test(test_run_page),   cmocka_unit_test(test_run_tables),
        cmocka_unit_test(test_run_levels), cmocka_unit_test(test_run_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
