/* kc_codec: bounded buffers, percent-coding, UTF-8, UUIDs, base64, time,
 * check names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "kc/checkname.h"
#include "kc/codec.h"

static void buf_ceiling(void **state)
{
    (void)state;
    struct kc_buf b;
    kc_buf_init(&b, 8);
    assert_int_equal(kc_buf_puts(&b, "12345678"), 0);
    assert_int_equal(kc_buf_putc(&b, '9'), -1);
    assert_int_equal(kc_buf_printf(&b, "%d", 1), -1);
    assert_int_equal(b.len, 8);
    assert_string_equal(kc_buf_str(&b), "12345678");
    char *s = kc_buf_detach(&b);
    assert_string_equal(s, "12345678");
    assert_int_equal(b.len, 0);
    assert_string_equal(kc_buf_str(&b), "");
    free(s);
    kc_buf_dispose(&b);
}

/* A failed append sticks, and take then hands out nothing truncated. */
static void buf_take_after_failure(void **state)
{
    (void)state;
    struct kc_buf b;
    kc_buf_init(&b, 4);
    assert_int_equal(kc_buf_puts(&b, "abc"), 0);
    assert_false(b.failed);
    assert_int_equal(kc_buf_puts(&b, "de"), -1);
    assert_int_equal(kc_buf_putc(&b, 'd'), 0);
    assert_true(b.failed);
    assert_null(kc_buf_take(&b));
    assert_int_equal(b.len, 0);
    assert_int_equal(kc_buf_puts(&b, "ok"), 0);
    char *s = kc_buf_take(&b);
    assert_string_equal(s, "ok");
    free(s);
    kc_buf_dispose(&b);
}

static void buf_printf_grows(void **state)
{
    (void)state;
    struct kc_buf b;
    kc_buf_init(&b, 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(kc_buf_printf(&b, "%04d", i), 0);
    assert_int_equal(b.len, 4000);
    assert_memory_equal(b.data + 3996, "0999", 4);
    kc_buf_dispose(&b);
}

static void pct_encode_unreserved(void **state)
{
    (void)state;
    struct kc_buf b;
    kc_buf_init(&b, 0);
    const char in[] = "aZ09-_.~ *+/:=&\xc3\xa9";
    assert_int_equal(kc_pct_encode(&b, in, strlen(in)), 0);
    assert_string_equal(kc_buf_str(&b), "aZ09-_.~%20%2A%2B%2F%3A%3D%26%C3%A9");
    kc_buf_dispose(&b);
}

/* Every byte value, and a text longer than the encoder's chunk, encode as
 * libcurl's escaper (an independent RFC 3986 implementation) does. */
static void pct_encode_matches_libcurl(void **state)
{
    (void)state;
    char all[256 * 3];
    for (size_t i = 0; i < sizeof(all); i++)
        all[i] = (char)(unsigned char)(i % 256);
    struct kc_buf b;
    kc_buf_init(&b, 0);
    assert_int_equal(kc_pct_encode(&b, all, sizeof(all)), 0);
    char *want = curl_easy_escape(NULL, all, (int)sizeof(all));
    assert_non_null(want);
    assert_string_equal(kc_buf_str(&b), want);
    curl_free(want);
    kc_buf_dispose(&b);
    /* a ceiling is honoured */
    kc_buf_init(&b, 10);
    assert_int_equal(kc_pct_encode(&b, "\x01\x02\x03\x04", 4), -1);
    kc_buf_dispose(&b);
}

static void pct_decode(void **state)
{
    (void)state;
    size_t n = 0;
    char *s = kc_pct_decode("a%20b+c%2Bd%c3%A9", 17, true, &n);
    assert_non_null(s);
    assert_string_equal(s, "a b c+d\xc3\xa9");
    assert_int_equal(n, 9);
    free(s);
    s = kc_pct_decode("a+b", 3, false, NULL);
    assert_string_equal(s, "a+b");
    free(s);
    s = kc_pct_decode("%00x", 4, false, &n);
    assert_int_equal(n, 2); /* embedded NUL is reported through the length */
    free(s);
    assert_null(kc_pct_decode("%4", 2, false, NULL));
    assert_null(kc_pct_decode("%zz", 3, false, NULL));
    assert_null(kc_pct_decode("abc%", 4, false, NULL));
}

static void utf8(void **state)
{
    (void)state;
    assert_true(kc_utf8_valid("plain", 5));
    assert_true(kc_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    assert_false(kc_utf8_valid("\xc3", 1));             /* truncated */
    assert_false(kc_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(kc_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(kc_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(kc_utf8_valid("\xff", 1));
}

static void uuid(void **state)
{
    (void)state;
    char a[37], b[37];
    kc_uuid4(a);
    kc_uuid4(b);
    assert_true(kc_uuid_valid(a));
    assert_string_not_equal(a, b);
    assert_int_equal(a[14], '4');
    assert_true(kc_uuid_valid("4C467B38-3910-447D-87BC-AC049166F216"));
    assert_true(kc_uuid_valid("e85db688-a2d3-44ca-9790-4259f59e90d8"));
    assert_false(kc_uuid_valid("e85db688a2d344ca97904259f59e90d8"));
    assert_false(kc_uuid_valid("e85db688-a2d3-44ca-9790-4259f59e90d"));
    assert_false(kc_uuid_valid("e85db688-a2d3-44ca-9790-4259f59e90d8x"));
    assert_false(kc_uuid_valid("g85db688-a2d3-44ca-9790-4259f59e90d8"));
    assert_false(kc_uuid_valid(""));
    assert_false(kc_uuid_valid(NULL));
}

/* kc_buf_put_json_string: escapes what RFC 8259 requires and nothing
 * else; cJSON reads every output back to its input. */
static void json_string(void **state)
{
    (void)state;
    static const char *const in[] = {"",
                                     "plain",
                                     "q\"uote",
                                     "back\\slash",
                                     "nl\ntab\tcr\r",
                                     "\x01\x1f ctl",
                                     "caf\xc3\xa9 \xe2\x82\xac",
                                     "</script>"};
    static const char *const want[] = {"\"\"",
                                       "\"plain\"",
                                       "\"q\\\"uote\"",
                                       "\"back\\\\slash\"",
                                       "\"nl\\ntab\\tcr\\r\"",
                                       "\"\\u0001\\u001f ctl\"",
                                       "\"caf\xc3\xa9 \xe2\x82\xac\"",
                                       "\"</script>\""};
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        struct kc_buf b;
        kc_buf_init(&b, 0);
        assert_int_equal(kc_buf_put_json_string(&b, in[i]), 0);
        assert_string_equal(kc_buf_str(&b), want[i]);
        cJSON *v = cJSON_Parse(kc_buf_str(&b));
        assert_non_null(v);
        assert_string_equal(cJSON_GetStringValue(v), in[i]);
        cJSON_Delete(v);
        kc_buf_dispose(&b);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Ids drawn from the per-thread pool, across several refills, are all
 * well formed and distinct; a forked child does not repeat the parent's
 * next ids (it refills its own pool). */
static void uuid_pool(void **state)
{
    (void)state;
    enum { N = 1000 };
    static char ids[N + 1][37];
    for (size_t i = 0; i < N - 1; i++) {
        kc_uuid4(ids[i]);
        assert_true(kc_uuid_valid(ids[i]));
        assert_int_equal(ids[i][14], '4');
        assert_true(strchr("89ab", ids[i][19]) != NULL);
    }
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c[37];
        kc_uuid4(c);
        _exit(write(fd[1], c, 37) == 37 ? 0 : 1);
    }
    close(fd[1]);
    kc_uuid4(ids[N - 1]); /* the parent's next id, from the same pool */
    assert_int_equal(read(fd[0], ids[N], 37), 37);
    close(fd[0]);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(kc_uuid_valid(ids[N]));
    qsort(ids, N + 1, sizeof(ids[0]), cmp_str);
    for (size_t i = 1; i <= N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
}

static void base64(void **state)
{
    (void)state;
    char *e = kc_base64_encode((const unsigned char *)"hello", 5);
    assert_string_equal(e, "aGVsbG8=");
    size_t n = 0;
    unsigned char *d = kc_base64_decode(e, strlen(e), &n);
    assert_int_equal(n, 5);
    assert_memory_equal(d, "hello", 5);
    free(d);
    free(e);
    d = kc_base64_decode("", 0, &n);
    assert_non_null(d);
    assert_int_equal(n, 0);
    free(d);
    assert_null(kc_base64_decode("aGVsbG8", 7, &n));
    assert_null(kc_base64_decode("aG=sbG8=", 8, &n));
    assert_null(kc_base64_decode("aGV!bG8=", 8, &n));
}

static void time_roundtrip(void **state)
{
    (void)state;
    time_t t = 0;
    char s[21];
    assert_int_equal(kc_time_parse("2016-02-23T12:46:24Z", &t), 0);
    assert_int_equal((long long)t, 1456231584LL);
    kc_time_format(t, s);
    assert_string_equal(s, "2016-02-23T12:46:24Z");
    assert_int_equal(kc_time_parse("2024-02-29T00:00:00Z", &t), 0);
    assert_int_equal(kc_time_parse("2023-02-29T00:00:00Z", &t), -1);
    assert_int_equal(kc_time_parse("2016-02-23 12:46:24Z", &t), -1);
    assert_int_equal(kc_time_parse("2016-02-23T12:46:24", &t), -1);
    assert_int_equal(kc_time_parse("2016-13-23T12:46:24Z", &t), -1);
    assert_int_equal(kc_time_parse("2016-12-31T23:59:60Z", &t), -1);
    /* Years below 1000 keep four digits. */
    assert_int_equal(kc_time_parse("0999-12-31T23:59:59Z", &t), 0);
    kc_time_format(t, s);
    assert_string_equal(s, "0999-12-31T23:59:59Z");
    static const char *const back[] = {
        "9999-12-31T23:59:59Z", "2026-01-05T03:04:05Z", "0001-01-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
        assert_int_equal(kc_time_parse(back[i], &t), 0);
        kc_time_format(t, s);
        assert_string_equal(s, back[i]);
    }
    assert_int_equal(kc_time_parse("2016-02-23T12:46:24.000Z", &t), -1);
}

/* A 20000-byte file: more than one read chunk. */
static FILE *big_file(void)
{
    FILE *f = tmpfile();

    assert_non_null(f);
    for (int i = 0; i < 20000; i++)
        assert_int_not_equal(fputc('a' + i % 26, f), EOF);
    rewind(f);
    return f;
}

static void buf_read(void **state)
{
    (void)state;
    struct kc_buf b;
    FILE *f = big_file();

    kc_buf_init(&b, 20000);
    assert_int_equal(kc_buf_read(&b, f), KC_BUF_READ_OK);
    assert_int_equal(b.len, 20000);
    assert_int_equal(kc_buf_str(&b)[19999], 'a' + 19999 % 26);
    kc_buf_dispose(&b);
    rewind(f);
    kc_buf_init(&b, 19999);
    assert_int_equal(kc_buf_read(&b, f), KC_BUF_READ_FULL);
    assert_true(b.failed);
    kc_buf_dispose(&b);
    fclose(f);
}

static void check_names(void **state)
{
    (void)state;
    assert_string_equal(kc_checkname_at(0), "status");
    assert_string_equal(kc_checkname_at(5), "request-id-unique");
    assert_string_equal(kc_checkname_at(KC_CHECKNAME_COUNT - 1), "parity");
    assert_null(kc_checkname_at(KC_CHECKNAME_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_ceiling),
        cmocka_unit_test(buf_take_after_failure),
        cmocka_unit_test(buf_printf_grows),
        cmocka_unit_test(pct_encode_unreserved),
        cmocka_unit_test(pct_encode_matches_libcurl),
        cmocka_unit_test(pct_decode),
        cmocka_unit_test(utf8),
        cmocka_unit_test(uuid),
        cmocka_unit_test(uuid_pool),
        cmocka_unit_test(json_string),
        cmocka_unit_test(base64),
        cmocka_unit_test(time_roundtrip),
        cmocka_unit_test(buf_read),
        cmocka_unit_test(check_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
