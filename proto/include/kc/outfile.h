/*
 * kc_outfile: writing a whole output file (reports, expectation files, the
 * matrix page) without surprising whoever owns the path.
 *
 * - A regular file (or a new one) is replaced atomically: the text goes to
 *   a temporary file in the same folder, which is renamed over it.
 * - A symlink is resolved first, so the link stays and its target is
 *   replaced (the temporary file is made next to the target); a link to
 *   nothing is an error.
 * - Anything else (a device such as /dev/null, a FIFO, a socket) is written
 *   through, never replaced; a FIFO without a reader is an error rather
 *   than a wait.
 * - An existing file keeps its mode; a new one gets 0666 minus the umask.
 */
#ifndef KC_OUTFILE_H
#define KC_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Writes len bytes of data to path as described above. 0 on success; -1
 * with err "<path>: <what>: <reason>" otherwise (the path is printed with
 * control bytes replaced, as kc_err_set does).
 */
int kc_outfile_write(const char *path, const char *data, size_t len, char *err,
                     size_t errlen);

/*
 * The same, a piece at a time, for an output too large to build in memory:
 * kc_outfile_open decides as kc_outfile_write does (a temporary file next to
 * a regular or new path, a device written through) and fails with the same
 * errors; kc_outfile_put appends; kc_outfile_commit fsyncs, closes and
 * renames the temporary file over path; kc_outfile_abort removes it, so that
 * path is left as it was (a device keeps what was written through). Commit
 * and abort free o, whatever their outcome. Errors as kc_outfile_write's.
 */
struct kc_outfile;
struct kc_outfile *kc_outfile_open(const char *path, char *err, size_t errlen);
int kc_outfile_put(struct kc_outfile *o, const void *data, size_t len,
                   char *err, size_t errlen);
int kc_outfile_commit(struct kc_outfile *o, char *err, size_t errlen);
void kc_outfile_abort(struct kc_outfile *o);

/*
 * A scratch file ("w+") for output to be copied into path later: unlinked
 * as soon as it is made, so nothing of it outlives the stream, in the
 * folder where path would be replaced (a regular or new path), else (path
 * "-", a device) in $TMPDIR (/tmp when unset). NULL with err "<path>: ...".
 */
FILE *kc_outfile_spool(const char *path, char *err, size_t errlen);

/*
 * Checks, before any work, that path can be written as kc_outfile_write
 * (append false) or an append-only file (append true: the ledger) would:
 * not empty, not a folder, a link that resolves, and a folder that exists
 * and is writable (the path's own for a new or replaced file; the file
 * itself for an existing one opened to append). Nothing is created. 0, or
 * -1 with err "<path>: <what>" (or "empty path").
 */
int kc_outfile_check(const char *path, bool append, char *err, size_t errlen);

#endif
