#include <string.h>

#include "arena.h"
#include "cfg.h"
#include "decide.h"
#include "notice.h"
#include "sched.h"

/* The value for the placeholder name[0..n), or NULL when unknown. */
static const char *
lookup(const struct notice_var *vars, unsigned nvars, const char *name,
    size_t n)
{
	unsigned	 i;

	for (i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == n &&
		    memcmp(vars[i].name, name, n) == 0)
			return vars[i].value;
	return NULL;
}

/*
 * Expand into out (NULL: only measure). Two passes, so the result goes
 * straight into the request arena with no temporary buffer.
 */
static size_t
expand(char *out, const char *tmpl, const struct notice_var *vars,
    unsigned nvars)
{
	const char	*p = tmpl, *open, *close, *val;
	size_t		 len = 0, n;

	while ((open = strchr(p, '{')) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		n = (size_t)(open - p);
		if (out != NULL)
			memcpy(out + len, p, n);
		len += n;
		val = lookup(vars, nvars, open + 1, (size_t)(close - open - 1));
		if (val == NULL) {	/* unknown: keep "{name}" as written */
			val = open;
			n = (size_t)(close - open + 1);
		} else
			n = strlen(val);
		if (out != NULL)
			memcpy(out + len, val, n);
		len += n;
		p = close + 1;
	}
	n = strlen(p);
	if (out != NULL) {
		memcpy(out + len, p, n);
		out[len + n] = '\0';
	}
	return len + n;
}

const char *
notice_render(struct arena *a, const char *tmpl, const struct notice_var *vars,
    unsigned nvars)
{
	char	*out = arena_alloc(a, expand(NULL, tmpl, vars, nvars) + 1);

	expand(out, tmpl, vars, nvars);
	return out;
}

const char *
notice_decision(struct arena *a, const struct cfg *cfg,
    const struct snap_entry *e, const struct decide_result *d,
    const char *next_open)
{
	const char *const	*own = e->conf->notices;
	const char		*tmpl = own != NULL && own[d->notice] != NULL ?
	    own[d->notice] : cfg->notice[d->notice];
	struct notice_var	 vars[4] = {
		{ "agent", d->agent != NULL ? d->agent->name : "" },
		{ "designated", d->designated != NULL ?
		    d->designated->name : "" },
		{ "hours", "" },
		{ "next_open", next_open },
	};

	/* Describing the hours costs a little: only when they are shown. */
	if (d->notice == NOTICE_CLOSED)
		vars[2].value = sched_describe(a, e->conf->schedule);
	return notice_render(a, tmpl, vars, 4);
}
