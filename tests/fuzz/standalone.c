/*
 * standalone: replays fuzz inputs through one target without libFuzzer, so
 * that the seed and regression corpora run in every build (gcc included).
 *
 *   fuzz_<target>_replay PATH...
 *
 * Each PATH is a file or a folder (its regular files, recursively, in
 * sorted order). Each input is named on stdout before it runs, so a crash
 * names its input. Exit 0 when at least one input ran, 2 on a bad path, an
 * unreadable or oversized file, or no input at all.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

/* Larger inputs are refused rather than truncated (libFuzzer's -max_len is
 * far smaller anyway). */
#define REPLAY_MAX_BYTES ((size_t)16 * 1024 * 1024)

static size_t ran;

static int replay_path(const char *path);

static int read_whole(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            uint8_t *nb;
            if (ncap > REPLAY_MAX_BYTES + 1)
                ncap = REPLAY_MAX_BYTES + 1;
            if (ncap == cap) {
                fprintf(stderr, "replay: %s: larger than %zu bytes\n", path,
                        REPLAY_MAX_BYTES);
                goto out;
            }
            nb = realloc(buf, ncap);
            if (!nb) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        goto out;
    }
    *out = buf;
    *len = n;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

static int replay_file(const char *path)
{
    uint8_t *data = NULL, *exact;
    size_t len = 0;

    if (read_whole(path, &data, &len) != 0)
        return -1;
    printf("replay: %s (%zu bytes)\n", path, len);
    fflush(stdout);
    /* An exact-size copy: reads past the end are caught by ASan. */
    exact = fz_memdup(data, len);
    free(data);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    ran++;
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dot(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static int replay_dir(const char *path)
{
    struct dirent **names = NULL;
    int n = scandir(path, &names, skip_dot, by_name);
    int rc = 0;

    if (n < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char child[4096];
        int w = snprintf(child, sizeof(child), "%s/%s", path, names[i]->d_name);
        if (w < 0 || (size_t)w >= sizeof(child)) {
            fprintf(stderr, "replay: %s/%s: path too long\n", path,
                    names[i]->d_name);
            rc = -1;
        } else if (replay_path(child) != 0) {
            rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int replay_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return replay_dir(path);
    if (S_ISREG(st.st_mode))
        return replay_file(path);
    fprintf(stderr, "replay: %s: not a file or folder\n", path);
    return -1;
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (replay_path(argv[i]) != 0)
            rc = 2;
    }
    if (ran == 0) {
        fprintf(stderr, "replay: no input found\n");
        rc = 2;
    }
    printf("replay: %zu inputs ran\n", ran);
    return rc;
}
