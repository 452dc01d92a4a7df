/* kc_redact: literal and shape-based scrubbing of secrets. */
#include "kc/redact.h"

#include <stdbool.h>
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

static int add_one(struct kc_redactor *r, const char *s)
{
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

int kc_redactor_add(struct kc_redactor *r, const char *secret)
{
    if (!secret || !*secret)
        return 0;
    struct kc_buf enc;
    kc_buf_init(&enc, 0);
    int rc = add_one(r, secret);
    /* the form it takes in a query or form body, too */
    if (!rc && !kc_pct_encode(&enc, secret, strlen(secret)) && enc.len)
        rc = add_one(r, kc_buf_str(&enc));
    kc_buf_dispose(&enc);
    return rc;
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    return n >= pl && !strncasecmp(s, prefix, pl);
}

static bool is_param_boundary(char c)
{
    return c == '?' || c == '&' || c == ',' || c == ' ' || c == '\n' ||
           c == '\t' || c == '\r';
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

static int scrub_literals(const struct kc_redactor *r, struct kc_buf *out,
                          const char *text)
{
    const char *p = text;
    while (*p) {
        size_t best = 0;
        for (size_t k = 0; r && k < r->n; k++) {
            size_t l = strlen(r->secrets[k]);
            if (l > best && !strncmp(p, r->secrets[k], l))
                best = l;
        }
        if (best) {
            kc_buf_puts(out, KC_REDACTED);
            p += best;
        } else if (kc_buf_putc(out, *p++)) {
            return -1;
        }
    }
    return 0;
}

char *kc_redact_text(const struct kc_redactor *r, const char *text, size_t n)
{
    struct kc_buf shaped, out;
    char *result = NULL;
    kc_buf_init(&shaped, 0);
    kc_buf_init(&out, 0);
    if (scrub_shapes(&shaped, text, n) ||
        scrub_literals(r, &out, kc_buf_str(&shaped)))
        goto out;
    result = out.len ? kc_buf_detach(&out) : strdup("");
out:
    kc_buf_dispose(&shaped);
    kc_buf_dispose(&out);
    return result;
}
