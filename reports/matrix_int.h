/*
 * kc_matrix's private parts, for the unit tests only.
 */
#ifndef KC_MATRIX_INT_H
#define KC_MATRIX_INT_H

#include <stddef.h>

struct kc_matrix;

/* Bytes the accumulator holds for cell states (its dense format slots and
 * the cells of the formats past them), and the number of dense slots. */
size_t kc_matrix_state_bytes(const struct kc_matrix *m, size_t *dense_formats);

#endif
