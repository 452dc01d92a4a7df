/*
 * kc_junit: JUnit XML writer and reader for the report model.
 *
 * Both modes write one <failure> per failing testcase whose message lists
 * every failed check and whose CDATA text repeats it and then gives each
 * check's diagnosis (the reader splits it back into one failure per check).
 * Default mode writes a <testsuites> document valid against the project's
 * Jenkins-style schema with a CDATA <system-out> per testcase holding the
 * probe's RequestId and transcript; strict mode writes a <testsuite>
 * document valid against the Ant JUnit schema, the probe's sections at the
 * end of the failure's text.
 * docs/reports.md describes the exact mapping.
 *
 * One module, two files with one job each: junit_write.c (kc_junit_write,
 * kc_junit_write_mem, kc_junit_clean) and junit_read.c (kc_junit_read,
 * kc_junit_read_mem, kc_junit_each, the pull reader kc_junit_open/next/close,
 * kc_junit_validate).
 */
#ifndef KC_JUNIT_H
#define KC_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/report.h"

/* The ceilings of the reader (more is an error). It streams the file and
 * keeps only the report model, so the memory it needs grows with the
 * testcases it holds, not with the file: the largest report file it
 * accepts (far above what kmsconf writes), the most testcases per report
 * (about 10,000 times a full kmsconf run), the largest single <testcase>
 * element (its subtree is built in memory while it is read), the most
 * properties per report and failures per testcase. libxml2 also caps one
 * text or attribute value at 10,000,000 bytes. */
#define KC_JUNIT_MAX_BYTES      ((size_t)64 * 1024 * 1024 * 1024)
#define KC_JUNIT_MAX_CASES      ((size_t)10 * 1000 * 1000)
#define KC_JUNIT_MAX_CASE_BYTES ((size_t)64 * 1024 * 1024)
#define KC_JUNIT_MAX_PROPS      4096
#define KC_JUNIT_MAX_FAILURES   256

/* Makes libxml2 ready for this process's report readers and writers, and
 * silent: its own messages ("I/O error : write error", "encoding error")
 * never reach stderr, since every problem comes back as a one-line error.
 * Once, before any thread starts (kmsconf's main does it). */
void kc_junit_init(void);

/* Writes r to path ("-": stdout) atomically: a temporary file in the same
 * directory, fsync, rename. Testcases come out sorted and properties in a
 * fixed order, whatever the order in r (r itself is not changed). Characters
 * that XML 1.0 forbids (control characters, invalid UTF-8) are written as
 * the text \xNN. Returns 0, or -1 with a one-line reason in err. */
int kc_junit_write(const struct kc_report *r, const char *path, bool strict,
                   char *err, size_t errlen);

/* Same, into a malloc'ed NUL-terminated string (*out, caller frees). */
int kc_junit_write_mem(const struct kc_report *r, bool strict, char **out,
                       char *err, size_t errlen);

/*
 * The writer, streaming: a report written a testcase at a time, for one too
 * large to hold. The testcases go to a spool file (kc_outfile_spool: next
 * to path, unlinked) while their counts, levels and claims are tallied;
 * kc_junit_stream_finish then writes the header, which states those, and
 * copies the spool after it, into path as kc_junit_write does (atomically,
 * "-": stdout). The result is byte for byte what kc_junit_write writes for
 * hdr's name, timestamp, time and properties with these testcases. Nothing
 * reaches path before finish; on any error, and on abort, path is left as
 * it was.
 */
struct kc_junit_stream;

/* A new stream to path (*out, freed by finish or abort). 0, or -1 with err
 * (the spool file cannot be made). */
int kc_junit_stream_open(const char *path, bool strict,
                         struct kc_junit_stream **out, char *err,
                         size_t errlen);

/* Appends tc (copied; the caller keeps it). Testcases must come in the
 * order kc_junit_write writes them, strictly ascending by their JUnit names
 * (kc_testcase_junit_names, compared as kc_testcase_cmp): 1 when tc does not
 * come after the last one (nothing written, the stream goes on). 0, or -1
 * with err (then only abort is left). */
int kc_junit_stream_case(struct kc_junit_stream *s,
                         const struct kc_testcase *tc, char *err,
                         size_t errlen);

/* The testcases written so far, and of them failed, erred and skipped. */
void kc_junit_stream_counts(const struct kc_junit_stream *s, size_t *tests,
                            size_t *failures, size_t *errors, size_t *skipped);

/* Writes the report (hdr's testcases are not looked at) and frees s. 0, or
 * -1 with err and path untouched. */
int kc_junit_stream_finish(struct kc_junit_stream *s,
                           const struct kc_report *hdr, char *err,
                           size_t errlen);

/* Drops the stream and its spool (NULL allowed). */
void kc_junit_stream_abort(struct kc_junit_stream *s);

/* Reads a JUnit file (ours in either mode, or another producer's: nested
 * <testsuites>, a <testsuite> root, failures without type...). Documents
 * with a DOCTYPE are refused; no network, no entity expansion. The file is
 * streamed (libxml2's reader): no copy of it and no document tree is kept,
 * and it may be a pipe. On success
 * *out is a new sorted report (caller frees with kc_report_free); on error
 * -1 and err holds "<path>: <problem>". */
int kc_junit_read(const char *path, struct kc_report **out, char *err,
                  size_t errlen);

enum kc_junit_read_flags {
    /* drop each testcase's transcript once read (the largest part of the
     * model: about two thirds of a kmsconf report); for diff, matrix and
     * expect, which never show it */
    KC_JUNIT_READ_NO_TRANSCRIPT = 1 << 0,
};

/* kc_junit_read with flags (enum kc_junit_read_flags; 0: keep all). */
int kc_junit_read_flags(const char *path, unsigned flags,
                        struct kc_report **out, char *err, size_t errlen);

/* How much of a file the reader takes first, to check its prolog for a
 * DOCTYPE (the parser also refuses one it meets later). */
#define KC_JUNIT_HEAD_BYTES ((size_t)64 * 1024)

/* kc_junit_read_flags on a stream that the caller opened (kc_file_open)
 * and closes, of which it already read the first n bytes into head: the
 * parser gets them, then the rest of f. n is less than KC_JUNIT_HEAD_BYTES
 * only when f ended there. name is used in error messages. */
int kc_junit_read_stream(FILE *f, const char *head, size_t n, const char *name,
                         unsigned flags, struct kc_report **out, char *err,
                         size_t errlen);

/* kc_junit_read_stream, streaming (f may be NULL when head holds the whole
 * file): each testcase goes to each (see
 * kc_report_each_fn) in the order of the file, not sorted, and only one is
 * held at a time, so the memory needed does not grow with the report. On 0
 * (read to the end) or 1 (each stopped the read) *hdr is a new report with
 * the name, timestamp, time and properties and no testcase (caller frees
 * with kc_report_free); on -1, err holds "<name>: <problem>" and *hdr is
 * NULL. A testcase handed to each was read whole and checked; a problem
 * further on still makes the read fail, so a caller keeps nothing of a
 * failed one. */
int kc_junit_each(FILE *f, const char *head, size_t n, const char *name,
                  unsigned flags, kc_report_each_fn each, void *ud,
                  struct kc_report **hdr, char *err, size_t errlen);

/* kc_junit_each turned around: a pull reader that hands out one testcase
 * per kc_junit_next call, in the order of the file, so that a caller can
 * walk two reports side by side. f, head (its first n bytes already read,
 * as for kc_junit_each) and name stay the caller's and must outlive the
 * reader. 0 with *out (free with kc_junit_close), or -1 with err. */
struct kc_junit_reader;
int kc_junit_open(FILE *f, const char *head, size_t n, const char *name,
                  unsigned flags, struct kc_junit_reader **out, char *err,
                  size_t errlen);
/* The next testcase: 1 with *tc, owned by the reader and valid until the
 * next call or kc_junit_close (the caller may take fields over, setting
 * them NULL); 0 at the end of the document; -1 with err "<name>:
 * <problem>" (a testcase handed out before was read whole and checked, but
 * the report as a whole is refused). After 0, 0 comes again; after -1, -1
 * (err: "<name>: read after an error"). */
int kc_junit_next(struct kc_junit_reader *rd, struct kc_testcase **tc,
                  char *err, size_t errlen);
/* The report read so far: name, timestamp, time, properties, and no
 * testcase (whole once kc_junit_next returned 0). Owned by the reader. */
const struct kc_report *kc_junit_header(const struct kc_junit_reader *rd);
/* The header, now the caller's (kc_report_free); the reader only closes
 * after this. */
struct kc_report *kc_junit_take_header(struct kc_junit_reader *rd);
void kc_junit_close(struct kc_junit_reader *rd);

/* Same on a buffer; name is used in error messages. */
int kc_junit_read_mem(const char *data, size_t len, const char *name,
                      struct kc_report **out, char *err, size_t errlen);

/* Validates the XML file against the XSD file. 0 valid, -1 invalid or
 * unreadable (err says why). */
int kc_junit_validate(const char *xml_path, const char *xsd_path, char *err,
                      size_t errlen);

/* A copy of s in which every character XML 1.0 forbids and every invalid
 * UTF-8 byte is replaced by the text \xNN; one_line also turns CR, LF and TAB
 * into spaces. NULL when out of memory. Caller frees. */
char *kc_junit_clean(const char *s, bool one_line);

#endif
