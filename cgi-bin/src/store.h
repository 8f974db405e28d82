/*
 * The database: every SQL statement kfroute's public program runs lives in
 * store.c, prepared, in one indexed table. A store is one connection owned
 * by one process (FastCGI worker or CGI run); it connects lazily and, when
 * the server goes away, reconnects on the next call and prepares again.
 */
#ifndef KF_STORE_H
#define KF_STORE_H

struct cfg;
struct snap;

enum store_rc {
	STORE_OK,
	STORE_ERR,	/* database unreachable or failing; logged */
};

struct store	*store_new(const struct cfg *);	/* does not connect */
void		 store_free(struct store *);	/* NULL is a no-op */

/* The config version, bumped by triggers on every routing-table write. */
enum store_rc	 store_version(struct store *, long long *);
/* Every entry, agent, group and membership, consistent with its version. */
enum store_rc	 store_load_all(struct store *, struct snap *);
/* One entry (if it exists) and its designated agent: for plain CGI. */
enum store_rc	 store_load_entry(struct store *, const char *id,
		    struct snap *);
/* The enabled entries, for listing buttons under plain CGI. */
enum store_rc	 store_load_enabled_entries(struct store *, struct snap *);

#endif
