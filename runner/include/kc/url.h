/*
 * kc_url: the few URL questions the engine asks (over libcurl's parser):
 * a URL's host, whether it is a loopback one, whether it is http(s).
 */
#ifndef KC_URL_H
#define KC_URL_H

#include <stdbool.h>
#include <stddef.h>

/* True when the URL's host is 127.0.0.0/8, ::1 or localhost. */
bool kc_url_is_loopback(const char *url);
/* The host part of a URL into out ("" on a malformed URL). */
void kc_url_host(const char *url, char *out, size_t outlen);
/* True for an http:// or https:// URL with a host. */
bool kc_url_http_ok(const char *url);

#endif
