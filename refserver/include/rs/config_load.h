/*
 * rs_config_load: the JSON configuration file of kms-refserver (--config,
 * docs/refserver.md) applied on top of a configuration. Every top-level
 * section present replaces the same section; the others stay. A document
 * that does not parse, holds an unknown key or a value of the wrong type
 * or range, or leaves the configuration inconsistent (rs_config_validate)
 * changes nothing.
 */
#ifndef RS_CONFIG_LOAD_H
#define RS_CONFIG_LOAD_H

#include <stddef.h>

#include "rs/config.h"

/* Largest configuration file read. */
#define RS_CONFIG_FILE_MAX (4u << 20)

/*
 * Applies the JSON document text to c. 0, or -1 with c unchanged and one
 * line in err naming the JSON path: "$.accounts[0].id: expected a
 * non-empty string", "$: not valid JSON (line 1, column 13)".
 */
int rs_config_load_json(struct rs_config *c, const char *text, char *err,
                        size_t errlen);

/* The same for the file at path (at most RS_CONFIG_FILE_MAX bytes, no NUL
 * byte); the message then starts with the path. */
int rs_config_load_file(struct rs_config *c, const char *path, char *err,
                        size_t errlen);

#endif
