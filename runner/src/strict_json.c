/* kc_strict_json: an RFC 8259 validating scanner and a member-name check,
 * so that an answer has one reading whatever JSON reader takes it. */
#include "kc/strict_json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/err.h"

#define NUMBER_SHOW 24 /* bytes of a bad number quoted in a message */
#define NAME_SHOW   64 /* bytes of a member name quoted in a message */

/* The scanner's state; the text is never written. */
struct scan {
    const unsigned char *p;
    size_t len;
    size_t i; /* next byte */
    char *err;
    size_t errlen;
};

static int peek(const struct scan *s)
{
    return s->i < s->len ? s->p[s->i] : -1;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int ended(struct scan *s)
{
    kc_err_set(s->err, s->errlen,
               "body is not a JSON object: it ends at byte %zu inside the "
               "value",
               s->len);
    return -1;
}

static int expected(struct scan *s, const char *what)
{
    if (s->i >= s->len)
        return ended(s);
    kc_err_set(s->err, s->errlen,
               "body is not a JSON object: byte %zu: expected %s, got 0x%02x",
               s->i, what, s->p[s->i]);
    return -1;
}

/* RFC 8259 white space is space, tab, LF and CR; cJSON skips every byte up
 * to 0x20. */
static int ws(struct scan *s)
{
    for (; s->i < s->len; s->i++) {
        unsigned char c = s->p[s->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c < 0x20) {
            kc_err_set(s->err, s->errlen,
                       "byte %zu: 0x%02x is not JSON white space (cJSON skips "
                       "it, JSON.parse refuses the body)",
                       s->i, c);
            return -1;
        }
        break;
    }
    return 0;
}

static int bad_utf8(struct scan *s)
{
    kc_err_set(s->err, s->errlen,
               "byte %zu: invalid UTF-8 (readers replace it or refuse the "
               "body)",
               s->i);
    return -1;
}

/* One multi-byte UTF-8 sequence (RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF). */
static int utf8(struct scan *s)
{
    unsigned char c = s->p[s->i], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return bad_utf8(s);
    }
    if (s->len - s->i <= n)
        return bad_utf8(s);
    for (size_t k = 1; k <= n; k++) {
        unsigned char b = s->p[s->i + k];
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
            return bad_utf8(s);
    }
    s->i += n + 1;
    return 0;
}

/* The four hex digits at p[at..at+4) as a code unit, or -1. */
static long hex4(const struct scan *s, size_t at)
{
    long v = 0;
    if (at > s->len || s->len - at < 4)
        return -1;
    for (size_t k = 0; k < 4; k++) {
        int h = kc_hex_digit(s->p[at + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static int lone_surrogate(struct scan *s, long unit)
{
    kc_err_set(s->err, s->errlen,
               "byte %zu: unpaired surrogate escape \\u%04lx (readers keep, "
               "replace or refuse it)",
               s->i, unit);
    return -1;
}

/* A \u escape at s->i (the backslash); sets *nul for \u0000. */
static int escape_u(struct scan *s, bool *nul)
{
    long unit = hex4(s, s->i + 2);
    if (unit < 0)
        return expected(s, "four hex digits after \\u");
    if (unit >= 0xDC00 && unit <= 0xDFFF)
        return lone_surrogate(s, unit);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
        long low = -1;
        if (s->len - s->i >= 12 && s->p[s->i + 6] == '\\' &&
            s->p[s->i + 7] == 'u')
            low = hex4(s, s->i + 8);
        if (low < 0xDC00 || low > 0xDFFF)
            return lone_surrogate(s, unit);
        s->i += 6;
    }
    if (unit == 0)
        *nul = true;
    s->i += 6;
    return 0;
}

static int escape(struct scan *s, bool *nul)
{
    int c = s->i + 1 < s->len ? s->p[s->i + 1] : -1;
    if (c == 'u')
        return escape_u(s, nul);
    if (c < 0 || !strchr("\"\\/bfnrt", c)) {
        s->i++;
        return expected(s, "an escape (one of \"\\/bfnrtu)");
    }
    s->i += 2;
    return 0;
}

/* A string at s->i (the opening quote); *nul tells an escaped NUL. */
static int string(struct scan *s, bool *nul)
{
    *nul = false;
    s->i++;
    while (s->i < s->len) {
        unsigned char c = s->p[s->i];
        if (c == '"') {
            s->i++;
            return 0;
        }
        if (c == '\\') {
            if (escape(s, nul))
                return -1;
        } else if (c < 0x20) {
            kc_err_set(s->err, s->errlen,
                       "byte %zu: raw control character 0x%02x in a string "
                       "(JSON.parse and Python refuse it, cJSON keeps it)",
                       s->i, c);
            return -1;
        } else if (c >= 0x80) {
            if (utf8(s))
                return -1;
        } else {
            s->i++;
        }
    }
    return ended(s);
}

static size_t digits(const struct scan *s, size_t i)
{
    while (i < s->len && is_digit(s->p[i]))
        i++;
    return i;
}

static bool number_byte(int c)
{
    return is_digit(c) || (c && strchr("+-.eExX", c));
}

static int bad_number(struct scan *s, size_t start)
{
    size_t end = start;
    while (end < s->len && end - start < NUMBER_SHOW && number_byte(s->p[end]))
        end++;
    kc_err_set(s->err, s->errlen,
               "byte %zu: number '%.*s' is not RFC 8259 grammar (strtod-based "
               "readers take it, JSON.parse refuses the body)",
               start, (int)(end - start), (const char *)s->p + start);
    return -1;
}

/* A number: [ minus ] int [ frac ] [ exp ]; *not_integer when it has a
 * fraction or an exponent. */
static int number(struct scan *s, bool *not_integer)
{
    size_t start = s->i, i = s->i;
    if (i < s->len && s->p[i] == '-')
        i++;
    if (i < s->len && s->p[i] == '0')
        i++;
    else if (i < s->len && s->p[i] >= '1' && s->p[i] <= '9')
        i = digits(s, i);
    else
        return bad_number(s, start);
    *not_integer = false;
    if (i < s->len && s->p[i] == '.') {
        if (digits(s, i + 1) == i + 1)
            return bad_number(s, start);
        i = digits(s, i + 1);
        *not_integer = true;
    }
    if (i < s->len && (s->p[i] == 'e' || s->p[i] == 'E')) {
        i++;
        if (i < s->len && (s->p[i] == '+' || s->p[i] == '-'))
            i++;
        if (digits(s, i) == i)
            return bad_number(s, start);
        i = digits(s, i);
        *not_integer = true;
    }
    if (i < s->len && number_byte(s->p[i]))
        return bad_number(s, start); /* "0404", "1.5.2", "1e5e5" */
    s->i = i;
    return 0;
}

static int literal(struct scan *s, const char *word)
{
    size_t n = strlen(word);
    if (s->len - s->i < n || memcmp(s->p + s->i, word, n))
        return expected(s, "a value");
    s->i += n;
    return 0;
}

static int value(struct scan *s, unsigned depth, unsigned *flags);

static int too_deep(struct scan *s)
{
    kc_err_set(s->err, s->errlen,
               "byte %zu: nesting deeper than %d levels (readers' limits "
               "differ)",
               s->i, KC_STRICT_JSON_MAX_DEPTH);
    return -1;
}

/* After a member or an element: ',' (more) or the closing byte. 1 more,
 * 0 closed, -1 error. */
static int next_item(struct scan *s, int close)
{
    if (ws(s))
        return -1;
    if (peek(s) == ',') {
        s->i++;
        return ws(s) ? -1 : 1;
    }
    if (peek(s) == close) {
        s->i++;
        return 0;
    }
    return expected(s, close == '}' ? "',' or '}'" : "',' or ']'");
}

static int array(struct scan *s, unsigned depth)
{
    unsigned flags;
    int more = 1;
    if (depth > KC_STRICT_JSON_MAX_DEPTH)
        return too_deep(s);
    s->i++;
    if (ws(s))
        return -1;
    if (peek(s) == ']') {
        s->i++;
        return 0;
    }
    while (more == 1) {
        if (value(s, depth, &flags))
            return -1;
        more = next_item(s, ']');
    }
    return more;
}

/* Decodes the next character of a scanned string's raw bytes into out
 * (UTF-8, at most 4 bytes); returns its length. */
static size_t decode_next(const unsigned char *raw, size_t n, size_t *k,
                          unsigned char out[4])
{
    unsigned long cp;
    if (raw[*k] != '\\') {
        out[0] = raw[(*k)++];
        return 1;
    }
    if (*k + 1 < n && raw[*k + 1] != 'u') {
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        out[0] = (unsigned char)to[strchr(from, raw[*k + 1]) - from];
        *k += 2;
        return 1;
    }
    cp = 0;
    for (size_t j = 2; j < 6; j++)
        cp = cp * 16 + (unsigned long)kc_hex_digit(raw[*k + j]);
    *k += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) { /* the scan saw its low half */
        unsigned long low = 0;
        for (size_t j = 2; j < 6; j++)
            low = low * 16 + (unsigned long)kc_hex_digit(raw[*k + j]);
        *k += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Whether the scanned name raw[0..n) decodes to want. */
static bool name_is(const unsigned char *raw, size_t n, const char *want)
{
    size_t k = 0, w = 0, wl = strlen(want);
    unsigned char ch[4];
    while (k < n) {
        size_t m = decode_next(raw, n, &k, ch);
        if (w + m > wl || memcmp(want + w, ch, m))
            return false;
        w += m;
    }
    return w == wl;
}

static struct kc_strict_json_watch *watch_find(struct kc_strict_json_watch *w,
                                               size_t nw,
                                               const unsigned char *raw,
                                               size_t n)
{
    for (size_t i = 0; w && i < nw; i++) {
        if (name_is(raw, n, w[i].name))
            return &w[i];
    }
    return NULL;
}

/* One member "name": value; a top-level one (w non-NULL) fills its watch
 * entry. */
static int member(struct scan *s, unsigned depth,
                  struct kc_strict_json_watch *w, size_t nw)
{
    size_t start = s->i + 1;
    unsigned flags = 0;
    bool nul;
    if (peek(s) != '"')
        return expected(s, "a member name");
    if (string(s, &nul))
        return -1;
    if (nul) {
        kc_err_set(s->err, s->errlen,
                   "byte %zu: member name holds an escaped NUL (C readers cut "
                   "the name there)",
                   start - 1);
        return -1;
    }
    struct kc_strict_json_watch *hit =
        watch_find(w, nw, s->p + start, s->i - 1 - start);
    if (ws(s))
        return -1;
    if (peek(s) != ':')
        return expected(s, "':'");
    s->i++;
    if (ws(s) || value(s, depth, &flags))
        return -1;
    if (hit && !(hit->flags & KC_STRICT_JSON_SEEN))
        hit->flags = KC_STRICT_JSON_SEEN | flags;
    return 0;
}

static int object(struct scan *s, unsigned depth,
                  struct kc_strict_json_watch *w, size_t nw)
{
    int more = 1;
    if (depth > KC_STRICT_JSON_MAX_DEPTH)
        return too_deep(s);
    s->i++;
    if (ws(s))
        return -1;
    if (peek(s) == '}') {
        s->i++;
        return 0;
    }
    while (more == 1) {
        if (member(s, depth, w, nw))
            return -1;
        more = next_item(s, '}');
    }
    return more;
}

/* Any value; flags get ESCAPED_NUL or NOT_INTEGER for a string or a
 * number. */
static int value(struct scan *s, unsigned depth, unsigned *flags)
{
    bool b = false;
    int rc;
    *flags = 0;
    switch (peek(s)) {
    case -1:
        return ended(s);
    case '{':
        return object(s, depth + 1, NULL, 0);
    case '[':
        return array(s, depth + 1);
    case '"':
        rc = string(s, &b);
        *flags = b ? KC_STRICT_JSON_ESCAPED_NUL : 0;
        return rc;
    case 't':
        return literal(s, "true");
    case 'f':
        return literal(s, "false");
    case 'n':
        return literal(s, "null");
    default:
        break;
    }
    if (!number_byte(peek(s)))
        return expected(s, "a value");
    rc = number(s, &b);
    *flags = b ? KC_STRICT_JSON_NOT_INTEGER : 0;
    return rc;
}

int kc_strict_json_scan(const char *text, size_t len,
                        struct kc_strict_json_watch *watch, size_t nwatch,
                        char *err, size_t errlen)
{
    struct scan s = {(const unsigned char *)text, len, 0, err, errlen};
    for (size_t i = 0; watch && i < nwatch; i++)
        watch[i].flags = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        kc_err_set(err, errlen,
                   "a byte order mark before the JSON value (RFC 8259 forbids "
                   "it; cJSON skips it, JSON.parse refuses the body)");
        return -1;
    }
    if (ws(&s))
        return -1;
    if (peek(&s) != '{') {
        kc_err_set(err, errlen, "body is not a JSON object");
        return -1;
    }
    if (object(&s, 1, watch, nwatch) || ws(&s))
        return -1;
    if (s.i < len) {
        kc_err_set(err, errlen,
                   "%zu byte%s after the JSON value at byte %zu (readers "
                   "disagree: some ignore them, some refuse the body)",
                   len - s.i, len - s.i == 1 ? "" : "s", s.i);
        return -1;
    }
    return 0;
}

/* ---- member names ---- */

/* The next unit of a name folded as Go's encoding/json folds keys: ASCII
 * letters without case, U+017F as 's' and U+212A as 'k'. */
static int fold_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    if (s[0] == 0xC5 && s[1] == 0xBF) {
        *p += 2;
        return 's';
    }
    if (s[0] == 0xE2 && s[1] == 0x84 && s[2] == 0xAA) {
        *p += 3;
        return 'k';
    }
    *p += 1;
    return s[0] >= 'A' && s[0] <= 'Z' ? s[0] + ('a' - 'A') : s[0];
}

static int fold_cmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    for (;;) {
        int x = *p ? fold_next(&p) : 0, y = *q ? fold_next(&q) : 0;
        if (x != y || !x)
            return x - y;
    }
}

static int by_folded_name(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a;
    const cJSON *y = *(const cJSON *const *)b;
    return fold_cmp(x->string ? x->string : "", y->string ? y->string : "");
}

static int repeated(const cJSON *a, const cJSON *b, const char *where,
                    char *err, size_t errlen)
{
    char in[NAME_SHOW + 8] = "";
    if (where)
        snprintf(in, sizeof(in), " in \"%.*s\"", NAME_SHOW, where);
    if (!strcmp(a->string, b->string))
        kc_err_set(err, errlen,
                   "member \"%.*s\" appears twice%s (readers disagree on "
                   "which wins)",
                   NAME_SHOW, a->string, in);
    else
        kc_err_set(err, errlen,
                   "members \"%.*s\" and \"%.*s\"%s differ only in case (Go's "
                   "encoding/json takes either for the other)",
                   NAME_SHOW, a->string, NAME_SHOW, b->string, in);
    return -1;
}

/* The members of one object: none equal to another without case. */
static int object_names(const cJSON *obj, const char *where, char *err,
                        size_t errlen)
{
    size_t n = 0, k = 0;
    int rc = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        n++;
    if (n < 2)
        return 0;
    const cJSON **v = malloc(n * sizeof(*v));
    if (!v) {
        kc_err_set(err, errlen, "out of memory reading member names");
        return -1;
    }
    for (const cJSON *c = obj->child; c; c = c->next)
        v[k++] = c;
    qsort(v, n, sizeof(*v), by_folded_name);
    for (k = 1; k < n && !rc; k++) {
        if (!by_folded_name(&v[k - 1], &v[k]))
            rc = repeated(v[k - 1], v[k], where, err, errlen);
    }
    free(v);
    return rc;
}

static int names_below(const cJSON *item, const char *where, char *err,
                       size_t errlen)
{
    if (cJSON_IsObject(item) && object_names(item, where, err, errlen))
        return -1;
    if (!cJSON_IsObject(item) && !cJSON_IsArray(item))
        return 0;
    for (const cJSON *c = item->child; c; c = c->next) {
        const char *w = cJSON_IsObject(item) ? c->string : where;
        if (names_below(c, w, err, errlen))
            return -1;
    }
    return 0;
}

int kc_strict_json_names(const cJSON *root, char *err, size_t errlen)
{
    return root ? names_below(root, NULL, err, errlen) : 0;
}
