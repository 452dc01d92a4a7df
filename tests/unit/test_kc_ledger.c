/* kc_ledger: what a run writes is what a sweep reads back; open entries,
 * removals, refused and resolved lines, torn lines (end and middle), and
 * lines that are not ledger lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kc/ledger.h"

static char dir[] = "/tmp/kc_ledger_XXXXXX";
static char path[256];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/ledger.jsonl", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

static void append(struct kc_ledger *l, const char *event,
                   enum kc_ledger_kind kind, const char *id, unsigned long seq)
{
    char err[256];
    const struct kc_ledger_entry e = {.event = event,
                                      .seq = seq,
                                      .kind = kind,
                                      .id = id,
                                      .run = "kmsconf-1a2b3c4d",
                                      .credential = "default",
                                      .endpoint = "http://127.0.0.1:1"};
    assert_int_equal(kc_ledger_append(l, &e, err, sizeof(err)), 0);
}

static void add_raw(const char *text)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A run: key 1 created and removed, key 2 created, alias sent without an
 * answer, key 3 sent without an answer, key 4 refused. */
static struct kc_ledger *write_run(void)
{
    char err[256];
    struct kc_ledger *l;
    unlink(path);
    l = kc_ledger_open(path, err, sizeof(err));
    assert_non_null(l);
    assert_true(kc_ledger_was_empty(l));
    append(l, "sending", KC_LEDGER_KEY, NULL, 1);
    append(l, "created", KC_LEDGER_KEY, "key-1", 1);
    append(l, "removed", KC_LEDGER_KEY, "key-1", 0);
    append(l, "sending", KC_LEDGER_KEY, NULL, 2);
    append(l, "created", KC_LEDGER_KEY, "key-2", 2);
    append(l, "sending", KC_LEDGER_ALIAS, "alias/kmsconf-1a2b3c4d-a", 3);
    append(l, "sending", KC_LEDGER_KEY, NULL, 4);
    append(l, "sending", KC_LEDGER_KEY, NULL, 5);
    append(l, "refused", KC_LEDGER_KEY, NULL, 5);
    return l;
}

static void check_open(const struct kc_ledger_items *it)
{
    assert_int_equal(it->n, 3);
    assert_string_equal(it->v[0].id, "key-2");
    assert_int_equal(it->v[0].kind, KC_LEDGER_KEY);
    assert_string_equal(it->v[0].credential, "default");
    assert_string_equal(it->v[1].id, "alias/kmsconf-1a2b3c4d-a");
    assert_int_equal(it->v[1].kind, KC_LEDGER_ALIAS);
    assert_null(it->v[2].id); /* a CreateKey without its answer */
    assert_string_equal(it->v[2].run, "kmsconf-1a2b3c4d");
    assert_int_equal(it->v[2].seq, 4);
}

static void test_round_trip(void **state)
{
    struct kc_ledger_items it;
    char err[256];
    (void)state;
    struct kc_ledger *l = write_run();
    assert_int_equal(kc_ledger_open_count(l), 3);
    kc_ledger_close(l, false);
    assert_int_equal(kc_ledger_read(path, &it, stderr, err, sizeof(err)), 0);
    check_open(&it);
    kc_ledger_items_dispose(&it);
}

/* Values that JSON must escape come back from the ledger as written. */
static void test_escaped_values(void **state)
{
    struct kc_ledger_items it;
    char err[256];
    (void)state;
    unlink(path);
    struct kc_ledger *l = kc_ledger_open(path, err, sizeof(err));
    assert_non_null(l);
    const struct kc_ledger_entry e = {.event = "created",
                                      .seq = 7,
                                      .kind = KC_LEDGER_ALIAS,
                                      .id = "alias/a\"b\\c\x01\xc3\xa9",
                                      .run = "run \"x\"",
                                      .credential = "cred\tname",
                                      .endpoint = "http://h/\n"};
    const struct kc_ledger_entry s = {.event = "sending",
                                      .seq = 7,
                                      .kind = KC_LEDGER_ALIAS,
                                      .id = e.id,
                                      .run = e.run,
                                      .credential = e.credential,
                                      .endpoint = e.endpoint};
    assert_int_equal(kc_ledger_append(l, &s, err, sizeof(err)), 0);
    assert_int_equal(kc_ledger_append(l, &e, err, sizeof(err)), 0);
    kc_ledger_close(l, false);
    assert_int_equal(kc_ledger_read(path, &it, stderr, err, sizeof(err)), 0);
    assert_int_equal(it.n, 1);
    assert_string_equal(it.v[0].id, e.id);
    assert_string_equal(it.v[0].run, e.run);
    assert_string_equal(it.v[0].credential, e.credential);
    assert_string_equal(it.v[0].endpoint, e.endpoint);
    assert_int_equal(it.v[0].seq, 7);
    kc_ledger_items_dispose(&it);
}

static void test_removed_and_resolved(void **state)
{
    struct kc_ledger_items it;
    char err[256];
    (void)state;
    struct kc_ledger *l = write_run();
    append(l, "removed", KC_LEDGER_KEY, "key-2", 0);
    append(l, "removed", KC_LEDGER_ALIAS, "alias/kmsconf-1a2b3c4d-a", 3);
    append(l, "resolved", KC_LEDGER_KEY, NULL, 4);
    assert_int_equal(kc_ledger_open_count(l), 0);
    kc_ledger_close(l, false);
    assert_int_equal(kc_ledger_read(path, &it, stderr, err, sizeof(err)), 0);
    assert_int_equal(it.n, 0);
    kc_ledger_items_dispose(&it);
    l = kc_ledger_open(path, err, sizeof(err));
    assert_non_null(l);
    assert_false(kc_ledger_was_empty(l));
    kc_ledger_close(l, true);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void test_torn_lines(void **state)
{
    struct kc_ledger_items it;
    char err[256];
    FILE *warn = tmpfile();
    char text[512] = "";
    (void)state;
    kc_ledger_close(write_run(), false);
    add_raw("{\"event\":\"sending\",\"seq\":9,\"ki");
    assert_int_equal(kc_ledger_read(path, &it, warn, err, sizeof(err)), 0);
    check_open(&it);
    kc_ledger_items_dispose(&it);
    /* The next writer ends the torn line, which is then in the middle. */
    struct kc_ledger *l = kc_ledger_open(path, err, sizeof(err));
    assert_non_null(l);
    append(l, "removed", KC_LEDGER_KEY, "key-2", 0);
    kc_ledger_close(l, false);
    assert_int_equal(kc_ledger_read(path, &it, warn, err, sizeof(err)), 0);
    assert_int_equal(it.n, 2);
    kc_ledger_items_dispose(&it);
    rewind(warn);
    assert_true(fread(text, 1, sizeof(text) - 1, warn) > 0);
    fclose(warn);
    assert_non_null(strstr(text, "ledger.jsonl:10: torn line left out"));
    assert_non_null(strstr(text, "\n"));
}

static void test_not_ledger_lines(void **state)
{
    struct kc_ledger_items it;
    char err[256];
    char want[300];
    (void)state;
    kc_ledger_close(write_run(), false);
    add_raw("{\"event\":\"created\",\"kind\":\"key\",\"run\":\"r\","
            "\"credential\":\"c\",\"endpoint\":\"e\"}\n{}\n");
    assert_int_equal(kc_ledger_read(path, &it, stderr, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:10: no \"id\"", path);
    assert_string_equal(err, want);
    assert_int_equal(it.n, 0);
    unlink(path);
    add_raw("{\"event\":\"sending\",\"kind\":\"secret\",\"run\":\"r\","
            "\"credential\":\"c\",\"endpoint\":\"e\"}\n{}\n");
    assert_int_equal(kc_ledger_read(path, &it, stderr, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ":1: \"kind\" is not"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_escaped_values),
        cmocka_unit_test(test_removed_and_resolved),
        cmocka_unit_test(test_torn_lines),
        cmocka_unit_test(test_not_ledger_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
