/*
 * rs_ops_aliases: the operations on aliases ("alias/" + 1..255 of
 * [a-zA-Z0-9:/_-], not "alias/acs..."). Private to rs_core: rs_ops_call()
 * dispatches to them (ops.c). Each returns 0 with the result or a documented
 * error recorded in o, -1 when the server itself failed.
 */
#ifndef RS_OPS_ALIASES_H
#define RS_OPS_ALIASES_H

#include "op.h"

/* CreateAlias: at most RS_ALIASES_PER_SCOPE per (account, region), no
 * limit per key. */
int rs_ops_aliases_create(struct rs_op *o);
/* UpdateAlias: points an existing alias at another key. */
int rs_ops_aliases_update(struct rs_op *o);
/* DeleteAlias. */
int rs_ops_aliases_delete(struct rs_op *o);
/* ListAliases: one page of the scope's aliases. */
int rs_ops_aliases_list(struct rs_op *o);
/* ListAliasesByKeyId: one page of a key's aliases. */
int rs_ops_aliases_list_by_key_id(struct rs_op *o);

#endif
