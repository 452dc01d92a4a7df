/* rs_store: keys, aliases and import tokens per (account, region). */
#include "rs/store.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kc/codec.h"

/* No deadline: a scope whose keys have nothing due. */
#define NEVER ((time_t)INT64_MAX)
_Static_assert(sizeof(time_t) == sizeof(int64_t), "time_t is 64 bits wide");

struct rs_store {
    pthread_mutex_t mu; /* the list of scopes */
    struct rs_scope **scopes;
    size_t nscopes, capscopes;
    pthread_mutex_t pool_mu;
    EVP_PKEY *pool[RS_WRAP_POOL];
    size_t pool_next;
};

struct rs_store *rs_store_new(void)
{
    struct rs_store *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    if (pthread_mutex_init(&st->mu, NULL) != 0) {
        free(st);
        return NULL;
    }
    if (pthread_mutex_init(&st->pool_mu, NULL) != 0) {
        pthread_mutex_destroy(&st->mu);
        free(st);
        return NULL;
    }
    return st;
}

static void scope_free(struct rs_scope *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->nkeys; i++)
        rs_key_free(sc->keys[i]);
    free(sc->keys);
    free(sc->index);
    free(sc->aliases);
    free(sc->account);
    free(sc->region);
    pthread_mutex_destroy(&sc->mu);
    free(sc);
}

void rs_store_free(struct rs_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nscopes; i++)
        scope_free(st->scopes[i]);
    free(st->scopes);
    for (size_t i = 0; i < RS_WRAP_POOL; i++)
        EVP_PKEY_free(st->pool[i]);
    pthread_mutex_destroy(&st->pool_mu);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

/* FNV-1a of a key id. */
static size_t id_hash(const char *id)
{
    uint64_t h = 14695981039346656037u;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211u;
    return (size_t)h;
}

/* The slot of id in the index: where it is, or the free slot that ends
 * its probe sequence. The index is never full (index_put keeps it at most
 * three quarters used). */
static size_t index_slot(const struct rs_scope *sc, const char *id)
{
    size_t mask = sc->index_cap - 1, i = id_hash(id) & mask;
    while (sc->index[i] && strcmp(sc->index[i]->id, id) != 0)
        i = (i + 1) & mask;
    return i;
}

static int index_put(struct rs_scope *sc, struct rs_key *k);

/* Doubles the index (16 slots at first) and puts every key back. */
static int index_grow(struct rs_scope *sc)
{
    size_t cap = sc->index_cap ? sc->index_cap * 2 : 16;
    struct rs_key **old = sc->index;
    size_t oldcap = sc->index_cap;
    struct rs_key **fresh = calloc(cap, sizeof(*fresh));
    if (!fresh)
        return -1;
    sc->index = fresh;
    sc->index_cap = cap;
    sc->index_used = 0;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i])
            index_put(sc, old[i]);
    }
    free(old);
    return 0;
}

static int index_put(struct rs_scope *sc, struct rs_key *k)
{
    if ((sc->index_used + 1) * 4 > sc->index_cap * 3 && index_grow(sc))
        return -1;
    size_t i = index_slot(sc, k->id);
    if (!sc->index[i])
        sc->index_used++;
    sc->index[i] = k;
    return 0;
}

/* Removes k's entry; the keys after it in its probe run move back so that
 * no lookup stops early at the freed slot. */
static void index_del(struct rs_scope *sc, const struct rs_key *k)
{
    if (!sc->index_cap)
        return;
    size_t mask = sc->index_cap - 1, hole = index_slot(sc, k->id);
    if (sc->index[hole] != k)
        return;
    sc->index[hole] = NULL;
    sc->index_used--;
    for (size_t i = (hole + 1) & mask; sc->index[i]; i = (i + 1) & mask) {
        size_t home = id_hash(sc->index[i]->id) & mask;
        /* i's key may fill the hole unless its home lies in (hole, i] */
        bool stays =
            hole < i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!stays) {
            sc->index[hole] = sc->index[i];
            sc->index[i] = NULL;
            hole = i;
        }
    }
}

/* Grows an array of elem-sized items to hold one more; 0 or -1. */
static int grow(void **arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

static struct rs_scope *scope_new(const char *account, const char *region)
{
    struct rs_scope *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    if (pthread_mutex_init(&sc->mu, NULL) != 0) {
        free(sc);
        return NULL;
    }
    sc->next_due = NEVER;
    sc->account = strdup(account);
    sc->region = strdup(region);
    if (!sc->account || !sc->region) {
        scope_free(sc);
        return NULL;
    }
    return sc;
}

/* Applies the clock to one key: returns true when the key must go. */
static bool key_tick(struct rs_key *k, time_t now)
{
    if (k->state == RS_PENDING_DELETION)
        return now >= k->delete_date;
    if (k->external && k->has_material && k->material_expire != 0 &&
        now >= k->material_expire) {
        k->has_material = false;
        OPENSSL_cleanse(k->material, sizeof(k->material));
        k->material_expire = 0;
        k->state = RS_PENDING_IMPORT;
    }
    return false;
}

/* When k next needs the clock: NEVER if nothing is due. */
static time_t key_due(const struct rs_key *k)
{
    if (k->state == RS_PENDING_DELETION)
        return k->delete_date;
    if (k->external && k->has_material && k->material_expire != 0)
        return k->material_expire;
    return NEVER;
}

/* Applies the clock once something is due, and works out the next time. */
static void scope_tick(struct rs_scope *sc, time_t now)
{
    if (now < sc->next_due)
        return;
    size_t i = 0;
    sc->next_due = NEVER;
    while (i < sc->nkeys) {
        if (key_tick(sc->keys[i], now)) {
            rs_scope_remove_key(sc, sc->keys[i]);
            continue;
        }
        time_t due = key_due(sc->keys[i++]);
        if (due < sc->next_due)
            sc->next_due = due;
    }
}

void rs_scope_key_changed(struct rs_scope *sc, const struct rs_key *k)
{
    time_t t = key_due(k);
    if (t < sc->next_due)
        sc->next_due = t;
}

/* The scope of (account, region), created on first use; NULL when out of
 * memory. Takes the store's list lock. */
static struct rs_scope *find_scope(struct rs_store *st, const char *account,
                                   const char *region)
{
    struct rs_scope *sc = NULL;
    pthread_mutex_lock(&st->mu);
    for (size_t i = 0; i < st->nscopes && !sc; i++) {
        if (strcmp(st->scopes[i]->account, account) == 0 &&
            strcmp(st->scopes[i]->region, region) == 0)
            sc = st->scopes[i];
    }
    if (!sc) {
        if (grow((void **)&st->scopes, st->nscopes, &st->capscopes,
                 sizeof(*st->scopes)) == 0)
            sc = scope_new(account, region);
        if (sc)
            st->scopes[st->nscopes++] = sc;
    }
    pthread_mutex_unlock(&st->mu);
    return sc;
}

struct rs_scope *rs_store_enter(struct rs_store *st, const char *account,
                                const char *region, time_t now)
{
    struct rs_scope *sc = find_scope(st, account, region);
    if (!sc)
        return NULL;
    pthread_mutex_lock(&sc->mu);
    scope_tick(sc, now);
    return sc;
}

void rs_store_leave(struct rs_scope *sc)
{
    if (sc)
        pthread_mutex_unlock(&sc->mu);
}

struct rs_scope *rs_store_scope(struct rs_store *st, const char *account,
                                const char *region, time_t now)
{
    struct rs_scope *sc = find_scope(st, account, region);
    if (sc)
        scope_tick(sc, now);
    return sc;
}

struct rs_key *rs_scope_key(struct rs_scope *sc, const char *id)
{
    return sc->index_cap ? sc->index[index_slot(sc, id)] : NULL;
}

size_t rs_scope_live_keys(const struct rs_scope *sc)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->nkeys; i++) {
        if (sc->keys[i]->state != RS_PENDING_DELETION)
            n++;
    }
    return n;
}

int rs_scope_add_key(struct rs_scope *sc, struct rs_key *k, size_t max_total)
{
    if (sc->nkeys >= max_total) {
        struct rs_key *victim = NULL;
        for (size_t i = 0; i < sc->nkeys && !victim; i++) {
            if (sc->keys[i]->state == RS_PENDING_DELETION)
                victim = sc->keys[i];
        }
        if (!victim) {
            rs_key_free(k);
            return -1;
        }
        rs_scope_remove_key(sc, victim);
    }
    if (grow((void **)&sc->keys, sc->nkeys, &sc->capkeys, sizeof(*sc->keys)) !=
            0 ||
        index_put(sc, k) != 0) {
        rs_key_free(k);
        return -1;
    }
    sc->keys[sc->nkeys++] = k;
    rs_scope_key_changed(sc, k);
    return 0;
}

void rs_scope_remove_key(struct rs_scope *sc, struct rs_key *k)
{
    size_t i = 0;
    while (i < sc->naliases) {
        if (strcmp(sc->aliases[i].key_id, k->id) == 0)
            rs_scope_remove_alias(sc, &sc->aliases[i]);
        else
            i++;
    }
    index_del(sc, k);
    for (i = 0; i < sc->nkeys; i++) {
        if (sc->keys[i] == k) {
            memmove(&sc->keys[i], &sc->keys[i + 1],
                    (sc->nkeys - i - 1) * sizeof(*sc->keys));
            sc->nkeys--;
            break;
        }
    }
    rs_key_free(k);
}

/* "key-" + 21 characters of [0-9a-z]. */
static int key_id_new(char out[RS_KEY_ID_LEN + 1])
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned char rnd[RS_KEY_ID_LEN - 4];
    if (rs_crypto_random(rnd, sizeof(rnd)) != 0)
        return -1;
    memcpy(out, "key-", 4);
    for (size_t i = 0; i < sizeof(rnd); i++)
        out[4 + i] = alphabet[rnd[i] % 36];
    out[RS_KEY_ID_LEN] = '\0';
    return 0;
}

struct rs_key *rs_key_new(time_t now)
{
    struct rs_key *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    if (key_id_new(k->id) != 0) {
        free(k);
        return NULL;
    }
    k->created = now;
    kc_uuid4(k->versions[0].id);
    k->versions[0].created = now;
    k->nversions = 1;
    return k;
}

void rs_key_free(struct rs_key *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < RS_TOKENS_PER_KEY; i++)
        EVP_PKEY_free(k->tokens[i].pkey);
    free(k->description);
    OPENSSL_cleanse(k, sizeof(*k));
    free(k);
}

void rs_key_add_token(struct rs_key *k, const char *id, time_t issued,
                      enum rs_wrap alg, EVP_PKEY *pkey)
{
    struct rs_token *t = &k->tokens[k->next_token];
    k->next_token = (k->next_token + 1) % RS_TOKENS_PER_KEY;
    EVP_PKEY_free(t->pkey);
    EVP_PKEY_up_ref(pkey);
    t->pkey = pkey;
    size_t n = strlen(id);
    if (n >= sizeof(t->id))
        n = sizeof(t->id) - 1;
    memcpy(t->id, id, n);
    t->id[n] = '\0';
    t->issued = issued;
    t->alg = alg;
}

struct rs_token *rs_key_token(struct rs_key *k, const char *id)
{
    for (size_t i = 0; i < RS_TOKENS_PER_KEY; i++) {
        if (k->tokens[i].id[0] && strcmp(k->tokens[i].id, id) == 0)
            return &k->tokens[i];
    }
    return NULL;
}

const struct rs_version *rs_key_version(const struct rs_key *k, const char *id)
{
    for (size_t i = 0; i < k->nversions; i++) {
        if (strcmp(k->versions[i].id, id) == 0)
            return &k->versions[i];
    }
    return NULL;
}

struct rs_alias *rs_scope_alias(struct rs_scope *sc, const char *name)
{
    for (size_t i = 0; i < sc->naliases; i++) {
        if (strcmp(sc->aliases[i].name, name) == 0)
            return &sc->aliases[i];
    }
    return NULL;
}

size_t rs_scope_alias_count(const struct rs_scope *sc, const char *key_id)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->naliases; i++) {
        if (strcmp(sc->aliases[i].key_id, key_id) == 0)
            n++;
    }
    return n;
}

int rs_scope_add_alias(struct rs_scope *sc, const char *name,
                       const char *key_id)
{
    if (strlen(name) > RS_ALIAS_NAME_MAX || strlen(key_id) > RS_KEY_ID_LEN)
        return -1;
    if (grow((void **)&sc->aliases, sc->naliases, &sc->capaliases,
             sizeof(*sc->aliases)) != 0)
        return -1;
    struct rs_alias *a = &sc->aliases[sc->naliases++];
    memset(a, 0, sizeof(*a));
    memcpy(a->name, name, strlen(name));
    memcpy(a->key_id, key_id, strlen(key_id));
    return 0;
}

void rs_scope_remove_alias(struct rs_scope *sc, struct rs_alias *a)
{
    size_t i = (size_t)(a - sc->aliases);
    memmove(&sc->aliases[i], &sc->aliases[i + 1],
            (sc->naliases - i - 1) * sizeof(*sc->aliases));
    sc->naliases--;
}

EVP_PKEY *rs_store_wrapping_key(struct rs_store *st)
{
    pthread_mutex_lock(&st->pool_mu);
    size_t slot = st->pool_next;
    st->pool_next = (st->pool_next + 1) % RS_WRAP_POOL;
    EVP_PKEY *pkey = st->pool[slot];
    if (pkey)
        EVP_PKEY_up_ref(pkey);
    pthread_mutex_unlock(&st->pool_mu);
    if (pkey)
        return pkey;
    /* Generated without holding a lock: another thread may fill the slot
     * meanwhile, then the first one stays and ours is only used once. */
    pkey = rs_crypto_rsa_generate();
    if (!pkey)
        return NULL;
    pthread_mutex_lock(&st->pool_mu);
    if (!st->pool[slot]) {
        EVP_PKEY_up_ref(pkey);
        st->pool[slot] = pkey;
    }
    pthread_mutex_unlock(&st->pool_mu);
    return pkey;
}

const char *rs_state_name(enum rs_key_state s)
{
    switch (s) {
    case RS_ENABLED:
        return "Enabled";
    case RS_DISABLED:
        return "Disabled";
    case RS_PENDING_DELETION:
        return "PendingDeletion";
    case RS_PENDING_IMPORT:
        return "PendingImport";
    }
    return "Enabled";
}
