#include <string.h>

#include "arena.h"
#include "buf.h"
#include "notice.h"

const char *
notice_render(struct arena *a, const char *tmpl, const struct notice_var *vars,
    unsigned nvars)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p = tmpl, *open, *close, *out;
	unsigned	 i;
	size_t		 n;

	while ((open = strchr(p, '{')) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		buf_append(&b, p, (size_t)(open - p));
		n = (size_t)(close - open - 1);
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == n &&
			    memcmp(vars[i].name, open + 1, n) == 0)
				break;
		if (i < nvars)
			buf_puts(&b, vars[i].value);
		else
			buf_append(&b, open, n + 2);
		p = close + 1;
	}
	buf_puts(&b, p);
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}
