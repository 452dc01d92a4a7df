/* kc_pace: a shared send rate and an adaptive concurrency limit. */
#include "kc/pace.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define SLICE_NS 50000000LL /* 50 ms: how soon a wait sees an interrupt */
#define NS       1000000000LL

struct kc_pace {
    pthread_mutex_t lock;
    pthread_cond_t freed;  /* an attempt released its place */
    long long interval_ns; /* 0: no rate limit */
    long long next_ns;     /* the next free send slot (CLOCK_MONOTONIC) */
    unsigned workers;
    unsigned limit;
    unsigned lowest;
    unsigned active;
    unsigned long wave; /* bumped at each cut */
    unsigned clean;     /* answers in a row not throttled */
};

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * NS + ts.tv_nsec;
}

struct kc_pace *kc_pace_new(double qps, unsigned workers)
{
    struct kc_pace *p = calloc(1, sizeof(*p));
    pthread_condattr_t ca;
    if (!p)
        return NULL;
    if (pthread_condattr_init(&ca)) {
        free(p);
        return NULL;
    }
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&p->freed, &ca);
    pthread_condattr_destroy(&ca);
    if (rc || pthread_mutex_init(&p->lock, NULL)) {
        if (!rc)
            pthread_cond_destroy(&p->freed);
        free(p);
        return NULL;
    }
    p->interval_ns = qps > 0.0 ? (long long)((double)NS / qps) : 0;
    p->workers = workers ? workers : 1;
    p->limit = p->lowest = p->workers;
    return p;
}

void kc_pace_free(struct kc_pace *p)
{
    if (!p)
        return;
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static bool stopped(volatile sig_atomic_t *stop)
{
    return stop && *stop;
}

/* Waits (lock held) for active < limit; false when stopped. */
static bool wait_place(struct kc_pace *p, volatile sig_atomic_t *stop)
{
    while (p->active >= p->limit) {
        if (stopped(stop))
            return false;
        long long until = now_ns() + SLICE_NS;
        struct timespec ts = {.tv_sec = (time_t)(until / NS),
                              .tv_nsec = (long)(until % NS)};
        int rc = pthread_cond_timedwait(&p->freed, &p->lock, &ts);
        if (rc && rc != ETIMEDOUT && rc != EINTR)
            return false;
    }
    return true;
}

/* Sleeps until the monotonic time slot; false when stopped first. */
static bool sleep_until(long long slot, volatile sig_atomic_t *stop)
{
    for (;;) {
        long long left = slot - now_ns();
        if (left <= 0)
            return true;
        if (stopped(stop))
            return false;
        if (left > SLICE_NS)
            left = SLICE_NS;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left};
        nanosleep(&ts, NULL);
    }
}

bool kc_pace_acquire(struct kc_pace *p, volatile sig_atomic_t *stop,
                     unsigned long *ticket)
{
    long long slot = 0;
    pthread_mutex_lock(&p->lock);
    if (!wait_place(p, stop)) {
        pthread_mutex_unlock(&p->lock);
        return false;
    }
    p->active++;
    *ticket = p->wave;
    if (p->interval_ns) {
        long long now = now_ns();
        slot = p->next_ns > now ? p->next_ns : now;
        p->next_ns = slot + p->interval_ns;
    }
    pthread_mutex_unlock(&p->lock);
    if (slot && !sleep_until(slot, stop)) {
        kc_pace_release(p, *ticket, false);
        return false;
    }
    return true;
}

void kc_pace_release(struct kc_pace *p, unsigned long ticket, bool throttled)
{
    pthread_mutex_lock(&p->lock);
    if (p->active)
        p->active--;
    if (throttled) {
        p->clean = 0;
        if (ticket == p->wave) { /* the first of its wave: cut */
            p->limit = p->limit > 1 ? p->limit / 2 : 1;
            p->wave++;
            if (p->limit < p->lowest)
                p->lowest = p->limit;
        }
    } else if (++p->clean >= p->limit) {
        p->clean = 0;
        if (p->limit < p->workers)
            p->limit++;
    }
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

unsigned kc_pace_limit(struct kc_pace *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned v = p->limit;
    pthread_mutex_unlock(&p->lock);
    return v;
}

unsigned kc_pace_lowest(struct kc_pace *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned v = p->lowest;
    pthread_mutex_unlock(&p->lock);
    return v;
}
