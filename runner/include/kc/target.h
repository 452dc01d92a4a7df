/*
 * kc_target: target profiles (docs/target-profile.md) and the requirement
 * check of a case against a target.
 *
 * Secrets (AccessKeySecret) live in memory only. kc_target_secrets() lists
 * every secret string of a target so that a redactor can scrub them from
 * anything written out. Nothing in this module prints a secret.
 *
 * Ownership: kc_target_load() / kc_target_from_env() allocate the target,
 * kc_target_free() releases it (and wipes the secrets). Pointers returned by
 * lookups point into the target.
 */
#ifndef KC_TARGET_H
#define KC_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/case.h"
#include "kc/manifest.h"

enum kc_sigver {
    KC_SIGVER_V1 = 1, /* HMAC-SHA1, SignatureVersion 1.0 */
    KC_SIGVER_V3 = 3  /* ACS3-HMAC-SHA256 */
};

struct kc_credential {
    char *name;              /* "default", "in-debt" ... */
    char *access_key_id;     /* never NULL */
    char *access_key_secret; /* never NULL; SECRET: never print */
    bool inline_secret;      /* came from access_key_secret in the file */
};

struct kc_capability {
    char *name;  /* "region-without-hsm" */
    char *value; /* "true" for a boolean true, else the string/number text */
};

struct kc_target {
    char *name;     /* "kms-refserver" */
    char *endpoint; /* "http://127.0.0.1:8080" */
    char *region;   /* "cn-hangzhou" */
    enum kc_sigver signature;
    char *method;     /* "POST" (default) or "GET" */
    char *envelope;   /* rule set name in suite/envelopes.json, "kms" default */
    bool tls_verify;  /* default true */
    char *tls_cacert; /* NULL unless given */
    bool allow_inline_secrets;
    bool strict_messages;    /* Messages judged by the seed's templates only */
    bool has_inline_secrets; /* some credential used access_key_secret */
    struct kc_credential *creds; /* in file order */
    size_t ncreds;
    struct kc_capability *caps; /* declared (true or valued) ones only;
                                   a capability set to false is absent */
    size_t ncaps;
    char *source; /* the profile path, or "--endpoint" for the short form */
    struct kc_manifest *manifest; /* "manifest", or NULL */
};

/*
 * Loads a profile. endpoint_override (may be NULL) replaces its endpoint
 * (the --endpoint option) before the inline-secret rule is checked. On
 * success *out is the new target and 0 is returned; on failure *out is NULL,
 * -1 is returned and err receives one line naming the file and JSON path,
 * e.g. "t.json: $.credentials.default.access_key_secret: inline secrets
 * need allow_inline_secrets and a loopback endpoint".
 * Secrets named by *_env / *_file are read here.
 */
int kc_target_load(struct kc_target **out, const char *path,
                   const char *endpoint_override, char *err, size_t errlen);
/* The same from bytes; display names the source in messages. */
int kc_target_parse(struct kc_target **out, const char *json, size_t len,
                    const char *display, const char *endpoint_override,
                    char *err, size_t errlen);
/*
 * The short form: endpoint plus the environment variables
 * KMSCONF_ACCESS_KEY_ID and KMSCONF_ACCESS_KEY_SECRET make a target with one
 * credential, "default" (region from KMSCONF_REGION, else "cn-hangzhou";
 * signature v1, POST, envelope kms). -1 with err when a variable is unset
 * or the endpoint is not an http(s) URL.
 */
int kc_target_from_env(struct kc_target **out, const char *endpoint, char *err,
                       size_t errlen);
void kc_target_free(struct kc_target *t); /* NULL-safe, wipes secrets */

/*
 * Replaces the endpoint (e.g. the embedded kms-refserver's URL that is only
 * known at run time). Re-checks the inline-secret rule. 0 or -1 with err.
 */
int kc_target_set_endpoint(struct kc_target *t, const char *endpoint, char *err,
                           size_t errlen);

const struct kc_credential *kc_target_credential(const struct kc_target *t,
                                                 const char *name);
/* The capability's value, or NULL when the target does not declare it. */
const char *kc_target_capability(const struct kc_target *t, const char *name);

/*
 * Every secret string of the target (each credential's secret), for
 * redaction. Writes at most max pointers (into the target) and returns the
 * total count.
 */
size_t kc_target_secrets(const struct kc_target *t, const char **out,
                         size_t max);

/* ---- requirements ---- */

struct kc_skip {
    char type[32];    /* "missing-credential" or "missing-capability" */
    char reason[128]; /* the missing name, e.g. "in-debt" */
};

/*
 * Whether case c can run against t. Returns true when it can; otherwise
 * false and *skip (may be NULL) says why. The skip message of the report is
 * "<type>: <reason>". Checks the credentials of kc_case_credentials() then
 * requires.capabilities, in order; the first missing one is reported.
 */
bool kc_target_can_run(const struct kc_target *t, const struct kc_case *c,
                       struct kc_skip *skip);

#endif
