/*
 * kc_ledger: the file where a run records every resource it creates, so
 * that `kmsconf sweep --ledger FILE` can remove what is left whatever
 * stopped the run (docs/reports.md, "The ledger").
 *
 * One JSON object per line, appended with one write(2) and fdatasync'd
 * before the call that depends on it goes on, so that a SIGKILL at any
 * moment leaves every line but perhaps a torn last one:
 *
 *   {"event":"sending","seq":3,"kind":"key","run":"kmsconf-1a2b3c4d",
 *    "credential":"default","endpoint":"http://...","time":"..."}
 *
 * "sending": a creating call (CreateKey, CreateAlias) is about to leave;
 * an alias's id is known already. "created": its answer came, with the id.
 * "refused": it answered an error (nothing was created). "removed": the
 * resource was scheduled for deletion (key) or deleted (alias). A
 * "sending" key line without "created" or "refused" (the run died while
 * waiting) stands for every key of that run label in that account.
 * "resolved" closes such a line once a sweep has handled it.
 * Lines hold ids, names and the endpoint: never a secret.
 */
#ifndef KC_LEDGER_H
#define KC_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The longest ledger a sweep reads. */
#define KC_LEDGER_FILE_MAX (64u * 1024u * 1024u)
/* The longest id, run label, credential name or endpoint kept. */
#define KC_LEDGER_FIELD_MAX 512

enum kc_ledger_kind { KC_LEDGER_KEY = 0, KC_LEDGER_ALIAS };

struct kc_ledger_entry {
    const char *event; /* "sending", "created", "refused", "removed",
                          "resolved" */
    unsigned long seq; /* pairs "sending" with what follows (with run);
                          0: none */
    enum kc_ledger_kind kind;
    const char *id;  /* NULL for a key not created yet */
    const char *run; /* the run label */
    const char *credential;
    const char *endpoint;
};

struct kc_ledger;

/* Opens path for appending (created 0600 when missing); a torn last line
 * is ended with a newline first. The caller closes it with
 * kc_ledger_close. NULL with err set. */
struct kc_ledger *kc_ledger_open(const char *path, char *err, size_t errlen);
/* Appends one line and syncs it; thread-safe. 0, or -1 with err set. */
int kc_ledger_append(struct kc_ledger *l, const struct kc_ledger_entry *e,
                     char *err, size_t errlen);
/* How many resources this handle recorded and did not record removed,
 * counting each open "sending" line (0: balanced). */
size_t kc_ledger_open_count(const struct kc_ledger *l);
/* Whether the file was empty when this handle opened it. */
bool kc_ledger_was_empty(const struct kc_ledger *l);
/* The path given to kc_ledger_open (the handle's storage). */
const char *kc_ledger_path(const struct kc_ledger *l);
/* Closes; with remove_file also unlinks the file. NULL-safe. */
void kc_ledger_close(struct kc_ledger *l, bool remove_file);

/* What a ledger leaves to sweep: one item per live resource, and one per
 * open "sending" key line (id NULL). Strings owned by the list. */
struct kc_ledger_item {
    enum kc_ledger_kind kind;
    char *id; /* NULL: an open "sending" key line */
    char *run;
    char *credential;
    char *endpoint;
    unsigned long seq;
};

struct kc_ledger_items {
    struct kc_ledger_item *v;
    size_t n;
    size_t cap;
};

/*
 * Reads the ledger at path into *out (zeroed first; dispose it). A torn
 * line (not JSON, or the last one without its newline) is left out with a
 * warning on warn: a SIGKILL mid-write leaves one at the end, and a later
 * writer ends it with a newline first (kc_ledger_open), so it may be in
 * the middle. A JSON line that is not a ledger line is an error. 0, or -1
 * with err set ("<path>:<line>: <what>").
 */
int kc_ledger_read(const char *path, struct kc_ledger_items *out, FILE *warn,
                   char *err, size_t errlen);
void kc_ledger_items_dispose(struct kc_ledger_items *items);
/* Applies one event (e's strings copied) to items, as reading does:
 * "sending" and "created" add, the others take away. 0, or -1 when out of
 * memory. */
int kc_ledger_items_apply(struct kc_ledger_items *items, const char *event,
                          const struct kc_ledger_entry *e);

#endif
