/* kc_bundle: evidence bundles, their manifest and its signature. */
#include "kc/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/outfile.h"

/* Any one file of a bundle (the report is the largest). */
#define FILE_MAX  (256u * 1024u * 1024u)
#define FULL_MAX  4096 /* dir + a path inside the bundle */
#define DEPTH_MAX 4    /* folders below the bundle's */
#define SIG_LEN   64   /* an Ed25519 signature */
#define SUMS_NAME "SHA256SUMS"
#define SIG_NAME  "SHA256SUMS.sig"

/* A success answer's RequestId and its record number. */
struct rid_rec {
    unsigned long seq;
    char *rid;
};

struct kc_bundle {
    char *dir;
    pthread_mutex_t lock; /* guards seq, ents, n, cap, rids, nrids, ridcap */
    unsigned long seq;
    struct kc_bundle_entry *ents;
    size_t n, cap;
    struct rid_rec *rids;
    size_t nrids, ridcap;
};

/* 0 when dir is absent (then made) or an empty folder. */
static int make_dir(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT && mkdir(dir, 0755) == 0)
            return 0;
        kc_err_set(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    DIR *d = S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
    if (!d) {
        kc_err_set(err, errlen, "%s: exists and is not a readable folder", dir);
        return -1;
    }
    const struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc = -1;
    closedir(d);
    if (rc)
        kc_err_set(err, errlen, "%s: exists and is not empty", dir);
    return rc;
}

struct kc_bundle *kc_bundle_open(const char *dir, char *err, size_t errlen)
{
    char sub[FULL_MAX];
    struct kc_bundle *b = NULL;
    if (make_dir(dir, err, errlen))
        return NULL;
    const char *subs[] = {"answers", "suite"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", dir, subs[i]);
        if (mkdir(sub, 0755) != 0) {
            kc_err_set(err, errlen, "%s: cannot create: %s", sub,
                       strerror(errno));
            return NULL;
        }
    }
    b = calloc(1, sizeof(*b));
    if (!b || !(b->dir = strdup(dir))) {
        free(b);
        kc_err_set(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&b->lock, NULL);
    return b;
}

void kc_bundle_free(struct kc_bundle *b)
{
    if (!b)
        return;
    pthread_mutex_destroy(&b->lock);
    for (size_t i = 0; i < b->nrids; i++)
        free(b->rids[i].rid);
    free(b->rids);
    free(b->ents);
    free(b->dir);
    free(b);
}

unsigned long kc_bundle_check_error(struct kc_bundle *b,
                                    const struct kc_expected_error *ex,
                                    const struct kc_answer *a,
                                    struct kc_ridset *rids,
                                    struct kc_check_result *res)
{
    pthread_mutex_lock(&b->lock);
    unsigned long seq = ++b->seq;
    kc_check_error(ex, a, rids, res);
    pthread_mutex_unlock(&b->lock);
    return seq;
}

unsigned long kc_bundle_check_success(struct kc_bundle *b,
                                      const struct kc_answer *a,
                                      struct kc_ridset *rids,
                                      struct kc_check_result *res)
{
    pthread_mutex_lock(&b->lock);
    unsigned long seq = ++b->seq;
    kc_check_success(a, rids, res);
    pthread_mutex_unlock(&b->lock);
    return seq;
}

int kc_bundle_add_rid(struct kc_bundle *b, unsigned long seq, const char *rid)
{
    int rc = -1;
    char *copy = strdup(rid);
    pthread_mutex_lock(&b->lock);
    if (copy && b->nrids == b->ridcap && b->ridcap < KC_BUNDLE_FILES_MAX) {
        size_t cap = b->ridcap ? 2 * b->ridcap : 64;
        struct rid_rec *v = realloc(b->rids, cap * sizeof(*v));
        if (v) {
            b->rids = v;
            b->ridcap = cap;
        }
    }
    if (copy && b->nrids < b->ridcap) {
        b->rids[b->nrids].seq = seq;
        b->rids[b->nrids++].rid = copy;
        copy = NULL;
        rc = 0;
    }
    pthread_mutex_unlock(&b->lock);
    free(copy);
    return rc;
}

static int rid_cmp(const void *x, const void *y)
{
    const struct rid_rec *a = x, *b = y;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* rids.json: {"success_request_ids": [[seq, "id"], ...]} in seq order. */
static int write_rids(struct kc_bundle *b, char *err, size_t errlen)
{
    struct kc_buf j;
    int rc = -1;
    kc_buf_init(&j, KC_BUNDLE_ANSWER_MAX);
    if (b->nrids) /* qsort takes no NULL array, even of 0 elements */
        qsort(b->rids, b->nrids, sizeof(*b->rids), rid_cmp);
    kc_buf_puts(&j, "{\"success_request_ids\": [");
    for (size_t i = 0; i < b->nrids; i++) {
        kc_buf_printf(&j, "%s\n  [%lu, ", i ? "," : "", b->rids[i].seq);
        kc_buf_put_json_string(&j, b->rids[i].rid);
        kc_buf_puts(&j, "]");
    }
    kc_buf_puts(&j, "\n]}\n");
    if (j.failed)
        kc_err_set(err, errlen, "rids.json: too large");
    else
        rc = kc_bundle_add_file(b, "rids.json", kc_buf_str(&j), j.len, err,
                                errlen);
    kc_buf_dispose(&j);
    return rc;
}

static int add_entry(struct kc_bundle *b, const char *path, const char *hex)
{
    int rc = 0;
    pthread_mutex_lock(&b->lock);
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        struct kc_bundle_entry *v = cap <= KC_BUNDLE_FILES_MAX
                                        ? realloc(b->ents, cap * sizeof(*v))
                                        : NULL;
        if (v) {
            b->ents = v;
            b->cap = cap;
        }
    }
    if (b->n < b->cap) {
        struct kc_bundle_entry *e = &b->ents[b->n++];
        snprintf(e->hex, sizeof(e->hex), "%s", hex);
        snprintf(e->path, sizeof(e->path), "%s", path);
    } else {
        rc = -1;
    }
    pthread_mutex_unlock(&b->lock);
    return rc;
}

int kc_bundle_add_file(struct kc_bundle *b, const char *path, const char *data,
                       size_t len, char *err, size_t errlen)
{
    char full[FULL_MAX], hex[65];
    snprintf(full, sizeof(full), "%s/%s", b->dir, path);
    if (kc_outfile_write(full, data, len, err, errlen))
        return -1;
    kc_sha256_hex(data, len, hex);
    if (add_entry(b, path, hex)) {
        kc_err_set(err, errlen, "%s: too many files in the bundle", full);
        return -1;
    }
    return 0;
}

int kc_bundle_copy_file(struct kc_bundle *b, const char *path, const char *src,
                        char *err, size_t errlen)
{
    size_t len = 0;
    char *data = kc_file_read(src, FILE_MAX, 0, &len, err, errlen);
    if (!data)
        return -1;
    int rc = kc_bundle_add_file(b, path, data, len, err, errlen);
    free(data);
    return rc;
}

static void put_kv_str(struct kc_buf *j, const char *key, const char *v)
{
    kc_buf_printf(j, ",\n  \"%s\": ", key);
    if (v)
        kc_buf_put_json_string(j, v);
    else
        kc_buf_puts(j, "null");
}

static void put_carried(struct kc_buf *j, const struct kc_bundle_answer *a)
{
    kc_buf_puts(j, ",\n  \"carried\": [");
    for (size_t i = 0; i < a->ncarried; i++) {
        kc_buf_puts(j, i ? ", {\"check\": " : "{\"check\": ");
        kc_buf_put_json_string(j, kc_check_name(a->carried[i].check));
        kc_buf_puts(j, ", \"message\": ");
        kc_buf_put_json_string(j, a->carried[i].message);
        kc_buf_puts(j, "}");
    }
    kc_buf_puts(j, "]");
}

int kc_bundle_add_answer(struct kc_bundle *b, unsigned long seq,
                         const struct kc_bundle_answer *a, char *err,
                         size_t errlen)
{
    char path[KC_BUNDLE_PATH_MAX];
    struct kc_buf j;
    char *b64 = kc_base64_encode((const unsigned char *)a->body, a->body_len);
    kc_buf_init(&j, KC_BUNDLE_ANSWER_MAX);
    kc_buf_printf(&j, "{\n  \"seq\": %lu", seq);
    put_kv_str(&j, "case", a->case_id);
    put_kv_str(&j, "format", a->xml ? "xml" : "json");
    put_kv_str(&j, "code", a->code);
    kc_buf_puts(&j, ",\n  \"args\": {");
    for (size_t i = 0; i < a->nargs; i++) {
        kc_buf_puts(&j, i ? ", " : "");
        kc_buf_put_json_string(&j, a->args[i].name);
        kc_buf_puts(&j, ": ");
        kc_buf_put_json_string(&j, a->args[i].value);
    }
    kc_buf_puts(&j, "}");
    put_kv_str(&j, "envelope", a->envelope);
    kc_buf_printf(&j, ",\n  \"seed_only\": %s",
                  a->seed_only ? "true" : "false");
    kc_buf_printf(&j, ",\n  \"status\": %ld", a->status);
    put_kv_str(&j, "content_type", a->content_type);
    kc_buf_printf(&j, ",\n  \"content_type_count\": %u", a->content_type_count);
    put_kv_str(&j, "request_id_header", a->request_id_header);
    kc_buf_printf(&j, ",\n  \"request_id_count\": %u", a->request_id_count);
    put_kv_str(&j, "body_b64", b64 ? b64 : "");
    put_carried(&j, a);
    kc_buf_puts(&j, "\n}\n");
    int rc = -1;
    if (!b64 || j.failed)
        kc_err_set(err, errlen, "answer %lu: out of memory or too large", seq);
    else if (snprintf(path, sizeof(path), "answers/%06lu.json", seq) > 0)
        rc = kc_bundle_add_file(b, path, kc_buf_str(&j), j.len, err, errlen);
    free(b64);
    kc_buf_dispose(&j);
    return rc;
}

static int entry_cmp(const void *x, const void *y)
{
    const struct kc_bundle_entry *a = x, *b = y;
    return strcmp(a->path, b->path);
}

static EVP_PKEY *read_key(const char *path, bool private_key, char *err,
                          size_t errlen)
{
    size_t len = 0;
    EVP_PKEY *k = NULL;
    char *pem =
        kc_file_read(path, KC_BUNDLE_KEY_MAX, KC_FILE_TEXT, &len, err, errlen);
    if (!pem)
        return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio)
        k = private_key ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
                        : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    OPENSSL_cleanse(pem, len);
    free(pem);
    if (k && EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        k = NULL;
    }
    if (!k)
        kc_err_set(err, errlen, "%s: not a PEM Ed25519 %s key", path,
                   private_key ? "private" : "public");
    return k;
}

static int sign_sums(struct kc_bundle *b, const char *sums, size_t len,
                     const char *key, char *err, size_t errlen)
{
    unsigned char sig[SIG_LEN];
    size_t siglen = sizeof(sig);
    int rc = -1;
    EVP_PKEY *k = read_key(key, true, err, errlen);
    EVP_MD_CTX *ctx = k ? EVP_MD_CTX_new() : NULL;
    if (!ctx)
        goto out;
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
        EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)sums, len) !=
            1) {
        kc_err_set(err, errlen, "%s: cannot sign with it", key);
        goto out;
    }
    char full[FULL_MAX];
    snprintf(full, sizeof(full), "%s/%s", b->dir, SIG_NAME);
    rc = kc_outfile_write(full, (const char *)sig, siglen, err, errlen);
out:
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rc;
}

int kc_bundle_close(struct kc_bundle *b, const char *sign_key, char *err,
                    size_t errlen)
{
    char full[FULL_MAX];
    struct kc_buf s;
    int rc = -1;
    if (write_rids(b, err, errlen))
        return -1;
    kc_buf_init(&s, KC_BUNDLE_SUMS_MAX);
    if (b->n)
        qsort(b->ents, b->n, sizeof(*b->ents), entry_cmp);
    for (size_t i = 0; i < b->n; i++)
        kc_buf_printf(&s, "%s  %s\n", b->ents[i].hex, b->ents[i].path);
    snprintf(full, sizeof(full), "%s/%s", b->dir, SUMS_NAME);
    if (s.failed)
        kc_err_set(err, errlen, "%s: too large", full);
    else if (kc_outfile_write(full, kc_buf_str(&s), s.len, err, errlen) == 0)
        rc = sign_key
                 ? sign_sums(b, kc_buf_str(&s), s.len, sign_key, err, errlen)
                 : 0;
    kc_buf_dispose(&s);
    return rc;
}

/* ---- reading ---- */

/* Whether p is a relative path without empty, "." or ".." parts. */
static bool path_ok(const char *p, size_t n)
{
    size_t start = 0;
    if (!n || n >= KC_BUNDLE_PATH_MAX)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '/') {
            if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
                return false;
            continue;
        }
        size_t len = i - start;
        if (!len || (len == 1 && p[start] == '.') ||
            (len == 2 && p[start] == '.' && p[start + 1] == '.'))
            return false;
        start = i + 1;
    }
    return true;
}

/* One line "<hex>  <path>" (without its newline) into e. */
static const char *parse_line(const char *s, size_t n,
                              struct kc_bundle_entry *e)
{
    if (n < 67 || s[64] != ' ' || s[65] != ' ')
        return "not \"<sha256 hex>  <path>\"";
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return "the hash is not 64 lower-case hex digits";
    if (!path_ok(s + 66, n - 66))
        return "the path is not a plain relative path";
    memcpy(e->hex, s, 64);
    e->hex[64] = '\0';
    memcpy(e->path, s + 66, n - 66);
    e->path[n - 66] = '\0';
    return NULL;
}

int kc_bundle_sums_parse(const char *text, size_t len,
                         struct kc_bundle_entry **out, size_t *n, char *err,
                         size_t errlen)
{
    size_t cap = 0, line = 0;
    struct kc_bundle_entry *v = NULL;
    const char *why = NULL;
    *out = NULL;
    *n = 0;
    for (size_t pos = 0; pos < len && !why;) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl) {
            why = "no newline at the end";
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            struct kc_bundle_entry *w = cap <= 2 * KC_BUNDLE_FILES_MAX
                                            ? realloc(v, cap * sizeof(*w))
                                            : NULL;
            if (!w) {
                why = "out of memory or too many files";
                break;
            }
            v = w;
        }
        why = parse_line(text + pos, (size_t)(nl - (text + pos)), &v[*n]);
        if (!why && *n && strcmp(v[*n - 1].path, v[*n].path) >= 0)
            why = "not sorted by path, or a path listed twice";
        if (!why)
            (*n)++;
        pos = (size_t)(nl - text) + 1;
    }
    if (why) {
        kc_err_set(err, errlen, SUMS_NAME ": line %zu: %s", line, why);
        free(v);
        *n = 0;
        return -1;
    }
    *out = v;
    return 0;
}

struct checker {
    const char *dir;
    const struct kc_bundle_entry *ents;
    size_t n;
    kc_bundle_problem_fn fn;
    void *ctx;
    long problems;
    size_t seen; /* files walked, against a hostile folder */
};

/* Tells "<path>: <why>" as a problem. */
static void problem(struct checker *c, const char *path, const char *why)
{
    char line[KC_ERR_MAX];
    kc_err_set(line, sizeof(line), "%s: %s", path, why);
    c->fn(c->ctx, line);
    c->problems++;
}

static void check_listed(struct checker *c)
{
    char full[FULL_MAX], err[KC_ERR_MAX], hex[65];
    for (size_t i = 0; i < c->n; i++) {
        size_t len = 0;
        snprintf(full, sizeof(full), "%s/%s", c->dir, c->ents[i].path);
        char *data = kc_file_read(full, FILE_MAX, KC_FILE_REGULAR, &len, err,
                                  sizeof(err));
        if (!data) {
            problem(c, c->ents[i].path, "listed but missing or unreadable");
            continue;
        }
        kc_sha256_hex(data, len, hex);
        free(data);
        if (strcmp(hex, c->ents[i].hex) != 0)
            problem(c, c->ents[i].path,
                    "its SHA-256 differs from " SUMS_NAME "'s (tampered)");
    }
}

static bool listed(const struct checker *c, const char *rel)
{
    struct kc_bundle_entry key;
    size_t n = strlen(rel);
    if (!c->n || n >= sizeof(key.path))
        return false;
    memcpy(key.path, rel, n + 1);
    return bsearch(&key, c->ents, c->n, sizeof(key), entry_cmp) != NULL;
}

/* Every file below rel (a folder of the bundle, "" for its top) that
 * SHA256SUMS does not list is a problem. */
static void walk(struct checker *c, const char *rel, int depth);

/* The entry name of the folder rel: a folder is walked, a file must be
 * listed. */
static void walk_entry(struct checker *c, const char *rel, const char *name,
                       int depth)
{
    char full[FULL_MAX], sub[KC_BUNDLE_PATH_MAX];
    struct stat st;
    if (!strcmp(name, ".") || !strcmp(name, "..") ||
        (!*rel && (!strcmp(name, SUMS_NAME) || !strcmp(name, SIG_NAME))))
        return;
    int k = snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name);
    if (k < 0 || (size_t)k >= sizeof(sub)) {
        problem(c, *rel ? rel : ".", "holds a file whose path is too long");
        return;
    }
    if (snprintf(full, sizeof(full), "%s/%s", c->dir, sub) >= (int)sizeof(full))
        return;
    if (lstat(full, &st) != 0)
        problem(c, sub, "cannot be read");
    else if (S_ISDIR(st.st_mode) && depth < DEPTH_MAX)
        walk(c, sub, depth + 1);
    else if (!S_ISREG(st.st_mode) || !listed(c, sub))
        problem(c, sub, "not listed in " SUMS_NAME);
}

static void walk(struct checker *c, const char *rel, int depth)
{
    char full[FULL_MAX];
    snprintf(full, sizeof(full), "%s%s%s", c->dir, *rel ? "/" : "", rel);
    DIR *d = opendir(full);
    const struct dirent *e;
    if (!d) {
        problem(c, *rel ? rel : ".", "cannot read the folder");
        return;
    }
    while ((e = readdir(d)) != NULL && c->seen++ < 2 * KC_BUNDLE_FILES_MAX)
        walk_entry(c, rel, e->d_name, depth);
    if (c->seen > 2 * KC_BUNDLE_FILES_MAX)
        problem(c, *rel ? rel : ".", "holds too many files");
    closedir(d);
}

/* 1 when sig is a valid signature of data by the key at path, 0 when not,
 * -1 (err) when the key cannot be read. */
static int sig_valid(const char *key, const char *data, size_t len,
                     const char *sig, size_t siglen, char *err, size_t errlen)
{
    EVP_PKEY *k = read_key(key, false, err, errlen);
    EVP_MD_CTX *ctx = k ? EVP_MD_CTX_new() : NULL;
    int rc = k ? 0 : -1;
    if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
        EVP_DigestVerify(ctx, (const unsigned char *)sig, siglen,
                         (const unsigned char *)data, len) == 1)
        rc = 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rc;
}

static int check_sig(struct checker *c, const char *key, const char *sums,
                     size_t len, char *err, size_t errlen)
{
    char full[FULL_MAX], rerr[KC_ERR_MAX];
    size_t siglen = 0;
    snprintf(full, sizeof(full), "%s/%s", c->dir, SIG_NAME);
    char *sig = kc_file_read(full, SIG_LEN + 1, KC_FILE_REGULAR, &siglen, rerr,
                             sizeof(rerr));
    if (!sig) {
        problem(c, SIG_NAME, "missing or unreadable");
        return 0;
    }
    int v = sig_valid(key, sums, len, sig, siglen, err, errlen);
    free(sig);
    if (v == 0)
        problem(c, SIG_NAME,
                "not a valid signature of " SUMS_NAME " by this key");
    return v < 0 ? -1 : 0;
}

long kc_bundle_check_files(const char *dir, const char *key,
                           kc_bundle_problem_fn fn, void *ctx, char *err,
                           size_t errlen)
{
    char full[FULL_MAX];
    size_t len = 0;
    struct checker c = {.dir = dir, .fn = fn, .ctx = ctx};
    struct kc_bundle_entry *ents = NULL;
    long rc = -1;
    snprintf(full, sizeof(full), "%s/%s", dir, SUMS_NAME);
    char *sums = kc_file_read(full, KC_BUNDLE_SUMS_MAX, KC_FILE_REGULAR, &len,
                              err, errlen);
    if (!sums)
        goto out;
    if (key && check_sig(&c, key, sums, len, err, errlen))
        goto out;
    if (kc_bundle_sums_parse(sums, len, &ents, &c.n, err, errlen)) {
        problem(&c, SUMS_NAME, err);
        rc = c.problems;
        goto out;
    }
    c.ents = ents;
    check_listed(&c);
    walk(&c, "", 0);
    rc = c.problems;
out:
    free(ents);
    free(sums);
    return rc;
}
