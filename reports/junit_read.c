/*
 * kc_junit, the reader half (see kc/junit.h): rebuilds a report from a
 * JUnit XML file (ours in either flavour or another producer's), and the
 * schema validation. The writer is junit_write.c.
 */
#include "kc/junit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"

/* Largest text the reader gathers from one element. */
#define READ_TEXT_MAX ((size_t)256 * 1024 * 1024)

struct rctx {
    struct kc_report *r;
    const char *name; /* file name for errors */
    char *err;
    size_t errlen;
    bool have_name, have_time;
};

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

/* Parses "@@ request-id: X" and "@@ transcript" sections of text into tc,
 * and "@@ check NAME: MSG" sections (strict failures) when checks is set.
 * Returns 0 or -1 (out of memory). */
static int parse_sections(struct kc_testcase *tc, const char *text, bool checks)
{
    struct kc_buf detail;
    kc_buf_init(&detail, READ_TEXT_MAX);
    struct kc_failure *cur = NULL;
    const char *p = text;
    int rc = 0;
    while (*p && rc == 0) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *next = eol ? eol + 1 : p + n;
        if (!strncmp(p, "@@ ", 3)) {
            if (cur) {
                char *d = kc_buf_take(&detail);
                if (d)
                    chomp(d);
                free(cur->detail);
                cur->detail = (d && d[0]) ? d : NULL;
                if (d && !d[0])
                    free(d);
                cur = NULL;
                kc_buf_init(&detail, READ_TEXT_MAX);
            }
        }
        if (!strncmp(p, "@@ transcript\n", 14) ||
            (n == 13 && !strncmp(p, "@@ transcript", 13))) {
            rc = kc_report_setstr(&tc->transcript, next);
            if (!rc && tc->transcript)
                chomp(tc->transcript);
            break;
        } else if (!strncmp(p, "@@ request-id: ", 15)) {
            char *id = strndup(p + 15, n - 15);
            rc = id ? 0 : -1;
            free(tc->request_id);
            tc->request_id = id;
        } else if (checks && !strncmp(p, "@@ check ", 9)) {
            const char *colon = memchr(p + 9, ':', n - 9);
            size_t cn = colon ? (size_t)(colon - p - 9) : n - 9;
            char *check = strndup(p + 9, cn);
            char *msg = colon ? strndup(colon + 1, (size_t)(p + n - colon - 1))
                              : strdup("");
            const char *m = msg ? msg : "";
            rc = (check && msg) ? kc_testcase_add_failure(
                                      tc, check, m[0] == ' ' ? m + 1 : m, NULL)
                                : -1;
            if (!rc)
                cur = &tc->failures[tc->nfailures - 1];
            free(check);
            free(msg);
        } else if (cur) {
            kc_buf_append(&detail, p, (size_t)(next - p));
        }
        p = next;
    }
    if (cur) {
        char *d = kc_buf_take(&detail);
        if (d)
            chomp(d);
        cur->detail = (d && d[0]) ? d : NULL;
        if (d && !d[0])
            free(d);
    }
    kc_buf_dispose(&detail);
    return rc;
}

/* <failure>/<error>: ours in strict mode lists its checks. */
static int rd_failure(struct kc_testcase *tc, const xmlNode *n)
{
    int rc = -1;
    char *type = attr(n, "type");
    char *msg = attr(n, "message");
    char *text = text_of(n);
    if (text && !strncmp(text, "failed checks: ", 15) &&
        strstr(text, "\n@@ check ")) {
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

static int rd_skipped(struct kc_testcase *tc, const xmlNode *n)
{
    char *msg = attr(n, "message");
    if (!msg)
        msg = text_of(n);
    const char *m = msg ? msg : "";
    /* "<type>: <reason>" when the type is a token */
    size_t t = strspn(m, "abcdefghijklmnopqrstuvwxyz0123456789-_.");
    int rc;
    if (t > 0 && m[t] == ':' && (m[t + 1] == ' ' || !m[t + 1])) {
        char *type = strndup(m, t);
        const char *reason = m[t + 1] ? m + t + 2 : "";
        rc = type ? kc_testcase_set_skip(tc, type, reason) : -1;
        free(type);
    } else {
        rc = kc_testcase_set_skip(tc, "skipped", m);
    }
    free(msg);
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
        return -2;
    }
    tc->classname = attr(n, "classname");
    if (!tc->classname &&
        kc_report_setstr(&tc->classname, suite_name ? suite_name : ""))
        return -1;
    tc->time_s = parse_time(n);
    bool failed = false, errored = false, skipped = false;
    int rc = 0;
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (is_elem(k, "failure")) {
            failed = true;
            rc = rd_failure(tc, k);
        } else if (is_elem(k, "error")) {
            errored = true;
            rc = rd_failure(tc, k);
        } else if (is_elem(k, "skipped")) {
            skipped = true;
        } else if (is_elem(k, "system-out")) {
            char *text = text_of(k);
            rc = text ? parse_sections(tc, text, false) : -1;
            free(text);
        }
    }
    if (rc)
        return rc;
    if (tc->nfailures > KC_JUNIT_MAX_FAILURES) {
        kc_err_set(c->err, c->errlen,
                   "%s:%ld: testcase '%s' has more than %d failures", c->name,
                   xmlGetLineNo(n), tc->name, KC_JUNIT_MAX_FAILURES);
        return -2;
    }
    if (errored) {
        tc->outcome = KC_OUTCOME_ERROR;
    } else if (failed) {
        tc->outcome = KC_OUTCOME_FAIL;
    } else if (skipped) {
        for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
            if (is_elem(k, "skipped")) {
                rc = rd_skipped(tc, k);
                break;
            }
        }
    }
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
            return -2;
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

static int rd_suite(struct rctx *c, const xmlNode *n, int depth)
{
    if (depth > 32) {
        kc_err_set(c->err, c->errlen, "%s:%ld: testsuites nested too deeply",
                   c->name, xmlGetLineNo(n));
        return -2;
    }
    char *name = attr(n, "name");
    int rc = 0;
    if (is_elem(n, "testsuite")) {
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
    }
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (is_elem(k, "testsuite") || is_elem(k, "testsuites"))
            rc = rd_suite(c, k, depth + 1);
        else if (is_elem(k, "properties"))
            rc = rd_properties(c, k);
        else if (is_elem(k, "testcase"))
            rc = rd_testcase(c, k, name);
    }
    free(name);
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

static void last_xml_error(char *err, size_t errlen, const char *name)
{
    const xmlError *e = xmlGetLastError();
    char msg[KC_ERR_MAX];
    if (e && e->message) {
        snprintf(msg, sizeof(msg), "%s", e->message);
        one_line(msg);
        kc_err_set(err, errlen, "%s:%d: malformed XML: %s", name, e->line, msg);
    } else
        kc_err_set(err, errlen, "%s: malformed XML", name);
}

static int rd_root(struct rctx *c, const xmlNode *root)
{
    if (!root) {
        kc_err_set(c->err, c->errlen, "%s: empty document", c->name);
        return -2;
    }
    if (!is_elem(root, "testsuites") && !is_elem(root, "testsuite")) {
        kc_err_set(c->err, c->errlen,
                   "%s:%ld: root element <%s> is neither <testsuites> nor "
                   "<testsuite>",
                   c->name, xmlGetLineNo(root), (const char *)root->name);
        return -2;
    }
    if (is_elem(root, "testsuites")) {
        char *t = attr(root, "time");
        if (t) {
            c->r->time_s = parse_time(root);
            c->have_time = true;
        }
        free(t);
    }
    return rd_suite(c, root, 0);
}

/* True when the prolog (before the root element) declares a DOCTYPE. */
static bool has_doctype(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
            data[i] == '\n') {
            i++;
        } else if (len - i >= 4 && !memcmp(data + i, "<!--", 4)) {
            const char *end = NULL;
            for (size_t j = i + 4; j + 3 <= len && !end; j++) {
                if (!memcmp(data + j, "-->", 3))
                    end = data + j + 3;
            }
            if (!end)
                return false;
            i = (size_t)(end - data);
        } else if (len - i >= 2 && !memcmp(data + i, "<?", 2)) {
            const char *end = memchr(data + i, '>', len - i);
            if (!end)
                return false;
            i = (size_t)(end - data) + 1;
        } else if (len - i >= 3 && !memcmp(data + i, "\xEF\xBB\xBF", 3)) {
            i += 3;
        } else {
            return len - i >= 9 && !memcmp(data + i, "<!DOCTYPE", 9);
        }
    }
    return false;
}

int kc_junit_read_mem(const char *data, size_t len, const char *name,
                      struct kc_report **out, char *err, size_t errlen)
{
    int rc = -1;
    xmlDocPtr doc = NULL;
    struct rctx c = {.name = name, .err = err, .errlen = errlen};
    *out = NULL;
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
    xmlResetLastError();
    doc = xmlReadMemory(data, (int)len, name, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (!doc) {
        last_xml_error(err, errlen, name);
        goto out;
    }
    if (doc->intSubset || doc->extSubset) {
        kc_err_set(err, errlen, "%s: DOCTYPE declarations are not accepted",
                   name);
        goto out;
    }
    c.r = kc_report_new("kmsconf");
    if (!c.r)
        goto oom;
    int r = rd_root(&c, xmlDocGetRootElement(doc));
    if (r == -2)
        goto out;
    if (r)
        goto oom;
    kc_report_sort(c.r);
    *out = c.r;
    c.r = NULL;
    rc = 0;
    goto out;
oom:
    kc_err_set(err, errlen, "%s: out of memory", name);
out:
    kc_report_free(c.r);
    xmlFreeDoc(doc);
    return rc;
}

int kc_junit_read(const char *path, struct kc_report **out, char *err,
                  size_t errlen)
{
    size_t len = 0;
    *out = NULL;
    char *data = kc_file_read(path, KC_JUNIT_MAX_BYTES, 0, &len, err, errlen);
    if (!data)
        return -1;
    int rc = kc_junit_read_mem(data, len, path, out, err, errlen);
    free(data);
    return rc;
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
    snprintf(buf, 512, "line %d: %s", e->line, e->message);
}

int kc_junit_validate(const char *xml_path, const char *xsd_path, char *err,
                      size_t errlen)
{
    int rc = -1;
    char first[512] = "";
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
        last_xml_error(err, errlen, xml_path);
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
