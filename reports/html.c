/* kc_html: the run page and what the HTML pages share (see html.h). */
#include "kc/html.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/junit.h"
#include "kc/levels.h"

/* ------------------------------------------------------------------ */
/* Shared pieces                                                        */

/* Writes the n bytes at s escaped; s holds no NUL. */
static void escape_run(FILE *f, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ent = NULL;
        switch (s[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        fwrite(s + start, 1, i - start, f);
        fputs(ent, f);
        start = i + 1;
    }
    fwrite(s + start, 1, n - start, f);
}

void kc_html_text(FILE *f, const char *s)
{
    char *clean = kc_junit_clean(s ? s : "", false);
    if (!clean) {
        fputs("[out of memory]", f);
        return;
    }
    escape_run(f, clean, strlen(clean));
    free(clean);
}

void kc_html_text_cut(FILE *f, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n <= max) {
        kc_html_text(f, s);
        return;
    }
    char *head = strndup(s, max);
    kc_html_text(f, head ? head : "");
    fprintf(f, "\n[... %zu more bytes not shown]", n - (head ? max : 0));
    free(head);
}

void kc_html_lower(FILE *f, const char *s)
{
    char *low = strdup(s ? s : "");
    for (char *p = low; p && *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    kc_html_text(f, low ? low : "");
    free(low);
}

/* The colours of the states are solid, white text on a dark colour (the
 * "none" state light), so that a page reads at a glance. */
static const char shared_css[] =
    "body{font-family:sans-serif;margin:1em;color:#111;background:#fff}\n"
    "table{border-collapse:separate;border-spacing:0}\n"
    "th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top}\n"
    "th{background:#eee;text-align:left}\n"
    "[hidden]{display:none!important}\n"
    ".pass{background:#2e7d32;color:#fff}\n"
    ".fail{background:#c62828;color:#fff}\n"
    ".error{background:#e65100;color:#fff}\n"
    ".skip{background:#757575;color:#fff}\n"
    ".known{background:#6a1b9a;color:#fff}\n"
    ".none{background:#f2f2f2;color:#555}\n"
    ".legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;"
    "gap:1.2em}\n"
    ".swatch{display:inline-block;width:1.1em;height:1.1em;"
    "border:1px solid #444;vertical-align:middle;margin-right:.3em}\n"
    "pre{white-space:pre-wrap;font-size:85%;background:#f7f7f7;color:#111;"
    "padding:.3em;border:1px solid #ddd}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;"
    "gap:.1em 1em}\n"
    "dl.meta dt{font-weight:bold}dl.meta dd{margin:0}\n";

void kc_html_begin(FILE *f, const char *title, const char *css)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>",
          f);
    kc_html_text(f, title);
    fputs("</title>\n<style>\n", f);
    fputs(shared_css, f);
    if (css)
        fputs(css, f);
    fputs("</style>\n</head>\n<body>\n", f);
}

void kc_html_end(FILE *f, const char *script)
{
    if (script)
        fputs(script, f);
    fputs("</body>\n</html>\n", f);
}

void kc_html_legend(FILE *f, const struct kc_html_state *states, size_t n)
{
    fputs("<ul class=\"legend\" id=\"legend\">", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<li data-state=\"", f);
        kc_html_text(f, states[i].cls);
        fputs("\"><span class=\"swatch ", f);
        kc_html_text(f, states[i].cls);
        fputs("\"></span><b>", f);
        kc_html_text(f, states[i].label);
        fputs("</b>: ", f);
        kc_html_text(f, states[i].meaning);
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
}

/* Longest metadata value shown. */
#define META_MAX 1024

static const struct {
    const char *label;
    const char *prop;
} metas[KC_HTML_META_COUNT] = {
    {"date", "kmsconf.started"},           {"version", "kmsconf.version"},
    {"endpoint", "kmsconf.endpoint_host"}, {"region", "kmsconf.region"},
    {"signature", "kmsconf.signature"},    {"envelope", "kmsconf.envelope"},
    {"formats", "kmsconf.formats"},
};

const char *kc_html_meta_label(enum kc_html_meta m)
{
    return m < KC_HTML_META_COUNT ? metas[m].label : "";
}

void kc_html_host(const char *endpoint, char *out, size_t len)
{
    const char *s = endpoint ? endpoint : "";
    const char *scheme = strstr(s, "://");
    if (scheme && (size_t)(scheme - s) < strcspn(s, "/?#@"))
        s = scheme + 3;
    size_t n = strcspn(s, "/?#"); /* the authority: [userinfo@]host[:port] */
    for (size_t i = n; i > 0; i--) {
        if (s[i - 1] == '@') {
            s += i;
            n -= i;
            break;
        }
    }
    snprintf(out, len, "%.*s", (int)(n < META_MAX ? n : META_MAX), s);
}

const char *kc_html_meta_value(const struct kc_report *r, enum kc_html_meta m,
                               char *buf, size_t len)
{
    if (m >= KC_HTML_META_COUNT || len == 0)
        return NULL;
    const char *v = kc_report_prop(r, metas[m].prop);
    if (m == KC_HTML_META_DATE && !(v && v[0]))
        v = r->timestamp;
    if (!v || !v[0])
        return NULL;
    if (m == KC_HTML_META_ENDPOINT)
        kc_html_host(v, buf, len);
    else
        snprintf(buf, len, "%s", v);
    return buf;
}

/* ------------------------------------------------------------------ */
/* The run page                                                         */

/* The outcomes of the page, in the order its testcases are listed. */
enum out { OUT_FAIL = 0, OUT_ERROR, OUT_KNOWN, OUT_SKIP, OUT_PASS, OUT_N };

static const struct kc_html_state out_states[OUT_N] = {
    {"fail", "failed", "a check of the answer failed"},
    {"error", "error", "the case could not be carried out (setup, transport)"},
    {"known", "known failure", "a failure the expectation file covers"},
    {"skip", "skipped", "not run (missing credential or capability)"},
    {"pass", "passed", "every check passed"},
};

static const char *const out_badge[OUT_N] = {"FAIL", "ERROR", "known", "skip",
                                             "pass"};

/* Longest title. */
#define TITLE_MAX 512

static enum out out_of(const struct kc_testcase *tc)
{
    switch (tc->outcome) {
    case KC_OUTCOME_FAIL:
        return OUT_FAIL;
    case KC_OUTCOME_ERROR:
        return OUT_ERROR;
    case KC_OUTCOME_SKIP:
        return tc->skip_type && !strcmp(tc->skip_type, "expected-failure")
                   ? OUT_KNOWN
                   : OUT_SKIP;
    case KC_OUTCOME_PASS:
        break;
    }
    return OUT_PASS;
}

static const char *code_of(const struct kc_testcase *tc)
{
    return tc->code ? tc->code : tc->classname ? tc->classname : "";
}

static int cmp_by_code(const void *a, const void *b)
{
    const struct kc_testcase *const *x = a, *const *y = b;
    int c = strcmp(code_of(*x), code_of(*y));
    return c ? c : kc_testcase_cmp(*x, *y);
}

/* One failed check's tally: testcases that failed it, codes among them. */
struct check_tally {
    const char *check;
    size_t cases, codes;
    const char *last_code;
};

struct run_page {
    const struct kc_report *r;
    const struct kc_testcase **idx; /* by code, then JUnit names */
    size_t n;
    size_t totals[OUT_N];
    struct check_tally *checks;
    size_t nchecks;
};

static struct check_tally *tally_of(struct run_page *p, const char *check)
{
    for (size_t i = 0; i < p->nchecks; i++) {
        if (!strcmp(p->checks[i].check, check))
            return &p->checks[i];
    }
    struct check_tally *t =
        realloc(p->checks, (p->nchecks + 1) * sizeof(*p->checks));
    if (!t)
        return NULL;
    p->checks = t;
    t = &p->checks[p->nchecks++];
    *t = (struct check_tally){check, 0, 0, NULL};
    return t;
}

/* Counts tc's failed checks (each once per testcase). 0 or -1. */
static int tally_case(struct run_page *p, const struct kc_testcase *tc)
{
    for (size_t k = 0; k < tc->nfailures; k++) {
        const char *check = tc->failures[k].check ? tc->failures[k].check : "";
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen =
                tc->failures[j].check && !strcmp(tc->failures[j].check, check);
        if (seen)
            continue;
        struct check_tally *t = tally_of(p, check);
        if (!t)
            return -1;
        t->cases++;
        if (!t->last_code || strcmp(t->last_code, code_of(tc)))
            t->codes++;
        t->last_code = code_of(tc);
    }
    return 0;
}

static int cmp_tally(const void *a, const void *b)
{
    const struct check_tally *x = a, *y = b;
    return strcmp(x->check, y->check);
}

static int page_build(struct run_page *p, const struct kc_report *r)
{
    memset(p, 0, sizeof(*p));
    p->r = r;
    p->n = r->ncases;
    p->idx = calloc(p->n + 1, sizeof(*p->idx));
    if (!p->idx)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        p->idx[i] = &r->cases[i];
    qsort(p->idx, p->n, sizeof(*p->idx), cmp_by_code);
    for (size_t i = 0; i < p->n; i++) {
        enum out o = out_of(p->idx[i]);
        p->totals[o]++;
        if ((o == OUT_FAIL || o == OUT_ERROR) && tally_case(p, p->idx[i]))
            return -1;
    }
    if (p->nchecks)
        qsort(p->checks, p->nchecks, sizeof(*p->checks), cmp_tally);
    return 0;
}

static void page_dispose(struct run_page *p)
{
    free(p->idx);
    free(p->checks);
}

static const char run_css[] =
    "h2{margin-top:1.2em}\n"
    "ul.totals{list-style:none;padding:0;display:flex;flex-wrap:wrap;"
    "gap:.6em}\n"
    "ul.totals li{padding:.3em .7em;border-radius:.3em}\n"
    "ul.totals b{font-size:130%}\n"
    "td a{color:inherit}\n"
    "td.num{text-align:right}\n"
    "td.zero{color:#999}\n"
    "thead th{position:sticky;top:0;z-index:2}\n"
    ".filters{position:sticky;top:0;background:#fff;padding:.4em 0;"
    "z-index:3;border-bottom:1px solid #ddd}\n"
    ".badge{display:inline-block;min-width:4.5em;text-align:center;"
    "padding:0 .3em;border-radius:.2em;font-size:90%}\n"
    ".tc{border-bottom:1px solid #eee;padding:.15em 0}\n"
    ".tc .code{font-weight:bold}.tc .name{font-family:monospace}\n"
    ".tc .why{color:#444}\n"
    ".tc .body{margin:.3em 0 .6em 2em}\n"
    "details.tc>summary{cursor:pointer}\n";

static void run_header(FILE *f, const struct kc_report *r)
{
    char v[META_MAX];
    const char *target = kc_report_prop(r, "kmsconf.target");
    fputs("<header>\n<h1>kmsconf run", f);
    if (target && target[0]) {
        fputs(": <span id=\"target\">", f);
        kc_html_text(f, target);
        fputs("</span>", f);
    }
    fputs("</h1>\n<dl class=\"meta\" id=\"meta\">", f);
    for (int m = 0; m < KC_HTML_META_COUNT; m++) {
        if (!kc_html_meta_value(r, (enum kc_html_meta)m, v, sizeof(v)))
            continue;
        fprintf(f, "<dt>%s</dt><dd data-meta=\"%s\">", metas[m].label,
                metas[m].label);
        kc_html_text(f, v);
        fputs("</dd>", f);
    }
    fprintf(f, "<dt>duration</dt><dd data-meta=\"duration\">%.3f s</dd>",
            r->time_s);
    const char *intr = kc_report_prop(r, "kmsconf.interrupted");
    if (intr && !strcmp(intr, "true"))
        fputs("<dt>interrupted</dt><dd data-meta=\"interrupted\">yes: the "
              "report is partial</dd>",
              f);
    fputs("</dl>\n</header>\n", f);
}

static void run_totals(FILE *f, const struct run_page *p)
{
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"totals\">",
          f);
    fprintf(f,
            "<li class=\"none\" data-outcome=\"all\"><b data-count=\"all\">"
            "%zu</b> testcases</li>",
            p->n);
    for (int o = 0; o < OUT_N; o++)
        fprintf(f,
                "<li class=\"%s\" data-outcome=\"%s\"><b data-count=\"%s\">"
                "%zu</b> %s</li>",
                out_states[o].cls, out_states[o].cls, out_states[o].cls,
                p->totals[o], out_states[o].label);
    fputs("</ul>\n", f);
    kc_html_legend(f, out_states, OUT_N);
    fputs("</section>\n", f);
}

/* The colour class of a level's verdict: partial (skips, no failure)
 * reads as a skip, not as a pass. */
static const char *verdict_class(enum kc_level_verdict v)
{
    switch (v) {
    case KC_VERDICT_PASS:
        return "pass";
    case KC_VERDICT_PARTIAL:
        return "skip";
    case KC_VERDICT_FAIL:
        return "fail";
    case KC_VERDICT_NOT_RUN:
        break;
    }
    return "none";
}

/* Longest verdict text ("fail (3 of 95 failed, 2 skipped)"). */
#define VERDICT_MAX 128

/* The verdict of each level the run holds testcases of, per format
 * (kc_levels, the kmsconf.level.* properties of the writer). */
static void run_levels(FILE *f, const struct kc_report *r)
{
    struct kc_levels lv;
    char v[VERDICT_MAX];
    kc_levels_count(r, &lv);
    fputs("<section id=\"levels\">\n<h2>Levels</h2>\n<table id=\"level-table\">"
          "<thead><tr><th>Level</th>",
          f);
    for (size_t k = 0; k < KC_LEVELS_FORMATS; k++)
        fprintf(f, "<th>%s</th>", kc_levels_format(k));
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        size_t total = 0;
        for (size_t k = 0; k < KC_LEVELS_FORMATS; k++)
            total += lv.c[l][k].total;
        if (!total)
            continue;
        fprintf(f, "<tr class=\"level\"><td>%s</td>", kc_levels_name(l));
        for (size_t k = 0; k < KC_LEVELS_FORMATS; k++) {
            kc_levels_describe(&lv.c[l][k], v, sizeof(v));
            fprintf(f, "<td class=\"%s\" data-level=\"%s\" data-format=\"%s\">",
                    verdict_class(kc_levels_verdict(&lv.c[l][k])),
                    kc_levels_name(l), kc_levels_format(k));
            kc_html_text(f, v);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static void num_cell(FILE *f, size_t v, const char *cls)
{
    fprintf(f, "<td class=\"num %s\">%zu</td>", v ? cls : "zero", v);
}

/* The row of the code of idx[lo..hi). */
static void code_row(FILE *f, const struct run_page *p, size_t lo, size_t hi)
{
    size_t t[OUT_N] = {0};
    for (size_t i = lo; i < hi; i++)
        t[out_of(p->idx[i])]++;
    enum out worst = OUT_PASS;
    for (int o = OUT_N - 1; o >= 0; o--) {
        if (t[o] && o != OUT_PASS)
            worst = (enum out)o;
    }
    const char *code = code_of(p->idx[lo]);
    fputs("<tr class=\"code\" data-code=\"", f);
    kc_html_text(f, code);
    fprintf(f, "\" data-state=\"%s\"><td class=\"%s\"><a href=\"#filter=",
            out_states[worst].cls, out_states[worst].cls);
    kc_html_text(f, code);
    fputs("\">", f);
    kc_html_text(f, code);
    fprintf(f, "</a></td><td class=\"num\">%zu</td>", hi - lo);
    for (int o = 0; o < OUT_N; o++)
        num_cell(f, t[o], out_states[o].cls);
    fputs("</tr>\n", f);
}

static void run_by_code(FILE *f, const struct run_page *p)
{
    fputs("<section id=\"by-code\">\n<h2>By code</h2>\n<table id=\"codes\">"
          "<thead><tr><th>Code</th><th>testcases</th>",
          f);
    for (int o = 0; o < OUT_N; o++)
        fprintf(f, "<th>%s</th>", out_states[o].label);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t lo = 0, hi; lo < p->n; lo = hi) {
        for (hi = lo + 1;
             hi < p->n && !strcmp(code_of(p->idx[hi]), code_of(p->idx[lo]));
             hi++)
            ;
        code_row(f, p, lo, hi);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static void run_by_check(FILE *f, const struct run_page *p)
{
    fputs("<section id=\"by-check\">\n<h2>By check</h2>\n", f);
    if (!p->nchecks)
        fputs("<p id=\"no-checks\">No check failed.</p>\n", f);
    fputs("<table id=\"checks\"><thead><tr><th>Check (or error type)</th>"
          "<th>failing testcases</th><th>codes</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < p->nchecks; i++) {
        const struct check_tally *t = &p->checks[i];
        fputs("<tr class=\"check\" data-check=\"", f);
        kc_html_text(f, t->check);
        fputs("\"><td><a href=\"#filter=", f);
        kc_html_text(f, t->check);
        fputs("\">", f);
        kc_html_text(f, t->check);
        fprintf(f,
                "</a></td><td class=\"num\">%zu</td><td class=\"num\">%zu"
                "</td></tr>\n",
                t->cases, t->codes);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
}

/* What the text filter searches: code, name, failed checks (lower case). */
static void tc_search_text(FILE *f, const struct kc_testcase *tc)
{
    kc_html_lower(f, code_of(tc));
    fputc(' ', f);
    kc_html_lower(f, tc->name ? tc->name : tc->case_id);
    for (size_t k = 0; k < tc->nfailures; k++) {
        fputc(' ', f);
        kc_html_lower(f, tc->failures[k].check);
    }
}

/* The one line of a testcase: badge, code, name, and why. */
static void tc_line(FILE *f, const struct kc_testcase *tc, enum out o)
{
    fprintf(f, "<span class=\"badge %s\">%s</span> <span class=\"code\">",
            out_states[o].cls, out_badge[o]);
    kc_html_text(f, code_of(tc));
    fputs("</span> <span class=\"name\">", f);
    kc_html_text(f, tc->name ? tc->name : tc->case_id);
    fputs("</span>", f);
    if (tc->nfailures) {
        fputs(" <span class=\"why\">", f);
        for (size_t k = 0; k < tc->nfailures; k++) {
            fputs(k ? ", " : "", f);
            kc_html_text(f, tc->failures[k].check);
        }
        fputs("</span>", f);
    } else if (tc->skip_reason && o != OUT_PASS) {
        fputs(" <span class=\"why\">", f);
        kc_html_text(f, tc->skip_reason);
        fputs("</span>", f);
    } else if (tc->retries) {
        fprintf(f, " <span class=\"why\">passed after %u retries</span>",
                tc->retries);
    }
}

void kc_html_failures(FILE *f, const struct kc_testcase *tc, size_t detail_max)
{
    if (!tc->nfailures)
        return;
    fputs("<ul class=\"checks\">", f);
    for (size_t k = 0; k < tc->nfailures; k++) {
        const struct kc_failure *x = &tc->failures[k];
        fputs("<li class=\"failure\"><b>", f);
        kc_html_text(f, x->check);
        fputs("</b>: ", f);
        kc_html_text(f, x->message);
        if (x->detail) {
            fputs("<pre>", f);
            kc_html_text_cut(f, x->detail, detail_max);
            fputs("</pre>", f);
        }
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
}

/* Labelled one-line value of a testcase ("RequestId", ...) when set. */
static void tc_value(FILE *f, const char *label, const char *v)
{
    if (!v)
        return;
    fprintf(f, "<p>%s: <code>", label);
    kc_html_text(f, v);
    fputs("</code></p>\n", f);
}

static void tc_body(FILE *f, const struct kc_testcase *tc)
{
    fputs("<div class=\"body\">", f);
    kc_html_failures(f, tc, KC_HTML_TEXT_MAX);
    if (tc->skip_type || tc->skip_reason) {
        fputs("<p class=\"reason\">", f);
        kc_html_text(f, tc->skip_type);
        fputs(tc->skip_type && tc->skip_reason ? ": " : "", f);
        kc_html_text(f, tc->skip_reason);
        fputs("</p>\n", f);
    }
    tc_value(f, "RequestId", tc->request_id);
    tc_value(f, "Message template", tc->message_template);
    if (tc->transcript) {
        fputs("<details class=\"transcript\"><summary>transcript</summary>"
              "<pre>",
              f);
        kc_html_text_cut(f, tc->transcript, KC_HTML_TEXT_MAX);
        fputs("</pre></details>", f);
    }
    fputs("</div>", f);
}

/* One testcase: a collapsible <details> when it has more to show than its
 * line (failures, a reason, a transcript), otherwise a <div>. */
static void tc_entry(FILE *f, const struct kc_testcase *tc, enum out o)
{
    bool more = o != OUT_PASS || tc->transcript || tc->retries;
    const char *tag = more ? "details" : "div";
    fprintf(f, "<%s class=\"tc\" data-outcome=\"%s\" data-code=\"", tag,
            out_states[o].cls);
    kc_html_text(f, code_of(tc));
    fputs("\" data-text=\"", f);
    tc_search_text(f, tc);
    fputs(more ? "\"><summary>" : "\">", f);
    tc_line(f, tc, o);
    if (more) {
        fputs("</summary>", f);
        tc_body(f, tc);
    }
    fprintf(f, "</%s>\n", tag);
}

static void run_filters(FILE *f)
{
    fputs("<p class=\"filters\"><label>Filter <input id=\"filter\" "
          "type=\"search\" placeholder=\"code, case or check\"></label>\n"
          "<label>Outcome <select id=\"outcome\">"
          "<option value=\"all\">all</option>"
          "<option value=\"problem\">failed or error</option>",
          f);
    for (int o = 0; o < OUT_N; o++)
        fprintf(f, "<option value=\"%s\">%s</option>", out_states[o].cls,
                out_states[o].label);
    fputs("</select></label>\n<span id=\"shown\"></span></p>\n", f);
}

static void run_testcases(FILE *f, const struct run_page *p)
{
    fputs("<section id=\"testcases\">\n<h2>Testcases</h2>\n", f);
    run_filters(f);
    fputs("<div id=\"cases\">\n", f);
    for (int o = 0; o < OUT_N; o++) {
        for (size_t i = 0; i < p->n; i++) {
            if (out_of(p->idx[i]) == (enum out)o)
                tc_entry(f, p->idx[i], (enum out)o);
        }
    }
    fputs("</div>\n</section>\n", f);
}

static const char run_script[] =
    "<script>\n"
    "(function () {\n"
    "  var filter = document.getElementById('filter');\n"
    "  var outcome = document.getElementById('outcome');\n"
    "  var shown = document.getElementById('shown');\n"
    "  var items = Array.prototype.slice.call(\n"
    "    document.querySelectorAll('#cases .tc'));\n"
    "  function wanted(o, want) {\n"
    "    return want === 'all' || want === o ||\n"
    "      (want === 'problem' && (o === 'fail' || o === 'error'));\n"
    "  }\n"
    "  function apply() {\n"
    "    var q = filter.value.trim().toLowerCase(), n = 0;\n"
    "    items.forEach(function (e) {\n"
    "      var ok = (!q || e.getAttribute('data-text').indexOf(q) >= 0) &&\n"
    "        wanted(e.getAttribute('data-outcome'), outcome.value);\n"
    "      e.hidden = !ok;\n"
    "      if (ok) n++;\n"
    "    });\n"
    "    shown.textContent = n + ' of ' + items.length + ' testcases shown';\n"
    "    shown.setAttribute('data-shown', String(n));\n"
    "  }\n"
    "  function setOutcome(v) {\n"
    "    Array.prototype.forEach.call(outcome.options, function (op) {\n"
    "      if (op.value === v) outcome.value = v;\n"
    "    });\n"
    "  }\n"
    "  function open(code) {\n"
    "    items.forEach(function (e) {\n"
    "      if (e.tagName === 'DETAILS' && (code === 'all' ||\n"
    "          e.getAttribute('data-code') === code)) e.open = true;\n"
    "    });\n"
    "  }\n"
    "  function fromHash() {\n"
    "    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
    "      var i = kv.indexOf('='), v = '';\n"
    "      var k = i < 0 ? kv : kv.slice(0, i);\n"
    "      try { v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1)); }\n"
    "      catch (e) { v = ''; }\n"
    "      if (k === 'filter') filter.value = v;\n"
    "      if (k === 'outcome') setOutcome(v);\n"
    "      if (k === 'open') open(v);\n"
    "    });\n"
    "  }\n"
    "  filter.addEventListener('input', apply);\n"
    "  outcome.addEventListener('change', apply);\n"
    "  window.addEventListener('hashchange', function () {\n"
    "    fromHash(); apply(); });\n"
    "  fromHash();\n"
    "  apply();\n"
    "})();\n"
    "</script>\n";

/* The links above a run page's heading, in a <nav id="nav">. */
static void run_nav(FILE *f, const struct kc_html_link *nav, size_t n)
{
    if (!n)
        return;
    fputs("<nav id=\"nav\">", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? " · <a href=\"" : "<a href=\"", f);
        kc_html_text(f, nav[i].href);
        fputs("\">", f);
        kc_html_text(f, nav[i].label);
        fputs("</a>", f);
    }
    fputs("</nav>\n", f);
}

int kc_html_run(FILE *f, const struct kc_report *r,
                const struct kc_html_link *nav, size_t n)
{
    char title[TITLE_MAX];
    struct run_page p;
    int rc = -1;
    if (page_build(&p, r))
        goto out;
    const char *target = kc_report_prop(r, "kmsconf.target");
    snprintf(title, sizeof(title), "kmsconf run%s%s",
             target && target[0] ? ": " : "", target ? target : "");
    kc_html_begin(f, title, run_css);
    run_nav(f, nav, n);
    run_header(f, r);
    run_totals(f, &p);
    run_levels(f, r);
    run_by_code(f, &p);
    run_by_check(f, &p);
    run_testcases(f, &p);
    kc_html_end(f, run_script);
    rc = ferror(f) ? -1 : 0;
out:
    page_dispose(&p);
    return rc;
}
