/*
 * Streaming JSON writer into a struct buf. Hand-written rather than built
 * with json-c objects because responses are on the hot path: this appends
 * to a reused buffer and allocates nothing once the buffer has grown.
 * Callers nest properly; the writer only tracks commas.
 */
#ifndef KF_JSONW_H
#define KF_JSONW_H

#include <stddef.h>

struct buf;

#define JSONW_MAXDEPTH	16

struct jsonw {
	struct buf	*b;
	int		 depth;
	int		 after_key;
	unsigned char	 nonempty[JSONW_MAXDEPTH];
};

void	 jsonw_init(struct jsonw *, struct buf *);
void	 jsonw_obj_open(struct jsonw *);
void	 jsonw_obj_close(struct jsonw *);
void	 jsonw_arr_open(struct jsonw *);
void	 jsonw_arr_close(struct jsonw *);
void	 jsonw_key(struct jsonw *, const char *);
void	 jsonw_str(struct jsonw *, const char *);	/* NULL writes null */
void	 jsonw_strn(struct jsonw *, const char *, size_t);
void	 jsonw_int(struct jsonw *, long long);
void	 jsonw_bool(struct jsonw *, int);
void	 jsonw_null(struct jsonw *);
/* A value that is already JSON text (from a trusted source: the database's
 * JSON functions), written as it is. */
void	 jsonw_raw(struct jsonw *, const char *);
/*
 * Escape s[0..n) as the inside of a JSON string (no quotes). Bytes that are
 * not UTF-8 become U+FFFD, so the output is always valid UTF-8 JSON.
 */
void	 jsonw_escape(struct buf *, const char *s, size_t n);

#endif
