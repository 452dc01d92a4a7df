/* kc_site: the static results site of many reports. */
#include "kc/site.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "kc/claims.h"
#include "kc/codec.h"
#include "kc/err.h"
#include "kc/html.h"
#include "kc/json.h"
#include "kc/levels.h"

#define SLUG_MAX      64
#define SITE_PATH_MAX 4096
/* Ceilings of a bundle's answers: the size of one answer file, how many
 * are read, and how much of a body a code page shows. */
#define ANSWER_FILE_MAX ((size_t)1024 * 1024)
#define ANSWERS_MAX     100000
#define BODY_SHOWN_MAX  ((size_t)16 * 1024)

/* One target: its runs (indices into the input), oldest first. */
struct target {
    const char *name;
    char slug[SLUG_MAX];
    size_t *runs;
    size_t nruns;
};

struct site {
    const struct kc_site_input *in;
    struct target *t;
    size_t nt;
    const char *out;
    cJSON **answers; /* per report: its bundle's answers (an array), or
                        NULL */
    char *err;
    size_t errlen;
    int rc;
};

static const char site_css[] =
    "table{border-collapse:collapse}td,th{border:1px solid #999;"
    "padding:2px 6px}th{background:#eee}.n{text-align:right}\n"
    ".cell a,.pl{color:inherit;text-decoration:none}.partial{background:"
    "#f9a825;color:#111}:target{outline:3px solid #1565c0}"
    "#matrix td,td.lv{white-space:nowrap;font-size:85%}"
    "#answers-by-case td{font-size:85%}\n";

static const char *target_of(const struct kc_site_input *in, size_t i)
{
    const char *t = kc_report_prop(in->reports[i], "kmsconf.target");
    return t ? t : in->labels[i];
}

static const char *started_of(const struct kc_report *r)
{
    const char *s = kc_report_prop(r, "kmsconf.started");
    return s ? s : (r->timestamp ? r->timestamp : "");
}

/* [a-z0-9-] from name, other characters as '-', "x" when empty. */
static void slugify(const char *name, char *out, size_t len)
{
    size_t n = 0;

    for (; *name && n + 1 < len; name++) {
        char c = (char)tolower((unsigned char)*name);
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        out[n++] = c;
        if (!keep)
            out[n - 1] = '-';
    }
    if (!n)
        out[n++] = 'x';
    out[n] = '\0';
}

static struct target *find_target(struct site *s, const char *name)
{
    for (size_t k = 0; k < s->nt; k++) {
        if (!strcmp(s->t[k].name, name))
            return &s->t[k];
    }
    return NULL;
}

/* A slug no other target has: the name's, then "-2", "-3"... */
static void unique_slug(struct site *s, struct target *t)
{
    char base[SLUG_MAX - 8];

    slugify(t->name, base, sizeof(base));
    snprintf(t->slug, sizeof(t->slug), "%s", base);
    for (unsigned k = 2;; k++) {
        bool taken = false;
        for (size_t j = 0; j < s->nt && !taken; j++)
            taken = &s->t[j] != t && !strcmp(s->t[j].slug, t->slug);
        if (!taken)
            return;
        snprintf(t->slug, sizeof(t->slug), "%s-%u", base, k);
    }
}

static int group(struct site *s)
{
    const struct kc_site_input *in = s->in;

    s->t = calloc(in->nreports ? in->nreports : 1, sizeof(*s->t));
    if (!s->t)
        return -1;
    for (size_t i = 0; i < in->nreports; i++) {
        struct target *t = find_target(s, target_of(in, i));
        if (!t) {
            t = &s->t[s->nt++];
            t->name = target_of(in, i);
            t->runs = calloc(in->nreports, sizeof(*t->runs));
            if (!t->runs)
                return -1;
            unique_slug(s, t);
        }
        size_t k = t->nruns++;
        /* insertion by start time: the runs stay oldest first */
        while (k > 0 && strcmp(started_of(in->reports[t->runs[k - 1]]),
                               started_of(in->reports[i])) > 0) {
            t->runs[k] = t->runs[k - 1];
            k--;
        }
        t->runs[k] = i;
    }
    return 0;
}

static const struct kc_report *latest(const struct site *s,
                                      const struct target *t)
{
    return s->in->reports[t->runs[t->nruns - 1]];
}

/* r's score of the documented codes (kc_report_score). */
static size_t score(const struct site *s, const struct kc_report *r)
{
    return kc_report_score(r, s->in->codes, s->in->ncodes);
}

/* "JSON+XML", "JSON" or "XML" from kmsconf.formats. */
static const char *formats_label(const struct kc_report *r)
{
    const char *f = kc_report_prop(r, "kmsconf.formats");

    if (!f || !strcmp(f, "json,xml"))
        return "JSON+XML";
    return strcmp(f, "xml") ? "JSON" : "XML";
}

static FILE *open_in(struct site *s, const char *sub, const char *name)
{
    char path[SITE_PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s%s%s", s->out, sub, *sub ? "/" : "",
             name);
    f = fopen(path, "w");
    if (!f && !s->rc) {
        kc_err_set(s->err, s->errlen, "%s: %s", path, strerror(errno));
        s->rc = -1;
    }
    return f;
}

static void close_file(struct site *s, FILE *f, const char *name)
{
    if ((ferror(f) | fclose(f)) && !s->rc) {
        kc_err_set(s->err, s->errlen, "%s/%s: cannot write", s->out, name);
        s->rc = -1;
    }
}

/* ---- a bundle's recorded answers ---- */

static int add_answer(struct site *s, cJSON *arr, const char *dir,
                      const char *name)
{
    char path[SITE_PATH_MAX], e[256];
    cJSON *a;

    snprintf(path, sizeof(path), "%s/answers/%s", dir, name);
    a = kc_json_load(path, ANSWER_FILE_MAX, e, sizeof(e));
    if (!a) {
        kc_err_set(s->err, s->errlen, "%s", e);
        return -1;
    }
    cJSON_AddItemToArray(arr, a);
    return 0;
}

/* Reads every answers/NAME.json of the bundle of report i. */
static int load_answers(struct site *s, size_t i, const char *dir)
{
    char path[SITE_PATH_MAX];
    DIR *d;
    const struct dirent *e;
    size_t n = 0;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/answers", dir);
    s->answers[i] = cJSON_CreateArray();
    d = s->answers[i] ? opendir(path) : NULL;
    if (!d) {
        kc_err_set(s->err, s->errlen, "%s: %s", path,
                   s->answers[i] ? strerror(errno) : "out of memory");
        return -1;
    }
    while (!rc && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 ||
            strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (++n > ANSWERS_MAX) {
            kc_err_set(s->err, s->errlen, "%s: more than %d answers", path,
                       ANSWERS_MAX);
            rc = -1;
        } else {
            rc = add_answer(s, s->answers[i], dir, e->d_name);
        }
    }
    closedir(d);
    return rc;
}

static int load_bundles(struct site *s)
{
    s->answers = calloc(s->in->nreports + 1, sizeof(*s->answers));
    if (!s->answers) {
        kc_err_set(s->err, s->errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; s->in->bundles && i < s->in->nreports; i++) {
        if (s->in->bundles[i] && load_answers(s, i, s->in->bundles[i]))
            return -1;
    }
    return 0;
}

/* The recorded answer of tc in report i, or NULL. */
static const cJSON *answer_of(const struct site *s, size_t i,
                              const struct kc_testcase *tc)
{
    const cJSON *a;
    const char *c, *fm;

    if (!s->answers[i] || !tc->case_id || !tc->format)
        return NULL;
    cJSON_ArrayForEach(a, s->answers[i])
    {
        if (kc_json_string(a, "case", &c) == KC_JSON_OK &&
            kc_json_string(a, "format", &fm) == KC_JSON_OK &&
            !strcmp(c, tc->case_id) && !strcmp(fm, tc->format))
            return a;
    }
    return NULL;
}

/* ---- pages ---- */

static const char filter_script[] =
    "<script>(function(){var q=document.getElementById('filter');"
    "function apply(){var t=q.value.toLowerCase(),n=0;"
    "document.querySelectorAll('tr.row').forEach(function(r){"
    "var show=r.getAttribute('data-text').indexOf(t)>=0;"
    "r.style.display=show?'':'none';n+=show?1:0;});"
    "document.getElementById('shown').textContent=n+' shown';}"
    "var m=/filter=([^&]*)/.exec(location.hash);"
    "if(m)q.value=decodeURIComponent(m[1]);"
    "q.addEventListener('input',function(){location.hash='filter='+"
    "encodeURIComponent(q.value);apply();});apply();})();</script>\n";

static void filter_box(FILE *f)
{
    fputs("<p><input id=\"filter\" placeholder=\"filter\"> <span "
          "id=\"shown\"></span></p>\n",
          f);
}

/* The verdict of level l in r, both formats: "pass (97) | pass (97)". */
static void level_cell(FILE *f, const struct kc_levels *lv, size_t l)
{
    static const char *const cls[] = {"none", "pass", "skip", "fail"};
    enum kc_level_verdict a = kc_levels_verdict(&lv->c[l][0]);
    enum kc_level_verdict b = kc_levels_verdict(&lv->c[l][1]);
    char va[128], vb[128];

    kc_levels_describe(&lv->c[l][0], va, sizeof(va));
    kc_levels_describe(&lv->c[l][1], vb, sizeof(vb));
    fprintf(f, "<td class=\"lv %s\" data-level=\"%s\">json %s<br>xml %s</td>",
            cls[a > b ? a : b], kc_levels_name(l), va, vb);
}

static void index_row(FILE *f, const struct site *s, const struct target *t)
{
    const struct kc_report *r = latest(s, t);
    struct kc_levels lv;

    kc_levels_count(r, &lv);
    fputs("<tr class=\"row target\" data-text=\"", f);
    kc_html_lower(f, t->name);
    fprintf(f, "\" id=\"t-%s\"><td><a href=\"targets/%s.html\">", t->slug,
            t->slug);
    kc_html_text(f, t->name);
    fprintf(f, "</a></td><td class=\"score\">%zu/%zu</td><td>%s</td>",
            score(s, r), s->in->ncodes, formats_label(r));
    for (size_t l = 0; l < KC_LEVELS_N; l++)
        level_cell(f, &lv, l);
    fputs("<td>", f);
    kc_html_text(f, started_of(r));
    fprintf(f,
            "</td><td class=\"n runs\">%zu</td><td><img alt=\"badge\" "
            "src=\"badges/%s.svg\"></td></tr>\n",
            t->nruns, t->slug);
}

/* ---- the matrix of the front page: documented codes by level (rows)
 * and targets (columns), from each target's latest run ---- */

enum outcome { OC_NONE, OC_PASS, OC_PARTIAL, OC_SKIP, OC_FAIL };
static const char *const outcome_name[] = {"none", "pass", "partial", "skip",
                                           "fail"};

/* The testcases of code at level l in r, per format. */
static void cell_count(const struct kc_report *r, const char *code, size_t l,
                       struct kc_level_count c[KC_LEVELS_FORMATS])
{
    memset(c, 0, KC_LEVELS_FORMATS * sizeof(*c));
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        if (!tc->code || strcmp(tc->code, code) != 0 || !tc->format ||
            kc_levels_index(tc->level) != (int)l)
            continue;
        for (size_t fm = 0; fm < KC_LEVELS_FORMATS; fm++) {
            if (!strcmp(tc->format, kc_levels_format(fm)))
                kc_levels_add(&c[fm], tc);
        }
    }
}

/* fail when one failed, skip when all were skipped, partial when some
 * were, pass when all passed, none when none ran. */
static enum outcome outcome_of(const struct kc_level_count c[KC_LEVELS_FORMATS])
{
    struct kc_level_count t = {0};

    for (size_t fm = 0; fm < KC_LEVELS_FORMATS; fm++) {
        t.total += c[fm].total;
        t.failed += c[fm].failed;
        t.skipped += c[fm].skipped;
    }
    if (!t.total)
        return OC_NONE;
    if (t.failed)
        return OC_FAIL;
    if (t.skipped == t.total)
        return OC_SKIP;
    return t.skipped ? OC_PARTIAL : OC_PASS;
}

/* Whether any target ran code at level l (*failing: and one failed). */
static bool matrix_has(const struct site *s, size_t l, const char *code,
                       bool *failing)
{
    struct kc_level_count c[KC_LEVELS_FORMATS];
    bool any = false;

    *failing = false;
    for (size_t k = 0; k < s->nt; k++) {
        cell_count(latest(s, &s->t[k]), code, l, c);
        enum outcome o = outcome_of(c);
        any |= o != OC_NONE;
        *failing |= o == OC_FAIL;
    }
    return any;
}

static void matrix_cell(FILE *f, const struct site *s, const struct target *t,
                        size_t l, const char *code, const char *rowid)
{
    struct kc_level_count c[KC_LEVELS_FORMATS];

    cell_count(latest(s, t), code, l, c);
    fprintf(f, "<td class=\"cell %s\" id=\"%s.%s\"><a href=\"#%s.%s\">",
            outcome_name[outcome_of(c)], rowid, t->slug, rowid, t->slug);
    for (size_t fm = 0; fm < KC_LEVELS_FORMATS; fm++) {
        char d[128];
        if (!c[fm].total)
            continue;
        kc_levels_describe(&c[fm], d, sizeof(d));
        fprintf(f,
                "<span class=\"fmt\" data-format=\"%s\" title=\"%s\">%s "
                "%zu/%zu</span> ",
                kc_levels_format(fm), d, kc_levels_format(fm), c[fm].passed,
                c[fm].total);
    }
    fputs("</a></td>", f);
}

/* The rows of level l: a heading row, then one per code that ran. */
static void matrix_level(FILE *f, const struct site *s, size_t l)
{
    const char *lname = kc_levels_name(l);
    bool heading = false, failing;

    for (size_t c = 0; c < s->in->ncodes; c++) {
        const char *code = s->in->codes[c];
        char slug[SLUG_MAX], rowid[SLUG_MAX + 32];
        if (!matrix_has(s, l, code, &failing))
            continue;
        if (!heading)
            fprintf(f,
                    "<tr class=\"lvl\" data-level=\"%s\" id=\"l-%s\"><th "
                    "colspan=\"%zu\"><a href=\"#l-%s\">%s</a></th></tr>\n",
                    lname, lname, s->nt + 1, lname, lname);
        heading = true;
        slugify(code, slug, sizeof(slug));
        snprintf(rowid, sizeof(rowid), "m-%s-%s", lname, slug);
        fprintf(f,
                "<tr class=\"mrow\" id=\"%s\" data-level=\"%s\" "
                "data-failing=\"%d\"><th><a href=\"codes/%s.html\">",
                rowid, lname, failing, slug);
        kc_html_text(f, code);
        fprintf(f, "</a> <a class=\"pl\" href=\"#%s\">#</a></th>", rowid);
        for (size_t k = 0; k < s->nt; k++)
            matrix_cell(f, s, &s->t[k], l, code, rowid);
        fputs("</tr>\n", f);
    }
}

static void matrix_controls(FILE *f)
{
    fputs("<h2 id=\"matrix-h\">Codes by level and target</h2>\n<p>level "
          "<select id=\"level\"><option value=\"\">all</option>",
          f);
    for (size_t l = 0; l < KC_LEVELS_N; l++)
        fprintf(f, "<option>%s</option>", kc_levels_name(l));
    fputs("</select> format <select id=\"format\"><option value=\"\">both"
          "</option><option>json</option><option>xml</option></select> "
          "<label><input type=\"checkbox\" id=\"failing\"> failing only"
          "</label> <span id=\"mshown\"></span></p>\n",
          f);
}

static void write_matrix(FILE *f, const struct site *s)
{
    matrix_controls(f);
    fputs("<table id=\"matrix\"><thead><tr><th>code</th>", f);
    for (size_t k = 0; k < s->nt; k++) {
        fprintf(f, "<th><a href=\"targets/%s.html\">", s->t[k].slug);
        kc_html_text(f, s->t[k].name);
        fputs("</a></th>", f);
    }
    fputs("</tr>\n<tr class=\"scores\"><th>documented codes passing</th>", f);
    for (size_t k = 0; k < s->nt; k++)
        fprintf(f, "<td class=\"mscore\" data-target=\"%s\">%zu/%zu</td>",
                s->t[k].slug, score(s, latest(s, &s->t[k])), s->in->ncodes);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t l = 0; l < KC_LEVELS_N; l++)
        matrix_level(f, s, l);
    fputs("</tbody></table>\n", f);
}

/* The front page's filters, all kept in the URL fragment
 * (#filter=..&level=..&format=..&failing=1): the text filter hides target
 * rows, the level and "failing only" hide matrix rows, the format hides
 * the other format's counts. A fragment without '=' is an anchor. */
static const char index_script[] =
    "<script>(function(){function $(i){return document.getElementById(i);}"
    "var q=$('filter'),lv=$('level'),fm=$('format'),fo=$('failing');"
    "function all(s,fn){document.querySelectorAll(s).forEach(fn);}"
    "function read(){var h=location.hash.slice(1);if(h.indexOf('=')<0)"
    "return;h.split('&').forEach(function(p){var k=p.split('='),"
    "v=decodeURIComponent(k[1]||'');if(k[0]=='filter')q.value=v;"
    "if(k[0]=='level')lv.value=v;if(k[0]=='format')fm.value=v;"
    "if(k[0]=='failing')fo.checked=v=='1';});}"
    "function write(){var p=[];if(q.value)p.push('filter='+"
    "encodeURIComponent(q.value));if(lv.value)p.push('level='+lv.value);"
    "if(fm.value)p.push('format='+fm.value);if(fo.checked)"
    "p.push('failing=1');location.hash=p.join('&');}"
    "function apply(){var t=q.value.toLowerCase(),n=0,m=0,seen={};"
    "all('tr.row',function(r){var s=r.getAttribute('data-text')"
    ".indexOf(t)>=0;r.style.display=s?'':'none';n+=s?1:0;});"
    "$('shown').textContent=n+' shown';"
    "all('tr.mrow',function(r){var l=r.getAttribute('data-level'),"
    "s=(!lv.value||l==lv.value)&&(!fo.checked||"
    "r.getAttribute('data-failing')=='1');r.style.display=s?'':'none';"
    "m+=s?1:0;if(s)seen[l]=1;});"
    "all('tr.lvl',function(r){r.style.display="
    "seen[r.getAttribute('data-level')]?'':'none';});"
    "all('span.fmt',function(x){x.style.display=(!fm.value||"
    "x.getAttribute('data-format')==fm.value)?'':'none';});"
    "$('mshown').textContent=m+' rows shown';}"
    "read();[q,lv,fm,fo].forEach(function(e){e.addEventListener('change',"
    "function(){write();apply();});});q.addEventListener('input',"
    "function(){write();apply();});apply();})();</script>\n";

static void write_index(struct site *s)
{
    FILE *f = open_in(s, "", "index.html");

    if (!f)
        return;
    kc_html_begin(f, "kmsconf results", site_css);
    fprintf(f,
            "<h1>kmsconf results</h1>\n<p>%zu targets, %zu runs, %zu "
            "documented codes (<a href=\"api.json\">api.json</a>)</p>\n",
            s->nt, s->in->nreports, s->in->ncodes);
    filter_box(f);
    fputs("<table id=\"targets\"><thead><tr><th>Target</th><th>codes</th>"
          "<th>formats</th>",
          f);
    for (size_t l = 0; l < KC_LEVELS_N; l++)
        fprintf(f, "<th>%s</th>", kc_levels_name(l));
    fputs("<th>latest run</th><th>runs</th><th>badge</th></tr></thead>"
          "<tbody>\n",
          f);
    for (size_t k = 0; k < s->nt; k++)
        index_row(f, s, &s->t[k]);
    fputs("</tbody></table>\n", f);
    write_matrix(f, s);
    kc_html_end(f, index_script);
    close_file(s, f, "index.html");
}

static void claim_row(void *ctx, const struct kc_claim_row *row)
{
    FILE *f = ctx;
    char counts[128];

    kc_levels_describe(&row->count, counts, sizeof(counts));
    fprintf(f, "<tr class=\"claim\"><td>%s</td><td>",
            row->is_action ? "action" : "level");
    kc_html_text(f, row->name);
    fprintf(f, "</td><td>%s</td><td>%s</td></tr>\n",
            kc_claims_state_name(row->state), counts);
}

/* Run k (from 1, oldest first) of target t has the page
 * runs/<slug>-<k>.html. */
static void history_row(FILE *f, const struct site *s, const struct target *t,
                        size_t k)
{
    const struct kc_report *r = s->in->reports[t->runs[k - 1]];
    const char *v = kc_report_prop(r, "kmsconf.version");
    const char *sv = kc_report_prop(r, "kmsconf.suite_version");

    fprintf(
        f,
        "<tr class=\"run\" id=\"run-%zu\"><td><a href=\"../runs/%s-%zu.html\">",
        k, t->slug, k);
    kc_html_text(f, started_of(r));
    fputs("</a></td><td>", f);
    kc_html_text(f, v ? v : "–");
    fputs("</td><td>", f);
    kc_html_text(f, sv ? sv : "–");
    fprintf(f,
            "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
            "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
            "<td class=\"score\">%zu/%zu</td></tr>\n",
            r->ncases, kc_report_count(r, KC_OUTCOME_PASS),
            kc_report_count(r, KC_OUTCOME_FAIL) +
                kc_report_count(r, KC_OUTCOME_ERROR),
            kc_report_count(r, KC_OUTCOME_SKIP), score(s, r), s->in->ncodes);
}

static void target_meta(FILE *f, const struct kc_report *r)
{
    char v[256];

    fputs("<table id=\"meta\">\n", f);
    for (int k = 0; k < KC_HTML_META_COUNT; k++) {
        const char *s =
            kc_html_meta_value(r, (enum kc_html_meta)k, v, sizeof(v));
        fprintf(f, "<tr><th>%s</th><td>",
                kc_html_meta_label((enum kc_html_meta)k));
        kc_html_text(f, s ? s : "–");
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void target_levels(FILE *f, const struct kc_report *r)
{
    struct kc_levels lv;

    kc_levels_count(r, &lv);
    fputs("<h2>Levels (latest run)</h2>\n<table id=\"levels\"><tbody>\n", f);
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        fprintf(f, "<tr><th>%s</th>", kc_levels_name(l));
        level_cell(f, &lv, l);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

#define TREND_STEP   48 /* px between runs */
#define TREND_HEIGHT 80 /* px of a score of every code */

/* The score of each run over time, oldest first: an inline SVG line with a
 * point per run that links to the run's page. */
static void write_trend(FILE *f, const struct site *s, const struct target *t)
{
    size_t nc = s->in->ncodes ? s->in->ncodes : 1;

    fprintf(f,
            "<h2>Score over time</h2>\n<svg id=\"trend\" "
            "xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\" "
            "height=\"%d\" role=\"img\" aria-label=\"documented codes "
            "passing, run by run\"><rect width=\"100%%\" height=\"100%%\" "
            "fill=\"#f7f7f7\"/><text x=\"2\" y=\"14\" font-size=\"10\">%zu"
            "</text><text x=\"2\" y=\"%d\" font-size=\"10\">0</text>"
            "<polyline fill=\"none\" stroke=\"#1565c0\" "
            "stroke-width=\"2\" points=\"",
            (t->nruns + 1) * TREND_STEP, TREND_HEIGHT + 20, s->in->ncodes,
            TREND_HEIGHT + 14);
    for (size_t k = 0; k < t->nruns; k++) {
        size_t sc = score(s, s->in->reports[t->runs[k]]);
        fprintf(f, "%s%zu,%zu", k ? " " : "", (k + 1) * TREND_STEP,
                10 + TREND_HEIGHT - sc * TREND_HEIGHT / nc);
    }
    fputs("\"/>", f);
    for (size_t k = 0; k < t->nruns; k++) {
        const struct kc_report *r = s->in->reports[t->runs[k]];
        size_t sc = score(s, r);
        fprintf(f,
                "<a href=\"../runs/%s-%zu.html\"><circle class=\"pt\" "
                "data-score=\"%zu\" cx=\"%zu\" cy=\"%zu\" r=\"5\" "
                "fill=\"%s\"><title>",
                t->slug, k + 1, sc, (k + 1) * TREND_STEP,
                10 + TREND_HEIGHT - sc * TREND_HEIGHT / nc,
                sc == s->in->ncodes ? "#2e7d32" : "#c62828");
        kc_html_text(f, started_of(r));
        fprintf(f,
                ": %zu/%zu</title></circle></a><text x=\"%zu\" y=\"%zu\" "
                "font-size=\"11\" text-anchor=\"middle\">%zu</text>",
                sc, s->in->ncodes, (k + 1) * TREND_STEP,
                2 + TREND_HEIGHT - sc * TREND_HEIGHT / nc, sc);
    }
    fputs("</svg>\n", f);
}

/* The page of run k (from 1) of target t: the report page of that run
 * (kc_html_run, as `kmsconf report --html` writes it) with links back to
 * the front page and to the target's page. */
static void write_run(struct site *s, const struct target *t, size_t k)
{
    char name[SLUG_MAX + 32], back[SLUG_MAX + 32];
    struct kc_html_link nav[2] = {{"../index.html", "all targets"},
                                  {back, t->name}};
    FILE *f;

    snprintf(name, sizeof(name), "%s-%zu.html", t->slug, k);
    snprintf(back, sizeof(back), "../targets/%s.html", t->slug);
    f = open_in(s, "runs", name);
    if (!f)
        return;
    if (kc_html_run(f, s->in->reports[t->runs[k - 1]], nav, 2) && !s->rc) {
        kc_err_set(s->err, s->errlen, "%s/runs/%s: cannot write", s->out, name);
        s->rc = -1;
    }
    close_file(s, f, name);
}

static void write_target(struct site *s, const struct target *t)
{
    char name[SLUG_MAX + 8];
    const struct kc_report *r = latest(s, t);
    FILE *f;

    snprintf(name, sizeof(name), "%s.html", t->slug);
    f = open_in(s, "targets", name);
    if (!f)
        return;
    kc_html_begin(f, t->name, site_css);
    fputs("<p><a href=\"../index.html\">all targets</a></p>\n<h1>", f);
    kc_html_text(f, t->name);
    fprintf(f,
            "</h1>\n<p><img alt=\"badge\" src=\"../badges/%s.svg\"> "
            "<span id=\"score\">%zu/%zu</span> documented codes pass</p>\n",
            t->slug, score(s, r), s->in->ncodes);
    target_meta(f, r);
    target_levels(f, r);
    fputs("<h2>Claims</h2>\n", f);
    if (kc_claims_present(r)) {
        fputs("<table id=\"claims\"><tbody>\n", f);
        kc_claims_compare(r, claim_row, f);
        fputs("</tbody></table>\n", f);
    } else {
        fputs("<p id=\"no-claims\">Claims are not stated: the latest run's "
              "target profile has no manifest.</p>\n",
              f);
    }
    write_trend(f, s, t);
    fputs("<h2>Runs</h2>\n<table id=\"history\"><thead>"
          "<tr><th>started</th><th>kmsconf</th><th>suite</th><th>tests</th>"
          "<th>passed</th><th>failed</th><th>skipped</th><th>codes</th>"
          "</tr></thead><tbody>\n",
          f);
    for (size_t k = t->nruns; k > 0; k--)
        history_row(f, s, t, k);
    fputs("</tbody></table>\n", f);
    kc_html_end(f, NULL);
    close_file(s, f, name);
}

/* One target's testcases of code in its latest run: outcome per testcase
 * and the first failure's message. */
static void code_row(FILE *f, const struct site *s, const struct target *t,
                     const char *code)
{
    static const char *const word[] = {"pass", "FAIL", "ERROR", "skip"};
    const struct kc_report *r = latest(s, t);
    enum kc_code_state cs = kc_report_code_state(r, code);
    int st = cs == KC_CODE_PASS ? 1 : cs == KC_CODE_FAIL ? -1 : 0;
    size_t n = 0;

    for (size_t i = 0; i < r->ncases; i++)
        n += r->cases[i].code && !strcmp(r->cases[i].code, code);
    fputs("<tr class=\"row\" data-text=\"", f);
    kc_html_lower(f, t->name);
    fprintf(f, "\"><td><a href=\"../targets/%s.html\">", t->slug);
    kc_html_text(f, t->name);
    fprintf(f,
            "</a></td><td class=\"verdict %s\">%s</td><td><details>"
            "<summary>%zu testcases</summary><ul>",
            st > 0   ? "pass"
            : st < 0 ? "fail"
                     : "none",
            st > 0   ? "pass"
            : st < 0 ? "FAIL"
                     : "not run",
            n);
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        if (!tc->code || strcmp(tc->code, code) != 0)
            continue;
        fputs("<li class=\"tc\">", f);
        kc_html_text(f, tc->name);
        fprintf(f, ": %s", word[tc->outcome]);
        if (tc->nfailures) {
            fputs(" &mdash; ", f);
            kc_html_text_cut(f, tc->failures[0].message, 512);
        }
        fputs("</li>", f);
    }
    fputs("</ul></details></td></tr>\n", f);
}

/* The text of the first <name> element of an XML body, into out. */
static void xml_field(const char *body, const char *name, char *out, size_t len)
{
    char open[32], close[32];
    const char *b, *e;

    snprintf(open, sizeof(open), "<%s>", name);
    snprintf(close, sizeof(close), "</%s>", name);
    b = strstr(body, open);
    if (b)
        b += strlen(open);
    e = b ? strstr(b, close) : NULL;
    if (e)
        snprintf(out, len, "%.*s", (int)(e - b), b);
}

/* Code and Message of a recorded body (JSON members, else the first XML
 * elements of those names); "" when there are none. */
static void body_fields(const char *body, size_t n, char *code, char *msg,
                        size_t len)
{
    cJSON *j = cJSON_ParseWithLength(body, n);
    const char *v;

    code[0] = msg[0] = '\0';
    if (cJSON_IsObject(j)) {
        if (kc_json_string(j, "Code", &v) == KC_JSON_OK)
            snprintf(code, len, "%s", v);
        if (kc_json_string(j, "Message", &v) == KC_JSON_OK)
            snprintf(msg, len, "%s", v);
    } else {
        xml_field(body, "Code", code, len);
        xml_field(body, "Message", msg, len);
    }
    cJSON_Delete(j);
}

/* The recorded answer: status, Code, Message, RequestId, and the body as
 * recorded (redacted when the bundle was written). */
static void answer_recorded(FILE *f, const cJSON *a)
{
    const char *b64 = NULL, *rid = NULL, *ct = NULL;
    long status = 0;
    size_t n = 0;
    char code[1024], msg[1024];
    char *body;

    (void)kc_json_long(a, "status", 0, 999, &status);
    (void)kc_json_string(a, "body_b64", &b64);
    (void)kc_json_string(a, "request_id_header", &rid);
    (void)kc_json_string(a, "content_type", &ct);
    body = (char *)kc_base64_decode(b64 ? b64 : "", b64 ? strlen(b64) : 0, &n);
    for (size_t k = 0; body && k < n; k++) {
        if (body[k] == '\0') /* would end the text: shown as SUB */
            body[k] = (char)26;
    }
    if (body)
        body[n] = '\0';
    body_fields(body ? body : "", n, code, msg, sizeof(code));
    fprintf(f, "<span class=\"status\">HTTP %ld</span> <span class=\"acode\">",
            status);
    kc_html_text(f, code);
    fputs("</span><br><span class=\"amsg\">", f);
    kc_html_text(f, msg);
    fputs("</span><br>Content-Type <code class=\"ctype\">", f);
    kc_html_text(f, ct ? ct : "");
    fputs("</code><br>RequestId <code class=\"rid\">", f);
    kc_html_text(f, rid ? rid : "");
    fprintf(f,
            "</code><details><summary>body, %zu bytes</summary><pre "
            "class=\"body\">",
            n);
    kc_html_text_cut(f, body ? body : "", BODY_SHOWN_MAX);
    fputs("</pre></details>", f);
    free(body);
}

/* What a report without recorded answers kept: the transcript, else the
 * failures' messages or the skip reason. */
static void answer_kept(FILE *f, const struct kc_testcase *tc)
{
    if (tc->request_id) {
        fputs("RequestId <code class=\"rid\">", f);
        kc_html_text(f, tc->request_id);
        fputs("</code><br>", f);
    }
    if (tc->transcript) {
        fputs("<details><summary>transcript</summary><pre "
              "class=\"transcript\">",
              f);
        kc_html_text_cut(f, tc->transcript, BODY_SHOWN_MAX);
        fputs("</pre></details>", f);
    }
    if (!tc->transcript)
        kc_html_failures(f, tc, BODY_SHOWN_MAX);
    if (tc->skip_reason) {
        fputs("<span class=\"amsg\">", f);
        kc_html_text(f, tc->skip_reason);
        fputs("</span>", f);
    }
}

static const struct kc_testcase *case_in(const struct kc_report *r,
                                         const struct kc_testcase *tc)
{
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *x = &r->cases[i];
        if (x->case_id && tc->case_id && !strcmp(x->case_id, tc->case_id) &&
            x->format && tc->format && !strcmp(x->format, tc->format))
            return x;
    }
    return NULL;
}

/* One row of the answers table: tc's case and format, each target's
 * answer to it in its latest run. */
static void answer_row(FILE *f, const struct site *s,
                       const struct kc_testcase *tc, size_t row)
{
    fputs("<tr class=\"arow\" data-case=\"", f);
    kc_html_text(f, tc->case_id);
    fputs("\" data-format=\"", f);
    kc_html_text(f, tc->format);
    fprintf(f, "\" id=\"a%zu\"><th><a href=\"#a%zu\">", row, row);
    kc_html_text(f, tc->name);
    fputs("</a></th>", f);
    for (size_t k = 0; k < s->nt; k++) {
        const struct target *t = &s->t[k];
        size_t i = t->runs[t->nruns - 1];
        const struct kc_testcase *x = case_in(s->in->reports[i], tc);
        const cJSON *a = x ? answer_of(s, i, x) : NULL;
        fprintf(f, "<td class=\"answer\" data-target=\"%s\">", t->slug);
        if (x)
            fprintf(f, "<b class=\"%s\">%s</b> ",
                    x->outcome == KC_OUTCOME_ERROR
                        ? "error"
                        : kc_outcome_name(x->outcome),
                    kc_outcome_name(x->outcome));
        if (a)
            answer_recorded(f, a);
        else if (x)
            answer_kept(f, x);
        else
            fputs("&ndash;", f);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

/* Whether an earlier testcase of r before j has tc's case and format. */
static bool seen_before(const struct kc_testcase *const *v, size_t n,
                        const struct kc_testcase *tc)
{
    for (size_t k = 0; k < n; k++) {
        if (!strcmp(v[k]->case_id, tc->case_id) &&
            !strcmp(v[k]->format, tc->format))
            return true;
    }
    return false;
}

/* Each (case, format) of code once, over the targets' latest runs, with
 * every target's answer side by side. */
static void write_answers(FILE *f, const struct site *s, const char *code)
{
    size_t cap = 0, n = 0;
    const struct kc_testcase **v;

    for (size_t k = 0; k < s->nt; k++)
        cap += latest(s, &s->t[k])->ncases;
    v = calloc(cap + 1, sizeof(*v));
    if (!v)
        return;
    fputs("<h2>Answers (latest runs)</h2>\n<table id=\"answers-by-case\">"
          "<thead><tr><th>testcase</th>",
          f);
    for (size_t k = 0; k < s->nt; k++) {
        fprintf(f, "<th><a href=\"../targets/%s.html\">", s->t[k].slug);
        kc_html_text(f, s->t[k].name);
        fputs("</a></th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (size_t k = 0; k < s->nt; k++) {
        const struct kc_report *r = latest(s, &s->t[k]);
        for (size_t i = 0; i < r->ncases; i++) {
            const struct kc_testcase *tc = &r->cases[i];
            if (!tc->code || strcmp(tc->code, code) != 0 || !tc->case_id ||
                !tc->format || seen_before(v, n, tc))
                continue;
            v[n] = tc;
            answer_row(f, s, tc, n);
            n++;
        }
    }
    fputs("</tbody></table>\n", f);
    free(v);
}

static void write_code(struct site *s, const char *code)
{
    char slug[SLUG_MAX], name[SLUG_MAX + 8];
    FILE *f;

    slugify(code, slug, sizeof(slug));
    snprintf(name, sizeof(name), "%s.html", slug);
    f = open_in(s, "codes", name);
    if (!f)
        return;
    kc_html_begin(f, code, site_css);
    fputs("<p><a href=\"../index.html\">all targets</a></p>\n<h1>", f);
    kc_html_text(f, code);
    fputs("</h1>\n", f);
    filter_box(f);
    fputs("<table id=\"answers\"><thead><tr><th>Target</th><th>verdict</th>"
          "<th>testcases (latest run)</th></tr></thead><tbody>\n",
          f);
    for (size_t k = 0; k < s->nt; k++)
        code_row(f, s, &s->t[k], code);
    fputs("</tbody></table>\n", f);
    write_answers(f, s, code);
    kc_html_end(f, filter_script);
    close_file(s, f, name);
}

/* A shields-style badge: "KMS errors" | "31/32 · JSON+XML", green when
 * every documented code passes, red otherwise. Text widths are estimated
 * at 7 px a character (the badge needs no font metrics to stay legible). */
static void write_badge(struct site *s, const struct target *t)
{
    char name[SLUG_MAX + 8], value[64];
    const struct kc_report *r = latest(s, t);
    size_t sc = score(s, r);
    int lw = 10 * 7 + 10, rw;
    FILE *f;

    snprintf(value, sizeof(value), "%zu/%zu \xc2\xb7 %s", sc, s->in->ncodes,
             formats_label(r));
    rw = (int)strlen(value) * 7 + 4;
    snprintf(name, sizeof(name), "%s.svg", t->slug);
    f = open_in(s, "badges", name);
    if (!f)
        return;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"20\" role=\"img\" aria-label=\"KMS errors: %s\">"
            "<rect width=\"%d\" height=\"20\" fill=\"#555\"/>"
            "<rect x=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>"
            "<g fill=\"#fff\" font-family=\"Verdana,sans-serif\" "
            "font-size=\"11\"><text x=\"6\" y=\"14\">KMS errors</text>"
            "<text x=\"%d\" y=\"14\">%s</text></g></svg>\n",
            lw + rw, value, lw, lw, rw,
            sc == s->in->ncodes ? "#2e7d32" : "#c62828", lw + 4, value);
    close_file(s, f, name);
}

static cJSON *levels_json(const struct kc_report *r)
{
    struct kc_levels lv;
    cJSON *o = cJSON_CreateObject();
    char v[128];

    kc_levels_count(r, &lv);
    for (size_t l = 0; o && l < KC_LEVELS_N; l++) {
        cJSON *lo = cJSON_AddObjectToObject(o, kc_levels_name(l));
        for (size_t fm = 0; lo && fm < KC_LEVELS_FORMATS; fm++) {
            kc_levels_describe(&lv.c[l][fm], v, sizeof(v));
            cJSON_AddStringToObject(lo, kc_levels_format(fm), v);
        }
    }
    return o;
}

static cJSON *run_json(const struct site *s, const struct kc_report *r)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "started", started_of(r));
    cJSON_AddNumberToObject(o, "tests", (double)r->ncases);
    cJSON_AddNumberToObject(o, "passed",
                            (double)kc_report_count(r, KC_OUTCOME_PASS));
    cJSON_AddNumberToObject(o, "failed",
                            (double)(kc_report_count(r, KC_OUTCOME_FAIL) +
                                     kc_report_count(r, KC_OUTCOME_ERROR)));
    cJSON_AddNumberToObject(o, "skipped",
                            (double)kc_report_count(r, KC_OUTCOME_SKIP));
    cJSON_AddNumberToObject(o, "codes_passing", (double)score(s, r));
    cJSON_AddItemToObject(o, "levels", levels_json(r));
    return o;
}

static void write_api(struct site *s)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *ts = cJSON_AddArrayToObject(root, "targets");
    char *text;
    FILE *f;

    cJSON_AddStringToObject(root, "schema", "kmsconf-site/1");
    cJSON_AddNumberToObject(root, "codes", (double)s->in->ncodes);
    for (size_t k = 0; ts && k < s->nt; k++) {
        const struct target *t = &s->t[k];
        cJSON *o = cJSON_CreateObject();
        cJSON *runs = cJSON_AddArrayToObject(o, "runs");
        cJSON_AddStringToObject(o, "name", t->name);
        cJSON_AddStringToObject(o, "slug", t->slug);
        for (size_t i = t->nruns; runs && i-- > 0;)
            cJSON_AddItemToArray(runs, run_json(s, s->in->reports[t->runs[i]]));
        cJSON_AddItemToArray(ts, o);
    }
    text = cJSON_Print(root);
    cJSON_Delete(root);
    f = text ? open_in(s, "", "api.json") : NULL;
    if (f) {
        fprintf(f, "%s\n", text);
        close_file(s, f, "api.json");
    }
    if (!text && !s->rc) {
        kc_err_set(s->err, s->errlen, "out of memory");
        s->rc = -1;
    }
    free(text);
}

static int make_dirs(struct site *s)
{
    static const char *const subs[] = {"", "/targets", "/codes", "/badges",
                                       "/runs"};
    char path[SITE_PATH_MAX];

    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", s->out, subs[i]);
        if (mkdir(path, 0755) && errno != EEXIST) {
            kc_err_set(s->err, s->errlen, "%s: %s", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int kc_site_write(const char *out, const struct kc_site_input *in, char *err,
                  size_t errlen)
{
    struct site s = {in, NULL, 0, out, NULL, err, errlen, 0};

    if (make_dirs(&s))
        return -1;
    if (load_bundles(&s)) {
        s.rc = -1;
        goto out;
    }
    if (group(&s)) {
        kc_err_set(err, errlen, "out of memory");
        s.rc = -1;
        goto out;
    }
    write_index(&s);
    for (size_t k = 0; k < s.nt && !s.rc; k++) {
        write_target(&s, &s.t[k]);
        write_badge(&s, &s.t[k]);
        for (size_t r = 1; r <= s.t[k].nruns && !s.rc; r++)
            write_run(&s, &s.t[k], r);
    }
    for (size_t c = 0; c < in->ncodes && !s.rc; c++)
        write_code(&s, in->codes[c]);
    if (!s.rc)
        write_api(&s);
out:
    for (size_t k = 0; k < s.nt; k++)
        free(s.t[k].runs);
    for (size_t i = 0; s.answers && i < in->nreports; i++)
        cJSON_Delete(s.answers[i]);
    free(s.answers);
    free(s.t);
    return s.rc;
}
