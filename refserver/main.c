/* kms-refserver: the command line around rs_server. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include "rs/config.h"
#include "rs/config_dump.h"
#include "rs/config_load.h"
#include "rs/reply.h"
#include "rs/reqlog.h"
#include "rs/server.h"

#define PROG          "kms-refserver"
#define VERSION_TEXT  PROG " 0.1.0 (Alibaba Cloud KMS API 2016-01-20)"
#define EXIT_USAGE    2
#define MAX_DEV_CODES 64
#define MAX_OFFSET_S  31622400L /* --clock-offset: a leap year either way */

struct options {
    const char *listen;
    const char *port_file;
    const char *config;
    const char *request_log;
    unsigned hold_request; /* 0: none */
    const char *hold_file;
    long hang_after; /* -1: answer everything */
    bool print_config;
    bool allow_deviations;
    long latency_ms; /* -1: from the configuration */
    double throttle;
    unsigned long long seed;
    long clock_offset_s;
    struct rs_server_limits limits;
    unsigned deviations;
    const char *codes[MAX_DEV_CODES];
    size_t ncodes;
};

static void usage(FILE *f)
{
    fputs(
        "usage: " PROG " [options]\n"
        "  --listen ADDR:PORT     address to serve (default 127.0.0.1:0)\n"
        "  --port-file FILE       write the bound port there once ready\n"
        "  --config FILE          JSON configuration (see docs/refserver.md)\n"
        "  --print-config         print the effective configuration, exit\n"
        "  --latency-ms N         delay every answer by N ms (0..60000)\n"
        "  --request-log FILE     append one JSON line per request\n"
        "  --hold-request N       hold the Nth answer until SIGUSR1 (tests)\n"
        "  --hold-file FILE       write N there when it is held\n"
        "  --hang-after N         answer N requests, then none (tests)\n"
        "  --max-conns N          open connections at most (1..10000)\n"
        "  --max-conns-per-ip N   per client address (0: no limit)\n"
        "  --conn-timeout S       close a connection idle that long (1..3600)\n"
        "  --threads N            event-loop threads (1..64; default 2/core)\n"
        "  --throttle RATE        answer Throttling to that share (0..1)\n"
        "  --seed N               seed of the --throttle draws (default 0)\n"
        "  --clock-offset SECONDS run the clock that far ahead (Date, "
        "Timestamp)\n"
        "  --deviate NAME         break one check or strict rule in answers\n"
        "  --deviate-code CODE    change the status of answers with CODE\n"
        "  --allow-deviations     needed by --deviate and --deviate-code\n"
        "  --help, --version\n",
        f);
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s (try --help)\n", what, arg ? ": " : "",
            arg ? arg : "");
    return EXIT_USAGE;
}

static int parse_latency(const char *s, long *out)
{
    long v = 0;
    if (!*s || strlen(s) > 5)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v > 60000)
        return -1;
    *out = v;
    return 0;
}

/* A decimal lo..hi into *out; -1 when malformed or out of range. */
static int parse_bounded(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned long v = 0;
    if (!*s || strlen(s) > 5)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* A share 0..1 ("0.25", "1"); -1 when malformed or out of range. */
static int parse_share(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= 0.0 && v <= 1.0))
        return -1;
    *out = v;
    return 0;
}

/* A decimal integer lo..hi, with an optional sign; -1 when not one. */
static int parse_signed(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* The test knobs --throttle, --seed, --clock-offset; 1 when name is not
 * one, else 0 or an exit code. */
static int take_knob(struct options *o, const char *name, const char *val)
{
    if (!strcmp(name, "--throttle")) {
        if (parse_share(val, &o->throttle))
            return usage_error("--throttle: expected a share 0..1, got", val);
    } else if (!strcmp(name, "--seed")) {
        char *end = NULL;
        errno = 0;
        o->seed = strtoull(val, &end, 10);
        if (!*val || *end || errno || *val == '-')
            return usage_error("--seed: expected a number 0..2^64-1, got", val);
    } else if (!strcmp(name, "--clock-offset")) {
        if (parse_signed(val, -MAX_OFFSET_S, MAX_OFFSET_S, &o->clock_offset_s))
            return usage_error("--clock-offset: expected seconds within a "
                               "year either way, got",
                               val);
    } else {
        return 1;
    }
    return 0;
}

/* The connection limits; 1 when name is not one, else 0 or an exit code. */
static int take_limit(struct options *o, const char *name, const char *val)
{
    if (!strcmp(name, "--max-conns")) {
        if (parse_bounded(val, 1, 10000, &o->limits.max_conns))
            return usage_error("--max-conns: expected 1..10000, got", val);
    } else if (!strcmp(name, "--max-conns-per-ip")) {
        if (parse_bounded(val, 0, 10000, &o->limits.max_conns_per_ip))
            return usage_error("--max-conns-per-ip: expected 0..10000, got",
                               val);
    } else if (!strcmp(name, "--conn-timeout")) {
        if (parse_bounded(val, 1, 3600, &o->limits.conn_timeout_s))
            return usage_error("--conn-timeout: expected 1..3600, got", val);
    } else if (!strcmp(name, "--threads")) {
        if (parse_bounded(val, 1, 64, &o->limits.threads))
            return usage_error("--threads: expected 1..64, got", val);
    } else {
        return take_knob(o, name, val);
    }
    return 0;
}

/* One option with a value; 0 when taken, else an exit code. */
static int take_value(struct options *o, const char *name, const char *val)
{
    if (!strcmp(name, "--listen"))
        o->listen = val;
    else if (!strcmp(name, "--port-file"))
        o->port_file = val;
    else if (!strcmp(name, "--config"))
        o->config = val;
    else if (!strcmp(name, "--request-log"))
        o->request_log = val;
    else if (!strcmp(name, "--hold-file"))
        o->hold_file = val;
    else if (!strcmp(name, "--hold-request")) {
        if (parse_bounded(val, 1, 99999, &o->hold_request))
            return usage_error("--hold-request: expected 1..99999, got", val);
    } else if (!strcmp(name, "--hang-after")) {
        unsigned n = 0;
        if (parse_bounded(val, 0, 99999, &n))
            return usage_error("--hang-after: expected 0..99999, got", val);
        o->hang_after = n;
    } else if (!strcmp(name, "--latency-ms")) {
        if (parse_latency(val, &o->latency_ms))
            return usage_error("--latency-ms: expected 0..60000, got", val);
    } else if (!strcmp(name, "--deviate")) {
        unsigned bit = rs_reply_check_bit(val);
        if (!bit)
            return usage_error("--deviate: unknown check or rule", val);
        o->deviations |= bit;
    } else if (!strcmp(name, "--deviate-code")) {
        if (!rs_reply_find(val))
            return usage_error("--deviate-code: unknown error code", val);
        if (o->ncodes == MAX_DEV_CODES)
            return usage_error("--deviate-code: too many", NULL);
        o->codes[o->ncodes++] = val;
    } else {
        int rc = take_limit(o, name, val);
        return rc == 1 ? usage_error("unknown option", name) : rc;
    }
    return 0;
}

static bool wants_value(const char *name)
{
    static const char *const names[] = {
        "--listen",       "--port-file",    "--config",
        "--request-log",  "--latency-ms",   "--deviate",
        "--deviate-code", "--max-conns",    "--max-conns-per-ip",
        "--conn-timeout", "--hold-request", "--hold-file",
        "--threads",      "--throttle",     "--seed",
        "--clock-offset", "--hang-after",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(names[i], name))
            return true;
    }
    return false;
}

/* Returns -1 to go on, or an exit code (0 after --help/--version). */
static int parse_args(struct options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *a = argv[i];
        const char *eq = strchr(a, '=');
        const char *val = NULL;
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        if (nlen >= sizeof(name) || strncmp(a, "--", 2))
            return usage_error("unexpected argument", a);
        memcpy(name, a, nlen);
        name[nlen] = '\0';
        if (!strcmp(name, "--help") && !eq) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(name, "--version") && !eq) {
            puts(VERSION_TEXT);
            return 0;
        }
        if (!strcmp(name, "--print-config") && !eq) {
            o->print_config = true;
            continue;
        }
        if (!strcmp(name, "--allow-deviations") && !eq) {
            o->allow_deviations = true;
            continue;
        }
        if (!wants_value(name))
            return usage_error("unknown option", a);
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return usage_error("missing value for", name);
        int rc = take_value(o, name, val);
        if (rc)
            return rc;
    }
    return -1;
}

/* Puts the command line's settings on top of the configuration. */
static int merge_options(struct rs_config *c, const struct options *o)
{
    if (o->latency_ms >= 0)
        c->latency_ms = (unsigned)o->latency_ms;
    c->deviations |= o->deviations;
    c->throttle = o->throttle;
    c->seed = o->seed;
    c->clock_offset_s = o->clock_offset_s;
    if (o->ncodes) {
        char **codes = realloc(
            c->deviate_codes, (c->ndeviate_codes + o->ncodes) * sizeof(*codes));
        if (!codes)
            return -1;
        c->deviate_codes = codes;
        for (size_t i = 0; i < o->ncodes; i++) {
            if (!(codes[c->ndeviate_codes] = strdup(o->codes[i])))
                return -1;
            c->ndeviate_codes++;
        }
    }
    return 0;
}

static int write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return -1;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    bool ok = fprintf(f, "%u\n", port) > 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path)) {
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Blocks until SIGINT or SIGTERM (blocked in every thread beforehand);
 * SIGUSR1 lets a held answer go (--hold-request). */
static void wait_for_signal(struct rs_server *srv, const sigset_t *set)
{
    int sig = 0;
    while (sigwait(set, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
        if (sig == SIGUSR1)
            rs_server_release(srv);
}

static int serve(const struct rs_config *cfg, const struct options *o,
                 const sigset_t *set)
{
    struct rs_reqlog *log = NULL;
    struct rs_server *srv = NULL;
    char err[512];
    char url[128];
    int rc = 1;
    if (o->request_log && !(log = rs_reqlog_open(o->request_log))) {
        fprintf(stderr, PROG ": --request-log %s: %s\n", o->request_log,
                strerror(errno));
        goto out;
    }
    enum rs_server_status started = rs_server_start_limited(
        &srv, cfg, o->listen, log, &o->limits, err, sizeof(err));
    if (started != RS_SERVER_OK) {
        fprintf(stderr, PROG ": %s\n", err);
        rc = started == RS_SERVER_BAD_LISTEN ? EXIT_USAGE : 1;
        goto out;
    }
    rs_server_hold(srv, o->hold_request, o->hold_file);
    if (o->hang_after >= 0)
        rs_server_hang(srv, (unsigned long)o->hang_after);
    if (o->port_file && write_port_file(o->port_file, rs_server_port(srv))) {
        fprintf(stderr, PROG ": --port-file %s: %s\n", o->port_file,
                strerror(errno));
        goto out;
    }
    rs_server_url(srv, url, sizeof(url));
    printf("%s\n", url);
    fflush(stdout);
    wait_for_signal(srv, set);
    rc = 0;
out:
    rs_server_stop(srv);
    rs_reqlog_close(log);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = {
        .listen = "127.0.0.1:0",
        .latency_ms = -1,
        .hang_after = -1,
        .limits = {.max_conns = RS_SERVER_MAX_CONNS,
                   .max_conns_per_ip = RS_SERVER_MAX_CONNS_PER_IP,
                   .conn_timeout_s = RS_SERVER_CONN_TIMEOUT_S},
    };
    struct rs_config cfg;
    char err[512];
    sigset_t set;
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    if (rs_config_default(&cfg))
        return 1;
    rc = EXIT_USAGE;
    if (o.config && rs_config_load_file(&cfg, o.config, err, sizeof(err))) {
        fprintf(stderr, PROG ": --config %s\n", err);
        goto out;
    }
    if (merge_options(&cfg, &o)) {
        rc = 1;
        goto out;
    }
    if ((cfg.deviations || cfg.ndeviate_codes) && !o.allow_deviations) {
        fprintf(stderr, PROG ": deviations (--deviate, --deviate-code or the "
                             "configuration) need --allow-deviations\n");
        goto out;
    }
    if (o.print_config) {
        char *json = rs_config_dump_json(&cfg);
        rc = json && printf("%s\n", json) > 0 ? 0 : 1;
        free(json);
        goto out;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    rc = serve(&cfg, &o, &set);
out:
    rs_config_dispose(&cfg);
    return rc;
}
