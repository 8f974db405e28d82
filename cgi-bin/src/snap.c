#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "snap.h"
#include "util.h"

struct snap_member {
	const char	*group_id;
	const char	*agent_id;
	int		 position;
};

static const char *const status_names[AGENT__MAX] = {
	"offline", "online", "busy",
};

static const char *const target_names[TARGET__MAX] = {
	"page", "url", "wecom_kf",
};

struct snap *
snap_new(void)
{
	struct snap	*s = xcalloc(1, sizeof(*s));

	s->arena = arena_new(4096);
	return s;
}

void
snap_free(struct snap *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ngroups; i++)
		free(s->groups[i].members);
	free(s->groups);
	free(s->agents);
	free(s->entries);
	free(s->entries_by_id);
	free(s->pending);
	arena_free(s->arena);
	free(s);
}

static const char *
dup_or_null(struct snap *s, const char *str)
{
	return str != NULL ? arena_strdup(s->arena, str) : NULL;
}

/* Arrays grow by doubling; n is a power-of-two boundary check. */
static void *
grow(void *arr, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		arr = xrealloc(arr, (n ? n * 2 : 8) * size);
	return arr;
}

void
snap_add_entry(struct snap *s, const struct snap_entry *in)
{
	struct snap_entry	*e;

	s->entries = grow(s->entries, s->nentries, sizeof(*s->entries));
	e = &s->entries[s->nentries++];
	*e = *in;
	e->id = arena_strdup(s->arena, in->id);
	e->label = arena_strdup(s->arena, in->label ? in->label : "");
	e->scene = arena_strdup(s->arena, in->scene ? in->scene : "");
	e->target = arena_strdup(s->arena, in->target ? in->target : "");
	e->agent_id = dup_or_null(s, in->agent_id);
	e->agent = NULL;
}

void
snap_add_agent(struct snap *s, const struct snap_agent *in)
{
	struct snap_agent	*a;

	s->agents = grow(s->agents, s->nagents, sizeof(*s->agents));
	a = &s->agents[s->nagents++];
	*a = *in;
	a->id = arena_strdup(s->arena, in->id);
	a->name = arena_strdup(s->arena, in->name ? in->name : "");
	a->wecom_userid = dup_or_null(s, in->wecom_userid);
}

void
snap_add_group(struct snap *s, const char *id, const char *name)
{
	struct snap_group	*g;

	s->groups = grow(s->groups, s->ngroups, sizeof(*s->groups));
	g = &s->groups[s->ngroups++];
	memset(g, 0, sizeof(*g));
	g->id = arena_strdup(s->arena, id);
	g->name = arena_strdup(s->arena, name ? name : "");
}

void
snap_add_member(struct snap *s, const char *group_id, const char *agent_id,
    int position)
{
	struct snap_member	*m;

	s->pending = grow(s->pending, s->npending, sizeof(*s->pending));
	m = &s->pending[s->npending++];
	m->group_id = arena_strdup(s->arena, group_id);
	m->agent_id = arena_strdup(s->arena, agent_id);
	m->position = position;
}

/* qsort() must not see a NULL base, even for zero elements. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int
cmp_agent(const void *a, const void *b)
{
	return strcmp(((const struct snap_agent *)a)->id,
	    ((const struct snap_agent *)b)->id);
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct snap_group *)a)->id,
	    ((const struct snap_group *)b)->id);
}

static int
cmp_entry_display(const void *a, const void *b)
{
	const struct snap_entry	*x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
cmp_entry_ptr_id(const void *a, const void *b)
{
	return strcmp((*(struct snap_entry *const *)a)->id,
	    (*(struct snap_entry *const *)b)->id);
}

static int
cmp_member(const void *a, const void *b)
{
	const struct snap_member	*x = a, *y = b;
	int				 c = strcmp(x->group_id, y->group_id);

	if (c != 0)
		return c;
	return (x->position > y->position) - (x->position < y->position);
}

static void
resolve_members(struct snap *s)
{
	struct snap_group		*g;
	const struct snap_agent		*a;
	size_t				 i;

	sort(s->pending, s->npending, sizeof(*s->pending), cmp_member);
	for (i = 0; i < s->npending; i++) {
		/* snap_group() returns const; the groups are ours to fill. */
		g = (struct snap_group *)snap_group(s, s->pending[i].group_id);
		a = snap_agent(s, s->pending[i].agent_id);
		if (g == NULL || a == NULL)
			continue;
		g->members = grow(g->members, g->nmembers, sizeof(*g->members));
		g->members[g->nmembers++] = a;
	}
	free(s->pending);
	s->pending = NULL;
	s->npending = 0;
}

void
snap_finish(struct snap *s)
{
	size_t	 i;

	sort(s->agents, s->nagents, sizeof(*s->agents), cmp_agent);
	sort(s->groups, s->ngroups, sizeof(*s->groups), cmp_group);
	sort(s->entries, s->nentries, sizeof(*s->entries), cmp_entry_display);
	s->entries_by_id = xrealloc(s->entries_by_id,
	    (s->nentries ? s->nentries : 1) * sizeof(*s->entries_by_id));
	for (i = 0; i < s->nentries; i++) {
		s->entries_by_id[i] = &s->entries[i];
		s->entries[i].agent = s->entries[i].agent_id != NULL ?
		    snap_agent(s, s->entries[i].agent_id) : NULL;
	}
	sort(s->entries_by_id, s->nentries, sizeof(*s->entries_by_id),
	    cmp_entry_ptr_id);
	resolve_members(s);
}

const struct snap_entry *
snap_entry(const struct snap *s, const char *id)
{
	struct snap_entry	 key = { .id = id }, *kp = &key, **hit;

	if (s->nentries == 0)
		return NULL;
	hit = bsearch(&kp, s->entries_by_id, s->nentries,
	    sizeof(*s->entries_by_id), cmp_entry_ptr_id);
	return hit != NULL ? *hit : NULL;
}

const struct snap_agent *
snap_agent(const struct snap *s, const char *id)
{
	struct snap_agent	 key = { .id = id };

	if (s->nagents == 0)
		return NULL;
	return bsearch(&key, s->agents, s->nagents, sizeof(*s->agents),
	    cmp_agent);
}

const struct snap_group *
snap_group(const struct snap *s, const char *id)
{
	struct snap_group	 key = { .id = id };

	if (s->ngroups == 0)
		return NULL;
	return bsearch(&key, s->groups, s->ngroups, sizeof(*s->groups),
	    cmp_group);
}

const char *
snap_status_name(enum agent_status st)
{
	return (unsigned)st < AGENT__MAX ? status_names[st] : "offline";
}

int
snap_status_parse(const char *name, enum agent_status *out)
{
	int	 i = util_name_index(status_names, AGENT__MAX, name);

	if (i < 0)
		return -1;
	*out = (enum agent_status)i;
	return 0;
}

const char *
snap_target_name(enum target_type t)
{
	return (unsigned)t < TARGET__MAX ? target_names[t] : "page";
}

int
snap_target_parse(const char *name, enum target_type *out)
{
	int	 i = util_name_index(target_names, TARGET__MAX, name);

	if (i < 0)
		return -1;
	*out = (enum target_type)i;
	return 0;
}
