/*
 * rs_server: libmicrohttpd glue around rs_handler.
 *
 * Event-driven: libmicrohttpd's epoll loop on a small pool of threads
 * serves every connection, so 10,000 keep-alive connections cost no more
 * threads than ten. An answer delayed by --latency-ms does not hold a
 * thread: its connection is suspended and a timer thread resumes it when
 * the delay has passed (the delay is the same for every answer, so the
 * timer's queue is first in, first out).
 */
#include "rs/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "rs/handler.h"

#define MAX_HEADERS 128
/* MHD keeps the request line and headers in this much memory per
 * connection, and clears it on every request (about 1.5 instructions per
 * byte: the whole of it when a request ends, the unused half of its read
 * buffer when the answer is queued), so it is no larger than the query
 * ceiling and CONN_HEADER_ROOM for the request line's words and the
 * headers: a query just past RS_QUERY_MAX is still ours to refuse in the
 * asked format; beyond, MHD answers 414/431 on its own. The body does not
 * need it: MHD hands it over as it arrives, and on_request copies it into
 * the exchange's own buffer (RS_BODY_MAX). */
#define CONN_HEADER_ROOM (8u * 1024u)
#define CONN_MEMORY      (RS_QUERY_MAX + CONN_HEADER_ROOM)
/* An oversized body is read and dropped up to this much, then the
 * connection is closed. */
#define DISCARD_MAX (4u << 20)

struct exchange;

/* Suspended connections waiting for their delayed answer: the queue,
 * oldest first (every delay is the same), and the one held by
 * rs_server_hold. mu guards all but thread and running. */
struct timer {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool running, stop;
    struct exchange *head, *tail;
    struct exchange *held;
    unsigned long requests; /* answered or being answered */
    unsigned long hold_nth; /* 0: hold nothing */
    const char *hold_file;  /* borrowed */
    bool released;
    struct exchange *hung;    /* rs_server_hang's, until the server stops */
    unsigned long arrived;    /* requests read */
    unsigned long hang_after; /* answer this many; ULONG_MAX: all */
};

struct rs_server {
    struct MHD_Daemon *mhd;
    struct rs_handler *handler;
    const struct rs_config *cfg;
    unsigned port;
    char host[INET6_ADDRSTRLEN + 2];
    struct timer timer;
};

/* One request in progress (MHD's per-request pointer). */
struct exchange {
    char *query;
    size_t querylen;
    bool too_large;
    bool started;
    size_t discarded;
    struct kc_buf body;
    /* a delayed answer: made, then sent when the connection is resumed */
    struct MHD_Connection *conn;
    struct rs_reply reply;
    bool has_reply;
    bool hung; /* never answered (rs_server_hang): closed when resumed */
    struct timespec due;
    time_t now;            /* the server's clock when the answer was made */
    struct exchange *next; /* in the timer's queue */
};

/* One connection (MHD's socket context): what --throttle bounds per
 * connection. Only the event-loop thread that serves the connection
 * touches it (a suspended connection resumes on the same thread). */
struct conn_state {
    unsigned throttled_in_row;
};

static void on_connection(void *cls, struct MHD_Connection *conn,
                          void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)conn;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_ctx = calloc(1, sizeof(struct conn_state));
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        free(*socket_ctx);
        *socket_ctx = NULL;
    }
}

static struct conn_state *conn_state_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

struct header_list {
    struct kc_param items[MAX_HEADERS];
    size_t n;
};

static struct exchange *exchange_new(const char *uri)
{
    struct exchange *x = calloc(1, sizeof(*x));
    if (!x)
        return NULL;
    kc_buf_init(&x->body, RS_BODY_MAX);
    const char *q = uri ? strchr(uri, '?') : NULL;
    if (!q)
        return x;
    /* An oversized query is kept (MHD's memory limit bounds it) only so
     * that the refusal comes in the format it asks for. */
    size_t n = strlen(q + 1);
    x->too_large = n > RS_QUERY_MAX;
    x->query = strndup(q + 1, n);
    x->querylen = n;
    if (!x->query) {
        free(x);
        return NULL;
    }
    return x;
}

static void exchange_free(struct exchange *x)
{
    if (!x)
        return;
    if (x->has_reply)
        rs_reply_dispose(&x->reply);
    free(x->query);
    kc_buf_dispose(&x->body);
    free(x);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    return exchange_new(uri);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    exchange_free(*req_cls);
    *req_cls = NULL;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind,
                                      const char *key, const char *value)
{
    struct header_list *l = cls;
    (void)kind;
    if (l->n == MAX_HEADERS)
        return MHD_NO;
    l->items[l->n].name = key;
    l->items[l->n].value = value ? value : "";
    l->n++;
    return MHD_YES;
}

static void due_after(struct timespec *due, unsigned ms)
{
    clock_gettime(CLOCK_MONOTONIC, due);
    due->tv_sec += ms / 1000;
    due->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (due->tv_nsec >= 1000000000L) {
        due->tv_sec++;
        due->tv_nsec -= 1000000000L;
    }
}

static bool due_by(const struct timespec *due, const struct timespec *now)
{
    return due->tv_sec < now->tv_sec ||
           (due->tv_sec == now->tv_sec && due->tv_nsec <= now->tv_nsec);
}

/* The first to resume: the queue's head or the held one; NULL if none. */
static struct exchange *timer_next(const struct timer *t)
{
    struct exchange *x = t->head, *h = t->held;
    if (!x || (h && due_by(&h->due, &x->due)))
        return h;
    return x;
}

static void timer_unlink(struct timer *t, struct exchange *x)
{
    if (x == t->held) {
        t->held = NULL;
        return;
    }
    t->head = x->next;
    if (!t->head)
        t->tail = NULL;
}

/* Resumes the connections whose time has come, until told to stop; then
 * resumes every one left, so that the daemon can close them. */
static void *timer_main(void *arg)
{
    struct timer *t = arg;
    struct timespec now;
    pthread_mutex_lock(&t->mu);
    for (;;) {
        struct exchange *x = timer_next(t);
        if (t->stop && t->hung) { /* hung ones go at the end, closed */
            struct exchange *h = t->hung;
            t->hung = h->next;
            MHD_resume_connection(h->conn);
            continue;
        }
        if (!x && t->stop)
            break;
        if (!x) {
            pthread_cond_wait(&t->cv, &t->mu);
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!t->stop && !due_by(&x->due, &now)) {
            pthread_cond_timedwait(&t->cv, &t->mu, &x->due);
            continue; /* look again: something may have come first */
        }
        timer_unlink(t, x);
        MHD_resume_connection(x->conn);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

static int timer_start(struct timer *t)
{
    pthread_condattr_t ca;
    int rc = -1;
    if (pthread_condattr_init(&ca))
        return -1;
    if (!pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) &&
        !pthread_mutex_init(&t->mu, NULL)) {
        if (!pthread_cond_init(&t->cv, &ca)) {
            t->running = !pthread_create(&t->thread, NULL, timer_main, t);
            if (!t->running)
                pthread_cond_destroy(&t->cv);
        }
        if (!t->running)
            pthread_mutex_destroy(&t->mu);
        rc = t->running ? 0 : -1;
    }
    pthread_condattr_destroy(&ca);
    return rc;
}

static void timer_stop(struct timer *t)
{
    if (!t->running)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    t->running = false;
}

/* Writes "<n>\n" into path through a temporary file and rename, so that a
 * reader sees the whole line or nothing. */
static void write_marker(const char *path, unsigned long n)
{
    char tmp[4096], line[32];
    int len = snprintf(line, sizeof(line), "%lu\n", n);
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    bool ok = write(fd, line, (size_t)len) == len;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path))
        remove(tmp);
}

/* Suspends x's connection, its answer made, until the timer resumes it
 * (false when the server is stopping: then answer at once):
 * after the configured latency, or, for the request rs_server_hold names,
 * at rs_server_release or after RS_SERVER_HOLD_MAX_S. */
static bool timer_suspend(struct timer *t, struct exchange *x, unsigned ms)
{
    bool hold;
    /* suspended under the lock (the timer thread resumes under it too), so
     * that none is suspended once the timer thread has ended */
    pthread_mutex_lock(&t->mu);
    if (t->stop) {
        pthread_mutex_unlock(&t->mu);
        return false;
    }
    MHD_suspend_connection(x->conn);
    hold = ++t->requests == t->hold_nth && !t->released;
    due_after(&x->due, hold ? RS_SERVER_HOLD_MAX_S * 1000u : ms);
    x->next = NULL;
    if (hold) {
        t->held = x;
        if (t->hold_file)
            write_marker(t->hold_file, t->requests);
    } else if (t->tail) {
        t->tail->next = x;
        t->tail = x;
    } else {
        t->head = t->tail = x;
    }
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    return true;
}

/* Whether this answer goes through the timer (delayed or maybe held). */
static bool timer_wanted(struct timer *t, unsigned ms)
{
    bool want;
    if (ms)
        return true;
    pthread_mutex_lock(&t->mu);
    want = t->hold_nth && !t->released && t->requests < t->hold_nth;
    if (!want)
        t->requests++;
    pthread_mutex_unlock(&t->mu);
    return want;
}

void rs_server_hold(struct rs_server *s, unsigned long nth, const char *file)
{
    pthread_mutex_lock(&s->timer.mu);
    s->timer.hold_nth = nth;
    s->timer.hold_file = file;
    s->timer.released = false;
    pthread_mutex_unlock(&s->timer.mu);
}

void rs_server_release(struct rs_server *s)
{
    struct timer *t = &s->timer;
    pthread_mutex_lock(&t->mu);
    t->released = true;
    if (t->held)
        clock_gettime(CLOCK_MONOTONIC, &t->held->due);
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

/* The Date header of an answer made at now (an IMF-fixdate, RFC 9110),
 * sent by us only when --clock-offset shifts the clock (else by MHD). */
static bool add_date(struct MHD_Response *resp, time_t now, long offset_s)
{
    char date[64];
    struct tm tm;
    if (!offset_s)
        return true;
    if (!gmtime_r(&now, &tm) ||
        !strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return false;
    return MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date) == MHD_YES;
}

void rs_server_hang(struct rs_server *s, unsigned long after)
{
    pthread_mutex_lock(&s->timer.mu);
    s->timer.hang_after = after;
    pthread_mutex_unlock(&s->timer.mu);
}

/* Counts the request as it arrives; past hang_after it is never handled
 * nor answered: its connection is suspended until the server stops, then
 * closed without a byte (on_request). true when it hung. */
static bool timer_hang(struct timer *t, struct exchange *x,
                       struct MHD_Connection *conn)
{
    pthread_mutex_lock(&t->mu);
    bool hang = ++t->arrived > t->hang_after;
    x->hung = hang; /* when stopping, closed at once (on_request) */
    if (hang && !t->stop) {
        x->conn = conn;
        MHD_suspend_connection(conn);
        x->next = t->hung;
        t->hung = x;
        pthread_cond_signal(&t->cv);
    }
    pthread_mutex_unlock(&t->mu);
    return hang;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn,
                                  struct rs_reply *r, time_t now, long offset_s)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result rc = MHD_NO;
    if (!resp)
        return MHD_NO;
    r->body = NULL; /* now owned by the response */
    if ((!r->extra_content_type ||
         MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                 r->extra_content_type) == MHD_YES) &&
        (!r->extra_header_id[0] ||
         MHD_add_response_header(resp, "x-acs-request-id",
                                 r->extra_header_id) == MHD_YES) &&
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                r->content_type) == MHD_YES &&
        MHD_add_response_header(resp, "x-acs-request-id", r->header_id) ==
            MHD_YES &&
        add_date(resp, now, offset_s))
        rc = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* The delayed answer of a resumed connection. */
static enum MHD_Result send_delayed(struct rs_server *s,
                                    struct MHD_Connection *conn,
                                    struct exchange *x)
{
    enum MHD_Result rc =
        send_reply(conn, &x->reply, x->now, s->cfg->clock_offset_s);
    rs_reply_dispose(&x->reply);
    x->has_reply = false;
    return rc;
}

static enum MHD_Result answer(struct rs_server *s, struct MHD_Connection *conn,
                              const char *method, struct exchange *x)
{
    struct header_list hl;
    struct rs_reply r;
    if (timer_hang(&s->timer, x, conn))
        return x->conn ? MHD_YES : MHD_NO; /* closed when the server stops */
    struct conn_state *cs = conn_state_of(conn);
    time_t now = time(NULL) + (time_t)s->cfg->clock_offset_s;
    hl.n = 0;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &hl);
    struct rs_http_in in = {
        .method = method,
        .query = x->query,
        .querylen = x->querylen,
        .body = x->body.data,
        .bodylen = x->body.len,
        .too_large = x->too_large,
        .headers = hl.items,
        .nheaders = hl.n,
        .now = now,
        .throttled_in_row = cs ? &cs->throttled_in_row : NULL,
    };
    if (rs_handler_handle(s->handler, &in, &r))
        return MHD_NO;
    if (timer_wanted(&s->timer, s->cfg->latency_ms)) {
        /* answered when the timer resumes the connection (on_request) */
        x->reply = r;
        x->has_reply = true;
        x->conn = conn;
        x->now = now;
        if (timer_suspend(&s->timer, x, s->cfg->latency_ms))
            return MHD_YES;
        return send_delayed(s, conn, x); /* stopping: no delay */
    }
    enum MHD_Result rc = send_reply(conn, &r, now, s->cfg->clock_offset_s);
    rs_reply_dispose(&r);
    return rc;
}

static bool declared_too_large(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return false;
    size_t n = strlen(cl);
    if (n > 12)
        return true;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (cl[i] < '0' || cl[i] > '9')
            return false; /* MHD itself rejects a malformed length */
        v = v * 10 + (unsigned)(cl[i] - '0');
    }
    return v > RS_BODY_MAX;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    struct rs_server *s = cls;
    struct exchange *x = *req_cls;
    (void)url;
    (void)version;
    if (!x && !(x = *req_cls = exchange_new(NULL)))
        return MHD_NO;
    if (x->hung)
        return MHD_NO; /* resumed at the stop: closed without a byte */
    if (x->has_reply)
        return send_delayed(s, conn, x);
    if (!x->started) {
        x->started = true;
        if (declared_too_large(conn)) {
            x->too_large = true;
            return answer(s, conn, method, x);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!x->too_large && kc_buf_append(&x->body, upload, *upload_size)) {
            x->too_large = true;
            kc_buf_dispose(&x->body);
        }
        if (x->too_large)
            x->discarded += *upload_size;
        *upload_size = 0;
        return x->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    return answer(s, conn, method, x);
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, bool *v6,
                        char *host, size_t hostlen)
{
    const char *colon = strrchr(spec, ':');
    char addr[INET6_ADDRSTRLEN];
    unsigned long port = 0;
    size_t alen;
    if (!colon || !colon[1] || strlen(colon + 1) > 5)
        return -1;
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        port = port * 10 + (unsigned long)(*p - '0');
    }
    alen = (size_t)(colon - spec);
    *v6 = alen >= 2 && spec[0] == '[' && spec[alen - 1] == ']';
    if (*v6) {
        spec++;
        alen -= 2;
    }
    if (port > 65535 || alen == 0 || alen >= sizeof(addr))
        return -1;
    memcpy(addr, spec, alen);
    addr[alen] = '\0';
    memset(ss, 0, sizeof(*ss));
    if (*v6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
            return -1;
        snprintf(host, hostlen, "[%s]", addr);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
            return -1;
        snprintf(host, hostlen, "%s", addr);
    }
    return 0;
}

static struct MHD_Daemon *start_daemon(struct rs_server *s,
                                       const struct sockaddr_storage *ss,
                                       bool v6,
                                       const struct rs_server_limits *lim)
{
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     (v6 ? MHD_USE_IPv6 : 0);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned pool = cores > 0 ? 2u * (unsigned)cores : RS_SERVER_THREADS_MIN;
    if (pool < RS_SERVER_THREADS_MIN)
        pool = RS_SERVER_THREADS_MIN;
    if (pool > RS_SERVER_THREADS_MAX)
        pool = RS_SERVER_THREADS_MAX;
    if (lim->threads)
        pool = lim->threads;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_THREAD_POOL_SIZE, pool,
        MHD_OPTION_SOCK_ADDR, ss, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, lim->conn_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, lim->max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim->max_conns_per_ip,
        MHD_OPTION_END);
}

enum rs_server_status rs_server_start(struct rs_server **out,
                                      const struct rs_config *cfg,
                                      const char *listen, struct rs_reqlog *log,
                                      char *err, size_t errlen)
{
    const struct rs_server_limits lim = {
        .max_conns = RS_SERVER_MAX_CONNS,
        .max_conns_per_ip = RS_SERVER_MAX_CONNS_PER_IP,
        .conn_timeout_s = RS_SERVER_CONN_TIMEOUT_S,
    };
    return rs_server_start_limited(out, cfg, listen, log, &lim, err, errlen);
}

enum rs_server_status
rs_server_start_limited(struct rs_server **out, const struct rs_config *cfg,
                        const char *listen, struct rs_reqlog *log,
                        const struct rs_server_limits *limits, char *err,
                        size_t errlen)
{
    struct sockaddr_storage ss;
    bool v6 = false;
    enum rs_server_status rc = RS_SERVER_CANNOT_START;
    struct rs_server *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s || rs_handler_new(&s->handler, cfg, log)) {
        kc_err_set(err, errlen, "out of memory");
        goto out;
    }
    s->timer.hang_after = ULONG_MAX;
    s->cfg = cfg;
    if (parse_listen(listen, &ss, &v6, s->host, sizeof(s->host))) {
        kc_err_set(err, errlen,
                   "--listen %s: expected ADDR:PORT or [ADDR6]:PORT", listen);
        rc = RS_SERVER_BAD_LISTEN;
        goto out;
    }
    if (timer_start(&s->timer)) {
        kc_err_set(err, errlen, "cannot start the timer thread");
        goto out;
    }
    s->mhd = start_daemon(s, &ss, v6, limits);
    if (!s->mhd) {
        kc_err_set(err, errlen, "--listen %s: cannot listen: %s", listen,
                   strerror(errno));
        goto out;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    *out = s;
    s = NULL;
    rc = RS_SERVER_OK;
out:
    rs_server_stop(s);
    return rc;
}

unsigned rs_server_port(const struct rs_server *s)
{
    return s->port;
}

void rs_server_url(const struct rs_server *s, char *out, size_t outlen)
{
    const char *host = s->host;
    if (!strcmp(host, "0.0.0.0"))
        host = "127.0.0.1";
    else if (!strcmp(host, "[::]"))
        host = "[::1]";
    snprintf(out, outlen, "http://%s:%u", host, s->port);
}

void rs_server_stop(struct rs_server *s)
{
    if (!s)
        return;
    /* No connection may stay suspended when the daemon stops. Once
     * quiesced, the listening socket is ours to close. */
    MHD_socket lfd = s->mhd ? MHD_quiesce_daemon(s->mhd) : MHD_INVALID_SOCKET;
    timer_stop(&s->timer);
    if (s->mhd)
        MHD_stop_daemon(s->mhd);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    rs_handler_free(s->handler);
    free(s);
}
