/* kc_locate: the suite, the cases and kms-refserver, found at run time. */
#include "locate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KC_INSTALL_BINDIR
#define KC_INSTALL_BINDIR "/usr/local/bin"
#endif
#ifndef KC_INSTALL_DATADIR
#define KC_INSTALL_DATADIR "/usr/local/share"
#endif

/* Per item: its variable, its path below a bin folder and below a data
 * folder (one of the two is NULL), and what must exist inside it. */
struct item_spec {
    const char *env;
    const char *below_bin;
    const char *below_data;
    const char *inside;
};

static const struct item_spec specs[] = {
    [KC_LOCATE_SUITE] = {"KMSCONF_SUITE_DIR", NULL, "kmsconf/suite",
                         "catalog.json"},
    [KC_LOCATE_CASES] = {"KMSCONF_CASES_DIR", NULL, "kmsconf/cases", NULL},
    [KC_LOCATE_REFSERVER] = {"KMSCONF_REFSERVER", "kms-refserver", NULL, NULL},
};

const char *kc_locate_env_name(enum kc_locate_item item)
{
    return specs[item].env;
}

/* The folder of the running executable into dir; false when unknown. */
static bool exe_dir(char *dir, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", dir, len - 1);
    char *slash;

    if (n <= 0 || (size_t)n >= len - 1)
        return false;
    dir[n] = '\0';
    slash = strrchr(dir, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return true;
}

static bool qualifies(const struct item_spec *s, const char *path)
{
    char inner[KC_LOCATE_PATH_MAX];
    struct stat st;
    int n;

    if (s->below_bin)
        return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
               access(path, X_OK) == 0;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    if (!s->inside)
        return true;
    n = snprintf(inner, sizeof(inner), "%s/%s", path, s->inside);
    return n > 0 && (size_t)n < sizeof(inner) && access(inner, R_OK) == 0;
}

static void note(char *looked, size_t len, const char *what)
{
    size_t n;

    if (!looked || !len)
        return;
    n = strlen(looked);
    snprintf(looked + n, len - n, "%s%s", n ? ", " : "", what);
}

/* Candidate k (0-based) of s into out; false past the last one. The
 * installed layout, the build tree, then the install prefix. */
static bool candidate(const struct item_spec *s, const char *exe, int k,
                      char *out, size_t len)
{
    static const char *const bin_rel[] = {"", "/../../refserver"};
    static const char *const data_rel[] = {"/../share", "/../../share"};
    const int nrel = 2;
    int n;

    if (k < nrel && s->below_bin)
        n = snprintf(out, len, "%s%s/%s", exe, bin_rel[k], s->below_bin);
    else if (k < nrel)
        n = snprintf(out, len, "%s%s/%s", exe, data_rel[k], s->below_data);
    else if (k == nrel && s->below_bin)
        n = snprintf(out, len, "%s/%s", KC_INSTALL_BINDIR, s->below_bin);
    else if (k == nrel)
        n = snprintf(out, len, "%s/%s", KC_INSTALL_DATADIR, s->below_data);
    else
        return false;
    if (n < 0 || (size_t)n >= len)
        out[0] = '\0'; /* too long: qualifies nothing */
    return true;
}

const char *kc_locate(enum kc_locate_item item, char *looked, size_t len)
{
    static char found[3][KC_LOCATE_PATH_MAX];
    const struct item_spec *s = &specs[item];
    const char *env = getenv(s->env);
    char exe[KC_LOCATE_PATH_MAX], path[KC_LOCATE_PATH_MAX];
    bool have_exe = exe_dir(exe, sizeof(exe));

    if (looked && len)
        looked[0] = '\0';
    if (env && env[0])
        return env;
    snprintf(path, sizeof(path), "$%s (unset)", s->env);
    note(looked, len, path);
    for (int k = have_exe ? 0 : 2; candidate(s, exe, k, path, sizeof(path));
         k++) {
        if (qualifies(s, path)) {
            memcpy(found[item], path, sizeof(path));
            return found[item];
        }
        note(looked, len, path);
    }
    return NULL;
}

const char *kc_locate_catalog(const char *given, const char *cmd, char *buf,
                              size_t len)
{
    char looked[KC_LOCATE_LOOKED_MAX];
    const char *suite;

    if (given)
        return given;
    suite = kc_locate(KC_LOCATE_SUITE, looked, sizeof(looked));
    if (!suite) {
        fprintf(stderr,
                "kmsconf %s: no suite folder with catalog.json found "
                "(looked in %s)\n",
                cmd, looked);
        return NULL;
    }
    snprintf(buf, len, "%s/catalog.json", suite);
    return buf;
}
