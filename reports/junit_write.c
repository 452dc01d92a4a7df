/*
 * kc_junit, the writer half (see kc/junit.h): serialises a report as JUnit
 * XML in either flavour, and the text cleaning for XML 1.0 that the writer
 * and the HTML matrix share. The reader is junit_read.c.
 */
#include "kc/junit.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "junit_sections.h"
#include "kc/claims.h"
#include "kc/codec.h"
#include "kc/err.h"
#include "kc/levels.h"
#include "kc/outfile.h"

/* Largest text the writer builds for one element or attribute. */
#define WRITE_TEXT_MAX ((size_t)256 * 1024 * 1024)
/* Room for a formatted number attribute. */
#define NUMBER_ATTR_MAX 64
/* Ant wants YYYY-MM-DDTHH:MM:SS without a zone: that many characters. */
#define ANT_TIMESTAMP_LEN 19
/* Room for the host name of a strict report. */
#define HOST_NAME_MAX_LEN 256

/* ------------------------------------------------------------------ */
/* Cleaning text for XML 1.0                                           */

/* Length of the valid UTF-8 sequence at s (1..4) whose code point XML
 * allows, or 0. */
static size_t utf8_ok(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    size_t n;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF || (cp >= 0x7F && cp <= 0x9F))
        return 0;
    return n;
}

char *kc_junit_clean(const char *s, bool one_line)
{
    struct kc_buf b;
    kc_buf_init(&b, WRITE_TEXT_MAX);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        /* printable ASCII is kept as it is: copied a run at a time */
        const unsigned char *q = p;
        while (*q >= 0x20 && *q < 0x7F)
            q++;
        if (q > p) {
            kc_buf_append(&b, (const char *)p, (size_t)(q - p));
            p = q;
            continue;
        }
        size_t n = utf8_ok(p);
        if (n == 1 && one_line && (*p == '\n' || *p == '\r' || *p == '\t')) {
            kc_buf_putc(&b, ' ');
        } else if (n) {
            kc_buf_append(&b, (const char *)p, n);
        } else {
            kc_buf_printf(&b, "\\x%02X", *p);
            n = 1;
        }
        p += n;
    }
    return kc_buf_take(&b);
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */

struct wctx {
    xmlTextWriterPtr w;
    int rc; /* first libxml2 error */
};

static void w_check(struct wctx *c, int rc)
{
    if (rc < 0 && c->rc == 0)
        c->rc = -1;
}

static void w_start(struct wctx *c, const char *name)
{
    w_check(c, xmlTextWriterStartElement(c->w, (const xmlChar *)name));
}

static void w_end(struct wctx *c)
{
    w_check(c, xmlTextWriterEndElement(c->w));
}

static void w_attr(struct wctx *c, const char *name, const char *value)
{
    char *clean = kc_junit_clean(value ? value : "", true);
    if (!clean) {
        c->rc = -1;
        return;
    }
    w_check(c, xmlTextWriterWriteAttribute(c->w, (const xmlChar *)name,
                                           (const xmlChar *)clean));
    free(clean);
}

static void w_attrf(struct wctx *c, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void w_attrf(struct wctx *c, const char *name, const char *fmt, ...)
{
    char buf[NUMBER_ATTR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    w_attr(c, name, buf);
}

/* Text as CDATA sections, so that a consumer meets no entity at all (some
 * cap entity expansions per document); every "]]>" inside is split between
 * two sections ("]]" ends one, ">" starts the next). */
static void w_cdata(struct wctx *c, const char *text)
{
    char *clean = kc_junit_clean(text ? text : "", false);
    if (!clean) {
        c->rc = -1;
        return;
    }
    char *p = clean;
    for (char *end; (end = strstr(p, "]]>")) != NULL; p = end + 2) {
        end[2] = '\0';
        w_check(c, xmlTextWriterWriteCDATA(c->w, (const xmlChar *)p));
        end[2] = '>';
    }
    if (*p || p == clean)
        w_check(c, xmlTextWriterWriteCDATA(c->w, (const xmlChar *)p));
    free(clean);
}

static double nonneg(double t)
{
    return (isfinite(t) && t > 0) ? t : 0.0;
}

/* Properties in a fixed order: the manifest names first, then the rest by
 * name. */
static const char *const manifest_props[] = {
    "kmsconf.version",      "kmsconf.suite_version", "kmsconf.catalog_sha256",
    "kmsconf.cases_sha256", "kmsconf.target",        "kmsconf.endpoint_host",
    "kmsconf.region",       "kmsconf.signature",     "kmsconf.formats",
    "kmsconf.envelope",     "kmsconf.started",       "kmsconf.interrupted",
    "kmsconf.shard",
};
#define NMANIFEST (sizeof(manifest_props) / sizeof(manifest_props[0]))

static bool is_manifest(const char *name)
{
    for (size_t i = 0; i < NMANIFEST; i++) {
        if (!strcmp(name, manifest_props[i]))
            return true;
    }
    return false;
}

static int cmp_prop_ptr(const void *a, const void *b)
{
    const struct kc_property *const *pa = a;
    const struct kc_property *const *pb = b;
    return strcmp((*pa)->name, (*pb)->name);
}

#define LEVEL_PROP_PREFIX "kmsconf.level."

/* kmsconf.level.<level>.<format>: the verdict of each level and format the
 * report holds testcases of, counted from the testcases themselves (so a
 * merged or filtered report states its own). */
static void w_level_props(struct wctx *c, const struct kc_levels *lv)
{
    char name[64], value[128];

    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        for (size_t f = 0; f < KC_LEVELS_FORMATS; f++) {
            if (!lv->c[l][f].total)
                continue;
            snprintf(name, sizeof(name), LEVEL_PROP_PREFIX "%s.%s",
                     kc_levels_name(l), kc_levels_format(f));
            kc_levels_describe(&lv->c[l][f], value, sizeof(value));
            w_start(c, "property");
            w_attr(c, "name", name);
            w_attr(c, "value", value);
            w_end(c);
        }
    }
}

#define CLAIM_PROP_PREFIX "kmsconf.claim."

/* kmsconf.claim.level.<level> and kmsconf.claim.action.<action>: the
 * claims compared with the testcases, when the report states a manifest. */
static void w_claim_row(void *ctx, const struct kc_claim_row *row)
{
    struct wctx *c = ctx;
    char name[128], counts[128], value[256];

    snprintf(name, sizeof(name), CLAIM_PROP_PREFIX "%s.%s",
             row->is_action ? "action" : "level", row->name);
    kc_levels_describe(&row->count, counts, sizeof(counts));
    snprintf(value, sizeof(value), "%s: %s", kc_claims_state_name(row->state),
             counts);
    w_start(c, "property");
    w_attr(c, "name", name);
    w_attr(c, "value", value);
    w_end(c);
}

static bool is_derived(const char *name)
{
    return !strncmp(name, LEVEL_PROP_PREFIX,
                    KC_JUNIT_LIT_LEN(LEVEL_PROP_PREFIX)) ||
           !strncmp(name, CLAIM_PROP_PREFIX,
                    KC_JUNIT_LIT_LEN(CLAIM_PROP_PREFIX));
}

/* What the header states of the testcases: their counts, and the levels
 * and claims, from the report's testcases (tally NULL) or from a tally of
 * the testcases streamed. */
struct wsummary {
    size_t tests, failures, errors, skipped;
    const struct kc_claims_tally *tally;
};

static void w_properties(struct wctx *c, const struct kc_report *r,
                         const struct wsummary *sum)
{
    w_start(c, "properties");
    for (size_t i = 0; i < NMANIFEST; i++) {
        const char *v = kc_report_prop(r, manifest_props[i]);
        if (!v)
            continue;
        w_start(c, "property");
        w_attr(c, "name", manifest_props[i]);
        w_attr(c, "value", v);
        w_end(c);
    }
    const struct kc_property **rest = calloc(r->nprops + 1, sizeof(*rest));
    if (!rest) {
        c->rc = -1;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->nprops; i++) {
        if (!is_manifest(r->props[i].name) && r->props[i].name[0] &&
            !is_derived(r->props[i].name))
            rest[n++] = &r->props[i];
    }
    qsort(rest, n, sizeof(*rest), cmp_prop_ptr);
    for (size_t i = 0; i < n; i++) {
        w_start(c, "property");
        w_attr(c, "name", rest[i]->name);
        w_attr(c, "value", rest[i]->value);
        w_end(c);
    }
    free(rest);
    if (sum->tally) {
        w_level_props(c, &sum->tally->lv);
        if (kc_claims_present(r))
            kc_claims_compare_tally(r, sum->tally, w_claim_row, c);
    } else {
        struct kc_levels lv;
        kc_levels_count(r, &lv);
        w_level_props(c, &lv);
        if (kc_claims_present(r))
            kc_claims_compare(r, w_claim_row, c);
    }
    w_end(c);
}

/* The request id and transcript, as the reader expects them. */
static void put_probe_sections(struct kc_buf *b, const struct kc_testcase *tc)
{
    if (tc->level)
        kc_buf_printf(b, KC_JUNIT_SECTION_LEVEL "%s\n", tc->level);
    if (tc->action)
        kc_buf_printf(b, KC_JUNIT_SECTION_ACTION "%s\n", tc->action);
    if (tc->request_id)
        kc_buf_printf(b, KC_JUNIT_SECTION_REQUEST_ID "%s\n", tc->request_id);
    if (tc->message_template)
        kc_buf_printf(b, KC_JUNIT_SECTION_TEMPLATE "%s\n",
                      tc->message_template);
    if (tc->transcript) {
        kc_buf_puts(b, KC_JUNIT_SECTION_TRANSCRIPT "\n");
        kc_buf_puts(b, tc->transcript);
        if (tc->transcript[0] &&
            tc->transcript[strlen(tc->transcript) - 1] != '\n')
            kc_buf_putc(b, '\n');
    }
}

/* <skipped message="<type>: <reason>">, the message repeated as its text
 * (GitLab shows the text only). A known failure says "known failure:
 * <reason>" instead and, in the default flavour, has type
 * "expected-failure": consumers show it as a skip that is not a plain one. */
static void w_skipped(struct wctx *c, const struct kc_testcase *tc, bool strict)
{
    struct kc_buf b;
    kc_buf_init(&b, WRITE_TEXT_MAX);
    bool known =
        tc->skip_type && !strcmp(tc->skip_type, KC_JUNIT_EXPECTED_TYPE);
    if (known)
        kc_buf_puts(&b, KC_JUNIT_EXPECTED_PREFIX);
    else if (tc->skip_type && tc->skip_type[0])
        kc_buf_printf(&b, "%s: ", tc->skip_type);
    kc_buf_puts(&b, tc->skip_reason ? tc->skip_reason : "");
    w_start(c, "skipped");
    if (known && !strict)
        w_attr(c, "type", KC_JUNIT_EXPECTED_TYPE);
    w_attr(c, "message", kc_buf_str(&b));
    char *line = kc_junit_clean(kc_buf_str(&b), true);
    w_cdata(c, line ? line : "");
    if (!line || b.failed)
        c->rc = -1;
    free(line);
    w_end(c);
    kc_buf_dispose(&b);
}

/* The message of a failing testcase's one element: "<check>: <message>"
 * for every failed check, joined by "; ", on one line. */
static void put_failure_message(struct kc_buf *b, const struct kc_testcase *tc)
{
    for (size_t i = 0; i < tc->nfailures; i++) {
        const struct kc_failure *f = &tc->failures[i];
        char *m = kc_junit_clean(f->message ? f->message : "", true);
        kc_buf_printf(b, "%s%s: %s", i ? "; " : "", f->check, m ? m : "");
        if (!m)
            b->failed = true;
        free(m);
    }
    if (!tc->nfailures)
        kc_buf_puts(b, tc->outcome == KC_OUTCOME_ERROR ? "error" : "failure");
}

/* Its text: the message again (consumers that keep only the text still
 * show it), then a section per check with its diagnosis, then (strict
 * flavour, which has no <system-out> per testcase) the probe's sections. */
static void put_failure_text(struct kc_buf *b, const struct kc_testcase *tc,
                             const char *message, bool strict)
{
    kc_buf_printf(b, "%s\n", message);
    for (size_t i = 0; i < tc->nfailures; i++) {
        const struct kc_failure *f = &tc->failures[i];
        char *m = kc_junit_clean(f->message ? f->message : "", true);
        kc_buf_printf(b, KC_JUNIT_SECTION_CHECK "%s: %s\n", f->check,
                      m ? m : "");
        if (!m)
            b->failed = true;
        free(m);
        if (f->detail && f->detail[0]) {
            kc_buf_puts(b, f->detail);
            if (f->detail[strlen(f->detail) - 1] != '\n')
                kc_buf_putc(b, '\n');
        }
    }
    if (strict)
        put_probe_sections(b, tc);
}

/* One <failure> or <error> per failing testcase, whatever the number of
 * failed checks: its type is the first failed check. */
static void w_failure(struct wctx *c, const char *elem,
                      const struct kc_testcase *tc, bool strict)
{
    struct kc_buf msg, text;
    kc_buf_init(&msg, WRITE_TEXT_MAX);
    kc_buf_init(&text, WRITE_TEXT_MAX);
    put_failure_message(&msg, tc);
    put_failure_text(&text, tc, kc_buf_str(&msg), strict);
    if (msg.failed || text.failed)
        c->rc = -1;
    w_start(c, elem);
    w_attr(c, "type", tc->nfailures ? tc->failures[0].check : elem);
    w_attr(c, "message", kc_buf_str(&msg));
    w_cdata(c, kc_buf_str(&text));
    w_end(c);
    kc_buf_dispose(&msg);
    kc_buf_dispose(&text);
}

static void w_system_out(struct wctx *c, const struct kc_testcase *tc)
{
    if (!tc->level && !tc->action && !tc->request_id && !tc->transcript &&
        !tc->message_template)
        return;
    struct kc_buf b;
    kc_buf_init(&b, WRITE_TEXT_MAX);
    put_probe_sections(&b, tc);
    if (b.failed)
        c->rc = -1;
    w_start(c, "system-out");
    w_cdata(c, kc_buf_str(&b));
    w_end(c);
    kc_buf_dispose(&b);
}

/* A testcase and the JUnit names it is written under. */
struct wcase {
    const struct kc_testcase *tc;
    struct kc_testcase key; /* only classname and name: tc's, or derived
                               from its code, case id and format */
};

/* The testcases of a report, and the order they are written in. */
struct wlist {
    struct wcase *all; /* as in the report */
    const struct wcase **order;
    size_t n;
};

static int cmp_wcase_ptr(const void *a, const void *b)
{
    const struct wcase *const *pa = a;
    const struct wcase *const *pb = b;
    return kc_testcase_cmp(&(*pa)->key, &(*pb)->key);
}

static void wlist_dispose(struct wlist *l)
{
    for (size_t i = 0; l->all && i < l->n; i++) {
        free(l->all[i].key.classname);
        free(l->all[i].key.name);
    }
    free(l->all);
    free(l->order);
}

/* 0 or -1 (out of memory); dispose in both cases. */
static int wlist_init(struct wlist *l, const struct kc_report *r)
{
    l->n = r->ncases;
    l->all = calloc(l->n + 1, sizeof(*l->all));
    l->order = calloc(l->n + 1, sizeof(*l->order));
    if (!l->all || !l->order)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        struct wcase *w = &l->all[i];
        w->tc = &r->cases[i];
        if (kc_testcase_junit_names(w->tc, &w->key.classname, &w->key.name))
            return -1;
        l->order[i] = w;
    }
    qsort(l->order, l->n, sizeof(*l->order), cmp_wcase_ptr);
    return 0;
}

/* Surefire's mark of a test that passed on a rerun: consumers that know
 * it show the testcase as flaky, the others as passed. */
static void w_flaky(struct wctx *c, const struct kc_testcase *tc)
{
    char msg[96];
    snprintf(msg, sizeof(msg), "passed after %u %s of throttled answers",
             tc->retries, tc->retries == 1 ? "retry" : "retries");
    w_start(c, "flakyFailure");
    w_attr(c, "type", "throttled");
    w_attr(c, "message", msg);
    w_cdata(c,
            "The probe was throttled and retried; its transcript (system-out) "
            "holds every attempt.");
    w_end(c);
}

static void w_testcase(struct wctx *c, const struct wcase *w, bool strict)
{
    const struct kc_testcase *tc = w->tc;
    w_start(c, "testcase");
    w_attr(c, "classname", w->key.classname ? w->key.classname : "kmsconf");
    w_attr(c, "name", w->key.name ? w->key.name : "");
    w_attrf(c, "time", "%.3f", nonneg(tc->time_s));
    const char *elem = tc->outcome == KC_OUTCOME_ERROR ? "error" : "failure";
    switch (tc->outcome) {
    case KC_OUTCOME_PASS:
        if (tc->retries && !strict)
            w_flaky(c, tc);
        break;
    case KC_OUTCOME_SKIP:
        w_skipped(c, tc, strict);
        break;
    case KC_OUTCOME_FAIL:
    case KC_OUTCOME_ERROR:
        w_failure(c, elem, tc, strict);
        break;
    }
    if (!strict)
        w_system_out(c, tc);
    w_end(c);
}

static void w_counts(struct wctx *c, const struct kc_report *r,
                     const struct wsummary *sum)
{
    w_attrf(c, "tests", "%zu", sum->tests);
    w_attrf(c, "failures", "%zu", sum->failures);
    w_attrf(c, "errors", "%zu", sum->errors);
    w_attrf(c, "skipped", "%zu", sum->skipped);
    w_attrf(c, "time", "%.3f", nonneg(r->time_s));
}

/* The summary of r's own testcases. */
static struct wsummary summary_of(const struct kc_report *r)
{
    struct wsummary sum = {r->ncases, kc_report_count(r, KC_OUTCOME_FAIL),
                           kc_report_count(r, KC_OUTCOME_ERROR),
                           kc_report_count(r, KC_OUTCOME_SKIP), NULL};
    return sum;
}

/* The report's start time as Ant's timestamp. */
static void strict_timestamp(const struct kc_report *r,
                             char out[ANT_TIMESTAMP_LEN + 1])
{
    const char *ts =
        r->timestamp ? r->timestamp : kc_report_prop(r, "kmsconf.started");
    if (ts && strlen(ts) >= ANT_TIMESTAMP_LEN) {
        memcpy(out, ts, ANT_TIMESTAMP_LEN);
        out[ANT_TIMESTAMP_LEN] = '\0';
        return;
    }
    snprintf(out, ANT_TIMESTAMP_LEN + 1, "1970-01-01T00:00:00");
}

/* "<name> <target>" ("kmsconf refserver"), so that the suites of two
 * targets stay apart when consumers merge reports; the report's name alone
 * when it has no target or already ends with it. */
static void w_suite_name(struct wctx *c, const struct kc_report *r)
{
    const char *name = r->name && r->name[0] ? r->name : "kmsconf";
    const char *target = kc_report_prop(r, "kmsconf.target");
    size_t nl = strlen(name), tl = target ? strlen(target) : 0;
    if (!tl || (nl > tl && name[nl - tl - 1] == ' ' &&
                !strcmp(name + nl - tl, target))) {
        w_attr(c, "name", name);
        return;
    }
    struct kc_buf b;
    kc_buf_init(&b, WRITE_TEXT_MAX);
    kc_buf_printf(&b, "%s %s", name, target);
    if (b.failed)
        c->rc = -1;
    w_attr(c, "name", kc_buf_str(&b));
    kc_buf_dispose(&b);
}

/* Everything before the first testcase: the prolog, <testsuites> (default
 * flavour), <testsuite> and its properties. */
static void w_head(struct wctx *c, const struct kc_report *r,
                   const struct wsummary *sum, bool strict)
{
    w_check(c, xmlTextWriterStartDocument(c->w, "1.0", "UTF-8", NULL));
    if (!strict) {
        w_start(c, "testsuites");
        w_attr(c, "name", r->name && r->name[0] ? r->name : "kmsconf");
        w_counts(c, r, sum);
    }
    w_start(c, "testsuite");
    w_suite_name(c, r);
    w_counts(c, r, sum);
    if (strict) {
        char ts[ANT_TIMESTAMP_LEN + 1];
        char host[HOST_NAME_MAX_LEN] = "localhost";
        strict_timestamp(r, ts);
        if (gethostname(host, sizeof(host) - 1) || !host[0])
            snprintf(host, sizeof(host), "localhost");
        host[sizeof(host) - 1] = '\0';
        w_attr(c, "timestamp", ts);
        w_attr(c, "hostname", host);
    } else if (r->timestamp) {
        w_attr(c, "timestamp", r->timestamp);
    }
    w_properties(c, r, sum);
}

/* Everything after the last testcase. */
static void w_tail(struct wctx *c, bool strict)
{
    if (strict) {
        w_start(c, "system-out");
        w_end(c);
        w_start(c, "system-err");
        w_end(c);
    }
    w_end(c);
    w_check(c, xmlTextWriterEndDocument(c->w));
}

/* A text writer with the house indentation on out (NULL when out of
 * memory; out is freed with it, or here when it cannot be made). */
static xmlTextWriterPtr new_writer(xmlOutputBufferPtr out)
{
    xmlTextWriterPtr w = out ? xmlNewTextWriter(out) : NULL;
    if (!w) {
        if (out)
            xmlOutputBufferClose(out);
        return NULL;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
    return w;
}

int kc_junit_write_mem(const struct kc_report *r, bool strict, char **out,
                       char *err, size_t errlen)
{
    int rc = -1;
    struct wctx c = {0};
    struct wlist cases = {0};
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf || wlist_init(&cases, r))
        goto out;
    /* grow geometrically: the exact scheme reallocates on every write */
    xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT);
    c.w = xmlNewTextWriterMemory(buf, 0);
    if (!c.w)
        goto out;
    xmlTextWriterSetIndent(c.w, 1);
    xmlTextWriterSetIndentString(c.w, (const xmlChar *)"  ");
    struct wsummary sum = summary_of(r);
    w_head(&c, r, &sum, strict);
    for (size_t i = 0; i < cases.n; i++)
        w_testcase(&c, cases.order[i], strict);
    w_tail(&c, strict);
    xmlFreeTextWriter(c.w); /* flushes into buf */
    c.w = NULL;
    if (c.rc)
        goto out;
    *out = strdup((const char *)xmlBufferContent(buf));
    rc = *out ? 0 : -1;
out:
    if (rc)
        kc_err_set(err, errlen, "cannot serialise the report (out of memory)");
    if (c.w)
        xmlFreeTextWriter(c.w);
    if (buf)
        xmlBufferFree(buf);
    wlist_dispose(&cases);
    return rc;
}

int kc_junit_write(const struct kc_report *r, const char *path, bool strict,
                   char *err, size_t errlen)
{
    char *xml = NULL;
    if (kc_junit_write_mem(r, strict, &xml, err, errlen))
        return -1;
    int rc = 0;
    if (!strcmp(path, "-")) {
        if (fputs(xml, stdout) == EOF || fflush(stdout)) {
            kc_err_set(err, errlen, "stdout: cannot write the report");
            rc = -1;
        }
    } else {
        rc = kc_outfile_write(path, xml, strlen(xml), err, errlen);
    }
    free(xml);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Streaming writer                                                    */

/* Room for one piece of the spool copied into the output. */
#define STREAM_COPY_CHUNK ((size_t)1 << 20)

/* Where the spool writer's output goes: dropped while discard is set
 * (the elements opened only to put the writer where a testcase goes). */
struct spool_io {
    FILE *f;
    bool discard;
    int err; /* errno of the first failed write */
};

struct kc_junit_stream {
    char *path;
    bool strict;
    struct spool_io io;
    struct wctx c;
    struct wsummary sum;
    struct kc_claims_tally tally;
    struct kc_testcase last; /* classname and name of the last written */
    bool any;
};

static int spool_write(void *ctx, const char *buf, int len)
{
    struct spool_io *io = ctx;
    if (io->discard || len <= 0)
        return len;
    if (fwrite(buf, 1, (size_t)len, io->f) != (size_t)len) {
        if (!io->err)
            io->err = errno ? errno : EIO;
        return -1;
    }
    return len;
}

static int spool_close(void *ctx)
{
    (void)ctx;
    return 0;
}

void kc_junit_stream_abort(struct kc_junit_stream *s)
{
    if (!s)
        return;
    if (s->c.w)
        xmlFreeTextWriter(s->c.w);
    if (s->io.f)
        fclose(s->io.f); /* unlinked: nothing is left */
    kc_claims_tally_dispose(&s->tally);
    free(s->last.classname);
    free(s->last.name);
    free(s->path);
    free(s);
}

/* Opens the spool writer where a testcase goes: in the document, the
 * suite and after <properties>, all of it dropped. */
static int stream_position(struct kc_junit_stream *s)
{
    s->io.discard = true;
    w_check(&s->c, xmlTextWriterStartDocument(s->c.w, "1.0", "UTF-8", NULL));
    if (!s->strict)
        w_start(&s->c, "testsuites");
    w_start(&s->c, "testsuite");
    w_start(&s->c, "properties");
    w_end(&s->c);
    w_check(&s->c, xmlTextWriterFlush(s->c.w));
    s->io.discard = false;
    return s->c.rc;
}

int kc_junit_stream_open(const char *path, bool strict,
                         struct kc_junit_stream **out, char *err, size_t errlen)
{
    struct kc_junit_stream *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s || !(s->path = strdup(path))) {
        free(s);
        kc_err_set(err, errlen, "out of memory");
        return -1;
    }
    s->strict = strict;
    s->sum.tally = &s->tally;
    s->io.f = kc_outfile_spool(path, err, errlen);
    if (!s->io.f)
        goto fail;
    s->c.w = new_writer(
        xmlOutputBufferCreateIO(spool_write, spool_close, &s->io, NULL));
    if (!s->c.w || stream_position(s)) {
        kc_err_set(err, errlen, "cannot serialise the report (out of memory)");
        goto fail;
    }
    *out = s;
    return 0;
fail:
    kc_junit_stream_abort(s);
    return -1;
}

/* Counts tc into the summary. */
static int stream_count(struct kc_junit_stream *s, const struct kc_testcase *tc)
{
    s->sum.tests++;
    s->sum.failures += tc->outcome == KC_OUTCOME_FAIL;
    s->sum.errors += tc->outcome == KC_OUTCOME_ERROR;
    s->sum.skipped += tc->outcome == KC_OUTCOME_SKIP;
    return kc_claims_tally_add(&s->tally, tc);
}

int kc_junit_stream_case(struct kc_junit_stream *s,
                         const struct kc_testcase *tc, char *err, size_t errlen)
{
    struct wcase w = {tc, {0}};
    int rc = -1;
    if (kc_testcase_junit_names(tc, &w.key.classname, &w.key.name))
        goto out;
    if (s->any && kc_testcase_cmp(&s->last, &w.key) >= 0) {
        rc = 1; /* not after the last one: nothing written */
        goto out;
    }
    w_testcase(&s->c, &w, s->strict);
    if (s->c.rc || s->io.err || stream_count(s, tc))
        goto out;
    free(s->last.classname);
    free(s->last.name);
    s->last = w.key;
    w.key.classname = w.key.name = NULL;
    s->any = true;
    rc = 0;
out:
    if (rc < 0 && s->io.err)
        kc_err_set(err, errlen, "%s: cannot write: %s", s->path,
                   strerror(s->io.err));
    else if (rc < 0)
        kc_err_set(err, errlen, "cannot serialise the report (out of memory)");
    free(w.key.classname);
    free(w.key.name);
    return rc;
}

void kc_junit_stream_counts(const struct kc_junit_stream *s, size_t *tests,
                            size_t *failures, size_t *errors, size_t *skipped)
{
    *tests = s->sum.tests;
    *failures = s->sum.failures;
    *errors = s->sum.errors;
    *skipped = s->sum.skipped;
}

/* The header of the report: everything before its first testcase, into
 * *out (caller frees). */
static int stream_header(const struct kc_junit_stream *s,
                         const struct kc_report *hdr, char **out)
{
    struct wctx c = {0};
    xmlBufferPtr buf = xmlBufferCreate();
    int rc = -1;
    *out = NULL;
    c.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!c.w)
        goto out;
    xmlTextWriterSetIndent(c.w, 1);
    xmlTextWriterSetIndentString(c.w, (const xmlChar *)"  ");
    w_head(&c, hdr, &s->sum, s->strict);
    w_check(&c, xmlTextWriterFlush(c.w));
    if (!c.rc)
        *out = strdup((const char *)xmlBufferContent(buf));
    rc = *out ? 0 : -1;
out:
    if (c.w)
        xmlFreeTextWriter(c.w);
    if (buf)
        xmlBufferFree(buf);
    return rc;
}

/* Puts data into o, or stdout when o is NULL. */
static int stream_put(struct kc_outfile *o, const char *data, size_t n,
                      char *err, size_t errlen)
{
    if (o)
        return kc_outfile_put(o, data, n, err, errlen);
    if (fwrite(data, 1, n, stdout) == n)
        return 0;
    kc_err_set(err, errlen, "stdout: cannot write the report");
    return -1;
}

/* The header, then the spool, into o (or stdout). */
static int stream_copy(struct kc_junit_stream *s, const char *head,
                       struct kc_outfile *o, char *err, size_t errlen)
{
    char *chunk = malloc(STREAM_COPY_CHUNK);
    int rc = -1;
    if (!chunk) {
        kc_err_set(err, errlen, "cannot serialise the report (out of memory)");
        return -1;
    }
    if (stream_put(o, head, strlen(head), err, errlen))
        goto out;
    size_t n;
    while ((n = fread(chunk, 1, STREAM_COPY_CHUNK, s->io.f)) > 0) {
        if (stream_put(o, chunk, n, err, errlen))
            goto out;
    }
    if (ferror(s->io.f)) {
        kc_err_set(err, errlen, "%s: cannot read the spool file: %s", s->path,
                   strerror(errno));
        goto out;
    }
    if (!o && fflush(stdout)) {
        kc_err_set(err, errlen, "stdout: cannot write the report");
        goto out;
    }
    rc = 0;
out:
    free(chunk);
    return rc;
}

/* Ends the document in the spool and rewinds it for copying. */
static int stream_end(struct kc_junit_stream *s, char *err, size_t errlen)
{
    w_tail(&s->c, s->strict);
    xmlFreeTextWriter(s->c.w); /* flushes into the spool */
    s->c.w = NULL;
    if (!s->io.err && (fflush(s->io.f) || fseek(s->io.f, 0, SEEK_SET)))
        s->io.err = errno ? errno : EIO;
    if (s->io.err) {
        kc_err_set(err, errlen, "%s: cannot write: %s", s->path,
                   strerror(s->io.err));
        return -1;
    }
    if (s->c.rc || s->tally.failed) {
        kc_err_set(err, errlen, "cannot serialise the report (out of memory)");
        return -1;
    }
    return 0;
}

int kc_junit_stream_finish(struct kc_junit_stream *s,
                           const struct kc_report *hdr, char *err,
                           size_t errlen)
{
    char *head = NULL;
    struct kc_outfile *o = NULL;
    int rc = -1;
    if (stream_end(s, err, errlen))
        goto out;
    if (stream_header(s, hdr, &head)) {
        kc_err_set(err, errlen, "cannot serialise the report (out of memory)");
        goto out;
    }
    bool to_stdout = !strcmp(s->path, "-");
    if (!to_stdout && !(o = kc_outfile_open(s->path, err, errlen)))
        goto out;
    if (stream_copy(s, head, o, err, errlen))
        goto out;
    rc = o ? kc_outfile_commit(o, err, errlen) : 0;
    o = NULL;
out:
    kc_outfile_abort(o);
    free(head);
    kc_junit_stream_abort(s);
    return rc;
}
