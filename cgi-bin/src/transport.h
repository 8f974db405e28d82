/*
 * The transport: FastCGI (spawned by lighttpd's mod_fastcgi, Apache's
 * mod_fcgid or behind mod_proxy_fcgi) or, when stdin is not a FastCGI
 * socket, plain CGI with one request per process. It owns the per-request
 * arena, request and response and frees them after each response.
 */
#ifndef KF_TRANSPORT_H
#define KF_TRANSPORT_H

struct req;
struct resp;

typedef void	(*transport_handler)(void *ctx, struct req *, struct resp *);
/* Runs after the response has been sent (slow follow-up work). */
typedef void	(*transport_after)(void *ctx);

/*
 * Plain CGI: read what is left of the request body (bounded) before
 * answering, or Apache's mod_cgid drops the answer of a program that
 * exits without reading its body. transport_serve does it; call it before
 * any answer written outside it.
 */
void	 transport_cgi_drain(void);
/* 1 when this process serves plain CGI (one request), 0 for FastCGI. */
int	 transport_is_cgi(void);
/*
 * Serve requests until the web server asks the worker to stop (SIGTERM or
 * SIGUSR1, FastCGI) or the one request is done (CGI). after (may be NULL)
 * runs after each response and, under FastCGI, every idle_ms while no
 * request comes (0: only after responses). mount ([http] base_path,
 * NULL for none) is where a prefix-mounted program lives (req_route_path).
 * Returns 0, or -1 when FastCGI could not be set up.
 */
int	 transport_serve(transport_handler, transport_after, int idle_ms,
	    const char *mount, void *ctx);

#endif
