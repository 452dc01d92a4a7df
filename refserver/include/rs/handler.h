/*
 * rs_handler: one request through kms-refserver's checks, independent of
 * the HTTP library. The check order (docs/refserver.md):
 *   size limits -> HTTP method -> parameter decoding -> AccessKeyId known
 *   -> signature -> Timestamp -> SignatureNonce unused
 *   -> throttling (--throttle) -> access key enabled -> account condition
 *   -> fault injection -> Version -> Format -> Action -> RegionId -> the
 *   operation (rs_ops_call).
 */
#ifndef RS_HANDLER_H
#define RS_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kc/sign.h"
#include "rs/config.h"
#include "rs/reply.h"
#include "rs/reqlog.h"

/* Largest query string and body the server reads. */
#define RS_QUERY_MAX (32u * 1024u)
#define RS_BODY_MAX  (256u * 1024u)

/* One HTTP request as received. Everything is borrowed. */
struct rs_http_in {
    const char *method;
    const char *query; /* raw bytes after '?', not decoded; may be NULL */
    size_t querylen;
    const char *body; /* may be NULL */
    size_t bodylen;
    bool too_large; /* query or body passed its limit */
    const struct kc_param *headers;
    size_t nheaders;
    time_t now; /* the server's clock (--clock-offset applied) */
    /* Throttled answers in a row on this request's connection, kept by
     * the caller per connection (NULL: not bounded). */
    unsigned *throttled_in_row;
};

/* --throttle never answers Throttling more often than this in a row on one
 * connection, so that a client retrying this many times gets through. */
#define RS_THROTTLE_IN_ROW_MAX 3u

struct rs_handler;

/* cfg, log (may be NULL) are borrowed and must outlive the handler; it
 * owns its key store and nonce memory. 0 with *out set (release it with
 * rs_handler_free, NULL-safe), or -1 when out of memory. */
int rs_handler_new(struct rs_handler **out, const struct rs_config *cfg,
                   struct rs_reqlog *log);
void rs_handler_free(struct rs_handler *h);

/* Answers one request (and logs it). Returns 0 with out filled, or -1
 * when no answer could be built (out of memory). Thread-safe. */
int rs_handler_handle(struct rs_handler *h, const struct rs_http_in *in,
                      struct rs_reply *out);

#endif
