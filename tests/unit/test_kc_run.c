/* kc_run: the scheduler against an in-process kms-refserver: passing and
 * failing testcases, skips, setup errors with teardown, the manifest,
 * interrupts, an unreachable target, redaction of what reaches the report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kc/case_parse.h"
#include "kc/redact.h"
#include "kc/run.h"
#include "rs/config.h"
#include "rs/reply.h"
#include "rs/reqlog.h"
#include "rs/server.h"

static const char target_json[] =
    "{\"name\":\"t\",\"endpoint\":\"http://127.0.0.1:1\",\"region\":"
    "\"cn-hangzhou\",\"signature\":\"v1\",\"method\":\"POST\",\"envelope\":"
    "\"kms\",\"allow_inline_secrets\":true,\"credentials\":{\"default\":"
    "{\"access_key_id\":\"testid\",\"access_key_secret\":\"testsecret\"}}}";

static const char *const case_texts[] = {
    /* passes */
    "{\"id\":\"t/not-found\",\"error\":\"Forbidden.KeyNotFound\",\"summary\":"
    "\"s\",\"level\":\"extension\",\"extension\":\"fixture\",\"probe\":{"
    "\"action\":\"DescribeKey\",\"params\":{\"KeyId\":"
    "\"${uuid}\"}}}",
    /* needs a credential the target lacks: skipped */
    "{\"id\":\"t/"
    "skip\",\"error\":\"Forbidden.InDebt\",\"summary\":\"s\",\"level\":"
    "\"extension\",\"extension\":\"fixture\","
    "\"probe\":{\"action\":\"ListKeys\",\"credential\":\"in-debt\"}}",
    /* setup fails: an error, and the teardown still runs */
    "{\"id\":\"t/setup-error\",\"error\":\"Forbidden.KeyNotFound\","
    "\"summary\":\"s\",\"level\":\"extension\",\"extension\":\"fixture\","
    "\"setup\":[{\"action\":\"CreateKey\",\"params\":"
    "{\"Description\":\"${run.label}\"},\"save\":{\"key\":"
    "\"KeyMetadata.KeyId\"}},{\"action\":\"DescribeKey\",\"params\":"
    "{\"KeyId\":\"missing-${uuid}\"}}],\"probe\":{\"action\":\"DescribeKey\","
    "\"params\":{\"KeyId\":\"${key}\"}},\"teardown\":[{\"action\":"
    "\"ScheduleKeyDeletion\",\"params\":{\"KeyId\":\"${key}\","
    "\"PendingWindowInDays\":\"7\"}}]}",
    /* the probe answers another code: a failure */
    "{\"id\":\"t/wrong\",\"error\":\"Forbidden.AliasNotFound\",\"summary\":"
    "\"s\",\"level\":\"extension\",\"extension\":\"fixture\",\"probe\":{"
    "\"action\":\"DescribeKey\",\"params\":{\"KeyId\":"
    "\"${uuid}\"}}}",
};
#define NCASES (sizeof(case_texts) / sizeof(case_texts[0]))

struct fx {
    struct kc_catalog *cat;
    struct kc_envelope *env;
    struct kc_caseset set;
    const struct kc_case *cases[NCASES];
    char log_path[64];
};

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

static int setup(void **state)
{
    static struct fx f;
    char err[256], path[512];
    struct kc_issues is;
    snprintf(path, sizeof(path), "%s/suite/catalog.json", KC_SOURCE_DIR);
    if (kc_catalog_load(&f.cat, path, err, sizeof(err)))
        return -1;
    snprintf(path, sizeof(path), "%s/suite/envelopes.json", KC_SOURCE_DIR);
    if (kc_envelope_load(&f.env, path, "kms", err, sizeof(err)))
        return -1;
    kc_caseset_init(&f.set);
    kc_issues_init(&is);
    for (size_t i = 0; i < NCASES; i++)
        if (kc_case_parse(&f.set, case_texts[i], strlen(case_texts[i]), "case",
                          f.cat, &is)) {
            fprintf(stderr, "%s\n", is.n ? is.lines[0] : "?");
            return -1;
        }
    kc_issues_dispose(&is);
    for (size_t i = 0; i < NCASES; i++)
        f.cases[i] = &f.set.cases[i];
    kc_http_global_init();
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    kc_caseset_dispose(&f->set);
    kc_catalog_free(f->cat);
    kc_envelope_free(f->env);
    kc_http_global_cleanup();
    return 0;
}

/* A running refserver with deviations dev, logging to a temp file. */
struct srv {
    struct rs_config cfg;
    struct rs_server *s;
    struct rs_reqlog *log;
    char url[128];
    char log_path[64];
};

static void srv_start(struct srv *v, unsigned dev)
{
    char err[256];
    snprintf(v->log_path, sizeof(v->log_path), "/tmp/test_kc_run.XXXXXX");
    int fd = mkstemp(v->log_path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(rs_config_default(&v->cfg), 0);
    v->cfg.deviations = dev;
    v->log = rs_reqlog_open(v->log_path);
    assert_non_null(v->log);
    assert_int_equal(rs_server_start(&v->s, &v->cfg, "127.0.0.1:0", v->log, err,
                                     sizeof(err)),
                     0);
    rs_server_url(v->s, v->url, sizeof(v->url));
}

static void srv_stop(struct srv *v)
{
    rs_server_stop(v->s);
    rs_reqlog_close(v->log);
    rs_config_dispose(&v->cfg);
    unlink(v->log_path);
}

static struct kc_run_opts opts_for(struct fx *f, struct kc_target *t,
                                   struct kc_redactor *red)
{
    struct kc_run_opts o = {.target = t,
                            .catalog = f->cat,
                            .envelope = f->env,
                            .cases = f->cases,
                            .ncases = NCASES,
                            .json = true,
                            .xml = true,
                            .jobs = 3,
                            .redactor = red,
                            .passing_transcripts = true};
    return o;
}

static const struct kc_testcase *find(const struct kc_report *r,
                                      const char *name)
{
    for (size_t i = 0; i < r->ncases; i++)
        if (!strcmp(r->cases[i].name, name))
            return &r->cases[i];
    fail_msg("no testcase %s", name);
    return NULL;
}

static struct kc_target *target_at(const char *url)
{
    struct kc_target *t = NULL;
    char err[256];
    assert_int_equal(kc_target_parse(&t, target_json, strlen(target_json),
                                     "target", url, err, sizeof(err)),
                     0);
    return t;
}

static void test_outcomes(void **state)
{
    struct fx *f = *state;
    struct srv v;
    struct kc_run_stats st;
    char err[256];
    srv_start(&v, 0);
    struct kc_target *t = target_at(v.url);
    struct kc_redactor *red = kc_redactor_new();
    kc_redactor_add(red, "testsecret");
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_run_opts o = opts_for(f, t, red);
    assert_int_equal(kc_run_execute(&o, r, &st, err, sizeof(err)), 0);
    assert_int_equal(r->ncases, 2 * NCASES);
    const struct kc_testcase *tc = find(r, "t/not-found [json]");
    assert_int_equal(tc->outcome, KC_OUTCOME_PASS);
    assert_string_equal(tc->classname, "kmsconf.Forbidden.KeyNotFound");
    assert_string_equal(tc->format, "json");
    assert_non_null(tc->request_id);
    assert_non_null(strstr(tc->transcript, "Signature=***"));
    assert_null(strstr(tc->transcript, "testsecret"));
    assert_int_equal(find(r, "t/not-found [xml]")->outcome, KC_OUTCOME_PASS);
    tc = find(r, "t/skip [xml]");
    assert_int_equal(tc->outcome, KC_OUTCOME_SKIP);
    assert_string_equal(tc->skip_type, "missing-credential");
    tc = find(r, "t/setup-error [json]");
    assert_int_equal(tc->outcome, KC_OUTCOME_ERROR);
    assert_string_equal(tc->failures[0].check, "setup");
    /* its testcases carry the log of every step it ran, in order */
    const char *log = tc->transcript;
    assert_non_null(log);
    const char *s1 = strstr(log, "## setup 1: CreateKey\n> POST");
    const char *s2 = strstr(log, "## setup 2: DescribeKey\n> POST");
    const char *t1 = strstr(log, "## teardown 1: ScheduleKeyDeletion\n> POST");
    assert_true(s1 && s2 && t1 && s1 < s2 && s2 < t1);
    assert_null(strstr(log, "testsecret"));
    /* 4 probes with an answer, and the 3 steps of the failed setup's log */
    assert_int_equal(st.transcripts, 7);
    tc = find(r, "t/wrong [xml]");
    assert_int_equal(tc->outcome, KC_OUTCOME_FAIL);
    assert_string_equal(tc->failures[0].check, "code");
    assert_int_equal(kc_run_exit(r, &st, false), KC_EXIT_NONCONFORMANT);
    /* the teardown of the failed setup ran */
    assert_non_null(
        strstr(read_all(v.log_path), "\"action\":\"ScheduleKeyDeletion\""));
    assert_int_equal(
        kc_run_manifest(r, &o, "2026-01-01T00:00:00Z", NULL, false), 0);
    assert_string_equal(kc_report_prop(r, "kmsconf.formats"), "json,xml");
    assert_string_equal(kc_report_prop(r, "kmsconf.endpoint_host"),
                        "127.0.0.1");
    assert_string_equal(kc_report_prop(r, "kmsconf.interrupted"), "false");
    assert_string_equal(kc_report_prop(r, "kmsconf.signature"), "v1");
    kc_report_free(r);
    kc_redactor_free(red);
    kc_target_free(t);
    srv_stop(&v);
}

/* A case whose setup passes: its setup and teardown transcripts are never
 * written, so never built or redacted; only its probes' are. */
static void test_lazy_transcripts(void **state)
{
    struct fx *f = *state;
    static const char text[] =
        "{\"id\":\"t/setup-ok\",\"error\":\"Forbidden.KeyNotFound\","
        "\"summary\":\"s\",\"level\":\"extension\",\"extension\":\"fixture\","
        "\"setup\":[{\"action\":\"CreateKey\",\"params\":"
        "{\"Description\":\"${run.label}\"},\"save\":{\"key\":"
        "\"KeyMetadata.KeyId\"}}],\"probe\":{\"action\":\"DescribeKey\","
        "\"params\":{\"KeyId\":\"${uuid}\"}},\"teardown\":[{\"action\":"
        "\"ScheduleKeyDeletion\",\"params\":{\"KeyId\":\"${key}\","
        "\"PendingWindowInDays\":\"7\"}}]}";
    struct kc_caseset set;
    struct kc_issues is;
    struct srv v;
    struct kc_run_stats st;
    char err[256];
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(
        kc_case_parse(&set, text, strlen(text), "case", f->cat, &is), 0);
    const struct kc_case *cases[] = {&set.cases[0]};
    srv_start(&v, 0);
    struct kc_target *t = target_at(v.url);
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_run_opts o = opts_for(f, t, NULL);
    o.cases = cases;
    o.ncases = 1;
    assert_int_equal(kc_run_execute(&o, r, &st, err, sizeof(err)), 0);
    const struct kc_testcase *tc = find(r, "t/setup-ok [json]");
    assert_int_equal(tc->outcome, KC_OUTCOME_PASS);
    assert_null(strstr(tc->transcript, "## setup"));
    assert_int_equal(st.responses, 4);
    assert_int_equal(st.transcripts, 2);
    assert_non_null(
        strstr(read_all(v.log_path), "\"action\":\"ScheduleKeyDeletion\""));
    kc_report_free(r);
    kc_target_free(t);
    srv_stop(&v);
    kc_issues_dispose(&is);
    kc_caseset_dispose(&set);
}

/* Without passing_transcripts (kmsconf's default, --transcripts failed) a
 * passing probe's transcript is never built; a failing probe's is. */
static void test_passing_probe_transcripts_lazy(void **state)
{
    struct fx *f = *state;
    struct srv v;
    struct kc_run_stats st;
    char err[256];
    srv_start(&v, 0);
    struct kc_target *t = target_at(v.url);
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_run_opts o = opts_for(f, t, NULL);
    o.passing_transcripts = false;
    assert_int_equal(kc_run_execute(&o, r, &st, err, sizeof(err)), 0);
    const struct kc_testcase *tc = find(r, "t/not-found [json]");
    assert_int_equal(tc->outcome, KC_OUTCOME_PASS);
    assert_null(tc->transcript);
    assert_non_null(tc->request_id);
    tc = find(r, "t/wrong [xml]");
    assert_int_equal(tc->outcome, KC_OUTCOME_FAIL);
    assert_non_null(strstr(tc->transcript, "Signature=***"));
    assert_non_null(strstr(tc->failures[0].detail, "> POST"));
    /* the 2 failing probes, and the 3 steps of the failed setup's log */
    assert_int_equal(st.transcripts, 5);
    kc_report_free(r);
    kc_target_free(t);
    srv_stop(&v);
}

/* The parity deviation answers XML with another documented wording:
 * each answer alone passes, the two together fail parity only. */
static void test_deviation_fails(void **state)
{
    struct fx *f = *state;
    static const char text[] =
        "{\"id\":\"t/missing\",\"error\":\"MissingParameter\",\"summary\":"
        "\"s\",\"level\":\"extension\",\"extension\":\"fixture\",\"probe\":{"
        "\"action\":\"DescribeKey\",\"params\":{},"
        "\"expect\":{\"error\":\"MissingParameter\",\"args\":{"
        "\"parameter name\":\"KeyId\"}}}}";
    struct kc_caseset set;
    struct kc_issues is;
    struct srv v;
    struct kc_run_stats st;
    char err[256];
    kc_caseset_init(&set);
    kc_issues_init(&is);
    assert_int_equal(
        kc_case_parse(&set, text, strlen(text), "case", f->cat, &is), 0);
    const struct kc_case *cases[] = {&set.cases[0]};
    srv_start(&v, RS_DEV_PARITY);
    struct kc_target *t = target_at(v.url);
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_run_opts o = opts_for(f, t, NULL);
    o.cases = cases;
    o.ncases = 1;
    assert_int_equal(kc_run_execute(&o, r, &st, err, sizeof(err)), 0);
    assert_int_equal(find(r, "t/missing [json]")->outcome, KC_OUTCOME_PASS);
    /* each testcase says which wording its Message matched */
    assert_string_equal(find(r, "t/missing [json]")->message_template, "seed");
    const struct kc_testcase *tc = find(r, "t/missing [xml]");
    assert_int_equal(tc->outcome, KC_OUTCOME_FAIL);
    assert_int_equal(tc->nfailures, 1);
    assert_string_equal(tc->failures[0].check, "parity");
    assert_non_null(strstr(tc->message_template, "api-metadata"));
    kc_report_free(r);
    kc_target_free(t);
    srv_stop(&v);
    kc_caseset_dispose(&set);
    kc_issues_dispose(&is);
}

static void test_interrupted(void **state)
{
    struct fx *f = *state;
    struct srv v;
    struct kc_run_stats st;
    char err[256];
    volatile sig_atomic_t stop = 1;
    srv_start(&v, 0);
    struct kc_target *t = target_at(v.url);
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_run_opts o = opts_for(f, t, NULL);
    o.stop = &stop;
    assert_int_equal(kc_run_execute(&o, r, &st, err, sizeof(err)), 0);
    assert_true(st.interrupted);
    assert_int_equal(r->ncases, 0);
    assert_int_equal(kc_run_exit(r, &st, false), KC_EXIT_INTERRUPTED);
    kc_report_free(r);
    kc_target_free(t);
    srv_stop(&v);
}

static void test_unreachable(void **state)
{
    struct fx *f = *state;
    struct srv v;
    struct kc_run_stats st;
    char err[256], url[128];
    srv_start(&v, 0);
    snprintf(url, sizeof(url), "%s", v.url);
    srv_stop(&v); /* the port is closed now */
    struct kc_target *t = target_at(url);
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_run_opts o = opts_for(f, t, NULL);
    o.json = false;
    assert_int_equal(kc_run_execute(&o, r, &st, err, sizeof(err)), 0);
    assert_int_equal(st.responses, 0);
    assert_true(st.unreachable > 0);
    assert_int_equal(kc_run_exit(r, &st, false), KC_EXIT_UNREACHABLE);
    const struct kc_testcase *tc = find(r, "t/not-found [xml]");
    assert_int_equal(tc->outcome, KC_OUTCOME_ERROR);
    assert_string_equal(tc->failures[0].check, "transport");
    kc_report_free(r);
    kc_target_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes),
        cmocka_unit_test(test_lazy_transcripts),
        cmocka_unit_test(test_passing_probe_transcripts_lazy),
        cmocka_unit_test(test_deviation_fails),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
