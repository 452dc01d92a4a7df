/* kc_redact: literal and shape-based scrubbing of secrets. */
#include "kc/redact.h"

#include <stdbool.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kc/codec.h"

struct kc_redactor {
    char **secrets;
    size_t n;
};

/* Parameter names whose values are scrubbed in queries, forms, headers. */
static const char *const param_names[] = {
    "Signature=", "SecurityToken=", "Plaintext=", "AccessKeySecret=",
    "x-acs-security-token:"};
/* JSON members and XML elements whose values are scrubbed. */
static const char *const field_names[] = {"Plaintext", "AccessKeySecret",
                                          "SecurityToken"};

struct kc_redactor *kc_redactor_new(void)
{
    return calloc(1, sizeof(struct kc_redactor));
}

void kc_redactor_free(struct kc_redactor *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->secrets[i]);
    free(r->secrets);
    free(r);
}

static int add_one(void *ctx, const char *s)
{
    struct kc_redactor *r = ctx;
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->secrets[i], s))
            return 0;
    char **p = realloc(r->secrets, (r->n + 1) * sizeof(*p));
    if (!p)
        return -1;
    r->secrets = p;
    r->secrets[r->n] = strdup(s);
    if (!r->secrets[r->n])
        return -1;
    r->n++;
    return 0;
}

/* The short JSON escape letter of c ('n' for a newline), or 0. */
static char json_short(unsigned char c)
{
    switch (c) {
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    case '"':
        return '"';
    case '\\':
        return '\\';
    default:
        return 0;
    }
}

/* s JSON-escaped: '"', '\\' and control bytes, '/' too when slash. */
static void json_form(struct kc_buf *b, const char *s, bool slash)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e = json_short(c);
        if (e) {
            kc_buf_putc(b, '\\');
            kc_buf_putc(b, e);
        } else if (c < 0x20) {
            kc_buf_printf(b, "\\u%04x", c);
        } else if (slash && c == '/') {
            kc_buf_puts(b, "\\/");
        } else {
            kc_buf_putc(b, (char)c);
        }
    }
}

/* s XML-escaped: & < >, and the quotes too when quotes. */
static void xml_form(struct kc_buf *b, const char *s, bool quotes)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            kc_buf_puts(b, "&amp;");
            break;
        case '<':
            kc_buf_puts(b, "&lt;");
            break;
        case '>':
            kc_buf_puts(b, "&gt;");
            break;
        case '"':
            kc_buf_puts(b, quotes ? "&quot;" : "\"");
            break;
        case '\'':
            kc_buf_puts(b, quotes ? "&apos;" : "'");
            break;
        default:
            kc_buf_putc(b, *s);
        }
    }
}

/* The percent-encoded s with lower-case hex (lower) or '+' for a space
 * (plus): the other spellings of kc_pct_encode's form. */
static void pct_form(struct kc_buf *b, const char *enc, bool lower, bool plus)
{
    for (const char *p = enc; *p; p++) {
        if (plus && !strncmp(p, "%20", 3)) {
            kc_buf_putc(b, '+');
            p += 2;
        } else if (lower && *p == '%' && p[1] && p[2]) {
            kc_buf_putc(b, '%');
            kc_buf_putc(b, (char)tolower((unsigned char)p[1]));
            kc_buf_putc(b, (char)tolower((unsigned char)p[2]));
            p += 2;
        } else {
            kc_buf_putc(b, *p);
        }
    }
}

enum { FORMS = 9 };

/*
 * Hands add every form in which secret s can reappear in a transcript:
 * raw, JSON-escaped (with "\/" or "/"), XML-escaped (with or without the
 * quotes), percent-encoded (upper- and lower-case hex, '+' for a space),
 * and percent-encoded twice (as in a V1 string to sign). 0 or -1.
 */
static int add_forms(int (*add)(void *ctx, const char *form), void *ctx,
                     const char *s)
{
    struct kc_buf f[FORMS];
    int rc = 0;
    for (size_t i = 0; i < FORMS; i++)
        kc_buf_init(&f[i], 0);
    kc_buf_puts(&f[0], s);
    json_form(&f[1], s, true);
    json_form(&f[2], s, false);
    xml_form(&f[3], s, false);
    xml_form(&f[4], s, true);
    kc_pct_encode(&f[5], s, strlen(s));
    pct_form(&f[6], kc_buf_str(&f[5]), true, false);
    pct_form(&f[7], kc_buf_str(&f[5]), false, true);
    kc_pct_encode(&f[8], f[5].data ? f[5].data : "", f[5].len);
    for (size_t i = 0; i < FORMS; i++) {
        if (f[i].failed)
            rc = -1;
        else if (!rc && f[i].len)
            rc = add(ctx, kc_buf_str(&f[i]));
        kc_buf_dispose(&f[i]);
    }
    return rc;
}

int kc_redactor_add(struct kc_redactor *r, const char *secret)
{
    if (!secret || !*secret)
        return 0;
    return add_forms(add_one, r, secret);
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    return n >= pl && !strncasecmp(s, prefix, pl);
}

static bool is_param_boundary(char c)
{
    /* ';' ends "&amp;", the '&' of an XML-escaped query */
    return c == '?' || c == '&' || c == ',' || c == ' ' || c == '\n' ||
           c == '\t' || c == '\r' || c == ';';
}

/* Length of a "Name=value" (or header) value to skip at s. */
static size_t value_len(const char *s, size_t n, bool header)
{
    size_t i = 0;
    while (i < n && s[i] != '\n' && s[i] != '\r' &&
           (header || (s[i] != '&' && s[i] != ' ' && s[i] != ',')))
        i++;
    return i;
}

/* At s (a param boundary passed): a scrubbed parameter? Writes it and
 * returns the bytes consumed, 0 when nothing matched. */
static size_t scrub_param(struct kc_buf *out, const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof(param_names) / sizeof(*param_names); k++) {
        const char *p = param_names[k];
        if (!starts_ci(s, n, p))
            continue;
        size_t pl = strlen(p);
        bool header = p[pl - 1] == ':';
        size_t vl = value_len(s + pl, n - pl, header);
        kc_buf_append(out, s, pl);
        kc_buf_puts(out, header ? " " KC_REDACTED : KC_REDACTED);
        return pl + vl;
    }
    return 0;
}

/* JSON string value after "Name" : at s; consumed bytes or 0. */
static size_t scrub_json(struct kc_buf *out, const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof(field_names) / sizeof(*field_names); k++) {
        size_t fl = strlen(field_names[k]);
        if (n < fl + 2 || s[0] != '"' || strncmp(s + 1, field_names[k], fl) ||
            s[fl + 1] != '"')
            continue;
        size_t i = fl + 2;
        while (i < n && (s[i] == ' ' || s[i] == ':' || s[i] == '\t'))
            i++;
        if (i >= n || s[i] != '"')
            continue;
        size_t j = i + 1;
        while (j < n && s[j] != '"')
            j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
        kc_buf_append(out, s, i + 1);
        kc_buf_puts(out, KC_REDACTED);
        return j; /* the closing quote is copied by the caller */
    }
    return 0;
}

/* XML element text after <Name> at s; consumed bytes or 0. */
static size_t scrub_xml(struct kc_buf *out, const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof(field_names) / sizeof(*field_names); k++) {
        size_t fl = strlen(field_names[k]);
        if (n < fl + 2 || s[0] != '<' || strncmp(s + 1, field_names[k], fl) ||
            s[fl + 1] != '>')
            continue;
        size_t j = fl + 2;
        while (j < n && s[j] != '<')
            j++;
        kc_buf_append(out, s, fl + 2);
        kc_buf_puts(out, KC_REDACTED);
        return j;
    }
    return 0;
}

static int scrub_shapes(struct kc_buf *out, const char *text, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t used = 0;
        if (i == 0 || is_param_boundary(text[i - 1]))
            used = scrub_param(out, text + i, n - i);
        if (!used && text[i] == '"')
            used = scrub_json(out, text + i, n - i);
        if (!used && text[i] == '<')
            used = scrub_xml(out, text + i, n - i);
        if (used) {
            i += used;
            continue;
        }
        if (kc_buf_putc(out, text[i]))
            return -1;
        i++;
    }
    return 0;
}

/* The length of the longest literal of r at p, 0 when none. */
static size_t longest_at(const struct kc_redactor *r, const char *p,
                         size_t best)
{
    for (size_t k = 0; r && k < r->n; k++) {
        size_t l = strlen(r->secrets[k]);
        if (l > best && !strncmp(p, r->secrets[k], l))
            best = l;
    }
    return best;
}

static int scrub_literals(const struct kc_redactor *r,
                          const struct kc_redactor *local, struct kc_buf *out,
                          const char *text)
{
    const char *p = text;
    while (*p) {
        size_t best = longest_at(local, p, longest_at(r, p, 0));
        if (best) {
            kc_buf_puts(out, KC_REDACTED);
            p += best;
        } else if (kc_buf_putc(out, *p++)) {
            return -1;
        }
    }
    return 0;
}

char *kc_redact_text_with(const struct kc_redactor *r, const char *const *lits,
                          size_t nlits, const char *text, size_t n)
{
    struct kc_buf shaped, out;
    struct kc_redactor local = {0};
    char *result = NULL;
    kc_buf_init(&shaped, 0);
    kc_buf_init(&out, 0);
    for (size_t i = 0; i < nlits; i++)
        if (lits[i] && lits[i][0] && add_forms(add_one, &local, lits[i]))
            goto out;
    if (scrub_shapes(&shaped, text, n) ||
        scrub_literals(r, &local, &out, kc_buf_str(&shaped)))
        goto out;
    result = out.len ? kc_buf_detach(&out) : strdup("");
out:
    for (size_t i = 0; i < local.n; i++)
        free(local.secrets[i]);
    free(local.secrets);
    kc_buf_dispose(&shaped);
    kc_buf_dispose(&out);
    return result;
}

char *kc_redact_text(const struct kc_redactor *r, const char *text, size_t n)
{
    return kc_redact_text_with(r, NULL, 0, text, n);
}
