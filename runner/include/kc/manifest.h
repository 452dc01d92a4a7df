/*
 * kc_manifest: a target profile's "manifest": who the target is and what
 * it claims to conform to (docs/target-profile.md, "Manifest and claims").
 *
 *   "manifest": {"vendor": "Example", "product": "Example KMS",
 *                "version": "4.2", "contact": "kms@example.com",
 *                "levels": ["core", "key-lifecycle"],
 *                "actions": ["Encrypt", "Decrypt"]}
 *
 * A run writes it into the report's manifest (kmsconf.vendor, ...,
 * kmsconf.claims.levels, kmsconf.claims.actions), where the report tools
 * compare the claims with the results (kc/claims.h).
 *
 * Ownership: kc_manifest_free releases what kc_manifest_parse allocated.
 */
#ifndef KC_MANIFEST_H
#define KC_MANIFEST_H

#include <cjson/cJSON.h>

struct kc_jcheck;

struct kc_manifest {
    char *vendor; /* each NULL when absent */
    char *product;
    char *version; /* the product's version */
    char *contact;
    char *levels;  /* claimed levels, comma-separated, or NULL */
    char *actions; /* claimed actions, comma-separated, or NULL */
};

/* Parses the manifest object obj (at JSON path "$.manifest") into a new
 * *out. Levels must be conformance levels (not "extension"), actions
 * [A-Za-z0-9]+, none twice. 0, or -1 with the problem reported to J. */
int kc_manifest_parse(struct kc_jcheck *J, const cJSON *obj,
                      struct kc_manifest **out);
void kc_manifest_free(struct kc_manifest *m); /* NULL-safe */

#endif
