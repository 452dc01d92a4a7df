/*
 * kc_pace: how fast and how many at once the workers of a run send, shared
 * by all of them (and the preflight's threads).
 *
 * Rate (--rate QPS): every attempt takes the next free send slot, slots
 * 1/QPS apart (a monotonic next-slot time under the mutex), so that N
 * attempts span at least (N - 1) / QPS seconds whatever the number of
 * workers; no burst is allowed.
 *
 * Adaptive concurrency: at most `limit` attempts are in flight at once,
 * limit starting at the number of workers. A throttled answer halves it
 * (at least 1), once per wave: only an attempt that started after the last
 * cut can cut again, so that the answers of one burst cut once. Every
 * `limit` answers in a row that are not throttled raise it by one, up to
 * the number of workers (additive increase, multiplicative decrease).
 * Thread-safe.
 */
#ifndef KC_PACE_H
#define KC_PACE_H

#include <signal.h>
#include <stdbool.h>

struct kc_pace;

/* qps 0: no rate limit. workers >= 1. NULL when out of memory; release
 * with kc_pace_free (NULL-safe). */
struct kc_pace *kc_pace_new(double qps, unsigned workers);
void kc_pace_free(struct kc_pace *p);

/*
 * Waits for a place under the concurrency limit, then for the next send
 * slot; true with *ticket set (hand it to kc_pace_release), or false,
 * holding nothing, when *stop became non-zero meanwhile (stop may be
 * NULL: wait as long as it takes). Waits in slices of at most 50 ms.
 */
bool kc_pace_acquire(struct kc_pace *p, volatile sig_atomic_t *stop,
                     unsigned long *ticket);
/* After the attempt of ticket: whether its answer was throttled. */
void kc_pace_release(struct kc_pace *p, unsigned long ticket, bool throttled);

/* The concurrency limit now, and the lowest it has been. */
unsigned kc_pace_limit(struct kc_pace *p);
unsigned kc_pace_lowest(struct kc_pace *p);

#endif
