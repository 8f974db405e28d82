/*
 * Bump allocator. Per-request data (decoded parameters, rendered notices)
 * hangs off one arena that the transport resets after the response is sent,
 * so a request frees everything at once and, once the first chunk has grown
 * to fit, allocates nothing from malloc at all. Snapshots own one arena each.
 */
#ifndef KF_ARENA_H
#define KF_ARENA_H

#include <stddef.h>

struct arena;

struct arena	*arena_new(size_t chunk);
void		 arena_free(struct arena *);	/* NULL is a no-op */
/* Forget every allocation; keep the largest chunk for reuse. */
void		 arena_reset(struct arena *);
void		*arena_alloc(struct arena *, size_t);	/* never NULL */
char		*arena_strndup(struct arena *, const char *, size_t);
/* n bytes for text (no alignment: packed, as strings are). */
char		*arena_text(struct arena *, size_t n);
char		*arena_strdup(struct arena *, const char *);

#endif
