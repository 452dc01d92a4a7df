/* kc_sweep: removal of the keys and aliases that interrupted runs left. */
#include "kc/sweep.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kc/check.h"
#include "kc/client.h"
#include "kc/err.h"
#include "kc/ledger.h"

#define SW_SHOW_MAX   96 /* longest server string echoed on the console */
#define SW_WHY_MAX    (KC_ERR_MAX + 64) /* why a call failed, one line */
#define SW_PREFIX_MAX 96                /* "kmsconf-" or a run label */
#define SW_NUM_MAX    24                /* a page number or size */

/* An owned list of strings. */
struct sw_list {
    char **v;
    size_t n;
    size_t cap;
};

enum sw_rc { SW_OK = 0, SW_ANSWER = 1, SW_TRANSPORT = 2 };

/* What became of one key or alias. */
enum sw_removal {
    SW_SKIPPED = 0, /* not ours, or PendingDeletion already */
    SW_REMOVED,     /* scheduled or deleted (or would be, dry run) */
    SW_GONE,        /* the target does not know it (ledger only) */
    SW_FAILED       /* printed on opts->err */
};

struct sweeper {
    const struct kc_target *t;
    const struct kc_credential *cred;
    const struct kc_sweep_opts *o;
    struct kc_sweep_stats *st;
    struct kc_http *http;
    struct kc_ridset *rids;     /* the RequestIds of the sweep's answers */
    char prefix[SW_PREFIX_MAX]; /* Description prefix of our keys */
    char alias_prefix[SW_PREFIX_MAX + 16]; /* "alias/" + prefix + "-" */
};

static int list_add(struct sw_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        char **nv = realloc(l->v, ncap * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = ncap;
    }
    char *copy = strdup(s);
    if (!copy)
        return -1;
    l->v[l->n++] = copy;
    return 0;
}

static bool list_has(const struct sw_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (!strcmp(l->v[i], s))
            return true;
    }
    return false;
}

static void list_dispose(struct sw_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Copies a server-supplied string for display: printable ASCII only,
 * bounded, never NULL. */
static void show(char *dst, size_t dstlen, const char *src)
{
    size_t i = 0;
    if (!src)
        src = "";
    for (; src[i] && i + 1 < dstlen && i < SW_SHOW_MAX; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (char)((c >= 0x20 && c < 0x7f) ? c : '?');
    }
    dst[i] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

static const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "Code: Message (HTTP n)" from an error answer, shown safely. */
static void describe_error(const cJSON *body, long status, char *why,
                           size_t whylen)
{
    char code[SW_SHOW_MAX + 1], msg[SW_SHOW_MAX + 1];
    show(code, sizeof(code), json_str(body, "Code"));
    show(msg, sizeof(msg), json_str(body, "Message"));
    if (!code[0])
        snprintf(why, whylen, "HTTP %ld without an error Code", status);
    else
        snprintf(why, whylen, "%s: %s (HTTP %ld)", code, msg, status);
}

/* Every answer of the sweep enters its RequestId set; a repeated one is
 * reported (the sweep goes on: it removes, it does not judge). */
static void sw_note_request_id(struct sweeper *s, const char *action,
                               const cJSON *body)
{
    char shown[SW_SHOW_MAX + 1];
    const char *id = json_str(body, "RequestId");
    if (!id || kc_ridset_insert(s->rids, id))
        return;
    show(shown, sizeof(shown), id);
    fprintf(s->o->err,
            "kmsconf sweep: [%s] %s: RequestId '%s' was already seen in this "
            "sweep\n",
            s->cred->name, action, shown);
    s->st->repeated_ids++;
}

/* Sends one call with the sweeper's credential, Format JSON. SW_OK when
 * an answer came, SW_TRANSPORT (why says what) when none did. */
static enum sw_rc sw_send(struct sweeper *s, const char *action,
                          const struct kc_param *params, size_t n,
                          struct kc_client_exchange *x, char *why,
                          size_t whylen)
{
    const struct kc_client_step step = {.action = action,
                                        .params = params,
                                        .nparams = n,
                                        .signature = KC_SIG_VALID};
    char err[KC_ERR_MAX];
    const struct kc_http_resp *resp = &x->resp;

    switch (
        kc_client_call(s->http, s->t, s->cred, &step, x, err, sizeof(err))) {
    case KC_CLIENT_ANSWERED:
        return SW_OK;
    case KC_CLIENT_NOT_BUILT:
        snprintf(why, whylen, "cannot build the request: %s", err);
        break;
    case KC_CLIENT_NO_ANSWER:
        snprintf(why, whylen, "%s",
                 resp->error[0] ? resp->error
                                : kc_http_result_name(resp->result));
        if (resp->result == KC_HTTP_UNREACHABLE ||
            resp->result == KC_HTTP_TIMEOUT)
            s->st->unreachable = true;
        break;
    }
    return SW_TRANSPORT;
}

/*
 * One signed call with the sweeper's credential, Format JSON. SW_OK with
 * *out the parsed success body (caller frees), SW_ANSWER for an error
 * answer, SW_TRANSPORT when no answer came; why says what went wrong.
 */
static enum sw_rc sw_call(struct sweeper *s, const char *action,
                          const struct kc_param *params, size_t n, cJSON **out,
                          char *why, size_t whylen)
{
    struct kc_client_exchange x;
    cJSON *body = NULL;
    enum sw_rc rc = sw_send(s, action, params, n, &x, why, whylen);

    *out = NULL;
    if (rc != SW_OK)
        goto out;
    rc = SW_ANSWER;
    if (x.resp.body.len)
        body = cJSON_ParseWithLength(x.resp.body.data, x.resp.body.len);
    sw_note_request_id(s, action, body);
    if (x.resp.status < 200 || x.resp.status > 299) {
        describe_error(body, x.resp.status, why, whylen);
        goto out;
    }
    if (!cJSON_IsObject(body)) {
        snprintf(why, whylen, "HTTP %ld answer is not a JSON object",
                 x.resp.status);
        goto out;
    }
    *out = body;
    body = NULL;
    rc = SW_OK;
out:
    cJSON_Delete(body);
    kc_client_exchange_dispose(&x);
    return rc;
}

/* The items of a list answer: root.<outer>.<inner>, an array or (some
 * servers render one item so) a single object. */
static size_t list_items(const cJSON *root, const char *outer,
                         const char *inner, const cJSON **first, bool *is_array)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, outer);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, inner);
    *first = NULL;
    *is_array = cJSON_IsArray(in);
    if (*is_array) {
        *first = in->child;
        return (size_t)cJSON_GetArraySize(in);
    }
    if (cJSON_IsObject(in)) {
        *first = in;
        return 1;
    }
    return 0;
}

/*
 * Pages through a list action, adding the string field `field` of every
 * item to *names when it starts with `prefix` ("" for all). SW_OK or the
 * first failure (printed on opts->err).
 */
static enum sw_rc sw_list_all(struct sweeper *s, const char *action,
                              const char *outer, const char *inner,
                              const char *field, const char *prefix,
                              struct sw_list *names)
{
    char pn[SW_NUM_MAX], ps[SW_NUM_MAX], why[SW_WHY_MAX];
    size_t seen = 0;

    snprintf(ps, sizeof(ps), "%d", KC_SWEEP_PAGE_SIZE);
    for (int page = 1; page <= KC_SWEEP_MAX_PAGES; page++) {
        const struct kc_param p[2] = {{"PageNumber", pn}, {"PageSize", ps}};
        const cJSON *item;
        bool is_array;
        cJSON *body;
        snprintf(pn, sizeof(pn), "%d", page);
        enum sw_rc rc = sw_call(s, action, p, 2, &body, why, sizeof(why));
        if (rc != SW_OK) {
            fprintf(s->o->err, "kmsconf sweep: [%s] %s: %s\n", s->cred->name,
                    action, why);
            return rc;
        }
        size_t n = list_items(body, outer, inner, &item, &is_array);
        for (size_t i = 0; i < n && item; i++) {
            const char *v = json_str(item, field);
            if (v && starts_with(v, prefix) && !list_has(names, v) &&
                list_add(names, v) != 0) {
                cJSON_Delete(body);
                fprintf(s->o->err, "kmsconf sweep: out of memory\n");
                return SW_TRANSPORT;
            }
            item = is_array ? item->next : NULL;
        }
        seen += n;
        const cJSON *total =
            cJSON_GetObjectItemCaseSensitive(body, "TotalCount");
        bool done = n == 0 ||
                    (cJSON_IsNumber(total) ? (double)seen >= total->valuedouble
                                           : n < KC_SWEEP_PAGE_SIZE);
        cJSON_Delete(body);
        if (done)
            return SW_OK;
    }
    fprintf(s->o->err,
            "kmsconf sweep: [%s] %s: still listing after %d pages; "
            "stopped\n",
            s->cred->name, action, KC_SWEEP_MAX_PAGES);
    return SW_ANSWER;
}

/* Deletes (or would delete) one alias; with from_ledger an alias the
 * target does not know is SW_GONE. */
static enum sw_removal sw_alias(struct sweeper *s, const char *name,
                                bool from_ledger)
{
    const struct kc_param p[1] = {{"AliasName", name}};
    char shown[SW_SHOW_MAX + 1], why[SW_WHY_MAX];
    cJSON *body = NULL;

    show(shown, sizeof(shown), name);
    if (s->o->dry_run) {
        fprintf(s->o->out, "[%s] would delete alias %s\n", s->cred->name,
                shown);
        s->st->aliases++;
        return SW_REMOVED;
    }
    if (sw_call(s, "DeleteAlias", p, 1, &body, why, sizeof(why)) != SW_OK) {
        if (from_ledger && starts_with(why, "Forbidden.AliasNotFound:"))
            return SW_GONE;
        fprintf(s->o->err, "kmsconf sweep: [%s] DeleteAlias %s: %s\n",
                s->cred->name, shown, why);
        s->st->failures++;
        return SW_FAILED;
    }
    cJSON_Delete(body);
    fprintf(s->o->out, "[%s] deleted alias %s\n", s->cred->name, shown);
    s->st->aliases++;
    return SW_REMOVED;
}

/* Describes one key; schedules (or would schedule) its deletion when it is
 * ours (its Description starts with s->prefix, or any with any_owner) and
 * not PendingDeletion yet. */
static enum sw_removal sw_key(struct sweeper *s, const char *key_id,
                              bool any_owner)
{
    const struct kc_param d[1] = {{"KeyId", key_id}};
    const struct kc_param p[2] = {
        {"KeyId", key_id}, {"PendingWindowInDays", KC_SWEEP_WINDOW_DAYS}};
    char id[SW_SHOW_MAX + 1], state[SW_SHOW_MAX + 1], why[SW_WHY_MAX];
    cJSON *body = NULL, *done = NULL;
    enum sw_removal rc = SW_SKIPPED;

    show(id, sizeof(id), key_id);
    if (sw_call(s, "DescribeKey", d, 1, &body, why, sizeof(why)) != SW_OK) {
        if (any_owner && starts_with(why, "Forbidden.KeyNotFound:"))
            return SW_GONE;
        fprintf(s->o->err, "kmsconf sweep: [%s] DescribeKey %s: %s\n",
                s->cred->name, id, why);
        s->st->failures++;
        return SW_FAILED;
    }
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(body, "KeyMetadata");
    const char *st = json_str(md, "KeyState");
    if ((!any_owner && !starts_with(json_str(md, "Description"), s->prefix)) ||
        (st && !strcmp(st, "PendingDeletion")))
        goto out;
    show(state, sizeof(state), st ? st : "state unknown");
    rc = SW_REMOVED;
    if (s->o->dry_run) {
        fprintf(s->o->out,
                "[%s] would schedule key %s (%s) for deletion in %s days\n",
                s->cred->name, id, state, KC_SWEEP_WINDOW_DAYS);
        s->st->keys++;
        goto out;
    }
    if (sw_call(s, "ScheduleKeyDeletion", p, 2, &done, why, sizeof(why)) !=
        SW_OK) {
        fprintf(s->o->err, "kmsconf sweep: [%s] ScheduleKeyDeletion %s: %s\n",
                s->cred->name, id, why);
        s->st->failures++;
        rc = SW_FAILED;
        goto out;
    }
    fprintf(s->o->out, "[%s] scheduled key %s (%s) for deletion in %s days\n",
            s->cred->name, id, state, KC_SWEEP_WINDOW_DAYS);
    s->st->keys++;
out:
    cJSON_Delete(done);
    cJSON_Delete(body);
    return rc;
}

/* Sweeps the account of one credential. SW_OK, or how listing failed. */
static enum sw_rc sw_account(struct sweeper *s)
{
    struct sw_list aliases = {0}, keys = {0};
    enum sw_rc rc;

    rc = sw_list_all(s, "ListAliases", "Aliases", "Alias", "AliasName",
                     s->alias_prefix, &aliases);
    if (rc == SW_OK)
        rc = sw_list_all(s, "ListKeys", "Keys", "Key", "KeyId", "", &keys);
    if (rc != SW_OK)
        goto out;
    for (size_t i = 0; i < aliases.n; i++)
        sw_alias(s, aliases.v[i], false);
    for (size_t i = 0; i < keys.n && !s->st->unreachable; i++)
        sw_key(s, keys.v[i], false);
out:
    list_dispose(&aliases);
    list_dispose(&keys);
    return rc;
}

bool kc_sweep_label_valid(const char *label)
{
    size_t plen = strlen(KC_SWEEP_PREFIX), n;
    if (!starts_with(label, KC_SWEEP_PREFIX))
        return false;
    n = strlen(label + plen);
    if (n == 0 || n > 64)
        return false;
    for (const char *c = label + plen; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-'))
            return false;
    }
    return true;
}

/* The credentials to sweep, without two sharing an AccessKeyId. */
static int pick_credentials(const struct kc_target *t, const char *only,
                            const struct kc_credential **out, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < t->ncreds; i++) {
        const struct kc_credential *c = &t->creds[i];
        bool dup = false;
        if (only && strcmp(c->name, only))
            continue;
        for (size_t j = 0; j < *n; j++)
            dup = dup || !strcmp(out[j]->access_key_id, c->access_key_id);
        if (!dup)
            out[(*n)++] = c;
    }
    return *n ? 0 : -1;
}

/* Sweeps the account of every picked credential; the exit code. */
static enum kc_exit sweep_accounts(struct sweeper *s,
                                   const struct kc_credential *const *creds,
                                   size_t ncreds)
{
    enum kc_exit ret = KC_EXIT_OK;

    for (size_t i = 0; i < ncreds && !s->st->unreachable; i++) {
        s->cred = creds[i];
        if (sw_account(s) == SW_OK)
            continue;
        s->st->list_errors++;
        /* Special-condition credentials may not be able to list: that is
         * expected; the default one (or the one asked for) must. */
        if (!strcmp(creds[i]->name, "default") || s->o->credential)
            ret = KC_EXIT_NONCONFORMANT;
    }
    if (s->st->failures)
        ret = KC_EXIT_NONCONFORMANT;
    if (s->st->unreachable)
        ret = KC_EXIT_UNREACHABLE;
    return ret;
}

/* The sweeper of t with opts: prefixes and an HTTP client. 0 or -1. */
static int sweeper_init(struct sweeper *s, const struct kc_target *t,
                        const struct kc_sweep_opts *opts,
                        struct kc_sweep_stats *st)
{
    memset(s, 0, sizeof(*s));
    s->t = t;
    s->o = opts;
    s->st = st;
    snprintf(s->prefix, sizeof(s->prefix), "%s",
             opts->label ? opts->label : KC_SWEEP_PREFIX);
    snprintf(s->alias_prefix, sizeof(s->alias_prefix), "alias/%s%s", s->prefix,
             opts->label ? "-" : "");
    s->http = kc_http_new(&opts->http);
    s->rids = kc_ridset_new();
    if (s->http && s->rids)
        return 0;
    fprintf(opts->err, "kmsconf sweep: out of memory\n");
    return -1;
}

/* ---- --ledger ---- */

struct ledger_sweep {
    struct sweeper *s;
    struct kc_ledger *out; /* NULL on a dry run */
    const char *path;
};

/* Appends what a sweep did to the ledger (not on a dry run). */
static void note_done(struct ledger_sweep *ls, const struct kc_ledger_item *it,
                      const char *event, const char *id)
{
    char err[KC_ERR_MAX];
    const struct kc_ledger_entry e = {.event = event,
                                      .seq = it->seq,
                                      .kind = it->kind,
                                      .id = id,
                                      .run = it->run,
                                      .credential = it->credential,
                                      .endpoint = it->endpoint};
    if (ls->out && kc_ledger_append(ls->out, &e, err, sizeof(err)))
        fprintf(ls->s->o->err, "kmsconf sweep: %s\n", err);
}

/* An open "sending" key line: the keys of its run label in its account. */
static void ledger_intent(struct ledger_sweep *ls,
                          const struct kc_ledger_item *it)
{
    struct sweeper *s = ls->s;
    struct sw_list keys = {0};
    size_t failures = s->st->failures;
    snprintf(s->prefix, sizeof(s->prefix), "%s", it->run);
    if (sw_list_all(s, "ListKeys", "Keys", "Key", "KeyId", "", &keys) !=
        SW_OK) {
        s->st->failures++;
        goto out;
    }
    for (size_t i = 0; i < keys.n && !s->st->unreachable; i++)
        if (sw_key(s, keys.v[i], false) == SW_REMOVED)
            note_done(ls, it, "removed", keys.v[i]);
    if (s->st->failures == failures && !s->st->unreachable)
        note_done(ls, it, "resolved", NULL);
out:
    list_dispose(&keys);
}

/* Whether item it can be swept with target t; one line on err if not. */
static bool ledger_usable(struct ledger_sweep *ls,
                          const struct kc_ledger_item *it)
{
    struct sweeper *s = ls->s;
    char id[SW_SHOW_MAX + 1], where[SW_SHOW_MAX + 1];
    show(id, sizeof(id), it->id ? it->id : "(CreateKey without answer)");
    show(where, sizeof(where), it->endpoint);
    if (strcmp(it->endpoint, s->t->endpoint)) {
        fprintf(s->o->err,
                "kmsconf sweep: [%s] %s %s: not removed: recorded for %s, "
                "not this target's endpoint\n",
                it->credential, it->kind == KC_LEDGER_KEY ? "key" : "alias", id,
                where);
        return false;
    }
    if (!(s->cred = kc_target_credential(s->t, it->credential)) ||
        (s->o->credential && strcmp(s->o->credential, it->credential))) {
        fprintf(s->o->err, "kmsconf sweep: [%s] %s %s: not removed: %s\n",
                it->credential, it->kind == KC_LEDGER_KEY ? "key" : "alias", id,
                s->cred ? "not the --credential asked for"
                        : "the target has no such credential");
        return false;
    }
    return true;
}

/* Sweeps one item of the ledger. */
static void ledger_item(struct ledger_sweep *ls,
                        const struct kc_ledger_item *it)
{
    struct sweeper *s = ls->s;
    enum sw_removal r;
    if (!ledger_usable(ls, it)) {
        s->st->failures++;
        return;
    }
    if (!it->id) {
        ledger_intent(ls, it);
        return;
    }
    r = it->kind == KC_LEDGER_ALIAS ? sw_alias(s, it->id, true)
                                    : sw_key(s, it->id, true);
    if (r == SW_GONE || r == SW_SKIPPED)
        fprintf(s->o->out, "[%s] %s %s: %s\n", s->cred->name,
                it->kind == KC_LEDGER_KEY ? "key" : "alias", it->id,
                r == SW_GONE ? "already gone" : "already PendingDeletion");
    if (r != SW_FAILED)
        note_done(ls, it, "removed", it->id);
}

/* kc_sweep_run with opts->ledger. */
static enum kc_exit sweep_ledger(struct sweeper *s)
{
    struct kc_ledger_items items;
    struct ledger_sweep ls = {.s = s, .path = s->o->ledger};
    char err[KC_ERR_MAX];
    if (kc_ledger_read(ls.path, &items, s->o->err, err, sizeof(err))) {
        fprintf(s->o->err, "kmsconf sweep: --ledger %s\n", err);
        return KC_EXIT_USAGE;
    }
    if (!s->o->dry_run && items.n &&
        !(ls.out = kc_ledger_open(ls.path, err, sizeof(err)))) {
        fprintf(s->o->err, "kmsconf sweep: --ledger %s\n", err);
        kc_ledger_items_dispose(&items);
        return KC_EXIT_USAGE;
    }
    for (size_t pass = 0; pass < 2; pass++) /* aliases before their keys */
        for (size_t i = 0; i < items.n && !s->st->unreachable; i++)
            if ((items.v[i].kind == KC_LEDGER_ALIAS) == (pass == 0))
                ledger_item(&ls, &items.v[i]);
    kc_ledger_close(ls.out, false);
    kc_ledger_items_dispose(&items);
    if (s->st->unreachable)
        return KC_EXIT_UNREACHABLE;
    return s->st->failures ? KC_EXIT_NONCONFORMANT : KC_EXIT_OK;
}

enum kc_exit kc_sweep_run(const struct kc_target *t,
                          const struct kc_sweep_opts *opts,
                          struct kc_sweep_stats *st)
{
    struct sweeper s;
    const struct kc_credential **creds = NULL;
    size_t ncreds = 0;
    enum kc_exit ret = KC_EXIT_USAGE;

    memset(st, 0, sizeof(*st));
    memset(&s, 0, sizeof(s));
    if (opts->label && !kc_sweep_label_valid(opts->label)) {
        fprintf(opts->err,
                "kmsconf sweep: --label '%.64s' is not a run label "
                "(kmsconf-<hex>)\n",
                opts->label);
        return KC_EXIT_USAGE;
    }
    if (opts->ledger) {
        if (sweeper_init(&s, t, opts, st) == 0)
            ret = sweep_ledger(&s);
        goto out;
    }
    creds = calloc(t->ncreds ? t->ncreds : 1, sizeof(*creds));
    if (!creds)
        goto out;
    if (pick_credentials(t, opts->credential, creds, &ncreds) != 0) {
        fprintf(opts->err, "kmsconf sweep: %s: no credential '%.64s'\n",
                t->source ? t->source : "target",
                opts->credential ? opts->credential : "");
        goto out;
    }
    if (sweeper_init(&s, t, opts, st) == 0)
        ret = sweep_accounts(&s, creds, ncreds);
out:
    kc_http_free(s.http);
    kc_ridset_free(s.rids);
    free(creds);
    return ret;
}
