#include "opts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kc/err.h"
#include "kc/suggest.h"
#include "locate.h"

#define OPTS_PATH_MAX 4096 /* a folder or file path built here */
#define KC_OPTS_LEFT  24   /* width of the option column of --help */

/* The long name of row o ("--jobs" of "-j, --jobs"). */
static const char *long_name(const struct kc_opt *o)
{
    const char *comma = strstr(o->name, ", ");
    return comma ? comma + 2 : o->name;
}

/* Whether row o has the short name "-x" (its name starts "-x, "). */
static bool has_short(const struct kc_opt *o, char x)
{
    return o->name[0] == '-' && o->name[1] == x && o->name[2] == ',';
}

static const struct kc_opt *find_long(const struct kc_opt *opts, size_t nopts,
                                      const char *arg, size_t n)
{
    for (size_t i = 0; i < nopts; i++) {
        const char *name = long_name(&opts[i]);
        if (strlen(name) == n && !strncmp(name, arg, n))
            return &opts[i];
    }
    return NULL;
}

static const struct kc_opt *find_short(const struct kc_opt *opts, size_t nopts,
                                       char x)
{
    for (size_t i = 0; i < nopts; i++) {
        if (has_short(&opts[i], x))
            return &opts[i];
    }
    return NULL;
}

/* "kmsconf CMD: unknown option '--jbos' (did you mean '--jobs'?)". */
static int unknown_opt(const char *cmd, const struct kc_opt *opts, size_t nopts,
                       const char *arg, size_t n)
{
    const char *names[KC_OPTS_MAX + 1];
    char word[KC_SUGGEST_WORD_MAX + 1];
    const char *near;
    size_t k = 0;

    for (size_t i = 0; i < nopts && k < KC_OPTS_MAX; i++)
        names[k++] = long_name(&opts[i]);
    names[k++] = "--help";
    snprintf(word, sizeof(word), "%.*s", (int)n, arg);
    near = n <= KC_SUGGEST_WORD_MAX ? kc_suggest(word, names, k) : NULL;
    if (near)
        fprintf(stderr,
                "kmsconf %s: unknown option '%.*s' (did you mean '%s'?)\n", cmd,
                (int)n, arg, near);
    else
        fprintf(stderr, "kmsconf %s: unknown option '%.*s' (see --help)\n", cmd,
                (int)n, arg);
    return -1;
}

/* The row argv[*i] names, and its attached value (after '=' of a long
 * option, after the letter of a short one: "-j3"), NULL when none. */
static const struct kc_opt *lookup(const char *cmd, const struct kc_opt *opts,
                                   size_t nopts, const char *arg,
                                   const char **attached)
{
    const struct kc_opt *o;
    size_t n;

    *attached = NULL;
    if (arg[1] != '-') { /* "-j", "-j3" */
        o = find_short(opts, nopts, arg[1]);
        if (!o)
            unknown_opt(cmd, opts, nopts, arg, 2);
        else if (arg[2])
            *attached = arg + 2;
        return o;
    }
    n = strcspn(arg, "=");
    o = find_long(opts, nopts, arg, n);
    if (!o)
        unknown_opt(cmd, opts, nopts, arg, n);
    else if (arg[n] == '=')
        *attached = arg + n + 1;
    return o;
}

/* Handles argv[*i] (an option); advances *i past a separate value. */
static int one_opt(const char *cmd, const struct kc_opt *opts, size_t nopts,
                   int argc, char **argv, int *i, kc_opt_fn fn, void *ctx)
{
    const char *value = NULL;
    const struct kc_opt *o = lookup(cmd, opts, nopts, argv[*i], &value);

    if (!o)
        return -1;
    if (!o->metavar && value) {
        fprintf(stderr, "kmsconf %s: option '%s' takes no value\n", cmd,
                long_name(o));
        return -1;
    }
    if (o->metavar && !value) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "kmsconf %s: option '%s' needs a value (%s)\n", cmd,
                    long_name(o), o->metavar);
            return -1;
        }
        value = argv[++*i];
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

/* Writes the len bytes of text from column col on, wrapped at spaces to
 * KC_OPTS_WIDTH columns, continuation lines indented to col; ends the
 * line. */
static void put_wrapped(FILE *out, const char *text, size_t len, size_t col)
{
    const char *end = text + len;
    size_t at = col;

    while (text < end) {
        size_t word = 0;
        while (text + word < end && text[word] != ' ')
            word++;
        if (at > col && at + 1 + word > KC_OPTS_WIDTH) {
            fprintf(out, "\n%*s", (int)col, "");
            at = col;
        } else if (at > col) {
            fputc(' ', out);
            at++;
        }
        fprintf(out, "%.*s", (int)word, text);
        at += word;
        text += word;
        while (text < end && *text == ' ')
            text++;
    }
    fputc('\n', out);
}

/* The about text, each of its lines wrapped. */
static void put_about(FILE *out, const char *about)
{
    while (*about) {
        size_t n = strcspn(about, "\n");
        put_wrapped(out, about, n, 0);
        about += n + (about[n] == '\n');
    }
}

void kc_opts_usage(FILE *out, const char *usage, const char *about,
                   const struct kc_opt *opts, size_t nopts)
{
    char left[64];

    fprintf(out, "usage: kmsconf %s\n\n", usage);
    put_about(out, about);
    fputs("\noptions:\n", out);
    for (size_t i = 0; i < nopts; i++) {
        /* a long option alone is indented as if it had a short one */
        int n = snprintf(left, sizeof(left), "%s%s%s%s",
                         strchr(opts[i].name, ',') ? "" : "    ", opts[i].name,
                         opts[i].metavar ? " " : "",
                         opts[i].metavar ? opts[i].metavar : "");
        if (n > KC_OPTS_LEFT)
            fprintf(out, "  %s\n%*s", left, KC_OPTS_LEFT + 3, "");
        else
            fprintf(out, "  %-*s ", KC_OPTS_LEFT, left);
        put_wrapped(out, opts[i].help, strlen(opts[i].help), KC_OPTS_LEFT + 3);
    }
    fprintf(out, "  %-*s %s\n", KC_OPTS_LEFT, "-h, --help", "show this help");
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
