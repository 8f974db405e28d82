/*
 * CSV as spreadsheets write it (RFC 4180): comma-separated, fields in
 * double quotes when they hold commas, quotes or line breaks, "" for a
 * quote, CRLF, LF or CR (old Mac Excel) line ends, an optional UTF-8
 * BOM (Excel adds one). Line numbers count each of the three as one.
 * Used by the admin page's customer and order import and export.
 */
#ifndef KF_CSV_H
#define KF_CSV_H

#include <stddef.h>

struct arena;
struct buf;

#define CSV_MAX_FIELDS	16
/* Data rows: the header and rows of empty cells are not counted. */
#define CSV_MAX_ROWS	20000
/* Rows stored at all, padding included (a memory bound). */
#define CSV_MAX_RECORDS	(2 * (CSV_MAX_ROWS + 1))

struct csv_row {
	size_t		 line;		/* where the row starts, from 1 */
	size_t		 n;
	const char	*f[CSV_MAX_FIELDS];	/* NUL-terminated, in the arena */
};

struct csv {
	struct csv_row	*rows;
	size_t		 n;
};

/*
 * Parse text[0..len) into rows (blank lines skipped): a header and at
 * most CSV_MAX_ROWS rows with a non-empty cell. A row keeps at
 * most CSV_MAX_FIELDS cells: empty cells after those (a spreadsheet's
 * padding) are dropped, a non-empty one is refused ("列数过多"). So a
 * real column must be within the first 16, padding columns included. 0, or -1 with
 * *err_line and a static reason (Chinese, for the operator) set.
 */
int	 csv_parse(struct arena *, const char *text, size_t len,
	    struct csv *, size_t *err_line, const char **why);
/*
 * Drop what a spreadsheet pads a sheet with: rows whose every cell is
 * empty, and columns empty in every row (the header's cell included).
 * Rows keep their line numbers; a short row loses only its own cells.
 */
void	 csv_tidy(struct csv *);
/*
 * Append one field, quoted when needed. A field starting with = + - @
 * or a tab (after any apostrophes) gets a leading ' so a spreadsheet
 * shows it instead of running it as a formula; csv_unguard() undoes
 * exactly that on import, so every text comes back as it was.
 */
void	 csv_cell(struct buf *, const char *s, int first);
const char *csv_unguard(const char *s);

#endif
