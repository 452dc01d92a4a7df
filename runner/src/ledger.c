/* kc_ledger: the append-only record of what a run created. */
#include "kc/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"

struct kc_ledger {
    pthread_mutex_t lock;
    int fd;
    bool was_empty;
    char *path;
    struct kc_ledger_items live; /* what this handle left open */
};

static const char *kind_name(enum kc_ledger_kind k)
{
    return k == KC_LEDGER_ALIAS ? "alias" : "key";
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void item_dispose(struct kc_ledger_item *it)
{
    free(it->id);
    free(it->run);
    free(it->credential);
    free(it->endpoint);
}

static int items_add(struct kc_ledger_items *l,
                     const struct kc_ledger_entry *it)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct kc_ledger_item *nv = realloc(l->v, ncap * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = ncap;
    }
    struct kc_ledger_item *d = &l->v[l->n];
    *d = (struct kc_ledger_item){.kind = it->kind, .seq = it->seq};
    d->id = dup_or_null(it->id);
    d->run = dup_or_null(it->run);
    d->credential = dup_or_null(it->credential);
    d->endpoint = dup_or_null(it->endpoint);
    if ((it->id && !d->id) || (it->run && !d->run) ||
        (it->credential && !d->credential) || (it->endpoint && !d->endpoint)) {
        item_dispose(d);
        return -1;
    }
    l->n++;
    return 0;
}

static bool same(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

/* Removes the items matching e: by run and seq for "refused", "resolved"
 * and "created"; by kind, id, credential and endpoint for "removed". */
static void items_drop(struct kc_ledger_items *l,
                       const struct kc_ledger_entry *e, bool by_seq)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct kc_ledger_item *it = &l->v[i];
        bool match = it->kind == e->kind &&
                     (by_seq ? it->seq == e->seq && same(it->run, e->run)
                             : same(it->id, e->id) &&
                                   same(it->credential, e->credential) &&
                                   same(it->endpoint, e->endpoint));
        if (match)
            item_dispose(&l->v[i]);
        else
            l->v[k++] = l->v[i];
    }
    l->n = k;
}

void kc_ledger_items_dispose(struct kc_ledger_items *items)
{
    for (size_t i = 0; i < items->n; i++)
        item_dispose(&items->v[i]);
    free(items->v);
    memset(items, 0, sizeof(*items));
}

/* One event applied to the set of open items. 0 or -1 (out of memory). */
static int items_apply(struct kc_ledger_items *l, const char *event,
                       const struct kc_ledger_entry *it)
{
    if (!strcmp(event, "sending"))
        return items_add(l, it);
    if (!strcmp(event, "created")) {
        items_drop(l, it, true);
        return items_add(l, it);
    }
    if (!strcmp(event, "refused") || !strcmp(event, "resolved")) {
        items_drop(l, it, true);
        return 0;
    }
    items_drop(l, it, false); /* "removed" */
    return 0;
}

int kc_ledger_items_apply(struct kc_ledger_items *items, const char *event,
                          const struct kc_ledger_entry *e)
{
    return items_apply(items, event, e);
}

/* ---- writing ---- */

/* Whether the file at path ends without a newline (a SIGKILL tore its
 * last line). */
static bool end_torn(const char *path)
{
    char last = '\n';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (lseek(fd, -1, SEEK_END) < 0 || read(fd, &last, 1) != 1)
        last = '\n';
    close(fd);
    return last != '\n';
}

struct kc_ledger *kc_ledger_open(const char *path, char *err, size_t errlen)
{
    struct kc_ledger *l = calloc(1, sizeof(*l));
    struct stat st;
    if (!l || !(l->path = strdup(path))) {
        kc_err_set(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (l->fd < 0) {
        kc_err_set(err, errlen, "%s: cannot open the ledger: %s", path,
                   strerror(errno));
        goto fail;
    }
    l->was_empty = fstat(l->fd, &st) == 0 && st.st_size == 0;
    if (!l->was_empty && end_torn(path)) /* end a torn line first */
        (void)!write(l->fd, "\n", 1);
    if (pthread_mutex_init(&l->lock, NULL)) {
        close(l->fd);
        kc_err_set(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    return l;
fail:
    if (l)
        free(l->path);
    free(l);
    return NULL;
}

/* One ledger line, without its newline (caller frees). Written by hand:
 * it is on the path of every creating call. */
static char *format_line(const struct kc_ledger_entry *e)
{
    char when[21];
    struct kc_buf b;
    kc_buf_init(&b, 0);
    kc_time_format(time(NULL), when);
    kc_buf_puts(&b, "{\"event\":");
    kc_buf_put_json_string(&b, e->event);
    if (e->seq)
        kc_buf_printf(&b, ",\"seq\":%lu", e->seq);
    kc_buf_puts(&b, ",\"kind\":");
    kc_buf_put_json_string(&b, kind_name(e->kind));
    if (e->id) {
        kc_buf_puts(&b, ",\"id\":");
        kc_buf_put_json_string(&b, e->id);
    }
    kc_buf_puts(&b, ",\"run\":");
    kc_buf_put_json_string(&b, e->run ? e->run : "");
    kc_buf_puts(&b, ",\"credential\":");
    kc_buf_put_json_string(&b, e->credential);
    kc_buf_puts(&b, ",\"endpoint\":");
    kc_buf_put_json_string(&b, e->endpoint);
    kc_buf_puts(&b, ",\"time\":");
    kc_buf_put_json_string(&b, when);
    kc_buf_putc(&b, '}');
    kc_buf_putc(&b, '\n');
    return kc_buf_take(&b); /* NULL if any append failed */
}

/* Writes all of buf (one write unless the kernel cuts it). */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int kc_ledger_append(struct kc_ledger *l, const struct kc_ledger_entry *e,
                     char *err, size_t errlen)
{
    char *line = format_line(e);
    int rc = -1;
    if (!line) {
        kc_err_set(err, errlen, "%s: out of memory", l->path);
        return -1;
    }
    size_t n = strlen(line);
    pthread_mutex_lock(&l->lock);
    if (write_all(l->fd, line, n) || fdatasync(l->fd))
        kc_err_set(err, errlen, "%s: cannot write the ledger: %s", l->path,
                   strerror(errno));
    else if (items_apply(&l->live, e->event, e))
        kc_err_set(err, errlen, "%s: out of memory", l->path);
    else
        rc = 0;
    pthread_mutex_unlock(&l->lock);
    free(line);
    return rc;
}

size_t kc_ledger_open_count(const struct kc_ledger *l)
{
    return l->live.n;
}

bool kc_ledger_was_empty(const struct kc_ledger *l)
{
    return l->was_empty;
}

const char *kc_ledger_path(const struct kc_ledger *l)
{
    return l->path;
}

void kc_ledger_close(struct kc_ledger *l, bool remove_file)
{
    if (!l)
        return;
    close(l->fd);
    if (remove_file)
        unlink(l->path);
    pthread_mutex_destroy(&l->lock);
    kc_ledger_items_dispose(&l->live);
    free(l->path);
    free(l);
}

/* ---- reading ---- */

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool known_event(const char *ev)
{
    static const char *const events[] = {"sending", "created", "refused",
                                         "removed", "resolved"};
    for (size_t i = 0; ev && i < sizeof(events) / sizeof(events[0]); i++)
        if (!strcmp(ev, events[i]))
            return true;
    return false;
}

static bool field_ok(const char *s, bool required)
{
    return s ? strlen(s) <= KC_LEDGER_FIELD_MAX : !required;
}

/* One parsed line into *it and *event (the tree's storage); "" into why
 * when it is not a ledger line. */
static void parse_line(const cJSON *o, struct kc_ledger_entry *it,
                       const char **event, char *why, size_t whylen)
{
    const char *kind = str_of(o, "kind");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
    *event = str_of(o, "event");
    why[0] = '\0';
    *it = (struct kc_ledger_entry){
        .kind =
            kind && !strcmp(kind, "alias") ? KC_LEDGER_ALIAS : KC_LEDGER_KEY,
        .id = str_of(o, "id"),
        .run = str_of(o, "run"),
        .credential = str_of(o, "credential"),
        .endpoint = str_of(o, "endpoint"),
        .seq = cJSON_IsNumber(seq) && seq->valuedouble >= 0
                   ? (unsigned long)seq->valuedouble
                   : 0};
    if (!known_event(*event))
        snprintf(why, whylen, "not a ledger event");
    else if (!kind || (strcmp(kind, "key") && strcmp(kind, "alias")))
        snprintf(why, whylen, "\"kind\" is not \"key\" or \"alias\"");
    else if (!field_ok(it->credential, true) || !field_ok(it->endpoint, true) ||
             !field_ok(it->run, true) || !field_ok(it->id, false))
        snprintf(why, whylen,
                 "\"run\", \"credential\" or \"endpoint\" missing or too long");
    else if (!it->id &&
             (!strcmp(*event, "created") || !strcmp(*event, "removed") ||
              (!strcmp(*event, "sending") && it->kind == KC_LEDGER_ALIAS)))
        snprintf(why, whylen, "no \"id\"");
}

/* Applies line no (len bytes at s) to out. 0, 1 when it is not a ledger
 * line (why says so), 2 when it is not JSON (a torn line), -1 out of
 * memory. */
static int read_line(const char *s, size_t len, struct kc_ledger_items *out,
                     char *why, size_t whylen)
{
    struct kc_ledger_entry it;
    const char *event = NULL;
    cJSON *o = cJSON_ParseWithLength(s, len);
    int rc = 1;
    if (!cJSON_IsObject(o)) {
        snprintf(why, whylen, "not a JSON object");
        rc = 2;
        goto out;
    }
    parse_line(o, &it, &event, why, whylen);
    if (!why[0])
        rc = items_apply(out, event, &it) ? -1 : 0;
out:
    cJSON_Delete(o);
    return rc;
}

int kc_ledger_read(const char *path, struct kc_ledger_items *out, FILE *warn,
                   char *err, size_t errlen)
{
    size_t len = 0, lineno = 0;
    char why[128];
    char *text =
        kc_file_read(path, KC_LEDGER_FILE_MAX, KC_FILE_TEXT, &len, err, errlen);
    int rc = -1;
    memset(out, 0, sizeof(*out));
    if (!text)
        return -1;
    for (const char *p = text; p < text + len;) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        lineno++;
        int lr = n ? read_line(p, n, out, why, sizeof(why)) : 0;
        if (lr < 0) {
            kc_err_set(err, errlen, "%s: out of memory", path);
            goto out;
        }
        if (lr == 2 || (lr > 0 && !nl)) {
            fprintf(warn, "kmsconf: warning: %s:%zu: torn line left out (%s)\n",
                    path, lineno, why);
        } else if (lr > 0) {
            kc_err_set(err, errlen, "%s:%zu: %s", path, lineno, why);
            goto out;
        }
        p = nl ? nl + 1 : text + len;
    }
    rc = 0;
out:
    if (rc)
        kc_ledger_items_dispose(out);
    free(text);
    return rc;
}
