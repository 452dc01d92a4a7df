/* fz_common: see fuzz_common.h. */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct kc_catalog *catalog;
static struct kc_envelope *envelope;

void fz_fail(const char *what)
{
    fprintf(stderr, "fuzz: invariant broken: %s\n", what);
    abort();
}

bool fz_known(const char *id)
{
    const char *list = getenv("KC_FUZZ_KNOWN");
    size_t n = strlen(id);

    while (list && *list) {
        size_t len = strcspn(list, ",");
        if (len == n && !strncmp(list, id, n))
            return true;
        list += len + (list[len] == ',');
    }
    return false;
}

const struct kc_catalog *fz_catalog(void)
{
    char err[512];

    if (!catalog &&
        kc_catalog_load(&catalog, KC_SOURCE_DIR "/suite/catalog.json", err,
                        sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: cannot load the catalog: %s\n", err);
        abort();
    }
    return catalog;
}

const struct kc_envelope *fz_envelope(void)
{
    char err[512];

    if (!envelope &&
        kc_envelope_load(&envelope, KC_SOURCE_DIR "/suite/envelopes.json",
                         "kms", err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: cannot load the envelopes: %s\n", err);
        abort();
    }
    return envelope;
}

char *fz_strndup(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);

    if (!s)
        fz_fail("out of memory");
    if (n > 0)
        memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

uint8_t *fz_memdup(const uint8_t *data, size_t n)
{
    uint8_t *p = malloc(n > 0 ? n : 1);

    if (!p)
        fz_fail("out of memory");
    if (n > 0)
        memcpy(p, data, n);
    return p;
}
