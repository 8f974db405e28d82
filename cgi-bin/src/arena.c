#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

struct chunk {
	struct chunk	*next;
	size_t		 size;	/* usable bytes in data[] */
	size_t		 used;
	max_align_t	 data[];
};

struct arena {
	struct chunk	*head;	/* current chunk; older ones follow */
	size_t		 chunk;	/* default chunk size */
};

static struct chunk *
chunk_new(size_t size)
{
	struct chunk	*c = xmalloc(xadd(sizeof(*c), size));

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_new(size_t chunk)
{
	struct arena	*a = xmalloc(sizeof(*a));

	a->chunk = chunk < 256 ? 256 : chunk;
	a->head = chunk_new(a->chunk);
	return a;
}

void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct chunk	*c, *next, *keep = a->head;

	/* Keep the biggest chunk so a steady load stops calling malloc. */
	for (c = a->head; c != NULL; c = c->next)
		if (c->size > keep->size)
			keep = c;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (c != keep)
			free(c);
	}
	keep->next = NULL;
	keep->used = 0;
	a->head = keep;
}

/* n bytes at a multiple of align (a power of two) in the current chunk. */
static void *
alloc(struct arena *a, size_t n, size_t align)
{
	struct chunk	*c = a->head;
	size_t		 size, off;
	void		*p;

	if (n == 0)
		n = 1;
	off = xadd(c->used, align - 1) & ~(align - 1);
	if (off > c->size || c->size - off < n) {
		size = n > a->chunk ? n : a->chunk;
		/* Grow geometrically so one reset-and-reuse cycle settles. */
		if (c->size <= SIZE_MAX / 2 && size < c->size * 2)
			size = c->size * 2;
		c = chunk_new(size);
		c->next = a->head;
		a->head = c;
		off = 0;
	}
	p = (char *)c->data + off;
	c->used = off + n;
	return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return alloc(a, n, _Alignof(max_align_t));
}

/* Strings need no alignment: packed, a snapshot's hundred thousand
 * labels cost their bytes, not sixteen each. */
char *
arena_text(struct arena *a, size_t n)
{
	return alloc(a, n, 1);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = alloc(a, xadd(n, 1), 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}
