/*
 * Private to runner/src: the case-file validator behind kc_case_parse().
 */
#ifndef KC_CASE_LINT_H
#define KC_CASE_LINT_H

#include <cjson/cJSON.h>

#include "kc/case.h"

/*
 * Validates root (the parsed file) and fills c. Every problem is added to
 * issues as "<display>: <JSON path>: <what>". Returns 0 when valid, 1 when
 * problems were found, -1 when out of memory. c is filled partly even on
 * problems: the caller disposes it.
 */
int kc_case__lint(struct kc_case *c, const cJSON *root, const char *display,
                  const struct kc_catalog *cat, struct kc_issues *issues);

void kc_case__dispose(struct kc_case *c);
void kc_case__step_dispose(struct kc_step *s);

#endif
