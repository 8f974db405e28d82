/*
 * An entry's lifecycle settings (migration 017, the [lifecycle] section):
 * what happens to a WeCom chat after its first transfer. One validation
 * table, shared by the admin API (the entry's fields) and kfctl entry
 * set, so both refuse the same values with the same words. An entry's
 * NULL (JSON null, kfctl's "default") means the config's default.
 */
#ifndef KF_LIFESET_H
#define KF_LIFESET_H

#include "valid.h"

struct cfg;

enum lifeset_key {
	LS_WIDEN, LS_REROUTE, LS_TAKE_BACK, LS_BUSY_MISSES, LS_QUEUE_MAX,
	LS_QUEUE_STEP, LS_LEAVE_MESSAGE, LS__N
};

/*
 * The fields in enum lifeset_key's order, as initializers: admin_crud.c
 * places them among the entry's own fields, lifeset.c makes the table
 * below of them. Ranges are the config's (cfg.c).
 */
#define LIFESET_FIELDS \
	{ "widen_after_s", VT_INT, VF_NULLABLE, 0, 86400, NULL, NULL }, \
	{ "reroute_after_s", VT_INT, VF_NULLABLE, 0, 86400, NULL, NULL }, \
	{ "take_back", VT_BOOL, VF_NULLABLE, 0, 0, NULL, NULL }, \
	{ "busy_after_misses", VT_INT, VF_NULLABLE, 0, 100, NULL, NULL }, \
	{ "queue_max", VT_INT, VF_NULLABLE, 0, 100000, NULL, NULL }, \
	{ "queue_notice_step", VT_INT, VF_NULLABLE, 0, 1000, NULL, NULL }, \
	{ "leave_message", VT_BOOL, VF_NULLABLE, 0, 0, NULL, NULL }

extern const struct valid_field lifeset_fields[LS__N];

/* The config's default of setting k (booleans as 0 or 1). */
int	 lifeset_default(const struct cfg *, enum lifeset_key k);

#endif
