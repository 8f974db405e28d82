/*
 * The admin program's request handling (kfadmin.fcgi, /admin/api/): the
 * route table, the session and CSRF gates, then the handlers in
 * admin_auth.c (login), admin_crud.c (entries, agents, groups) and
 * admin_view.c (presence, preview, statistics, audit log).
 */
#ifndef KF_ADMIN_H
#define KF_ADMIN_H

struct cfg;
struct req;
struct resp;
struct store;

struct admin {
	const struct cfg	*cfg;
	struct store		*store;	/* the admin database user */
};

void	 admin_handle(struct admin *, struct req *, struct resp *);

#endif
