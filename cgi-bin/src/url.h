#ifndef KF_URL_H
#define KF_URL_H

#include <stddef.h>

/*
 * The host of an absolute http(s) URL without port, as a slice of url.
 * Returns -1 for anything else: other schemes, user info, an empty host,
 * or bytes that must not reach a Location header (controls, spaces).
 */
int	 url_http_host(const char *url, const char **host, size_t *len);

#endif
