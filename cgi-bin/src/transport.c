#include <stdio.h>
#include <stdlib.h>

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

static long
cgi_read(void *ctx, char *buf, size_t n)
{
	size_t	 got;

	(void)ctx;
	got = fread(buf, 1, n, stdin);
	if (got == 0 && ferror(stdin))
		return -1;
	return (long)got;
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
    transport_handler handler, void *ctx)
{
	struct req	 req;

	req_init(&req, s->arena, src);
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

int
transport_serve(transport_handler handler, transport_after after, void *ctx)
{
	struct serving		 s = { 0 };
	struct req_source	 src;
	FCGX_Request		 rq;

	s.arena = arena_new(16384);
	if (FCGX_IsCGI()) {
		src = (struct req_source){ cgi_param, cgi_read, NULL };
		handle_one(&s, &src, handler, ctx);
		fwrite(s.out.data, 1, s.out.len, stdout);
		/*
		 * The web server ends a CGI response when stdout closes: close
		 * it now, so follow-up work (and the exit) is not waited for.
		 */
		fclose(stdout);
		if (after != NULL)
			after(ctx);
	} else {
		if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, 0, 0) != 0) {
			log_error("FastCGI setup failed");
			arena_free(s.arena);
			return -1;
		}
		src = (struct req_source){ fcgi_param, fcgi_read, &rq };
		/* Accept returns -1 once the server sent SIGTERM/SIGUSR1. */
		while (FCGX_Accept_r(&rq) >= 0) {
			handle_one(&s, &src, handler, ctx);
			FCGX_PutStr(s.out.data, (int)s.out.len, rq.out);
			/* Finish sends the response; after() is then unseen. */
			FCGX_Finish_r(&rq);
			if (after != NULL)
				after(ctx);
			arena_reset(s.arena);
		}
		FCGX_Free(&rq, 1);
	}
	resp_free(&s.resp);
	buf_free(&s.out);
	arena_free(s.arena);
	return 0;
}
