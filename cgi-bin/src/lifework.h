/*
 * The chat's life after the first transfer, applied (the decisions are
 * life.h's pure functions): a person's first reply, a chat ended or moved
 * by hand in WeCom, and the timers: a chat its person has not answered in
 * time is re-routed, one whose person went offline unanswered is taken
 * back. The timers live in MySQL (kf_wecom_session.due_at), so any host's
 * worker runs them and a restart loses none; one pass at a time anywhere
 * (a database lock), each move checked against WeCom's state first.
 */
#ifndef KF_LIFEWORK_H
#define KF_LIFEWORK_H

#include "work.h"

struct pull;

/*
 * A servicer's message (origin 5) m in a customer's chat: the first one
 * of the person who has it is their first reply.
 */
enum work_rc	 lifework_reply(struct pull *, const char *open_kfid,
		    struct json_object *m, const char **why);
/*
 * session_status_change of user's chat: change_type 1 (taken from the
 * pool by hand), 2 (moved by hand), 3 (ended); old/new servicer userids
 * may be NULL.
 */
enum work_rc	 lifework_changed(struct pull *, const char *open_kfid,
		    const char *user, int change_type, const char *old,
		    const char *new, const char **why);
/*
 * Chats whose time has come: re-routed or taken back, each told by name
 * with the code kept from its move to the person. Returns how many
 * moved, -1 when the database could not be asked.
 */
int		 lifework_watch(struct pull *);

#endif
