/*
 * kc_results: kmsconf's native results file, JSON with a versioned schema
 * (docs/results.md, docs/results.schema.json): the whole report model
 * (everything JUnit carries, plus each testcase's checks, level, matched
 * template, retries and timing), the run manifest, the suite's version and
 * hashes, the verdict per level and format, and the totals.
 *
 * The writer goes through kc_outfile like the JUnit writer; the reader
 * loads the file with a named ceiling and checks every member it knows for
 * its type. kc_results_read_any picks the reader by the content, so that
 * the report tools accept a results file and a JUnit file alike.
 */
#ifndef KC_RESULTS_H
#define KC_RESULTS_H

#include <stddef.h>

#include "kc/junit.h"
#include "kc/report.h"

/* The schema the writer writes and the major version the reader reads. A
 * file's "schema" is "kmsconf-results/<major>" or
 * "kmsconf-results/<major>.<minor>": any minor of a known major is read
 * (minor versions only add members, which the reader ignores), an unknown
 * major is refused. */
#define KC_RESULTS_SCHEMA       "kmsconf-results/1"
#define KC_RESULTS_SCHEMA_NAME  "kmsconf-results/"
#define KC_RESULTS_SCHEMA_MAJOR 1

/* The ceilings of the reader (more is an error). The file is read whole
 * and parsed into a tree, so its ceiling is lower than JUnit's streamed
 * one: 1 GiB is some 300,000 testcases with full transcripts. The counts
 * are JUnit's. */
#define KC_RESULTS_MAX_BYTES   ((size_t)1024 * 1024 * 1024)
#define KC_RESULTS_MAX_CASES   KC_JUNIT_MAX_CASES
#define KC_RESULTS_MAX_PROPS   KC_JUNIT_MAX_PROPS
#define KC_RESULTS_MAX_CHECKS  KC_JUNIT_MAX_FAILURES
#define KC_RESULTS_MAX_RETRIES 1000000u

/* r as a results document into *out (malloc'ed, NUL-terminated, caller
 * frees). Testcases come out sorted by their JUnit names and the manifest
 * by property name, whatever the order in r (r is not changed); the
 * kmsconf.level.* properties are left out of the manifest (the "levels"
 * object, computed from the testcases, holds them). Invalid UTF-8 bytes
 * become the text \xNN, as in the JUnit writer; control characters are
 * escaped and survive. 0, or -1 with err (out of memory). */
int kc_results_write_mem(const struct kc_report *r, char **out, char *err,
                         size_t errlen);

/* The same, to path ("-": stdout), atomically (kc_outfile_write). */
int kc_results_write(const struct kc_report *r, const char *path, char *err,
                     size_t errlen);

/* Reads a results document of len bytes (name is used in errors) into a
 * new sorted report (*out, caller frees with kc_report_free). flags: enum
 * kc_junit_read_flags (KC_JUNIT_READ_NO_TRANSCRIPT drops transcripts). -1
 * with err "<name>: <JSON path>: <what>" (or "<name>: <what>") when the
 * document is refused. */
int kc_results_read_mem(const char *data, size_t len, const char *name,
                        unsigned flags, struct kc_report **out, char *err,
                        size_t errlen);

/* The same on a file, read with kc_file_read and KC_RESULTS_MAX_BYTES. */
int kc_results_read(const char *path, unsigned flags, struct kc_report **out,
                    char *err, size_t errlen);

/* Reads path as a results file when its first byte that is not white
 * space is '{', as JUnit XML (kc_junit_read_flags) otherwise. The file is
 * opened once, so a pipe works too. Same result and errors as the reader
 * it picks. */
int kc_results_read_any(const char *path, unsigned flags,
                        struct kc_report **out, char *err, size_t errlen);

/* kc_results_read_any, streaming (kc_junit_each): a JUnit file is streamed
 * testcase by testcase in file order; a results file is read whole (its
 * reader builds a tree) and its testcases handed on in sorted order. 0 (read
 * to the end), 1 (each stopped the read) or -1 with err; on 0 and 1 *hdr is
 * the report's name, timestamp, time and properties, without testcases
 * (caller frees). */
int kc_results_each_any(const char *path, unsigned flags,
                        kc_report_each_fn each, void *ud,
                        struct kc_report **hdr, char *err, size_t errlen);

#endif
