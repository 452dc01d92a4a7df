#include "kc/case.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case_lint.h"
#include "kc/file.h"
#include "kc/json.h"
#include "kc/vars.h"

/* ---- issues ---- */

void kc_issues_init(struct kc_issues *is)
{
    memset(is, 0, sizeof(*is));
}

void kc_issues_dispose(struct kc_issues *is)
{
    for (size_t i = 0; i < is->n; i++)
        free(is->lines[i]);
    free(is->lines);
    memset(is, 0, sizeof(*is));
}

int kc_issues_add(struct kc_issues *is, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    if (is->n == is->cap) {
        size_t ncap = is->cap ? is->cap * 2 : 16;
        char **nl = realloc(is->lines, ncap * sizeof(*nl));
        if (!nl)
            return -1;
        is->lines = nl;
        is->cap = ncap;
    }
    is->lines[is->n] = strdup(line);
    if (!is->lines[is->n])
        return -1;
    is->n++;
    return 0;
}

/* ---- names ---- */

static const char *const common_names[] = {
    "Timestamp", "SignatureNonce",  "Version",          "Action", "AccessKeyId",
    "Signature", "SignatureMethod", "SignatureVersion", "Format"};

unsigned kc_common_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(common_names) / sizeof(common_names[0]);
         i++) {
        if (!strcmp(name, common_names[i]))
            return 1u << i;
    }
    return 0;
}

const char *kc_common_name(unsigned flag)
{
    for (size_t i = 0; i < sizeof(common_names) / sizeof(common_names[0]);
         i++) {
        if (flag == 1u << i)
            return common_names[i];
    }
    return NULL;
}

static bool lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool kc_case_name_valid(const char *name)
{
    if (!name || !lower_alnum(name[0]))
        return false;
    for (const char *p = name + 1; *p; p++) {
        if (!lower_alnum(*p) && *p != '.' && *p != '_' && *p != '-')
            return false;
    }
    return true;
}

bool kc_case_id_valid(const char *id)
{
    if (!id || !*id)
        return false;
    for (const char *p = id; *p; p++) {
        if (!lower_alnum(*p) && !strchr("./_-", *p))
            return false;
    }
    return true;
}

/* ---- model lifetime ---- */

static void kvs_free(struct kc_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].name);
        free(kv[i].value);
    }
    free(kv);
}

static void strs_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void kc_case__step_dispose(struct kc_step *s)
{
    free(s->action);
    kvs_free(s->params, s->nparams);
    free(s->credential);
    free(s->access_key_id);
    free(s->method);
    kvs_free(s->overrides, s->noverrides);
    free(s->raw_query);
    kvs_free(s->saves, s->nsaves);
    free(s->expect_error);
    kvs_free(s->expect_args, s->nexpect_args);
    memset(s, 0, sizeof(*s));
}

void kc_case__dispose(struct kc_case *c)
{
    free(c->id);
    free(c->error);
    free(c->summary);
    free(c->file);
    strs_free(c->tags, c->ntags);
    strs_free(c->req_credentials, c->nreq_credentials);
    strs_free(c->req_capabilities, c->nreq_capabilities);
    for (size_t i = 0; i < c->nsetup; i++)
        kc_case__step_dispose(&c->setup[i]);
    free(c->setup);
    kc_case__step_dispose(&c->probe);
    for (size_t i = 0; i < c->nteardown; i++)
        kc_case__step_dispose(&c->teardown[i]);
    free(c->teardown);
    memset(c, 0, sizeof(*c));
}

void kc_caseset_init(struct kc_caseset *set)
{
    memset(set, 0, sizeof(*set));
}

void kc_caseset_dispose(struct kc_caseset *set)
{
    for (size_t i = 0; i < set->n; i++)
        kc_case__dispose(&set->cases[i]);
    free(set->cases);
    memset(set, 0, sizeof(*set));
}

static int caseset_push(struct kc_caseset *set, struct kc_case *c)
{
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        struct kc_case *nc = realloc(set->cases, ncap * sizeof(*nc));
        if (!nc)
            return -1;
        set->cases = nc;
        set->cap = ncap;
    }
    set->cases[set->n++] = *c;
    memset(c, 0, sizeof(*c));
    return 0;
}

/* ---- loading ---- */

int kc_case_parse(struct kc_caseset *set, const char *json, size_t len,
                  const char *display, const struct kc_catalog *cat,
                  struct kc_issues *issues)
{
    struct kc_case c;
    char err[512];
    int rc;
    cJSON *root = kc_json_parse(json, len, display, err, sizeof(err));

    if (!root)
        return kc_issues_add(issues, "%s", err) ? -1 : 1;
    memset(&c, 0, sizeof(c));
    rc = kc_case__lint(&c, root, display, cat, issues);
    cJSON_Delete(root);
    if (rc == 0) {
        c.file = strdup(display);
        if (!c.file || caseset_push(set, &c) != 0)
            rc = -1;
    }
    kc_case__dispose(&c);
    return rc;
}

int kc_case_load_file(struct kc_caseset *set, const char *path,
                      const struct kc_catalog *cat, struct kc_issues *issues)
{
    char err[512];
    size_t len;
    char *text =
        kc_file_read(path, KC_JSON_FILE_MAX, 0, &len, err, sizeof(err));
    int rc;

    if (!text)
        return kc_issues_add(issues, "%s", err) ? -1 : 1;
    rc = kc_case_parse(set, text, len, path, cat, issues);
    free(text);
    return rc;
}

struct pathlist {
    char **v;
    size_t n;
    size_t cap;
};

static int pathlist_add(struct pathlist *pl, const char *dir, const char *name)
{
    size_t n = strlen(dir) + (name ? strlen(name) : 0) + 2;
    char *p = malloc(n);

    if (!p)
        return -1;
    if (name)
        snprintf(p, n, "%s/%s", dir, name);
    else
        snprintf(p, n, "%s", dir);
    if (pl->n == pl->cap) {
        size_t ncap = pl->cap ? pl->cap * 2 : 64;
        char **nv = realloc(pl->v, ncap * sizeof(*nv));
        if (!nv) {
            free(p);
            return -1;
        }
        pl->v = nv;
        pl->cap = ncap;
    }
    pl->v[pl->n++] = p;
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static int collect_sorted(struct pathlist *pl, struct pathlist *here, int depth,
                          struct kc_issues *issues);

/* Collects *.json files below dir into pl. -1 out of memory, 1 when a
 * folder could not be read (reported), 0 otherwise. */
static int collect(struct pathlist *pl, const char *dir, int depth,
                   struct kc_issues *issues)
{
    struct pathlist here = {0};
    struct dirent *de;
    DIR *d;
    int rc = 0;

    if (depth > 16)
        return kc_issues_add(issues, "%s: folders nested too deep", dir) ? -1
                                                                         : 1;
    d = opendir(dir);
    if (!d)
        return kc_issues_add(issues, "%s: cannot open folder: %s", dir,
                             strerror(errno))
                   ? -1
                   : 1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (pathlist_add(&here, dir, de->d_name) != 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    if (rc == 0)
        rc = collect_sorted(pl, &here, depth, issues);
    strs_free(here.v, here.n);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_sorted(struct pathlist *pl, struct pathlist *here, int depth,
                          struct kc_issues *issues)
{
    struct stat st;
    int rc = 0;

    if (here->n > 1)
        qsort(here->v, here->n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < here->n && rc >= 0; i++) {
        int r = 0;
        if (stat(here->v[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            r = collect(pl, here->v[i], depth + 1, issues);
        else if (S_ISREG(st.st_mode) && ends_with(here->v[i], ".json"))
            r = pathlist_add(pl, here->v[i], NULL) ? -1 : 0;
        if (r != 0)
            rc = r;
    }
    return rc;
}

int kc_case_load_dir(struct kc_caseset *set, const char *dir,
                     const struct kc_catalog *cat, struct kc_issues *issues)
{
    struct pathlist pl = {0};
    int rc = collect(&pl, dir, 0, issues);

    for (size_t i = 0; i < pl.n && rc >= 0; i++) {
        int r = kc_case_load_file(set, pl.v[i], cat, issues);
        if (r != 0)
            rc = r;
    }
    strs_free(pl.v, pl.n);
    return rc;
}

static int cmp_case(const void *a, const void *b)
{
    const struct kc_case *x = a, *y = b;
    int r = strcmp(x->id, y->id);
    return r ? r : strcmp(x->file, y->file);
}

int kc_caseset_finish(struct kc_caseset *set, struct kc_issues *issues)
{
    int rc = 0;

    if (set->n > 1)
        qsort(set->cases, set->n, sizeof(*set->cases), cmp_case);
    for (size_t i = 1; i < set->n; i++) {
        if (strcmp(set->cases[i - 1].id, set->cases[i].id) != 0)
            continue;
        if (kc_issues_add(issues, "%s: $.id: duplicate id \"%s\" (also in %s)",
                          set->cases[i].file, set->cases[i].id,
                          set->cases[i - 1].file) != 0)
            return -1;
        rc = 1;
    }
    return rc;
}

int kc_case_load_paths(struct kc_caseset *set, const char *const *paths,
                       size_t npaths, const struct kc_catalog *cat,
                       struct kc_issues *issues)
{
    struct stat st;
    int rc = 0, r;

    for (size_t i = 0; i < npaths && rc >= 0; i++) {
        if (stat(paths[i], &st) != 0)
            r = kc_issues_add(issues, "%s: %s", paths[i], strerror(errno)) ? -1
                                                                           : 1;
        else if (S_ISDIR(st.st_mode))
            r = kc_case_load_dir(set, paths[i], cat, issues);
        else
            r = kc_case_load_file(set, paths[i], cat, issues);
        if (r != 0)
            rc = r;
    }
    if (rc < 0)
        return rc;
    r = kc_caseset_finish(set, issues);
    return r != 0 ? r : rc;
}

const struct kc_case *kc_caseset_find(const struct kc_caseset *set,
                                      const char *id)
{
    size_t lo = 0, hi = set->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(id, set->cases[mid].id);
        if (r == 0)
            return &set->cases[mid];
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

bool kc_case_has_tag(const struct kc_case *c, const char *tag)
{
    for (size_t i = 0; i < c->ntags; i++) {
        if (!strcmp(c->tags[i], tag))
            return true;
    }
    return false;
}

static void add_unique(const char **out, size_t max, size_t *n,
                       const char *name)
{
    for (size_t i = 0; i < *n && i < max; i++) {
        if (!strcmp(out[i], name))
            return;
    }
    if (*n < max)
        out[*n] = name;
    (*n)++;
}

static void step_creds(const struct kc_step *s, size_t ns, const char **out,
                       size_t max, size_t *n)
{
    for (size_t i = 0; i < ns; i++) {
        if (s[i].credential && (s[i].action || s[i].raw_query))
            add_unique(out, max, n, s[i].credential);
    }
}

size_t kc_case_credentials(const struct kc_case *c, const char **out,
                           size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < c->nreq_credentials; i++)
        add_unique(out, max, &n, c->req_credentials[i]);
    step_creds(c->setup, c->nsetup, out, max, &n);
    step_creds(&c->probe, 1, out, max, &n);
    step_creds(c->teardown, c->nteardown, out, max, &n);
    return n;
}
