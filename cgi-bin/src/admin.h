/*
 * The admin program's request handling (kfadmin.fcgi, /admin/api/): the
 * route table, the session and CSRF gates, then the handlers in
 * admin_auth.c (login), admin_crud.c (entries, agents, groups) and
 * admin_view.c (presence, preview, statistics, audit log).
 */
#ifndef KF_ADMIN_H
#define KF_ADMIN_H

struct cfg;
struct https;
struct req;
struct resp;
struct store;

struct admin {
	const struct cfg	*cfg;
	struct store		*store;	/* the admin database user */
	struct https		*https;	/* WeChat (小程序码), admin_qr.c */
};

void	 admin_handle(struct admin *, struct req *, struct resp *);

#endif
