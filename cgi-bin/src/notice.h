/*
 * Customer-facing notices from templates with {name} placeholders.
 * Templates come from the config (Chinese by default).
 */
#ifndef KF_NOTICE_H
#define KF_NOTICE_H

struct arena;
struct cfg;
struct decide_result;
struct snap_entry;

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

/*
 * The customer-facing notice for a decision: the entry's own template for
 * its kind, else the config's, with {agent}, {designated}, {hours} and
 * {next_open} (already formatted) filled in.
 */
const char	*notice_decision(struct arena *, const struct cfg *,
		    const struct snap_entry *, const struct decide_result *,
		    const char *next_open);

#endif
