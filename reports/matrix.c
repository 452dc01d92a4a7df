/* kc_matrix: conformance matrix in Markdown and HTML (see matrix.h).
 *
 * The reports are not kept: each testcase is folded into what the matrix
 * prints as it is read (kc_matrix_add_case): the worst cell state of each
 * (report, row, format), each report's code states (its score), level
 * counts and header, and, for the page, the failing testcases' diagnoses.
 * Nothing depends on the order the testcases come in. */
#include "kc/matrix.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kc/arena.h"
#include "kc/claims.h"
#include "kc/codec.h"
#include "kc/html.h"
#include "kc/junit.h"
#include "kc/levels.h"
#include "kc/results.h"
#include "matrix_int.h"

enum cell { CELL_NONE = 0, CELL_SKIP, CELL_PASS, CELL_ERROR, CELL_FAIL };

static const char *const cell_md[] = {"–", "skip", "pass", "ERROR", "FAIL"};
static const char *const cell_class[] = {"none", "skip", "pass", "error",
                                         "fail"};

/* At most this many formats get columns (ours: json and xml). */
#define MAX_FORMATS 16
/* Longest column label (a target name, "#2" added for repeats). */
#define LABEL_MAX 4096
/* No row at all: a documented code no report has. */
#define NO_ENT UINT32_MAX

/* ---- the accumulator ---- */

/* Where a testcase sorts in the matrix's order (code, case id, then its
 * JUnit names; classname and name may be NULL). */
struct key {
    const char *code, *case_id, *classname, *name;
};

/* A format seen, and the first testcase of it in the matrix's order: the
 * first MAX_FORMATS formats met in that order get columns. */
struct fmt {
    char *name;
    char *code, *case_id, *classname, *name_; /* that testcase's key */
    uint32_t hash;
};

/* Open addressing over entry indices (index + 1; 0: free). */
struct htab {
    uint32_t *v;
    size_t cap, n;
};

/* A code some report has (the code of a testcase, else its classname). */
struct code_ent {
    const char *code; /* in the arena */
    uint32_t hash;
    unsigned char *cs; /* per report: enum kc_code_state */
    /* the first testcase (by classname, name) of the case id "", which
     * decides whether the code has a row for it */
    char *e_classname, *e_name;
    bool e_seen, e_null_id; /* its case_id was NULL: no row */
    uint32_t first, ncases; /* its case rows in the sorted case array */
};

/* A case row (code, case id) some report has. */
struct case_ent {
    const char *case_id; /* in the arena */
    uint32_t code;       /* index into codes */
    uint32_t hash;
};

/* A failing testcase, for the page's diagnoses. */
struct diag {
    const char *code, *case_id, *classname, *name, *request_id;
    struct kc_failure *failures; /* owned */
    size_t nfailures;
    size_t seq; /* order of arrival, for ties */
};

/* The cell state of (entry, format, report) for a format past the dense
 * ones. */
struct sparse_ent {
    uint32_t e;
    bool used;
    unsigned char st;
    size_t f, c;
};

/* Open addressing over those cells. */
struct sparse {
    struct sparse_ent *v;
    size_t cap, n;
};

/* Cell states: one byte per (entry, format, report) for the first
 * MAX_FORMATS formats to arrive, and for the later ones only the cells
 * their testcases have. Which formats get columns is known only at the end
 * (it depends on every testcase's key, not on the order they come in), so
 * the later ones are kept too, but in room linear in their testcases: a
 * dense slot for each would make room entries × formats. */
struct states {
    unsigned char *st;
    size_t cap; /* entries */
    struct sparse sp;
};

struct kc_matrix {
    const char *const *codes; /* documented, borrowed */
    size_t ncodes;
    size_t nreports;
    unsigned flags;
    struct kc_arena a;
    struct kc_report **hdr; /* per report: header, owned */
    char **file_labels;     /* per report, owned */
    struct kc_levels *lv;   /* per report */
    struct fmt *fmts;
    size_t nfmts, cap_fmts;
    size_t fcap; /* dense format slots of the states, at most MAX_FORMATS */
    struct htab fmt_ht;
    struct code_ent *ce;
    size_t nce, cap_ce;
    struct htab code_ht;
    struct states code_st;
    struct case_ent *ke;
    size_t nke, cap_ke;
    struct htab case_ht;
    struct states case_st;
    struct diag **dg; /* per report */
    size_t *ndg, *cap_dg;
    size_t seq;
    bool sorted; /* ke and dg sorted for output */
};

static uint32_t hash_str(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int strcmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_keys(const struct key *x, const struct key *y)
{
    int c = strcmp(x->code, y->code);
    if (!c)
        c = strcmp(x->case_id, y->case_id);
    if (!c)
        c = strcmp_null(x->classname, y->classname);
    return c ? c : strcmp_null(x->name, y->name);
}

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

/* The slot of hash h: the entry eq accepts, or a free one. */
static uint32_t *ht_slot(const struct htab *t, uint32_t h,
                         bool (*eq)(const struct kc_matrix *, uint32_t,
                                    const void *),
                         const struct kc_matrix *m, const void *k)
{
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (!t->v[i] || eq(m, t->v[i] - 1, k))
            return &t->v[i];
    }
}

/* Doubles t when half full, rehashing with hash_of. 0 or -1. */
static int ht_grow(struct htab *t,
                   uint32_t (*hash_of)(const struct kc_matrix *, uint32_t),
                   const struct kc_matrix *m)
{
    if (2 * (t->n + 1) <= t->cap)
        return 0;
    size_t cap = t->cap ? 2 * t->cap : 64;
    uint32_t *v = calloc(cap, sizeof(*v));
    if (!v)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->v[i])
            continue;
        size_t j = hash_of(m, t->v[i] - 1) & (cap - 1);
        while (v[j])
            j = (j + 1) & (cap - 1);
        v[j] = t->v[i];
    }
    free(t->v);
    t->v = v;
    t->cap = cap;
    return 0;
}

static unsigned char *state_at(const struct kc_matrix *m,
                               const struct states *s, uint32_t e, size_t f,
                               size_t c)
{
    return &s->st[((size_t)e * m->fcap + f) * m->nreports + c];
}

static size_t sparse_hash(uint32_t e, size_t f, size_t c)
{
    uint64_t x = ((uint64_t)e << 32 ^ (uint64_t)f) * 0x9e3779b97f4a7c15u;
    x ^= (uint64_t)c * 0xc2b2ae3d27d4eb4fu;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9u;
    return (size_t)(x ^ x >> 29);
}

/* The slot of (e, f, c) in sp: its cell, or a free one (cap > 0). */
static struct sparse_ent *sparse_slot(const struct sparse *sp, uint32_t e,
                                      size_t f, size_t c)
{
    size_t mask = sp->cap - 1;
    for (size_t i = sparse_hash(e, f, c) & mask;; i = (i + 1) & mask) {
        struct sparse_ent *p = &sp->v[i];
        if (!p->used || (p->e == e && p->f == f && p->c == c))
            return p;
    }
}

/* Doubles sp when half full. 0 or -1. */
static int sparse_grow(struct sparse *sp)
{
    if (2 * (sp->n + 1) <= sp->cap)
        return 0;
    struct sparse nsp = {NULL, sp->cap ? 2 * sp->cap : 64, sp->n};
    if (!(nsp.v = calloc(nsp.cap, sizeof(*nsp.v))))
        return -1;
    for (size_t i = 0; i < sp->cap; i++) {
        const struct sparse_ent *p = &sp->v[i];
        if (p->used)
            *sparse_slot(&nsp, p->e, p->f, p->c) = *p;
    }
    free(sp->v);
    *sp = nsp;
    return 0;
}

/* The state of cell (e, f, c) to raise, added when new; NULL when out of
 * memory. */
static unsigned char *cell_at(const struct kc_matrix *m, struct states *s,
                              uint32_t e, size_t f, size_t c)
{
    if (f < m->fcap)
        return state_at(m, s, e, f, c);
    if (sparse_grow(&s->sp))
        return NULL;
    struct sparse_ent *p = sparse_slot(&s->sp, e, f, c);
    if (!p->used) {
        *p = (struct sparse_ent){e, true, CELL_NONE, f, c};
        s->sp.n++;
    }
    return &p->st;
}

/* The state of cell (e, f, c). */
static enum cell cell_get(const struct kc_matrix *m, const struct states *s,
                          uint32_t e, size_t f, size_t c)
{
    if (f < m->fcap)
        return (enum cell) * state_at(m, s, e, f, c);
    if (!s->sp.cap)
        return CELL_NONE;
    const struct sparse_ent *p = sparse_slot(&s->sp, e, f, c);
    return p->used ? (enum cell)p->st : CELL_NONE;
}

/* Room for entry e in s. 0 or -1. */
static int states_reserve(const struct kc_matrix *m, struct states *s, size_t e)
{
    if (e < s->cap)
        return 0;
    size_t cap = s->cap ? 2 * s->cap : 64, w = m->fcap * m->nreports;
    unsigned char *st = realloc(s->st, cap * w);
    if (!st)
        return -1;
    memset(st + s->cap * w, 0, (cap - s->cap) * w);
    s->st = st;
    s->cap = cap;
    return 0;
}

/* s laid out anew for fcap format slots (was m->fcap). 0 or -1. */
static int states_widen(const struct kc_matrix *m, struct states *s,
                        size_t fcap)
{
    size_t ow = m->fcap * m->nreports, nw = fcap * m->nreports;
    unsigned char *st = calloc(s->cap ? s->cap : 1, nw);
    if (!st)
        return -1;
    for (size_t e = 0; e < s->cap; e++)
        memcpy(st + e * nw, s->st + e * ow, ow);
    free(s->st);
    s->st = st;
    return 0;
}

static bool code_eq(const struct kc_matrix *m, uint32_t i, const void *k)
{
    return !strcmp(m->ce[i].code, k);
}

static uint32_t code_hash(const struct kc_matrix *m, uint32_t i)
{
    return m->ce[i].hash;
}

/* The entry of code (added when new); NO_ENT when out of memory. */
static uint32_t code_find(struct kc_matrix *m, const char *code, bool add)
{
    uint32_t h = hash_str(2166136261u, code);
    if (!m->code_ht.cap && (!add || ht_grow(&m->code_ht, code_hash, m)))
        return NO_ENT;
    uint32_t *slot = ht_slot(&m->code_ht, h, code_eq, m, code);
    if (*slot || !add)
        return *slot ? *slot - 1 : NO_ENT;
    if (m->nce == m->cap_ce) {
        size_t cap = m->cap_ce ? 2 * m->cap_ce : 64;
        struct code_ent *v = realloc(m->ce, cap * sizeof(*v));
        if (!v)
            return NO_ENT;
        m->ce = v;
        m->cap_ce = cap;
    }
    int oom = 0;
    struct code_ent *e = &m->ce[m->nce];
    memset(e, 0, sizeof(*e));
    e->code = kc_arena_strdup(&m->a, code, &oom);
    e->cs = kc_arena_alloc(&m->a, m->nreports);
    e->hash = h;
    if (oom || !e->cs || states_reserve(m, &m->code_st, m->nce))
        return NO_ENT;
    *slot = (uint32_t)++m->nce;
    m->code_ht.n++;
    if (ht_grow(&m->code_ht, code_hash, m))
        return NO_ENT;
    return (uint32_t)(m->nce - 1);
}

struct case_key {
    uint32_t code;
    const char *case_id;
};

static bool case_eq(const struct kc_matrix *m, uint32_t i, const void *k)
{
    const struct case_key *x = k;
    return m->ke[i].code == x->code && !strcmp(m->ke[i].case_id, x->case_id);
}

static uint32_t case_hash(const struct kc_matrix *m, uint32_t i)
{
    return m->ke[i].hash;
}

/* The case row (code, case_id), added when new; NO_ENT when out of
 * memory. */
static uint32_t case_find(struct kc_matrix *m, uint32_t code,
                          const char *case_id)
{
    struct case_key k = {code, case_id};
    uint32_t h = hash_str(2166136261u ^ code * 2654435761u, case_id);
    if (!m->case_ht.cap && ht_grow(&m->case_ht, case_hash, m))
        return NO_ENT;
    uint32_t *slot = ht_slot(&m->case_ht, h, case_eq, m, &k);
    if (*slot)
        return *slot - 1;
    if (m->nke == m->cap_ke) {
        size_t cap = m->cap_ke ? 2 * m->cap_ke : 256;
        struct case_ent *v = realloc(m->ke, cap * sizeof(*v));
        if (!v)
            return NO_ENT;
        m->ke = v;
        m->cap_ke = cap;
    }
    int oom = 0;
    m->ke[m->nke] =
        (struct case_ent){kc_arena_strdup(&m->a, case_id, &oom), code, h};
    if (oom || states_reserve(m, &m->case_st, m->nke))
        return NO_ENT;
    *slot = (uint32_t)++m->nke;
    m->case_ht.n++;
    if (ht_grow(&m->case_ht, case_hash, m))
        return NO_ENT;
    return (uint32_t)(m->nke - 1);
}

/* Notes k as the format's first testcase when it sorts before the one
 * noted. 0 or -1. */
static int fmt_note(struct fmt *f, const struct key *k, bool first)
{
    struct key old = {f->code, f->case_id, f->classname, f->name_};
    if (!first && cmp_keys(k, &old) >= 0)
        return 0;
    if (kc_report_setstr(&f->code, k->code) ||
        kc_report_setstr(&f->case_id, k->case_id) ||
        kc_report_setstr(&f->classname, k->classname) ||
        kc_report_setstr(&f->name_, k->name))
        return -1;
    return 0;
}

static bool fmt_eq(const struct kc_matrix *m, uint32_t i, const void *k)
{
    return !strcmp(m->fmts[i].name, k);
}

static uint32_t fmt_hash(const struct kc_matrix *m, uint32_t i)
{
    return m->fmts[i].hash;
}

/* The format's index (added when new, widening the dense states while
 * fewer than MAX_FORMATS); -1 when out of memory. */
static long fmt_find(struct kc_matrix *m, const char *name, const struct key *k)
{
    uint32_t h = hash_str(2166136261u, name);
    if (!m->fmt_ht.cap && ht_grow(&m->fmt_ht, fmt_hash, m))
        return -1;
    uint32_t *slot = ht_slot(&m->fmt_ht, h, fmt_eq, m, name);
    if (*slot)
        return fmt_note(&m->fmts[*slot - 1], k, false) ? -1 : (long)(*slot - 1);
    if (m->nfmts == UINT32_MAX - 1)
        return -1;
    if (m->nfmts == m->cap_fmts) {
        size_t cap = 2 * m->cap_fmts;
        struct fmt *v = realloc(m->fmts, cap * sizeof(*v));
        if (!v)
            return -1;
        m->fmts = v;
        m->cap_fmts = cap;
    }
    if (m->nfmts == m->fcap && m->fcap < MAX_FORMATS) {
        size_t fcap = 2 * m->fcap < MAX_FORMATS ? 2 * m->fcap : MAX_FORMATS;
        if (states_widen(m, &m->code_st, fcap) ||
            states_widen(m, &m->case_st, fcap))
            return -1;
        m->fcap = fcap;
    }
    struct fmt *f = &m->fmts[m->nfmts];
    memset(f, 0, sizeof(*f));
    f->hash = h;
    if (!(f->name = strdup(name)))
        return -1;
    *slot = (uint32_t)++m->nfmts;
    m->fmt_ht.n++;
    if (ht_grow(&m->fmt_ht, fmt_hash, m))
        return -1;
    return fmt_note(f, k, true) ? -1 : (long)(m->nfmts - 1);
}

static void raise_cell(unsigned char *st, enum cell v)
{
    if (v > *st)
        *st = (unsigned char)v;
}

/* What kc_report_code_state makes of tc, folded into *cs. */
static void code_state_add(unsigned char *cs, const struct kc_testcase *tc)
{
    if (!tc->code && !tc->classname)
        return; /* kc_report_code_state never matches it */
    if (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR)
        *cs = KC_CODE_FAIL;
    else if (tc->outcome == KC_OUTCOME_PASS && *cs != KC_CODE_FAIL)
        *cs = KC_CODE_PASS;
}

/* The case id "" has a row when the first of its testcases by classname
 * and name has a case id (a NULL one sorts the same, but makes none). */
static int empty_case_note(struct code_ent *e, const struct kc_testcase *tc)
{
    if (e->e_seen) {
        int c = strcmp_null(tc->classname, e->e_classname);
        if (!c)
            c = strcmp_null(tc->name, e->e_name);
        if (c >= 0)
            return 0;
    }
    e->e_seen = true;
    e->e_null_id = !tc->case_id;
    return kc_report_setstr(&e->e_classname, tc->classname) ||
                   kc_report_setstr(&e->e_name, tc->name)
               ? -1
               : 0;
}

/* Keeps the failing tc's diagnosis for report c, its failures taken over
 * when steal. 0 or -1. */
static int diag_add(struct kc_matrix *m, size_t c, const char *code,
                    struct kc_testcase *tc, bool steal)
{
    if (m->ndg[c] == m->cap_dg[c]) {
        size_t cap = m->cap_dg[c] ? 2 * m->cap_dg[c] : 64;
        struct diag *v = realloc(m->dg[c], cap * sizeof(*v));
        if (!v)
            return -1;
        m->dg[c] = v;
        m->cap_dg[c] = cap;
    }
    int oom = 0;
    struct diag *d = &m->dg[c][m->ndg[c]];
    *d = (struct diag){code,
                       kc_arena_strdup(&m->a, case_of(tc), &oom),
                       kc_arena_strdup(&m->a, tc->classname, &oom),
                       kc_arena_strdup(&m->a, tc->name, &oom),
                       kc_arena_strdup(&m->a, tc->request_id, &oom),
                       NULL,
                       0,
                       m->seq};
    if (oom)
        return -1;
    m->ndg[c]++;
    if (steal) {
        d->failures = tc->failures;
        d->nfailures = tc->nfailures;
        tc->failures = NULL;
        tc->nfailures = 0;
        return 0;
    }
    d->failures = calloc(tc->nfailures + 1, sizeof(*d->failures));
    if (!d->failures)
        return -1;
    for (size_t i = 0; i < tc->nfailures; i++) {
        const struct kc_failure *x = &tc->failures[i];
        struct kc_failure *y = &d->failures[i];
        d->nfailures = i + 1; /* freed with d from here on */
        if (kc_report_setstr(&y->check, x->check) ||
            kc_report_setstr(&y->message, x->message) ||
            kc_report_setstr(&y->detail, x->detail))
            return -1;
    }
    return 0;
}

static int add_case(struct kc_matrix *m, size_t c, struct kc_testcase *tc,
                    bool steal)
{
    const char *code = code_of(tc), *case_id = case_of(tc);
    struct key k = {code, case_id, tc->classname, tc->name};
    long f = fmt_find(m, format_of(tc), &k);
    uint32_t e = f < 0 ? NO_ENT : code_find(m, code, true);
    enum cell st = cell_of(tc);

    if (e == NO_ENT)
        return -1;
    m->seq++;
    unsigned char *cell = cell_at(m, &m->code_st, e, (size_t)f, c);
    if (!cell)
        return -1;
    raise_cell(cell, st);
    code_state_add(&m->ce[e].cs[c], tc);
    kc_levels_add_case(&m->lv[c], tc);
    if (m->flags & KC_MATRIX_CASES) {
        uint32_t r = case_find(m, e, case_id);
        if (r == NO_ENT || (!case_id[0] && empty_case_note(&m->ce[e], tc)) ||
            !(cell = cell_at(m, &m->case_st, r, (size_t)f, c)))
            return -1;
        raise_cell(cell, st);
    }
    if ((m->flags & KC_MATRIX_DIAG) &&
        (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR))
        return diag_add(m, c, m->ce[e].code, tc, steal);
    return 0;
}

struct kc_matrix *kc_matrix_new(const char *const *codes, size_t ncodes,
                                size_t nreports, unsigned flags)
{
    struct kc_matrix *m = calloc(1, sizeof(*m));
    size_t n = nreports ? nreports : 1;

    if (!m)
        return NULL;
    m->codes = codes;
    m->ncodes = ncodes;
    m->nreports = nreports;
    m->flags = flags;
    m->fcap = 2;
    m->cap_fmts = 2;
    m->hdr = calloc(n, sizeof(*m->hdr));
    m->file_labels = calloc(n, sizeof(*m->file_labels));
    m->lv = calloc(n, sizeof(*m->lv));
    m->fmts = calloc(m->cap_fmts, sizeof(*m->fmts));
    m->dg = calloc(n, sizeof(*m->dg));
    m->ndg = calloc(n, sizeof(*m->ndg));
    m->cap_dg = calloc(n, sizeof(*m->cap_dg));
    if (!m->hdr || !m->file_labels || !m->lv || !m->fmts || !m->dg || !m->ndg ||
        !m->cap_dg) {
        kc_matrix_free(m);
        return NULL;
    }
    return m;
}

void kc_matrix_free(struct kc_matrix *m)
{
    if (!m)
        return;
    for (size_t c = 0; c < m->nreports; c++) {
        if (m->hdr)
            kc_report_free(m->hdr[c]);
        if (m->file_labels)
            free(m->file_labels[c]);
        for (size_t i = 0; m->dg && m->ndg && i < m->ndg[c]; i++) {
            struct diag *d = &m->dg[c][i];
            for (size_t k = 0; k < d->nfailures; k++) {
                free(d->failures[k].check);
                free(d->failures[k].message);
                free(d->failures[k].detail);
            }
            free(d->failures);
        }
        if (m->dg)
            free(m->dg[c]);
    }
    for (size_t i = 0; m->fmts && i < m->nfmts; i++) {
        struct fmt *f = &m->fmts[i];
        free(f->name);
        free(f->code);
        free(f->case_id);
        free(f->classname);
        free(f->name_);
    }
    for (size_t i = 0; i < m->nce; i++) {
        free(m->ce[i].e_classname);
        free(m->ce[i].e_name);
    }
    free(m->hdr);
    free(m->file_labels);
    free(m->lv);
    free(m->fmts);
    free(m->fmt_ht.v);
    free(m->ce);
    free(m->code_ht.v);
    free(m->code_st.st);
    free(m->code_st.sp.v);
    free(m->ke);
    free(m->case_ht.v);
    free(m->case_st.st);
    free(m->case_st.sp.v);
    free(m->dg);
    free(m->ndg);
    free(m->cap_dg);
    kc_arena_free(&m->a);
    free(m);
}

/* The header and label of report c, copied. 0 or -1. */
static int set_report(struct kc_matrix *m, size_t c, const char *label)
{
    free(m->file_labels[c]);
    m->file_labels[c] = strdup(label ? label : "");
    return m->file_labels[c] ? 0 : -1;
}

int kc_matrix_add_report(struct kc_matrix *m, size_t c,
                         const struct kc_report *r, const char *label)
{
    struct kc_report *h = kc_report_new(r->name);
    if (c >= m->nreports || !h || set_report(m, c, label))
        goto fail;
    for (size_t i = 0; i < r->nprops; i++) {
        const struct kc_property *p = &r->props[i];
        /* the first of a repeated name is the one kc_report_prop finds */
        if (!kc_report_prop(h, p->name) &&
            kc_report_set_prop(h, p->name, p->value))
            goto fail;
    }
    if (kc_report_setstr(&h->timestamp, r->timestamp))
        goto fail;
    h->time_s = r->time_s;
    for (size_t i = 0; i < r->ncases; i++) {
        if (add_case(m, c, &r->cases[i], false))
            goto fail;
    }
    kc_report_free(m->hdr[c]);
    m->hdr[c] = h;
    m->sorted = false;
    return 0;
fail:
    kc_report_free(h);
    return -1;
}

struct each_ctx {
    struct kc_matrix *m;
    size_t c;
};

static int each_case(void *ud, const struct kc_report *hdr,
                     struct kc_testcase *tc)
{
    struct each_ctx *x = ud;
    (void)hdr;
    return add_case(x->m, x->c, tc, true) ? 2 : 0;
}

int kc_matrix_read(struct kc_matrix *m, size_t c, const char *path,
                   const char *label, char *err, size_t errlen)
{
    struct each_ctx x = {m, c};
    struct kc_report *h = NULL;
    int rc;

    if (c >= m->nreports || set_report(m, c, label)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = kc_results_each_any(path, KC_JUNIT_READ_NO_TRANSCRIPT, each_case, &x,
                             &h, err, errlen);
    if (rc == 1) {
        snprintf(err, errlen, "out of memory");
        kc_report_free(h);
        return -1;
    }
    if (rc != 0)
        return -1;
    kc_report_free(m->hdr[c]);
    m->hdr[c] = h;
    m->sorted = false;
    return 0;
}

size_t kc_matrix_state_bytes(const struct kc_matrix *m, size_t *dense_formats)
{
    size_t w = m->fcap * m->nreports;
    *dense_formats = m->fcap;
    return (m->code_st.cap + m->case_st.cap) * w +
           (m->code_st.sp.cap + m->case_st.sp.cap) * sizeof(struct sparse_ent);
}

/* ---- the model of the output ---- */

struct row {
    const char *code;
    const char *case_id; /* NULL: the code's summary row */
    uint32_t code_ent;   /* NO_ENT: no report has the code */
    uint32_t case_ent;   /* of a case row */
};

struct model {
    struct kc_matrix *x;
    char **labels;           /* one per report */
    size_t fid[MAX_FORMATS]; /* the formats with columns, by name */
    const char *formats[MAX_FORMATS];
    size_t nformats;
    struct row *rows;
    size_t nrows, cap_rows;
    const char **codes; /* the code of each code row, for the score */
    uint32_t *code_ents;
    size_t ncodes;
    bool cases; /* rows for the cases too */
};

/* The accumulator the comparators below sort for (qsort passes them no
 * pointer of the caller's); set right before each qsort. */
static const struct kc_matrix *sort_m;

/* Case rows by code entry, then case id. */
static int cmp_case_idx(const void *a, const void *b)
{
    const struct case_ent *x = &sort_m->ke[*(const uint32_t *)a];
    const struct case_ent *y = &sort_m->ke[*(const uint32_t *)b];
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return strcmp(x->case_id, y->case_id);
}

/* Diagnoses in the matrix's order, then by arrival. */
static int cmp_diag(const void *a, const void *b)
{
    const struct diag *x = a, *y = b;
    struct key kx = {x->code, x->case_id, x->classname, x->name};
    struct key ky = {y->code, y->case_id, y->classname, y->name};
    int c = cmp_keys(&kx, &ky);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Formats by their first testcase. */
static int cmp_fmt_first(const void *a, const void *b)
{
    const struct fmt *x = &sort_m->fmts[*(const size_t *)a];
    const struct fmt *y = &sort_m->fmts[*(const size_t *)b];
    struct key kx = {x->code, x->case_id, x->classname, x->name_};
    struct key ky = {y->code, y->case_id, y->classname, y->name_};
    return cmp_keys(&kx, &ky);
}

/* The first MAX_FORMATS formats in the matrix's order, sorted by name:
 * the columns. "json" when there is no testcase. 0 or -1. */
static int build_formats(struct model *m)
{
    const struct kc_matrix *x = m->x;
    size_t *by = calloc(x->nfmts + 1, sizeof(*by));
    if (!by)
        return -1;
    for (size_t i = 0; i < x->nfmts; i++)
        by[i] = i;
    sort_m = x;
    if (x->nfmts > 1)
        qsort(by, x->nfmts, sizeof(*by), cmp_fmt_first);
    for (size_t i = 0; i < x->nfmts && i < MAX_FORMATS; i++) {
        size_t k = m->nformats++;
        const char *f = x->fmts[by[i]].name;
        while (k > 0 && strcmp(m->formats[k - 1], f) > 0) {
            m->formats[k] = m->formats[k - 1];
            m->fid[k] = m->fid[k - 1];
            k--;
        }
        m->formats[k] = f;
        m->fid[k] = by[i];
    }
    free(by);
    if (m->nformats == 0) {
        m->formats[0] = "json";
        m->fid[0] = SIZE_MAX;
        m->nformats = 1;
    }
    return 0;
}

static int add_row(struct model *m, const struct row *row)
{
    if (m->nrows == m->cap_rows) {
        size_t cap = m->cap_rows ? 2 * m->cap_rows : 64;
        struct row *r = realloc(m->rows, cap * sizeof(*r));
        if (!r)
            return -1;
        m->rows = r;
        m->cap_rows = cap;
    }
    m->rows[m->nrows++] = *row;
    return 0;
}

/* The code's row, then (when asked) one per case id of it. */
static int add_code_rows(struct model *m, const uint32_t *order,
                         const char *code)
{
    const struct kc_matrix *x = m->x;
    uint32_t e = code_find(m->x, code, false);
    if (add_row(m, &(struct row){code, NULL, e, NO_ENT}))
        return -1;
    if (!m->cases || e == NO_ENT)
        return 0;
    const struct code_ent *ce = &x->ce[e];
    for (uint32_t i = ce->first; i < ce->first + ce->ncases; i++) {
        const struct case_ent *k = &x->ke[order[i]];
        if (!k->case_id[0] && ce->e_null_id)
            continue; /* only testcases without a case id */
        if (add_row(m, &(struct row){code, k->case_id, e, order[i]}))
            return -1;
    }
    return 0;
}

static bool documented(const struct kc_matrix *x, const char *code)
{
    for (size_t i = 0; i < x->ncodes; i++) {
        if (!strcmp(x->codes[i], code))
            return true;
    }
    return false;
}

static int cmp_code_idx(const void *a, const void *b)
{
    return strcmp(sort_m->ce[*(const uint32_t *)a].code,
                  sort_m->ce[*(const uint32_t *)b].code);
}

/* The case rows sorted (into *order, caller frees), each code's range
 * noted in its entry. 0 or -1. */
static int sort_cases(struct kc_matrix *x, uint32_t **order)
{
    *order = calloc(x->nke + 1, sizeof(**order));
    if (!*order)
        return -1;
    for (size_t i = 0; i < x->nke; i++)
        (*order)[i] = (uint32_t)i;
    sort_m = x;
    if (x->nke > 1)
        qsort(*order, x->nke, sizeof(**order), cmp_case_idx);
    for (size_t i = 0; i < x->nce; i++)
        x->ce[i].ncases = 0;
    for (size_t i = x->nke; i-- > 0;) {
        struct code_ent *ce = &x->ce[x->ke[(*order)[i]].code];
        ce->first = (uint32_t)i;
        ce->ncases++;
    }
    return 0;
}

/* Documented codes in catalog order, then the others by name. */
static int build_rows(struct model *m)
{
    struct kc_matrix *x = m->x;
    uint32_t *order = NULL, *undoc = calloc(x->nce + 1, sizeof(*undoc));
    size_t nundoc = 0;
    int rc = -1;

    if (!undoc || sort_cases(x, &order))
        goto out;
    for (size_t i = 0; i < x->nce; i++) {
        if (!documented(x, x->ce[i].code))
            undoc[nundoc++] = (uint32_t)i;
    }
    sort_m = x;
    if (nundoc > 1)
        qsort(undoc, nundoc, sizeof(*undoc), cmp_code_idx);
    rc = 0;
    for (size_t i = 0; i < x->ncodes && !rc; i++)
        rc = add_code_rows(m, order, x->codes[i]);
    for (size_t i = 0; i < nundoc && !rc; i++)
        rc = add_code_rows(m, order, x->ce[undoc[i]].code);
out:
    free(order);
    free(undoc);
    return rc;
}

static int build_labels(struct model *m)
{
    const struct kc_matrix *x = m->x;
    m->labels = calloc(x->nreports + 1, sizeof(*m->labels));
    if (!m->labels)
        return -1;
    for (size_t i = 0; i < x->nreports; i++) {
        const char *t = kc_report_prop(x->hdr[i], "kmsconf.target");
        const char *base = t && t[0] ? t : x->file_labels[i];
        size_t same = 0;
        for (size_t j = 0; j < i; j++) {
            const char *tj = kc_report_prop(x->hdr[j], "kmsconf.target");
            same += !strcmp(tj && tj[0] ? tj : x->file_labels[j], base);
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
    for (size_t i = 0; m->x && m->labels && i < m->x->nreports; i++)
        free(m->labels[i]);
    free(m->labels);
    free(m->rows);
    free(m->codes);
    free(m->code_ents);
}

static int build_codes(struct model *m)
{
    m->codes = calloc(m->nrows + 1, sizeof(*m->codes));
    m->code_ents = calloc(m->nrows + 1, sizeof(*m->code_ents));
    if (!m->codes || !m->code_ents)
        return -1;
    for (size_t i = 0; i < m->nrows; i++) {
        if (m->rows[i].case_id)
            continue;
        m->code_ents[m->ncodes] = m->rows[i].code_ent;
        m->codes[m->ncodes++] = m->rows[i].code;
    }
    return 0;
}

static void sort_diags(struct kc_matrix *x)
{
    for (size_t c = 0; c < x->nreports; c++) {
        if (x->ndg[c] > 1)
            qsort(x->dg[c], x->ndg[c], sizeof(*x->dg[c]), cmp_diag);
    }
}

/* cases: case rows (the accumulator must have kept them). */
static int model_build(struct model *m, struct kc_matrix *x, bool cases)
{
    memset(m, 0, sizeof(*m));
    m->x = x;
    m->cases = cases;
    for (size_t c = 0; c < x->nreports; c++) {
        if (!x->hdr[c])
            return -1; /* a report was not read */
    }
    if (cases && !(x->flags & KC_MATRIX_CASES))
        return -1;
    sort_diags(x);
    if (build_labels(m) || build_formats(m) || build_rows(m) || build_codes(m))
        return -1;
    return 0;
}

/* Worst state of the row's testcases in report c for column k. */
static enum cell cell_state(const struct model *m, size_t c,
                            const struct row *row, size_t k)
{
    const struct kc_matrix *x = m->x;
    size_t f = m->fid[k];
    if (row->code_ent == NO_ENT || f == SIZE_MAX)
        return CELL_NONE;
    if (row->case_id)
        return cell_get(x, &x->case_st, row->case_ent, f, c);
    return cell_get(x, &x->code_st, row->code_ent, f, c);
}

/* The diagnoses of report c in row: [*lo, return value). */
static size_t row_range(const struct model *m, size_t c, const struct row *row,
                        size_t *lo)
{
    const struct diag *v = m->x->dg[c];
    size_t n = m->x->ndg[c], a = 0, b = n, hi;
    /* first whose (code, case) >= the row's, then first > */
    for (int upper = 0; upper < 2; upper++) {
        size_t l = 0, h = n;
        while (l < h) {
            size_t mid = l + (h - l) / 2;
            int cmp = strcmp(v[mid].code, row->code);
            if (!cmp && row->case_id)
                cmp = strcmp(v[mid].case_id, row->case_id);
            if (cmp < 0 || (upper && cmp == 0))
                l = mid + 1;
            else
                h = mid;
        }
        if (upper)
            b = l;
        else
            a = l;
    }
    *lo = a;
    hi = b;
    return hi;
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

static int md_levels(FILE *f, const struct model *m)
{
    const struct kc_matrix *in = m->x;
    const struct kc_levels *lv = in->lv;
    char cell[320];

    if (!any_level(lv, in->nreports)) /* other producers' reports */
        return 0;
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
            level_cell(cell, sizeof(cell), &lv[c], l, in->hdr[c]);
            fputc(' ', f);
            md_text(f, cell);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    return 0;
}

int kc_matrix_write_markdown(FILE *f, struct kc_matrix *in, bool cases)
{
    struct model m;
    int rc = -1;
    if (model_build(&m, in, cases))
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
                enum cell st = cell_state(&m, c, row, k);
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
        const struct diag *d = &m->x->dg[c][i];
        struct kc_testcase tc = {.failures = d->failures,
                                 .nfailures = d->nfailures};
        fputs("<h4>", f);
        kc_html_text(f, d->name);
        fputs("</h4>", f);
        kc_html_failures(f, &tc, DETAIL_MAX);
        if (d->request_id) {
            fputs("<p>RequestId: <code>", f);
            kc_html_text(f, d->request_id);
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
        enum cell st = cell_state(m, c, row, k);
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
        enum cell st = cell_state(m, c, row, k);
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
    for (size_t c = 0; c < m->x->nreports; c++) {
        enum cell st = row_state(m, c, row);
        if (st == CELL_FAIL || st == CELL_ERROR)
            return true;
    }
    return false;
}

/* Report c's score (as kc_report_score) of *ncodes code rows. */
static size_t score_of(const struct model *m, size_t c, size_t *ncodes)
{
    size_t passed = 0;
    *ncodes = m->ncodes;
    for (size_t i = 0; i < m->ncodes; i++) {
        uint32_t e = m->code_ents[i];
        passed += e != NO_ENT && m->x->ce[e].cs[c] == KC_CODE_PASS;
    }
    return passed;
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
    for (size_t c = 0; c < m->x->nreports; c++)
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
    for (size_t c = 0; c < m->x->nreports; c++) {
        fputs("<tr class=\"target\"><td>", f);
        kc_html_text(f, m->labels[c]);
        fputs("</td><td>", f);
        html_score(f, m, c);
        fputs("</td>", f);
        for (int k = 0; k < KC_HTML_META_COUNT; k++) {
            const char *s = kc_html_meta_value(
                m->x->hdr[c], (enum kc_html_meta)k, v, sizeof(v));
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
    const struct kc_matrix *in = m->x;
    const struct kc_levels *lv = in->lv;
    char cell[320];

    if (!any_level(lv, in->nreports))
        return 0;
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
            level_cell(cell, sizeof(cell), &lv[c], l, in->hdr[c]);
            fprintf(f, "<td class=\"%s\" data-verdict=\"%s\">",
                    verdict_class[v > x ? v : x],
                    kc_levels_verdict_name(v > x ? v : x));
            kc_html_text(f, cell);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
    return 0;
}

static void html_table(FILE *f, const struct model *m)
{
    fputs("<table id=\"matrix\">\n<thead><tr><th>Code</th>", f);
    for (size_t c = 0; c < m->x->nreports; c++) {
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

int kc_matrix_write_html(FILE *f, struct kc_matrix *in, bool cases)
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
            cases ? " checked" : "");
    html_table(f, &m);
    fputs(html_panel, f);
    kc_html_end(f, html_script);
    rc = ferror(f) ? -1 : 0;
out:
    model_dispose(&m);
    return rc;
}

/* ---- the reports in memory ---- */

/* An accumulator holding in's reports; NULL when out of memory. */
static struct kc_matrix *from_input(const struct kc_matrix_input *in,
                                    unsigned flags)
{
    struct kc_matrix *m =
        kc_matrix_new(in->codes, in->ncodes, in->nreports, flags);
    for (size_t c = 0; m && c < in->nreports; c++) {
        if (kc_matrix_add_report(m, c, in->reports[c], in->labels[c])) {
            kc_matrix_free(m);
            return NULL;
        }
    }
    return m;
}

int kc_matrix_markdown(FILE *f, const struct kc_matrix_input *in)
{
    struct kc_matrix *m = from_input(in, in->cases ? KC_MATRIX_CASES : 0);
    int rc = m ? kc_matrix_write_markdown(f, m, in->cases) : -1;
    kc_matrix_free(m);
    return rc;
}

int kc_matrix_html(FILE *f, const struct kc_matrix_input *in)
{
    struct kc_matrix *m = from_input(in, KC_MATRIX_CASES | KC_MATRIX_DIAG);
    int rc = m ? kc_matrix_write_html(f, m, in->cases) : -1;
    kc_matrix_free(m);
    return rc;
}
