/*
 * kc_run: the scheduler of `kmsconf run`.
 *
 * Cases run concurrently on opts.jobs worker threads (each with its own
 * kc_http client, so connections are kept alive per thread); the steps of
 * a case run in order: setup once (JSON), the probe once per asked format,
 * teardown always (after a failed check, a failed setup and an interrupt).
 * Every (case, format) becomes one testcase of the report, whose strings are
 * redacted with opts.redactor before they are stored.
 *
 * Interrupts: when *opts.stop becomes non-zero (a signal handler sets it),
 * no new case starts; a case in flight that has not sent its probes yet
 * skips them (testcases skipped as "interrupted"), and every case in flight
 * runs its teardown. The caller marks the report interrupted.
 *
 * Early abort (the circuit breaker) and the deadline: when
 * KC_RUN_BREAKER_PER_WORKER times the number of workers exchanges in a
 * row, run-wide, got no answer (a refused connection, a timeout, a
 * connection closed before any byte: kc_http_resp.answered false; a
 * timeout counts even after some bytes, as from a server that drips), or
 * when opts.max_time_ms has passed since the start, the run is aborted:
 * it stops as for an interrupt, and then the teardowns and cleanups of the
 * cases in flight get KC_RUN_GRACE_MS in all (each exchange's timeout cut
 * to what is left of it; a case that meets no answer after the abort gives
 * up its remaining steps). The cases that never started are added as
 * skipped testcases of type "not-run" (not told to the observer).
 * Setup and probe exchanges never run past the deadline: their timeout
 * is cut to what is left of it.
 *
 * Leftovers: the engine follows the answers of every step (CreateKey,
 * CreateAlias, ScheduleKeyDeletion, DeleteAlias, any phase). A case that
 * stops early (a setup step failed, or the run was interrupted) then
 * removes, after its teardown, what it created and the teardown did not
 * remove: DeleteAlias for its aliases, then ScheduleKeyDeletion with the
 * shortest window (7 days) for its keys, each with the credential that
 * created it. With opts.ledger every creating call and removal is also
 * recorded there as it happens (kc/ledger.h).
 */
#ifndef KC_RUN_H
#define KC_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "kc/case.h"
#include "kc/catalog.h"
#include "kc/check.h"
#include "kc/envelope.h"
#include "kc/exit.h"
#include "kc/http.h"
#include "kc/ledger.h"
#include "kc/retry.h"
#include "kc/target.h"
#include "kc/report.h"

struct kc_redactor;
struct kc_bundle;

/*
 * Who is told about the run as it goes (the CLI's console). Either function
 * may be NULL. Both are called from worker threads and must be
 * thread-safe; testcase is called while the run holds its report lock, and
 * tc is valid only during the call (its strings already redacted).
 */
struct kc_run_observer {
    void (*testcase)(void *ctx, const struct kc_testcase *tc);
    void (*note)(void *ctx, const char *line); /* one line, no newline */
    void *ctx;
};

/* Everything borrowed for the duration of kc_run_execute. */
struct kc_run_opts {
    const struct kc_target *target;
    const struct kc_catalog *catalog;
    const struct kc_envelope *envelope; /* NULL: no envelope check */
    const struct kc_case *const *cases;
    size_t ncases;
    /* kc_cases_digest of the library the cases were selected from (the
     * manifest's kmsconf.cases_sha256); NULL: the digest of cases. */
    const char *cases_sha256;
    bool json;     /* probe with Format=JSON */
    bool xml;      /* probe with Format=XML */
    unsigned jobs; /* worker threads, >= 1 */
    struct kc_http_opts http;
    const struct kc_redactor *redactor; /* NULL: shapes only */
    struct kc_run_observer observer;    /* all NULL: silent */
    const char *run_id;                 /* NULL: a fresh UUID */
    volatile sig_atomic_t *stop;        /* NULL: not interruptible */
    struct kc_ledger *ledger;           /* NULL: no ledger */
    /* Retries of throttled answers (retry.stop is ignored: the setup and
     * probe steps use stop, the teardown and the clean-up none, so that
     * an interrupted run still removes what it made). A probe whose case
     * expects a throttling code is never retried. */
    struct kc_retry_policy retry;
    long max_time_ms; /* the run's deadline; 0: none */
    /* Build the transcripts of passing probes too (--transcripts all);
     * otherwise only a failing, erroring or retried probe's is built. */
    bool passing_transcripts;
    /* The evidence bundle the probe answers are recorded in (kc/bundle.h);
     * NULL: none. */
    struct kc_bundle *bundle;
};

/* The circuit breaker's bound, per worker thread (docs/exit-codes.md). */
#define KC_RUN_BREAKER_PER_WORKER 5
/* What an aborted run's teardowns and cleanups get in all, in ms. */
#define KC_RUN_GRACE_MS 5000

enum kc_run_abort {
    KC_RUN_NOT_ABORTED = 0,
    KC_RUN_ABORT_UNANSWERED, /* the circuit breaker: exit 3 */
    KC_RUN_ABORT_DEADLINE    /* opts.max_time_ms passed: exit 2 */
};

/* Size of kc_run_stats.first_transport_error (one line, cut). */
#define KC_RUN_ERROR_MAX 256

struct kc_run_stats {
    size_t responses;        /* HTTP answers received */
    size_t transport_errors; /* exchanges without an answer */
    size_t unreachable;      /* of which: connection refused / no host */
    size_t answered_badly;   /* of which: the target sent something */
    enum kc_run_abort aborted;
    size_t not_run;        /* testcases of cases that never started */
    bool interrupted;      /* *stop was set during the run */
    size_t cleaned;        /* leftovers removed after an early stop */
    size_t cleanup_failed; /* leftovers that could not be removed */
    size_t ledger_errors;  /* ledger lines that could not be written */
    size_t transcripts;    /* exchange transcripts built and redacted:
                              one per probe the report keeps (see
                              passing_transcripts), plus the setup, teardown and
                              clean-up steps of a case whose setup failed
                              (the only ones written) */
    size_t bundle_errors;  /* answers that could not be written to the
                              bundle */
    char bundle_error[KC_RUN_ERROR_MAX]; /* the first's reason */
    char first_transport_error[KC_RUN_ERROR_MAX];
    char abort_reason[KC_RUN_ERROR_MAX]; /* one line when aborted */
};

/* "unanswered", "deadline" or "false" (the kmsconf.aborted property). */
const char *kc_run_abort_name(enum kc_run_abort a);

/* The run label of run_id ("kmsconf-" and its first 8 characters). */
#define KC_RUN_LABEL_MAX 24

/* Runs the cases and appends their testcases to r (sorted at the end).
 * 0, or -1 when out of memory or a thread could not start (err says so). */
int kc_run_execute(const struct kc_run_opts *opts, struct kc_report *r,
                   struct kc_run_stats *st, char *err, size_t errlen);

/* Sets the run manifest properties of docs/architecture.md on r. started is
 * an ISO 8601 time; shard "I/N" or NULL. 0 or -1 (out of memory). */
int kc_run_manifest(struct kc_report *r, const struct kc_run_opts *opts,
                    const char *started, const char *shard, bool interrupted);

/* The exit code of a finished run (docs/exit-codes.md): r after the
 * --expect file was applied (if any), stale when one of its entries is
 * stale. KC_EXIT_INTERRUPTED (also a deadline abort), then
 * KC_EXIT_UNREACHABLE (the circuit breaker, or no byte of an answer at all
 * and transport errors), KC_EXIT_NONCONFORMANT (failures or errors),
 * KC_EXIT_STALE, KC_EXIT_OK. */
enum kc_exit kc_run_exit(const struct kc_report *r,
                         const struct kc_run_stats *st, bool stale);

#endif
