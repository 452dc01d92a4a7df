/* rs_server: libmicrohttpd glue around rs_handler. */
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
 * connection: room for a query just past RS_QUERY_MAX, so that we answer
 * it ourselves; beyond, MHD answers 414/431 on its own. */
#define CONN_MEMORY (48u * 1024u)
/* An oversized body is read and dropped up to this much, then the
 * connection is closed. */
#define DISCARD_MAX (4u << 20)

struct rs_server {
    struct MHD_Daemon *mhd;
    struct rs_handler *handler;
    const struct rs_config *cfg;
    unsigned port;
    char host[INET6_ADDRSTRLEN + 2];
    /* rs_server_hold: lock guards what follows */
    pthread_mutex_t lock;
    pthread_cond_t released_cv;
    bool sync_ok;           /* lock and released_cv initialised */
    unsigned long requests; /* answered or being answered */
    unsigned long hold_nth; /* 0: hold nothing */
    const char *hold_file;  /* borrowed */
    bool released;
    unsigned long arrived;    /* requests read (rs_server_hang) */
    unsigned long hang_after; /* answer this many; ULONG_MAX: all */
    bool stopping;            /* rs_server_stop has begun */
};

/* One request in progress (MHD's per-request pointer). */
struct exchange {
    char *query;
    size_t querylen;
    bool too_large;
    bool started;
    size_t discarded;
    struct kc_buf body;
};

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

static void pause_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (ms && nanosleep(&ts, &ts) && errno == EINTR)
        ;
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

/* Counts the request; the held one (rs_server_hold) waits here, its
 * marker written, until rs_server_release or RS_SERVER_HOLD_MAX_S. */
static void maybe_hold(struct rs_server *s)
{
    struct timespec until;
    pthread_mutex_lock(&s->lock);
    unsigned long n = ++s->requests;
    if (n != s->hold_nth) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    if (s->hold_file)
        write_marker(s->hold_file, n);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += RS_SERVER_HOLD_MAX_S;
    while (!s->released &&
           pthread_cond_timedwait(&s->released_cv, &s->lock, &until) == 0)
        ;
    pthread_mutex_unlock(&s->lock);
}

void rs_server_hold(struct rs_server *s, unsigned long nth, const char *file)
{
    pthread_mutex_lock(&s->lock);
    s->hold_nth = nth;
    s->hold_file = file;
    s->released = false;
    pthread_mutex_unlock(&s->lock);
}

void rs_server_release(struct rs_server *s)
{
    pthread_mutex_lock(&s->lock);
    s->released = true;
    pthread_cond_broadcast(&s->released_cv);
    pthread_mutex_unlock(&s->lock);
}

void rs_server_hang(struct rs_server *s, unsigned long after)
{
    pthread_mutex_lock(&s->lock);
    s->hang_after = after;
    pthread_mutex_unlock(&s->lock);
}

/* Counts the request as it arrives; past hang_after it is never handled
 * nor answered: it waits for rs_server_stop, then its connection is
 * closed. true when it hung. */
static bool maybe_hang(struct rs_server *s)
{
    pthread_mutex_lock(&s->lock);
    bool hang = ++s->arrived > s->hang_after;
    while (hang && !s->stopping)
        pthread_cond_wait(&s->released_cv, &s->lock);
    pthread_mutex_unlock(&s->lock);
    return hang;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn,
                                  struct rs_reply *r)
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
            MHD_YES)
        rc = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result answer(struct rs_server *s, struct MHD_Connection *conn,
                              const char *method, struct exchange *x)
{
    struct header_list hl;
    struct rs_reply r;
    if (maybe_hang(s))
        return MHD_NO; /* closes the connection without a byte */
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
        .now = time(NULL),
    };
    if (rs_handler_handle(s->handler, &in, &r))
        return MHD_NO;
    maybe_hold(s);
    pause_ms(s->cfg->latency_ms);
    enum MHD_Result rc = send_reply(conn, &r);
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
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     (v6 ? MHD_USE_IPv6 : 0);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ss,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONN_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT, lim->conn_timeout_s,
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
    if (!s || rs_handler_new(&s->handler, cfg, log) ||
        pthread_mutex_init(&s->lock, NULL)) {
        kc_err_set(err, errlen, "out of memory");
        goto out;
    }
    if (pthread_cond_init(&s->released_cv, NULL)) {
        pthread_mutex_destroy(&s->lock);
        kc_err_set(err, errlen, "out of memory");
        goto out;
    }
    s->sync_ok = true;
    s->hang_after = ULONG_MAX;
    s->cfg = cfg;
    if (parse_listen(listen, &ss, &v6, s->host, sizeof(s->host))) {
        kc_err_set(err, errlen,
                   "--listen %s: expected ADDR:PORT or [ADDR6]:PORT", listen);
        rc = RS_SERVER_BAD_LISTEN;
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
    if (s->sync_ok) {
        pthread_mutex_lock(&s->lock);
        s->stopping = true; /* hung requests end (rs_server_hang) */
        pthread_mutex_unlock(&s->lock);
        rs_server_release(s); /* a held answer must not outlive us */
    }
    if (s->mhd)
        MHD_stop_daemon(s->mhd);
    if (s->sync_ok) {
        pthread_cond_destroy(&s->released_cv);
        pthread_mutex_destroy(&s->lock);
    }
    rs_handler_free(s->handler);
    free(s);
}
