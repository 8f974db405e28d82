#include <string.h>

#include "cfg.h"
#include "routing.h"
#include "tz.h"

void
routing_input(struct decide_input *in, const struct cfg *cfg,
    const struct snap *s, const struct snap_entry *e,
    const struct decide_customer *customer, time_t now, uint32_t random)
{
	memset(in, 0, sizeof(*in));
	in->snap = s;
	in->entry = e;
	in->customer = customer;
	in->global_group = cfg->routing.fallback_group != NULL ?
	    snap_group(s, cfg->routing.fallback_group) : NULL;
	in->global_strategy = cfg->routing.fallback_strategy;
	in->default_tz = cfg->routing.timezone;
	in->now = now;
	in->random = random;
	in->localtime = tz_local;
}
