/*
 * fz_common: helpers shared by the fuzz targets of tests/fuzz.
 *
 * Every target defines LLVMFuzzerTestOneInput(); it is linked either with
 * libFuzzer (KC_FUZZ=ON, clang) or with standalone.c, which replays corpus
 * files (every build, as the ctest tests fuzz.<target>).
 *
 * The suite files (catalog, envelopes) are loaded once, on first use, from
 * the source tree (KC_SOURCE_DIR) and live until the process ends. A target
 * that cannot load them aborts: fuzzing without them would be meaningless.
 */
#ifndef FZ_COMMON_H
#define FZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc/catalog.h"
#include "kc/envelope.h"
#include "kc/target.h"

/* The libFuzzer entry point every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* suite/catalog.json and the "kms" rule set of suite/envelopes.json.
 * Never NULL (aborts with a message instead). Owned by this module. */
const struct kc_catalog *fz_catalog(void);
const struct kc_envelope *fz_envelope(void);

/* A NUL-terminated copy of n bytes (embedded NULs kept); caller frees.
 * Aborts when out of memory. */
char *fz_strndup(const uint8_t *data, size_t n);

/* An exact copy of n bytes in a buffer of exactly n bytes (no terminator),
 * so that ASan catches any read past the end; caller frees. Never NULL
 * (a 1-byte buffer for n == 0). */
uint8_t *fz_memdup(const uint8_t *data, size_t n);

/* True when the environment variable KC_FUZZ_KNOWN (a comma-separated
 * list) names id: a finding already reported (docs/fuzzing.md), skipped so
 * that a fuzzing session can look for new ones. Replays under ctest never
 * set it. */
bool fz_known(const char *id);

/* Reports a broken invariant of the code under test and aborts (the fuzzer
 * saves the input). what is one line. */
void fz_fail(const char *what) __attribute__((noreturn));

#endif
