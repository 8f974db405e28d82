/*
 * The API's client-facing errors, declared once: HTTP status, stable
 * machine code, human message (Chinese, the users' language). Parsing and
 * handler code return an enum apierr; only the response writer turns it
 * into a status line and a JSON body.
 */
#ifndef KF_APIERR_H
#define KF_APIERR_H

enum apierr {
	AE_OK = 0,
	AE_BAD_JSON,
	AE_BAD_TYPE,
	AE_BAD_ID,
	AE_BAD_UTF8,
	AE_BAD_TOKEN,
	AE_BAD_TICKET,
	AE_BAD_FORM,
	AE_MISSING,
	AE_DUPLICATE,
	AE_BAD_LENGTH,
	AE_SHORT_BODY,
	AE_BAD_CALLBACK,
	AE_BAD_SIGNATURE,
	AE_NOT_FOUND,
	AE_UNKNOWN_ENTRY,
	AE_NO_WEB_TARGET,
	AE_METHOD,
	AE_LENGTH_REQUIRED,
	AE_TOO_LARGE,
	AE_MEDIA_TYPE,
	AE_INTERNAL,
	AE_UNAVAILABLE,
	/* The admin program's. */
	AE_INVALID,		/* field-level errors in "fields" */
	AE_UNAUTHORIZED,
	AE_LOGIN_FAILED,
	AE_THROTTLED,
	AE_FORBIDDEN_ROLE,
	AE_CSRF,
	AE_BAD_ORIGIN,
	AE_NO_OBJECT,
	AE_CONFLICT,		/* stale version; "current" holds the row */
	AE_IN_USE,		/* "used_by" says by what */
	AE_BAD_ENCODING,	/* an upload neither UTF-8 nor GB18030 */
	AE_CSV_MEDIA_TYPE,	/* 415 for CSV import: what it takes */
	AE_IMPORT_DEADLOCK,	/* 409: a parallel import kept clashing */
	AE_LOCKED,		/* 409: rows held by another change too long */
	AE_JSON_TYPE,		/* 415 from the admin API: JSON only */
	/* Operators from the page (admin_ops.c). */
	AE_ADMIN_ONLY,		/* a viewer, even for a read */
	AE_SELF,		/* disabling or demoting oneself */
	AE_LAST_ADMIN,		/* the last enabled admin must stay one */
	/* 小程序码 (admin_qr.c) */
	AE_WXACODE_FAILED,	/* WeChat refused or did not answer */
	AE_MINIPROGRAM_UNSET,	/* no [miniprogram] app_id / app_secret */
	AE__MAX
};

struct apierr_info {
	int		 status;
	const char	*code;
	const char	*message;
};

const struct apierr_info *apierr_info(enum apierr);

#endif
