#include "cfg.h"
#include "lifeset.h"

const struct valid_field lifeset_fields[LS__N] = { LIFESET_FIELDS };

int
lifeset_default(const struct cfg *cfg, enum lifeset_key k)
{
	switch (k) {
	case LS_WIDEN:
		return cfg->lifecycle.widen_after_s;
	case LS_REROUTE:
		return cfg->lifecycle.reroute_after_s;
	case LS_TAKE_BACK:
		return cfg->lifecycle.take_back;
	case LS_BUSY_MISSES:
		return cfg->lifecycle.busy_after_misses;
	case LS_QUEUE_MAX:
		return cfg->lifecycle.queue_max;
	case LS_QUEUE_STEP:
		return cfg->lifecycle.queue_notice_step;
	case LS_LEAVE_MESSAGE:
	case LS__N:
		break;
	}
	return cfg->lifecycle.leave_message;
}
