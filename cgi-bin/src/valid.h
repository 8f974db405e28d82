/*
 * Validation of JSON input against a declared field table, collecting
 * every problem as a field-level error instead of stopping at the first,
 * so a form can mark all its bad fields at once. Values come out as text
 * (or NULL for SQL NULL) ready to bind to a prepared statement.
 */
#ifndef KF_VALID_H
#define KF_VALID_H

#include <stddef.h>

struct arena;
struct json_object;

enum valid_type {
	VT_ID,		/* [A-Za-z0-9_-], min..max characters ("" required: 必填) */
	/* UTF-8 without control characters, min..max characters (not bytes:
	 * the database's columns count characters too) */
	VT_TEXT,
	VT_INT,		/* a JSON integer in min..max */
	VT_BOOL,	/* true or false, as "1" or "0" */
	VT_ENUM,	/* one of names */
	VT_IDLIST,	/* an array of distinct ids, at most max; as "a,b,c" */
	/* Opening hours: [{"weekday": 0-6 (0 Sunday), "start": "09:00",
	 * "end": "18:00"}], at most max; as "1 540 1080;..." (minutes). */
	VT_SLOTS,
	/* Closed days: [{"day": "2026-12-25", "note": "..."}], at most max;
	 * as "2026-12-25\tnote\n..." */
	VT_DATES,
	/* Make-up working days (调休): [{"day": "2026-10-10", "start": "09:00",
	 * "end": "18:00", "note": "..."}], at most max; as
	 * "2026-10-10\t540\t1080\tnote\n..." (end 00:00 as 1440). */
	VT_WORKDAYS,
};

/* Fields of these types are stored as rows of their own. */
#define VT_IS_LIST(t)	((t) == VT_IDLIST || (t) == VT_SLOTS || \
			    (t) == VT_DATES || (t) == VT_WORKDAYS)

#define VF_REQUIRED	0x1	/* must be given when creating */
#define VF_NULLABLE	0x2	/* null (and "" for ids) mean SQL NULL */
#define VF_FIXED	0x4	/* set when created, never changed (ids) */

struct valid_field {
	const char		*name;
	enum valid_type		 type;
	unsigned		 flags;
	long long		 min, max;
	const char *const	*names;	/* VT_ENUM: NULL-terminated */
	const char		*dflt;	/* when absent; NULL: SQL NULL */
};

#define VALID_MAXERR	32

struct valid_error {
	const char	*field;
	const char	*message;	/* Chinese, for the operator */
};

struct valid {
	struct arena		*arena;
	struct valid_error	 errs[VALID_MAXERR];
	size_t			 nerr;
};

void	 valid_init(struct valid *, struct arena *);
/* Record a problem with field; the message is formatted into the arena. */
void	 valid_fail(struct valid *, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* 1 when field already has an error. */
int	 valid_has(const struct valid *, const char *field);
/* Every key of obj must be a field or one of extra (NULL-terminated). */
void	 valid_known(struct valid *, struct json_object *obj,
	    const struct valid_field *, size_t n, const char *const *extra);
/*
 * Check each field of obj and set vals[i]: its text, the default when
 * absent, NULL for SQL NULL. VF_REQUIRED fields must be present.
 */
void	 valid_fields(struct valid *, struct json_object *obj,
	    const struct valid_field *, size_t n, const char **vals);
/*
 * A day both closed (VT_DATES text) and a make-up working day (VT_WORKDAYS
 * text) is a problem of field; either may be NULL (already failed).
 */
void	 valid_day_clash(struct valid *, const char *field,
	    const char *closures, const char *workdays);
/* One value as VT_ID etc. would see it (used for query parameters). */
int	 valid_id(const char *s, size_t min, size_t max);
/* 1 when s is a search for a name or an id: 1-64 characters of UTF-8
 * (control characters are refused with the query string). */
int	 valid_search(const char *s);
/* 1 when s is a calendar day "YYYY-MM-DD" in 2000..2200. */
int	 valid_day(const char *s);

#endif
