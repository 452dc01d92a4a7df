/* rs_store: scopes, keys, aliases, tokens, the clock, the wrapping pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs/store.h"

static const time_t t0 = 1700000000;

static int setup(void **state)
{
    struct rs_store *st = rs_store_new();
    assert_non_null(st);
    *state = st;
    return 0;
}

static int teardown(void **state)
{
    rs_store_free(*state);
    return 0;
}

static struct rs_key *add(struct rs_scope *sc, enum rs_key_state s)
{
    struct rs_key *k = rs_key_new(t0);
    assert_non_null(k);
    k->state = s;
    assert_int_equal(rs_scope_add_key(sc, k, 1000), 0);
    return k;
}

static void key_ids(void **state)
{
    (void)state;
    struct rs_key *a = rs_key_new(t0), *b = rs_key_new(t0);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a->id), RS_KEY_ID_LEN);
    assert_memory_equal(a->id, "key-", 4);
    for (size_t i = 4; i < RS_KEY_ID_LEN; i++)
        assert_true((a->id[i] >= 'a' && a->id[i] <= 'z') ||
                    (a->id[i] >= '0' && a->id[i] <= '9'));
    assert_string_not_equal(a->id, b->id);
    assert_int_equal(a->nversions, 1);
    assert_int_equal(strlen(a->versions[0].id), 36);
    assert_ptr_equal(rs_key_version(a, a->versions[0].id), &a->versions[0]);
    assert_null(rs_key_version(a, b->versions[0].id));
    rs_key_free(a);
    rs_key_free(b);
}

static void scopes_are_separate(void **state)
{
    struct rs_store *st = *state;
    struct rs_scope *a = rs_store_scope(st, "acct1", "cn-hangzhou", t0);
    struct rs_scope *b = rs_store_scope(st, "acct2", "cn-hangzhou", t0);
    struct rs_scope *c = rs_store_scope(st, "acct1", "xx-nohsm-1", t0);
    assert_non_null(a);
    assert_true(a != b && a != c && b != c);
    assert_ptr_equal(rs_store_scope(st, "acct1", "cn-hangzhou", t0), a);
    struct rs_key *k = add(a, RS_ENABLED);
    assert_ptr_equal(rs_scope_key(a, k->id), k);
    assert_null(rs_scope_key(b, k->id));
    assert_null(rs_scope_key(c, k->id));
}

static void live_keys_and_eviction(void **state)
{
    struct rs_store *st = *state;
    struct rs_scope *sc = rs_store_scope(st, "a", "r", t0);
    struct rs_key *k1 = add(sc, RS_PENDING_DELETION);
    k1->delete_date = t0 + 100;
    char id1[RS_KEY_ID_LEN + 1];
    memcpy(id1, k1->id, sizeof(id1));
    add(sc, RS_ENABLED);
    add(sc, RS_PENDING_IMPORT);
    assert_int_equal(rs_scope_live_keys(sc), 2);
    /* At the ceiling the oldest PendingDeletion key makes room. */
    struct rs_key *k4 = rs_key_new(t0);
    assert_int_equal(rs_scope_add_key(sc, k4, 3), 0);
    assert_int_equal(sc->nkeys, 3);
    assert_null(rs_scope_key(sc, id1));
    /* Without such a key the new one is refused (and freed). */
    assert_int_equal(rs_scope_add_key(sc, rs_key_new(t0), 3), -1);
    assert_int_equal(sc->nkeys, 3);
}

static void aliases_follow_their_key(void **state)
{
    struct rs_store *st = *state;
    struct rs_scope *sc = rs_store_scope(st, "a", "r", t0);
    struct rs_key *k = add(sc, RS_ENABLED);
    struct rs_key *k2 = add(sc, RS_ENABLED);
    assert_int_equal(rs_scope_add_alias(sc, "alias/one", k->id), 0);
    assert_int_equal(rs_scope_add_alias(sc, "alias/two", k->id), 0);
    assert_int_equal(rs_scope_add_alias(sc, "alias/three", k2->id), 0);
    assert_int_equal(rs_scope_alias_count(sc, k->id), 2);
    assert_string_equal(rs_scope_alias(sc, "alias/two")->key_id, k->id);
    assert_null(rs_scope_alias(sc, "alias/none"));
    rs_scope_remove_key(sc, k);
    assert_int_equal(sc->naliases, 1);
    assert_string_equal(sc->aliases[0].name, "alias/three");
    rs_scope_remove_alias(sc, rs_scope_alias(sc, "alias/three"));
    assert_int_equal(sc->naliases, 0);
}

static void clock_deletes_and_expires(void **state)
{
    struct rs_store *st = *state;
    struct rs_scope *sc = rs_store_scope(st, "a", "r", t0);
    struct rs_key *pd = add(sc, RS_PENDING_DELETION);
    pd->delete_date = t0 + 7 * 86400;
    rs_scope_key_changed(sc, pd);
    struct rs_key *ext = add(sc, RS_ENABLED);
    ext->external = true;
    ext->has_material = true;
    ext->material_expire = t0 + 60;
    rs_scope_key_changed(sc, ext);
    char pd_id[RS_KEY_ID_LEN + 1];
    memcpy(pd_id, pd->id, sizeof(pd_id));
    assert_int_equal(rs_scope_add_alias(sc, "alias/pd", pd->id), 0);

    rs_store_scope(st, "a", "r", t0 + 59);
    assert_int_equal(ext->state, RS_ENABLED);
    assert_int_equal(sc->nkeys, 2);
    rs_store_scope(st, "a", "r", t0 + 60);
    assert_int_equal(ext->state, RS_PENDING_IMPORT);
    assert_false(ext->has_material);
    assert_int_equal(sc->nkeys, 2);
    rs_store_scope(st, "a", "r", t0 + 7 * 86400);
    assert_int_equal(sc->nkeys, 1);
    assert_null(rs_scope_key(sc, pd_id));
    assert_int_equal(sc->naliases, 0);
}

static void token_ring(void **state)
{
    struct rs_store *st = *state;
    EVP_PKEY *pk = rs_store_wrapping_key(st);
    assert_non_null(pk);
    struct rs_key *k = rs_key_new(t0);
    char id[16];
    for (int i = 0; i < RS_TOKENS_PER_KEY + 2; i++) {
        id[0] = 't';
        id[1] = (char)('a' + i);
        id[2] = '\0';
        rs_key_add_token(k, id, t0 + i, RS_WRAP_OAEP_SHA_1, pk);
    }
    /* The two oldest were dropped. */
    assert_null(rs_key_token(k, "ta"));
    assert_null(rs_key_token(k, "tb"));
    struct rs_token *t = rs_key_token(k, "tc");
    assert_non_null(t);
    assert_int_equal(t->issued, t0 + 2);
    assert_ptr_equal(t->pkey, pk);
    assert_null(rs_key_token(k, ""));
    rs_key_free(k);
    EVP_PKEY_free(pk);
}

static void wrapping_pool_reuses_keys(void **state)
{
    struct rs_store *st = *state;
    EVP_PKEY *first[RS_WRAP_POOL];
    for (size_t i = 0; i < RS_WRAP_POOL; i++) {
        first[i] = rs_store_wrapping_key(st);
        assert_non_null(first[i]);
    }
    /* The next round hands out the same keys again. */
    for (size_t i = 0; i < RS_WRAP_POOL; i++) {
        EVP_PKEY *again = rs_store_wrapping_key(st);
        assert_ptr_equal(again, first[i]);
        EVP_PKEY_free(again);
        EVP_PKEY_free(first[i]);
    }
}

/* Many keys, half of them removed in a scattered order: every key left is
 * found by id and none of the removed ones (the index's deletion keeps
 * every probe run whole). */
static void index_finds_every_key(void **state)
{
    enum { N = 3000 };
    struct rs_store *st = *state;
    struct rs_scope *sc = rs_store_scope(st, "a", "r", t0);
    static char ids[N][RS_KEY_ID_LEN + 1];
    struct rs_key *keys[N];
    for (size_t i = 0; i < N; i++) {
        keys[i] = rs_key_new(t0);
        assert_non_null(keys[i]);
        memcpy(ids[i], keys[i]->id, sizeof(ids[i]));
        assert_int_equal(rs_scope_add_key(sc, keys[i], N), 0);
    }
    for (size_t i = 0; i < N; i += 1 + i % 3) {
        rs_scope_remove_key(sc, keys[i]);
        keys[i] = NULL;
    }
    size_t left = 0;
    for (size_t i = 0; i < N; i++) {
        assert_ptr_equal(rs_scope_key(sc, ids[i]), keys[i]);
        left += keys[i] != NULL;
    }
    assert_int_equal(sc->nkeys, left);
    assert_int_equal(sc->index_used, left);
    assert_null(rs_scope_key(sc, "key-nosuchkeynosuchkeyno"));
}

/* Each scope has a lock of its own: with one entered, this thread can
 * enter another (with one lock for the store, it would wait forever). */
static void scopes_lock_apart(void **state)
{
    struct rs_store *st = *state;
    struct rs_scope *a = rs_store_enter(st, "acct1", "r", t0);
    assert_non_null(a);
    struct rs_scope *b = rs_store_enter(st, "acct2", "r", t0);
    assert_non_null(b);
    assert_true(a != b);
    rs_store_leave(b);
    rs_store_leave(a);
    assert_ptr_equal(rs_store_enter(st, "acct1", "r", t0), a);
    rs_store_leave(a);
}

static void state_names(void **state)
{
    (void)state;
    assert_string_equal(rs_state_name(RS_ENABLED), "Enabled");
    assert_string_equal(rs_state_name(RS_DISABLED), "Disabled");
    assert_string_equal(rs_state_name(RS_PENDING_DELETION), "PendingDeletion");
    assert_string_equal(rs_state_name(RS_PENDING_IMPORT), "PendingImport");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_ids),
        cmocka_unit_test_setup_teardown(scopes_are_separate, setup, teardown),
        cmocka_unit_test_setup_teardown(live_keys_and_eviction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(aliases_follow_their_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(clock_deletes_and_expires, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(token_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(wrapping_pool_reuses_keys, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(index_finds_every_key, setup, teardown),
        cmocka_unit_test_setup_teardown(scopes_lock_apart, setup, teardown),
        cmocka_unit_test(state_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
