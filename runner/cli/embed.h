/*
 * kc_embed: the bundled kms-refserver as the default target of
 * `kmsconf run`.
 *
 * The binary is the one kc_locate finds ($KMSCONF_REFSERVER, beside the
 * executable, the install prefix); when there is none the error names
 * where it looked. It is started with "--listen 127.0.0.1:0" plus the
 * caller's extra arguments, in its own process group (a Ctrl-C on the
 * terminal reaches kmsconf only, so teardown can still talk to it). Its
 * first stdout line is its URL, read with poll() within a bounded time. Its
 * stderr goes to an unlinked temporary file whose first line is quoted when
 * the server fails to start. kc_embed_stop sends SIGTERM and reaps it (then
 * SIGKILL after a bounded wait).
 */
#ifndef KC_EMBED_H
#define KC_EMBED_H

#include <stddef.h>
#include <sys/types.h>

struct kc_embed {
    pid_t pid;     /* 0 when not running */
    int out_fd;    /* read end of its stdout */
    int err_fd;    /* its stderr file */
    char url[256]; /* "http://127.0.0.1:<port>" */
};

/* Starts the server; waits at most timeout_ms for its URL. 0, or -1 with
 * a one-line reason in err (nothing left running). */
int kc_embed_start(struct kc_embed *e, const char *const *args, size_t nargs,
                   int timeout_ms, char *err, size_t errlen);
/* Stops and reaps it; safe on a stopped or never started server. Returns
 * its exit status (0 on a clean SIGTERM exit), or -1. */
int kc_embed_stop(struct kc_embed *e);

#endif
