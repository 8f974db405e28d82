/*
 * Working one pulled WeCom message (see pull.h): the events and the
 * actions they lead to. Every action is safe to repeat: state is checked
 * first and what was done is recorded (the session's handoff, the
 * commit's once-only key), so a message worked twice after a crash acts
 * once.
 */
#ifndef KF_WORK_H
#define KF_WORK_H

struct json_object;
struct pull;

enum work_rc {
	WORK_DONE,	/* acted, or nothing to do */
	WORK_RECORDED,	/* acted, and already marked done with it */
	WORK_RETRY,	/* a transient failure (database, WeCom): again later */
	WORK_FAILED,	/* can never succeed: give up (logged) */
};

/*
 * Work message m (a sync_msg msg_list item) of account open_kfid. *why
 * gets a short static reason for a retry or failure.
 */
enum work_rc	 work_message(struct pull *, const char *open_kfid,
		    const char *msgid, struct json_object *m,
		    const char **why);
/*
 * Sessions of the account waiting in the pool go, oldest first, to
 * whoever of their entry can take them now, each told by name. Returns
 * how many moved, -1 on a database failure.
 */
int		 work_pool(struct pull *, const char *open_kfid);

#endif
