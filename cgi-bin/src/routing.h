/*
 * Glue between the configuration and the pure engine: the one place a
 * decision's input is put together, for the API, kfctl and the WeCom
 * callback alike.
 */
#ifndef KF_ROUTING_H
#define KF_ROUTING_H

#include <stdint.h>
#include <time.h>

#include "decide.h"

struct cfg;

/*
 * Fill *in for entry e of snapshot s: the verified customer (NULL for
 * anonymous), the global fallback group and strategy and the default time
 * zone from the config, system time zones, no trace.
 */
void	 routing_input(struct decide_input *in, const struct cfg *,
	    const struct snap *s, const struct snap_entry *e,
	    const struct decide_customer *, time_t now, uint32_t random);

#endif
