/* kmsconf run: run the cases against a target and write JUnit XML
 * (docs/exit-codes.md for the exit codes). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "console.h"
#include "embed.h"
#include "kc/expect.h"
#include "kc/junit.h"
#include "kc/ledger.h"
#include "kc/pace.h"
#include "kc/outfile.h"
#include "kc/results.h"
#include "kc/plan.h"
#include "kc/preflight.h"
#include "kc/url.h"
#include "kc/bundle.h"
#include "kc/codec.h"
#include "kc/envelope.h"
#include "kc/err.h"
#include "kc/run.h"
#include "kc/select.h"
#include "kc/target.h"
#include "opts.h"
#include "kc/redact.h"

#define MAX_REFSERVER_ARGS 32
#define MAX_SECRETS        256  /* literal secrets of a target */
#define SUITE_PATH_MAX     1024 /* a file path below the suite folder */
#define STARTED_LEN        21   /* kc_time_format: yyyy-MM-ddTHH:mm:ssZ */
#define EMBED_TIMEOUT_MS   10000
#define UUID_LEN           37     /* kc_uuid4: 36 characters + NUL */
#define MAX_TIME_S         604800 /* --max-time at most: a week */

enum {
    OPT_TARGET,
    OPT_ENDPOINT,
    OPT_INSECURE,
    OPT_CACERT,
    OPT_CASES,
    OPT_SUITE,
    OPT_JOBS,
    OPT_CONNECT_TIMEOUT,
    OPT_TIMEOUT,
    OPT_OUTPUT,
    OPT_RESULTS,
    OPT_STRICT,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_FORMAT,
    OPT_EXPECT,
    OPT_REFSERVER_ARG,
    OPT_NO_PREFLIGHT,
    OPT_PLAN,
    OPT_LEDGER,
    OPT_TRANSCRIPTS,
    OPT_RETRIES,
    OPT_RATE,
    OPT_MAX_TIME,
    OPT_COLOR,
    OPT_BUNDLE,
    OPT_SIGN_KEY,
};

static const struct kc_opt run_opts[] = {
    {"--target", "FILE", "target profile (default: the bundled kms-refserver)",
     OPT_TARGET},
    {"--endpoint", "URL",
     "endpoint (overrides the profile's; alone: KMSCONF_ACCESS_KEY_ID/SECRET)",
     OPT_ENDPOINT},
    {"--insecure", NULL, "do not verify TLS certificates", OPT_INSECURE},
    {"--cacert", "FILE", "CA bundle to verify TLS certificates with",
     OPT_CACERT},
    {"--cases", "DIR", "case folder when no PATH is given", OPT_CASES},
    {"--suite", "DIR", "suite folder (catalog.json, envelopes.json)",
     OPT_SUITE},
    {"-j, --jobs", "N", "cases run at once (default 8)", OPT_JOBS},
    {"--connect-timeout", "SECONDS", "connect timeout (default 10)",
     OPT_CONNECT_TIMEOUT},
    {"--timeout", "SECONDS", "timeout of one exchange (default 30)",
     OPT_TIMEOUT},
    {"--max-time", "SECONDS", "deadline of the whole run (default none)",
     OPT_MAX_TIME},
    {"-o, --output", "FILE", "JUnit report path (default kmsconf-junit.xml)",
     OPT_OUTPUT},
    {"--results", "FILE",
     "also write the results as JSON there (kmsconf-results/1)", OPT_RESULTS},
    {"--junit-strict", NULL, "one failure per testcase (Ant JUnit schema)",
     OPT_STRICT},
    {"-v, --verbose", NULL,
     "print every testcase (skips too) with its transcript", OPT_VERBOSE},
    {"-q, --quiet", NULL, "print the summary only", OPT_QUIET},
    {"--color", "auto|always|never",
     "colour the outcomes (default auto: on a terminal, unless NO_COLOR is "
     "set)",
     OPT_COLOR},
    {"--format", "json|xml|both", "response formats probed (default both)",
     OPT_FORMAT},
    {"--expect", "FILE", "expectation file of known failures", OPT_EXPECT},
    {"--refserver-arg", "ARG",
     "argument for the embedded kms-refserver (repeatable)", OPT_REFSERVER_ARG},
    {"--no-preflight", NULL, "skip the one-request-per-credential preflight",
     OPT_NO_PREFLIGHT},
    {"--plan", NULL, "print what the run would send and create; send nothing",
     OPT_PLAN},
    {"--ledger", "FILE",
     "record created resources there (default <report>.ledger.jsonl)",
     OPT_LEDGER},
    {"--transcripts", "all|failed",
     "whose transcripts the report keeps (default failed; -v: all)",
     OPT_TRANSCRIPTS},
    {"--retries", "N",
     "retries of a throttled answer (default 4, 0: none; at most 20)",
     OPT_RETRIES},
    {"--rate", "QPS",
     "requests per second at most, all workers together (default: no limit)",
     OPT_RATE},
    {"--bundle", "DIR",
     "also write an evidence bundle there (a new or empty folder)", OPT_BUNDLE},
    {"--sign-key", "FILE",
     "sign the bundle's SHA256SUMS with this Ed25519 private key (PEM)",
     OPT_SIGN_KEY},
    KC_OPTS_SELECT_ROWS,
};
#define NOPTS (sizeof(run_opts) / sizeof(run_opts[0]))

/* Whose transcripts the report keeps: --transcripts, or all with -v. */
enum { TRANSCRIPTS_DEFAULT, TRANSCRIPTS_ALL, TRANSCRIPTS_FAILED };

struct run_cfg {
    char cases_sha256[65]; /* the library loaded, before selection */
    const char *target;
    const char *endpoint;
    bool insecure;
    const char *cacert;
    const char *cases;
    const char *suite;
    unsigned jobs;
    unsigned retries;
    double rate; /* 0: none */
    long connect_timeout_ms;
    long timeout_ms;
    long max_time_ms;   /* 0: no deadline */
    struct timespec t0; /* when the command started (CLOCK_MONOTONIC) */
    const char *output;
    const char *results; /* --results, NULL: none */
    bool strict;
    enum kc_verbosity verbosity;
    enum kc_color color; /* --color */
    int transcripts;     /* TRANSCRIPTS_* */
    bool json, xml;
    bool no_preflight;
    bool plan;
    const char *expect;
    const char *ledger;
    const char *bundle;   /* --bundle DIR */
    const char *sign_key; /* --sign-key FILE */
    const char *shard;
    const char *rs_args[MAX_REFSERVER_ARGS];
    size_t nrs_args;
    struct kc_select sel;
};

/* ---- signals ---- */

static volatile sig_atomic_t g_stop;
static volatile pid_t g_embedded_pid;

static void on_signal(int sig)
{
    static const char msg[] =
        "kmsconf: interrupted: finishing the steps in flight, then the "
        "teardowns and cleanups (a second signal aborts at once)\n";
    if (g_stop) { /* second signal: abort now */
        if (g_embedded_pid > 0)
            kill(g_embedded_pid, SIGTERM);
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_stop = 1;
    ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)w; /* nothing to do about a failed write in a handler */
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* ---- options ---- */

static int parse_uint(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int bad_value(const char *opt, const char *value, const char *want)
{
    fprintf(stderr, "kmsconf run: %s '%s': expected %s\n", opt, value, want);
    return -1;
}

/* --retries and --rate. */
static int on_pace_opt(struct run_cfg *cfg, int id, const char *value)
{
    long v = 0;
    if (id == OPT_RETRIES) {
        if (parse_uint(value, 0, KC_RETRY_MAX, &v))
            return bad_value("--retries", value, "a number from 0 to 20");
        cfg->retries = (unsigned)v;
        return 0;
    }
    char *end = NULL;
    double q = strtod(value, &end);
    if (!*value || *end || !(q >= 0.1 && q <= 100000.0))
        return bad_value("--rate", value,
                         "requests per second from 0.1 to 100000");
    cfg->rate = q;
    return 0;
}

/* --format, --transcripts, --color, --bundle and --sign-key: what the
 * report, the bundle and the console hold. */
static int on_output_opt(struct run_cfg *cfg, int id, const char *value)
{
    if (id == OPT_BUNDLE || id == OPT_SIGN_KEY) {
        *(id == OPT_BUNDLE ? &cfg->bundle : &cfg->sign_key) = value;
        return 0;
    }
    if (id == OPT_FORMAT) {
        cfg->json = !strcmp(value, "json") || !strcmp(value, "both");
        cfg->xml = !strcmp(value, "xml") || !strcmp(value, "both");
        if (!cfg->json && !cfg->xml)
            return bad_value("--format", value, "json, xml or both");
        return 0;
    }
    if (id == OPT_COLOR) {
        if (kc_console_color_parse(value, &cfg->color))
            return bad_value("--color", value, "auto, always or never");
        return 0;
    }
    if (strcmp(value, "all") && strcmp(value, "failed"))
        return bad_value("--transcripts", value, "all or failed");
    cfg->transcripts =
        !strcmp(value, "all") ? TRANSCRIPTS_ALL : TRANSCRIPTS_FAILED;
    return 0;
}

static int on_value_opt(struct run_cfg *cfg, int id, const char *value)
{
    long v = 0;
    switch (id) {
    case OPT_JOBS:
        if (parse_uint(value, 1, 256, &v))
            return bad_value("--jobs", value, "a number from 1 to 256");
        cfg->jobs = (unsigned)v;
        return 0;
    case OPT_RETRIES:
    case OPT_RATE:
        return on_pace_opt(cfg, id, value);
    case OPT_CONNECT_TIMEOUT:
    case OPT_TIMEOUT:
        if (parse_uint(value, 1, 3600, &v))
            return bad_value(id == OPT_TIMEOUT ? "--timeout"
                                               : "--connect-timeout",
                             value, "seconds from 1 to 3600");
        *(id == OPT_TIMEOUT ? &cfg->timeout_ms : &cfg->connect_timeout_ms) =
            v * 1000;
        return 0;
    case OPT_MAX_TIME:
        if (parse_uint(value, 1, MAX_TIME_S, &v))
            return bad_value("--max-time", value, "seconds from 1 to 604800");
        cfg->max_time_ms = v * 1000;
        return 0;
    case OPT_FORMAT:
    case OPT_TRANSCRIPTS:
    case OPT_COLOR:
    case OPT_BUNDLE:
    case OPT_SIGN_KEY:
        return on_output_opt(cfg, id, value);
    case OPT_REFSERVER_ARG:
        if (cfg->nrs_args == MAX_REFSERVER_ARGS)
            return bad_value("--refserver-arg", value, "at most 32 of them");
        cfg->rs_args[cfg->nrs_args++] = value;
        return 0;
    default:
        break;
    }
    return 1;
}

static int on_opt(void *ctx, int id, const char *value)
{
    struct run_cfg *cfg = ctx;
    int rc = on_value_opt(cfg, id, value);
    if (rc != 1)
        return rc;
    switch (id) {
    case OPT_TARGET:
        cfg->target = value;
        break;
    case OPT_ENDPOINT:
        cfg->endpoint = value;
        break;
    case OPT_INSECURE:
        cfg->insecure = true;
        break;
    case OPT_CACERT:
        cfg->cacert = value;
        break;
    case OPT_CASES:
        cfg->cases = value;
        break;
    case OPT_SUITE:
        cfg->suite = value;
        break;
    case OPT_OUTPUT:
        cfg->output = value;
        break;
    case OPT_RESULTS:
        cfg->results = value;
        break;
    case OPT_STRICT:
        cfg->strict = true;
        break;
    case OPT_VERBOSE:
        cfg->verbosity = KC_VERBOSE;
        break;
    case OPT_QUIET:
        cfg->verbosity = KC_QUIET;
        break;
    case OPT_EXPECT:
        cfg->expect = value;
        break;
    case OPT_NO_PREFLIGHT:
        cfg->no_preflight = true;
        break;
    case OPT_PLAN:
        cfg->plan = true;
        break;
    case OPT_LEDGER:
        cfg->ledger = value;
        break;
    default:
        if (id == KC_OPT_SELECT_BASE + 4)
            cfg->shard = value;
        return kc_opts_select("run", &cfg->sel, id, value) < 0 ? -1 : 0;
    }
    return 0;
}

/* ---- the target ---- */

struct run_env {
    struct kc_target *target;
    struct kc_envelope *envelope;
    struct kc_bundle *bundle; /* --bundle */
    struct kc_redactor *redactor;
    struct kc_embed embed;
    struct kc_pace *pace; /* --rate and the adaptive concurrency */
    atomic_ulong retried; /* the preflight's retries and the run's */
};

static int load_target(struct run_cfg *cfg, struct run_env *env, char *err,
                       size_t errlen)
{
    char path[SUITE_PATH_MAX];
    if (cfg->nrs_args && (cfg->target || cfg->endpoint)) {
        snprintf(err, errlen,
                 "--refserver-arg applies to the embedded "
                 "kms-refserver only (no --target/--endpoint)");
        return -1;
    }
    if (cfg->target)
        return kc_target_load(&env->target, cfg->target, cfg->endpoint, err,
                              errlen);
    if (cfg->endpoint)
        return kc_target_from_env(&env->target, cfg->endpoint, err, errlen);
    snprintf(path, sizeof(path), "%s/targets/refserver.json",
             kc_opts_suite_dir(cfg->suite));
    if (kc_embed_start(&env->embed, cfg->rs_args, cfg->nrs_args,
                       EMBED_TIMEOUT_MS, err, errlen))
        return -1;
    g_embedded_pid = env->embed.pid;
    return kc_target_load(&env->target, path, env->embed.url, err, errlen);
}

/* Registers the Plaintext values the cases send as literal secrets, so
 * they are scrubbed wherever they appear (also in other fields). */
static int add_plaintexts(struct kc_redactor *red, const struct kc_step *s)
{
    for (size_t i = 0; i < s->nparams; i++)
        if (!strcmp(s->params[i].name, "Plaintext") &&
            kc_redactor_add(red, s->params[i].value))
            return -1;
    return 0;
}

static int add_case_secrets(struct kc_redactor *red,
                            const struct kc_case *const *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct kc_case *c = cases[i];
        int rc = add_plaintexts(red, &c->probe);
        for (size_t k = 0; !rc && k < c->nsetup; k++)
            rc = add_plaintexts(red, &c->setup[k]);
        for (size_t k = 0; !rc && k < c->nteardown; k++)
            rc = add_plaintexts(red, &c->teardown[k]);
        if (rc)
            return -1;
    }
    return 0;
}

static int prepare(struct run_cfg *cfg, struct run_env *env,
                   const struct kc_case *const *cases, size_t ncases, char *err,
                   size_t errlen)
{
    char path[SUITE_PATH_MAX];
    const char *secrets[MAX_SECRETS];
    if (load_target(cfg, env, err, errlen))
        return -1;
    if (cfg->insecure)
        env->target->tls_verify = false;
    if (cfg->cacert) {
        free(env->target->tls_cacert);
        env->target->tls_cacert = strdup(cfg->cacert);
    }
    snprintf(path, sizeof(path), "%s/envelopes.json",
             kc_opts_suite_dir(cfg->suite));
    if (kc_envelope_load(&env->envelope, path, env->target->envelope, err,
                         errlen))
        return -1;
    env->redactor = kc_redactor_new();
    env->pace = kc_pace_new(cfg->rate, cfg->jobs);
    if (!env->redactor || !env->pace)
        return -1;
    size_t n = kc_target_secrets(env->target, secrets, MAX_SECRETS);
    for (size_t i = 0; i < n && i < MAX_SECRETS; i++)
        if (kc_redactor_add(env->redactor, secrets[i]))
            return -1;
    return add_case_secrets(env->redactor, cases, ncases);
}

/* ---- after the run ---- */

/* Applies the --expect file e to r; *stale says whether an entry is
 * stale. 0, or -1 (out of memory). */
static int apply_expect(const struct kc_expect *e, struct kc_report *r,
                        bool *stale)
{
    struct kc_expect_outcome out;
    *stale = false;
    memset(&out, 0, sizeof(out));
    int rc = kc_expect_apply(e, r, time(NULL), &out) ? -1 : 0;
    for (size_t i = 0; !rc && i < out.stale; i++)
        fprintf(stderr, "kmsconf run: stale expectation: %s\n",
                out.stale_ids ? out.stale_ids[i] : "?");
    *stale = !rc && out.stale;
    kc_expect_outcome_dispose(&out);
    return rc;
}

/* One output path of the run, checked before any request (append: opened
 * to append, the ledger). 0, or -1 printed naming the option. */
static int check_output(const char *opt, const char *path, bool append)
{
    char err[KC_ERR_MAX];
    if (!kc_outfile_check(path, append, err, sizeof(err)))
        return 0;
    if (!path[0])
        fprintf(stderr, "kmsconf run: %s '': an empty path\n", opt);
    else
        fprintf(stderr, "kmsconf run: %s %s\n", opt, err);
    return -1;
}

/* Before the first request: the report and the ledger can be written, the
 * expectation file is read (*e, caller frees). 0, or -1 printed. */
static int check_files(const struct run_cfg *cfg, struct kc_expect **e)
{
    char err[KC_ERR_MAX];
    *e = NULL;
    if (strcmp(cfg->output, "-") && check_output("-o", cfg->output, false))
        return -1;
    if (cfg->results && !strcmp(cfg->results, cfg->output)) {
        fprintf(stderr,
                "kmsconf run: --results '%s': the path of the JUnit "
                "report (-o) too\n",
                cfg->results);
        return -1;
    }
    if (cfg->results && strcmp(cfg->results, "-") &&
        check_output("--results", cfg->results, false))
        return -1;
    if (cfg->ledger && check_output("--ledger", cfg->ledger, true))
        return -1;
    if (cfg->expect && kc_expect_load(cfg->expect, e, err, sizeof(err))) {
        if (!cfg->expect[0])
            fprintf(stderr, "kmsconf run: --expect '': an empty path\n");
        else
            fprintf(stderr, "kmsconf run: --expect %s\n", err);
        return -1;
    }
    return 0;
}

/* The JUnit report and, with --results, the results file. 0, or -1
 * printed. */
static int write_reports(const struct run_cfg *cfg, const struct kc_report *r)
{
    char err[KC_ERR_MAX];
    int rc = 0;
    if (kc_junit_write(r, cfg->output, cfg->strict, err, sizeof(err))) {
        fprintf(stderr, "kmsconf run: %s\n", err);
        rc = -1;
    }
    if (cfg->results && kc_results_write(r, cfg->results, err, sizeof(err))) {
        fprintf(stderr, "kmsconf run: --results %s\n", err);
        rc = -1;
    }
    return rc;
}

static void env_dispose(struct run_env *env)
{
    kc_embed_stop(&env->embed);
    g_embedded_pid = 0;
    kc_redactor_free(env->redactor);
    kc_pace_free(env->pace);
    kc_envelope_free(env->envelope);
    kc_bundle_free(env->bundle);
    kc_target_free(env->target);
}

static void usage(void)
{
    kc_opts_usage(
        stdout, "run [options] [PATH...]",
        "Runs the cases (files or folders, default the suite's cases folder)\n"
        "against a target and writes a JUnit report. Without --target and\n"
        "--endpoint the bundled kms-refserver is started on a free loopback\n"
        "port. Exit: 0 conformant, 1 non-conformance, 2 usage/target/case\n"
        "error or interrupted, 3 target unreachable, 4 stale expectation.",
        run_opts, NOPTS);
}

/* Whether the report keeps passing testcases' transcripts: --transcripts
 * all, or -v without --transcripts failed. */
static bool keeps_passing_transcripts(const struct run_cfg *cfg)
{
    return cfg->transcripts == TRANSCRIPTS_ALL ||
           (cfg->transcripts == TRANSCRIPTS_DEFAULT &&
            cfg->verbosity == KC_VERBOSE);
}

static struct kc_run_opts make_run_opts(const struct run_cfg *cfg,
                                        struct run_env *env,
                                        const struct kc_catalog *cat,
                                        struct kc_console *con)
{
    struct kc_run_opts o = {
        .target = env->target,
        .catalog = cat,
        .cases_sha256 = cfg->cases_sha256,
        .envelope = env->envelope,
        .json = cfg->json,
        .xml = cfg->xml,
        .jobs = cfg->jobs,
        .http = {cfg->connect_timeout_ms, cfg->timeout_ms,
                 !env->target->tls_verify, env->target->tls_cacert, 0, 0},
        .redactor = env->redactor,
        .observer = kc_console_observer(con),
        .stop = &g_stop,
        .retry = {.retries = cfg->retries,
                  .stop = &g_stop,
                  .pace = env->pace,
                  .retried = &env->retried},
        .max_time_ms = cfg->max_time_ms,
        .passing_transcripts = keeps_passing_transcripts(cfg),
        .bundle = env->bundle,
    };
    return o;
}

/* The properties of an aborted run: why, and how many testcases did not
 * run. 0 or -1 (out of memory). */
static int mark_aborted(struct kc_report *r, const struct kc_run_stats *st)
{
    char n[32];
    snprintf(n, sizeof(n), "%zu", st->not_run);
    return kc_report_set_prop(r, "kmsconf.abort_reason", st->abort_reason) ||
                   kc_report_set_prop(r, "kmsconf.not_run", n)
               ? -1
               : 0;
}

/* Runs the cases into r, timed, with the run manifest. 0, or -1 (the
 * reason printed when there is one). */
static int run_cases(const struct kc_run_opts *opts, const struct run_cfg *cfg,
                     struct kc_report *r, struct kc_run_stats *st)
{
    char err[KC_ERR_MAX], started[STARTED_LEN];
    struct timespec m0, m1;
    struct kc_run_opts o = *opts;

    kc_time_format(time(NULL), started);
    clock_gettime(CLOCK_MONOTONIC, &m0);
    r->timestamp = strdup(started);
    if (cfg->max_time_ms) { /* what the preflight left of --max-time */
        long spent = (long)(m0.tv_sec - cfg->t0.tv_sec) * 1000 +
                     (m0.tv_nsec - cfg->t0.tv_nsec) / 1000000;
        o.max_time_ms = spent < cfg->max_time_ms ? cfg->max_time_ms - spent : 1;
    }
    if (kc_run_execute(&o, r, st, err, sizeof(err))) {
        fprintf(stderr, "kmsconf run: %s\n", err);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &m1);
    r->time_s = (double)(m1.tv_sec - m0.tv_sec) +
                (double)(m1.tv_nsec - m0.tv_nsec) / 1e9;
    char retries[24];
    snprintf(retries, sizeof(retries), "%lu",
             o.retry.retried ? atomic_load(o.retry.retried) : 0UL);
    if (kc_run_manifest(r, &o, started, cfg->shard, st->interrupted) ||
        kc_report_set_prop(r, "kmsconf.retries", retries) ||
        kc_report_set_prop(r, "kmsconf.aborted",
                           kc_run_abort_name(st->aborted)))
        return -1;
    return st->aborted ? mark_aborted(r, st) : 0;
}

/* The exit code of a finished run, --expect applied; the transcripts of
 * passing testcases are dropped unless --transcripts all (or -v). */
static enum kc_exit judge(const struct run_cfg *cfg, const struct kc_expect *e,
                          struct kc_report *r, const struct kc_run_stats *st)
{
    bool stale = false;
    enum kc_exit rc = KC_EXIT_USAGE;

    if (!e || apply_expect(e, r, &stale) == 0)
        rc = kc_run_exit(r, st, stale);
    if (!keeps_passing_transcripts(cfg))
        kc_report_drop_passing_transcripts(r);
    if (st->aborted == KC_RUN_ABORT_DEADLINE) {
        fprintf(stderr,
                "kmsconf run: aborted: --max-time %ld s passed; %zu "
                "testcases not run\n",
                cfg->max_time_ms / 1000, st->not_run);
    } else if (st->aborted) {
        fprintf(stderr, "kmsconf run: aborted: %s; %zu testcases not run\n",
                st->abort_reason, st->not_run);
    } else if (rc == KC_EXIT_UNREACHABLE) {
        /* The transport error already says "unreachable: ...". */
        const char *why = st->first_transport_error;
        if (!strncmp(why, "unreachable: ", 13))
            why += 13;
        fprintf(stderr, "kmsconf run: target unreachable: %s\n", why);
    } else if (!st->responses && st->answered_badly) {
        fprintf(stderr,
                "kmsconf run: the target answered, but never with an HTTP "
                "answer kmsconf can read (the first: %s)\n",
                st->first_transport_error);
    }
    return rc;
}

/* --plan: the plan in full, nothing sent. On a TTY, a run against a
 * non-loopback endpoint shows its one-line plan first (full is false). */
static int show_plan(const struct run_cfg *cfg, const struct run_env *env,
                     const struct kc_case *const *cases, size_t ncases,
                     bool full)
{
    struct kc_plan p;
    if (kc_plan_make(&p, env->target, cases, ncases, cfg->json, cfg->xml,
                     !cfg->no_preflight)) {
        fprintf(stderr, "kmsconf run: out of memory\n");
        return -1;
    }
    if (full)
        kc_plan_print(&p, stdout);
    else
        kc_plan_print_line(&p, stdout);
    kc_plan_dispose(&p);
    return 0;
}

/* ---- the ledger and the sweep hint ---- */

/* Opens the ledger (--ledger, or <report>.ledger.jsonl). NULL, printed;
 * *ok is false when that is an error (--ledger given), true when the run
 * goes on without a ledger (the default path cannot be opened). */
static struct kc_ledger *open_ledger(const struct run_cfg *cfg, bool *ok)
{
    char path[SUITE_PATH_MAX], err[KC_ERR_MAX];
    struct kc_ledger *l;
    int n = snprintf(path, sizeof(path), "%s.ledger.jsonl", cfg->output);
    if (!cfg->ledger && (n < 0 || (size_t)n >= sizeof(path))) {
        fprintf(stderr, "kmsconf run: -o %s: too long for a ledger path\n",
                cfg->output);
        *ok = false;
        return NULL;
    }
    l = kc_ledger_open(cfg->ledger ? cfg->ledger : path, err, sizeof(err));
    if (!l && cfg->ledger)
        fprintf(stderr, "kmsconf run: --ledger %s\n", err);
    else if (!l) /* e.g. -o /dev/stdout: the report is not a file */
        fprintf(stderr,
                "kmsconf run: warning: %s; running without a ledger "
                "(--ledger FILE names one)\n",
                err);
    *ok = l || !cfg->ledger;
    return l;
}

/* Prints s as one shell word (single quotes when it needs any). */
static void put_word(FILE *out, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c; c++)
        plain =
            plain && (strchr("_./:@%+=,-", *c) || (*c >= 'a' && *c <= 'z') ||
                      (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'));
    if (plain) {
        fputs(s, out);
        return;
    }
    fputc('\'', out);
    for (const char *c = s; *c; c++) {
        if (*c == '\'')
            fputs("'\\''", out);
        else
            fputc((unsigned char)*c >= 0x20 ? *c : '?', out);
    }
    fputc('\'', out);
}

/* After an interrupted run, or one that left resources: how to sweep (l
 * may be NULL: no ledger). */
static void print_sweep_hint(const struct run_cfg *cfg,
                             const struct run_env *env,
                             const struct kc_ledger *l, const char *label,
                             bool interrupted)
{
    size_t open = l ? kc_ledger_open_count(l) : 0;
    if (!interrupted && !open)
        return;
    if (env->embed.pid > 0) {
        printf("nothing is left: the embedded kms-refserver stops with the "
               "run\n");
        return;
    }
    if (open)
        printf("ledger: %s (%zu resource%s of run %s not removed)\n",
               kc_ledger_path(l), open, open == 1 ? "" : "s", label);
    else
        printf("every resource run %s created was removed; to check:\n", label);
    printf("%s kmsconf sweep", open ? "to remove what is left:" : " ");
    if (cfg->target) {
        printf(" --target ");
        put_word(stdout, cfg->target);
    }
    printf(" --endpoint ");
    put_word(stdout, env->target->endpoint);
    if (open) {
        printf(" --ledger ");
        put_word(stdout, kc_ledger_path(l));
    } else {
        printf(" --label %s --dry-run", label);
    }
    printf("\n");
}

/* Closes the ledger of a finished run: removed when it was empty before
 * the run and the run removed everything it recorded, or the target was
 * the embedded kms-refserver (its keys stop with it). */
static void close_ledger(struct kc_ledger *l, bool finished, bool embedded)
{
    if (l)
        kc_ledger_close(l, finished && kc_ledger_was_empty(l) &&
                               (embedded || !kc_ledger_open_count(l)));
}

/* The summary's line on the adaptive concurrency, when it backed off. */
static void print_backoff(struct kc_pace *pace, unsigned jobs)
{
    if (kc_pace_lowest(pace) < jobs)
        printf("throttled: concurrency backed off to %u of %u workers at the "
               "lowest\n",
               kc_pace_lowest(pace), jobs);
}

/* The preflight, its timeouts within --max-time. */
static enum kc_exit preflight(const struct run_cfg *cfg,
                              const struct run_env *env,
                              const struct kc_http_opts *http,
                              const struct kc_retry_policy *rp,
                              const struct kc_case *const *cases, size_t ncases)
{
    struct kc_http_opts pf = *http;
    if (cfg->max_time_ms &&
        (!pf.timeout_ms || pf.timeout_ms > cfg->max_time_ms))
        pf.timeout_ms = cfg->max_time_ms;
    return kc_preflight_run(env->target, &pf, rp, cases, ncases, stdout, stderr,
                            cfg->verbosity == KC_VERBOSE);
}

/* What the summary says of a run that stopped early, into buf; NULL when
 * it finished. */
static const char *stop_mark(const struct kc_run_stats *st, char *buf,
                             size_t len)
{
    if (st->interrupted)
        return "interrupted";
    if (!st->aborted)
        return NULL;
    snprintf(buf, len, "aborted: %s; %zu not run",
             st->aborted == KC_RUN_ABORT_DEADLINE ? "--max-time passed"
                                                  : "the target stopped "
                                                    "answering",
             st->not_run);
    return buf;
}

/* The console of a run of ncases cases (NULL: out of memory). */
static struct kc_console *new_console(const struct run_cfg *cfg, size_t ncases)
{
    struct kc_console_opts co = {.verbosity = cfg->verbosity,
                                 .color = cfg->color};

    return kc_console_new(stdout, &co, ncases * (size_t)(cfg->json + cfg->xml));
}

/* Completes the evidence bundle (docs/bundles.md): the report and the
 * results file as the run judged them (before --expect), the suite files
 * it used, SHA256SUMS and
 * its signature. 0, or -1 (printed). */
static int finish_bundle(const struct run_cfg *cfg, struct run_env *env,
                         const struct kc_report *r,
                         const struct kc_run_stats *st)
{
    char err[KC_ERR_MAX], path[SUITE_PATH_MAX];
    char *xml = NULL;
    int rc = -1;
    const char *suite = kc_opts_suite_dir(cfg->suite);
    if (st->bundle_errors) {
        fprintf(stderr, "kmsconf run: --bundle: %zu answers not written: %s\n",
                st->bundle_errors, st->bundle_error);
        return -1;
    }
    if (kc_junit_write_mem(r, false, &xml, err, sizeof(err)))
        goto out;
    if (kc_bundle_add_file(env->bundle, "report.xml", xml, strlen(xml), err,
                           sizeof(err)))
        goto out;
    free(xml);
    xml = NULL;
    if (kc_results_write_mem(r, &xml, err, sizeof(err)) ||
        kc_bundle_add_file(env->bundle, "results.json", xml, strlen(xml), err,
                           sizeof(err)))
        goto out;
    snprintf(path, sizeof(path), "%s/catalog.json", suite);
    if (kc_bundle_copy_file(env->bundle, "suite/catalog.json", path, err,
                            sizeof(err)))
        goto out;
    snprintf(path, sizeof(path), "%s/envelopes.json", suite);
    if (kc_bundle_copy_file(env->bundle, "suite/envelopes.json", path, err,
                            sizeof(err)) ||
        kc_bundle_close(env->bundle, cfg->sign_key, err, sizeof(err)))
        goto out;
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "kmsconf run: --bundle: %s\n", err);
    free(xml);
    return rc;
}

/* judge, after the bundle is completed: KC_EXIT_USAGE when it could not
 * be. */
static enum kc_exit judge_bundled(const struct run_cfg *cfg,
                                  struct run_env *env,
                                  const struct kc_expect *e,
                                  struct kc_report *r,
                                  const struct kc_run_stats *st)
{
    bool ok = !env->bundle || finish_bundle(cfg, env, r, st) == 0;
    enum kc_exit rc = judge(cfg, e, r, st);
    return ok ? rc : KC_EXIT_USAGE;
}

/* Runs the selected cases, writes the report; returns the exit code. */
static enum kc_exit execute(struct run_cfg *cfg, struct run_env *env,
                            const struct kc_catalog *cat,
                            const struct kc_expect *expect,
                            const struct kc_case *const *cases, size_t ncases)
{
    struct kc_run_stats st;
    struct kc_report *r = kc_report_new("kmsconf");
    struct kc_console *con = new_console(cfg, ncases);
    struct kc_run_opts o = make_run_opts(cfg, env, cat, con);
    enum kc_exit rc = KC_EXIT_USAGE;
    char run_id[UUID_LEN], label[KC_RUN_LABEL_MAX];
    char mark[KC_RUN_ERROR_MAX + 64];
    bool finished = false;

    kc_uuid4(run_id);
    snprintf(label, sizeof(label), "kmsconf-%.8s", run_id);
    o.run_id = run_id;
    o.cases = cases;
    o.ncases = ncases;
    if (!r || !con) {
        fprintf(stderr, "kmsconf run: out of memory\n");
        goto out;
    }
    if (cfg->plan) {
        rc = show_plan(cfg, env, cases, ncases, true) ? KC_EXIT_USAGE
                                                      : KC_EXIT_OK;
        goto out;
    }
    if (isatty(STDOUT_FILENO) && !kc_url_is_loopback(env->target->endpoint) &&
        show_plan(cfg, env, cases, ncases, false))
        goto out;
    if (!cfg->no_preflight && (rc = preflight(cfg, env, &o.http, &o.retry,
                                              cases, ncases)) != KC_EXIT_OK)
        goto out;
    rc = KC_EXIT_USAGE;
    bool ledger_ok = false;
    o.ledger = open_ledger(cfg, &ledger_ok);
    kc_console_start(con);
    if (!ledger_ok || run_cases(&o, cfg, r, &st) != 0)
        goto out;
    finished = true;
    rc = judge_bundled(cfg, env, expect, r, &st);
    if (write_reports(cfg, r))
        rc = KC_EXIT_USAGE;
    kc_console_summary(con, r,
                       rc == KC_EXIT_USAGE && !st.interrupted && !st.aborted
                           ? NULL
                           : cfg->output,
                       stop_mark(&st, mark, sizeof(mark)));
    print_backoff(env->pace, cfg->jobs);
    print_sweep_hint(cfg, env, o.ledger, label, st.interrupted);
out:
    close_ledger(o.ledger, finished, env->embed.pid > 0);
    kc_console_free(con);
    kc_report_free(r);
    return rc;
}

/* kc_cases_digest of every case loaded: the same for every shard and
 * selection of one library. */
static int library_digest(const struct kc_caseset *set, char out[65])
{
    const struct kc_case **v = calloc(set->n ? set->n : 1, sizeof(*v));
    int rc;

    if (!v)
        return -1;
    for (size_t i = 0; i < set->n; i++)
        v[i] = &set->cases[i];
    rc = kc_cases_digest(v, set->n, out);
    free(v);
    return rc;
}

/* --bundle and --sign-key, before the first request: the folder is made
 * (new or empty), the key readable. 0, or -1 (printed). */
static int open_bundle(const struct run_cfg *cfg, struct run_env *env)
{
    char err[KC_ERR_MAX];
    if (cfg->sign_key && !cfg->bundle) {
        fprintf(stderr, "kmsconf run: --sign-key needs --bundle\n");
        return -1;
    }
    if (cfg->sign_key && access(cfg->sign_key, R_OK) != 0) {
        fprintf(stderr, "kmsconf run: --sign-key: %s: cannot read: %s\n",
                cfg->sign_key, strerror(errno));
        return -1;
    }
    if (!cfg->bundle)
        return 0;
    env->bundle = kc_bundle_open(cfg->bundle, err, sizeof(err));
    if (!env->bundle)
        fprintf(stderr, "kmsconf run: --bundle: %s\n", err);
    return env->bundle ? 0 : -1;
}

static enum kc_exit run_selected(struct run_cfg *cfg, struct kc_catalog *cat,
                                 const struct kc_caseset *set)
{
    const struct kc_case **cases = NULL;
    size_t n = 0;
    struct run_env env;
    struct kc_expect *expect = NULL;
    char err[KC_ERR_MAX] = "";
    enum kc_exit rc = KC_EXIT_USAGE;
    memset(&env, 0, sizeof(env));
    env.embed.out_fd = env.embed.err_fd = -1;
    if (library_digest(set, cfg->cases_sha256) ||
        kc_select_apply(&cfg->sel, set, &cases, &n)) {
        fprintf(stderr, "kmsconf run: out of memory\n");
        return KC_EXIT_USAGE;
    }
    if (!n) {
        fprintf(stderr, "kmsconf run: no case matches the selection\n");
        goto out;
    }
    if (!cfg->plan && (check_files(cfg, &expect) || open_bundle(cfg, &env)))
        goto out;
    install_signals();
    if (prepare(cfg, &env, cases, n, err, sizeof(err))) {
        fprintf(stderr, "kmsconf run: %s\n", err[0] ? err : "out of memory");
        goto out;
    }
    kc_catalog_set_seed_only(cat, env.target->strict_messages);
    rc = execute(cfg, &env, cat, expect, cases, n);
out:
    kc_expect_free(expect);
    env_dispose(&env);
    free(cases);
    return rc;
}

enum kc_exit kc_cmd_run(int argc, char **argv)
{
    struct run_cfg cfg = {.jobs = 8,
                          .retries = KC_RETRY_DEFAULT,
                          .output = "kmsconf-junit.xml",
                          .verbosity = KC_NORMAL,
                          .json = true,
                          .xml = true};
    struct kc_catalog *cat = NULL;
    struct kc_caseset set;
    const char **pos = NULL;
    size_t npos = 0;
    enum kc_exit rc;
    clock_gettime(CLOCK_MONOTONIC, &cfg.t0);
    kc_select_init(&cfg.sel);
    kc_caseset_init(&set);
    int prc = kc_opts_parse("run", run_opts, NOPTS, argc, argv, on_opt, &cfg,
                            &pos, &npos);
    if (prc) {
        if (prc == 1)
            usage();
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    rc = kc_opts_load("run", kc_opts_suite_dir(cfg.suite),
                      kc_opts_cases_dir(cfg.cases), pos, npos, &cat, &set,
                      stderr, NULL);
    if (rc != KC_EXIT_OK)
        goto out;
    if (kc_http_global_init()) {
        fprintf(stderr, "kmsconf run: cannot initialise libcurl\n");
        rc = KC_EXIT_USAGE;
        goto out;
    }
    rc = run_selected(&cfg, cat, &set);
    kc_http_global_cleanup();
out:
    kc_caseset_dispose(&set);
    kc_catalog_free(cat);
    kc_select_dispose(&cfg.sel);
    free(pos);
    return rc;
}
