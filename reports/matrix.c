/* kc_matrix: conformance matrix in Markdown and HTML (see matrix.h). */
#include "kc/matrix.h"

#include <stdlib.h>
#include <string.h>

#include "kc/junit.h"
#include "kc/codec.h"

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
}

static int model_build(struct model *m, const struct kc_matrix_input *in,
                       bool cases)
{
    memset(m, 0, sizeof(*m));
    m->in = in;
    m->cases = cases;
    if (build_labels(m) || build_index(m) || build_rows(m))
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
    rc = 0;
out:
    model_dispose(&m);
    return rc;
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */

static void html_text(FILE *f, const char *s)
{
    char *clean = kc_junit_clean(s ? s : "", false);
    for (const char *p = clean ? clean : ""; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*p, f);
        }
    }
    free(clean);
}

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
        html_text(f, tc->name);
        fputs("</h4><ul>", f);
        for (size_t k = 0; k < tc->nfailures; k++) {
            const struct kc_failure *x = &tc->failures[k];
            fputs("<li><b>", f);
            html_text(f, x->check);
            fputs("</b>: ", f);
            html_text(f, x->message);
            if (x->detail) {
                char cut[DETAIL_MAX + 1];
                snprintf(cut, sizeof(cut), "%s", x->detail);
                fputs("<pre>", f);
                html_text(f, cut);
                if (strlen(x->detail) > DETAIL_MAX)
                    fputs("\n[...]", f);
                fputs("</pre>", f);
            }
            fputs("</li>", f);
        }
        fputs("</ul>", f);
        if (tc->request_id) {
            fputs("<p>RequestId: <code>", f);
            html_text(f, tc->request_id);
            fputs("</code></p>", f);
        }
    }
    fputs("</div>", f);
}

static void html_cell(FILE *f, const struct model *m, size_t c,
                      const struct row *row)
{
    enum cell worst = CELL_NONE;
    for (size_t k = 0; k < m->nformats; k++) {
        enum cell st = cell_state(m, c, row, m->formats[k]);
        worst = st > worst ? st : worst;
    }
    bool bad = worst == CELL_FAIL || worst == CELL_ERROR;
    fprintf(f, "<td class=\"cell %s\"%s>", cell_class[worst],
            bad ? " tabindex=\"0\" title=\"click for the diagnosis\"" : "");
    for (size_t k = 0; k < m->nformats; k++) {
        enum cell st = cell_state(m, c, row, m->formats[k]);
        fprintf(f, "<span class=\"st %s\" data-format=\"", cell_class[st]);
        html_text(f, m->formats[k]);
        fputs("\">", f);
        html_text(f, m->formats[k]);
        fprintf(f, " %s</span> ", cell_md[st]);
    }
    if (bad)
        html_diag(f, m, c, row);
    fputs("</td>", f);
}

static bool row_fails(const struct model *m, const struct row *row)
{
    for (size_t c = 0; c < m->in->nreports; c++) {
        for (size_t k = 0; k < m->nformats; k++) {
            enum cell st = cell_state(m, c, row, m->formats[k]);
            if (st == CELL_FAIL || st == CELL_ERROR)
                return true;
        }
    }
    return false;
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>kmsconf conformance matrix</title>\n<style>\n"
    "body{font-family:sans-serif;margin:1em}\n"
    "table{border-collapse:collapse}\n"
    "th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top}\n"
    "tr.case td:first-child{padding-left:2em;font-family:monospace}\n"
    ".st{white-space:nowrap;margin-right:.4em}\n"
    ".st.pass{color:#176f2c}.st.fail{color:#b00020;font-weight:bold}\n"
    ".st.error{color:#a05a00;font-weight:bold}.st.skip{color:#777}\n"
    ".st.none{color:#bbb}\n"
    "td.fail,td.error{background:#fde8ea;cursor:pointer}\n"
    ".diag{text-align:left;max-width:60em;background:#fff;border:1px solid"
    " #b00020;padding:.3em;margin-top:.3em}\n"
    ".diag pre{white-space:pre-wrap;font-size:85%}\n"
    "</style>\n</head>\n<body>\n<h1>kmsconf conformance matrix</h1>\n"
    "<p><label>Filter <input id=\"filter\" type=\"search\" "
    "placeholder=\"code or case\"></label>\n"
    "<label><input id=\"only-failures\" type=\"checkbox\"> only "
    "failures</label>\n";

static const char html_script[] =
    "<script>\n"
    "(function () {\n"
    "  var filter = document.getElementById('filter');\n"
    "  var only = document.getElementById('only-failures');\n"
    "  var cases = document.getElementById('show-cases');\n"
    "  var shown = document.getElementById('shown');\n"
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
    "      var i = kv.indexOf('=');\n"
    "      var k = i < 0 ? kv : kv.slice(0, i);\n"
    "      var v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));\n"
    "      if (k === 'filter') filter.value = v;\n"
    "      if (k === 'failures') only.checked = v === '1' || v === 'true';\n"
    "      if (k === 'cases') cases.checked = v === '1' || v === 'true';\n"
    "      if (k === 'open') openAll(v);\n"
    "    });\n"
    "  }\n"
    "  function toggle(td) {\n"
    "    var d = td.querySelector('.diag');\n"
    "    if (d) d.hidden = !d.hidden;\n"
    "  }\n"
    "  function openAll(code) {\n"
    "    rows.forEach(function (tr) {\n"
    "      if (tr.getAttribute('data-code') !== code) return;\n"
    "      tr.querySelectorAll('td.fail,td.error').forEach(toggle);\n"
    "    });\n"
    "  }\n"
    "  document.getElementById('matrix').addEventListener('click',\n"
    "    function (ev) {\n"
    "      if (ev.target.closest('.diag')) return;\n"
    "      var td = ev.target.closest('td.fail,td.error');\n"
    "      if (td) toggle(td);\n"
    "    });\n"
    "  filter.addEventListener('input', apply);\n"
    "  only.addEventListener('change', apply);\n"
    "  cases.addEventListener('change', apply);\n"
    "  window.addEventListener('hashchange', function () {\n"
    "    fromHash(); apply(); });\n"
    "  fromHash();\n"
    "  apply();\n"
    "})();\n"
    "</script>\n";

static void html_lower(FILE *f, const char *s)
{
    char *low = strdup(s ? s : "");
    for (char *p = low; p && *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    html_text(f, low ? low : "");
    free(low);
}

static void html_row(FILE *f, const struct model *m, const struct row *row)
{
    fprintf(f, "<tr class=\"%s\" data-code=\"", row->case_id ? "case" : "code");
    html_text(f, row->code);
    fputs("\" data-text=\"", f);
    html_lower(f, row->code);
    if (row->case_id) {
        fputc(' ', f);
        html_lower(f, row->case_id);
    }
    fprintf(f, "\" data-fail=\"%d\"><td>", row_fails(m, row) ? 1 : 0);
    html_text(f, row->case_id ? row->case_id : row->code);
    fputs("</td>", f);
    for (size_t c = 0; c < m->in->nreports; c++)
        html_cell(f, m, c, row);
    fputs("</tr>\n", f);
}

int kc_matrix_html(FILE *f, const struct kc_matrix_input *in)
{
    struct model m;
    int rc = -1;
    if (model_build(&m, in, true)) /* the page hides case rows itself */
        goto out;
    fputs(html_head, f);
    fprintf(f,
            "<label><input id=\"show-cases\" type=\"checkbox\"%s> "
            "cases</label>\n<span id=\"shown\"></span></p>\n",
            in->cases ? " checked" : "");
    fputs("<table id=\"matrix\">\n<thead><tr><th>Code</th>", f);
    for (size_t c = 0; c < in->nreports; c++) {
        fputs("<th>", f);
        html_text(f, m.labels[c]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < m.nrows; i++)
        html_row(f, &m, &m.rows[i]);
    fputs("</tbody>\n</table>\n", f);
    fputs(html_script, f);
    fputs("</body>\n</html>\n", f);
    rc = ferror(f) ? -1 : 0;
out:
    model_dispose(&m);
    return rc;
}
