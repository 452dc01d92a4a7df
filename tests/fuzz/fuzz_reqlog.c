/*
 * fuzz_reqlog: kms-refserver's request log (rs_reqlog_write) with arbitrary
 * bytes in the fields a client controls (method and action; format, Code
 * and RequestId are the server's own), as a hostile client can put
 * anything in them.
 *
 * Invariants checked beyond memory safety: each write is exactly one line,
 * that line is a JSON object, and the method and action read back from it
 * are the ones sent or empty (dropped as too long or not UTF-8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fuzz_common.h"
#include "rs/reqlog.h"

/* The input split at the first NUL byte: method, then action. */
static void split(char *s, size_t n, const char *f[2])
{
    size_t m = strlen(s);
    f[0] = s;
    f[1] = m < n ? s + m + 1 : "";
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    *len = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        rewind(f);
        buf = n >= 0 ? calloc(1, (size_t)n + 1) : NULL;
        if (buf)
            *len = fread(buf, 1, (size_t)n, f);
    }
    fclose(f);
    return buf;
}

/* A client's string is logged as sent, or dropped ("") when unfit. */
static void check_field(const cJSON *j, const char *name, const char *sent)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!cJSON_IsString(v))
        fz_fail("rs_reqlog_write: a field is missing or not a string");
    if (v->valuestring[0] && strcmp(v->valuestring, sent))
        fz_fail("rs_reqlog_write: a field reads back changed");
}

static void check_line(const char *line, size_t len, const char *const f[2])
{
    if (!len || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
        fz_fail("rs_reqlog_write: not exactly one line");
    cJSON *j = cJSON_ParseWithLength(line, len - 1);
    if (!cJSON_IsObject(j))
        fz_fail("rs_reqlog_write: the line is not a JSON object");
    check_field(j, "method", f[0]);
    check_field(j, "action", f[1]);
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/fuzz_reqlog.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
    char *s = fz_strndup(data, size);
    const char *f[2];
    split(s, size, f);
    struct rs_reqlog_entry e = {
        .time = 1795867200,
        .method = f[0],
        .action = f[1],
        .format = size % 2 ? "XML" : "JSON", /* the server's own values */
        .status = 400,
        .code = "InvalidParameter",
        .request_id = "6d4f0c4e-0b1a-4d8e-9b1c-2f3a4b5c6d7e",
    };
    struct rs_reqlog *l = rs_reqlog_open(path);
    if (!l)
        abort();
    int rc = rs_reqlog_write(l, &e);
    rs_reqlog_close(l);
    size_t len = 0;
    char *line = read_all(path, &len);
    remove(path);
    if (rc == 0)
        check_line(line ? line : "", len, f);
    free(line);
    free(s);
    return 0;
}
