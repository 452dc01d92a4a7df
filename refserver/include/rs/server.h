/*
 * rs_server: kms-refserver's HTTP side (libmicrohttpd, one thread per
 * connection, keep-alive). It reads the raw query string and the body
 * (both bounded), collects the headers, hands the request to rs_handler
 * and sends its answer, after the configured latency.
 */
#ifndef RS_SERVER_H
#define RS_SERVER_H

#include <stddef.h>

#include "rs/config.h"
#include "rs/reqlog.h"

struct rs_server;

/* Outcome of rs_server_start. */
enum rs_server_status {
    RS_SERVER_OK = 0,
    RS_SERVER_BAD_LISTEN,   /* listen is malformed: a usage error */
    RS_SERVER_CANNOT_START, /* address in use, no memory */
};

/*
 * Starts serving on listen ("ADDR:PORT", "[IPv6]:PORT"; port 0 picks a
 * free one) and sets *out (stop it with rs_server_stop). cfg and log (may
 * be NULL) are borrowed and must outlive the server. On error *out is NULL
 * and err holds a one-line message.
 */
enum rs_server_status rs_server_start(struct rs_server **out,
                                      const struct rs_config *cfg,
                                      const char *listen, struct rs_reqlog *log,
                                      char *err, size_t errlen);
/*
 * Connection limits (libmicrohttpd's own): at most max_conns open
 * connections, at most max_conns_per_ip from one client address (0: no
 * per-address limit), and a connection idle for conn_timeout_s seconds
 * (headers not finished, or nothing sent) is closed.
 */
struct rs_server_limits {
    unsigned max_conns;
    unsigned max_conns_per_ip;
    unsigned conn_timeout_s;
    unsigned threads; /* of the event loop; 0: RS_SERVER_THREADS_DEFAULT */
};
/* Event-loop threads by default: two per core, between 2 and 16. */
#define RS_SERVER_THREADS_MIN      2u
#define RS_SERVER_THREADS_MAX      16u
#define RS_SERVER_MAX_CONNS        1000u
#define RS_SERVER_MAX_CONNS_PER_IP 64u
#define RS_SERVER_CONN_TIMEOUT_S   30u

/* rs_server_start with explicit limits (rs_server_start: the defaults). */
enum rs_server_status
rs_server_start_limited(struct rs_server **out, const struct rs_config *cfg,
                        const char *listen, struct rs_reqlog *log,
                        const struct rs_server_limits *limits, char *err,
                        size_t errlen);
/*
 * For tests of clients that are interrupted mid-call: the nth request
 * (1-based, in the order their handling ends) is handled (its effects
 * done, its request-log line written), then its answer is held until
 * rs_server_release or RS_SERVER_HOLD_MAX_S seconds. When it is held,
 * "<n>\n" is written to file (may be NULL; through a rename, so a reader
 * sees the whole line). file is borrowed. nth 0 holds nothing. Call
 * before clients can connect.
 */
#define RS_SERVER_HOLD_MAX_S 60
void rs_server_hold(struct rs_server *s, unsigned long nth, const char *file);
/*
 * For tests of clients against a target that stops answering: the first
 * `after` requests (in the order they arrive) are served; every later one
 * is read and then neither handled (no effect, no request-log line) nor
 * answered, its connection held open until rs_server_stop, which closes
 * it. after 0 answers nothing. Call before clients can connect.
 */
void rs_server_hang(struct rs_server *s, unsigned long after);
/* Lets the held answer go (thread- and order-safe). */
void rs_server_release(struct rs_server *s);
/* The bound port. */
unsigned rs_server_port(const struct rs_server *s);
/* The base URL ("http://127.0.0.1:PORT"), into out. */
void rs_server_url(const struct rs_server *s, char *out, size_t outlen);
/* Stops accepting, closes connections and frees everything. NULL-safe. */
void rs_server_stop(struct rs_server *s);

#endif
