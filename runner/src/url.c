/* kc_url: hosts, loopback and http(s) URLs. */
#include "kc/url.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

/* 127.0.0.0/8 in strict dotted-decimal: four octets of 0 to 255 (inet_pton
 * refuses more or fewer parts, a larger octet and leading zeros), so that
 * what curl would resolve as a host name never counts as loopback. */
static bool ipv4_loopback(const char *h)
{
    struct in_addr a;

    if (inet_pton(AF_INET, h, &a) != 1)
        return false;
    return (ntohl(a.s_addr) >> 24) == 127;
}

/* ::1 in any spelling ([::1], [0:0:0:0:0:0:0:1], [::0001]); a zone id or a
 * v4-mapped address is not loopback here. */
static bool ipv6_loopback(const char *h)
{
    char bare[INET6_ADDRSTRLEN + 1];
    struct in6_addr a;
    size_t n = strlen(h);

    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    if (n >= sizeof(bare))
        return false;
    memcpy(bare, h, n);
    bare[n] = '\0';
    if (inet_pton(AF_INET6, bare, &a) != 1)
        return false;
    return IN6_IS_ADDR_LOOPBACK(&a);
}

bool kc_url_is_loopback(const char *url)
{
    char host[HOST_MAX];

    kc_url_host(url, host, sizeof(host));
    return !strcmp(host, "localhost") || ipv4_loopback(host) ||
           ipv6_loopback(host);
}

bool kc_url_http_ok(const char *url)
{
    char host[HOST_MAX];

    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return false;
    kc_url_host(url, host, sizeof(host));
    return host[0] != '\0';
}
