/*
 * Growable byte buffer, always NUL-terminated. The transport keeps one for
 * the response across requests and only clears it, so steady traffic does
 * not allocate.
 */
#ifndef KF_BUF_H
#define KF_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* NUL-terminated; NULL until the first append */
	size_t	 len;
	size_t	 cap;
};

void	 buf_free(struct buf *);	/* releases data; buf is then empty */
void	 buf_clear(struct buf *);	/* keeps the memory */
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *buf_str(const struct buf *);	/* "" when empty */

#endif
