/*
 * The WeCom callback endpoint (/wecom/callback), run by kfwecom.fcgi.
 * GET answers WeCom's URL check; POST takes an encrypted event, answers
 * 200 with an empty body at once, and leaves the slow part (pulling the
 * messages with kf/sync_msg) to callback_after(), which the transport runs
 * after the response has been sent.
 */
#ifndef KF_CALLBACK_H
#define KF_CALLBACK_H

#include <stddef.h>

#include "wxcrypt.h"

struct arena;
struct cache;
struct cfg;
struct req;
struct resp;
struct store;
struct wecom;

struct callback {
	const struct cfg	*cfg;	/* not owned; nor are store and wecom */
	struct store		*store;
	struct wecom		*wecom;
	struct cache		*cache;	/* routing data for greetings */
	struct arena		*arena;	/* per pull, reset after it */
	struct wxc		 crypt;
	int			 configured;	/* token, key and corp id set */
	/* Set by a POST, done and cleared by callback_after(). */
	int			 pending;
	char			 open_kfid[65];
	char			 token[129];
};

void	 callback_init(struct callback *, const struct cfg *, struct store *,
	    struct wecom *, struct cache *);
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
