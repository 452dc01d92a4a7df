#include "opts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kc/err.h"
#include "locate.h"

#define OPTS_PATH_MAX 4096 /* a folder or file path built here */

static const struct kc_opt *find_opt(const struct kc_opt *opts, size_t nopts,
                                     const char *arg, size_t n)
{
    for (size_t i = 0; i < nopts; i++) {
        if (strlen(opts[i].name) == n && !strncmp(opts[i].name, arg, n))
            return &opts[i];
    }
    return NULL;
}

/* Handles argv[*i] (an option); advances *i past a separate value. */
static int one_opt(const char *cmd, const struct kc_opt *opts, size_t nopts,
                   int argc, char **argv, int *i, kc_opt_fn fn, void *ctx)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct kc_opt *o = find_opt(opts, nopts, arg, n);
    const char *value = NULL;

    if (!o) {
        fprintf(stderr, "kmsconf %s: unknown option '%.*s' (see --help)\n", cmd,
                (int)n, arg);
        return -1;
    }
    if (o->metavar && eq) {
        value = eq + 1;
    } else if (o->metavar) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "kmsconf %s: option '%s' needs a value (%s)\n", cmd,
                    o->name, o->metavar);
            return -1;
        }
        value = argv[++*i];
    } else if (eq) {
        fprintf(stderr, "kmsconf %s: option '%s' takes no value\n", cmd,
                o->name);
        return -1;
    }
    return fn(ctx, o->id, value);
}

int kc_opts_parse(const char *cmd, const struct kc_opt *opts, size_t nopts,
                  int argc, char **argv, kc_opt_fn fn, void *ctx,
                  const char ***pos, size_t *npos)
{
    const char **p = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*p));
    bool only_pos = false;
    size_t np = 0;

    *pos = NULL;
    *npos = 0;
    if (!p) {
        fprintf(stderr, "kmsconf %s: out of memory\n", cmd);
        return -1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || !a[1]) {
            p[np++] = a;
        } else if (!strcmp(a, "--")) {
            only_pos = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            free(p);
            return 1;
        } else if (one_opt(cmd, opts, nopts, argc, argv, &i, fn, ctx) != 0) {
            free(p);
            return -1;
        }
    }
    *pos = p;
    *npos = np;
    return 0;
}

enum kc_exit kc_opts_parse_exit(int rc)
{
    return rc == 1 ? KC_EXIT_OK : KC_EXIT_USAGE;
}

void kc_opts_usage(FILE *out, const char *usage, const char *about,
                   const struct kc_opt *opts, size_t nopts)
{
    char left[64];

    fprintf(out, "usage: kmsconf %s\n\n%s\n\noptions:\n", usage, about);
    for (size_t i = 0; i < nopts; i++) {
        snprintf(left, sizeof(left), "%s%s%s", opts[i].name,
                 opts[i].metavar ? " " : "",
                 opts[i].metavar ? opts[i].metavar : "");
        fprintf(out, "  %-22s %s\n", left, opts[i].help);
    }
    fprintf(out, "  %-22s %s\n", "-h, --help", "show this help");
}

int kc_opts_select(const char *cmd, struct kc_select *s, int id,
                   const char *value)
{
    char err[KC_ERR_MAX];
    int rc;

    switch (id - KC_OPT_SELECT_BASE) {
    case 0:
        rc = kc_select_add_only(s, value, err, sizeof(err));
        break;
    case 1:
        rc = kc_select_add_tag(s, value, err, sizeof(err));
        break;
    case 2:
        rc = kc_select_add_skip_tag(s, value, err, sizeof(err));
        break;
    case 3:
        s->read_only = true;
        return 0;
    case 4:
        rc = kc_select_set_shard(s, value, err, sizeof(err));
        break;
    default:
        return 1;
    }
    if (rc != 0)
        fprintf(stderr, "kmsconf %s: %s\n", cmd, err);
    return rc;
}

const char *kc_opts_cases_dir(const char *given)
{
    return given ? given : kc_locate(KC_LOCATE_CASES, NULL, 0);
}

const char *kc_opts_suite_dir(const char *given)
{
    return given ? given : kc_locate(KC_LOCATE_SUITE, NULL, 0);
}

/* "kmsconf <cmd>: no <what> found (looked in ...)" for a NULL folder. */
static int report_missing(const char *cmd, enum kc_locate_item item,
                          const char *what)
{
    char looked[KC_LOCATE_LOOKED_MAX];

    if (kc_locate(item, looked, sizeof(looked)))
        return 0;
    fprintf(stderr, "kmsconf %s: no %s found (looked in %s)\n", cmd, what,
            looked);
    return -1;
}

/* dir relative to the working folder when it lies below it (shorter
 * messages: "cases/keys/x.json"), else dir itself. */
static const char *below_cwd(const char *dir, char *cwd, size_t len)
{
    size_t n;

    if (dir[0] != '/' || !getcwd(cwd, len))
        return dir;
    n = strlen(cwd);
    if (n > 1 && !strncmp(dir, cwd, n) && dir[n] == '/' && dir[n + 1])
        return dir + n + 1;
    return dir;
}

enum kc_exit kc_opts_load(const char *cmd, const char *suite_dir,
                          const char *cases_dir, const char *const *paths,
                          size_t npaths, struct kc_catalog **cat,
                          struct kc_caseset *set, FILE *out, size_t *nissues)
{
    char path[OPTS_PATH_MAX], err[KC_ERR_MAX], cwd[OPTS_PATH_MAX];
    struct kc_issues is;
    int rc;

    if (nissues)
        *nissues = 0;
    if ((!suite_dir && report_missing(cmd, KC_LOCATE_SUITE,
                                      "suite folder with catalog.json")) ||
        (!cases_dir && npaths == 0 &&
         report_missing(cmd, KC_LOCATE_CASES, "cases folder")))
        return KC_EXIT_USAGE;
    snprintf(path, sizeof(path), "%s/catalog.json", suite_dir);
    if (kc_catalog_load(cat, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "kmsconf %s: %s\n", cmd, err);
        return KC_EXIT_USAGE;
    }
    if (npaths == 0) {
        cases_dir = below_cwd(cases_dir, cwd, sizeof(cwd));
        paths = &cases_dir;
        npaths = 1;
    }
    kc_issues_init(&is);
    rc = kc_case_load_paths(set, paths, npaths, *cat, &is);
    for (size_t i = 0; i < is.n; i++)
        fprintf(out, "%s\n", is.lines[i]);
    if (nissues)
        *nissues = is.n;
    if (rc < 0)
        fprintf(stderr, "kmsconf %s: out of memory\n", cmd);
    kc_issues_dispose(&is);
    return rc == 0 ? KC_EXIT_OK : KC_EXIT_USAGE;
}
