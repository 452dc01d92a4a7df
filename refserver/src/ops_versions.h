/*
 * rs_ops_versions: the operations on key versions.
 * Private to rs_core: rs_ops_call() dispatches to them (ops.c). Each
 * returns 0 with the result or a documented error recorded in o, -1 when
 * the server itself failed.
 */
#ifndef RS_OPS_VERSIONS_H
#define RS_OPS_VERSIONS_H

#include "op.h"

/* DescribeKeyVersion: KeyId and KeyVersionId. */
int rs_ops_versions_describe(struct rs_op *o);
/* ListKeyVersions: one page of a key's versions. */
int rs_ops_versions_list(struct rs_op *o);

#endif
