/* kc_matrix: conformance matrix in Markdown and HTML (see matrix.h). */
#include "kc/matrix.h"

#include <stdlib.h>
#include <string.h>

#include "kc/claims.h"
#include "kc/codec.h"
#include "kc/html.h"
#include "kc/levels.h"

enum cell { CELL_NONE = 0, CELL_SKIP, CELL_PASS, CELL_ERROR, CELL_FAIL };

static const char *const cell_md[] = {"–", "skip", "pass", "ERROR", "FAIL"};
static const char *const cell_class[] = {"none", "skip", "pass", "error",
                                         "fail"};

struct row {
    const char *code;
    const char *case_id; /* NULL: the code's summary row */
};

/* At most this many formats get columns (ours: json and xml). */
#define MAX_FORMATS 16
/* Longest column label (a target name, "#2" added for repeats). */
#define LABEL_MAX 4096

struct model {
    const struct kc_matrix_input *in;
    char **labels; /* one per report */
    /* per report: its testcases sorted by code, case id */
    const struct kc_testcase ***idx;
    const char *formats[MAX_FORMATS];
    size_t nformats;
    struct row *rows;
    size_t nrows, cap_rows;
    const char **codes; /* the code of each code row, for the score */
    size_t ncodes;
    bool cases; /* rows for the cases too */
};

/* Testcases of other producers have no format: they count as "any". */
static const char *format_of(const struct kc_testcase *tc)
{
    return tc->format ? tc->format : "any";
}

static const char *code_of(const struct kc_testcase *tc)
{
    return tc->code ? tc->code : tc->classname ? tc->classname : "";
}

static const char *case_of(const struct kc_testcase *tc)
{
    return tc->case_id ? tc->case_id : "";
}

static int cmp_key(const struct kc_testcase *tc, const char *code,
                   const char *case_id)
{
    int c = strcmp(code_of(tc), code);
    return (c || !case_id) ? c : strcmp(case_of(tc), case_id);
}

/* By code, case id, then classname and name: a total order, so that the
 * output does not depend on qsort's handling of ties. */
static int cmp_tc(const void *a, const void *b)
{
    const struct kc_testcase *const *x = a, *const *y = b;
    int c = cmp_key(*x, code_of(*y), case_of(*y));
    return c ? c : kc_testcase_cmp(*x, *y);
}

/* First index whose key is >= (code, case_id) (or > when upper). A NULL
 * case_id compares on the code only. */
static size_t bound(const struct kc_testcase *const *v, size_t n,
                    const char *code, const char *case_id, bool upper)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(v[mid], code, case_id);
        if (c < 0 || (upper && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The testcases of rs[0..nr) in one new array sorted by cmp_tc (caller
 * frees), *n of them; NULL when out of memory. */
static const struct kc_testcase **sorted_cases(struct kc_report *const *rs,
                                               size_t nr, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < nr; i++)
        total += rs[i]->ncases;
    const struct kc_testcase **v = calloc(total + 1, sizeof(*v));
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        for (size_t j = 0; j < rs[i]->ncases; j++)
            v[k++] = &rs[i]->cases[j];
    }
    qsort(v, total, sizeof(*v), cmp_tc);
    *n = total;
    return v;
}

static int add_row(struct model *m, const char *code, const char *case_id)
{
    if (m->nrows == m->cap_rows) {
        size_t cap = m->cap_rows ? 2 * m->cap_rows : 64;
        struct row *r = realloc(m->rows, cap * sizeof(*r));
        if (!r)
            return -1;
        m->rows = r;
        m->cap_rows = cap;
    }
    m->rows[m->nrows++] = (struct row){code, case_id};
    return 0;
}

/* The code's row, then (when asked) one per distinct case id in all. */
static int add_code_rows(struct model *m, const struct kc_testcase **all,
                         size_t n, const char *code)
{
    if (add_row(m, code, NULL))
        return -1;
    if (!m->cases)
        return 0;
    size_t hi = bound(all, n, code, NULL, true);
    for (size_t i = bound(all, n, code, NULL, false); i < hi; i++) {
        if (i && !cmp_key(all[i - 1], code, case_of(all[i])))
            continue;
        if (all[i]->case_id && add_row(m, code, all[i]->case_id))
            return -1;
    }
    return 0;
}

static bool documented(const struct kc_matrix_input *in, const char *code)
{
    for (size_t i = 0; i < in->ncodes; i++) {
        if (!strcmp(in->codes[i], code))
            return true;
    }
    return false;
}

static void add_format(struct model *m, const char *f)
{
    for (size_t i = 0; i < m->nformats; i++) {
        if (!strcmp(m->formats[i], f))
            return;
    }
    if (m->nformats == MAX_FORMATS)
        return;
    size_t i = m->nformats++;
    while (i > 0 && strcmp(m->formats[i - 1], f) > 0) {
        m->formats[i] = m->formats[i - 1];
        i--;
    }
    m->formats[i] = f;
}

static int build_rows(struct model *m)
{
    const struct kc_matrix_input *in = m->in;
    size_t n = 0;
    const struct kc_testcase **all =
        sorted_cases(in->reports, in->nreports, &n);
    if (!all)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        add_format(m, format_of(all[i]));
    for (size_t i = 0; i < in->ncodes && !rc; i++)
        rc = add_code_rows(m, all, n, in->codes[i]);
    for (size_t i = 0; i < n && !rc; i++) {
        const char *code = code_of(all[i]);
        if ((i && !strcmp(code_of(all[i - 1]), code)) || documented(in, code))
            continue;
        rc = add_code_rows(m, all, n, code);
    }
    free(all);
    return rc;
}

static int build_index(struct model *m)
{
    const struct kc_matrix_input *in = m->in;
    m->idx = calloc(in->nreports + 1, sizeof(*m->idx));
    if (!m->idx)
        return -1;
    for (size_t i = 0; i < in->nreports; i++) {
        size_t n;
        m->idx[i] = sorted_cases(&in->reports[i], 1, &n);
        if (!m->idx[i])
            return -1;
    }
    return 0;
}

static int build_labels(struct model *m)
{
    const struct kc_matrix_input *in = m->in;
    m->labels = calloc(in->nreports + 1, sizeof(*m->labels));
    if (!m->labels)
        return -1;
    for (size_t i = 0; i < in->nreports; i++) {
        const char *t = kc_report_prop(in->reports[i], "kmsconf.target");
        const char *base = t && t[0] ? t : in->labels[i];
        size_t same = 0;
        for (size_t j = 0; j < i; j++) {
            const char *tj = kc_report_prop(in->reports[j], "kmsconf.target");
            same += !strcmp(tj && tj[0] ? tj : in->labels[j], base);
        }
        struct kc_buf b;
        kc_buf_init(&b, LABEL_MAX);
        kc_buf_puts(&b, base);
        if (same)
            kc_buf_printf(&b, " #%zu", same + 1);
        m->labels[i] = kc_buf_take(&b);
        if (!m->labels[i])
            return -1;
    }
    return 0;
}

static void model_dispose(struct model *m)
{
    for (size_t i = 0; m->in && i < m->in->nreports; i++) {
        if (m->labels)
            free(m->labels[i]);
        if (m->idx)
            free(m->idx[i]);
    }
    free(m->labels);
    free(m->idx);
    free(m->rows);
    free(m->codes);
}

static int build_codes(struct model *m)
{
    m->codes = calloc(m->nrows + 1, sizeof(*m->codes));
    if (!m->codes)
        return -1;
    for (size_t i = 0; i < m->nrows; i++) {
        if (!m->rows[i].case_id)
            m->codes[m->ncodes++] = m->rows[i].code;
    }
    return 0;
}

static int model_build(struct model *m, const struct kc_matrix_input *in,
                       bool cases)
{
    memset(m, 0, sizeof(*m));
    m->in = in;
    m->cases = cases;
    if (build_labels(m) || build_index(m) || build_rows(m) || build_codes(m))
        return -1;
    if (m->nformats == 0)
        add_format(m, "json");
    return 0;
}

/* The testcases of report c in row: [*lo, return value). */
static size_t row_range(const struct model *m, size_t c, const struct row *row,
                        size_t *lo)
{
    const struct kc_testcase *const *v = m->idx[c];
    size_t n = m->in->reports[c]->ncases;
    *lo = bound(v, n, row->code, row->case_id, false);
    return bound(v, n, row->code, row->case_id, true);
}

static enum cell cell_of(const struct kc_testcase *tc)
{
    switch (tc->outcome) {
    case KC_OUTCOME_PASS:
        return CELL_PASS;
    case KC_OUTCOME_FAIL:
        return CELL_FAIL;
    case KC_OUTCOME_ERROR:
        return CELL_ERROR;
    case KC_OUTCOME_SKIP:
        return CELL_SKIP;
    }
    return CELL_NONE;
}

/* Worst state of the row's testcases in report c for format fmt. */
static enum cell cell_state(const struct model *m, size_t c,
                            const struct row *row, const char *fmt)
{
    enum cell st = CELL_NONE;
    size_t lo, hi = row_range(m, c, row, &lo);
    for (size_t i = lo; i < hi; i++) {
        const struct kc_testcase *tc = m->idx[c][i];
        if (strcmp(format_of(tc), fmt))
            continue;
        enum cell t = cell_of(tc);
        if (t > st)
            st = t;
    }
    return st;
}

static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

/* ---- levels: a row per level, a cell per target ---- */

/* True when one of the reports holds a testcase of level l. */
static bool level_seen(const struct kc_levels *lv, size_t nreports, size_t l)
{
    for (size_t c = 0; c < nreports; c++) {
        for (size_t fm = 0; fm < KC_LEVELS_FORMATS; fm++) {
            if (lv[c].c[l][fm].total)
                return true;
        }
    }
    return false;
}

static bool any_level(const struct kc_levels *lv, size_t nreports)
{
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        if (level_seen(lv, nreports, l))
            return true;
    }
    return false;
}

/* "json pass (97) / xml pass (97)", then ", claimed" when the report's
 * manifest claims the level. */
static void level_cell(char *buf, size_t n, const struct kc_levels *lv,
                       size_t l, const struct kc_report *r)
{
    char v[KC_LEVELS_FORMATS][128];
    bool claimed = kc_claims_listed(kc_report_prop(r, "kmsconf.claims.levels"),
                                    kc_levels_name(l));
    for (size_t fm = 0; fm < KC_LEVELS_FORMATS; fm++)
        kc_levels_describe(&lv->c[l][fm], v[fm], sizeof(v[fm]));
    snprintf(buf, n, "%s %s / %s %s%s", kc_levels_format(0), v[0],
             kc_levels_format(1), v[1], claimed ? ", claimed" : "");
}

/* Counts the levels of every report into a new array (caller frees), or
 * NULL when out of memory. */
static struct kc_levels *count_levels(const struct kc_matrix_input *in)
{
    struct kc_levels *lv = calloc(in->nreports ? in->nreports : 1, sizeof(*lv));

    for (size_t c = 0; lv && c < in->nreports; c++)
        kc_levels_count(in->reports[c], &lv[c]);
    return lv;
}

static int md_levels(FILE *f, const struct model *m)
{
    const struct kc_matrix_input *in = m->in;
    struct kc_levels *lv = count_levels(in);
    char cell[320];

    if (!lv)
        return -1;
    if (!any_level(lv, in->nreports)) { /* other producers' reports */
        free(lv);
        return 0;
    }
    fputs("\n| Level |", f);
    for (size_t c = 0; c < in->nreports; c++) {
        fputc(' ', f);
        md_text(f, m->labels[c]);
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    for (size_t c = 0; c < in->nreports; c++)
        fputs("---|", f);
    fputc('\n', f);
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        if (!level_seen(lv, in->nreports, l))
            continue;
        fprintf(f, "| %s |", kc_levels_name(l));
        for (size_t c = 0; c < in->nreports; c++) {
            level_cell(cell, sizeof(cell), &lv[c], l, in->reports[c]);
            fputc(' ', f);
            md_text(f, cell);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    free(lv);
    return 0;
}

int kc_matrix_markdown(FILE *f, const struct kc_matrix_input *in)
{
    struct model m;
    int rc = -1;
    if (model_build(&m, in, in->cases))
        goto out;
    fputs("| Code |", f);
    for (size_t c = 0; c < in->nreports; c++) {
        fputc(' ', f);
        md_text(f, m.labels[c]);
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    for (size_t c = 0; c < in->nreports; c++)
        fputs("---|", f);
    fputc('\n', f);
    for (size_t i = 0; i < m.nrows; i++) {
        const struct row *row = &m.rows[i];
        fputs(row->case_id ? "| &nbsp;&nbsp;`" : "| ", f);
        md_text(f, row->case_id ? row->case_id : row->code);
        fputs(row->case_id ? "` |" : " |", f);
        for (size_t c = 0; c < in->nreports; c++) {
            for (size_t k = 0; k < m.nformats; k++) {
                enum cell st = cell_state(&m, c, row, m.formats[k]);
                fprintf(f, "%s%s %s", k ? " / " : " ", m.formats[k],
                        cell_md[st]);
            }
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    rc = md_levels(f, &m);
out:
    model_dispose(&m);
    return rc;
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */

/* Longest diagnosis text of one failed check shown in a cell. */
#define DETAIL_MAX 4000

/* The diagnosis of the row's failing testcases of report c. */
static void html_diag(FILE *f, const struct model *m, size_t c,
                      const struct row *row)
{
    fputs("<div class=\"diag\" hidden>", f);
    size_t lo, hi = row_range(m, c, row, &lo);
    for (size_t i = lo; i < hi; i++) {
        const struct kc_testcase *tc = m->idx[c][i];
        if (tc->outcome != KC_OUTCOME_FAIL && tc->outcome != KC_OUTCOME_ERROR)
            continue;
        fputs("<h4>", f);
        kc_html_text(f, tc->name);
        fputs("</h4>", f);
        kc_html_failures(f, tc, DETAIL_MAX);
        if (tc->request_id) {
            fputs("<p>RequestId: <code>", f);
            kc_html_text(f, tc->request_id);
            fputs("</code></p>", f);
        }
    }
    fputs("</div>", f);
}

/* Worst state of the row in report c over all formats. */
static enum cell row_state(const struct model *m, size_t c,
                           const struct row *row)
{
    enum cell worst = CELL_NONE;
    for (size_t k = 0; k < m->nformats; k++) {
        enum cell st = cell_state(m, c, row, m->formats[k]);
        worst = st > worst ? st : worst;
    }
    return worst;
}

static void html_cell(FILE *f, const struct model *m, size_t c,
                      const struct row *row)
{
    enum cell worst = row_state(m, c, row);
    bool bad = worst == CELL_FAIL || worst == CELL_ERROR;
    fprintf(f, "<td class=\"cell %s\"%s>", cell_class[worst],
            bad ? " tabindex=\"0\" title=\"click for the diagnosis\"" : "");
    for (size_t k = 0; k < m->nformats; k++) {
        enum cell st = cell_state(m, c, row, m->formats[k]);
        fprintf(f, "<span class=\"st\" data-state=\"%s\" data-format=\"",
                cell_class[st]);
        kc_html_text(f, m->formats[k]);
        fputs("\">", f);
        kc_html_text(f, m->formats[k]);
        fprintf(f, " %s</span> ", cell_md[st]);
    }
    if (bad)
        html_diag(f, m, c, row);
    fputs("</td>", f);
}

static bool row_fails(const struct model *m, const struct row *row)
{
    for (size_t c = 0; c < m->in->nreports; c++) {
        enum cell st = row_state(m, c, row);
        if (st == CELL_FAIL || st == CELL_ERROR)
            return true;
    }
    return false;
}

/* Report c's score (kc_report_score) of *ncodes code rows. */
static size_t score_of(const struct model *m, size_t c, size_t *ncodes)
{
    *ncodes = m->ncodes;
    return kc_report_score(m->in->reports[c], m->codes, m->ncodes);
}

static const struct kc_html_state cell_states[] = {
    {"pass", "pass", "every testcase of the cell passed"},
    {"fail", "FAIL", "a check of the answer failed"},
    {"error", "ERROR", "a case could not be carried out (setup, transport)"},
    {"skip", "skip", "skipped: missing credential or capability"},
    {"none", "–", "no testcase"},
};

static const char matrix_css[] =
    "#matrix thead th{position:sticky;top:0;z-index:2}\n"
    "#matrix td:first-child{position:sticky;left:0;z-index:1;"
    "background:#fff}\n"
    "#matrix thead th:first-child{left:0;z-index:3}\n"
    "tr.case td:first-child{padding-left:2em;font-family:monospace}\n"
    "tr.code td:first-child{font-weight:bold}\n"
    ".st{white-space:nowrap;margin-right:.4em}\n"
    "td.fail,td.error{cursor:pointer}\n"
    "td.cell.sel{outline:3px solid #000;outline-offset:-3px}\n"
    ".score{font-weight:normal;font-size:90%}\n"
    "#panel{position:fixed;top:0;right:0;bottom:0;width:min(40em,45vw);"
    "overflow:auto;background:#fff;border-left:4px solid #c62828;"
    "box-shadow:-2px 0 8px rgba(0,0,0,.3);padding:.5em 1em;z-index:10}\n"
    "#panel .diag{border-bottom:1px solid #ddd;margin-bottom:.5em}\n"
    "#panel h3{margin:.6em 0 .2em}\n"
    "#panel pre{white-space:pre-wrap;font-size:85%}\n";

static const char html_controls[] =
    "<p class=\"filters\"><label>Filter <input id=\"filter\" type=\"search\" "
    "placeholder=\"code or case\"></label>\n"
    "<label><input id=\"only-failures\" type=\"checkbox\"> only "
    "failures</label>\n";

static const char html_panel[] =
    "<aside id=\"panel\" hidden><button id=\"panel-close\" type=\"button\">"
    "close</button><div id=\"panel-body\"></div></aside>\n";

static const char html_script[] =
    "<script>\n"
    "(function () {\n"
    "  var filter = document.getElementById('filter');\n"
    "  var only = document.getElementById('only-failures');\n"
    "  var cases = document.getElementById('show-cases');\n"
    "  var shown = document.getElementById('shown');\n"
    "  var panel = document.getElementById('panel');\n"
    "  var body = document.getElementById('panel-body');\n"
    "  var heads = document.querySelectorAll('#matrix thead th');\n"
    "  var rows = Array.prototype.slice.call(\n"
    "    document.querySelectorAll('#matrix tbody tr'));\n"
    "  function apply() {\n"
    "    var q = filter.value.trim().toLowerCase(), n = 0;\n"
    "    rows.forEach(function (tr) {\n"
    "      var ok = (!q || tr.getAttribute('data-text').indexOf(q) >= 0) &&\n"
    "        (!only.checked || tr.getAttribute('data-fail') === '1') &&\n"
    "        (cases.checked || tr.className !== 'case');\n"
    "      tr.hidden = !ok;\n"
    "      if (ok) n++;\n"
    "    });\n"
    "    shown.textContent = n + ' of ' + rows.length + ' rows shown';\n"
    "    shown.setAttribute('data-shown', String(n));\n"
    "  }\n"
    "  function fromHash() {\n"
    "    var h = location.hash.replace(/^#/, '').split('&');\n"
    "    h.forEach(function (kv) {\n"
    "      var i = kv.indexOf('='), v = '';\n"
    "      var k = i < 0 ? kv : kv.slice(0, i);\n"
    "      try { v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1)); }\n"
    "      catch (e) { v = ''; }\n"
    "      if (k === 'filter') filter.value = v;\n"
    "      if (k === 'failures') only.checked = v === '1' || v === 'true';\n"
    "      if (k === 'cases') cases.checked = v === '1' || v === 'true';\n"
    "      if (k === 'open') openAll(v);\n"
    "    });\n"
    "  }\n"
    "  function clear() {\n"
    "    body.textContent = '';\n"
    "    document.querySelectorAll('#matrix td.sel').forEach(function (td) {\n"
    "      td.classList.remove('sel'); });\n"
    "  }\n"
    "  function add(td) {\n"
    "    var d = td.querySelector('.diag');\n"
    "    if (!d) return;\n"
    "    var h = document.createElement('h3');\n"
    "    var th = heads[td.cellIndex];\n"
    "    h.textContent = td.parentNode.firstElementChild.textContent +\n"
    "      ' \\u2014 ' + (th ? th.getAttribute('data-label') : '');\n"
    "    var copy = d.cloneNode(true);\n"
    "    copy.hidden = false;\n"
    "    body.appendChild(h);\n"
    "    body.appendChild(copy);\n"
    "    td.classList.add('sel');\n"
    "    panel.hidden = false;\n"
    "  }\n"
    "  function openAll(code) {\n"
    "    clear();\n"
    "    rows.forEach(function (tr) {\n"
    "      if (tr.getAttribute('data-code') !== code) return;\n"
    "      tr.querySelectorAll('td.fail,td.error').forEach(add);\n"
    "    });\n"
    "  }\n"
    "  document.getElementById('matrix').addEventListener('click',\n"
    "    function (ev) {\n"
    "      var td = ev.target.closest('td.fail,td.error');\n"
    "      if (!td) return;\n"
    "      var again = td.classList.contains('sel');\n"
    "      clear();\n"
    "      if (again) panel.hidden = true; else add(td);\n"
    "    });\n"
    "  document.getElementById('panel-close').addEventListener('click',\n"
    "    function () { clear(); panel.hidden = true; });\n"
    "  filter.addEventListener('input', apply);\n"
    "  only.addEventListener('change', apply);\n"
    "  cases.addEventListener('change', apply);\n"
    "  window.addEventListener('hashchange', function () {\n"
    "    fromHash(); apply(); });\n"
    "  fromHash();\n"
    "  apply();\n"
    "})();\n"
    "</script>\n";

static void html_row(FILE *f, const struct model *m, const struct row *row)
{
    fprintf(f, "<tr class=\"%s\" data-code=\"", row->case_id ? "case" : "code");
    kc_html_text(f, row->code);
    fputs("\" data-text=\"", f);
    kc_html_lower(f, row->code);
    if (row->case_id) {
        fputc(' ', f);
        kc_html_lower(f, row->case_id);
    }
    fprintf(f, "\" data-fail=\"%d\"><td>", row_fails(m, row) ? 1 : 0);
    kc_html_text(f, row->case_id ? row->case_id : row->code);
    fputs("</td>", f);
    for (size_t c = 0; c < m->in->nreports; c++)
        html_cell(f, m, c, row);
    fputs("</tr>\n", f);
}

static void html_score(FILE *f, const struct model *m, size_t c)
{
    size_t ncodes, passed = score_of(m, c, &ncodes);
    fprintf(f,
            "<span class=\"score\" data-passed=\"%zu\" data-codes=\"%zu\">"
            "%zu/%zu codes</span>",
            passed, ncodes, passed, ncodes);
}

/* Longest metadata value shown in the targets table. */
#define META_VALUE_MAX 1024

/* One row per report: label, score and the run metadata it carries. */
static void html_targets(FILE *f, const struct model *m)
{
    char v[META_VALUE_MAX];
    fputs("<table id=\"targets\">\n<thead><tr><th>Target</th><th>score</th>",
          f);
    for (int k = 0; k < KC_HTML_META_COUNT; k++)
        fprintf(f, "<th>%s</th>", kc_html_meta_label((enum kc_html_meta)k));
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t c = 0; c < m->in->nreports; c++) {
        fputs("<tr class=\"target\"><td>", f);
        kc_html_text(f, m->labels[c]);
        fputs("</td><td>", f);
        html_score(f, m, c);
        fputs("</td>", f);
        for (int k = 0; k < KC_HTML_META_COUNT; k++) {
            const char *s = kc_html_meta_value(
                m->in->reports[c], (enum kc_html_meta)k, v, sizeof(v));
            fprintf(f, "<td data-meta=\"%s\">",
                    kc_html_meta_label((enum kc_html_meta)k));
            kc_html_text(f, s ? s : "–");
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* The levels table: a row per level, a cell per target whose class is the
 * worse verdict of its formats. */
static int html_levels(FILE *f, const struct model *m)
{
    static const char *const verdict_class[] = {"none", "pass", "skip", "fail"};
    const struct kc_matrix_input *in = m->in;
    struct kc_levels *lv = count_levels(in);
    char cell[320];

    if (!lv)
        return -1;
    if (!any_level(lv, in->nreports)) {
        free(lv);
        return 0;
    }
    fputs("<table id=\"levels\">\n<thead><tr><th>Level</th>", f);
    for (size_t c = 0; c < in->nreports; c++) {
        fputs("<th>", f);
        kc_html_text(f, m->labels[c]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        if (!level_seen(lv, in->nreports, l))
            continue;
        fprintf(f, "<tr data-level=\"%s\"><th>%s</th>", kc_levels_name(l),
                kc_levels_name(l));
        for (size_t c = 0; c < in->nreports; c++) {
            enum kc_level_verdict v = kc_levels_verdict(&lv[c].c[l][0]);
            enum kc_level_verdict x = kc_levels_verdict(&lv[c].c[l][1]);
            level_cell(cell, sizeof(cell), &lv[c], l, in->reports[c]);
            fprintf(f, "<td class=\"%s\" data-verdict=\"%s\">",
                    verdict_class[v > x ? v : x],
                    kc_levels_verdict_name(v > x ? v : x));
            kc_html_text(f, cell);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
    free(lv);
    return 0;
}

static void html_table(FILE *f, const struct model *m)
{
    fputs("<table id=\"matrix\">\n<thead><tr><th>Code</th>", f);
    for (size_t c = 0; c < m->in->nreports; c++) {
        fputs("<th data-label=\"", f);
        kc_html_text(f, m->labels[c]);
        fputs("\">", f);
        kc_html_text(f, m->labels[c]);
        fputs("<br>", f);
        html_score(f, m, c);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < m->nrows; i++)
        html_row(f, m, &m->rows[i]);
    fputs("</tbody>\n</table>\n", f);
}

int kc_matrix_html(FILE *f, const struct kc_matrix_input *in)
{
    struct model m;
    int rc = -1;
    if (model_build(&m, in, true)) /* the page hides case rows itself */
        goto out;
    kc_html_begin(f, "kmsconf conformance matrix", matrix_css);
    fputs("<h1>kmsconf conformance matrix</h1>\n", f);
    html_targets(f, &m);
    if (html_levels(f, &m))
        goto out;
    kc_html_legend(f, cell_states, sizeof(cell_states) / sizeof(*cell_states));
    fputs(html_controls, f);
    fprintf(f,
            "<label><input id=\"show-cases\" type=\"checkbox\"%s> "
            "cases</label>\n<span id=\"shown\"></span></p>\n",
            in->cases ? " checked" : "");
    html_table(f, &m);
    fputs(html_panel, f);
    kc_html_end(f, html_script);
    rc = ferror(f) ? -1 : 0;
out:
    model_dispose(&m);
    return rc;
}
