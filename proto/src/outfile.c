/* kc_outfile: output files written through, or replaced atomically. */
#include "kc/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kc/err.h"

#define TMP_SUFFIX_MAX 48  /* ".tmp.<pid>.<n>" */
#define TMP_TRIES      100 /* names tried before giving up */

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* An output being written: a temporary file to rename over target, or
 * (tmp NULL) a device, FIFO or socket written through. */
struct kc_outfile {
    int fd;
    char *target; /* the path errors name: the link's target for a link */
    char *tmp;    /* the temporary file, NULL when written through */
    bool has_mode;
    mode_t mode; /* the replaced file's */
};

static void outfile_free(struct kc_outfile *o)
{
    free(o->target);
    free(o->tmp);
    free(o);
}

/* A device, FIFO or socket: opened and written, never replaced. */
static int open_through(struct kc_outfile *o, char *err, size_t errlen)
{
    o->fd = open(o->target, O_WRONLY | O_NONBLOCK | O_NOCTTY);
    if (o->fd < 0) {
        kc_err_set(err, errlen, "%s: cannot open for writing: %s", o->target,
                   errno == ENXIO ? "a FIFO without a reader"
                                  : strerror(errno));
        return -1;
    }
    if (fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        kc_err_set(err, errlen, "%s: cannot write: %s", o->target,
                   strerror(errno));
        close(o->fd);
        return -1;
    }
    return 0;
}

/* Creates a new temporary file next to path with mode 0666 minus the
 * umask (open applies it); *tmp receives its name (caller frees). */
static int create_temp(const char *path, char **tmp)
{
    size_t n = strlen(path) + TMP_SUFFIX_MAX;
    char *name = malloc(n);

    *tmp = NULL;
    if (!name) {
        errno = ENOMEM;
        return -1;
    }
    for (unsigned i = 0; i < TMP_TRIES; i++) {
        snprintf(name, n, "%s.tmp.%ld.%u", path, (long)getpid(), i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
        if (fd >= 0) {
            *tmp = name;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    free(name);
    return -1;
}

/* The regular file (or new one) o->target, replaced through a temporary
 * file; old is its stat when it exists, NULL when new. */
static int open_regular(struct kc_outfile *o, const struct stat *old, char *err,
                        size_t errlen)
{
    o->fd = create_temp(o->target, &o->tmp);
    if (o->fd < 0) {
        kc_err_set(err, errlen, "%s: cannot create a temporary file: %s",
                   o->target, strerror(errno));
        return -1;
    }
    if (old) {
        o->has_mode = true;
        o->mode = old->st_mode & 07777;
    }
    return 0;
}

/* What path is (its stat into *st, resolved through a symlink into
 * *real, caller frees): 1 it exists, 0 it does not, -1 with err. */
static int resolve(const char *path, struct stat *st, char **real, char *err,
                   size_t errlen)
{
    *real = NULL;
    if (lstat(path, st) != 0) {
        if (errno == ENOENT)
            return 0;
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISLNK(st->st_mode))
        return 1;
    *real = realpath(path, NULL);
    if (!*real) {
        kc_err_set(err, errlen, "%s: cannot resolve the symlink: %s", path,
                   strerror(errno));
        return -1;
    }
    if (stat(*real, st) != 0) {
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        free(*real);
        *real = NULL;
        return -1;
    }
    return 1;
}

struct kc_outfile *kc_outfile_open(const char *path, char *err, size_t errlen)
{
    struct stat st;
    char *real = NULL;
    struct kc_outfile *o = NULL;
    int rc = -1, ex;

    if (!path || !path[0]) {
        kc_err_set(err, errlen, "output path: empty");
        return NULL;
    }
    ex = resolve(path, &st, &real, err, errlen);
    if (ex < 0)
        return NULL;
    o = calloc(1, sizeof(*o));
    if (o)
        o->target = strdup(real ? real : path);
    if (!o || !o->target) {
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(ENOMEM));
        goto out;
    }
    if (ex == 0 || S_ISREG(st.st_mode))
        rc = open_regular(o, ex ? &st : NULL, err, errlen);
    else if (S_ISDIR(st.st_mode))
        kc_err_set(err, errlen, "%s: is a folder", path);
    else
        rc = open_through(o, err, errlen);
out:
    free(real);
    if (rc != 0 && o) {
        outfile_free(o);
        o = NULL;
    }
    return o;
}

int kc_outfile_put(struct kc_outfile *o, const void *data, size_t len,
                   char *err, size_t errlen)
{
    if (write_all(o->fd, data, len) == 0)
        return 0;
    kc_err_set(err, errlen, "%s: cannot write: %s", o->target, strerror(errno));
    return -1;
}

void kc_outfile_abort(struct kc_outfile *o)
{
    if (!o)
        return;
    close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    outfile_free(o);
}

int kc_outfile_commit(struct kc_outfile *o, char *err, size_t errlen)
{
    int rc = -1;

    if (o->tmp &&
        (fsync(o->fd) != 0 || (o->has_mode && fchmod(o->fd, o->mode) != 0))) {
        kc_err_set(err, errlen, "%s: cannot write: %s", o->target,
                   strerror(errno));
        close(o->fd);
        goto out;
    }
    if (close(o->fd) != 0) {
        kc_err_set(err, errlen, "%s: cannot write: %s", o->target,
                   strerror(errno));
        goto out;
    }
    if (o->tmp && rename(o->tmp, o->target) != 0) {
        kc_err_set(err, errlen, "%s: cannot rename the temporary file: %s",
                   o->target, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (rc != 0 && o->tmp)
        unlink(o->tmp);
    outfile_free(o);
    return rc;
}

int kc_outfile_write(const char *path, const char *data, size_t len, char *err,
                     size_t errlen)
{
    struct kc_outfile *o = kc_outfile_open(path, err, errlen);
    if (!o)
        return -1;
    if (kc_outfile_put(o, data, len, err, errlen) != 0) {
        kc_outfile_abort(o);
        return -1;
    }
    return kc_outfile_commit(o, err, errlen);
}

/* An unlinked file named "<prefix>.spool.XXXXXX", open for reading and
 * writing; NULL with errno set. */
static FILE *spool_at(const char *prefix)
{
    size_t n = strlen(prefix) + sizeof(".spool.XXXXXX");
    char *name = malloc(n);
    FILE *f = NULL;
    if (!name) {
        errno = ENOMEM;
        return NULL;
    }
    snprintf(name, n, "%s.spool.XXXXXX", prefix);
    int fd = mkstemp(name);
    if (fd >= 0) {
        unlink(name);
        f = fdopen(fd, "w+");
        if (!f) {
            int e = errno;
            close(fd);
            errno = e;
        }
    }
    free(name);
    return f;
}

/* A spool file for what is written before path: unlinked at once, so that
 * nothing of it is left behind, in the folder where path is replaced (a
 * regular file or a new one) or, for anything else, in $TMPDIR. */
FILE *kc_outfile_spool(const char *path, char *err, size_t errlen)
{
    struct stat st;
    char *real = NULL;
    FILE *f = NULL;
    int ex = strcmp(path, "-") ? resolve(path, &st, &real, err, errlen) : 1;
    if (ex < 0)
        return NULL;
    if (!strcmp(path, "-") || (ex && !S_ISREG(st.st_mode))) {
        /* no folder of its own: the temporary folder the user names */
        const char *dir = getenv("TMPDIR");
        char prefix[4096];
        snprintf(prefix, sizeof(prefix), "%s/kmsconf",
                 dir && dir[0] ? dir : "/tmp");
        f = spool_at(prefix);
    } else {
        f = spool_at(real ? real : path);
    }
    if (!f)
        kc_err_set(err, errlen, "%s: cannot create a spool file: %s", path,
                   strerror(errno));
    free(real);
    return f;
}

/* The folder a new file at path goes into, into dir ("." for a bare
 * name). -1 when it does not fit. */
static int parent_of(const char *path, char *dir, size_t dirlen)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    if (slash && n == 0)
        n = 1; /* "/name": the root */
    if (n >= dirlen)
        return -1;
    memcpy(dir, slash ? path : ".", n);
    dir[n] = '\0';
    return 0;
}

/* A file to be created (or replaced) at path: its folder must exist and be
 * writable. */
static int check_folder(const char *path, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    struct stat st;
    if (parent_of(path, dir, sizeof(dir))) {
        kc_err_set(err, errlen, "%s: path too long", path);
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        kc_err_set(err, errlen, "%s: folder %s does not exist", path, dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        kc_err_set(err, errlen, "%s: folder %s is not writable: %s", path, dir,
                   strerror(errno));
        return -1;
    }
    return 0;
}

int kc_outfile_check(const char *path, bool append, char *err, size_t errlen)
{
    struct stat st;
    char *real = NULL;
    int rc = -1;

    if (!path || !path[0]) {
        kc_err_set(err, errlen, "empty path");
        return -1;
    }
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            kc_err_set(err, errlen, "%s: %s", path, strerror(errno));
        else if (lstat(path, &st) == 0)
            kc_err_set(err, errlen, "%s: a symlink to nothing", path);
        else
            rc = check_folder(path, err, errlen);
        return rc;
    }
    if (S_ISDIR(st.st_mode)) {
        kc_err_set(err, errlen, "%s: is a folder", path);
        return -1;
    }
    if (append || !S_ISREG(st.st_mode)) { /* written in place */
        if (access(path, W_OK) == 0)
            return 0;
        kc_err_set(err, errlen, "%s: not writable: %s", path, strerror(errno));
        return -1;
    }
    real = realpath(path, NULL); /* replaced next to what a link names */
    if (!real) {
        kc_err_set(err, errlen, "%s: cannot resolve: %s", path,
                   strerror(errno));
        return -1;
    }
    rc = check_folder(real, err, errlen);
    free(real);
    return rc;
}
