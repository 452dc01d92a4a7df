/*
 * kc_codec: small encoding helpers shared by the runner and kms-refserver.
 *
 * A kc_buf is a growable byte buffer with a ceiling: every buffer that the
 * network fills is bounded. Percent-encoding follows RFC 3986 as Alibaba
 * Cloud signatures need it (only A-Z a-z 0-9 - _ . ~ stay literal, upper-case
 * hex). Base64 and hashing come from OpenSSL libcrypto.
 */
#ifndef KC_CODEC_H
#define KC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct kc_buf {
    char *data; /* NUL-terminated whenever len > 0 */
    size_t len;
    size_t cap;
    size_t max;  /* ceiling on len; 0 means no ceiling */
    bool failed; /* sticky: an append failed (ceiling or memory) */
};

void kc_buf_init(struct kc_buf *b, size_t max);
/* Each returns 0, or -1 when the ceiling would be passed or memory ran out;
 * on -1 the buffer keeps its previous content and `failed` is set, so that
 * a series of appends can be checked once at the end. */
int kc_buf_append(struct kc_buf *b, const void *data, size_t n);
int kc_buf_puts(struct kc_buf *b, const char *s);
int kc_buf_putc(struct kc_buf *b, char c);
int kc_buf_printf(struct kc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string (RFC 8259 section 7): quoted, with '"', '\\'
 * and the control bytes escaped; other bytes (UTF-8) copied as they are. */
int kc_buf_put_json_string(struct kc_buf *b, const char *s);
/* The content as a NUL-terminated string ("" when empty); never NULL. */
const char *kc_buf_str(const struct kc_buf *b);
/* Hands the content to the caller (free() it); the buffer is left empty.
 * Returns NULL only when out of memory. */
char *kc_buf_detach(struct kc_buf *b);
/* Like kc_buf_detach, but NULL (and the buffer disposed) when an append
 * failed: a truncated text is never handed out. */
char *kc_buf_take(struct kc_buf *b);
void kc_buf_dispose(struct kc_buf *b);
enum kc_buf_read_status {
    KC_BUF_READ_OK = 0,
    KC_BUF_READ_FULL = -1,  /* the ceiling would be passed, or out of memory */
    KC_BUF_READ_ERROR = -2, /* a read error (errno as fread left it) */
};
/* Appends what is left of f. */
enum kc_buf_read_status kc_buf_read(struct kc_buf *b, FILE *f);

/* RFC 3986 percent-encoding of n bytes of s, appended to out. */
int kc_pct_encode(struct kc_buf *out, const char *s, size_t n);
/*
 * Percent-decoding into a new NUL-terminated string (caller frees).
 * plus_is_space: decode '+' as a space (form bodies and queries as
 * browsers send them). Returns NULL on a malformed escape ("%4", "%zz") or
 * when out of memory; *outlen (may be NULL) receives the decoded length.
 */
char *kc_pct_decode(const char *s, size_t n, bool plus_is_space,
                    size_t *outlen);

/* Strict UTF-8 validation (no overlongs, no surrogates, max U+10FFFF). */
bool kc_utf8_valid(const char *s, size_t n);

/* A fresh random (version 4) UUID, lower-case, 36 characters + NUL. */
void kc_uuid4(char out[37]);
/* 8-4-4-4-12 hexadecimal digits, either case. */
bool kc_uuid_valid(const char *s);

/* Base64 (standard alphabet, padded). encode: caller frees; NULL when out
 * of memory. decode: NULL on invalid input; *outlen receives the length. */
char *kc_base64_encode(const unsigned char *in, size_t n);
unsigned char *kc_base64_decode(const char *in, size_t n, size_t *outlen);

/* The value of hexadecimal digit c (either case), or -1. */
int kc_hex_digit(int c);
/* Lower-case hex of n bytes; out holds 2n+1 bytes. */
void kc_hex(const unsigned char *in, size_t n, char *out);
/* SHA-256 of data as 64 lower-case hex digits + NUL. */
void kc_sha256_hex(const void *data, size_t n, char out[65]);

/* ISO 8601 UTC, the form Alibaba Cloud uses: yyyy-MM-ddTHH:mm:ssZ. */
void kc_time_format(time_t t, char out[21]);
/* Parses exactly that form; returns 0 or -1. */
int kc_time_parse(const char *s, time_t *out);

#endif
