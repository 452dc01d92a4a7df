/* kc_url: hosts, loopback and http(s) URLs. */
#include "kc/url.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#define HOST_MAX 256

void kc_url_host(const char *url, char *out, size_t outlen)
{
    CURLU *u = curl_url();
    char *host = NULL;

    if (outlen)
        out[0] = '\0';
    if (!u || !url)
        goto out;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    snprintf(out, outlen, "%s", host);
out:
    curl_free(host);
    curl_url_cleanup(u);
}

static bool dotted_quad_127(const char *h)
{
    int parts = 0;

    if (strncmp(h, "127.", 4) != 0)
        return false;
    for (const char *p = h; *p; parts++) {
        size_t n = 0;
        while (isdigit((unsigned char)p[n]))
            n++;
        if (n == 0 || n > 3)
            return false;
        p += n;
        if (*p == '.')
            p++;
        else if (*p)
            return false;
    }
    return parts == 4;
}

bool kc_url_is_loopback(const char *url)
{
    char host[HOST_MAX];

    kc_url_host(url, host, sizeof(host));
    return !strcmp(host, "localhost") || !strcmp(host, "[::1]") ||
           !strcmp(host, "::1") || dotted_quad_127(host);
}

bool kc_url_http_ok(const char *url)
{
    char host[HOST_MAX];

    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return false;
    kc_url_host(url, host, sizeof(host));
    return host[0] != '\0';
}
