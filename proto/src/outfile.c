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

/* A device, FIFO or socket: opened and written, never replaced. */
static int write_through(const char *path, const char *data, size_t len,
                         char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY);
    int rc = -1;

    if (fd < 0) {
        kc_err_set(err, errlen, "%s: cannot open for writing: %s", path,
                   errno == ENXIO ? "a FIFO without a reader"
                                  : strerror(errno));
        return -1;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
        write_all(fd, data, len) != 0)
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    else
        rc = 0;
    if (close(fd) != 0 && rc == 0) {
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
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

/* Replaces the regular file (or creates) path; old is its stat when it
 * exists, NULL when new. */
static int replace_regular(const char *path, const struct stat *old,
                           const char *data, size_t len, char *err,
                           size_t errlen)
{
    char *tmp = NULL;
    int fd = create_temp(path, &tmp);
    int rc = -1;

    if (fd < 0) {
        kc_err_set(err, errlen, "%s: cannot create a temporary file: %s", path,
                   strerror(errno));
        return -1;
    }
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0 ||
        (old && fchmod(fd, old->st_mode & 07777) != 0)) {
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        close(fd);
        goto out;
    }
    if (close(fd) != 0) {
        kc_err_set(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        kc_err_set(err, errlen, "%s: cannot rename the temporary file: %s",
                   path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int kc_outfile_write(const char *path, const char *data, size_t len, char *err,
                     size_t errlen)
{
    struct stat st;
    char *real = NULL;
    int rc;

    if (!path || !path[0]) {
        kc_err_set(err, errlen, "output path: empty");
        return -1;
    }
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) {
            kc_err_set(err, errlen, "%s: cannot write: %s", path,
                       strerror(errno));
            return -1;
        }
        return replace_regular(path, NULL, data, len, err, errlen);
    }
    if (S_ISLNK(st.st_mode)) {
        real = realpath(path, NULL);
        if (!real) {
            kc_err_set(err, errlen, "%s: cannot resolve the symlink: %s", path,
                       strerror(errno));
            return -1;
        }
        if (stat(real, &st) != 0) {
            kc_err_set(err, errlen, "%s: cannot write: %s", path,
                       strerror(errno));
            free(real);
            return -1;
        }
    }
    if (S_ISREG(st.st_mode))
        rc = replace_regular(real ? real : path, &st, data, len, err, errlen);
    else if (S_ISDIR(st.st_mode)) {
        kc_err_set(err, errlen, "%s: is a folder", path);
        rc = -1;
    } else
        rc = write_through(real ? real : path, data, len, err, errlen);
    free(real);
    return rc;
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
