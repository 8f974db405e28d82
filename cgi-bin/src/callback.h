/*
 * The WeCom callback endpoint (/wecom/callback), run by kfwecom.fcgi.
 * GET answers WeCom's URL check; POST takes an encrypted event, records
 * "this account has news" with its sync token and answers 200 with an
 * empty body at once: nothing slow runs in the request. The pulling and
 * the actions are pull.h's, run by `kfctl wecom worker` or, under plain
 * CGI, by this process after its answer (callback_after).
 * GET /wecom/healthz says whether any account's work is stalled.
 */
#ifndef KF_CALLBACK_H
#define KF_CALLBACK_H

#include <stddef.h>

#include "wxcrypt.h"

struct cfg;
struct pull;
struct req;
struct resp;
struct store;

struct callback {
	const struct cfg	*cfg;	/* not owned; nor are store and pull */
	struct store		*store;
	struct pull		*pull;	/* plain CGI pulls after answering */
	struct wxc		 crypt;
	int			 configured;	/* token, key and corp id set */
	/* Set by a POST, done and cleared by callback_after(). */
	int			 pending;
	int			 news_failed;
	char			 open_kfid[65];	/* "" for every account */
	char			 token[129];
};

void	 callback_init(struct callback *, const struct cfg *, struct store *,
	    struct pull *);
void	 callback_free(struct callback *);
void	 callback_handle(struct callback *, struct req *, struct resp *);
void	 callback_after(struct callback *);
/*
 * The text of the first <name>…</name> element in xml (CDATA unwrapped)
 * into out; -1 when absent or longer than len - 1.
 */
int	 callback_xml_field(const char *xml, const char *name, char *out,
	    size_t len);

#endif
