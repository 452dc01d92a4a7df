/* kc_expect: expectation files and their application (see expect.h). */
#include "kc/expect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/arena.h"
#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"
#include "kc/junit.h"
#include "kc/results.h"

/* Room for what follows "<file>: " in a message (longer is cut). */
#define EXPECT_DETAIL_MAX 400
/* Longest message or skip reason that applying expectations builds. */
#define EXPECT_TEXT_MAX ((size_t)1 << 20)
/* Longest label of an entry ("case [format] check"). */
#define EXPECT_LABEL_MAX 4096
/* Room for a generated entry's reason ("<target>: <message>"). */
#define EXPECT_REASON_MAX 600

void kc_expect_free(struct kc_expect *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nentries; i++) {
        struct kc_expect_entry *x = &e->entries[i];
        free(x->case_id);
        free(x->format);
        free(x->check);
        free(x->reason);
        free(x->issue);
        free(x->expires);
    }
    free(e->entries);
    free(e->path);
    free(e);
}

static bool valid_date(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
            (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* Copies the string member key of o into *dst (left NULL when the member
 * is absent and not required). */
static int get_str(const cJSON *o, const char *key, bool required, char **dst,
                   const char *where, char *err, size_t errlen)
{
    const char *v = NULL;
    enum kc_json_status st = kc_json_string(o, key, &v);
    if (st == KC_JSON_ABSENT) {
        if (!required)
            return 0;
        kc_err_set(err, errlen, "%s: missing \"%s\"", where, key);
        return -1;
    }
    if (st != KC_JSON_OK || !v[0]) {
        kc_err_set(err, errlen, "%s.%s: must be a non-empty string", where,
                   key);
        return -1;
    }
    *dst = strdup(v);
    if (!*dst) {
        kc_err_set(err, errlen, "%s: out of memory", where);
        return -1;
    }
    return 0;
}

static const char *const entry_keys[] = {"case",   "format", "check",
                                         "reason", "issue",  "expires"};
#define NENTRY_KEYS (sizeof(entry_keys) / sizeof(entry_keys[0]))

static int parse_entry(const cJSON *o, struct kc_expect_entry *x,
                       const char *where, char *err, size_t errlen)
{
    if (!cJSON_IsObject(o)) {
        kc_err_set(err, errlen, "%s: must be an object", where);
        return -1;
    }
    const cJSON *unknown =
        kc_json_unknown_member(o, NULL, entry_keys, NENTRY_KEYS);
    if (unknown) {
        kc_err_set(err, errlen,
                   "%s.%s: unknown key (known: case, format, check, reason, "
                   "issue, expires)",
                   where, unknown->string);
        return -1;
    }
    if (get_str(o, "case", true, &x->case_id, where, err, errlen) ||
        get_str(o, "reason", true, &x->reason, where, err, errlen) ||
        get_str(o, "format", false, &x->format, where, err, errlen) ||
        get_str(o, "check", false, &x->check, where, err, errlen) ||
        get_str(o, "issue", false, &x->issue, where, err, errlen) ||
        get_str(o, "expires", false, &x->expires, where, err, errlen))
        return -1;
    if (x->format && strcmp(x->format, "json") && strcmp(x->format, "xml")) {
        kc_err_set(err, errlen, "%s.format: must be \"json\" or \"xml\"",
                   where);
        return -1;
    }
    if (x->expires && !valid_date(x->expires)) {
        kc_err_set(err, errlen, "%s.expires: \"%s\" is not a date YYYY-MM-DD",
                   where, x->expires);
        return -1;
    }
    return 0;
}

static bool opt_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static const char *const root_keys[] = {"version", "expectations"};
#define NROOT_KEYS (sizeof(root_keys) / sizeof(root_keys[0]))

/* The members of the root object other than the entries. */
static int check_root(const cJSON *root, char *err, size_t errlen)
{
    if (!cJSON_IsObject(root)) {
        kc_err_set(err, errlen, "$: must be an object");
        return -1;
    }
    const cJSON *unknown =
        kc_json_unknown_member(root, NULL, root_keys, NROOT_KEYS);
    if (unknown) {
        kc_err_set(err, errlen,
                   "$.%s: unknown key (known: version, expectations)",
                   unknown->string);
        return -1;
    }
    long version;
    enum kc_json_status st = kc_json_long(root, "version", 1, 1, &version);
    if (st != KC_JSON_OK && st != KC_JSON_ABSENT) {
        kc_err_set(err, errlen, "$.version: must be 1");
        return -1;
    }
    return 0;
}

/* Entry i must not repeat the (case, format, check) of an earlier one. */
static int check_unique(const struct kc_expect *e, size_t i, const char *where,
                        char *err, size_t errlen)
{
    const struct kc_expect_entry *x = &e->entries[i];
    for (size_t j = 0; j < i; j++) {
        const struct kc_expect_entry *y = &e->entries[j];
        if (!strcmp(x->case_id, y->case_id) && opt_eq(x->format, y->format) &&
            opt_eq(x->check, y->check)) {
            kc_err_set(err, errlen, "%s: duplicates $.expectations[%zu]", where,
                       j);
            return -1;
        }
    }
    return 0;
}

static int parse_root(const cJSON *root, struct kc_expect *e, char *err,
                      size_t errlen)
{
    const cJSON *arr = NULL;
    if (check_root(root, err, errlen))
        return -1;
    if (kc_json_array(root, "expectations", &arr) != KC_JSON_OK) {
        kc_err_set(err, errlen, "$.expectations: missing or not an array");
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(arr);
    e->entries = calloc(n + 1, sizeof(*e->entries));
    if (!e->entries) {
        kc_err_set(err, errlen, "out of memory");
        return -1;
    }
    const cJSON *o = arr->child;
    for (size_t i = 0; i < n && o; i++, o = o->next) {
        char where[KC_JSON_PATH_MAX];
        kc_json_path_index(where, sizeof(where), "$.expectations", i);
        e->nentries = i + 1;
        if (parse_entry(o, &e->entries[i], where, err, errlen) ||
            check_unique(e, i, where, err, errlen))
            return -1;
    }
    return 0;
}

int kc_expect_parse(const char *text, const char *name, struct kc_expect **out,
                    char *err, size_t errlen)
{
    char inner[EXPECT_DETAIL_MAX] = "";
    int rc = -1;
    *out = NULL;
    struct kc_expect *e = calloc(1, sizeof(*e));
    cJSON *root = cJSON_Parse(text);
    if (!e || !(e->path = strdup(name))) {
        kc_err_set(err, errlen, "%s: out of memory", name);
        goto out;
    }
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t line, col;
        kc_json_locate(text, at ? (size_t)(at - text) : 0, &line, &col);
        kc_err_set(err, errlen, "%s:%zu: not valid JSON", name, line);
        goto out;
    }
    if (parse_root(root, e, inner, sizeof(inner))) {
        kc_err_set(err, errlen, "%s: %s", name, inner);
        goto out;
    }
    *out = e;
    e = NULL;
    rc = 0;
out:
    cJSON_Delete(root);
    kc_expect_free(e);
    return rc;
}

int kc_expect_load(const char *path, struct kc_expect **out, char *err,
                   size_t errlen)
{
    *out = NULL;
    char *text = kc_file_read(path, KC_EXPECT_MAX_BYTES, KC_FILE_TEXT, NULL,
                              err, errlen);
    if (!text)
        return -1;
    int rc = kc_expect_parse(text, path, out, err, errlen);
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Application                                                         */

struct entry_state {
    bool hit;     /* covered a failing check of a testcase */
    bool seen;    /* a testcase of its case/format ran */
    bool expired; /* past its date */
    bool counted_expired;
};

static bool entry_matches(const struct kc_expect_entry *x,
                          const struct kc_testcase *tc)
{
    return tc->case_id && !strcmp(x->case_id, tc->case_id) &&
           (!x->format || (tc->format && !strcmp(x->format, tc->format)));
}

static bool covers(const struct kc_expect_entry *x, const char *check)
{
    return !x->check || !strcmp(x->check, check);
}

/* "case [format] check" of an entry. */
static char *entry_label(const struct kc_expect_entry *x)
{
    struct kc_buf b;
    kc_buf_init(&b, EXPECT_LABEL_MAX);
    kc_buf_puts(&b, x->case_id);
    if (x->format)
        kc_buf_printf(&b, " [%s]", x->format);
    if (x->check)
        kc_buf_printf(&b, " %s", x->check);
    return kc_buf_take(&b);
}

static int push_label(char ***list, size_t n, const struct kc_expect_entry *x)
{
    char **l = realloc(*list, (n + 2) * sizeof(*l));
    if (!l)
        return -1;
    *list = l;
    l[n] = entry_label(x);
    l[n + 1] = NULL;
    return l[n] ? 0 : -1;
}

/* Notes the expiry in the message of each failure x covers. */
static int mark_expired(struct kc_testcase *tc, const struct kc_expect_entry *x)
{
    for (size_t i = 0; i < tc->nfailures; i++) {
        struct kc_failure *f = &tc->failures[i];
        if (!covers(x, f->check))
            continue;
        struct kc_buf b;
        kc_buf_init(&b, EXPECT_TEXT_MAX);
        kc_buf_printf(&b, "%s [expected-failure entry expired %s: %s]",
                      f->message ? f->message : "", x->expires, x->reason);
        char *m = kc_buf_take(&b);
        if (!m)
            return -1;
        free(f->message);
        f->message = m;
    }
    return 0;
}

/* The entries of each case, found in constant time: entry indices sorted
 * by case id (then by position, so that a case's entries keep their file
 * order) and a hash table from case id to its run of indices. Applying an
 * expectation file is then linear in the testcases. */
struct run {
    const char *case_id; /* NULL: a free slot */
    size_t start, end;   /* into order[] */
};

struct entry_ref {
    const char *case_id;
    size_t k; /* into e->entries */
};

struct apply {
    const struct kc_expect *e;
    struct entry_state *st;
    struct entry_ref *order;
    struct run *runs; /* open addressing, a power of two */
    size_t cap;
};

static int by_case(const void *a, const void *b)
{
    const struct entry_ref *x = a, *y = b;
    int c = strcmp(x->case_id, y->case_id);
    return c ? c : (x->k > y->k) - (x->k < y->k);
}

static size_t str_hash(const char *s)
{
    size_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

static struct run *run_slot(const struct apply *a, const char *case_id)
{
    size_t i = str_hash(case_id) & (a->cap - 1);
    while (a->runs[i].case_id && strcmp(a->runs[i].case_id, case_id))
        i = (i + 1) & (a->cap - 1);
    return &a->runs[i];
}

static int apply_init(struct apply *a, const struct kc_expect *e)
{
    size_t n = e->nentries;
    a->e = e;
    a->cap = 16;
    while (a->cap < 2 * n)
        a->cap *= 2;
    a->st = calloc(n + 1, sizeof(*a->st));
    a->order = calloc(n + 1, sizeof(*a->order));
    a->runs = calloc(a->cap, sizeof(*a->runs));
    if (!a->st || !a->order || !a->runs)
        return -1;
    for (size_t k = 0; k < n; k++)
        a->order[k] = (struct entry_ref){e->entries[k].case_id, k};
    qsort(a->order, n, sizeof(*a->order), by_case);
    for (size_t j = 0; j < n; j++) {
        struct run *r = run_slot(a, a->order[j].case_id);
        if (!r->case_id)
            *r = (struct run){a->order[j].case_id, j, j};
        r->end = j + 1;
    }
    return 0;
}

static void apply_dispose(struct apply *a)
{
    free(a->st);
    free(a->order);
    free(a->runs);
}

/* The entries of tc's case: a->order[r.start .. r.end). */
static struct run case_entries(const struct apply *a,
                               const struct kc_testcase *tc)
{
    struct run none = {NULL, 0, 0};
    if (!tc->case_id)
        return none;
    struct run *r = run_slot(a, tc->case_id);
    return r->case_id ? *r : none;
}

/* Marks the entries that cover a failed check of tc as hit. True when
 * every failed check is covered; *any_expired when an expired entry is
 * among them. */
static bool mark_hits(struct apply *a, struct run r,
                      const struct kc_testcase *tc, bool *any_expired)
{
    bool all = tc->nfailures > 0;
    *any_expired = false;
    for (size_t i = 0; i < tc->nfailures; i++) {
        bool cov = false;
        for (size_t j = r.start; j < r.end; j++) {
            size_t k = a->order[j].k;
            const struct kc_expect_entry *x = &a->e->entries[k];
            if (!entry_matches(x, tc) || !covers(x, tc->failures[i].check))
                continue;
            cov = true;
            a->st[k].hit = true;
            *any_expired = *any_expired || a->st[k].expired;
        }
        all = all && cov;
    }
    return all;
}

/* tc stays failing: each expired entry of its case says so in the messages
 * of the failures it covers, and is counted once. */
static int note_expired(struct apply *a, struct run r, struct kc_testcase *tc,
                        struct kc_expect_outcome *out)
{
    for (size_t j = r.start; j < r.end; j++) {
        size_t k = a->order[j].k;
        const struct kc_expect_entry *x = &a->e->entries[k];
        struct entry_state *st = &a->st[k];
        if (!st->expired || !st->hit || !entry_matches(x, tc))
            continue;
        if (mark_expired(tc, x))
            return -1;
        if (!st->counted_expired &&
            push_label(&out->expired_ids, out->expired, x))
            return -1;
        out->expired += !st->counted_expired;
        st->counted_expired = true;
    }
    return 0;
}

/* tc becomes an expected-failure skip whose reason is the entries'
 * reasons and the checks they cover. */
static int skip_expected(const struct apply *a, struct run r,
                         struct kc_testcase *tc, struct kc_expect_outcome *out)
{
    struct kc_buf b;
    kc_buf_init(&b, EXPECT_TEXT_MAX);
    for (size_t j = r.start; j < r.end; j++) {
        size_t k = a->order[j].k;
        const struct kc_expect_entry *x = &a->e->entries[k];
        if (entry_matches(x, tc) && a->st[k].hit &&
            !strstr(kc_buf_str(&b), x->reason))
            kc_buf_printf(&b, "%s%s", b.len ? "; " : "", x->reason);
    }
    kc_buf_puts(&b, " (checks: ");
    for (size_t i = 0; i < tc->nfailures; i++)
        kc_buf_printf(&b, "%s%s", i ? ", " : "", tc->failures[i].check);
    kc_buf_putc(&b, ')');
    char *reason = kc_buf_take(&b);
    int rc = reason ? kc_testcase_set_skip(tc, "expected-failure", reason) : -1;
    free(reason);
    out->applied += rc == 0;
    return rc;
}

/* One testcase: notes which entries saw it run, and applies them when it
 * failed. */
static int apply_case(struct apply *a, struct kc_testcase *tc,
                      struct kc_expect_outcome *out)
{
    struct run r = case_entries(a, tc);
    for (size_t j = r.start; j < r.end; j++) {
        size_t k = a->order[j].k;
        if (tc->outcome != KC_OUTCOME_SKIP &&
            entry_matches(&a->e->entries[k], tc))
            a->st[k].seen = true;
    }
    if (tc->outcome != KC_OUTCOME_FAIL && tc->outcome != KC_OUTCOME_ERROR)
        return 0;
    bool any_expired;
    bool all = mark_hits(a, r, tc, &any_expired);
    if (any_expired)
        return note_expired(a, r, tc, out);
    return all ? skip_expected(a, r, tc, out) : 0;
}

static void utc_date(time_t now, char out[11])
{
    struct tm tm;
    gmtime_r(&now, &tm);
    if (!strftime(out, 11, "%Y-%m-%d", &tm))
        snprintf(out, 11, "9999-12-31");
}

int kc_expect_apply(const struct kc_expect *e, struct kc_report *r, time_t now,
                    struct kc_expect_outcome *out)
{
    int rc = -1;
    char today[11];
    struct apply a = {0};
    memset(out, 0, sizeof(*out));
    utc_date(now, today);
    if (apply_init(&a, e))
        goto out;
    for (size_t k = 0; k < e->nentries; k++)
        a.st[k].expired =
            e->entries[k].expires && strcmp(e->entries[k].expires, today) < 0;
    for (size_t i = 0; i < r->ncases; i++) {
        if (apply_case(&a, &r->cases[i], out))
            goto out;
    }
    for (size_t k = 0; k < e->nentries; k++) {
        if (a.st[k].hit)
            continue;
        if (!a.st[k].seen) {
            out->unmatched++;
            continue;
        }
        if (push_label(&out->stale_ids, out->stale, &e->entries[k]))
            goto out;
        out->stale++;
    }
    rc = 0;
out:
    apply_dispose(&a);
    return rc;
}

static void free_list(char **l)
{
    for (size_t i = 0; l && l[i]; i++)
        free(l[i]);
    free(l);
}

void kc_expect_outcome_dispose(struct kc_expect_outcome *o)
{
    free_list(o->stale_ids);
    free_list(o->expired_ids);
    memset(o, 0, sizeof(*o));
}

/* ------------------------------------------------------------------ */
/* Generation                                                          */

struct gen {
    const char *case_id, *format, *check, *message;
};

static int cmp_str0(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_gen(const void *a, const void *b)
{
    const struct gen *x = a, *y = b;
    int c = cmp_str0(x->case_id, y->case_id);
    if (!c)
        c = cmp_str0(x->format, y->format);
    return c ? c : cmp_str0(x->check, y->check);
}

static cJSON *gen_entry(const struct gen *g, const char *target)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char reason[EXPECT_REASON_MAX];
    snprintf(reason, sizeof(reason), "%s%s%s", target ? target : "",
             target ? ": " : "",
             g->message && g->message[0] ? g->message : "known failure");
    cJSON_AddStringToObject(o, "case", g->case_id);
    if (g->format)
        cJSON_AddStringToObject(o, "format", g->format);
    cJSON_AddStringToObject(o, "check", g->check);
    cJSON_AddStringToObject(o, "reason", reason);
    return o;
}

char *kc_expect_from_report(const struct kc_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncases; i++)
        n += r->cases[i].nfailures;
    struct gen *g = calloc(n + 1, sizeof(*g));
    cJSON *root = cJSON_CreateObject();
    char *text = NULL;
    if (!g || !root)
        goto out;
    n = 0;
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        if (tc->outcome != KC_OUTCOME_FAIL && tc->outcome != KC_OUTCOME_ERROR)
            continue;
        for (size_t k = 0; k < tc->nfailures; k++)
            g[n++] =
                (struct gen){tc->case_id ? tc->case_id : tc->name, tc->format,
                             tc->failures[k].check, tc->failures[k].message};
    }
    qsort(g, n, sizeof(*g), cmp_gen);
    cJSON_AddNumberToObject(root, "version", 1);
    cJSON *arr = cJSON_AddArrayToObject(root, "expectations");
    const char *target = kc_report_prop(r, "kmsconf.target");
    for (size_t i = 0; arr && i < n; i++) {
        if (i && !cmp_gen(&g[i - 1], &g[i]))
            continue;
        cJSON *o = gen_entry(&g[i], target);
        if (!o)
            goto out;
        cJSON_AddItemToArray(arr, o);
    }
    text = cJSON_Print(root);
out:
    cJSON_Delete(root);
    free(g);
    return text;
}

/* ------------------------------------------------------------------ */
/* Generation from a stream                                             */

/* What a failing testcase gives its entries: shared by its failures. */
struct sgen_case {
    const char *case_id, *format, *classname, *name;
    size_t seq; /* its place in the file */
};

/* One failed check. */
struct sgen {
    const struct sgen_case *tc;
    const char *check, *message;
    size_t k; /* its place among the testcase's failures */
};

struct kc_expect_gen {
    struct kc_arena a; /* every string and sgen_case */
    struct sgen *v;
    size_t n, cap;
    size_t seq;
    int oom;
};

struct kc_expect_gen *kc_expect_gen_new(void)
{
    return calloc(1, sizeof(struct kc_expect_gen));
}

void kc_expect_gen_free(struct kc_expect_gen *g)
{
    if (!g)
        return;
    kc_arena_free(&g->a);
    free(g->v);
    free(g);
}

static int sgen_push(struct kc_expect_gen *g, const struct sgen *x)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 256;
        struct sgen *v = realloc(g->v, cap * sizeof(*v));
        if (!v)
            return -1;
        g->v = v;
        g->cap = cap;
    }
    g->v[g->n++] = *x;
    return 0;
}

int kc_expect_gen_add(struct kc_expect_gen *g, const struct kc_testcase *tc)
{
    size_t seq = g->seq++;
    if ((tc->outcome != KC_OUTCOME_FAIL && tc->outcome != KC_OUTCOME_ERROR) ||
        !tc->nfailures)
        return 0;
    struct sgen_case *c = kc_arena_alloc(&g->a, sizeof(*c));
    if (!c)
        return -1;
    int oom = 0;
    *c = (struct sgen_case){
        kc_arena_strdup(&g->a, tc->case_id ? tc->case_id : tc->name, &oom),
        kc_arena_strdup(&g->a, tc->format, &oom),
        kc_arena_strdup(&g->a, tc->classname, &oom),
        kc_arena_strdup(&g->a, tc->name, &oom), seq};
    for (size_t k = 0; k < tc->nfailures && !oom; k++) {
        const struct kc_failure *x = &tc->failures[k];
        struct sgen s = {c, kc_arena_strdup(&g->a, x->check, &oom),
                         kc_arena_strdup(&g->a, x->message, &oom), k};
        if (!oom && sgen_push(g, &s))
            oom = 1;
    }
    return oom ? -1 : 0;
}

static int cmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

/* (case, format, check) as cmp_gen, then the order the whole report would
 * hand them to it: the testcase's JUnit names (a report read whole is
 * sorted by them, stably), its place in the file, the failure's place. */
static int cmp_sgen(const void *a, const void *b)
{
    const struct sgen *x = a, *y = b;
    struct gen gx = {x->tc->case_id, x->tc->format, x->check, NULL};
    struct gen gy = {y->tc->case_id, y->tc->format, y->check, NULL};
    int c = cmp_gen(&gx, &gy);
    if (!c)
        c = cmp_null(x->tc->classname, y->tc->classname);
    if (!c)
        c = cmp_null(x->tc->name, y->tc->name);
    if (!c)
        c = (x->tc->seq > y->tc->seq) - (x->tc->seq < y->tc->seq);
    return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* s as cJSON_Print writes a string. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\b':
            fputs("\\b", f);
            break;
        case '\f':
            fputs("\\f", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 32)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* One member of an entry, as cJSON_Print writes it; none for a NULL value
 * (cJSON_AddStringToObject adds nothing then). */
static void json_member(FILE *f, const char *key, const char *v, bool last)
{
    if (!v)
        return;
    fprintf(f, "\t\t\t\"%s\":\t", key);
    json_str(f, v);
    fputs(last ? "\n" : ",\n", f);
}

static void sgen_entry(FILE *f, const struct sgen *g, const char *target)
{
    char reason[EXPECT_REASON_MAX];
    snprintf(reason, sizeof(reason), "%s%s%s", target ? target : "",
             target ? ": " : "",
             g->message && g->message[0] ? g->message : "known failure");
    fputs("{\n", f);
    json_member(f, "case", g->tc->case_id, false);
    json_member(f, "format", g->tc->format, false);
    json_member(f, "check", g->check, false);
    json_member(f, "reason", reason, true);
    fputs("\t\t}", f);
}

char *kc_expect_gen_text(struct kc_expect_gen *g, const struct kc_report *hdr,
                         size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    const char *target = kc_report_prop(hdr, "kmsconf.target");

    if (!f)
        return NULL;
    if (g->n > 1)
        qsort(g->v, g->n, sizeof(*g->v), cmp_sgen);
    fputs("{\n\t\"version\":\t1,\n\t\"expectations\":\t[", f);
    for (size_t i = 0, out = 0; i < g->n; i++) {
        struct gen a = {g->v[i].tc->case_id, g->v[i].tc->format, g->v[i].check,
                        NULL};
        struct gen b = {i ? g->v[i - 1].tc->case_id : NULL,
                        i ? g->v[i - 1].tc->format : NULL,
                        i ? g->v[i - 1].check : NULL, NULL};
        if (i && !cmp_gen(&a, &b))
            continue;
        if (out++)
            fputs(", ", f);
        sgen_entry(f, &g->v[i], target);
    }
    fputs("]\n}\n", f);
    if (fclose(f) || !text) {
        free(text);
        return NULL;
    }
    *len = n;
    return text;
}

static int sgen_each(void *ud, const struct kc_report *hdr,
                     struct kc_testcase *tc)
{
    (void)hdr;
    return kc_expect_gen_add(ud, tc) ? 2 : 0;
}

int kc_expect_from_file(const char *path, char **text, size_t *len, char *err,
                        size_t errlen)
{
    struct kc_expect_gen *g = kc_expect_gen_new();
    struct kc_report *hdr = NULL;
    int rc = -1;

    *text = NULL;
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = kc_results_each_any(path, KC_JUNIT_READ_NO_TRANSCRIPT, sgen_each, g,
                             &hdr, err, errlen);
    if (rc == 1)
        snprintf(err, errlen, "out of memory");
    if (rc == 0) {
        *text = kc_expect_gen_text(g, hdr, len);
        if (!*text)
            snprintf(err, errlen, "out of memory");
    }
    rc = *text ? 0 : -1;
    kc_report_free(hdr);
    kc_expect_gen_free(g);
    return rc;
}
