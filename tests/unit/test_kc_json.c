/* kc_json, kc_file, kc_err: the toolkit every JSON reader of the project
 * uses. */
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

#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"

static cJSON *parse(const char *s)
{
    char err[KC_ERR_MAX];
    cJSON *j = kc_json_parse(s, strlen(s), "t.json", err, sizeof(err));
    assert_non_null(j);
    return j;
}

static void parse_errors_name_line_and_column(void **state)
{
    (void)state;
    char err[KC_ERR_MAX];
    const char *bad = "{\n  \"a\": 1,\n  x\n}";
    assert_null(kc_json_parse(bad, strlen(bad), "t.json", err, sizeof(err)));
    assert_string_equal(err, "t.json: line 3, column 4: invalid JSON");
    assert_null(kc_json_parse("{} {}", 5, "t.json", err, sizeof(err)));
    assert_string_equal(
        err, "t.json: line 1, column 4: invalid JSON (text after the value)");
    assert_null(kc_json_parse("", 0, "t.json", err, sizeof(err)));
    assert_string_equal(err, "t.json: invalid JSON (empty file)");
    cJSON_Delete(parse("  {\"a\": [1, 2]}  \n"));
}

static void unknown_members_in_order(void **state)
{
    (void)state;
    static const char *const known[] = {"a", "b"};
    cJSON *j = parse("{\"a\":1,\"x\":2,\"b\":3,\"y\":4}");
    const cJSON *u = kc_json_unknown_member(j, NULL, known, 2);
    assert_string_equal(u->string, "x");
    u = kc_json_unknown_member(j, u, known, 2);
    assert_string_equal(u->string, "y");
    assert_null(kc_json_unknown_member(j, u, known, 2));
    assert_true(kc_json_key_in("b", known, 2));
    assert_false(kc_json_key_in("B", known, 2));
    cJSON_Delete(j);
}

static void repeated_members_in_document_order(void **state)
{
    (void)state;
    size_t n;
    cJSON *j = parse("{\"b\":1,\"a\":2,\"b\":3,\"c\":4,\"a\":5,\"b\":6}");
    const cJSON **r = kc_json_repeated_members(j, &n);
    assert_int_equal(n, 3);
    assert_int_equal(r[0]->valueint, 3);
    assert_int_equal(r[1]->valueint, 5);
    assert_int_equal(r[2]->valueint, 6);
    free(r);
    assert_int_equal(kc_json_first_repeated(j)->valueint, 3);
    cJSON_Delete(j);
    j = parse("{\"a\":1,\"b\":2}");
    assert_null(kc_json_repeated_members(j, &n));
    assert_int_equal(n, 0);
    assert_null(kc_json_first_repeated(j));
    cJSON_Delete(j);
}

/* 200,000 members: sorting, not pairwise comparison. */
static void repeated_members_scale(void **state)
{
    (void)state;
    cJSON *j = cJSON_CreateObject();
    char key[32];
    size_t n;
    for (int i = 0; i < 200000; i++) {
        snprintf(key, sizeof(key), "k%d", i % 199999);
        cJSON_AddItemToObject(j, key, cJSON_CreateNumber(i));
    }
    const cJSON **r = kc_json_repeated_members(j, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0]->valueint, 199999);
    free(r);
    cJSON_Delete(j);
}

static void typed_getters(void **state)
{
    (void)state;
    cJSON *j = parse("{\"s\":\"v\",\"b\":true,\"n\":7,\"f\":1.5,\"o\":{},"
                     "\"a\":[]}");
    const char *s;
    const cJSON *o;
    bool b = false;
    long l = 0;
    assert_int_equal(kc_json_string(j, "s", &s), KC_JSON_OK);
    assert_string_equal(s, "v");
    assert_int_equal(kc_json_string(j, "n", &s), KC_JSON_WRONG_TYPE);
    assert_null(s);
    assert_int_equal(kc_json_string(j, "none", &s), KC_JSON_ABSENT);
    assert_int_equal(kc_json_bool(j, "b", &b), KC_JSON_OK);
    assert_true(b);
    assert_int_equal(kc_json_bool(j, "s", &b), KC_JSON_WRONG_TYPE);
    assert_int_equal(kc_json_long(j, "n", 0, 10, &l), KC_JSON_OK);
    assert_int_equal(l, 7);
    assert_int_equal(kc_json_long(j, "n", 0, 6, &l), KC_JSON_OUT_OF_RANGE);
    assert_int_equal(kc_json_long(j, "f", 0, 6, &l), KC_JSON_WRONG_TYPE);
    assert_int_equal(kc_json_object(j, "o", &o), KC_JSON_OK);
    assert_int_equal(kc_json_object(j, "a", &o), KC_JSON_WRONG_TYPE);
    assert_int_equal(kc_json_array(j, "a", &o), KC_JSON_OK);
    cJSON_Delete(j);
}

static void paths(void **state)
{
    (void)state;
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    kc_json_path_key(p, sizeof(p), "$", "setup");
    kc_json_path_index(q, sizeof(q), p, 2);
    assert_string_equal(q, "$.setup[2]");
    kc_json_path_key(p, sizeof(p), q, "a b\n\"");
    assert_string_equal(p, "$.setup[2][\"a b\\x0a\\x22\"]");
}

static char *write_tmp(const char *content, size_t n)
{
    char *path = strdup("/tmp/kc_json_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

static void file_read_ceiling_and_text(void **state)
{
    (void)state;
    char err[KC_ERR_MAX];
    size_t len;
    char *path = write_tmp("abc\0def", 7);
    char *s = kc_file_read(path, 7, 0, &len, err, sizeof(err));
    assert_non_null(s);
    assert_int_equal(len, 7);
    free(s);
    assert_null(kc_file_read(path, 6, 0, &len, err, sizeof(err)));
    assert_non_null(strstr(err, ": larger than 6 bytes"));
    assert_null(kc_file_read(path, 7, KC_FILE_TEXT, &len, err, sizeof(err)));
    assert_non_null(strstr(err, ": contains a NUL byte"));
    unlink(path);
    assert_null(kc_file_read(path, 7, 0, &len, err, sizeof(err)));
    assert_non_null(strstr(err, ": cannot open: "));
    free(path);
    path = write_tmp("", 0);
    s = kc_file_read(path, 7, 0, &len, err, sizeof(err));
    assert_string_equal(s, "");
    free(s);
    unlink(path);
    free(path);
}

/* A FIFO never blocks the reader: refused as not regular, or read as empty
 * when no writer holds it. A folder is an error, not an empty file. */
static void file_read_fifo_and_folder(void **state)
{
    (void)state;
    char err[KC_ERR_MAX];
    char dir[] = "/tmp/kc_json_dir_XXXXXX";
    char fifo[64];
    size_t len = 1;
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(
        kc_file_read(fifo, 100, KC_FILE_REGULAR, &len, err, sizeof(err)));
    assert_non_null(strstr(err, ": not a regular file"));
    char *s = kc_file_read(fifo, 100, 0, &len, err, sizeof(err));
    assert_non_null(s);
    assert_int_equal(len, 0);
    free(s);
    assert_null(kc_file_read(dir, 100, 0, &len, err, sizeof(err)));
    assert_non_null(strstr(err, ": cannot read: "));
    assert_null(
        kc_file_read(dir, 100, KC_FILE_REGULAR, &len, err, sizeof(err)));
    assert_non_null(strstr(err, ": not a regular file"));
    unlink(fifo);
    rmdir(dir);
}

static void load_names_the_file(void **state)
{
    (void)state;
    char err[KC_ERR_MAX];
    char *path = write_tmp("[1,", 3);
    assert_null(kc_json_load(path, 100, err, sizeof(err)));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "invalid JSON"));
    unlink(path);
    free(path);
}

static void err_lines_have_no_control_bytes(void **state)
{
    (void)state;
    char err[16];
    kc_err_set(err, sizeof(err), "a%sb", "\n\x1b[31m");
    assert_string_equal(err, "a??[31mb");
    kc_err_set(err, sizeof(err), "%s", "0123456789abcdefghij");
    assert_string_equal(err, "0123456789abcde");
    kc_err_set(NULL, 0, "%s", "ignored");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_errors_name_line_and_column),
        cmocka_unit_test(unknown_members_in_order),
        cmocka_unit_test(repeated_members_in_document_order),
        cmocka_unit_test(repeated_members_scale),
        cmocka_unit_test(typed_getters),
        cmocka_unit_test(paths),
        cmocka_unit_test(file_read_ceiling_and_text),
        cmocka_unit_test(file_read_fifo_and_folder),
        cmocka_unit_test(load_names_the_file),
        cmocka_unit_test(err_lines_have_no_control_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
