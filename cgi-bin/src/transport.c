#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "transport.h"

/* ---- FastCGI -------------------------------------------------------- */

static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	int	 want = n > 65536 ? 65536 : (int)n;

	return FCGX_GetStr(buf, want, ((FCGX_Request *)ctx)->in);
}

/* ---- plain CGI ------------------------------------------------------ */

static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* Body bytes the request has read from stdin (see cgi_drain). */
static unsigned long long	 cgi_consumed;

static long
cgi_read(void *ctx, char *buf, size_t n)
{
	size_t	 got;

	(void)ctx;
	got = fread(buf, 1, n, stdin);
	if (got == 0 && ferror(stdin))
		return -1;
	cgi_consumed += got;
	return (long)got;
}

/* The most of an unread body a CGI run reads to throw away. */
#define CGI_DRAIN_MAX	(32ULL * 1024 * 1024)

/*
 * Read what is left of the request body before answering. A CGI program
 * that answers (an error: 404, 413, 405...) without reading its body makes
 * Apache's mod_cgid fail writing the body to it ("Broken pipe") and drop
 * the answer. Bounded: the web server limits bodies well below this.
 */
void
transport_cgi_drain(void)
{
	const char		*cl = getenv("CONTENT_LENGTH");
	const char		*m = getenv("REQUEST_METHOD");
	unsigned long long	 want = 0;
	char			 buf[16384];
	size_t			 got;

	if (cl == NULL || *cl == '\0') {
		/*
		 * A chunked body reaches a CGI program without a length
		 * (Apache decodes it): a request that may carry one is read
		 * to its end, bounded, or mod_cgid drops the 411.
		 */
		if (m == NULL || strcmp(m, "GET") == 0 ||
		    strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0)
			return;
		while (cgi_consumed < CGI_DRAIN_MAX &&
		    (got = fread(buf, 1, sizeof(buf), stdin)) > 0)
			cgi_consumed += got;
		return;
	}
	for (; *cl >= '0' && *cl <= '9'; cl++) {
		if (want > (CGI_DRAIN_MAX - (unsigned)(*cl - '0')) / 10)
			return;		/* absurd: do not try */
		want = want * 10 + (unsigned)(*cl - '0');
	}
	if (*cl != '\0')
		return;
	while (cgi_consumed < want) {
		got = fread(buf, 1, want - cgi_consumed < sizeof(buf) ?
		    (size_t)(want - cgi_consumed) : sizeof(buf), stdin);
		if (got == 0)
			return;
		cgi_consumed += got;
	}
}

/* ---- one request ---------------------------------------------------- */

struct serving {
	struct arena	*arena;
	struct resp	 resp;
	struct buf	 out;
};

/* Parse, handle and render one request into s->out. */
static void
handle_one(struct serving *s, const struct req_source *src,
    const char *mount, transport_handler handler, void *ctx)
{
	struct req	 req;

	req_init(&req, s->arena, src, mount);
	resp_reset(&s->resp);
	handler(ctx, &req, &s->resp);
	resp_write(&s->resp, req.method == REQ_HEAD, &s->out);
	req_cleanup(&req);
}

int
transport_is_cgi(void)
{
	return FCGX_IsCGI();
}

/* SIGTERM/SIGUSR1 from the web server: finish this request, then exit. */
static volatile sig_atomic_t	 stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

/*
 * Wait until the listening socket has a connection or idle_ms pass.
 * Returns 1 for a connection (maybe taken by a sibling process meanwhile),
 * 0 when idle or interrupted.
 */
static int
wait_listen(int fd, int idle_ms)
{
	struct pollfd	 p = { fd, POLLIN, 0 };

	return poll(&p, 1, idle_ms > 0 ? idle_ms : -1) > 0;
}

int
transport_serve(transport_handler handler, transport_after after,
    int idle_ms, const char *mount, void *ctx)
{
	struct serving		 s = { 0 };
	struct req_source	 src;
	struct sigaction	 sa;
	FCGX_Request		 rq;
	int			 rc, flags;

	s.arena = arena_new(16384);
	if (FCGX_IsCGI()) {
		src = (struct req_source){ cgi_param, cgi_read, NULL };
		handle_one(&s, &src, mount, handler, ctx);
		transport_cgi_drain();
		fwrite(s.out.data, 1, s.out.len, stdout);
		/*
		 * The web server ends a CGI response when stdout closes: close
		 * it now, so follow-up work (and the exit) is not waited for.
		 */
		fclose(stdout);
		if (after != NULL)
			after(ctx);
		goto done;
	}
	/*
	 * Our own stop handler (libfcgi keeps one it finds installed): the
	 * loop below must tell a stop from an idle wake-up.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, 0, 0) != 0) {
		log_error("FastCGI setup failed");
		arena_free(s.arena);
		return -1;
	}
	/*
	 * Wait in poll(), not in accept(): a worker with nothing to do still
	 * runs after() every idle_ms (counts reach the database without a
	 * next request). Non-blocking, so a connection a sibling sharing the
	 * socket took first (spawn-fcgi -F) sends us back to waiting.
	 */
	if ((flags = fcntl(rq.listen_sock, F_GETFL)) != -1)
		fcntl(rq.listen_sock, F_SETFL, flags | O_NONBLOCK);
	src = (struct req_source){ fcgi_param, fcgi_read, &rq };
	while (!stopping) {
		if (!wait_listen(rq.listen_sock, idle_ms)) {
			if (!stopping && after != NULL)
				after(ctx);
			continue;
		}
		if ((rc = FCGX_Accept_r(&rq)) < 0) {
			if (stopping)
				break;
			if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
				continue;	/* a sibling was quicker */
			log_error("FastCGI accept failed (%d)", rc);
			break;
		}
		handle_one(&s, &src, mount, handler, ctx);
		FCGX_PutStr(s.out.data, (int)s.out.len, rq.out);
		/* Finish sends the response; after() is then unseen. */
		FCGX_Finish_r(&rq);
		if (after != NULL)
			after(ctx);
		arena_reset(s.arena);
	}
	FCGX_Free(&rq, 1);
done:
	resp_free(&s.resp);
	buf_free(&s.out);
	arena_free(s.arena);
	return 0;
}
