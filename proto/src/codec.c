/* kc_codec: bounded buffers, percent-encoding, UUIDs, base64, hex, time. */
#include "kc/codec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

void kc_buf_init(struct kc_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

static int buf_reserve(struct kc_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need < b->len || (b->max && b->len + extra > b->max)) {
        b->failed = true;
        return -1;
    }
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int kc_buf_append(struct kc_buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

enum kc_buf_read_status kc_buf_read(struct kc_buf *b, FILE *f)
{
    char chunk[8192];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (kc_buf_append(b, chunk, n) != 0)
            return KC_BUF_READ_FULL;
    }
    return ferror(f) ? KC_BUF_READ_ERROR : KC_BUF_READ_OK;
}

int kc_buf_puts(struct kc_buf *b, const char *s)
{
    return kc_buf_append(b, s, strlen(s));
}

int kc_buf_putc(struct kc_buf *b, char c)
{
    /* the common case, one byte into room already there, without a call */
    if (b->len + 2 <= b->cap && (!b->max || b->len < b->max)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return kc_buf_append(b, &c, 1);
}

int kc_buf_put_json_string(struct kc_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    kc_buf_putc(b, '"');
    for (const char *run = s;; s++) {
        unsigned char c = (unsigned char)*s;
        if (c && c != '"' && c != '\\' && c >= 0x20)
            continue;
        kc_buf_append(b, run, (size_t)(s - run)); /* the plain bytes */
        if (!c)
            break;
        char esc[6] = {'\\', (char)c, '0', '0', '0', '0'};
        size_t n = 2;
        if (c == '\n' || c == '\t' || c == '\r') {
            esc[1] = (char)(c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        } else if (c < 0x20) {
            esc[1] = 'u';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0x0F];
            n = 6;
        }
        kc_buf_append(b, esc, n);
        run = s + 1;
    }
    return kc_buf_putc(b, '"');
}

int kc_buf_printf(struct kc_buf *b, const char *fmt, ...)
{
    /* Formatted straight into the room there is; only when it does not fit
     * is the buffer grown and the text formatted a second time. */
    size_t room = b->data ? b->cap - b->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        if (room)
            b->data[b->len] = '\0';
        return -1;
    }
    bool fits = (size_t)n < room && (!b->max || b->len + (size_t)n <= b->max);
    if (!fits) {
        if (room)
            b->data[b->len] = '\0';
        if (buf_reserve(b, (size_t)n))
            return -1;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return 0;
}

const char *kc_buf_str(const struct kc_buf *b)
{
    return b->data ? b->data : "";
}

char *kc_buf_detach(struct kc_buf *b)
{
    char *s = b->data ? b->data : calloc(1, 1);
    size_t max = b->max;
    kc_buf_init(b, max);
    return s;
}

char *kc_buf_take(struct kc_buf *b)
{
    if (b->failed) {
        kc_buf_dispose(b);
        return NULL;
    }
    return kc_buf_detach(b);
}

void kc_buf_dispose(struct kc_buf *b)
{
    free(b->data);
    kc_buf_init(b, 0);
}

/* RFC 3986 section 2.3: the unreserved characters stay literal. */
static bool pct_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

int kc_pct_encode(struct kc_buf *out, const char *s, size_t n)
{
    /* Written here rather than with curl_easy_escape, which allocates and
     * grows a string of its own per call: this runs for every parameter of
     * every request on both sides (bench/bench.sh counts it). Upper-case
     * hex, as RFC 3986 section 2.1 recommends and Alibaba's signing needs. */
    static const char hex[] = "0123456789ABCDEF";
    char chunk[256];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (len + 3 > sizeof(chunk)) {
            if (kc_buf_append(out, chunk, len))
                return -1;
            len = 0;
        }
        if (pct_unreserved(c)) {
            chunk[len++] = (char)c;
            continue;
        }
        chunk[len++] = '%';
        chunk[len++] = hex[c >> 4];
        chunk[len++] = hex[c & 15];
    }
    return len ? kc_buf_append(out, chunk, len) : 0;
}

int kc_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *kc_pct_decode(const char *s, size_t n, bool plus_is_space, size_t *outlen)
{
    char *out = malloc(n + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 1 < n ? kc_hex_digit(s[i + 1]) : -1;
            int lo = i + 2 < n ? kc_hex_digit(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}

bool kc_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned min;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* Random bytes for ids and nonces: a per-thread pool that RAND_bytes
 * refills 256 bytes at a time (one RAND_bytes call costs about as much as
 * the rest of a signed request's building). A pool is never shared: it
 * belongs to one thread, and a forked child, seeing another process id,
 * refills before its first id. */
#define RANDOM_POOL 256
static _Thread_local unsigned char random_pool[RANDOM_POOL];
static _Thread_local size_t random_left;
static _Thread_local pid_t random_pid;

static void random_bytes(unsigned char *out, size_t n)
{
    pid_t pid = getpid();
    if (random_left < n || random_pid != pid) {
        if (RAND_bytes(random_pool, RANDOM_POOL) != 1) {
            /* RAND_bytes only fails when the system has no entropy
             * source; an all-zero id is then still well formed but
             * visibly wrong. */
            memset(random_pool, 0, RANDOM_POOL);
        }
        random_left = RANDOM_POOL;
        random_pid = pid;
    }
    unsigned char *from = random_pool + RANDOM_POOL - random_left;
    memcpy(out, from, n);
    OPENSSL_cleanse(from, n); /* a byte handed out is not kept */
    random_left -= n;
}

void kc_uuid4(char out[37])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char r[16];
    random_bytes(r, sizeof(r));
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
    char *o = out;
    for (size_t i = 0; i < sizeof(r); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = digits[r[i] >> 4];
        *o++ = digits[r[i] & 0x0F];
    }
    *o = '\0';
}

bool kc_uuid_valid(const char *s)
{
    static const size_t groups[] = {8, 4, 4, 4, 12};
    if (!s)
        return false;
    for (size_t g = 0; g < 5; g++) {
        for (size_t k = 0; k < groups[g]; k++, s++) {
            if (kc_hex_digit(*s) < 0)
                return false;
        }
        if (g < 4 && *s++ != '-')
            return false;
    }
    return *s == '\0';
}

char *kc_base64_encode(const unsigned char *in, size_t n)
{
    if (n > (size_t)INT32_MAX / 2)
        return NULL;
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out)
        return NULL;
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    return out;
}

unsigned char *kc_base64_decode(const char *in, size_t n, size_t *outlen)
{
    /* EVP_DecodeBlock accepts only whole 4-character groups and does not
     * account for padding; both are handled here. */
    if (n % 4 != 0 || n > (size_t)INT32_MAX)
        return NULL;
    size_t pad = 0;
    if (n >= 1 && in[n - 1] == '=')
        pad++;
    if (n >= 2 && in[n - 2] == '=')
        pad++;
    for (size_t i = 0; i + pad < n; i++) {
        if (in[i] == '=')
            return NULL;
    }
    unsigned char *out = malloc(n / 4 * 3 + 1);
    if (!out)
        return NULL;
    int len = n ? EVP_DecodeBlock(out, (const unsigned char *)in, (int)n) : 0;
    if (len < 0 || (size_t)len < pad) {
        free(out);
        return NULL;
    }
    *outlen = (size_t)len - pad;
    return out;
}

void kc_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0F];
    }
    out[2 * n] = '\0';
}

void kc_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, n, md);
    kc_hex(md, sizeof(md), out);
}

void kc_time_format(time_t t, char out[21])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
        /* Outside the four-digit years the form can hold. */
        snprintf(out, 21, "0000-00-00T00:00:00Z");
        return;
    }
    /* Digits placed by hand (neither strftime, whose %Y is not zero-padded
     * in glibc, nor snprintf: this runs for every request). */
    const int v[6] = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour,        tm.tm_min,     tm.tm_sec};
    static const char sep[6] = {'-', '-', 'T', ':', ':', 'Z'};
    char *o = out;
    for (int i = 0; i < 6; i++) {
        if (i == 0) {
            *o++ = (char)('0' + v[0] / 1000);
            *o++ = (char)('0' + v[0] / 100 % 10);
        }
        *o++ = (char)('0' + v[i] / 10 % 10);
        *o++ = (char)('0' + v[i] % 10);
        *o++ = sep[i];
    }
    *o = '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* The fixed punctuation of yyyy-MM-ddTHH:mm:ssZ. */
static bool time_shape(const char *s)
{
    static const struct {
        size_t at;
        char c;
    } marks[] = {{4, '-'},  {7, '-'},  {10, 'T'},
                 {13, ':'}, {16, ':'}, {19, 'Z'}};

    if (!s || strlen(s) != 20)
        return false;
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        if (s[marks[i].at] != marks[i].c)
            return false;
    }
    return true;
}

/* A real calendar day; no leap second (23:59:60 would format back as the
 * next day). */
static bool time_valid(unsigned y, unsigned mo, unsigned d, unsigned h,
                       unsigned mi, unsigned se)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    if (h > 23 || mi > 59 || se > 59)
        return false;
    return !(mo == 2 && d == 29 && !leap);
}

int kc_time_parse(const char *s, time_t *out)
{
    unsigned y, mo, d, h, mi, se;

    if (!time_shape(s))
        return -1;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
        digits(s + 17, 2, &se))
        return -1;
    if (!time_valid(y, mo, d, h, mi, se))
        return -1;
    long days = days_from_civil((long)y, mo, d);
    *out = (time_t)(days * 86400L + (long)(h * 3600 + mi * 60 + se));
    return 0;
}
