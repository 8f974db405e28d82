/*
 * The scene_param ticket a WeCom contact link carries: it identifies the
 * decision behind a tap (the entry and the person chosen) and comes back
 * in the enter_session event.
 *
 * Signed, not stored: a tap writes nothing (the hot path stays write-free)
 * and any host can check a ticket without a lookup. The fallback order is
 * not frozen into it: when the session is transferred the engine decides
 * again with the presence of that moment, preferring the ticket's person.
 *
 *   1.<entry>.<agent or ->.<unix time, base 36>.<HMAC-SHA256, base64url, 16 B>
 *
 * At most 128 bytes, as WeCom allows; when entry and agent ids are too
 * long together, the agent is left out ("-").
 */
#ifndef KF_TICKET_H
#define KF_TICKET_H

#include <time.h>

#define TICKET_MAX	128

/* 0, or -1 without a key or for ids that do not fit. */
int	 ticket_make(const char *key, const char *entry, const char *agent,
	    time_t now, char out[TICKET_MAX + 1]);
/*
 * 0 when the ticket is well-formed, signed with key and not older than
 * max_age seconds (nor from the future); entry and agent ("" for none)
 * are filled in. -1 otherwise.
 */
int	 ticket_read(const char *key, const char *ticket, time_t now,
	    int max_age, char entry[65], char agent[65]);

#endif
