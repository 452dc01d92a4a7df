/* Output files (issue 14 defect 1): kc_junit_write, and through it every
 * report, replaces a regular file atomically, resolves symlinks, writes
 * through to devices and FIFOs, keeps an existing file's mode and honours
 * the umask. */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "kc/file.h"
#include "kc/junit.h"
#include "kc/outfile.h"
#include "kc/report.h"

static char dir[] = "/tmp/kc_outfile_XXXXXX";

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static int write_report(const char *path, char *err, size_t errlen)
{
    struct kc_report *r = kc_report_new("kmsconf");
    int rc;

    assert_non_null(r);
    rc = kc_junit_write(r, path, false, err, errlen);
    kc_report_free(r);
    return rc;
}

static void assert_is_report(const char *path)
{
    char err[256];
    char *text = kc_file_read(path, 1 << 20, 0, NULL, err, sizeof(err));

    assert_non_null(text);
    assert_non_null(strstr(text, "<testsuites"));
    free(text);
}

static void test_modes(void **state)
{
    char p[512], err[512];
    struct stat st;
    mode_t old;

    (void)state;
    path_in(p, sizeof(p), "new.xml");
    old = umask(027);
    assert_int_equal(write_report(p, err, sizeof(err)), 0);
    umask(old);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(chmod(p, 0604), 0);
    assert_int_equal(write_report(p, err, sizeof(err)), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0604);
    assert_is_report(p);
    unlink(p);
}

static void test_symlink(void **state)
{
    char target[512], link[512], err[512];
    struct stat st;

    (void)state;
    path_in(target, sizeof(target), "target.xml");
    path_in(link, sizeof(link), "link.xml");
    assert_int_equal(write_report(target, err, sizeof(err)), 0);
    assert_int_equal(symlink("target.xml", link), 0);
    assert_int_equal(write_report(link, err, sizeof(err)), 0);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_is_report(target);
    unlink(link);
    assert_int_equal(symlink("missing.xml", link), 0);
    assert_int_equal(write_report(link, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot resolve the symlink"));
    unlink(link);
    unlink(target);
}

static void test_fifo(void **state)
{
    char p[512], err[512], buf[4096];
    struct stat st;
    ssize_t n;
    int rfd;

    (void)state;
    path_in(p, sizeof(p), "fifo.xml");
    assert_int_equal(mkfifo(p, 0600), 0);
    /* no reader: an error, not a wait */
    assert_int_equal(write_report(p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "a FIFO without a reader"));
    rfd = open(p, O_RDONLY | O_NONBLOCK);
    assert_true(rfd >= 0);
    assert_int_equal(write_report(p, err, sizeof(err)), 0);
    n = read(rfd, buf, sizeof(buf) - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "<testsuites"));
    close(rfd);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    unlink(p);
}

/* A device is written through. As root the test makes its own null device
 * in the temporary folder, so that a regression cannot replace /dev/null;
 * otherwise it writes to /dev/null (which it cannot replace). */
static void test_device(void **state)
{
    char p[512], err[512];
    struct stat st;

    (void)state;
    if (geteuid() == 0) {
        path_in(p, sizeof(p), "null");
        assert_int_equal(mknod(p, S_IFCHR | 0666, makedev(1, 3)), 0);
    } else {
        snprintf(p, sizeof(p), "/dev/null");
    }
    assert_int_equal(write_report(p, err, sizeof(err)), 0);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    if (geteuid() == 0)
        unlink(p);
}

static void test_refusals(void **state)
{
    char err[512];

    (void)state;
    assert_int_equal(kc_outfile_write("", "x", 1, err, sizeof(err)), -1);
    assert_string_equal(err, "output path: empty");
    assert_int_equal(kc_outfile_write(dir, "x", 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is a folder"));
}

/* kc_outfile_check: what can be known before the run, nothing created. */
static void test_check(void **state)
{
    char err[512], p[PATH_MAX];

    (void)state;
    assert_int_equal(kc_outfile_check("", false, err, sizeof(err)), -1);
    assert_string_equal(err, "empty path");
    assert_int_equal(kc_outfile_check(dir, false, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is a folder"));
    snprintf(p, sizeof(p), "%s/no-such-folder/r.xml", dir);
    assert_int_equal(kc_outfile_check(p, true, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no-such-folder does not exist"));
    snprintf(p, sizeof(p), "%s/new.xml", dir);
    assert_int_equal(kc_outfile_check(p, false, err, sizeof(err)), 0);
    assert_int_equal(access(p, F_OK), -1); /* nothing created */
    snprintf(p, sizeof(p), "%s/dangling", dir);
    assert_int_equal(symlink("no-such-target", p), 0);
    assert_int_equal(kc_outfile_check(p, false, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "a symlink to nothing"));
    unlink(p);
    assert_int_equal(kc_outfile_check("/dev/null", false, err, sizeof(err)), 0);
    assert_int_equal(kc_outfile_check("bare-name.xml", false, err, sizeof(err)),
                     0);
}

/* The spool of an output with no folder of its own ("-", a device) is in
 * $TMPDIR, not wherever the C library's tmpfile() puts it; every spool is
 * unlinked as soon as it is made. */
static void test_spool_tmpdir(void **state)
{
    char sub[PATH_MAX], err[256] = "";
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    (void)state;
    path_in(sub, sizeof(sub), "spools");
    setenv("TMPDIR", sub, 1); /* not made yet */
    assert_null(kc_outfile_spool("-", err, sizeof(err)));
    assert_non_null(strstr(err, "-: cannot create a spool file: No such file"));
    assert_int_equal(mkdir(sub, 0700), 0);
    FILE *f = kc_outfile_spool("/dev/null", err, sizeof(err));
    assert_non_null(f);
    assert_int_equal(fputs("spooled", f) >= 0, 1);
    fclose(f);
    assert_int_equal(rmdir(sub), 0); /* empty: the spool was unlinked */
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes),        cmocka_unit_test(test_symlink),
        cmocka_unit_test(test_fifo),         cmocka_unit_test(test_device),
        cmocka_unit_test(test_refusals),     cmocka_unit_test(test_check),
        cmocka_unit_test(test_spool_tmpdir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
