/* kc_embed: start and stop the bundled kms-refserver. */
#include "embed.h"
#include "locate.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An unlinked temporary file for the child's stderr, or -1. */
static int stderr_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/kmsconf-refserver-XXXXXX",
             dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Child side: only async-signal-safe calls. */
static void exec_child(const char *bin, char **argv, int out_w, int err_fd)
{
    setpgid(0, 0);
    if (dup2(out_w, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
        _exit(127);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, STDIN_FILENO);
    execv(bin, argv);
    _exit(127);
}

/* Reads one line from fd within timeout_ms. 0, or -1 (eof, timeout). */
static int read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t n = 0;
    long deadline = now_ms() + timeout_ms;
    while (n + 1 < cap) {
        long left = deadline - now_ms();
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0)
            return -1;
        int pr = poll(&p, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return -1;
        ssize_t r = read(fd, line + n, 1);
        if (r <= 0)
            return -1;
        if (line[n] == '\n') {
            line[n] = '\0';
            return 0;
        }
        n++;
    }
    return -1;
}

/* The first line the child wrote to stderr, for an error message. */
static void child_reason(int err_fd, char *out, size_t cap)
{
    out[0] = '\0';
    if (err_fd < 0 || lseek(err_fd, 0, SEEK_SET) < 0)
        return;
    ssize_t r = read(err_fd, out, cap - 1);
    out[r > 0 ? r : 0] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
}

static void fail_start(struct kc_embed *e, const char *bin, const char *what,
                       char *err, size_t errlen)
{
    char reason[200];
    child_reason(e->err_fd, reason, sizeof(reason));
    snprintf(err, errlen, "cannot start %s: %s%s%s", bin, what,
             reason[0] ? ": " : "", reason);
    kc_embed_stop(e);
}

int kc_embed_start(struct kc_embed *e, const char *const *args, size_t nargs,
                   int timeout_ms, char *err, size_t errlen)
{
    char looked[KC_LOCATE_LOOKED_MAX];
    const char *bin = kc_locate(KC_LOCATE_REFSERVER, looked, sizeof(looked));
    char *argv[MAX_ARGS + 4];
    int pipefd[2];
    memset(e, 0, sizeof(*e));
    e->out_fd = e->err_fd = -1;
    if (!bin) {
        snprintf(err, errlen, "kms-refserver not found (looked in %s)", looked);
        return -1;
    }
    if (access(bin, X_OK) != 0) {
        snprintf(err, errlen, "kms-refserver %s (from $%s): %s", bin,
                 kc_locate_env_name(KC_LOCATE_REFSERVER), strerror(errno));
        return -1;
    }
    if (nargs > MAX_ARGS) {
        snprintf(err, errlen, "too many --refserver-arg options (max %d)",
                 MAX_ARGS);
        return -1;
    }
    argv[0] = (char *)(uintptr_t)bin;
    argv[1] = (char *)(uintptr_t) "--listen";
    argv[2] = (char *)(uintptr_t) "127.0.0.1:0";
    for (size_t i = 0; i < nargs; i++)
        argv[3 + i] = (char *)(uintptr_t)args[i];
    argv[3 + nargs] = NULL;
    e->err_fd = stderr_file();
    if (e->err_fd < 0 || pipe(pipefd)) {
        snprintf(err, errlen, "cannot start %s: %s", bin, strerror(errno));
        kc_embed_stop(e);
        return -1;
    }
    fflush(NULL);
    e->pid = fork();
    if (e->pid == 0)
        exec_child(bin, argv, pipefd[1], e->err_fd);
    close(pipefd[1]);
    e->out_fd = pipefd[0];
    if (e->pid < 0) {
        e->pid = 0;
        fail_start(e, bin, strerror(errno), err, errlen);
        return -1;
    }
    setpgid(e->pid, e->pid); /* also from here: no race with a Ctrl-C */
    if (read_line(e->out_fd, e->url, sizeof(e->url), timeout_ms) ||
        strncmp(e->url, "http", 4)) {
        fail_start(e, bin, "no URL on its first output line", err, errlen);
        return -1;
    }
    return 0;
}

/* Waits up to ms for pid; true when reaped (*status set). */
static int reap(pid_t pid, int ms, int *status)
{
    long deadline = now_ms() + ms;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return r == pid;
        if (now_ms() >= deadline)
            return 0;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

int kc_embed_stop(struct kc_embed *e)
{
    int status = 0, rc = 0;
    if (e->pid > 0) {
        kill(e->pid, SIGTERM);
        if (!reap(e->pid, 5000, &status)) {
            kill(e->pid, SIGKILL);
            reap(e->pid, 5000, &status);
            rc = -1;
        } else if (WIFEXITED(status)) {
            rc = WEXITSTATUS(status);
        } else if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)) {
            rc = -1;
        }
    }
    if (e->out_fd >= 0)
        close(e->out_fd);
    if (e->err_fd >= 0)
        close(e->err_fd);
    e->pid = 0;
    e->out_fd = e->err_fd = -1;
    return rc;
}
