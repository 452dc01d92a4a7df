/*
 * Helpers shared by the unit tests that write files (included by
 * test_kc_*.c after cmocka.h): a temporary folder per test program, made
 * by the group setup and removed with everything in it by the teardown,
 * paths in it, and files written in one go.
 */
#ifndef KC_TEST_TMP_H
#define KC_TEST_TMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fx_tmpdir[] = "/tmp/kc_unit_test.XXXXXX";

/* cmocka group setup and teardown of fx_tmpdir. */
static inline int fx_tmp_setup(void **state)
{
    (void)state;
    return mkdtemp(fx_tmpdir) ? 0 : -1;
}

static inline int fx_tmp_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx_tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* fx_tmpdir/name, in one of four buffers used in turn (so that a call may
 * take up to four paths). */
static inline char *fx_tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", fx_tmpdir, name);
    return buf[k];
}

/* A new file in /tmp holding text[0..len), its path malloc'ed (the caller
 * unlinks and frees it). */
static inline char *fx_tmp_file(const char *text, size_t len)
{
    char *path = strdup("/tmp/kc_unit_file.XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

#endif
