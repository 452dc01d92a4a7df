/* Evidence bundles (kc_bundle): the SHA256SUMS reader refuses each kind of
 * malformed line with its message, and the file check finds a changed
 * byte, a removed file and an unlisted one, naming the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kc/bundle.h"
#include "kc/err.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void sums_good(void **state)
{
    (void)state;
    const char *t = HEX_A "  answers/000001.json\n" HEX_B "  report.xml\n";
    struct kc_bundle_entry *e = NULL;
    size_t n = 0;
    char err[KC_ERR_MAX] = "";
    assert_int_equal(
        kc_bundle_sums_parse(t, strlen(t), &e, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].path, "answers/000001.json");
    assert_string_equal(e[1].hex, HEX_B);
    free(e);
    assert_int_equal(kc_bundle_sums_parse("", 0, &e, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);
    free(e);
}

static void sums_bad_one(const char *text, const char *want)
{
    struct kc_bundle_entry *e = NULL;
    size_t n = 7;
    char err[KC_ERR_MAX] = "";
    assert_int_equal(
        kc_bundle_sums_parse(text, strlen(text), &e, &n, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    assert_null(e);
    assert_int_equal(n, 0);
}

static void sums_bad(void **state)
{
    (void)state;
    sums_bad_one(HEX_A "  a", "SHA256SUMS: line 1: no newline at the end");
    sums_bad_one(HEX_A " a\n",
                 "SHA256SUMS: line 1: not \"<sha256 hex>  <path>\"");
    sums_bad_one(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "A  a\n",
        "SHA256SUMS: line 1: the hash is not 64 lower-case hex "
        "digits");
    const char *paths[] = {"/etc/passwd", "../x", "a/../b",
                           "a//b",        "./a",  "a/"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char t[256];
        snprintf(t, sizeof(t), HEX_A "  %s\n", paths[i]);
        sums_bad_one(t, "SHA256SUMS: line 1: the path is not a plain "
                        "relative path");
    }
    sums_bad_one(HEX_A "  b\n" HEX_A "  a\n",
                 "SHA256SUMS: line 2: not sorted by path, or a path listed "
                 "twice");
    sums_bad_one(HEX_A "  a\n" HEX_A "  a\n",
                 "SHA256SUMS: line 2: not sorted by path, or a path listed "
                 "twice");
}

struct seen {
    char lines[8][KC_ERR_MAX];
    size_t n;
};

static void collect(void *ctx, const char *line)
{
    struct seen *s = ctx;
    if (s->n < 8)
        snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", line);
    s->n++;
}

static void write_at(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void files_checked(void **state)
{
    (void)state;
    char dir[] = "/tmp/kc_bundle_XXXXXX", err[KC_ERR_MAX] = "";
    struct seen s = {0};
    assert_non_null(mkdtemp(dir));
    struct kc_bundle *b = kc_bundle_open(dir, err, sizeof(err));
    assert_non_null(b);
    assert_int_equal(
        kc_bundle_add_file(b, "report.xml", "<r/>", 4, err, sizeof(err)), 0);
    assert_int_equal(kc_bundle_add_file(b, "answers/000001.json", "{}\n", 3,
                                        err, sizeof(err)),
                     0);
    assert_int_equal(kc_bundle_close(b, NULL, err, sizeof(err)), 0);
    kc_bundle_free(b);
    assert_int_equal(
        kc_bundle_check_files(dir, NULL, collect, &s, err, sizeof(err)), 0);
    /* a folder that is not empty is refused */
    assert_null(kc_bundle_open(dir, err, sizeof(err)));
    assert_non_null(strstr(err, ": exists and is not empty"));

    write_at(dir, "report.xml", "<R/>");
    write_at(dir, "suite/extra.json", "{}");
    assert_int_equal(
        kc_bundle_check_files(dir, NULL, collect, &s, err, sizeof(err)), 2);
    assert_string_equal(s.lines[0], "report.xml: its SHA-256 differs from "
                                    "SHA256SUMS's (tampered)");
    assert_string_equal(s.lines[1],
                        "suite/extra.json: not listed in SHA256SUMS");
    char p[512];
    snprintf(p, sizeof(p), "%s/answers/000001.json", dir);
    assert_int_equal(unlink(p), 0);
    s.n = 0;
    assert_int_equal(
        kc_bundle_check_files(dir, NULL, collect, &s, err, sizeof(err)), 3);
    assert_string_equal(s.lines[0], "answers/000001.json: listed but missing "
                                    "or unreadable");
    /* no SHA256SUMS: the bundle cannot be read */
    snprintf(p, sizeof(p), "%s/SHA256SUMS", dir);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(
        kc_bundle_check_files(dir, NULL, collect, &s, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "SHA256SUMS: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sums_good),
        cmocka_unit_test(sums_bad),
        cmocka_unit_test(files_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
