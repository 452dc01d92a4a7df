/* kc_redact: literal and shape-based scrubbing of secrets.
 *
 * Literals: every form of every literal (add_forms) goes into an
 * Aho-Corasick automaton, a trie with failure links, so that one pass over
 * the text finds every occurrence of all of them in time linear in the
 * text. The redactor's automaton is built as literals are added and then
 * only read; the literals of one exchange get a small automaton of their
 * own (its kc_redact_scope), stepped in the same pass. Every byte covered by an
 * occurrence is scrubbed: overlapping occurrences become one "***".
 */
#include "kc/redact.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kc/codec.h"

/* A trie node; node 0 is the root. */
struct ac_node {
    uint32_t child;   /* first child, 0 when none (the root is no child) */
    uint32_t sibling; /* the next child of the same parent, 0 at the end */
    uint32_t fail;    /* the node of the longest proper suffix */
    uint32_t len;     /* the length of the literal ending here, or 0 */
    uint32_t out;     /* the longest literal that is a suffix here, or 0 */
    unsigned char byte;
};

struct ac {
    struct ac_node *v;
    uint32_t n, cap;
    uint32_t root[256]; /* the root's transitions, every byte (0: stay) */
};

struct kc_redactor {
    struct ac ac;
};

/* Parameter names whose values are scrubbed in queries, forms, headers. */
static const char *const param_names[] = {
    "Signature=", "SecurityToken=", "Plaintext=", "AccessKeySecret=",
    "x-acs-security-token:"};
/* JSON members and XML elements whose values are scrubbed. */
static const char *const field_names[] = {"Plaintext", "AccessKeySecret",
                                          "SecurityToken"};

/* Nodes made room for at first: an exchange's literals fit. */
#define AC_FIRST_CAP 256

static int ac_init(struct ac *a)
{
    memset(a, 0, sizeof(*a));
    a->v = malloc(AC_FIRST_CAP * sizeof(*a->v));
    if (!a->v)
        return -1;
    memset(&a->v[0], 0, sizeof(a->v[0]));
    a->n = 1;
    a->cap = AC_FIRST_CAP;
    return 0;
}

static void ac_dispose(struct ac *a)
{
    free(a->v);
    memset(a, 0, sizeof(*a));
}

/* The child of node u on byte c, or 0. */
static uint32_t ac_child(const struct ac *a, uint32_t u, unsigned char c)
{
    for (uint32_t k = a->v[u].child; k; k = a->v[k].sibling)
        if (a->v[k].byte == c)
            return k;
    return 0;
}

/* The state after reading c in state s: the longest suffix of what was
 * read that is a node. Amortised O(1) per byte over a text. */
static inline uint32_t ac_next(const struct ac *a, uint32_t s, unsigned char c)
{
    for (;;) {
        if (!s)
            return a->root[c];
        uint32_t k = ac_child(a, s, c);
        if (k)
            return k;
        s = a->v[s].fail;
    }
}

static int ac_insert(struct ac *a, const char *s, size_t n)
{
    uint32_t u = 0;
    if (n > UINT32_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t k = ac_child(a, u, c);
        if (!k) {
            if (a->n == a->cap) {
                if (a->cap > UINT32_MAX / 2)
                    return -1;
                struct ac_node *v = realloc(a->v, 2 * a->cap * sizeof(*v));
                if (!v)
                    return -1;
                a->v = v;
                a->cap *= 2;
            }
            k = a->n++;
            a->v[k] = (struct ac_node){.sibling = a->v[u].child, .byte = c};
            a->v[u].child = k;
        }
        u = k;
    }
    a->v[u].len = (uint32_t)n;
    return 0;
}

/* Computes the root's table, the failure links and the outputs, breadth
 * first (a node's failure is shallower, so already linked). */
static int ac_link(struct ac *a)
{
    uint32_t *queue = malloc(a->n * sizeof(*queue));
    uint32_t head = 0, tail = 0;
    if (!queue)
        return -1;
    memset(a->root, 0, sizeof(a->root));
    for (uint32_t k = a->v[0].child; k; k = a->v[k].sibling) {
        a->root[a->v[k].byte] = k;
        a->v[k].fail = 0;
        a->v[k].out = a->v[k].len;
        queue[tail++] = k;
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        for (uint32_t k = a->v[u].child; k; k = a->v[k].sibling) {
            struct ac_node *x = &a->v[k];
            x->fail = ac_next(a, a->v[u].fail, x->byte);
            x->out = x->len ? x->len : a->v[x->fail].out;
            queue[tail++] = k;
        }
    }
    free(queue);
    return 0;
}

static int add_literal(void *ctx, const char *s)
{
    return ac_insert(ctx, s, strlen(s));
}

struct kc_redactor *kc_redactor_new(void)
{
    struct kc_redactor *r = calloc(1, sizeof(*r));
    if (r && ac_init(&r->ac)) {
        free(r);
        return NULL;
    }
    return r;
}

void kc_redactor_free(struct kc_redactor *r)
{
    if (!r)
        return;
    ac_dispose(&r->ac);
    free(r);
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

enum { FORMS = 8 };

/* Which characters of s the encodings below change. */
struct specials {
    bool json, slash, xml, quote, space;
};

static struct specials specials_of(const char *s)
{
    struct specials sp = {0};
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        sp.json |= c == '"' || c == '\\' || c < 0x20;
        sp.slash |= c == '/';
        sp.xml |= c == '&' || c == '<' || c == '>';
        sp.quote |= c == '"' || c == '\'';
        sp.space |= c == ' ';
    }
    return sp;
}

/*
 * Hands add every form in which secret s can reappear in a transcript:
 * raw, JSON-escaped (with "\/" or "/"), XML-escaped (with or without the
 * quotes), percent-encoded (upper- and lower-case hex, '+' for a space),
 * and percent-encoded twice (as in a V1 string to sign); only the forms
 * that differ from raw are made. 0 or -1.
 */
static int add_forms(int (*add)(void *ctx, const char *form), void *ctx,
                     const char *s)
{
    struct kc_buf f[FORMS];
    struct specials sp = specials_of(s);
    int rc = add(ctx, s);
    for (size_t i = 0; i < FORMS; i++)
        kc_buf_init(&f[i], 0);
    if (sp.json || sp.slash)
        json_form(&f[0], s, true);
    if (sp.json)
        json_form(&f[1], s, false);
    if (sp.xml)
        xml_form(&f[2], s, false);
    if (sp.xml || sp.quote)
        xml_form(&f[3], s, true);
    kc_pct_encode(&f[4], s, strlen(s));
    if (memchr(kc_buf_str(&f[4]), '%', f[4].len)) {
        pct_form(&f[5], kc_buf_str(&f[4]), true, false);
        kc_pct_encode(&f[6], kc_buf_str(&f[4]), f[4].len);
    }
    if (sp.space)
        pct_form(&f[7], kc_buf_str(&f[4]), false, true);
    for (size_t i = 0; i < FORMS; i++) {
        if (f[i].failed)
            rc = -1;
        else if (!rc && f[i].len && strcmp(kc_buf_str(&f[i]), s))
            rc = add(ctx, kc_buf_str(&f[i]));
        kc_buf_dispose(&f[i]);
    }
    return rc;
}

int kc_redactor_add(struct kc_redactor *r, const char *secret)
{
    if (!secret || !*secret)
        return 0;
    if (add_forms(add_literal, &r->ac, secret))
        return -1;
    return ac_link(&r->ac);
}

/* prefix starts with a letter: its first byte is compared first. */
static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    if ((s[0] | 0x20) != (prefix[0] | 0x20))
        return false;
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
        if (n < 2 || s[1] != field_names[k][0])
            continue;
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
        if (n < 2 || s[1] != field_names[k][0])
            continue;
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

/* Bytes a shape can start with: 1 anywhere (a JSON member, an XML
 * element), 2 after a boundary (the first letters of param_names). */
static const unsigned char shape_first[256] = {
    ['"'] = 1, ['<'] = 1, ['S'] = 2, ['s'] = 2, ['P'] = 2,
    ['p'] = 2, ['A'] = 2, ['a'] = 2, ['X'] = 2, ['x'] = 2};

/* Whether a shape can start at text[i]. */
static bool shape_start(const char *text, size_t i)
{
    unsigned char k = shape_first[(unsigned char)text[i]];
    return k == 1 || (k == 2 && (i == 0 || is_param_boundary(text[i - 1])));
}

/* The text with its shapes scrubbed, into out; runs between shapes are
 * copied whole. */
static int scrub_shapes(struct kc_buf *out, const char *text, size_t n)
{
    size_t run = 0, i = 0;
    while (i < n) {
        size_t used = 0;
        while (i < n && !shape_first[(unsigned char)text[i]])
            i++;
        if (i == n)
            break;
        if (!shape_start(text, i)) {
            i++;
            continue;
        }
        kc_buf_append(out, text + run, i - run);
        if (text[i] == '"')
            used = scrub_json(out, text + i, n - i);
        else if (text[i] == '<')
            used = scrub_xml(out, text + i, n - i);
        else
            used = scrub_param(out, text + i, n - i);
        run = i;
        if (used)
            run = i += used;
        else
            i++;
    }
    kc_buf_append(out, text + run, n - run);
    return out->failed ? -1 : 0;
}

/* The stretches of the text to scrub, in order, disjoint. */
struct spans {
    struct {
        size_t from, to;
    } * v;
    size_t n, cap;
};

/* Adds [from, to) where to is past every span's end: the spans it overlaps
 * join it. */
static int spans_add(struct spans *s, size_t from, size_t to)
{
    while (s->n && s->v[s->n - 1].to > from) {
        if (s->v[s->n - 1].from < from)
            from = s->v[s->n - 1].from;
        s->n--;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        void *v = realloc(s->v, cap * sizeof(*s->v));
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].from = from;
    s->v[s->n++].to = to;
    return 0;
}

/* The root table of an automaton that has no literal. */
static const uint32_t no_root[256];

/* One pass over the text with both automata (either may be NULL): at each
 * byte, the longest literal ending there becomes a span. While both are at
 * their root, bytes that start no literal are skipped at a glance. */
static int find_literals(const struct ac *shared, const struct ac *local,
                         const char *text, size_t n, struct spans *out)
{
    const uint32_t *r1 = shared ? shared->root : no_root;
    const uint32_t *r2 = local ? local->root : no_root;
    uint32_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        uint32_t best = 0;
        if (!(s1 | s2 | r1[c] | r2[c]))
            continue;
        if (shared) {
            s1 = ac_next(shared, s1, c);
            best = shared->v[s1].out;
        }
        if (local) {
            s2 = ac_next(local, s2, c);
            if (local->v[s2].out > best)
                best = local->v[s2].out;
        }
        if (best && spans_add(out, i + 1 - best, i + 1))
            return -1;
    }
    return 0;
}

/* The text with its spans replaced by the mark (caller frees), or NULL. */
static char *apply_spans(const char *text, size_t n, const struct spans *sp)
{
    struct kc_buf out;
    size_t at = 0;
    kc_buf_init(&out, 0);
    for (size_t k = 0; k < sp->n; k++) {
        kc_buf_append(&out, text + at, sp->v[k].from - at);
        kc_buf_puts(&out, KC_REDACTED);
        at = sp->v[k].to;
    }
    kc_buf_append(&out, text + at, n - at);
    char *r = out.failed ? NULL : out.len ? kc_buf_detach(&out) : strdup("");
    kc_buf_dispose(&out);
    return r;
}

struct kc_redact_scope {
    const struct kc_redactor *r;
    struct ac local; /* the exchange's literals; local.v NULL when none */
};

struct kc_redact_scope *kc_redact_scope_new(const struct kc_redactor *r,
                                            const char *const *lits,
                                            size_t nlits)
{
    struct kc_redact_scope *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    sc->r = r;
    for (size_t i = 0; i < nlits; i++) {
        if (!lits[i] || !lits[i][0])
            continue;
        if ((!sc->local.v && ac_init(&sc->local)) ||
            add_forms(add_literal, &sc->local, lits[i]))
            goto fail;
    }
    if (!sc->local.v || !ac_link(&sc->local))
        return sc;
fail:
    kc_redact_scope_free(sc);
    return NULL;
}

void kc_redact_scope_free(struct kc_redact_scope *sc)
{
    if (!sc)
        return;
    ac_dispose(&sc->local);
    free(sc);
}

char *kc_redact_scoped(const struct kc_redact_scope *sc, const char *text,
                       size_t n)
{
    struct kc_buf shaped;
    struct spans sp = {0};
    char *result = NULL;
    const struct kc_redactor *r = sc ? sc->r : NULL;
    const struct ac *shared = r && r->ac.v[0].child ? &r->ac : NULL;
    const struct ac *local = sc && sc->local.v ? &sc->local : NULL;
    kc_buf_init(&shaped, 0);
    if (scrub_shapes(&shaped, text, n))
        goto out;
    if (!shared && !local) {
        result = shaped.len ? kc_buf_detach(&shaped) : strdup("");
        goto out;
    }
    if (!find_literals(shared, local, kc_buf_str(&shaped), shaped.len, &sp))
        result = apply_spans(kc_buf_str(&shaped), shaped.len, &sp);
out:
    free(sp.v);
    kc_buf_dispose(&shaped);
    return result;
}

/* The longest run of ASCII letters and digits of s: its start and length. */
static size_t alnum_run(const char *s, const char **at)
{
    size_t best = 0, len = 0;
    for (const char *p = s;; p++) {
        if (*p && isalnum((unsigned char)*p)) {
            len++;
            continue;
        }
        if (len > best) {
            best = len;
            *at = p - len;
        }
        if (!*p)
            return best;
        len = 0;
    }
}

static bool text_holds(const char *text, size_t n, const char *w, size_t wl)
{
    const char *end = text + n;
    for (const char *p = text; (size_t)(end - p) >= wl; p++) {
        p = memchr(p, w[0], (size_t)(end - p) - wl + 1);
        if (!p)
            return false;
        if (!memcmp(p, w, wl))
            return true;
    }
    return false;
}

bool kc_redact_may_hold(const char *const *lits, size_t nlits, const char *text,
                        size_t n)
{
    for (size_t i = 0; i < nlits; i++) {
        const char *at = NULL;
        if (!lits[i] || !lits[i][0])
            continue;
        size_t len = alnum_run(lits[i], &at);
        if (len < 4 || text_holds(text, n, at, len))
            return true;
    }
    return false;
}

char *kc_redact_text_with(const struct kc_redactor *r, const char *const *lits,
                          size_t nlits, const char *text, size_t n)
{
    struct kc_redact_scope *sc = kc_redact_scope_new(r, lits, nlits);
    char *result = sc ? kc_redact_scoped(sc, text, n) : NULL;
    kc_redact_scope_free(sc);
    return result;
}

char *kc_redact_text(const struct kc_redactor *r, const char *text, size_t n)
{
    const struct kc_redact_scope sc = {.r = r};
    return kc_redact_scoped(&sc, text, n);
}
