/*
 * rs_ops_keys: the operations on keys themselves.
 * Private to rs_core: rs_ops_call() dispatches to them (ops.c). Each
 * returns 0 with the result or a documented error recorded in o, -1 when
 * the server itself failed.
 */
#ifndef RS_OPS_KEYS_H
#define RS_OPS_KEYS_H

#include "op.h"

/* CreateKey: KeySpec, Origin, ProtectionLevel, rotation; the new key's
 * KeyMetadata. */
int rs_ops_keys_create(struct rs_op *o);
/* DescribeKey: KeyMetadata of a key (id, ARN or alias). */
int rs_ops_keys_describe(struct rs_op *o);
/* ListKeys: one page of the scope's keys. */
int rs_ops_keys_list(struct rs_op *o);
/* EnableKey and DisableKey (not PendingDeletion or PendingImport). */
int rs_ops_keys_enable(struct rs_op *o);
int rs_ops_keys_disable(struct rs_op *o);
/* ScheduleKeyDeletion: PendingWindowInDays 7..366. */
int rs_ops_keys_schedule_deletion(struct rs_op *o);
/* CancelKeyDeletion: back to Enabled, or PendingImport without material. */
int rs_ops_keys_cancel_deletion(struct rs_op *o);
/* UpdateKeyDescription. */
int rs_ops_keys_update_description(struct rs_op *o);

#endif
