/*
 * kc_junit, the reader half (see kc/junit.h): rebuilds a report from a
 * JUnit XML file (ours in either flavour or another producer's), and the
 * schema validation. The writer is junit_write.c.
 */
#include "kc/junit.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include "junit_sections.h"
#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"

/* Largest text the reader gathers from one element. */
#define READ_TEXT_MAX ((size_t)256 * 1024 * 1024)

/* Deepest nesting of <testsuite>/<testsuites> the reader follows. */
#define READ_MAX_SUITE_DEPTH 32

/* Size of the buffer holding the first schema violation. */
#define VALIDATE_MSG_MAX 512
#define READ_MAX_RETRIES 1000u /* retries read from <flakyFailure>, at most */

/* The characters of a skip type in "<type>: <reason>". */
#define SKIP_TYPE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789-_."

struct rsrc;

struct rctx {
    struct kc_report *r;
    xmlTextReaderPtr rd;
    struct rsrc *src;
    char *suites[READ_MAX_SUITE_DEPTH + 1]; /* names of the open suites */
    size_t nsuites;
    bool seen_root;
    bool xml_error;   /* the parser refused the input */
    unsigned flags;   /* enum kc_junit_read_flags */
    const char *name; /* file name for errors */
    char *err;
    size_t errlen;
    bool have_name, have_time;
    bool invalid; /* err holds why the input is refused; otherwise a -1 is
                     out of memory */
    kc_report_each_fn each; /* streaming: each testcase goes to each(ud) */
    void *ud;
    int each_rc;   /* what each returned when it stopped the read (0: no) */
    size_t ncases; /* testcases read so far */
    /* the pull reader's copy of the parser's last error in an earlier call
     * (libxml2's is global and reset at each call): what it may report in
     * a later one, once its input is found broken */
    const xmlError *earlier_error;
    bool pull; /* kc_junit_next: stop at each testcase, r holding it */
    int ret;   /* what the last move of rd returned (1: on a node) */
};

/* Marks the input as refused (err already says why); returns -1. */
static int refuse(struct rctx *c)
{
    c->invalid = true;
    return -1;
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* A malloc'ed copy of the attribute (NULL when absent). */
static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

static char *text_of(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

/* The time attribute in seconds ("1,234.5" allowed); 0 when absent, not a
 * number or negative. */
static double parse_time(const xmlNode *n)
{
    char *v = attr(n, "time");
    double t = 0.0;
    if (v) {
        size_t j = 0;
        for (size_t i = 0; v[i]; i++) {
            if (v[i] != ',')
                v[j++] = v[i];
        }
        v[j] = '\0';
        char *end = NULL;
        t = strtod(v, &end);
        if (end == v || !isfinite(t) || t < 0)
            t = 0.0;
        free(v);
    }
    return t;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '\n')
        s[n - 1] = '\0';
}

/* ------------------------------------------------------------------ */
/* The "@@ " sections of a testcase's text (junit_sections.h)          */

/* One line of a text: p[0..n) without its newline; next is the line after
 * it (or the end of the text). */
struct line {
    const char *p;
    size_t n;
    const char *next;
};

static struct line line_at(const char *p)
{
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    return (struct line){p, n, eol ? eol + 1 : p + n};
}

struct sections {
    struct kc_testcase *tc;
    bool checks;            /* "@@ check" lines make failures (strict) */
    struct kc_failure *cur; /* the check whose detail lines follow */
    struct kc_buf detail;   /* cur's detail so far */
    bool done;              /* the transcript took the rest of the text */
};

/* Hands the gathered detail lines to the current check, if any. */
static void end_detail(struct sections *s)
{
    if (!s->cur)
        return;
    char *d = kc_buf_take(&s->detail);
    if (d)
        chomp(d);
    free(s->cur->detail);
    s->cur->detail = (d && d[0]) ? d : NULL;
    if (d && !d[0])
        free(d);
    s->cur = NULL;
    kc_buf_init(&s->detail, READ_TEXT_MAX);
}

/* Handlers of one section line: arg[0..argn) is the line after the
 * marker. 0 or -1 (out of memory). */
typedef int (*section_fn)(struct sections *s, const struct line *l,
                          const char *arg, size_t argn);

static int sec_transcript(struct sections *s, const struct line *l,
                          const char *arg, size_t argn)
{
    (void)arg;
    (void)argn;
    s->done = true;
    int rc = kc_report_setstr(&s->tc->transcript, l->next);
    if (!rc && s->tc->transcript)
        chomp(s->tc->transcript);
    return rc;
}

static int sec_request_id(struct sections *s, const struct line *l,
                          const char *arg, size_t argn)
{
    (void)l;
    char *id = strndup(arg, argn);
    free(s->tc->request_id);
    s->tc->request_id = id;
    return id ? 0 : -1;
}

static int sec_level(struct sections *s, const struct line *l, const char *arg,
                     size_t argn)
{
    (void)l;
    char *level = strndup(arg, argn);
    free(s->tc->level);
    s->tc->level = level;
    return level ? 0 : -1;
}

static int sec_action(struct sections *s, const struct line *l, const char *arg,
                      size_t argn)
{
    (void)l;
    char *action = strndup(arg, argn);
    free(s->tc->action);
    s->tc->action = action;
    return action ? 0 : -1;
}

static int sec_template(struct sections *s, const struct line *l,
                        const char *arg, size_t argn)
{
    (void)l;
    char *src = strndup(arg, argn);
    free(s->tc->message_template);
    s->tc->message_template = src;
    return src ? 0 : -1;
}

/* "<check>: <message>" (one space after the colon dropped), or "<check>". */
static int sec_check(struct sections *s, const struct line *l, const char *arg,
                     size_t argn)
{
    (void)l;
    const char *colon = memchr(arg, ':', argn);
    size_t cn = colon ? (size_t)(colon - arg) : argn;
    char *check = strndup(arg, cn);
    char *msg = colon ? strndup(colon + 1, (size_t)(arg + argn - colon - 1))
                      : strdup("");
    int rc = -1;
    if (check && msg) {
        rc = kc_testcase_add_failure(s->tc, check,
                                     msg[0] == ' ' ? msg + 1 : msg, NULL);
        if (!rc)
            s->cur = &s->tc->failures[s->tc->nfailures - 1];
    }
    free(check);
    free(msg);
    return rc;
}

static const struct section_handler {
    const char *marker;
    size_t len;       /* of marker */
    bool whole_line;  /* the marker is the whole line */
    bool strict_only; /* only inside a strict failure */
    section_fn fn;
} section_handlers[] = {
    {KC_JUNIT_SECTION_TRANSCRIPT, KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_TRANSCRIPT),
     true, false, sec_transcript},
    {KC_JUNIT_SECTION_REQUEST_ID, KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_REQUEST_ID),
     false, false, sec_request_id},
    {KC_JUNIT_SECTION_TEMPLATE, KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_TEMPLATE),
     false, false, sec_template},
    {KC_JUNIT_SECTION_LEVEL, KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_LEVEL), false,
     false, sec_level},
    {KC_JUNIT_SECTION_ACTION, KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_ACTION), false,
     false, sec_action},
    {KC_JUNIT_SECTION_CHECK, KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_CHECK), false,
     true, sec_check},
};
#define NSECTION_HANDLERS                                                      \
    (sizeof(section_handlers) / sizeof(section_handlers[0]))

static bool line_starts(const struct line *l, const char *lit, size_t len)
{
    return l->n >= len && !memcmp(l->p, lit, len);
}

static int section_line(struct sections *s, const struct line *l)
{
    if (!line_starts(l, KC_JUNIT_SECTION_MARK,
                     KC_JUNIT_LIT_LEN(KC_JUNIT_SECTION_MARK))) {
        if (s->cur)
            kc_buf_append(&s->detail, l->p, (size_t)(l->next - l->p));
        return 0;
    }
    end_detail(s); /* any marker line ends a check's detail */
    for (size_t i = 0; i < NSECTION_HANDLERS; i++) {
        const struct section_handler *h = &section_handlers[i];
        if (!line_starts(l, h->marker, h->len) ||
            (h->whole_line && l->n != h->len) || (h->strict_only && !s->checks))
            continue;
        return h->fn(s, l, l->p + h->len, l->n - h->len);
    }
    return 0; /* an unknown section: ignored, with its lines */
}

/* Parses the "@@ request-id: X" and "@@ transcript" sections of text into
 * tc, and the "@@ check NAME: MSG" sections (strict failures) when checks
 * is set. Returns 0 or -1 (out of memory). */
static int parse_sections(struct kc_testcase *tc, const char *text, bool checks)
{
    struct sections s = {.tc = tc, .checks = checks};
    kc_buf_init(&s.detail, READ_TEXT_MAX);
    int rc = 0;
    for (const char *p = text; *p && rc == 0 && !s.done;) {
        struct line l = line_at(p);
        rc = section_line(&s, &l);
        p = l.next;
    }
    end_detail(&s);
    kc_buf_dispose(&s.detail);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Elements                                                            */

/* Whether text is the text of one of kmsconf's failures: its first line is
 * the message (or, in older strict reports, the "failed checks: "
 * list) and a section per check follows. */
static bool is_our_failure(const char *text, const char *msg)
{
    if (!text || !strstr(text, "\n" KC_JUNIT_SECTION_CHECK))
        return false;
    if (!strncmp(text, KC_JUNIT_STRICT_HEAD,
                 KC_JUNIT_LIT_LEN(KC_JUNIT_STRICT_HEAD)))
        return true;
    size_t n = msg ? strlen(msg) : 0;
    return n && !strncmp(text, msg, n) &&
           !strncmp(text + n, "\n" KC_JUNIT_SECTION_CHECK,
                    KC_JUNIT_LIT_LEN("\n" KC_JUNIT_SECTION_CHECK));
}

/* <failure>/<error>: ours lists its checks, each with its diagnosis. */
static int rd_failure(struct kc_testcase *tc, const xmlNode *n)
{
    int rc = -1;
    char *type = attr(n, "type");
    char *msg = attr(n, "message");
    char *text = text_of(n);
    if (is_our_failure(text, msg)) {
        rc = parse_sections(tc, strchr(text, '\n') + 1, true);
        goto out;
    }
    const char *check = type && type[0] ? type : (const char *)n->name;
    rc = kc_testcase_add_failure(tc, check, msg ? msg : "",
                                 text && text[0] ? text : NULL);
out:
    free(type);
    free(msg);
    free(text);
    return rc;
}

/* A <skipped>: a known failure (type "expected-failure", or a message
 * "known failure: <reason>"), "<type>: <reason>" when the type is a token,
 * otherwise a skip of type "skipped". */
static int rd_skipped(struct kc_testcase *tc, const xmlNode *n)
{
    char *type_attr = attr(n, "type");
    char *msg = attr(n, "message");
    if (!msg)
        msg = text_of(n);
    const char *m = msg ? msg : "";
    size_t kl = KC_JUNIT_LIT_LEN(KC_JUNIT_EXPECTED_PREFIX);
    size_t t = strspn(m, SKIP_TYPE_CHARS);
    int rc;
    if (!strncmp(m, KC_JUNIT_EXPECTED_PREFIX, kl)) {
        rc = kc_testcase_set_skip(tc, KC_JUNIT_EXPECTED_TYPE, m + kl);
    } else if (t > 0 && m[t] == ':' && (m[t + 1] == ' ' || !m[t + 1])) {
        char *type = strndup(m, t);
        const char *reason = m[t + 1] ? m + t + 2 : "";
        rc = type ? kc_testcase_set_skip(tc, type, reason) : -1;
        free(type);
    } else {
        bool known = type_attr && !strcmp(type_attr, KC_JUNIT_EXPECTED_TYPE);
        rc = kc_testcase_set_skip(
            tc, known ? KC_JUNIT_EXPECTED_TYPE : "skipped", m);
    }
    free(type_attr);
    free(msg);
    return rc;
}

static int rd_system_out(struct kc_testcase *tc, const xmlNode *n)
{
    char *text = text_of(n);
    int rc = text ? parse_sections(tc, text, false) : -1;
    free(text);
    return rc;
}

/* Surefire's <flakyFailure>/<flakyError>: one more rerun, or ours,
 * "passed after N retries ...", N of them. */
static void rd_flaky(struct kc_testcase *tc, const xmlNode *n)
{
    char *msg = attr(n, "message");
    unsigned long v = 1;
    static const char ours[] = "passed after ";
    if (msg && !strncmp(msg, ours, sizeof(ours) - 1)) {
        char *end = NULL;
        v = strtoul(msg + sizeof(ours) - 1, &end, 10);
        if (end == msg + sizeof(ours) - 1 || v == 0 || v > READ_MAX_RETRIES)
            v = 1;
    }
    free(msg);
    tc->retries = tc->retries + v > READ_MAX_RETRIES
                      ? READ_MAX_RETRIES
                      : tc->retries + (unsigned)v;
}

/* What the children of a <testcase> say about its outcome. */
struct outcome_elems {
    bool failed, errored;
    const xmlNode *skipped; /* the first <skipped> */
};

static int rd_testcase_children(struct kc_testcase *tc, const xmlNode *n,
                                struct outcome_elems *o)
{
    int rc = 0;
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (is_elem(k, "failure")) {
            o->failed = true;
            rc = rd_failure(tc, k);
        } else if (is_elem(k, "error")) {
            o->errored = true;
            rc = rd_failure(tc, k);
        } else if (is_elem(k, "skipped")) {
            if (!o->skipped)
                o->skipped = k;
        } else if (is_elem(k, "system-out")) {
            rc = rd_system_out(tc, k);
        } else if (is_elem(k, "flakyFailure") || is_elem(k, "flakyError")) {
            rd_flaky(tc, k); /* a rerun: the testcase still passed */
        }
    }
    return rc;
}

static int rd_testcase(struct rctx *c, const xmlNode *n, const char *suite_name)
{
    struct kc_testcase *tc = kc_report_add_case(c->r);
    if (!tc)
        return -1;
    tc->name = attr(n, "name");
    if (!tc->name) {
        kc_err_set(c->err, c->errlen, "%s:%ld: <testcase> without a name",
                   c->name, xmlGetLineNo(n));
        return refuse(c);
    }
    tc->classname = attr(n, "classname");
    if (!tc->classname &&
        kc_report_setstr(&tc->classname, suite_name ? suite_name : ""))
        return -1;
    tc->time_s = parse_time(n);
    struct outcome_elems o = {0};
    int rc = rd_testcase_children(tc, n, &o);
    if (rc)
        return rc;
    if (tc->nfailures > KC_JUNIT_MAX_FAILURES) {
        kc_err_set(c->err, c->errlen,
                   "%s:%ld: testcase '%s' has more than %d failures", c->name,
                   xmlGetLineNo(n), tc->name, KC_JUNIT_MAX_FAILURES);
        return refuse(c);
    }
    if (c->flags & KC_JUNIT_READ_NO_TRANSCRIPT) {
        free(tc->transcript);
        tc->transcript = NULL;
    }
    if (o.errored)
        tc->outcome = KC_OUTCOME_ERROR;
    else if (o.failed)
        tc->outcome = KC_OUTCOME_FAIL;
    else if (o.skipped)
        rc = rd_skipped(tc, o.skipped);
    return rc ? rc : kc_testcase_derive(tc);
}

static int rd_properties(struct rctx *c, const xmlNode *n)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (!is_elem(k, "property"))
            continue;
        if (c->r->nprops >= KC_JUNIT_MAX_PROPS) {
            kc_err_set(c->err, c->errlen, "%s:%ld: more than %d properties",
                       c->name, xmlGetLineNo(k), KC_JUNIT_MAX_PROPS);
            return refuse(c);
        }
        char *name = attr(k, "name");
        char *value = attr(k, "value");
        if (!value)
            value = text_of(k);
        int rc = 0;
        if (name && name[0] && !kc_report_prop(c->r, name))
            rc = kc_report_set_prop(c->r, name, value ? value : "");
        free(name);
        free(value);
        if (rc)
            return -1;
    }
    return 0;
}

/* The attributes of a <testsuite> that the report keeps: the first name
 * and timestamp, and the sum of the times unless <testsuites> gave one. */
static int rd_suite_attrs(struct rctx *c, const xmlNode *n, const char *name)
{
    int rc = 0;
    if (!c->have_name && name && name[0]) {
        rc = kc_report_setstr(&c->r->name, name);
        c->have_name = true;
    }
    char *ts = attr(n, "timestamp");
    if (ts && !c->r->timestamp)
        c->r->timestamp = ts;
    else
        free(ts);
    if (!c->have_time)
        c->r->time_s += parse_time(n);
    return rc;
}

/* s on one line: CR and LF become spaces, trailing spaces go (libxml2's
 * messages end with a newline). */
static void one_line(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r')
            s[i] = ' ';
    }
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

static void last_xml_error(char *err, size_t errlen, const char *name,
                           const xmlError *earlier)
{
    const xmlError *e = xmlGetLastError();
    if ((!e || !e->code) && earlier && earlier->code)
        e = earlier;
    char msg[KC_ERR_MAX];
    if (e && e->message) {
        snprintf(msg, sizeof(msg), "%s", e->message);
        one_line(msg);
        kc_err_set(err, errlen, "%s:%d: malformed XML: %s", name, e->line, msg);
    } else
        kc_err_set(err, errlen, "%s: malformed XML", name);
}

/* ------------------------------------------------------------------ */
/* The document                                                        */

/* Whether data[0..len) starts with the literal lit. */
#define STARTS(data, len, lit)                                                 \
    ((len) >= KC_JUNIT_LIT_LEN(lit) &&                                         \
     !memcmp((data), (lit), KC_JUNIT_LIT_LEN(lit)))

#define PROLOG_COMMENT_OPEN  "<!--"
#define PROLOG_COMMENT_CLOSE "-->"
#define PROLOG_PI_OPEN       "<?"
#define PROLOG_DOCTYPE       "<!DOCTYPE"
#define PROLOG_UTF8_BOM      "\xEF\xBB\xBF"

/* Offset just after the end of the comment that starts at data[i], or 0
 * when it does not end. */
static size_t skip_comment(const char *data, size_t len, size_t i)
{
    size_t close = KC_JUNIT_LIT_LEN(PROLOG_COMMENT_CLOSE);
    for (size_t j = i + KC_JUNIT_LIT_LEN(PROLOG_COMMENT_OPEN); j + close <= len;
         j++) {
        if (!memcmp(data + j, PROLOG_COMMENT_CLOSE, close))
            return j + close;
    }
    return 0;
}

/* True when the prolog (before the root element) declares a DOCTYPE. */
static bool has_doctype(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *p = data + i;
        size_t left = len - i;
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            i++;
        } else if (STARTS(p, left, PROLOG_COMMENT_OPEN)) {
            i = skip_comment(data, len, i);
            if (!i)
                return false;
        } else if (STARTS(p, left, PROLOG_PI_OPEN)) {
            const char *end = memchr(p, '>', left);
            if (!end)
                return false;
            i = (size_t)(end - data) + 1;
        } else if (STARTS(p, left, PROLOG_UTF8_BOM)) {
            i += KC_JUNIT_LIT_LEN(PROLOG_UTF8_BOM);
        } else {
            return STARTS(p, left, PROLOG_DOCTYPE);
        }
    }
    return false;
}

/* The checks made before parsing: size, emptiness, no DOCTYPE (on a file,
 * data is its first bytes). */
static int precheck(const char *data, size_t len, const char *name, char *err,
                    size_t errlen)
{
    if (len > KC_JUNIT_MAX_BYTES) {
        kc_err_set(err, errlen, "%s: larger than %zu bytes", name,
                   KC_JUNIT_MAX_BYTES);
        return -1;
    }
    if (len == 0) {
        kc_err_set(err, errlen, "%s: empty file", name);
        return -1;
    }
    if (has_doctype(data, len)) {
        kc_err_set(err, errlen, "%s: DOCTYPE declarations are not accepted",
                   name);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The stream: the parser's input, counted                             */

/* Where the parser's bytes come from: mem[0..len) (a buffer, or the
 * prefix already read from f), then f when set. */
struct rsrc {
    const char *mem;
    size_t len, pos;
    FILE *f;
    size_t total;      /* bytes handed to the parser so far */
    size_t case_start; /* total when the testcase being read began */
    bool in_case;      /* a testcase's subtree is being read */
    bool too_big;      /* total passed KC_JUNIT_MAX_BYTES */
    bool case_too_big; /* a testcase passed KC_JUNIT_MAX_CASE_BYTES */
    int read_errno;    /* reading f failed (0: no) */
};

/* libxml2's read callback: up to len bytes into buf; 0 at the end, -1 on
 * an error or past a ceiling (the source says which). */
static int src_read(void *ctx, char *buf, int len)
{
    struct rsrc *s = ctx;
    size_t want = len > 0 ? (size_t)len : 0, n = 0;
    if (s->pos < s->len) {
        n = s->len - s->pos < want ? s->len - s->pos : want;
        memcpy(buf, s->mem + s->pos, n);
        s->pos += n;
    } else if (s->f) {
        n = fread(buf, 1, want, s->f);
        if (n == 0 && ferror(s->f)) {
            s->read_errno = errno ? errno : EIO;
            return -1;
        }
    }
    s->total += n;
    s->too_big = s->total > KC_JUNIT_MAX_BYTES;
    s->case_too_big =
        s->in_case && s->total - s->case_start > KC_JUNIT_MAX_CASE_BYTES;
    return (s->too_big || s->case_too_big) ? -1 : (int)n;
}

static int src_close(void *ctx)
{
    (void)ctx; /* the caller owns f */
    return 0;
}

/* ------------------------------------------------------------------ */
/* The stream: the elements                                            */

/* Opens a <testsuite> or <testsuites> at nesting depth depth: the report
 * keeps its attributes, and unless it is empty, its name is the default
 * classname of the testcases it holds until its end tag. */
static int st_suite(struct rctx *c, const xmlNode *n, int depth)
{
    if (depth > READ_MAX_SUITE_DEPTH) {
        kc_err_set(c->err, c->errlen, "%s:%ld: testsuites nested too deeply",
                   c->name, xmlGetLineNo(n));
        return refuse(c);
    }
    char *name = attr(n, "name");
    int rc = is_elem(n, "testsuite") ? rd_suite_attrs(c, n, name) : 0;
    if (rc || xmlTextReaderIsEmptyElement(c->rd) == 1) {
        free(name);
        return rc;
    }
    c->suites[c->nsuites++] = name;
    return 0;
}

static int st_root(struct rctx *c, const xmlNode *root)
{
    c->seen_root = true;
    if (!is_elem(root, "testsuites") && !is_elem(root, "testsuite")) {
        kc_err_set(c->err, c->errlen,
                   "%s:%ld: root element <%s> is neither <testsuites> nor "
                   "<testsuite>",
                   c->name, xmlGetLineNo(root), (const char *)root->name);
        return refuse(c);
    }
    if (is_elem(root, "testsuites")) {
        char *t = attr(root, "time");
        if (t) {
            c->r->time_s = parse_time(root);
            c->have_time = true;
        }
        free(t);
    }
    return st_suite(c, root, 0);
}

/* A <testcase> or <properties>: its subtree, and only it, is built (the
 * reader frees it once past it). */
static int st_expand(struct rctx *c, const xmlNode *n, bool testcase)
{
    if (testcase && c->ncases >= KC_JUNIT_MAX_CASES) {
        kc_err_set(c->err, c->errlen, "%s:%ld: more than %zu testcases",
                   c->name, xmlGetLineNo(n), KC_JUNIT_MAX_CASES);
        return refuse(c);
    }
    c->src->case_start = c->src->total;
    c->src->in_case = true;
    xmlNode *e = xmlTextReaderExpand(c->rd);
    c->src->in_case = false;
    if (!e) {
        c->xml_error = true;
        return -1;
    }
    if (!testcase)
        return rd_properties(c, e);
    c->ncases++;
    int rc = rd_testcase(c, e, c->suites[c->nsuites - 1]);
    if (rc == 0 && c->each) {
        /* the header holds no testcase while each looks at it */
        c->r->ncases--;
        c->each_rc = c->each(c->ud, c->r, &c->r->cases[c->r->ncases]);
        c->r->ncases++;
        kc_report_drop_cases(c->r);
        rc = c->each_rc ? -1 : 0;
    }
    return rc;
}

/* An element inside an open suite; *skip tells the reader to pass over
 * its subtree (everything but a nested suite). */
static int st_child(struct rctx *c, const xmlNode *n, bool *skip)
{
    if (is_elem(n, "testsuite") || is_elem(n, "testsuites"))
        return st_suite(c, n, xmlTextReaderDepth(c->rd));
    *skip = true;
    bool testcase = is_elem(n, "testcase");
    if (!testcase && !is_elem(n, "properties"))
        return 0; /* another element: ignored, with its subtree */
    return st_expand(c, n, testcase);
}

/* The node the reader stands on. */
static int st_node(struct rctx *c, bool *skip)
{
    int type = xmlTextReaderNodeType(c->rd);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
        kc_err_set(c->err, c->errlen,
                   "%s: DOCTYPE declarations are not accepted", c->name);
        return refuse(c);
    }
    if (type == XML_READER_TYPE_END_ELEMENT) {
        if (c->nsuites)
            free(c->suites[--c->nsuites]);
        return 0;
    }
    if (type != XML_READER_TYPE_ELEMENT)
        return 0;
    const xmlNode *n = xmlTextReaderCurrentNode(c->rd);
    if (!n)
        return -1;
    return c->seen_root ? st_child(c, n, skip) : st_root(c, n);
}

/* Handles the nodes from the one the reader stands on (c->ret 1) to the
 * end of the document or an error; pulling, it stops on a testcase read
 * (c->r holds it, the reader stays on its element). 0 or -1. */
static int st_nodes(struct rctx *c)
{
    int rc = 0;
    while (c->ret == 1 && rc == 0) {
        bool skip = false;
        rc = st_node(c, &skip);
        if (rc == 0 && c->pull && c->r->ncases)
            break;
        if (rc == 0)
            c->ret = skip ? xmlTextReaderNext(c->rd) : xmlTextReaderRead(c->rd);
    }
    return rc;
}

/* The end of a read that st_nodes ended with rc. After a refusal the rest
 * is still parsed, so that malformed XML is reported as such wherever it
 * is. 0 or -1. */
static int st_end(struct rctx *c, int rc)
{
    if (c->each_rc)
        return -1; /* stopped by the callback: the rest is not read */
    if (rc && c->invalid) {
        while ((c->ret = xmlTextReaderRead(c->rd)) == 1)
            ;
    }
    if (c->ret < 0)
        c->xml_error = true;
    if (rc == 0 && c->ret == 0 && !c->seen_root) {
        kc_err_set(c->err, c->errlen, "%s: empty document", c->name);
        return refuse(c);
    }
    return (rc || c->xml_error) ? -1 : 0;
}

/* Reads the whole document into c->r (or hands it to c->each). */
static int st_run(struct rctx *c)
{
    c->ret = xmlTextReaderRead(c->rd);
    return st_end(c, st_nodes(c));
}

/* The one-line reason of a failed st_run. */
static void st_error(const struct rctx *c)
{
    const struct rsrc *s = c->src;
    if (s->too_big)
        kc_err_set(c->err, c->errlen, "%s: larger than %zu bytes", c->name,
                   KC_JUNIT_MAX_BYTES);
    else if (s->case_too_big)
        kc_err_set(c->err, c->errlen,
                   "%s: a testcase larger than %zu bytes near byte %zu",
                   c->name, KC_JUNIT_MAX_CASE_BYTES, s->case_start);
    else if (s->read_errno)
        kc_err_set(c->err, c->errlen, "%s: cannot read: %s", c->name,
                   strerror(s->read_errno));
    else if (c->xml_error)
        last_xml_error(c->err, c->errlen, c->name, c->earlier_error);
    else if (!c->invalid)
        kc_err_set(c->err, c->errlen, "%s: out of memory", c->name);
}

/* Reads src into a new report (*out): every testcase, sorted, or with
 * c->each set, none (each had them). 0, 1 when each stopped the read (*out
 * set all the same), -1 with err. */
static int read_into(struct rctx *c, struct kc_report **out)
{
    int rc = -1;
    xmlResetLastError();
    c->rd = xmlReaderForIO(src_read, src_close, c->src, c->name, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING);
    c->r = kc_report_new("kmsconf");
    if (!c->rd || !c->r) {
        kc_err_set(c->err, c->errlen, "%s: out of memory", c->name);
        goto out;
    }
    rc = st_run(c) ? -1 : 0;
    if (rc && c->each_rc)
        rc = 1;
    else if (rc)
        st_error(c);
    if (rc < 0)
        goto out;
    if (!c->each)
        kc_report_sort(c->r);
    *out = c->r;
    c->r = NULL;
out:
    while (c->nsuites)
        free(c->suites[--c->nsuites]);
    kc_report_free(c->r);
    xmlFreeTextReader(c->rd);
    return rc;
}

static int read_stream(struct rsrc *src, const char *name, unsigned flags,
                       struct kc_report **out, char *err, size_t errlen)
{
    struct rctx c = {
        .name = name, .err = err, .errlen = errlen, .src = src, .flags = flags};
    return read_into(&c, out);
}

int kc_junit_read_mem(const char *data, size_t len, const char *name,
                      struct kc_report **out, char *err, size_t errlen)
{
    *out = NULL;
    if (precheck(data, len, name, err, errlen))
        return -1;
    struct rsrc src = {.mem = data, .len = len};
    return read_stream(&src, name, 0, out, err, errlen);
}

int kc_junit_read(const char *path, struct kc_report **out, char *err,
                  size_t errlen)
{
    return kc_junit_read_flags(path, 0, out, err, errlen);
}

int kc_junit_read_stream(FILE *f, const char *head, size_t n, const char *name,
                         unsigned flags, struct kc_report **out, char *err,
                         size_t errlen)
{
    *out = NULL;
    if (precheck(head, n, name, err, errlen))
        return -1;
    struct rsrc src = {.mem = head, .len = n, .f = f};
    return read_stream(&src, name, flags, out, err, errlen);
}

int kc_junit_each(FILE *f, const char *head, size_t n, const char *name,
                  unsigned flags, kc_report_each_fn each, void *ud,
                  struct kc_report **hdr, char *err, size_t errlen)
{
    *hdr = NULL;
    if (precheck(head, n, name, err, errlen))
        return -1;
    struct rsrc src = {.mem = head, .len = n, .f = f};
    struct rctx c = {.name = name,
                     .err = err,
                     .errlen = errlen,
                     .src = &src,
                     .flags = flags,
                     .each = each,
                     .ud = ud};
    return read_into(&c, hdr);
}

/* ------------------------------------------------------------------ */
/* The pull reader                                                     */

struct kc_junit_reader {
    struct rsrc src;
    struct rctx c;
    bool started;        /* the first node was read */
    bool held;           /* c.r->cases[0] is the testcase handed out last (c.r's
                            ncases is 0 while the caller has it) */
    int done;            /* 0 reading; 1 at the end; -1 failed */
    xmlError last_error; /* c.earlier_error points here (xmlResetError frees) */
};

/* Keeps a copy of the parser's last error, if it has one. */
static void keep_last_error(struct kc_junit_reader *p)
{
#if LIBXML_VERSION >= 21200
    const xmlError *e = xmlGetLastError();
#else
    xmlError *e = xmlGetLastError();
#endif
    if (e && e->code) {
        xmlResetError(&p->last_error);
        xmlCopyError(e, &p->last_error);
    }
}

int kc_junit_open(FILE *f, const char *head, size_t n, const char *name,
                  unsigned flags, struct kc_junit_reader **out, char *err,
                  size_t errlen)
{
    *out = NULL;
    if (precheck(head, n, name, err, errlen))
        return -1;
    struct kc_junit_reader *p = calloc(1, sizeof(*p));
    if (!p) {
        kc_err_set(err, errlen, "%s: out of memory", name);
        return -1;
    }
    p->src = (struct rsrc){.mem = head, .len = n, .f = f};
    p->c = (struct rctx){.name = name,
                         .err = err,
                         .errlen = errlen,
                         .src = &p->src,
                         .flags = flags,
                         .pull = true};
    xmlResetLastError();
    p->c.rd = xmlReaderForIO(src_read, src_close, &p->src, name, NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR |
                                 XML_PARSE_NOWARNING);
    /* the first bytes are parsed already (to find the encoding) */
    keep_last_error(p);
    p->c.earlier_error = &p->last_error;
    p->c.r = kc_report_new("kmsconf");
    if (!p->c.rd || !p->c.r) {
        kc_err_set(err, errlen, "%s: out of memory", name);
        kc_junit_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* Frees the testcase handed out last. */
static void drop_held(struct kc_junit_reader *p)
{
    if (p->held) {
        p->c.r->ncases = 1;
        kc_report_drop_cases(p->c.r);
        p->held = false;
    }
}

int kc_junit_next(struct kc_junit_reader *p, struct kc_testcase **tc, char *err,
                  size_t errlen)
{
    *tc = NULL;
    if (p->done) {
        if (p->done < 0)
            kc_err_set(err, errlen, "%s: read after an error", p->c.name);
        return p->done < 0 ? -1 : 0;
    }
    struct rctx *c = &p->c;
    c->err = err;
    c->errlen = errlen;
    /* the last error is global: only this call's parsing may set it */
    xmlResetLastError();
    if (!p->started)
        c->ret = xmlTextReaderRead(c->rd);
    else if (p->held) /* past the testcase's subtree */
        c->ret = xmlTextReaderNext(c->rd);
    p->started = true;
    drop_held(p);
    int rc = st_nodes(c);
    if (rc == 0 && c->r->ncases) {
        keep_last_error(p);
        c->r->ncases = 0; /* the header holds no testcase */
        p->held = true;
        *tc = &c->r->cases[0];
        return 1;
    }
    rc = st_end(c, rc);
    if (rc)
        st_error(c);
    p->done = rc ? -1 : 1;
    return rc;
}

const struct kc_report *kc_junit_header(const struct kc_junit_reader *p)
{
    return p->c.r;
}

struct kc_report *kc_junit_take_header(struct kc_junit_reader *p)
{
    drop_held(p);
    struct kc_report *r = p->c.r;
    p->c.r = NULL;
    return r;
}

void kc_junit_close(struct kc_junit_reader *p)
{
    if (!p)
        return;
    drop_held(p);
    while (p->c.nsuites)
        free(p->c.suites[--p->c.nsuites]);
    kc_report_free(p->c.r);
    xmlFreeTextReader(p->c.rd);
    xmlResetError(&p->last_error);
    free(p);
}

int kc_junit_read_flags(const char *path, unsigned flags,
                        struct kc_report **out, char *err, size_t errlen)
{
    int rc = -1;
    char *head = malloc(KC_JUNIT_HEAD_BYTES);
    *out = NULL;
    FILE *f = head ? kc_file_open(path, 0, err, errlen) : NULL;
    if (!head)
        kc_err_set(err, errlen, "%s: out of memory", path);
    if (!f)
        goto out;
    /* the prolog is checked on the first bytes; the parser gets them and
     * then the rest of the stream */
    size_t n = fread(head, 1, KC_JUNIT_HEAD_BYTES, f);
    if (n == 0 && ferror(f)) {
        kc_err_set(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    rc = kc_junit_read_stream(f, head, n, path, flags, out, err, errlen);
out:
    if (f)
        fclose(f);
    free(head);
    return rc;
}

/* libxml2's generic error callback: nothing (see kc_junit_init). */
static void xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void kc_junit_init(void)
{
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    xmlThrDefSetGenericErrorFunc(NULL, xml_quiet);
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

#if LIBXML_VERSION >= 21200
static void collect_error(void *ctx, const xmlError *e)
#else
static void collect_error(void *ctx, xmlError *e)
#endif
{
    char *buf = ctx;
    if (buf[0] || !e || !e->message)
        return;
    snprintf(buf, VALIDATE_MSG_MAX, "line %d: %s", e->line, e->message);
}

int kc_junit_validate(const char *xml_path, const char *xsd_path, char *err,
                      size_t errlen)
{
    int rc = -1;
    char first[VALIDATE_MSG_MAX] = "";
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd_path);
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    xmlDocPtr doc = NULL;
    if (!vc) {
        kc_err_set(err, errlen, "%s: cannot load the schema", xsd_path);
        goto out;
    }
    doc =
        xmlReadFile(xml_path, NULL,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        last_xml_error(err, errlen, xml_path, NULL);
        goto out;
    }
    xmlSchemaSetValidStructuredErrors(vc, collect_error, first);
    if (xmlSchemaValidateDoc(vc, doc) != 0) {
        one_line(first);
        kc_err_set(err, errlen, "%s: not valid against %s: %s", xml_path,
                   xsd_path, first);
        goto out;
    }
    rc = 0;
out:
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc;
}
