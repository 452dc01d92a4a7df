/*
 * kc_case_load: reading case files and folders of them into a set, through
 * kc_case_parse() (kc/case_parse.h). Read errors become issues like parse
 * problems do.
 */
#ifndef KC_CASE_LOAD_H
#define KC_CASE_LOAD_H

#include <stddef.h>

#include "kc/case.h"
#include "kc/catalog.h"
#include "kc/issues.h"

/* Folders nested deeper than this below a loaded folder are an issue. */
#define KC_CASE_LOAD_DEPTH_MAX 16

/* One file, at most KC_JSON_FILE_MAX bytes. Returns as kc_case_parse(). */
int kc_case_load_file(struct kc_caseset *set, const char *path,
                      const struct kc_catalog *cat, struct kc_issues *issues);
/*
 * Loads every *.json below dir, recursively, in sorted path order (so the
 * result is deterministic). Display paths are dir "/" relative path.
 * Returns 0 when all files were valid, 1 when some had problems, -1 on
 * out of memory.
 */
int kc_case_load_dir(struct kc_caseset *set, const char *dir,
                     const struct kc_catalog *cat, struct kc_issues *issues);
/*
 * What `kmsconf run` and `kmsconf lint` call: loads each path (file or
 * folder) then finishes the set (kc_caseset_finish). Returns 0 when
 * everything is valid, 1 when issues were found (the caller prints them
 * and exits 2), -1 out of memory.
 */
int kc_case_load_paths(struct kc_caseset *set, const char *const *paths,
                       size_t npaths, const struct kc_catalog *cat,
                       struct kc_issues *issues);

#endif
