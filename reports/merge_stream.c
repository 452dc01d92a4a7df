/*
 * kc_merge_stream: kc_merge and kc_junit_write in one pass, none of the
 * inputs held (see merge.h). Each input is read by a thread of its own
 * (the readers hand on testcases, they cannot be asked for the next one)
 * into a short queue of batches; the main thread merges the heads of the
 * queues in kc_testcase_cmp order and writes each testcase once to a
 * kc_junit_stream.
 */
#include "kc/merge.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "kc/err.h"
#include "kc/junit.h"
#include "kc/outfile.h"
#include "kc/results.h"
#include "merge_int.h"

/* The most inputs streamed (a thread each); more are merged in memory. */
#define STREAM_MAX_INPUTS 64
/* Testcases queued per input: batches of so many, so many batches. */
#define BATCH_CASES   256
#define QUEUE_BATCHES 4

/* One input: its reader thread fills batches, the merge takes them. */
struct msrc {
    const char *path;
    pthread_t thread;
    bool inited, started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct kc_report *queue[QUEUE_BATCHES]; /* owned; ring from qhead */
    size_t qhead, qlen;
    bool done;     /* the reader has ended (under mu) */
    bool stop;     /* the merge wants no more (under mu) */
    bool unsorted; /* a testcase not after the one before it (under mu) */
    int rc;        /* the reader's: 0, 1 stopped, -1 err */
    char *err;     /* errlen bytes */
    size_t errlen;
    struct kc_report *hdr; /* on rc >= 0 */
    /* the reader's side */
    struct kc_report *fill;
    char *prev_class, *prev_name;
    bool any;
    /* the merge's side */
    struct kc_report *cur;
    size_t pos;
    bool ended_unsorted; /* unsorted, seen when it ended */
};

/* Queues the batch being filled; 1 when the merge wants no more. */
static int src_push(struct msrc *s)
{
    int stop;
    pthread_mutex_lock(&s->mu);
    while (s->qlen == QUEUE_BATCHES && !s->stop)
        pthread_cond_wait(&s->cv, &s->mu);
    stop = s->stop;
    if (!stop) {
        s->queue[(s->qhead + s->qlen++) % QUEUE_BATCHES] = s->fill;
        s->fill = NULL;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return stop;
}

/* Remembers tc's names as the last seen; -1 when out of memory. */
static int src_keep(struct msrc *s, const struct kc_testcase *tc)
{
    free(s->prev_class);
    free(s->prev_name);
    s->prev_class = tc->classname ? strdup(tc->classname) : NULL;
    s->prev_name = tc->name ? strdup(tc->name) : NULL;
    s->any = true;
    return (tc->classname && !s->prev_class) || (tc->name && !s->prev_name) ? -1
                                                                            : 0;
}

/* kc_report_each_fn: checks the order and moves tc into the batch. */
static int src_each(void *ud, const struct kc_report *hdr,
                    struct kc_testcase *tc)
{
    struct msrc *s = ud;
    struct kc_testcase prev = {.classname = s->prev_class,
                               .name = s->prev_name};
    (void)hdr;
    if (s->any && kc_testcase_cmp(&prev, tc) >= 0) {
        pthread_mutex_lock(&s->mu);
        s->unsorted = true;
        pthread_mutex_unlock(&s->mu);
        return 1;
    }
    if (src_keep(s, tc) || (!s->fill && !(s->fill = kc_report_new(NULL))))
        return -1;
    struct kc_testcase *slot = kc_report_add_case(s->fill);
    if (!slot)
        return -1;
    *slot = *tc; /* taken over whole: the reader frees what is left */
    memset(tc, 0, sizeof(*tc));
    return s->fill->ncases == BATCH_CASES ? src_push(s) : 0;
}

static void *src_main(void *arg)
{
    struct msrc *s = arg;
    s->rc = kc_results_each_any(s->path, 0, src_each, s, &s->hdr, s->err,
                                s->errlen);
    if (s->rc == 0 && s->fill && s->fill->ncases)
        src_push(s);
    pthread_mutex_lock(&s->mu);
    if (s->rc == 1 && !s->unsorted && !s->stop) { /* src_each's -1 */
        kc_err_set(s->err, s->errlen, "%s: out of memory", s->path);
        s->rc = -1;
    }
    s->done = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* The testcase at the head of s, NULL when s has ended. */
static struct kc_testcase *src_head(struct msrc *s)
{
    while (!s->cur || s->pos == s->cur->ncases) {
        kc_report_free(s->cur);
        s->cur = NULL;
        s->pos = 0;
        pthread_mutex_lock(&s->mu);
        while (!s->qlen && !s->done)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->qlen) {
            s->cur = s->queue[s->qhead];
            s->qhead = (s->qhead + 1) % QUEUE_BATCHES;
            s->qlen--;
            pthread_cond_broadcast(&s->cv);
        } else {
            s->ended_unsorted = s->unsorted;
        }
        pthread_mutex_unlock(&s->mu);
        if (!s->cur)
            return NULL;
    }
    return &s->cur->cases[s->pos];
}

/* Tells the reader to stop and waits for it; frees what s holds. */
static void src_dispose(struct msrc *s)
{
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stop = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    for (size_t i = 0; i < s->qlen; i++)
        kc_report_free(s->queue[(s->qhead + i) % QUEUE_BATCHES]);
    kc_report_free(s->cur);
    kc_report_free(s->fill);
    kc_report_free(s->hdr);
    if (s->inited) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
    }
    free(s->prev_class);
    free(s->prev_name);
    free(s->err);
}

/* The merge in progress. */
struct mstate {
    struct msrc *src;
    size_t n;
    const char *const *paths;
    struct kc_junit_stream *out;
    struct kc_report *prev; /* one testcase: the last merged */
    size_t prev_from;
    int status;        /* KC_MERGE_OK until the first conflict */
    char *err;         /* of the first conflict */
    bool write_failed; /* the output cannot be written: werr says why; the
                          inputs are still read, for an earlier error */
    char *werr;
    size_t errlen;
    bool fallback;
};

/* The input whose head comes first (the first such input on a tie), or
 * n when every one has ended. */
static size_t next_src(struct mstate *m)
{
    size_t best = m->n;
    const struct kc_testcase *bt = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const struct kc_testcase *tc = src_head(&m->src[i]);
        if (tc && (!bt || kc_testcase_cmp(tc, bt) < 0)) {
            best = i;
            bt = tc;
        }
    }
    return best;
}

/* Makes tc (taken over) the last merged testcase. */
static void keep_prev(struct mstate *m, struct kc_testcase *tc, size_t from)
{
    kc_report_drop_cases(m->prev);
    struct kc_testcase *slot = kc_report_add_case(m->prev);
    *slot = *tc; /* prev holds one slot from the start: no allocation */
    memset(tc, 0, sizeof(*tc));
    m->prev_from = from;
}

/* Merges the head of input i: a duplicate is checked against the last
 * one, a new testcase written (until a conflict or an error, after which
 * the inputs are only read on, for an earlier error or a fallback). */
static void merge_one(struct mstate *m, size_t i)
{
    struct msrc *s = &m->src[i];
    struct kc_testcase *tc = &s->cur->cases[s->pos++];
    const struct kc_testcase *last = m->prev->ncases ? m->prev->cases : NULL;
    if (last && !kc_testcase_cmp(last, tc)) {
        if (kc_merge_same_result(last, tc)) {
            m->prev_from = i; /* the next one is compared with this one */
        } else if (m->status == KC_MERGE_OK) { /* the first is reported */
            kc_merge_conflict(m->err, m->errlen, last, m->paths[m->prev_from],
                              tc, m->paths[i]);
            m->status = KC_MERGE_CONFLICT;
        }
        return;
    }
    if (m->status == KC_MERGE_OK && !m->write_failed) {
        int rc = kc_junit_stream_case(m->out, tc, m->werr, m->errlen);
        if (rc > 0)
            m->fallback = true;
        else if (rc < 0)
            m->write_failed = true;
    }
    keep_prev(m, tc, i);
}

/* Merges until every input has ended or one calls for the fallback. */
static void merge_all(struct mstate *m)
{
    for (;;) {
        size_t i = next_src(m);
        for (size_t k = 0; k < m->n; k++)
            m->fallback = m->fallback || m->src[k].ended_unsorted;
        if (i == m->n || m->fallback)
            return;
        merge_one(m, i);
    }
}

/* True when every path names a regular file (a pipe cannot be read
 * again for the fallback). */
static bool all_regular(const char *const *paths, size_t n)
{
    struct stat st;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(paths[i], "-") || stat(paths[i], &st) != 0 ||
            !S_ISREG(st.st_mode))
            return false;
    }
    return true;
}

/* Starts a reader per input; false when one cannot be started. */
static bool start_all(struct mstate *m, size_t errlen)
{
    for (size_t i = 0; i < m->n; i++) {
        struct msrc *s = &m->src[i];
        s->path = m->paths[i];
        s->errlen = errlen;
        s->err = calloc(1, errlen);
        if (!s->err || pthread_mutex_init(&s->mu, NULL))
            return false;
        if (pthread_cond_init(&s->cv, NULL)) {
            pthread_mutex_destroy(&s->mu);
            return false;
        }
        s->inited = true;
        s->started = !pthread_create(&s->thread, NULL, src_main, s);
        if (!s->started)
            return false;
    }
    return true;
}

/* The outcome once every input has been read: the first unreadable one,
 * then the header's problems, then the first conflict, then a write
 * error, then the report itself (the order of kc_merge and then
 * kc_junit_write). */
static int merge_finish(struct mstate *m, bool force, char *err, size_t errlen)
{
    struct kc_report **hdrs = calloc(m->n + 1, sizeof(*hdrs));
    struct kc_report *hdr = NULL;
    int rc = KC_MERGE_OUT_OF_MEMORY;
    if (!hdrs) {
        kc_err_set(err, errlen, "out of memory");
        return rc;
    }
    for (size_t i = 0; i < m->n; i++) {
        pthread_join(m->src[i].thread, NULL);
        m->src[i].started = false;
        hdrs[i] = m->src[i].hdr;
    }
    for (size_t i = 0; i < m->n; i++) {
        if (m->src[i].rc < 0) {
            kc_err_set(err, errlen, "%s", m->src[i].err);
            rc = KC_MERGE_READ_ERROR;
            goto out;
        }
    }
    rc = (int)kc_merge_header(hdrs, m->paths, m->n, force, &hdr, err, errlen);
    if (rc == KC_MERGE_OK && m->status != KC_MERGE_OK) {
        kc_err_set(err, errlen, "%s", m->err);
        rc = m->status;
    } else if (rc == KC_MERGE_OK && m->write_failed) {
        kc_err_set(err, errlen, "%s", m->werr);
        rc = KC_MERGE_WRITE_ERROR;
    }
    if (rc == KC_MERGE_OK) {
        struct kc_junit_stream *out = m->out;
        m->out = NULL;
        if (kc_junit_stream_finish(out, hdr, err, errlen))
            rc = KC_MERGE_WRITE_ERROR;
    }
out:
    kc_report_free(hdr);
    free(hdrs);
    return rc;
}

/* The output: the stream, or when its spool cannot be made because out
 * itself cannot be written, nothing but the reason, in werr (the inputs
 * are read all the same, so that an earlier error is the one reported,
 * with no more memory than writing them). false: fall back. */
static bool open_out(struct mstate *m, const char *out, bool strict,
                     size_t errlen)
{
    if (!kc_junit_stream_open(out, strict, &m->out, m->werr, errlen))
        return true;
    struct kc_outfile *o = kc_outfile_open(out, m->werr, errlen);
    if (o) { /* out can be written, the spool cannot: as in memory */
        kc_outfile_abort(o);
        return false;
    }
    m->write_failed = true;
    return true;
}

/* Whether n inputs open at once, with room to spare, fit under the limit
 * of open files (the in-memory merge opens one at a time). */
static bool fds_suffice(size_t n)
{
    struct rlimit rl;
    return getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
           (rlim_t)n + 32 <= rl.rlim_cur;
}

/* Sets up m: the spool, the inputs, their readers. false: fall back. */
static bool merge_setup(struct mstate *m, const char *out, bool strict,
                        size_t errlen)
{
    m->src = calloc(m->n, sizeof(*m->src));
    m->err = calloc(1, errlen);
    m->werr = calloc(1, errlen);
    m->prev = kc_report_new(NULL);
    if (!m->src || !m->err || !m->werr || !m->prev ||
        !kc_report_add_case(m->prev))
        return false;
    kc_report_drop_cases(m->prev);
    return open_out(m, out, strict, errlen) && start_all(m, errlen);
}

int kc_merge_stream(const char *const *paths, size_t n, bool force,
                    const char *out, bool strict,
                    struct kc_merge_counts *counts, char *err, size_t errlen)
{
    struct mstate m = {.n = n, .paths = paths, .errlen = errlen};
    int rc = KC_MERGE_FALLBACK;
    if (n == 0 || n > STREAM_MAX_INPUTS || !fds_suffice(n) ||
        !all_regular(paths, n))
        return rc;
    xmlInitParser(); /* once, before the readers' threads race to it */
    if (!merge_setup(&m, out, strict, errlen))
        goto out;
    merge_all(&m);
    if (m.fallback)
        goto out;
    if (m.out)
        kc_junit_stream_counts(m.out, &counts->tests, &counts->failures,
                               &counts->errors, &counts->skipped);
    rc = merge_finish(&m, force, err, errlen);
out:
    for (size_t i = 0; m.src && i < n; i++)
        src_dispose(&m.src[i]);
    kc_junit_stream_abort(m.out);
    kc_report_free(m.prev);
    free(m.src);
    free(m.err);
    free(m.werr);
    return rc;
}
