/*
 * "Who would this tap reach now?": one decision with its trace, for an
 * entry, an optional customer (and order) and a time, on the database's
 * current state. Shared by `kfctl route` and the admin page's preview.
 */
#ifndef KF_PREVIEW_H
#define KF_PREVIEW_H

#include <time.h>

#include "decide.h"

struct arena;
struct cfg;
struct store;

struct preview {
	struct snap		*snap;		/* owned: preview_free() */
	const struct snap_entry	*entry;
	struct decide_customer	 customer;
	int			 has_customer;
	int			 order_ignored;	/* not theirs, or no agent */
	struct decide_result	 d;
	struct decide_trace	 trace;
	char			 reason[160];
	const char		*notice;	/* in the arena */
	char			 next_open[64];	/* ISO 8601, "" if none */
	char			 next_open_text[64];
	int			 hold_s;	/* d.hold: waits this long */
};

enum preview_rc {
	PREVIEW_OK,
	PREVIEW_NO_ENTRY,
	PREVIEW_DB,	/* the database failed (logged) */
};

/*
 * Decide for entry at time at. customer and order may be NULL (order
 * needs customer). Strings go into the arena.
 */
enum preview_rc	 preview_run(struct preview *, struct store *,
		    const struct cfg *, struct arena *, const char *entry,
		    const char *customer, const char *order, time_t at);
void		 preview_free(struct preview *);
/*
 * A time as unix seconds or local "YYYY-MM-DD[T ]HH:MM[:SS]" in zone.
 * 0, or -1 when it is neither.
 */
int		 preview_parse_at(const char *zone, const char *s, time_t *out);

#endif
