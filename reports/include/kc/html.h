/*
 * kc_html: the HTML pages of the report tools. The page of one run
 * (kc_html_run, `kmsconf report --html`), and what it shares with the
 * matrix page (kc_matrix_html): escaping, the page frame and its style
 * sheet, the colours of the outcomes with their legend, and the run
 * metadata a report carries (docs/reports.md).
 *
 * Pages are self-contained: inline CSS and JavaScript, no external
 * resource. Every text taken from a report goes through kc_html_text, so a
 * hostile RequestId or message comes out as inert text.
 */
#ifndef KC_HTML_H
#define KC_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "kc/report.h"

/* The longest text written as one piece (a transcript, a diagnosis);
 * longer text is cut there and says how much was left out. */
#define KC_HTML_TEXT_MAX ((size_t)256 * 1024)

/* s (NULL: nothing) on f, HTML-escaped (& < > " '), with the characters
 * XML forbids and invalid UTF-8 written as \xNN (kc_junit_clean): safe in
 * element text and in quoted attribute values. */
void kc_html_text(FILE *f, const char *s);

/* kc_html_text of at most max bytes of s, then "[... N more bytes not
 * shown]" when s is longer. */
void kc_html_text_cut(FILE *f, const char *s, size_t max);

/* kc_html_text of s with ASCII letters lower-cased (for the data-text
 * attributes the filters search). */
void kc_html_lower(FILE *f, const char *s);

/* The page up to and including <body>: title (escaped), the shared style
 * sheet, then css (the page's own rules, written as is). */
void kc_html_begin(FILE *f, const char *title, const char *css);

/* script (written as is, may be NULL) and the end of the page. */
void kc_html_end(FILE *f, const char *script);

/* A state a page colours: its CSS class (one of the shared ones: pass,
 * fail, error, skip, known, none), its label and what it means. */
struct kc_html_state {
    const char *cls;
    const char *label;
    const char *meaning;
};

/* The legend of n states: a swatch in each state's colour, its label and
 * meaning (<ul class="legend">). */
void kc_html_legend(FILE *f, const struct kc_html_state *states, size_t n);

/* The run metadata the pages show, from the report's kmsconf.* properties
 * (no other property is ever shown: a foreign report's may hold anything). */
enum kc_html_meta {
    KC_HTML_META_DATE = 0,  /* kmsconf.started, else the timestamp */
    KC_HTML_META_VERSION,   /* kmsconf.version */
    KC_HTML_META_ENDPOINT,  /* kmsconf.endpoint_host, host[:port] only */
    KC_HTML_META_REGION,    /* kmsconf.region */
    KC_HTML_META_SIGNATURE, /* kmsconf.signature */
    KC_HTML_META_ENVELOPE,  /* kmsconf.envelope */
    KC_HTML_META_FORMATS,   /* kmsconf.formats */
    KC_HTML_META_COUNT
};

/* "date", "version", "endpoint", ... (static storage). */
const char *kc_html_meta_label(enum kc_html_meta m);

/* The value of m in r, written into buf (len bytes, cut when longer);
 * returns buf, or NULL when r does not carry it. */
const char *kc_html_meta_value(const struct kc_report *r, enum kc_html_meta m,
                               char *buf, size_t len);

/* The host (and port) of an endpoint text into out: a scheme, user
 * information ("user:secret@"), a path, a query and a fragment are left
 * out, so that no credential or query string reaches a page. */
void kc_html_host(const char *endpoint, char *out, size_t len);

/* The failed checks of tc as a list (nothing when it has none): each
 * check's name and message, and its detail (at most detail_max bytes) in a
 * <pre>. The one failure list of the run page and the matrix. */
void kc_html_failures(FILE *f, const struct kc_testcase *tc, size_t detail_max);

/* The page of one run on f: metadata, totals, the verdict of each level
 * per format (kc_levels), tables by code and by check, every testcase
 * (failing ones first, each failure with its checks and its transcript in
 * a collapsible <details>), a text filter and an outcome
 * filter, both also read from location.hash: "#filter=Alias&outcome=fail"
 * (outcomes: all, problem = failed or error, fail, error, known, skip,
 * pass); "#open=<Code>" (or "#open=all") opens those testcases. nav[0..n)
 * are links written above the page's heading (the site's way back to its
 * front page and the run's target; NULL and 0 for none), href and label
 * both escaped. 0, or -1 when out of memory or f fails. */
struct kc_html_link {
    const char *href;
    const char *label;
};
int kc_html_run(FILE *f, const struct kc_report *r,
                const struct kc_html_link *nav, size_t n);

#endif
