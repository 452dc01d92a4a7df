/*
 * fuzz_codec: the decoders of kc_codec on arbitrary bytes: kc_pct_decode
 * (both '+' modes), kc_base64_decode, kc_time_parse and kc_utf8_valid.
 *
 * Invariants checked beyond memory safety (round trips):
 *   decode(encode(pct_decode(s))) == pct_decode(s), and a decoded length
 *     never exceeds the input length;
 *   base64_decode(base64_encode(base64_decode(s))) == base64_decode(s);
 *   time_format(time_parse(s)) == s for every accepted s;
 *   kc_utf8_valid agrees with a simple reference validator.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/codec.h"

static void pct_round_trip(const uint8_t *data, size_t size, bool plus)
{
    size_t len = 0, len2 = 0;
    char *dec = kc_pct_decode((const char *)data, size, plus, &len);
    struct kc_buf b;
    char *again;

    if (!dec)
        return;
    if (len > size || dec[len] != '\0')
        fz_fail("kc_pct_decode: bad length or terminator");
    kc_buf_init(&b, 0);
    if (kc_pct_encode(&b, dec, len) != 0)
        fz_fail("kc_pct_encode: failed without a ceiling");
    again = kc_pct_decode(kc_buf_str(&b), b.len, false, &len2);
    if (!again || len2 != len || memcmp(again, dec, len) != 0)
        fz_fail("kc_pct_encode/decode: round trip differs");
    free(again);
    kc_buf_dispose(&b);
    free(dec);
}

static void base64_round_trip(const uint8_t *data, size_t size)
{
    size_t len = 0, len2 = 0;
    unsigned char *dec = kc_base64_decode((const char *)data, size, &len);
    unsigned char *again;
    char *enc;

    if (!dec)
        return;
    if (len > size)
        fz_fail("kc_base64_decode: output longer than input");
    enc = kc_base64_encode(dec, len);
    if (!enc)
        fz_fail("out of memory");
    again = kc_base64_decode(enc, strlen(enc), &len2);
    if (!again || len2 != len || (len > 0 && memcmp(again, dec, len) != 0))
        fz_fail("kc_base64_encode/decode: round trip differs");
    free(again);
    free(enc);
    free(dec);
}

static void time_round_trip(const uint8_t *data, size_t size)
{
    char *s = fz_strndup(data, size);
    char out[21];
    time_t t;

    if (kc_time_parse(s, &t) == 0) {
        kc_time_format(t, out);
        if (strcmp(out, s) != 0)
            fz_fail("kc_time_format(kc_time_parse(s)) != s");
    }
    free(s);
}

/* Reference: RFC 3629 well-formed UTF-8 (Table 3-7 of Unicode). */
static bool utf8_ref(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3;
        else
            return false;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (k >= n - i) /* truncated sequence */
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t j = 2; j <= k; j++) {
            if (s[i + j] < 0x80 || s[i + j] > 0xBF)
                return false;
        }
        i += k + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pct_round_trip(data, size, false);
    pct_round_trip(data, size, true);
    base64_round_trip(data, size);
    time_round_trip(data, size);
    if (kc_utf8_valid((const char *)data, size) != utf8_ref(data, size))
        fz_fail("kc_utf8_valid disagrees with the reference validator");
    return 0;
}
