/*
 * kc_locate: where kmsconf finds its data and kms-refserver at run time.
 *
 * Nothing is compiled in but the install prefix. Each item is looked for,
 * in order:
 *   1. its environment variable (KMSCONF_SUITE_DIR, KMSCONF_CASES_DIR,
 *      KMSCONF_REFSERVER), taken as given when set and not empty;
 *   2. relative to the running executable (/proc/self/exe): the installed
 *      layout (bin/kmsconf beside bin/kms-refserver and share/kmsconf/) and
 *      the build-tree layout (runner/cli/kmsconf, refserver/kms-refserver,
 *      and the share/kmsconf links the build makes to the source data);
 *   3. the install prefix chosen at configure time (KC_INSTALL_BINDIR,
 *      KC_INSTALL_DATADIR).
 * A suite folder counts when it holds catalog.json, a cases folder when it
 * is a folder, kms-refserver when it is an executable file.
 *
 * Example:
 *   char looked[KC_LOCATE_LOOKED_MAX];
 *   const char *rs = kc_locate(KC_LOCATE_REFSERVER, looked, sizeof(looked));
 *   if (!rs) fprintf(stderr, "kms-refserver not found (looked in %s)\n",
 *                    looked);
 */
#ifndef KC_LOCATE_H
#define KC_LOCATE_H

#include <stddef.h>

#define KC_LOCATE_PATH_MAX   4096 /* one candidate path */
#define KC_LOCATE_LOOKED_MAX 2048 /* the "looked in" list of a failure */

enum kc_locate_item {
    KC_LOCATE_SUITE,     /* the folder with catalog.json */
    KC_LOCATE_CASES,     /* the folder of case files */
    KC_LOCATE_REFSERVER, /* the kms-refserver executable */
};

/*
 * The path of item (static storage, valid until the next call for the same
 * item), or NULL when no candidate qualifies; then looked (may be NULL)
 * receives the places tried, comma-separated ("$KMSCONF_REFSERVER (unset),
 * /opt/x/bin/kms-refserver, ..."), cut to len.
 */
const char *kc_locate(enum kc_locate_item item, char *looked, size_t len);

/* The catalog a report tool reads: given (--catalog) when not NULL, else
 * catalog.json of the located suite, written into buf. NULL after printing
 * "kmsconf <cmd>: no suite folder with catalog.json found (looked in ...)"
 * on stderr. */
const char *kc_locate_catalog(const char *given, const char *cmd, char *buf,
                              size_t len);

/* The environment variable that names item ("KMSCONF_SUITE_DIR", ...). */
const char *kc_locate_env_name(enum kc_locate_item item);

#endif
