/*
 * A read-only picture of the routing configuration: entries (the
 * buttons), agents and groups. FastCGI workers keep one whole snapshot
 * and swap it when the database's config version moves; plain CGI builds a
 * partial one per request holding only the rows that request needs.
 *
 * A snapshot owns everything it points to (strings in its arena, arrays on
 * the heap); snap_free() releases it all. Build with snap_add_*(), then
 * call snap_finish() once before any lookup.
 */
#ifndef KF_SNAP_H
#define KF_SNAP_H

#include <stddef.h>

enum agent_status {
	AGENT_OFFLINE,
	AGENT_ONLINE,
	AGENT_BUSY,
	AGENT__MAX
};

enum target_type {
	TARGET_PAGE,		/* a mini-program page path */
	TARGET_URL,		/* a web page (web-view, /go/ redirect) */
	TARGET_WECOM_KF,	/* a WeCom customer-service account */
	TARGET__MAX
};

struct snap_agent {
	const char		*id;
	const char		*name;
	const char		*wecom_userid;	/* may be NULL */
	enum agent_status	 status;
	int			 capacity;
	int			 active;	/* current sessions */
	int			 enabled;
};

struct snap_entry {
	const char		*id;
	const char		*label;
	const char		*scene;		/* "" when none */
	enum target_type	 ttype;
	const char		*target;
	int			 sort;
	int			 enabled;
	const char		*agent_id;	/* first designated, or NULL */
	const struct snap_agent	*agent;		/* resolved by snap_finish */
};

struct snap_group {
	const char		 *id;
	const char		 *name;
	const struct snap_agent	**members;	/* in position order */
	size_t			  nmembers;
};

struct snap_member;	/* build-time only */

struct snap {
	struct arena		*arena;
	long long		 version;	/* the config version loaded */
	struct snap_entry	*entries;	/* display order (sort, id) */
	size_t			 nentries;
	struct snap_entry	**entries_by_id;
	struct snap_agent	*agents;	/* sorted by id */
	size_t			 nagents;
	struct snap_group	*groups;	/* sorted by id */
	size_t			 ngroups;
	struct snap_member	*pending;	/* members until snap_finish */
	size_t			 npending;
};

struct snap	*snap_new(void);
void		 snap_free(struct snap *);	/* NULL is a no-op */

/* Builders copy every string into the snapshot. */
void	 snap_add_entry(struct snap *, const struct snap_entry *);
void	 snap_add_agent(struct snap *, const struct snap_agent *);
void	 snap_add_group(struct snap *, const char *id, const char *name);
void	 snap_add_member(struct snap *, const char *group_id,
	    const char *agent_id, int position);
/* Sort, index and resolve references (unknown ids resolve to NULL). */
void	 snap_finish(struct snap *);

const struct snap_entry	*snap_entry(const struct snap *, const char *id);
const struct snap_agent	*snap_agent(const struct snap *, const char *id);
const struct snap_group	*snap_group(const struct snap *, const char *id);

/* Names as stored in the database; parse returns -1 when unknown. */
const char	*snap_status_name(enum agent_status);
int		 snap_status_parse(const char *, enum agent_status *);
const char	*snap_target_name(enum target_type);
int		 snap_target_parse(const char *, enum target_type *);

#endif
