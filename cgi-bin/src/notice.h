/*
 * Customer-facing notices from templates with {name} placeholders.
 * Templates come from the config (Chinese by default).
 */
#ifndef KF_NOTICE_H
#define KF_NOTICE_H

struct arena;

struct notice_var {
	const char	*name;	/* without braces */
	const char	*value;
};

/*
 * Replace every {name} with its value; unknown placeholders stay as they
 * are. The result lives in the arena.
 */
const char	*notice_render(struct arena *, const char *tmpl,
		    const struct notice_var *vars, unsigned nvars);

#endif
