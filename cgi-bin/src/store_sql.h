/*
 * Private to the store: the admin queries' SQL, kept in store_admin.c so
 * store.c holds the engine and the public program's statements.
 */
#ifndef KF_STORE_SQL_H
#define KF_STORE_SQL_H

extern const char *const store_q_sql[];	/* indexed by enum store_q */
/* 1 for queries that write (never retried after a lost connection). */
int	 store_q_write(int q);

#endif
