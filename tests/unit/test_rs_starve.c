/*
 * Issue 14, defect 9: kms-refserver cannot be starved. Idle and slowloris
 * connections from one client address (127.0.0.2) beyond the per-address
 * limit are closed at once, so a legitimate client (127.0.0.1) is still
 * served; an idle connection is closed after the connection timeout.
 * Every wait is bounded (poll with a deadline) and event-driven: the test
 * waits for the server to close the connections it refuses before it
 * sends the legitimate request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "rs/config.h"
#include "rs/server.h"

#define ATTACKERS 120
#define BOUND_MS  10000

static struct rs_config cfg;

static struct rs_server *start(unsigned max, unsigned per_ip, unsigned tmo)
{
    struct rs_server *s = NULL;
    /* one event-loop thread: with a pool, each thread has its own share of
     * the connection limit and which thread takes a connection is luck */
    const struct rs_server_limits lim = {
        .max_conns = max,
        .max_conns_per_ip = per_ip,
        .conn_timeout_s = tmo,
        .threads = 1,
    };
    char err[256];
    assert_int_equal(rs_server_start_limited(&s, &cfg, "127.0.0.1:0", NULL,
                                             &lim, err, sizeof(err)),
                     RS_SERVER_OK);
    return s;
}

/* A connection from src to the server; odd ones start a request that
 * they never finish (slowloris), even ones send nothing. */
static int attack(const char *src, unsigned port, int i)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(inet_pton(AF_INET, src, &a.sin_addr), 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    a.sin_port = htons((uint16_t)port);
    assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    if (i % 2) {
        static const char part[] = "GET /?Action=DescribeRegions HTTP/1.1\r\n"
                                   "Host: x\r\nX-Slow: ";
        assert_int_equal(send(fd, part, sizeof(part) - 1, MSG_NOSIGNAL),
                         (ssize_t)sizeof(part) - 1);
    }
    return fd;
}

/* Waits (bounded) until want of the fds have been closed by the server;
 * returns how many were. */
static int wait_closed(const int *fds, int n, int want)
{
    struct pollfd p[ATTACKERS];
    char buf[256];
    int closed = 0;
    int rounds = BOUND_MS / 100;
    for (int i = 0; i < n; i++)
        p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    while (closed < want && rounds-- > 0) {
        if (poll(p, (nfds_t)n, 100) <= 0)
            continue;
        for (int i = 0; i < n; i++) {
            if (!p[i].revents)
                continue;
            ssize_t r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (r <= 0) {
                closed++;
                p[i].fd = -1; /* poll ignores it from now on */
            }
            p[i].revents = 0;
        }
    }
    return closed;
}

static size_t sink(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* A legitimate request from 127.0.0.1; its HTTP status, 0 when none. */
static long legit(struct rs_server *s)
{
    char url[160];
    long status = 0;
    rs_server_url(s, url, sizeof(url));
    strcat(url, "/?Action=DescribeRegions");
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)BOUND_MS);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

static void run_attack(unsigned max, unsigned per_ip, int expect_closed,
                       long *status)
{
    struct rs_server *s = start(max, per_ip, 60);
    int fds[ATTACKERS];
    for (int i = 0; i < ATTACKERS; i++)
        fds[i] = attack("127.0.0.2", rs_server_port(s), i);
    /* with a per-address limit, the server has seen them all once it has
     * closed the excess */
    assert_int_equal(wait_closed(fds, ATTACKERS, expect_closed), expect_closed);
    *status = legit(s);
    for (int i = 0; i < ATTACKERS; i++)
        close(fds[i]);
    rs_server_stop(s);
}

static void test_per_ip_limit_keeps_serving(void **state)
{
    long status = 0;
    (void)state;
    run_attack(40, 8, ATTACKERS - 8, &status);
    assert_int_equal(status, 400); /* answered (unsigned: MissingParameter) */
}

/* The same attack without a per-address limit fills every slot: past the
 * total limit the event loop stops accepting, the excess waits in the
 * listen queue (none is closed), and so does the legitimate request,
 * unanswered within the bound (what the per-address limit prevents). */
static void test_without_per_ip_limit_starved(void **state)
{
    long status = -1;
    (void)state;
    run_attack(40, 0, 0, &status);
    assert_int_equal(status, 0);
}

static void test_idle_connection_timeout(void **state)
{
    struct rs_server *s = start(40, 8, 1);
    int fds[2];
    (void)state;
    fds[0] = attack("127.0.0.3", rs_server_port(s), 0); /* idle */
    fds[1] = attack("127.0.0.3", rs_server_port(s), 1); /* slowloris */
    assert_int_equal(wait_closed(fds, 2, 2), 2);
    close(fds[0]);
    close(fds[1]);
    rs_server_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_ip_limit_keeps_serving),
        cmocka_unit_test(test_without_per_ip_limit_starved),
        cmocka_unit_test(test_idle_connection_timeout),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rs_config_default(&cfg))
        return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rs_config_dispose(&cfg);
    curl_global_cleanup();
    return rc;
}
