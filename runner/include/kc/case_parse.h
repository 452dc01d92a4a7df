/*
 * kc_case_parse: the case-file parser, which is also `kmsconf lint`'s
 * validator (docs/case-format.md).
 *
 * One JSON object per file. Parsing validates everything `kmsconf lint`
 * checks: JSON syntax, unknown and repeated keys at every level, types,
 * required keys, error codes against the catalog, credential and
 * capability names, omit names, signature modes, wait_ms range, variables
 * (each ${x} must be built-in or saved by an earlier step; each saved
 * variable must be used later), id syntax, expect.args placeholders.
 * Duplicate ids across files are kc_caseset_finish()'s (kc/case.h).
 *
 * Every problem becomes one line of a struct kc_issues (kc/issues.h):
 * "<file>: <JSON path>: <what>".
 */
#ifndef KC_CASE_PARSE_H
#define KC_CASE_PARSE_H

#include <stddef.h>

#include "kc/case.h"
#include "kc/catalog.h"
#include "kc/issues.h"

/*
 * Parses and lints one case from len bytes of json; display names the file
 * in messages and becomes the case's file. A valid case is appended to set.
 * Problems are appended to issues. Returns 0 when the case was valid, 1
 * when it had problems (nothing appended), -1 when out of memory. cat may
 * not be NULL.
 */
int kc_case_parse(struct kc_caseset *set, const char *json, size_t len,
                  const char *display, const struct kc_catalog *cat,
                  struct kc_issues *issues);

#endif
