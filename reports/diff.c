/* kc_diff: differences between two reports (see diff.h). */
#include "kc/diff.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/junit.h"
#include "kc/results.h"

/* classify(): the pair did not change. */
#define NO_CHANGE (-1)
/* Longest list of new failing checks of one testcase. */
#define CHECKS_MAX ((size_t)1 << 20)
/* Room for the one-line note of an entry (longer is cut). */
#define NOTE_MAX 512

static const char *const cat_names[KC_DIFF_NCATS] = {
    "regression", "fix",     "changed", "new-failing", "new-passing",
    "added",      "removed", "skipped", "unskipped",   "skip-reason",
};

static const char *const cat_titles[KC_DIFF_NCATS] = {
    "Regressions",       "Fixes",
    "Changed failures",  "New failing",
    "New passing",       "Added (skipped)",
    "Removed",           "Newly skipped",
    "No longer skipped", "Skip reason changed",
};

static int cmp_ptr(const void *a, const void *b)
{
    const struct kc_testcase *const *pa = a;
    const struct kc_testcase *const *pb = b;
    return kc_testcase_cmp(*pa, *pb);
}

static const struct kc_testcase **sorted_ptrs(const struct kc_report *r)
{
    const struct kc_testcase **p = calloc(r->ncases + 1, sizeof(*p));
    if (!p)
        return NULL;
    for (size_t i = 0; i < r->ncases; i++)
        p[i] = &r->cases[i];
    qsort(p, r->ncases, sizeof(*p), cmp_ptr);
    return p;
}

/* The first testcase of r that comes twice, or NULL (r sorted or not);
 * *oom is set when the copy to sort cannot be made. */
static const struct kc_testcase *first_duplicate(const struct kc_report *r,
                                                 bool *oom)
{
    if (r->ncases < 2)
        return NULL;
    const struct kc_testcase **v = sorted_ptrs(r);
    const struct kc_testcase *d = NULL;
    *oom = v == NULL;
    for (size_t i = 1; v && !d && i < r->ncases; i++)
        if (!kc_testcase_cmp(v[i - 1], v[i]))
            d = v[i];
    free(v);
    return d;
}

/* ---- fit to gate on ---- */

static int check_duplicates(const struct kc_report *r, const char *name,
                            char *err, size_t errlen)
{
    bool oom = false;
    const struct kc_testcase *d = first_duplicate(r, &oom);
    if (oom) {
        kc_err_set(err, errlen, "out of memory");
        return -1;
    }
    if (!d)
        return 0;
    kc_err_set(err, errlen,
               "%s holds testcase '%s' '%s' more than once: a report with "
               "duplicates cannot be compared (combine shards with kmsconf "
               "merge)",
               name, d->classname ? d->classname : "", d->name ? d->name : "");
    return -1;
}

static bool is_interrupted_skip(const struct kc_testcase *tc)
{
    return tc->outcome == KC_OUTCOME_SKIP && tc->skip_type &&
           !strcmp(tc->skip_type, "interrupted");
}

static size_t count_interrupted(const struct kc_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncases; i++)
        n += is_interrupted_skip(&r->cases[i]);
    return n;
}

/* The gate after the duplicates: cur a whole run (its header's property,
 * nintr testcases skipped as interrupted, ncur against nbase testcases). */
static int check_whole(const struct kc_report *cur, size_t nintr, size_t ncur,
                       size_t nbase, const char *base_name,
                       const char *cur_name, char *err, size_t errlen)
{
    const char *intr = kc_report_prop(cur, "kmsconf.interrupted");
    if ((intr && !strcmp(intr, "true")) || nintr) {
        kc_err_set(err, errlen,
                   "%s is the report of an interrupted run "
                   "(kmsconf.interrupted=%s, %zu testcases skipped as "
                   "interrupted): what it did not run cannot regress",
                   cur_name, intr ? intr : "unset", nintr);
        return -1;
    }
    if (ncur < nbase) {
        kc_err_set(err, errlen,
                   "%s has %zu testcases, %zu fewer than %s (%zu): a partial "
                   "run cannot show the regressions of what it left out",
                   cur_name, ncur, nbase - ncur, base_name, nbase);
        return -1;
    }
    return 0;
}

int kc_diff_check_inputs(const struct kc_report *base,
                         const struct kc_report *cur, const char *base_name,
                         const char *cur_name, char *err, size_t errlen)
{
    if (check_duplicates(base, base_name, err, errlen) ||
        check_duplicates(cur, cur_name, err, errlen))
        return -1;
    return check_whole(cur, count_interrupted(cur), cur->ncases, base->ncases,
                       base_name, cur_name, err, errlen);
}

static bool has_check(const struct kc_testcase *tc, const char *check)
{
    for (size_t i = 0; tc && i < tc->nfailures; i++) {
        if (!strcmp(tc->failures[i].check, check))
            return true;
    }
    return false;
}

static bool failed_or_errored(const struct kc_testcase *tc)
{
    return tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR;
}

/* Checks of cur not failing in base, or NULL. -1 out of memory. */
static int new_checks(const struct kc_testcase *base,
                      const struct kc_testcase *cur, char **out)
{
    struct kc_buf b;
    kc_buf_init(&b, CHECKS_MAX);
    *out = NULL;
    for (size_t i = 0; cur && i < cur->nfailures; i++) {
        const char *c = cur->failures[i].check;
        if (has_check(base, c))
            continue;
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup = dup || !strcmp(cur->failures[j].check, c);
        if (!dup)
            kc_buf_printf(&b, "%s%s", b.len ? ", " : "", c);
    }
    if (b.failed) {
        kc_buf_dispose(&b);
        return -1;
    }
    if (b.len)
        *out = kc_buf_take(&b);
    kc_buf_dispose(&b);
    return 0;
}

static bool same_checks(const struct kc_testcase *a,
                        const struct kc_testcase *b)
{
    for (size_t i = 0; i < a->nfailures; i++) {
        if (!has_check(b, a->failures[i].check))
            return false;
    }
    for (size_t i = 0; i < b->nfailures; i++) {
        if (!has_check(a, b->failures[i].check))
            return false;
    }
    return true;
}

static bool streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The category of a pair, or NO_CHANGE. */
static int classify(const struct kc_testcase *b, const struct kc_testcase *c)
{
    if (!b && !c)
        return NO_CHANGE;
    if (!b)
        return c->outcome == KC_OUTCOME_PASS   ? KC_DIFF_NEW_PASSING
               : c->outcome == KC_OUTCOME_SKIP ? KC_DIFF_ADDED
                                               : KC_DIFF_NEW_FAILING;
    if (!c)
        return KC_DIFF_REMOVED;
    bool bs = b->outcome == KC_OUTCOME_SKIP, cs = c->outcome == KC_OUTCOME_SKIP;
    if (bs && cs)
        return streq(b->skip_type, c->skip_type) &&
                       streq(b->skip_reason, c->skip_reason)
                   ? NO_CHANGE
                   : KC_DIFF_SKIP_REASON;
    if (cs)
        return KC_DIFF_SKIPPED;
    if (bs)
        return KC_DIFF_UNSKIPPED;
    if (b->outcome == KC_OUTCOME_PASS)
        return c->outcome == KC_OUTCOME_PASS ? NO_CHANGE : KC_DIFF_REGRESSION;
    if (c->outcome == KC_OUTCOME_PASS)
        return KC_DIFF_FIX;
    if (b->outcome != c->outcome || !same_checks(b, c))
        return KC_DIFF_CHANGED;
    return NO_CHANGE;
}

static int add_entry(struct kc_diff *d, int cat, const struct kc_testcase *b,
                     const struct kc_testcase *c)
{
    if (cat == NO_CHANGE) {
        d->unchanged++;
        return 0;
    }
    if (d->nentries == d->cap_entries) {
        size_t cap = d->cap_entries ? 2 * d->cap_entries : 64;
        struct kc_diff_entry *v = realloc(d->entries, cap * sizeof(*v));
        if (!v)
            return -1;
        d->entries = v;
        d->cap_entries = cap;
    }
    struct kc_diff_entry *e = &d->entries[d->nentries];
    memset(e, 0, sizeof(*e));
    e->cat = (enum kc_diff_cat)cat;
    e->base = b;
    e->cur = c;
    if (c && failed_or_errored(c) &&
        new_checks(b && failed_or_errored(b) ? b : NULL, c, &e->checks))
        return -1;
    d->nentries++;
    d->counts[cat]++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct kc_diff_entry *ea = a, *eb = b;
    if (ea->cat != eb->cat)
        return ea->cat < eb->cat ? -1 : 1;
    const struct kc_testcase *ta = ea->cur ? ea->cur : ea->base;
    const struct kc_testcase *tb = eb->cur ? eb->cur : eb->base;
    return kc_testcase_cmp(ta, tb);
}

int kc_diff_compute(const struct kc_report *base, const struct kc_report *cur,
                    struct kc_diff **out)
{
    int rc = -1;
    struct kc_diff *d = calloc(1, sizeof(*d));
    const struct kc_testcase **pb = sorted_ptrs(base);
    const struct kc_testcase **pc = sorted_ptrs(cur);
    if (!d || !pb || !pc)
        goto out;
    size_t i = 0, j = 0;
    while (i < base->ncases || j < cur->ncases) {
        int c = i >= base->ncases  ? 1
                : j >= cur->ncases ? -1
                                   : kc_testcase_cmp(pb[i], pc[j]);
        const struct kc_testcase *b = c <= 0 ? pb[i++] : NULL;
        const struct kc_testcase *n = c >= 0 ? pc[j++] : NULL;
        if (add_entry(d, classify(b, n), b, n))
            goto out;
    }
    if (d->nentries > 1)
        qsort(d->entries, d->nentries, sizeof(*d->entries), cmp_entry);
    *out = d;
    d = NULL;
    rc = 0;
out:
    kc_diff_free(d);
    free(pb);
    free(pc);
    return rc;
}

void kc_diff_free(struct kc_diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nentries; i++)
        free(d->entries[i].checks);
    free(d->entries);
    kc_report_free(d->own[0]);
    kc_report_free(d->own[1]);
    free(d);
}

/* ---- two files ---- */

/* One report as a stream of testcases in sorted order: a JUnit file pulled
 * testcase by testcase, or a results file read whole (its reader sorts). */
struct src {
    const char *path;
    unsigned flags;
    FILE *f;
    char *head;
    struct kc_junit_reader *jr;
    struct kc_report *whole; /* a results file */
    size_t next;             /* whole: the index of the next testcase */
    struct kc_testcase *tc;  /* the current testcase; NULL at the end */
    struct kc_testcase prev; /* the key (classname, name) of the last one */
    bool have_prev;          /* prev is set (a key may be NULL) */
};

/* Opens s on its path: -1 when it cannot be streamed (not a regular file,
 * or unreadable: the whole read then says why). */
static int src_open(struct src *s)
{
    char err[KC_ERR_MAX];
    struct stat st;
    /* not opened unless regular: opening a FIFO would let its writer go on
     * and find no reader once it is closed again */
    if (stat(s->path, &st) || !S_ISREG(st.st_mode))
        return -1;
    s->f = kc_file_open(s->path, KC_FILE_REGULAR, err, sizeof(err));
    s->head = malloc(KC_JUNIT_HEAD_BYTES);
    if (!s->f || !s->head)
        return -1;
    size_t n = fread(s->head, 1, KC_JUNIT_HEAD_BYTES, s->f), i = 0;
    if (n < KC_JUNIT_HEAD_BYTES && ferror(s->f))
        return -1;
    while (i < n && strchr(" \t\r\n", s->head[i]) && s->head[i])
        i++;
    if (i < n && s->head[i] == '{') /* kc_results_read_any's choice */
        return kc_results_read_any(s->path, s->flags, &s->whole, err,
                                   sizeof(err));
    return kc_junit_open(s->f, s->head, n, s->path, s->flags, &s->jr, err,
                         sizeof(err));
}

/* Moves s to its next testcase (s->tc, NULL at the end), after taking the
 * key of the current one: -1 on a read error or a testcase that does not
 * come after the one before (out of order, or twice). */
static int src_next(struct src *s)
{
    char err[KC_ERR_MAX];
    if (s->tc) {
        free(s->prev.classname);
        free(s->prev.name);
        s->prev.classname = s->tc->classname;
        s->prev.name = s->tc->name;
        s->tc->classname = s->tc->name = NULL;
        s->have_prev = true;
    }
    if (s->whole)
        s->tc = s->next < s->whole->ncases ? &s->whole->cases[s->next++] : NULL;
    else if (kc_junit_next(s->jr, &s->tc, err, sizeof(err)) < 0)
        return -1;
    return s->tc && s->have_prev && kc_testcase_cmp(&s->prev, s->tc) >= 0 ? -1
                                                                          : 0;
}

/* The header of a source read to its end (the caller's). */
static struct kc_report *src_header(struct src *s)
{
    struct kc_report *r = s->whole;
    if (r) {
        kc_report_drop_cases(r);
        s->whole = NULL;
        return r;
    }
    return kc_junit_take_header(s->jr);
}

static void src_close(struct src *s)
{
    kc_junit_close(s->jr);
    kc_report_free(s->whole);
    if (s->f)
        fclose(s->f);
    free(s->head);
    free(s->prev.classname);
    free(s->prev.name);
}

static void side_add(struct kc_diff_side *side, const struct kc_testcase *tc)
{
    kc_levels_add_case(&side->levels, tc);
    side->ncases++;
    side->ninterrupted += is_interrupted_skip(tc);
}

/* The pair (b, c) of the join: counted, and when it differs an entry and
 * copies of its testcases in d->own (the entry's pointers are set from
 * them at the end). */
static int join_pair(struct kc_diff *d, struct kc_diff_pair *p,
                     const struct kc_testcase *b, const struct kc_testcase *c)
{
    int cat = classify(b, c);
    if (b)
        side_add(&p->base, b);
    if (c)
        side_add(&p->cur, c);
    if (add_entry(d, cat, b, c))
        return -1;
    if (cat == NO_CHANGE)
        return 0;
    if (b && !kc_report_copy_case(d->own[0], b))
        return -1;
    return c && !kc_report_copy_case(d->own[1], c) ? -1 : 0;
}

/* Points the entries at the copies, which were made in entry order. */
static void point_at_copies(struct kc_diff *d)
{
    size_t ib = 0, ic = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        struct kc_diff_entry *e = &d->entries[i];
        if (e->base)
            e->base = &d->own[0]->cases[ib++];
        if (e->cur)
            e->cur = &d->own[1]->cases[ic++];
    }
}

/* Opens both sources on their first testcases, and d's copies. */
static int join_open(struct kc_diff *d, struct src *sb, struct src *sc)
{
    d->own[0] = kc_report_new(NULL);
    d->own[1] = kc_report_new(NULL);
    if (!d->own[0] || !d->own[1] || src_open(sb) || src_open(sc))
        return -1;
    return src_next(sb) || src_next(sc) ? -1 : 0;
}

/* Walks both sources to their ends, pair by pair in key order. */
static int join_walk(struct kc_diff *d, struct kc_diff_pair *p, struct src *sb,
                     struct src *sc)
{
    while (sb->tc || sc->tc) {
        int c = !sb->tc ? 1 : !sc->tc ? -1 : kc_testcase_cmp(sb->tc, sc->tc);
        const struct kc_testcase *b = c <= 0 ? sb->tc : NULL;
        const struct kc_testcase *n = c >= 0 ? sc->tc : NULL;
        if (join_pair(d, p, b, n) || (b && src_next(sb)) || (n && src_next(sc)))
            return -1;
    }
    return 0;
}

/* The merge join of the two sorted sources into p: -1 when they cannot be
 * streamed (the caller reads them whole then). */
static int join(struct src *sb, struct src *sc, struct kc_diff_pair *p)
{
    struct kc_diff *d = calloc(1, sizeof(*d)); /* owned until in p */
    int rc = -1;
    if (!d || join_open(d, sb, sc) || join_walk(d, p, sb, sc))
        goto out;
    point_at_copies(d);
    if (d->nentries > 1)
        qsort(d->entries, d->nentries, sizeof(*d->entries), cmp_entry);
    if (!(p->base.report = src_header(sb)) || !(p->cur.report = src_header(sc)))
        goto out;
    p->d = d;
    d = NULL;
    p->streamed = true;
    rc = 0;
out:
    kc_diff_free(d);
    return rc;
}

/* The whole side of what kc_results_read_any read. */
static void side_whole(struct kc_diff_side *side, struct kc_report *r)
{
    side->report = r;
    kc_levels_count(r, &side->levels);
    side->ncases = r->ncases;
    side->ninterrupted = count_interrupted(r);
}

/* Both reports read whole, in order, then compared. */
static int read_whole(const char *base_path, const char *cur_path,
                      unsigned flags, struct kc_diff_pair *p, char *err,
                      size_t errlen)
{
    struct kc_report *b = NULL, *c = NULL;
    if (kc_results_read_any(base_path, flags, &b, err, errlen))
        return -1;
    side_whole(&p->base, b);
    if (kc_results_read_any(cur_path, flags, &c, err, errlen))
        return -1;
    side_whole(&p->cur, c);
    if (kc_diff_compute(b, c, &p->d)) {
        kc_err_set(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Frees what p holds and leaves it empty. */
static void pair_clear(struct kc_diff_pair *p)
{
    kc_diff_free(p->d);
    kc_report_free(p->base.report);
    kc_report_free(p->cur.report);
    memset(p, 0, sizeof(*p));
}

int kc_diff_pair_read(const char *base_path, const char *cur_path,
                      unsigned flags, struct kc_diff_pair **out, char *err,
                      size_t errlen)
{
    struct kc_diff_pair *p = calloc(1, sizeof(*p));
    struct src sb = {.path = base_path, .flags = flags};
    struct src sc = {.path = cur_path, .flags = flags};
    int rc = -1;
    *out = NULL;
    if (!p) {
        kc_err_set(err, errlen, "out of memory");
        return -1;
    }
    rc = join(&sb, &sc, p);
    src_close(&sb);
    src_close(&sc);
    if (rc) {
        pair_clear(p);
        rc = read_whole(base_path, cur_path, flags, p, err, errlen);
    }
    if (rc)
        kc_diff_pair_free(p);
    else
        *out = p;
    return rc;
}

void kc_diff_pair_free(struct kc_diff_pair *p)
{
    if (!p)
        return;
    pair_clear(p);
    free(p);
}

int kc_diff_pair_check(const struct kc_diff_pair *p, const char *base_name,
                       const char *cur_name, char *err, size_t errlen)
{
    if (!p->streamed)
        return kc_diff_check_inputs(p->base.report, p->cur.report, base_name,
                                    cur_name, err, errlen);
    /* streamed: neither holds a testcase twice, or it would not be */
    return check_whole(p->cur.report, p->cur.ninterrupted, p->cur.ncases,
                       p->base.ncases, base_name, cur_name, err, errlen);
}

static int parse_one(const char *w, size_t n, unsigned *mask)
{
    static const struct {
        const char *name;
        unsigned bits;
    } alias[] = {
        {"regressions", 1u << KC_DIFF_REGRESSION},
        {"fixes", 1u << KC_DIFF_FIX},
        {"new", (1u << KC_DIFF_NEW_FAILING) | (1u << KC_DIFF_NEW_PASSING) |
                    (1u << KC_DIFF_ADDED)},
        {"skip", (1u << KC_DIFF_SKIPPED) | (1u << KC_DIFF_UNSKIPPED) |
                     (1u << KC_DIFF_SKIP_REASON)},
        {"all", (1u << KC_DIFF_NCATS) - 1},
        {"none", 0},
    };
    for (unsigned c = 0; c < KC_DIFF_NCATS; c++) {
        if (strlen(cat_names[c]) == n && !strncmp(w, cat_names[c], n)) {
            *mask |= 1u << c;
            return 0;
        }
    }
    for (size_t a = 0; a < sizeof(alias) / sizeof(alias[0]); a++) {
        if (strlen(alias[a].name) == n && !strncmp(w, alias[a].name, n)) {
            *mask |= alias[a].bits;
            return 0;
        }
    }
    return -1;
}

int kc_diff_parse_cats(const char *list, unsigned *mask, char *err,
                       size_t errlen)
{
    *mask = 0;
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (parse_one(p, n, mask)) {
            kc_err_set(err, errlen,
                       "unknown category '%.*s' (known: regression, fix, "
                       "changed, new-failing, new-passing, added, removed, "
                       "skipped, unskipped, skip-reason, new, skip, all, none)",
                       (int)n, p);
            return -1;
        }
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

bool kc_diff_fails(const struct kc_diff *d, unsigned mask)
{
    for (unsigned c = 0; c < KC_DIFF_NCATS; c++) {
        if ((mask & (1u << c)) && d->counts[c])
            return true;
    }
    return false;
}

static const char *outcome_of(const struct kc_testcase *tc)
{
    return tc ? kc_outcome_name(tc->outcome) : "absent";
}

static const struct kc_testcase *entry_testcase(const struct kc_diff_entry *e)
{
    return e->cur ? e->cur : e->base;
}

/* A one-line note: checks, or skip reason. */
static void entry_note(const struct kc_diff_entry *e, char *buf, size_t n)
{
    const struct kc_testcase *c = e->cur;
    buf[0] = '\0';
    if (e->checks)
        snprintf(buf, n, "failing checks: %s", e->checks);
    else if (c && c->outcome == KC_OUTCOME_SKIP)
        snprintf(buf, n, "%s: %s", c->skip_type ? c->skip_type : "skipped",
                 c->skip_reason ? c->skip_reason : "");
    else if (c && failed_or_errored(c) && c->nfailures)
        snprintf(buf, n, "%s: %s", c->failures[0].check,
                 c->failures[0].message ? c->failures[0].message : "");
}

void kc_diff_print_text(FILE *f, const struct kc_diff *d, const char *base_name,
                        const char *cur_name)
{
    fprintf(f, "kmsconf diff %s -> %s\n", base_name, cur_name);
    fprintf(f, "unchanged: %zu", d->unchanged);
    for (unsigned c = 0; c < KC_DIFF_NCATS; c++)
        fprintf(f, ", %s: %zu", cat_names[c], d->counts[c]);
    fputc('\n', f);
    int last = -1;
    for (size_t i = 0; i < d->nentries; i++) {
        const struct kc_diff_entry *e = &d->entries[i];
        if ((int)e->cat != last) {
            fprintf(f, "\n%s (%zu):\n", cat_titles[e->cat], d->counts[e->cat]);
            last = (int)e->cat;
        }
        char buf[NOTE_MAX];
        entry_note(e, buf, sizeof(buf));
        const struct kc_testcase *k = entry_testcase(e);
        fprintf(f, "  %s  %s: %s -> %s%s%s\n", k->classname, k->name,
                outcome_of(e->base), outcome_of(e->cur), buf[0] ? "  " : "",
                buf);
    }
}

/* Markdown table cells must not contain | or newlines. */
static void md_cell(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else if (*s == '<')
            fputs("&lt;", f);
        else
            fputc(*s, f);
    }
}

void kc_diff_print_markdown(FILE *f, const struct kc_diff *d,
                            const char *base_name, const char *cur_name)
{
    fprintf(f, "### kmsconf diff\n\n`");
    md_cell(f, base_name);
    fprintf(f, "` → `");
    md_cell(f, cur_name);
    fprintf(f, "`\n\n| category | testcases |\n|---|---:|\n");
    fprintf(f, "| unchanged | %zu |\n", d->unchanged);
    for (unsigned c = 0; c < KC_DIFF_NCATS; c++) {
        if (d->counts[c])
            fprintf(f, "| %s | %zu |\n", cat_names[c], d->counts[c]);
    }
    int last = -1;
    for (size_t i = 0; i < d->nentries; i++) {
        const struct kc_diff_entry *e = &d->entries[i];
        if ((int)e->cat != last) {
            fprintf(f,
                    "\n#### %s (%zu)\n\n| testcase | code | before | after "
                    "| details |\n|---|---|---|---|---|\n",
                    cat_titles[e->cat], d->counts[e->cat]);
            last = (int)e->cat;
        }
        char buf[NOTE_MAX];
        entry_note(e, buf, sizeof(buf));
        const struct kc_testcase *k = entry_testcase(e);
        fputs("| `", f);
        md_cell(f, k->name);
        fputs("` | ", f);
        md_cell(f, k->code ? k->code : k->classname);
        fprintf(f, " | %s | %s | ", outcome_of(e->base), outcome_of(e->cur));
        md_cell(f, buf);
        fputs(" |\n", f);
    }
}

static cJSON *json_entry(const struct kc_diff_entry *e)
{
    const struct kc_testcase *k = entry_testcase(e);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char buf[NOTE_MAX];
    entry_note(e, buf, sizeof(buf));
    cJSON_AddStringToObject(o, "category", cat_names[e->cat]);
    cJSON_AddStringToObject(o, "classname", k->classname ? k->classname : "");
    cJSON_AddStringToObject(o, "name", k->name ? k->name : "");
    if (k->case_id)
        cJSON_AddStringToObject(o, "case", k->case_id);
    if (k->format)
        cJSON_AddStringToObject(o, "format", k->format);
    if (k->code)
        cJSON_AddStringToObject(o, "code", k->code);
    cJSON_AddStringToObject(o, "before", outcome_of(e->base));
    cJSON_AddStringToObject(o, "after", outcome_of(e->cur));
    cJSON *checks = cJSON_AddArrayToObject(o, "new_checks");
    const char *p = e->checks;
    while (checks && p && *p) {
        size_t n = strcspn(p, ",");
        char *one = strndup(p, n);
        if (one)
            cJSON_AddItemToArray(checks, cJSON_CreateString(one));
        free(one);
        p += n;
        p += strspn(p, ", ");
    }
    if (buf[0])
        cJSON_AddStringToObject(o, "note", buf);
    return o;
}

int kc_diff_print_json(FILE *f, const struct kc_diff *d, const char *base_name,
                       const char *cur_name, unsigned fail_mask)
{
    int rc = -1;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return -1;
    cJSON_AddStringToObject(root, "base", base_name);
    cJSON_AddStringToObject(root, "new", cur_name);
    cJSON *counts = cJSON_AddObjectToObject(root, "counts");
    if (counts) {
        cJSON_AddNumberToObject(counts, "unchanged", (double)d->unchanged);
        for (unsigned c = 0; c < KC_DIFF_NCATS; c++)
            cJSON_AddNumberToObject(counts, cat_names[c], (double)d->counts[c]);
    }
    cJSON_AddBoolToObject(root, "failing", kc_diff_fails(d, fail_mask));
    cJSON *arr = cJSON_AddArrayToObject(root, "entries");
    for (size_t i = 0; arr && i < d->nentries; i++) {
        cJSON *e = json_entry(&d->entries[i]);
        if (!e)
            goto out;
        cJSON_AddItemToArray(arr, e);
    }
    char *s = cJSON_Print(root);
    if (!s)
        goto out;
    fprintf(f, "%s\n", s);
    cJSON_free(s);
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}
