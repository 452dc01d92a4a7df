/*
 * rs_ops_import: importing key material into EXTERNAL keys.
 * Private to rs_core: rs_ops_call() dispatches to them (ops.c). Each
 * returns 0 with the result or a documented error recorded in o, -1 when
 * the server itself failed.
 */
#ifndef RS_OPS_IMPORT_H
#define RS_OPS_IMPORT_H

#include "op.h"

/* GetParametersForImport: an import token and an RSA-2048 public key. */
int rs_ops_import_get_parameters(struct rs_op *o);
/* ImportKeyMaterial: the same material as a first import, if any. */
int rs_ops_import_key_material(struct rs_op *o);
/* DeleteKeyMaterial: the key goes to PendingImport. */
int rs_ops_import_delete_key_material(struct rs_op *o);

#endif
