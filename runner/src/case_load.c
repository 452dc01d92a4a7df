/* kc_case_load: case files and folders into a set. */
#include "kc/case_load.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kc/case_parse.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"

#define PATHLIST_FIRST_CAP 64

int kc_case_load_file(struct kc_caseset *set, const char *path,
                      const struct kc_catalog *cat, struct kc_issues *issues)
{
    char err[KC_ERR_MAX];
    size_t len;
    char *text = kc_file_read(path, KC_JSON_FILE_MAX, KC_FILE_REGULAR, &len,
                              err, sizeof(err));
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

static void pathlist_dispose(struct pathlist *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        free(pl->v[i]);
    free(pl->v);
    memset(pl, 0, sizeof(*pl));
}

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
        size_t ncap = pl->cap ? pl->cap * 2 : PATHLIST_FIRST_CAP;
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

/* The folders already read, by device and inode, so that a symlink loop
 * (`ln -s .. up`) or two links to one folder read it once. */
struct folder_id {
    dev_t dev;
    ino_t ino;
};

struct walk {
    struct pathlist *pl;
    struct folder_id *seen;
    size_t nseen, capseen;
    struct kc_issues *issues;
};

/* 1 when the folder was read before, 0 when it is new (now recorded), -1
 * out of memory. */
static int walk_visit(struct walk *w, const struct stat *st)
{
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
            return 1;
    if (w->nseen == w->capseen) {
        size_t ncap = w->capseen ? w->capseen * 2 : PATHLIST_FIRST_CAP;
        struct folder_id *nv = realloc(w->seen, ncap * sizeof(*nv));
        if (!nv)
            return -1;
        w->seen = nv;
        w->capseen = ncap;
    }
    w->seen[w->nseen].dev = st->st_dev;
    w->seen[w->nseen].ino = st->st_ino;
    w->nseen++;
    return 0;
}

static int collect_sorted(struct walk *w, struct pathlist *here, int depth);

/* Collects *.json files below dir into w->pl. -1 out of memory, 1 when a
 * folder could not be read (reported), 0 otherwise. */
static int collect(struct walk *w, const char *dir, int depth)
{
    struct pathlist here = {0};
    struct dirent *de;
    struct stat st;
    DIR *d;
    int rc = 0;

    if (depth > KC_CASE_LOAD_DEPTH_MAX)
        return kc_issues_add(w->issues, "%s: folders nested too deep", dir) ? -1
                                                                            : 1;
    if (stat(dir, &st) == 0 && (rc = walk_visit(w, &st)) != 0)
        return rc < 0 ? -1 : 0;
    d = opendir(dir);
    if (!d)
        return kc_issues_add(w->issues, "%s: cannot open folder: %s", dir,
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
        rc = collect_sorted(w, &here, depth);
    pathlist_dispose(&here);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_sorted(struct walk *w, struct pathlist *here, int depth)
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
            r = collect(w, here->v[i], depth + 1);
        else if (S_ISREG(st.st_mode) && ends_with(here->v[i], ".json"))
            r = pathlist_add(w->pl, here->v[i], NULL) ? -1 : 0;
        if (r != 0)
            rc = r;
    }
    return rc;
}

int kc_case_load_dir(struct kc_caseset *set, const char *dir,
                     const struct kc_catalog *cat, struct kc_issues *issues)
{
    struct pathlist pl = {0};
    struct walk w = {.pl = &pl, .issues = issues};
    int rc = collect(&w, dir, 0);

    free(w.seen);

    for (size_t i = 0; i < pl.n && rc >= 0; i++) {
        int r = kc_case_load_file(set, pl.v[i], cat, issues);
        if (r != 0)
            rc = r;
    }
    pathlist_dispose(&pl);
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
