/*
 * kc_merge's private parts shared by merge.c (in memory) and
 * merge_stream.c (streaming), so that both judge and word a conflict alike.
 */
#ifndef KC_MERGE_INT_H
#define KC_MERGE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/report.h"

/* True when two testcases of one name agree: same outcome, and the same
 * skip type or the same failed checks. */
bool kc_merge_same_result(const struct kc_testcase *a,
                          const struct kc_testcase *b);

/* The conflict error: a (read from a_name) came before b (from b_name). */
void kc_merge_conflict(char *err, size_t errlen, const struct kc_testcase *a,
                       const char *a_name, const struct kc_testcase *b,
                       const char *b_name);

#endif
