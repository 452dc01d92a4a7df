/*
 * rs_config: the configuration of kms-refserver (accounts, access keys,
 * regions, fault injection, latency, deviations), its built-in default
 * (the credential table of docs/architecture.md), its checks and lookups.
 * The JSON file of --config is read by rs_config_load (rs/config_load.h),
 * --print-config written by rs_config_dump (rs/config_dump.h).
 */
#ifndef RS_CONFIG_H
#define RS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rs/reply.h"

enum rs_condition {
    RS_COND_NORMAL,
    RS_COND_NO_PERMISSION,
    RS_COND_UBSMS_INVALID_USERID,
    RS_COND_UBSMS_INVALID_BID,
    RS_COND_KMS_NOT_ENABLED,
    RS_COND_RISK_CONTROL,
    RS_COND_IN_DEBT,
    RS_COND_IN_DEBT_OVERDUE,
    RS_COND_COUNT /* not a condition: the number of them */
};

enum rs_fault {
    RS_FAULT_NONE,
    RS_FAULT_INTERNAL,
    RS_FAULT_UNAVAILABLE,
    RS_FAULT_COUNT /* not a fault: the number of them */
};

struct rs_account {
    char *id;
    enum rs_condition condition;
    unsigned key_quota;
    long import_token_lifetime_s;
};

struct rs_access_key {
    char *id;
    char *secret;
    char *account;
    bool enabled;
    enum rs_fault fault;
};

struct rs_region {
    char *id;
    bool hsm;
};

/* Caller storage: rs_config_default() fills it, rs_config_dispose()
 * releases every string and array it owns. */
struct rs_config {
    struct rs_account *accounts;
    size_t naccounts;
    struct rs_access_key *keys;
    size_t nkeys;
    struct rs_region *regions;
    size_t nregions;
    char *default_region;
    unsigned latency_ms;
    unsigned deviations;  /* RS_DEV_* bits of reply.h */
    char **deviate_codes; /* known error codes */
    size_t ndeviate_codes;
    /* --throttle, --seed, --clock-offset (command line only) */
    double throttle;         /* share of requests throttled, 0..1 */
    unsigned long long seed; /* of the throttling decisions */
    long clock_offset_s;     /* the server's clock runs this far ahead */
};

/* The built-in default. 0, or -1 when out of memory (c is then empty). */
int rs_config_default(struct rs_config *c);

/* Checks references and values (account of every key, default region,
 * unique ids). 0, or -1 with a message naming the JSON path in err. */
int rs_config_validate(const struct rs_config *c, char *err, size_t errlen);

void rs_config_dispose(struct rs_config *c);

const struct rs_access_key *rs_config_key(const struct rs_config *c,
                                          const char *id);
const struct rs_account *rs_config_account(const struct rs_config *c,
                                           const char *id);
const struct rs_region *rs_config_region(const struct rs_config *c,
                                         const char *id);

/* Names as used in the file ("in-debt", "internal", ...; "?" out of
 * range), and the error code a condition provokes (RS_ERR_NONE for
 * RS_COND_NORMAL). */
const char *rs_config_condition_name(enum rs_condition c);
enum rs_err_code rs_config_condition_error(enum rs_condition c);
const char *rs_config_fault_name(enum rs_fault f);

#endif
