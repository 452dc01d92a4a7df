/* Unit tests of the JUnit writer and reader (reports/junit_*.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "kc/err.h"
#include "kc/junit.h"
#include "kc_report_fixture.h"
#include "kc_test_tmp.h"

/* the project's own schemas, in the source tree (never skipped) */
#define XSD_DIR     KC_SOURCE_DIR "/tests/data/junit/"
#define XSD_DEFAULT XSD_DIR "default-jenkins.xsd"
#define XSD_STRICT  XSD_DIR "strict-ant.xsd"
#define DATA        KC_SOURCE_DIR "/tests/data/reports/"

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

static struct kc_report *sample(void)
{
    struct kc_report *r = fx_report("kms-refserver");
    kc_report_set_prop(r, "zz.custom", "1");
    kc_report_set_prop(r, "kmsconf.region", "cn-hangzhou");
    struct kc_testcase *tc =
        fx_case(r, "Forbidden.KeyNotFound", "keys/describe-missing", "xml",
                KC_OUTCOME_FAIL, "status,message");
    kc_report_setstr(&tc->request_id, "6f1f7c3e-0000-4000-8000-000000000001");
    kc_report_setstr(&tc->transcript,
                     "> POST / HTTP/1.1\n< HTTP/1.1 405\n< {\"Code\":\"x\"}");
    kc_report_setstr(&tc->message_template, "seed");
    kc_report_setstr(&tc->level, "core");
    tc = fx_case(r, "Forbidden.KeyNotFound", "keys/describe-missing", "json",
                 KC_OUTCOME_PASS, NULL);
    tc->retries = 2; /* passed after two throttled answers: flaky */
    kc_report_setstr(&tc->message_template,
                     "api-metadata: acs-sdk-php data/kms (DescribeKey)");
    kc_report_setstr(&tc->level, "extension");
    fx_case(r, "Forbidden.InDebt", "account/in-debt", "json", KC_OUTCOME_SKIP,
            NULL);
    fx_case(r, "InternalFailure", "faults/internal", "json", KC_OUTCOME_ERROR,
            "setup");
    return r;
}

static void validate(const char *xml, const char *xsd)
{
    char err[1024];
    if (access(xsd, R_OK) != 0)
        fail_msg("schema %s missing", xsd);
    if (kc_junit_validate(xml, xsd, err, sizeof(err)) != 0)
        fail_msg("%s", err);
}

static void test_valid_against_schemas(void **state)
{
    (void)state;
    struct kc_report *r = sample();
    char err[512];
    char *def = fx_tmp_path("default.xml");
    char *strict = fx_tmp_path("strict.xml");
    assert_int_equal(kc_junit_write(r, def, false, err, sizeof(err)), 0);
    assert_int_equal(kc_junit_write(r, strict, true, err, sizeof(err)), 0);
    validate(def, XSD_DEFAULT);
    validate(strict, XSD_STRICT);
    /* the validator does reject: the default flavour is not Ant-valid */
    assert_int_equal(kc_junit_validate(def, XSD_STRICT, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not valid against"));
    /* a report with no testcases is valid too */
    struct kc_report *empty = kc_report_new("kmsconf");
    assert_int_equal(kc_junit_write(empty, def, false, err, sizeof(err)), 0);
    assert_int_equal(kc_junit_write(empty, strict, true, err, sizeof(err)), 0);
    validate(def, XSD_DEFAULT);
    validate(strict, XSD_STRICT);
    kc_report_free(empty);
    kc_report_free(r);
}

static void test_mapping(void **state)
{
    (void)state;
    struct kc_report *r = sample();
    char *xml = NULL, err[512];
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    assert_non_null(strstr(xml, "<testsuites name=\"kmsconf\" tests=\"4\" "
                                "failures=\"1\" errors=\"1\" skipped=\"1\" "
                                "time=\"1.500\">"));
    /* a suite per target, so that merged reports of two stay apart */
    assert_non_null(strstr(xml, "<testsuite name=\"kmsconf kms-refserver\" "
                                "tests=\"4\" failures=\"1\" errors=\"1\" "
                                "skipped=\"1\""));
    /* one <failure> for the two failed checks: the message lists both, the
     * text repeats it and then each check's diagnosis, as CDATA */
    assert_int_equal(count_of(xml, "<failure "), 1);
    assert_non_null(strstr(
        xml, "<failure type=\"status\" message=\"status: status check failed "
             "for keys/describe-missing; message: message check failed for "
             "keys/describe-missing\"><![CDATA[status: status check failed "
             "for keys/describe-missing; message: message check failed for "
             "keys/describe-missing\n@@ check status: status check failed for "
             "keys/describe-missing\nexpected X\ngot Y\n@@ check message: "));
    /* the transcript as CDATA too: no entity in the whole document */
    assert_non_null(
        strstr(xml, "<system-out><![CDATA[@@ level: core\n@@ request-id: "));
    assert_null(strstr(xml, "&lt;"));
    assert_null(strstr(xml, "&gt;"));
    assert_non_null(strstr(xml, "<error type=\"setup\""));
    assert_non_null(strstr(xml, "<skipped message=\"missing-credential: "
                                "target has no in-debt credential\">"
                                "<![CDATA[missing-credential: target has no "
                                "in-debt credential]]></skipped>"));
    /* properties: manifest names in fixed order, others after */
    char *v = strstr(xml, "kmsconf.version"), *c = strstr(xml, "zz.custom");
    char *t = strstr(xml, "kmsconf.target"), *g = strstr(xml, "kmsconf.region");
    assert_true(v && t && g && c && v < t && t < g && g < c);
    free(xml);
    assert_int_equal(kc_junit_write_mem(r, true, &xml, err, sizeof(err)), 0);
    assert_int_equal(count_of(xml, "<failure "), 1);
    assert_non_null(strstr(xml, "CDATA[status: status check failed"));
    assert_non_null(strstr(xml, "\n@@ transcript\n> POST / HTTP/1.1\n"));
    assert_non_null(strstr(xml, "timestamp=\"2026-11-28T00:00:00\""));
    assert_null(strstr(xml, "<testsuites"));
    free(xml);
    kc_report_free(r);
}

/* A testcase that carries only its case id, format and code is written
 * under the names derived from them, in their sort order. */
static void test_writer_derives_names(void **state)
{
    (void)state;
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_testcase *tc = kc_report_add_case(r);
    kc_report_setstr(&tc->case_id, "z/late");
    kc_report_setstr(&tc->format, "xml");
    kc_report_setstr(&tc->code, "Alpha");
    tc = kc_report_add_case(r);
    assert_int_equal(kc_testcase_set_id(tc, "a/early", "json", "Alpha"), 0);
    char *xml = NULL, err[512];
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    char *early = strstr(xml, "<testcase classname=\"kmsconf.Alpha\" "
                              "name=\"a/early [json]\"");
    char *late = strstr(xml, "<testcase classname=\"kmsconf.Alpha\" "
                             "name=\"z/late [xml]\"");
    assert_true(early && late && early < late);
    struct kc_report *back = NULL;
    assert_int_equal(
        kc_junit_read_mem(xml, strlen(xml), "d.xml", &back, err, sizeof(err)),
        0);
    assert_string_equal(back->cases[1].case_id, "z/late");
    assert_string_equal(back->cases[1].format, "xml");
    assert_string_equal(back->cases[1].code, "Alpha");
    kc_report_free(back);
    free(xml);
    kc_report_free(r);
}

static void assert_same_case(const struct kc_testcase *a,
                             const struct kc_testcase *b, bool details)
{
    assert_string_equal(a->classname, b->classname);
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->case_id, b->case_id);
    assert_string_equal(a->format, b->format);
    assert_string_equal(a->code, b->code);
    assert_int_equal(a->outcome, b->outcome);
    assert_int_equal(a->nfailures, b->nfailures);
    for (size_t i = 0; i < a->nfailures; i++) {
        assert_string_equal(a->failures[i].check, b->failures[i].check);
        assert_string_equal(a->failures[i].message, b->failures[i].message);
        if (details)
            assert_string_equal(a->failures[i].detail, b->failures[i].detail);
    }
    if (a->outcome == KC_OUTCOME_SKIP) {
        assert_string_equal(a->skip_type, b->skip_type);
        assert_string_equal(a->skip_reason, b->skip_reason);
    }
    if (a->request_id && (details || a->outcome != KC_OUTCOME_PASS))
        assert_string_equal(a->request_id, b->request_id);
    if (a->transcript && (details || a->outcome != KC_OUTCOME_PASS))
        assert_string_equal(a->transcript, b->transcript);
}

static void round_trip(bool strict)
{
    struct kc_report *r = sample(), *back = NULL;
    char err[512];
    char *p = fx_tmp_path(strict ? "rt-strict.xml" : "rt.xml");
    assert_int_equal(kc_junit_write(r, p, strict, err, sizeof(err)), 0);
    if (kc_junit_read(p, &back, err, sizeof(err)))
        fail_msg("%s", err);
    kc_report_sort(r);
    assert_int_equal(back->ncases, r->ncases);
    for (size_t i = 0; i < r->ncases; i++) {
        assert_same_case(&r->cases[i], &back->cases[i], true);
        /* the Ant schema has no <flakyFailure>: the mark is the default's */
        assert_int_equal(back->cases[i].retries,
                         strict ? 0 : r->cases[i].retries);
        /* the matched template travels with the probe's sections (strict:
         * those of a failure only) */
        const char *want = r->cases[i].message_template;
        if (strict && r->cases[i].outcome != KC_OUTCOME_FAIL)
            want = NULL;
        if (want)
            assert_string_equal(back->cases[i].message_template, want);
        else
            assert_null(back->cases[i].message_template);
        /* so does the case's level */
        want = r->cases[i].level;
        if (strict && r->cases[i].outcome != KC_OUTCOME_FAIL)
            want = NULL;
        if (want)
            assert_string_equal(back->cases[i].level, want);
        else
            assert_null(back->cases[i].level);
    }
    assert_int_equal(kc_report_count(back, KC_OUTCOME_PASS),
                     kc_report_count(r, KC_OUTCOME_PASS));
    assert_string_equal(kc_report_prop(back, "kmsconf.target"),
                        "kms-refserver");
    assert_string_equal(kc_report_prop(back, "zz.custom"), "1");
    assert_true(back->time_s > 1.49 && back->time_s < 1.51);
    kc_report_free(back);
    kc_report_free(r);
}

static void test_round_trip_default(void **state)
{
    (void)state;
    round_trip(false);
}

static void test_round_trip_strict(void **state)
{
    (void)state;
    round_trip(true);
}

/* A known failure (--expect) is a skip that says so: type and message in
 * the default flavour, message (the Ant schema has no type) in the strict
 * one, both repeated as the text; the reader gives the same skip back, and
 * still reads the "expected-failure: " messages of earlier versions. */
static void test_known_failure(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("vendor");
    struct kc_testcase *tc = fx_case(r, "Forbidden.KeyNotFound", "keys/x",
                                     "json", KC_OUTCOME_FAIL, "status");
    assert_int_equal(kc_testcase_set_skip(tc, "expected-failure",
                                          "answers 403 (checks: status)"),
                     0);
    char *xml = NULL, err[512];
    for (int strict = 0; strict < 2; strict++) {
        assert_int_equal(kc_junit_write_mem(r, strict, &xml, err, sizeof(err)),
                         0);
        const char *want =
            strict ? "<skipped message=\"known failure: answers 403 (checks: "
                     "status)\"><![CDATA[known failure: answers 403 (checks: "
                     "status)]]></skipped>"
                   : "<skipped type=\"expected-failure\" message=\"known "
                     "failure: answers 403 (checks: status)\"><![CDATA[known "
                     "failure: answers 403 (checks: status)]]></skipped>";
        if (!strstr(xml, want))
            fail_msg("no known-failure skip in:\n%s", xml);
        char *p = fx_tmp_path("known.xml");
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs(xml, f);
        fclose(f);
        validate(p, strict ? XSD_STRICT : XSD_DEFAULT);
        struct kc_report *back = NULL;
        assert_int_equal(kc_junit_read_mem(xml, strlen(xml), "k.xml", &back,
                                           err, sizeof(err)),
                         0);
        assert_int_equal(back->cases[0].outcome, KC_OUTCOME_SKIP);
        assert_string_equal(back->cases[0].skip_type, "expected-failure");
        assert_string_equal(back->cases[0].skip_reason,
                            "answers 403 (checks: status)");
        kc_report_free(back);
        free(xml);
    }
    static const char old[] =
        "<testsuite name=\"k\" tests=\"1\" failures=\"0\" errors=\"0\">"
        "<testcase classname=\"kmsconf.X\" name=\"a [json]\">"
        "<skipped message=\"expected-failure: old (checks: code)\"/>"
        "</testcase><testcase classname=\"kmsconf.X\" name=\"b [json]\">"
        "<skipped type=\"expected-failure\">typed</skipped></testcase>"
        "</testsuite>";
    struct kc_report *back = NULL;
    assert_int_equal(
        kc_junit_read_mem(old, strlen(old), "o.xml", &back, err, sizeof(err)),
        0);
    assert_string_equal(back->cases[0].skip_type, "expected-failure");
    assert_string_equal(back->cases[0].skip_reason, "old (checks: code)");
    assert_string_equal(back->cases[1].skip_type, "expected-failure");
    assert_string_equal(back->cases[1].skip_reason, "typed");
    kc_report_free(back);
    kc_report_free(r);
}

/* --transcripts failed: passing testcases keep their RequestId only, but
 * a flaky one (passed after retries) keeps the transcript of its retries. */
static void test_drop_passing_transcripts(void **state)
{
    (void)state;
    struct kc_report *r = sample();
    for (size_t i = 0; i < r->ncases; i++) {
        kc_report_setstr(&r->cases[i].request_id, "rid");
        kc_report_setstr(&r->cases[i].transcript, "> POST / HTTP/1.1\n");
    }
    kc_report_drop_passing_transcripts(r);
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        assert_string_equal(tc->request_id, "rid");
        if (tc->outcome == KC_OUTCOME_PASS && !tc->retries)
            assert_null(tc->transcript);
        else
            assert_non_null(tc->transcript);
    }
    kc_report_free(r);
}

static void test_deterministic(void **state)
{
    (void)state;
    struct kc_report *a = sample(), *b = sample();
    /* reverse b's testcases and properties */
    for (size_t i = 0; i < b->ncases / 2; i++) {
        struct kc_testcase t = b->cases[i];
        b->cases[i] = b->cases[b->ncases - 1 - i];
        b->cases[b->ncases - 1 - i] = t;
    }
    for (size_t i = 0; i < b->nprops / 2; i++) {
        struct kc_property t = b->props[i];
        b->props[i] = b->props[b->nprops - 1 - i];
        b->props[b->nprops - 1 - i] = t;
    }
    char *xa = NULL, *xb = NULL, err[256];
    assert_int_equal(kc_junit_write_mem(a, false, &xa, err, sizeof(err)), 0);
    assert_int_equal(kc_junit_write_mem(b, false, &xb, err, sizeof(err)), 0);
    assert_string_equal(xa, xb);
    free(xa);
    free(xb);
    kc_report_free(a);
    kc_report_free(b);
}

static void test_hostile_text(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("evil");
    struct kc_testcase *tc =
        fx_case(r, "X", "x/1", "json", KC_OUTCOME_FAIL, NULL);
    kc_testcase_add_failure(tc, "code", "bad\x01line\nbreak",
                            "nul-ish \x02\x1b[31m and \xff\xfe bytes "
                            "<tag> & ]]> end \xed\xa0\x80");
    kc_report_setstr(&tc->transcript, "\x0b\x0c ok");
    char err[256];
    char *p = fx_tmp_path("hostile.xml");
    for (int strict = 0; strict <= 1; strict++) {
        assert_int_equal(kc_junit_write(r, p, strict, err, sizeof(err)), 0);
        validate(p, strict ? XSD_STRICT : XSD_DEFAULT);
        struct kc_report *back = NULL;
        if (kc_junit_read(p, &back, err, sizeof(err)))
            fail_msg("%s", err);
        const struct kc_failure *f = &back->cases[0].failures[0];
        assert_string_equal(f->message, "bad\\x01line break");
        assert_non_null(strstr(f->detail, "\\x02\\x1B[31m"));
        assert_non_null(strstr(f->detail, "\\xFF\\xFE"));
        assert_non_null(strstr(f->detail, "<tag> & ]]> end \\xED\\xA0\\x80"));
        assert_string_equal(back->cases[0].transcript, "\\x0B\\x0C ok");
        kc_report_free(back);
    }
    kc_report_free(r);
}

static void test_foreign(void **state)
{
    (void)state;
    struct kc_report *r = NULL;
    char err[512];
    if (kc_junit_read(DATA "pytest.xml", &r, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(r->ncases, 4);
    assert_string_equal(r->name, "pytest");
    assert_int_equal(kc_report_count(r, KC_OUTCOME_FAIL), 1);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_ERROR), 1);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_SKIP), 1);
    const struct kc_testcase *tc =
        kc_report_find(r, "tests.test_keys", "test_delete");
    assert_non_null(tc);
    assert_string_equal(tc->failures[0].check, "failure"); /* no type */
    assert_non_null(strstr(tc->failures[0].detail, "assert 404 == 400"));
    tc = kc_report_find(r, "tests.test_keys", "test_skip");
    assert_string_equal(tc->skip_reason, "no second account");
    kc_report_free(r);

    if (kc_junit_read(DATA "maven-surefire.xml", &r, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(r->ncases, 3);
    assert_string_equal(kc_report_prop(r, "java.version"), "17.0.9");
    assert_true(r->time_s > 1234.4 && r->time_s < 1234.6);
    tc = kc_report_find(r, "com.example.KmsTest", "flaky");
    assert_int_equal(tc->outcome, KC_OUTCOME_PASS);
    tc = kc_report_find(r, "com.example.KmsTest", "decryptBadBlob");
    assert_string_equal(tc->failures[0].check,
                        "org.opentest4j.AssertionFailedError");
    kc_report_free(r);

    if (kc_junit_read(DATA "go-junit-report.xml", &r, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(r->ncases, 3);
    tc = kc_report_find(r, "client", "TestDecrypt/bad_blob");
    assert_int_equal(tc->outcome, KC_OUTCOME_FAIL);
    assert_string_equal(tc->failures[0].check, "failure"); /* type="" */
    assert_string_equal(kc_report_prop(r, "go.version"),
                        "go1.21.4 linux/amd64");
    kc_report_free(r);

    if (kc_junit_read(DATA "nested.xml", &r, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(r->ncases, 2);
    tc = kc_report_find(r, "inner", "no classname here");
    assert_non_null(tc);
    tc = kc_report_find(r, "x.y", "skipped without message");
    assert_int_equal(tc->outcome, KC_OUTCOME_SKIP);
    kc_report_free(r);
}

static void expect_error(const char *file, const char *needle)
{
    struct kc_report *r = NULL;
    char err[512] = "";
    char path[512];
    snprintf(path, sizeof(path), "%s%s", DATA, file);
    assert_int_equal(kc_junit_read(path, &r, err, sizeof(err)), -1);
    assert_null(r);
    if (!strstr(err, file) || !strstr(err, needle))
        fail_msg("error for %s lacks '%s': %s", file, needle, err);
    assert_null(strchr(err, '\n'));
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("malformed-truncated.xml", "malformed XML");
    expect_error("malformed-doctype.xml", "DOCTYPE");
    expect_error("malformed-root.xml", "<html>");
    expect_error("malformed-noname.xml", ":4: <testcase> without a name");
    expect_error("malformed-empty.xml", "empty file");
    expect_error("does-not-exist.xml", "cannot open");
    struct kc_report *r = NULL;
    char err[256];
    assert_int_equal(kc_junit_read_mem("<testsuites/>", KC_JUNIT_MAX_BYTES + 1,
                                       "big.xml", &r, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "big.xml: larger than"));
    /* a tag mismatch is reported where the parser meets it */
    const char *mismatch = "<testsuites><testsuite name=\"s\">\n"
                           "<testcase name=\"x\">\n</testsuite></testsuites>\n";
    assert_int_equal(kc_junit_read_mem(mismatch, strlen(mismatch), "mm.xml", &r,
                                       err, sizeof(err)),
                     -1);
    if (!strstr(err, "mm.xml:3: malformed XML: Opening and ending tag "
                     "mismatch: testcase line 2 and testsuite"))
        fail_msg("not the mismatch: %s", err);

    /* too many failures in one testcase, too many properties */
    size_t cap = 256 * 1024;
    char *xml = calloc(1, cap);
    assert_non_null(xml);
    size_t n = (size_t)snprintf(xml, cap,
                                "<testsuite name=\"s\"><testcase name=\"t\">");
    for (int i = 0; i <= KC_JUNIT_MAX_FAILURES; i++)
        n += (size_t)snprintf(xml + n, cap - n, "<failure type=\"f%d\"/>", i);
    snprintf(xml + n, cap - n, "</testcase></testsuite>");
    assert_int_equal(
        kc_junit_read_mem(xml, strlen(xml), "many.xml", &r, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "many.xml:1: testcase 't' has more than"));
    n = (size_t)snprintf(xml, cap, "<testsuite name=\"s\"><properties>");
    for (int i = 0; i <= KC_JUNIT_MAX_PROPS && n < cap - 64; i++)
        n += (size_t)snprintf(xml + n, cap - n,
                              "<property name=\"p%d\" value=\"\"/>", i);
    snprintf(xml + n, cap - n, "</properties></testsuite>");
    assert_int_equal(
        kc_junit_read_mem(xml, strlen(xml), "props.xml", &r, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "props.xml:1: more than"));
    free(xml);
}

static void test_atomic_write_failure(void **state)
{
    (void)state;
    struct kc_report *r = sample();
    char err[512] = "";
    assert_int_equal(
        kc_junit_write(r, "/nonexistent-dir/x.xml", false, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x.xml"));
    kc_report_free(r);
}

/* KC_JUNIT_READ_NO_TRANSCRIPT drops the transcripts and nothing else. */
static void test_read_no_transcript(void **state)
{
    (void)state;
    struct kc_report *r = sample(), *all = NULL, *lean = NULL;
    char err[512];
    char *p = fx_tmp_path("lean.xml");
    assert_int_equal(kc_junit_write(r, p, false, err, sizeof(err)), 0);
    if (kc_junit_read(p, &all, err, sizeof(err)) ||
        kc_junit_read_flags(p, KC_JUNIT_READ_NO_TRANSCRIPT, &lean, err,
                            sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(lean->ncases, all->ncases);
    size_t had = 0;
    for (size_t i = 0; i < all->ncases; i++) {
        struct kc_testcase *a = &all->cases[i], *b = &lean->cases[i];
        had += a->transcript != NULL;
        assert_null(b->transcript);
        free(a->transcript);
        a->transcript = NULL;
        assert_same_case(a, b, true);
    }
    assert_true(had > 0);
    kc_report_free(all);
    kc_report_free(lean);
    kc_report_free(r);
}

/* Our own writer's output at scale reads back through the streaming
 * reader: 20,000 testcases written by kc_junit_write_mem, read from a
 * file, every count and a few cases checked. */
static void test_large_written_report(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct kc_report *r = kc_report_new("kmsconf"), *back = NULL;
    char err[512], id[64];
    assert_non_null(r);
    for (int i = 0; i < N; i++) {
        struct kc_testcase *tc = kc_report_add_case(r);
        snprintf(id, sizeof(id), "big/case-%06d", i);
        assert_int_equal(kc_testcase_set_id(tc, id, i % 2 ? "xml" : "json",
                                            "InvalidParameter"),
                         0);
        if (i % 7 == 0) {
            tc->outcome = KC_OUTCOME_FAIL;
            assert_int_equal(kc_testcase_add_failure(tc, "status", "409", "d"),
                             0);
        } else if (i % 11 == 0) {
            assert_int_equal(
                kc_testcase_set_skip(tc, "missing-credential", "no key"), 0);
        }
    }
    char *xml = NULL;
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    char *p = fx_tmp_path("large-written.xml");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fputs(xml, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    free(xml);
    if (kc_junit_read(p, &back, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(back->ncases, N);
    for (int o = KC_OUTCOME_PASS; o <= KC_OUTCOME_SKIP; o++)
        assert_int_equal(kc_report_count(back, (enum kc_outcome)o),
                         kc_report_count(r, (enum kc_outcome)o));
    const struct kc_testcase *tc = kc_report_find(
        back, "kmsconf.InvalidParameter", "big/case-000007 [xml]");
    assert_non_null(tc);
    assert_int_equal(tc->outcome, KC_OUTCOME_FAIL);
    assert_string_equal(tc->failures[0].check, "status");
    unlink(p);
    kc_report_free(back);
    kc_report_free(r);
}

/* A report over the old 64 MiB limit, 200,000 testcases of another
 * producer's shape in nested suites, is read; deleted afterwards. */
static void test_over_old_limit(void **state)
{
    (void)state;
    enum { N = 200000 };
    char err[512];
    char *p = fx_tmp_path("over-64mib.xml");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    char pad[321];
    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    fprintf(f, "<?xml version=\"1.0\"?>\n<testsuites time=\"2.5\">\n"
               "<testsuites><testsuite name=\"outer\">\n");
    for (int i = 0; i < N; i++) {
        fprintf(f, "<testcase classname=\"c%d\" name=\"t%06d\" time=\"0.1\">",
                i % 10, i);
        if (i % 5 == 0)
            fprintf(f, "<failure message=\"m\">%s</failure>", pad);
        else if (i % 5 == 1)
            fprintf(f, "<skipped message=\"flaky: %s\"/>", pad);
        else
            fprintf(f, "<system-out><![CDATA[%s]]></system-out>", pad);
        fprintf(f, "</testcase>\n");
    }
    fprintf(f, "<testcase name=\"last\"/></testsuite></testsuites>"
               "</testsuites>\n");
    assert_int_equal(fclose(f), 0);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true((size_t)st.st_size > (size_t)64 * 1024 * 1024);
    struct kc_report *r = NULL;
    if (kc_junit_read(p, &r, err, sizeof(err)))
        fail_msg("%s", err);
    unlink(p);
    assert_int_equal(r->ncases, N + 1);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_FAIL), N / 5);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_SKIP), N / 5);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_PASS), N - 2 * (N / 5) + 1);
    assert_true(r->time_s > 2.49 && r->time_s < 2.51);
    const struct kc_testcase *tc = kc_report_find(r, "outer", "last");
    assert_non_null(tc);
    tc = kc_report_find(r, "c1", "t199991");
    assert_non_null(tc);
    assert_string_equal(tc->skip_type, "flaky");
    kc_report_free(r);
}

/* A pull reader on path (its stream and head in *f and head). */
static struct kc_junit_reader *pull_open(const char *path, FILE **f, char *head,
                                         unsigned flags)
{
    char err[KC_ERR_MAX] = "";
    struct kc_junit_reader *rd = NULL;
    *f = fopen(path, "rb");
    assert_non_null(*f);
    size_t n = fread(head, 1, KC_JUNIT_HEAD_BYTES, *f);
    if (kc_junit_open(*f, head, n, path, flags, &rd, err, sizeof(err)))
        fail_msg("%s", err);
    return rd;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* kc_junit_next hands out the testcases that kc_junit_read finds, one per
 * call in the file's order, the header whole at the end; fields may be
 * taken over; the end comes again. */
static void test_pull(void **state)
{
    (void)state;
    char err[KC_ERR_MAX] = "", *head = malloc(KC_JUNIT_HEAD_BYTES);
    struct kc_report *r = sample(), *whole = NULL;
    const char *p = fx_tmp_path("pull.xml");
    assert_int_equal(kc_junit_write(r, p, false, err, sizeof(err)), 0);
    assert_int_equal(kc_junit_read_flags(p, KC_JUNIT_READ_NO_TRANSCRIPT, &whole,
                                         err, sizeof(err)),
                     0);
    FILE *f;
    struct kc_junit_reader *rd =
        pull_open(p, &f, head, KC_JUNIT_READ_NO_TRANSCRIPT);
    struct kc_testcase *tc;
    size_t i = 0;
    while (kc_junit_next(rd, &tc, err, sizeof(err)) == 1) {
        assert_true(i < whole->ncases);
        const struct kc_testcase *w = &whole->cases[i++];
        assert_string_equal(tc->classname, w->classname);
        assert_string_equal(tc->name, w->name);
        assert_int_equal(tc->outcome, w->outcome);
        assert_int_equal(tc->nfailures, w->nfailures);
        assert_null(tc->transcript);
        assert_int_equal(kc_junit_header(rd)->ncases, 0);
        free(tc->name); /* taken over */
        tc->name = NULL;
    }
    assert_int_equal(i, whole->ncases);
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), 0);
    assert_null(tc);
    struct kc_report *hdr = kc_junit_take_header(rd);
    assert_int_equal(hdr->nprops, whole->nprops);
    assert_string_equal(kc_report_prop(hdr, "kmsconf.target"),
                        kc_report_prop(whole, "kmsconf.target"));
    kc_report_free(hdr);
    kc_junit_close(rd);
    fclose(f);

    /* another producer's order is the file's; closing early is fine */
    write_text(p, "<testsuite name=\"s\"><testcase classname=\"z\" name=\"2\"/>"
                  "<testcase name=\"1\"/></testsuite>");
    rd = pull_open(p, &f, head, 0);
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), 1);
    assert_string_equal(tc->name, "2");
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), 1);
    assert_string_equal(tc->classname, "s");
    kc_junit_close(rd);
    fclose(f);
    kc_report_free(whole);
    kc_report_free(r);
    free(head);
}

/* A suite of n testcases of classname cls, named 0, 1, ..., then tail and
 * the end tag. */
static void write_broken(const char *path, const char *cls, int n,
                         const char *tail)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<testsuite>", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "<testcase classname=\"%s\" name=\"%d\"/>\n", cls, i);
    fprintf(f, "%s</testsuite>\n", tail);
    assert_int_equal(fclose(f), 0);
}

/* A problem after testcases handed out: they came, then the read fails with
 * kc_junit_read's error, and goes on failing. Two readers side by side each
 * report their own error (libxml2 keeps the last error globally). */
static void test_pull_errors(void **state)
{
    (void)state;
    char err[KC_ERR_MAX] = "", want[KC_ERR_MAX] = "", err2[KC_ERR_MAX] = "";
    char *head = malloc(KC_JUNIT_HEAD_BYTES);
    char *head2 = malloc(KC_JUNIT_HEAD_BYTES);
    const char *bad = fx_tmp_path("pull-bad.xml");
    const char *bad2 = fx_tmp_path("pull-bad2.xml");
    /* malformed far enough in that the parser meets it after testcases
     * were handed out (it parses ahead a chunk at a time) */
    write_broken(bad, "a", 2000, "<testcase classname=\"a\" name=\"x\">");
    write_broken(bad2, "b", 3000, "\n\n<oops");
    struct kc_report *none = NULL;
    assert_int_equal(kc_junit_read(bad, &none, want, sizeof(want)), -1);
    assert_non_null(strstr(want, "malformed XML"));
    FILE *f, *f2;
    struct kc_junit_reader *rd = pull_open(bad, &f, head, 0);
    struct kc_junit_reader *rd2 = pull_open(bad2, &f2, head2, 0);
    struct kc_testcase *tc;
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), 1);
    assert_string_equal(tc->name, "0");
    assert_int_equal(kc_junit_next(rd2, &tc, err, sizeof(err)), 1);
    size_t n1 = 1, n2 = 1;
    int rc1, rc2;
    /* rd runs into its error while rd2 still reads */
    while ((rc1 = kc_junit_next(rd, &tc, err, sizeof(err))) == 1) {
        n1++;
        assert_int_equal(kc_junit_next(rd2, &tc, err2, sizeof(err2)), 1);
        n2++;
    }
    assert_int_equal(rc1, -1);
    assert_true(n1 > 1);
    assert_string_equal(err, want);
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), -1);
    while ((rc2 = kc_junit_next(rd2, &tc, err2, sizeof(err2))) == 1)
        n2++;
    assert_int_equal(rc2, -1);
    assert_true(n2 > n1);
    assert_int_equal(kc_junit_read(bad2, &none, want, sizeof(want)), -1);
    assert_string_equal(err2, want);
    assert_non_null(strstr(err2, "pull-bad2.xml:"));
    kc_junit_close(rd);
    kc_junit_close(rd2);
    fclose(f);
    fclose(f2);

    /* refused content: a testcase without a name, after one handed out */
    write_text(bad, "<testsuite><testcase classname=\"z\" name=\"2\"/>"
                    "<testcase/></testsuite>");
    rd = pull_open(bad, &f, head, 0);
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), 1);
    assert_int_equal(kc_junit_next(rd, &tc, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "<testcase> without a name"));
    kc_junit_close(rd);
    fclose(f);
    /* refused at open: an empty file, a DOCTYPE */
    write_text(bad, "");
    f = fopen(bad, "rb");
    rd = (struct kc_junit_reader *)1;
    assert_int_equal(kc_junit_open(f, head, 0, bad, 0, &rd, err, sizeof(err)),
                     -1);
    assert_null(rd);
    assert_non_null(strstr(err, "empty file"));
    fclose(f);
    write_text(bad, "<!DOCTYPE x><testsuite/>");
    f = fopen(bad, "rb");
    size_t n = fread(head, 1, KC_JUNIT_HEAD_BYTES, f);
    rd = (struct kc_junit_reader *)1;
    assert_int_equal(kc_junit_open(f, head, n, bad, 0, &rd, err, sizeof(err)),
                     -1);
    assert_null(rd);
    fclose(f);
    free(head);
    free(head2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_against_schemas),
        cmocka_unit_test(test_pull),
        cmocka_unit_test(test_pull_errors),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_writer_derives_names),
        cmocka_unit_test(test_round_trip_default),
        cmocka_unit_test(test_round_trip_strict),
        cmocka_unit_test(test_known_failure),
        cmocka_unit_test(test_drop_passing_transcripts),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_foreign),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_read_no_transcript),
        cmocka_unit_test(test_large_written_report),
        cmocka_unit_test(test_over_old_limit),
        cmocka_unit_test(test_atomic_write_failure),
    };
    return cmocka_run_group_tests(tests, fx_tmp_setup, fx_tmp_teardown);
}
