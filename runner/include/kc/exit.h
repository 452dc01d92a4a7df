/*
 * kc_exit: the exit codes of kmsconf (docs/exit-codes.md), one set for
 * every subcommand and for the engine calls that decide one
 * (kc_run_exit, kc_sweep_run). Precedence for `kmsconf run`: USAGE (also
 * an interrupted run) before UNREACHABLE, then NONCONFORMANT, STALE, OK.
 */
#ifndef KC_EXIT_H
#define KC_EXIT_H

enum kc_exit {
    /* run: conformant; the others: done, nothing found */
    KC_EXIT_OK = 0,
    /* run: a testcase failed a check or was an error; diff: a change of a
     * --fail-on category; coverage: a documented error without cases;
     * sweep: a removal failed or the account could not be listed */
    KC_EXIT_NONCONFORMANT = 1,
    /* a usage, target, case-file or I/O error, or an interrupted run */
    KC_EXIT_USAGE = 2,
    /* no HTTP answer at all and at least one transport error */
    KC_EXIT_UNREACHABLE = 3,
    /* run: an --expect entry is stale and nothing else failed */
    KC_EXIT_STALE = 4
};

/* An interrupted run makes no claim about the target: it exits as a usage
 * error does (docs/exit-codes.md, "Interrupts"). */
#define KC_EXIT_INTERRUPTED KC_EXIT_USAGE

#endif
