/*
 * rs_config_dump: a configuration as the JSON document of --print-config
 * (docs/refserver.md): every section, credentials included, in a form that
 * rs_config_load_json() applied to the built-in default gives back.
 */
#ifndef RS_CONFIG_DUMP_H
#define RS_CONFIG_DUMP_H

#include "rs/config.h"

/* The configuration as pretty JSON (caller frees); NULL when out of
 * memory. */
char *rs_config_dump_json(const struct rs_config *c);

#endif
