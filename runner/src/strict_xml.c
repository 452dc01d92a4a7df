/* kc_strict_xml: an XML answer read one way: XML 1.0 with Namespaces, no
 * DTD, each envelope element once as a direct child of the root. */
#include "kc/strict_xml.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "kc/err.h"

#define SNIFF_MAX 512 /* bytes of the body searched for the declaration */

void kc_strict_xml_init(void)
{
    xmlInitParser();
}

xmlDoc *kc_strict_xml_read(const char *body, size_t len, char *err,
                           size_t errlen)
{
    xmlParserCtxt *ctxt = len <= (size_t)INT32_MAX ? xmlNewParserCtxt() : NULL;
    xmlDoc *doc = NULL;
    if (!ctxt) {
        kc_err_set(err, errlen, "body is not XML this reader can hold");
        return NULL;
    }
    /* no network, no entity substitution, no DTD loading, silent */
    doc = xmlCtxtReadMemory(ctxt, body, (int)len, "answer.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    if (!doc || !ctxt->wellFormed) {
        kc_err_set(err, errlen,
                   "body is not well-formed XML with a documented root");
    } else if (doc->intSubset || doc->extSubset) {
        kc_err_set(err, errlen,
                   "body has a DOCTYPE (refused: readers expand or refuse its "
                   "entities differently)");
    } else if (!ctxt->nsWellFormed) {
        kc_err_set(err, errlen,
                   "body is not namespace-well-formed (an undeclared prefix "
                   "or an empty prefix binding): readers disagree on its "
                   "names");
    } else if (doc->version && strcmp((const char *)doc->version, "1.0")) {
        kc_err_set(err, errlen,
                   "XML version \"%.8s\" (XML 1.0 readers refuse it, others "
                   "read it)",
                   (const char *)doc->version);
    } else {
        xmlFreeParserCtxt(ctxt);
        return doc;
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return NULL;
}

static bool in_names(const xmlNode *e, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp((const char *)e->name, names[i]))
            return true;
    }
    return false;
}

static int namespaced(const xmlNode *e, char *err, size_t errlen)
{
    kc_err_set(err, errlen,
               "element <%.64s> is in namespace '%.100s' (namespace-aware "
               "readers do not find the envelope there)",
               (const char *)e->name,
               e->ns->href ? (const char *)e->ns->href : "");
    return -1;
}

/* The first element below top (not top itself) named in names, in
 * document order; NULL when none. Walks without recursion. */
static const xmlNode *nested(const xmlNode *top, const char *const *names,
                             size_t n)
{
    const xmlNode *c = top->children;
    while (c) {
        if (c->type == XML_ELEMENT_NODE) {
            if (in_names(c, names, n))
                return c;
            if (c->children) {
                c = c->children;
                continue;
            }
        }
        while (!c->next) {
            c = c->parent;
            if (!c || c == top)
                return NULL;
        }
        c = c->next;
    }
    return NULL;
}

/* Whether an earlier direct child of root than e has e's name. */
static bool seen_before(const xmlNode *root, const xmlNode *e)
{
    for (const xmlNode *c = root->children; c && c != e; c = c->next) {
        if (c->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)c->name, (const char *)e->name))
            return true;
    }
    return false;
}

static int child_ok(const xmlNode *root, const xmlNode *c,
                    const char *const *names, size_t n, char *err,
                    size_t errlen)
{
    const xmlNode *deep;
    if (c->ns)
        return namespaced(c, err, errlen);
    if (in_names(c, names, n) && seen_before(root, c)) {
        kc_err_set(err, errlen,
                   "element <%.64s> appears twice under <%.64s> (readers "
                   "disagree on which wins)",
                   (const char *)c->name, (const char *)root->name);
        return -1;
    }
    if ((deep = nested(c, names, n)) != NULL) {
        kc_err_set(err, errlen,
                   "element <%.64s> is nested in <%.64s>, not a direct child "
                   "of <%.64s> (readers that search descendants find it)",
                   (const char *)deep->name, (const char *)deep->parent->name,
                   (const char *)root->name);
        return -1;
    }
    return 0;
}

int kc_strict_xml_envelope(const xmlNode *root, const char *const *names,
                           size_t n, char *err, size_t errlen)
{
    if (root->ns)
        return namespaced(root, err, errlen);
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE &&
            child_ok(root, c, names, n, err, errlen))
            return -1;
    }
    return 0;
}

/* The value of the declaration's encoding pseudo-attribute, or NULL. */
static const char *declared(const char *p, size_t len, size_t *n)
{
    const char *end =
        len > 5 && !memcmp(p, "<?xml", 5) ? memchr(p, '>', len) : NULL;
    const char *e = NULL;
    for (const char *q = p; end && !e && q + 8 < end; q++) {
        if (!memcmp(q, "encoding", 8))
            e = q + 8;
    }
    if (!e)
        return NULL;
    while (e < end &&
           (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n' || *e == '='))
        e++;
    if (e >= end || (*e != '"' && *e != '\''))
        return NULL;
    const char *close = memchr(e + 1, *e, (size_t)(end - e - 1));
    if (!close)
        return NULL;
    *n = (size_t)(close - e - 1);
    return e + 1;
}

void kc_strict_xml_encoding(const char *body, size_t len, char *out,
                            size_t outlen)
{
    const unsigned char *b = (const unsigned char *)body;
    size_t n = 0;
    const char *enc;
    if (len >= 2 &&
        ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE))) {
        snprintf(out, outlen, "utf-16");
        return;
    }
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        snprintf(out, outlen, "utf-8");
        return;
    }
    enc = declared(body, len < SNIFF_MAX ? len : SNIFF_MAX, &n);
    if (enc)
        snprintf(out, outlen, "%.*s", (int)n, enc);
    else
        snprintf(out, outlen, "utf-8");
    kc_err_sanitize(out);
}
