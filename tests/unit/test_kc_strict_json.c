/* kc_strict_json: the bytes that break each rule of the RFC 8259 scan and
 * of the member-name check, each with a benign twin that passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/strict_json.h"

/* Bytes with a length, so that inputs may hold NUL. */
#define B(s) s, sizeof(s) - 1

struct row {
    const char *what;
    const char *text;
    size_t len;
    const char *want; /* part of the message; NULL: must pass */
};

static const struct row rows[] = {
    /* exactly one value and nothing after it */
    {"trailing object", B("{\"a\":1}\n{\"a\":2}"), "bytes after the JSON"},
    {"trailing garbage", B("{\"a\":1} x"),
     "1 byte after the JSON value at byte 8"},
    {"trailing NUL", B("{\"a\":1}\0"), "0x00 is not JSON white space"},
    {"trailing white space", B("{\"a\":1} \r\n\t"), NULL},
    /* RFC 8259 white space only; no byte order mark */
    {"form feed before", B("\f{\"a\":1}"), "0x0c is not JSON white space"},
    {"vertical tab inside", B("{\"a\":\v1}"), "0x0b is not JSON white space"},
    {"byte order mark", B("\xEF\xBB\xBF{\"a\":1}"), "byte order mark"},
    {"pretty-printed", B("{\n\t\"a\" : 1 ,\r\n  \"b\":[ 1 , 2 ]\n}\n"), NULL},
    /* valid UTF-8 */
    {"lone continuation byte", B("{\"a\":\"\x80\"}"), "invalid UTF-8"},
    {"overlong slash", B("{\"a\":\"\xC0\xAF\"}"), "invalid UTF-8"},
    {"overlong 3 bytes", B("{\"a\":\"\xE0\x80\xAF\"}"), "invalid UTF-8"},
    {"UTF-8 surrogate", B("{\"a\":\"\xED\xA0\x80\"}"), "invalid UTF-8"},
    {"past U+10FFFF", B("{\"a\":\"\xF4\x90\x80\x80\"}"), "invalid UTF-8"},
    {"cut sequence", B("{\"a\":\"\xE2\x82\"}"), "invalid UTF-8"},
    {"latin-1 byte", B("{\"a\":\"caf\xE9\"}"), "invalid UTF-8"},
    {"UTF-8 of every length",
     B("{\"a\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}"), NULL},
    /* no raw control characters in strings */
    {"raw tab", B("{\"a\":\"x\ty\"}"), "raw control character 0x09"},
    {"raw newline", B("{\"a\":\"x\ny\"}"), "raw control character 0x0a"},
    {"raw NUL", B("{\"a\":\"x\0y\"}"), "raw control character 0x00"},
    {"escaped controls", B("{\"a\":\"x\\ty\\n\\u001f\\b\\f\\r\\/\\\\\\\"\"}"),
     NULL},
    {"DEL is not a control here", B("{\"a\":\"\x7f\"}"), NULL},
    /* numbers in RFC 8259 grammar */
    {"leading zero", B("{\"a\":0404}"), "number '0404' is not RFC 8259"},
    {"trailing dot", B("{\"a\":404.}"), "number '404.' is not"},
    {"leading dot", B("{\"a\":.5}"), "number '.5' is not"},
    {"plus sign", B("{\"a\":+1}"), "number '+1' is not"},
    {"hex", B("{\"a\":0x1A}"), "number '0x1"},
    {"bare exponent", B("{\"a\":1e}"), "number '1e' is not"},
    {"minus alone", B("{\"a\":-}"), "number '-' is not"},
    {"two dots", B("{\"a\":1.2.3}"), "number '1.2.3' is not"},
    {"numbers in the grammar",
     B("{\"a\":[0,-0,404,-1.5,1e5,1E+5,2.5e-3,0.0,123456789012345678901]}"),
     NULL},
    /* no unpaired surrogate escape */
    {"lone high surrogate", B("{\"a\":\"\\ud800\"}"), "unpaired surrogate"},
    {"lone low surrogate", B("{\"a\":\"\\uDC00x\"}"), "unpaired surrogate"},
    {"high then not low", B("{\"a\":\"\\ud800\\u0041\"}"),
     "unpaired surrogate escape \\ud800"},
    {"surrogate pair", B("{\"a\":\"\\ud83d\\ude00\"}"), NULL},
    /* no escaped NUL in a member name */
    {"NUL in a name", B("{\"Co\\u0000de\":1}"), "member name holds an escaped"},
    {"NUL in a value scans", B("{\"a\":\"x\\u0000y\"}"), NULL},
    /* plain invalidity */
    {"empty", B(""), "body is not a JSON object"},
    {"array", B("[1]"), "body is not a JSON object"},
    {"string", B("\"a\""), "body is not a JSON object"},
    {"cut", B("{\"a\":\"x"), "it ends at byte 7 inside the value"},
    {"trailing comma", B("{\"a\":1,}"), "expected a member name"},
    {"single quotes", B("{'a':1}"), "expected a member name"},
    {"bad escape", B("{\"a\":\"\\x\"}"), "expected an escape"},
    {"short \\u", B("{\"a\":\"\\u12\"}"), "four hex digits"},
    {"NaN", B("{\"a\":NaN}"), "expected a value"},
    {"truex", B("{\"a\":truex}"), "expected ',' or '}'"},
    {"literals", B("{\"a\":true,\"b\":false,\"c\":null,\"d\":{},\"e\":[]}"),
     NULL},
};

static void test_scan_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        char err[512] = "";
        int rc =
            kc_strict_json_scan(r->text, r->len, NULL, 0, err, sizeof(err));
        if (!r->want && rc)
            fail_msg("%s: refused: %s", r->what, err);
        if (r->want && !rc)
            fail_msg("%s: passed, expected \"%s\"", r->what, r->want);
        if (r->want && !strstr(err, r->want))
            fail_msg("%s: message \"%s\" lacks \"%s\"", r->what, err, r->want);
        assert_null(strpbrk(err, "\r\n"));
    }
}

/* {"a":[[...]]} nesting depth levels (the object is the first). */
static char *nested(size_t depth, size_t *len)
{
    char *t = malloc(2 * depth + 8);
    size_t k = 0;
    assert_non_null(t);
    static const char head[] = "{\"a\":";
    memcpy(t, head, sizeof(head) - 1);
    k = sizeof(head) - 1;
    for (size_t i = 1; i < depth; i++)
        t[k++] = '[';
    for (size_t i = 1; i < depth; i++)
        t[k++] = ']';
    t[k++] = '}';
    *len = k;
    return t;
}

static void test_depth(void **state)
{
    (void)state;
    char err[512];
    size_t len;
    char *t = nested(KC_STRICT_JSON_MAX_DEPTH, &len);
    assert_int_equal(kc_strict_json_scan(t, len, NULL, 0, err, sizeof(err)), 0);
    free(t);
    t = nested(KC_STRICT_JSON_MAX_DEPTH + 1, &len);
    assert_int_equal(kc_strict_json_scan(t, len, NULL, 0, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "nesting deeper than 512"));
    free(t);
}

static void test_watch(void **state)
{
    (void)state;
    static const char text[] =
        "{\"HttpStatus\":404.0,\"C\\u006fde\":\"Forbidden\\u0000.X\","
        "\"Message\":\"m\",\"Other\":{\"Code\":\"\\u0000\"},"
        "\"RequestId\":4e2}";
    struct kc_strict_json_watch w[] = {{"Code", 0},
                                       {"Message", 0},
                                       {"RequestId", 0},
                                       {"HttpStatus", 0},
                                       {"HostId", 0}};
    char err[256];
    assert_int_equal(
        kc_strict_json_scan(text, sizeof(text) - 1, w, 5, err, sizeof(err)), 0);
    /* the name is matched decoded; nested members do not count */
    assert_int_equal(w[0].flags,
                     KC_STRICT_JSON_SEEN | KC_STRICT_JSON_ESCAPED_NUL);
    assert_int_equal(w[1].flags, KC_STRICT_JSON_SEEN);
    assert_int_equal(w[2].flags,
                     KC_STRICT_JSON_SEEN | KC_STRICT_JSON_NOT_INTEGER);
    assert_int_equal(w[3].flags,
                     KC_STRICT_JSON_SEEN | KC_STRICT_JSON_NOT_INTEGER);
    assert_int_equal(w[4].flags, 0);
    static const char plain[] = "{\"HttpStatus\":404,\"Code\":\"\\u00e9\"}";
    assert_int_equal(
        kc_strict_json_scan(plain, sizeof(plain) - 1, w, 5, err, sizeof(err)),
        0);
    assert_int_equal(w[0].flags, KC_STRICT_JSON_SEEN);
    assert_int_equal(w[3].flags, KC_STRICT_JSON_SEEN);
}

static int names(const char *text, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(text);
    int rc;
    assert_non_null(root);
    rc = kc_strict_json_names(root, err, errlen);
    cJSON_Delete(root);
    return rc;
}

static void test_names(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(names("{\"Code\":\"A\",\"Message\":\"m\",\"Code\":\"B\"}",
                           err, sizeof(err)),
                     -1);
    assert_string_equal(err, "member \"Code\" appears twice (readers disagree "
                             "on which wins)");
    assert_int_equal(names("{\"Code\":\"A\",\"code\":\"B\"}", err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "differ only in case"));
    /* Go folds U+017F (long s) to s and U+212A (Kelvin) to k */
    assert_int_equal(names("{\"Message\":\"A\",\"Me\xC5\xBF\xC5\xBF"
                           "age\":\"B\"}",
                           err, sizeof(err)),
                     -1);
    assert_int_equal(names("{\"Key\":1,\"\xE2\x84\xAA"
                           "ey\":2}",
                           err, sizeof(err)),
                     -1);
    /* at any depth, naming where */
    assert_int_equal(
        names("{\"KeyMetadata\":{\"KeyId\":\"a\",\"KeyId\":\"b\"}}", err,
              sizeof(err)),
        -1);
    assert_non_null(strstr(err, "\"KeyId\" appears twice in \"KeyMetadata\""));
    assert_int_equal(
        names(
            "{\"Keys\":{\"Key\":[{\"KeyId\":\"a\"},{\"KeyId\":\"b\",\"KeyId\":"
            "\"c\"}]}}",
            err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "in \"Key\""));
    /* benign: reordered members, the same name in sibling objects, arrays */
    assert_int_equal(
        names("{\"RequestId\":\"r\",\"Message\":\"m\",\"Code\":\"c\","
              "\"HttpStatus\":404,\"Keys\":{\"Key\":[{\"KeyId\":\"a\"},"
              "{\"KeyId\":\"b\"}]},\"KeyId\":\"x\"}",
              err, sizeof(err)),
        0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_rows),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
